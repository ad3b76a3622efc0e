"""Who may sign in through the identity provider (single sign-on)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .scoping import scope_for

if TYPE_CHECKING:
    from ..types import StaffUser


def can_sign_in_by_oidc(user: StaffUser) -> bool:
    """An active user with at least one membership (of an active centre, or of a region).

    Being a superuser is not enough: the roles of a person who signs in by SSO are given in VIK."""
    scope = scope_for(user)
    return user.is_active and bool(scope.region_roles or scope.centre_roles)
