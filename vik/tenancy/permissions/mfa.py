"""Who must use a second factor at sign-in, and who may reset another user's."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings

from ..choices import Role
from .scoping import scope_for

if TYPE_CHECKING:
    from ..types import StaffUser, Viewer


def requires_second_factor(user: Viewer) -> bool:
    """The user holds a role of `VIK_MFA_REQUIRED_ROLES` (a superuser counts as administrator)."""
    required = set(settings.VIK_MFA_REQUIRED_ROLES)
    if not required or not user.is_authenticated:
        return False
    scope = scope_for(user)
    if scope.is_superuser and Role.ADMINISTRATOR in required:
        return True
    held = {role for roles in scope.region_roles.values() for role in roles}
    held |= {role for roles in scope.centre_roles.values() for role in roles}
    return bool(held & required)


def can_reset_second_factor(user: Viewer, target: StaffUser) -> bool:
    """A superuser resets anybody's; an administrator of a region, the devices of that region's
    staff (not of a superuser). Nobody resets their own here: that needs their password or code."""
    if not user.is_authenticated or user.pk == target.pk:
        return False
    scope = scope_for(user)
    if scope.is_superuser:
        return True
    if target.is_superuser:
        return False
    return bool(scope.regions_with({Role.ADMINISTRATOR}) & scope_for(target).region_ids)


def can_reset_any_second_factor(user: Viewer) -> bool:
    """The user may reset somebody's second factor (a superuser, or an administrator)."""
    scope = scope_for(user)
    return scope.is_superuser or bool(scope.regions_with({Role.ADMINISTRATOR}))
