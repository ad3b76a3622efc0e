"""The user's memberships as a `StaffScope`, the role sets the checks are written in, and the one
helper every list filter of the form "what the user's regions and centres hold" is built with."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db.models import Q

from ..choices import Role
from ..models import Membership

if TYPE_CHECKING:
    from ..types import Viewer

WORKING_CENTRE_ROLES = {Role.AGENT, Role.CENTRE_LEAD}
VIEWING_CENTRE_ROLES = {Role.AGENT, Role.CENTRE_LEAD, Role.KNOWLEDGE_EDITOR}
WORKING_REGION_ROLES = {Role.REGION_COORDINATOR, Role.ADMINISTRATOR}
VIEWING_REGION_ROLES = {Role.REGION_COORDINATOR, Role.ADMINISTRATOR, Role.ANALYST}


@dataclass(frozen=True)
class StaffScope:
    is_superuser: bool = False
    region_roles: dict[int, frozenset[str]] = field(default_factory=dict)
    centre_roles: dict[int, frozenset[str]] = field(default_factory=dict)
    centre_regions: dict[int, int] = field(default_factory=dict)

    def regions_with(self, roles: set[Role]) -> set[int]:
        return {region for region, held in self.region_roles.items() if held & roles}

    def centres_with(self, roles: set[Role]) -> set[int]:
        return {centre for centre, held in self.centre_roles.items() if held & roles}

    @property
    def region_ids(self) -> set[int]:
        return set(self.region_roles) | set(self.centre_regions.values())

    @property
    def is_member(self) -> bool:
        return self.is_superuser or bool(self.region_roles or self.centre_roles)

    @property
    def key(self) -> tuple[object, ...]:
        """The scope as a hashable value: what is remembered per scope (the list's drop-downs)
        is looked up by it, so that a change of roles is a new key at once."""
        return (
            self.is_superuser,
            tuple(
                sorted(
                    (region, tuple(sorted(roles))) for region, roles in self.region_roles.items()
                )
            ),
            tuple(
                sorted(
                    (centre, tuple(sorted(roles))) for centre, roles in self.centre_roles.items()
                )
            ),
            tuple(sorted(self.centre_regions.items())),
        )


def scope_for(user: Viewer) -> StaffScope:
    """The user's memberships, read once and cached on the user object."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return StaffScope()
    cached = getattr(user, "_vik_scope", None)
    if cached is not None:
        return cached  # type: ignore[no-any-return]
    region_roles: dict[int, set[str]] = {}
    centre_roles: dict[int, set[str]] = {}
    centre_regions: dict[int, int] = {}
    for membership in Membership.objects.filter(user=user).select_related("centre"):
        centre = membership.centre
        if centre is not None and centre.is_active:
            centre_roles.setdefault(centre.pk, set()).add(membership.role)
            centre_regions[centre.pk] = centre.region_id
        elif membership.centre_id is None:
            region_roles.setdefault(membership.region_id, set()).add(membership.role)
    scope = StaffScope(
        is_superuser=user.is_superuser,
        region_roles={k: frozenset(v) for k, v in region_roles.items()},
        centre_roles={k: frozenset(v) for k, v in centre_roles.items()},
        centre_regions=centre_regions,
    )
    user._vik_scope = scope  # type: ignore[attr-defined]  # the request's cache, not a field
    return scope


def forget_scope(user: Viewer) -> None:
    """Drop the cached scope (and read grants) after the user's memberships or grants changed."""
    user.__dict__.pop("_vik_scope", None)
    user.__dict__.pop("_vik_granted", None)


def is_staff_member(user: Viewer) -> bool:
    return scope_for(user).is_member


def has_region_role(user: Viewer, region_id: int, roles: set[Role]) -> bool:
    scope = scope_for(user)
    return scope.is_superuser or bool(scope.region_roles.get(region_id, frozenset()) & roles)


def scope_filter(
    user: Viewer,
    *,
    region_roles: set[Role],
    centre_roles: set[Role],
    region_field: str = "region_id",
    centre_field: str = "centre_id",
) -> Q:
    """The filter for the rows of the regions where the user holds one of `region_roles` and of
    the centres where they hold one of `centre_roles`: everything for a superuser, nothing for a
    user with neither. `region_field` and `centre_field` name the row's region and centre (a
    centre itself is `centre_field="pk"`, a contact's centres `"requests__centre_id"`).

    A `Q`, not a filtered queryset: the `*_visible` functions return it so that a caller can
    combine it with its own conditions, or use it on a model this floor does not import."""
    scope = scope_for(user)
    if scope.is_superuser:
        return Q()
    regions = scope.regions_with(region_roles)
    centres = scope.centres_with(centre_roles)
    if not regions and not centres:
        return Q(pk__in=[])
    return Q(**{f"{region_field}__in": sorted(regions)}) | Q(
        **{f"{centre_field}__in": sorted(centres)}
    )
