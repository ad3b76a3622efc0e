"""Who sees and releases sign-in lockouts: a centre lead for the staff of their centre, a region
administrator for the staff of their region, a superuser for everybody. A lock on an address
concerns no one region (anybody may sign in from it): only a superuser releases it. A superuser's
account is released only by a superuser."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Q

from ..choices import Role
from .scoping import scope_for

if TYPE_CHECKING:
    from ..models import User
    from ..types import Viewer

LOCKOUT_CENTRE_ROLES = {Role.CENTRE_LEAD}
LOCKOUT_REGION_ROLES = {Role.ADMINISTRATOR}


def lockout_accounts_managed(user: Viewer) -> Q:
    """The filter on tenancy.User whose sign-in lock the user may see and release."""
    scope = scope_for(user)
    if scope.is_superuser:
        return Q()
    centres = scope.centres_with(LOCKOUT_CENTRE_ROLES)
    regions = scope.regions_with(LOCKOUT_REGION_ROLES)
    if not centres and not regions:
        return Q(pk__in=[])
    return (
        Q(memberships__centre_id__in=sorted(centres))
        | Q(memberships__region_id__in=sorted(regions))
    ) & Q(is_superuser=False)


def can_manage_lockouts(user: Viewer) -> bool:
    """Whether the user has the lockouts page (the navigation shows it)."""
    scope = scope_for(user)
    return scope.is_superuser or bool(
        scope.centres_with(LOCKOUT_CENTRE_ROLES) or scope.regions_with(LOCKOUT_REGION_ROLES)
    )


def can_release_account(user: Viewer, account: User) -> bool:
    if not can_manage_lockouts(user):
        return False
    return type(account).objects.filter(lockout_accounts_managed(user), pk=account.pk).exists()


def can_release_address(user: Viewer) -> bool:
    return scope_for(user).is_superuser
