"""Every permission check in VIK lives here.

A user's memberships are read once per HTTP request into a `StaffScope`; the functions below
answer "may this user see / change this thing" from it, and the `*_visible` functions return the
filter that list pages and search apply. Views and services call these; nothing else decides.

The rules (PRODUCT.md "Tenancy and least privilege"):
- agents and centre leads work the requests of their centre;
- knowledge editors of a centre see its requests (to find content gaps) but do not change them;
- region coordinators and administrators see and work every request of their region;
- analysts see every request of their region, read-only;
- nothing of one region is ever visible to a member of another region only.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db.models import Q

from .choices import Role

if TYPE_CHECKING:
    from vik.contacts.models import Contact
    from vik.conversations.models import Request

    from .models import InformationCentre

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


def scope_for(user: Any) -> StaffScope:
    """The user's memberships, read once and cached on the user object."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return StaffScope()
    cached = getattr(user, "_vik_scope", None)
    if cached is not None:
        return cached  # type: ignore[no-any-return]
    from .models import Membership

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
    user._vik_scope = scope
    return scope


def forget_scope(user: Any) -> None:
    """Drop the cached scope after the user's memberships changed."""
    if hasattr(user, "_vik_scope"):
        del user._vik_scope


def is_staff_member(user: Any) -> bool:
    return scope_for(user).is_member


def has_region_role(user: Any, region_id: int, roles: set[Role]) -> bool:
    scope = scope_for(user)
    return scope.is_superuser or bool(scope.region_roles.get(region_id, frozenset()) & roles)


# Requests ------------------------------------------------------------------------------------


def requests_visible(user: Any) -> Q:
    """The filter on conversations.Request for everything the user may see."""
    scope = scope_for(user)
    if scope.is_superuser:
        return Q()
    regions = scope.regions_with(VIEWING_REGION_ROLES)
    centres = scope.centres_with(VIEWING_CENTRE_ROLES)
    if not regions and not centres:
        return Q(pk__in=[])
    return Q(region_id__in=sorted(regions)) | Q(centre_id__in=sorted(centres))


def can_view_request(user: Any, request: Request) -> bool:
    scope = scope_for(user)
    if scope.is_superuser:
        return True
    if scope.region_roles.get(request.region_id, frozenset()) & VIEWING_REGION_ROLES:
        return True
    return bool(scope.centre_roles.get(request.centre_id or 0, frozenset()) & VIEWING_CENTRE_ROLES)


def can_work_request(user: Any, request: Request) -> bool:
    """Reply, note, change status / assignee / topic / centre."""
    scope = scope_for(user)
    if scope.is_superuser:
        return True
    if scope.region_roles.get(request.region_id, frozenset()) & WORKING_REGION_ROLES:
        return True
    return bool(scope.centre_roles.get(request.centre_id or 0, frozenset()) & WORKING_CENTRE_ROLES)


def can_move_request_to(user: Any, request: Request, centre: InformationCentre) -> bool:
    return (
        can_work_request(user, request)
        and centre.is_active
        and centre.region_id == request.region_id
    )


def can_be_assigned(assignee: Any, request: Request) -> bool:
    """Whether `assignee` may hold `request`: an agent or lead of its centre, or a coordinator."""
    scope = scope_for(assignee)
    if scope.region_roles.get(request.region_id, frozenset()) & WORKING_REGION_ROLES:
        return True
    return bool(scope.centre_roles.get(request.centre_id or 0, frozenset()) & WORKING_CENTRE_ROLES)


def centres_visible(user: Any) -> Q:
    """The filter on tenancy.InformationCentre for the centre chooser and list filters."""
    scope = scope_for(user)
    if scope.is_superuser:
        return Q()
    regions = scope.regions_with(VIEWING_REGION_ROLES)
    centres = scope.centres_with(VIEWING_CENTRE_ROLES)
    return Q(region_id__in=sorted(regions)) | Q(pk__in=sorted(centres))


def centres_to_move_to(user: Any) -> Q:
    """Centres a user may move requests into: every active centre of their regions."""
    scope = scope_for(user)
    if scope.is_superuser:
        return Q(is_active=True)
    return Q(is_active=True, region_id__in=sorted(scope.region_ids))


# Contacts ------------------------------------------------------------------------------------


def contacts_visible(user: Any) -> Q:
    """The filter on contacts.Contact: region-wide roles see the region's contacts; centre staff
    see the contacts of the requests they can see."""
    scope = scope_for(user)
    if scope.is_superuser:
        return Q()
    regions = scope.regions_with(VIEWING_REGION_ROLES)
    centres = scope.centres_with(VIEWING_CENTRE_ROLES)
    if not regions and not centres:
        return Q(pk__in=[])
    return Q(region_id__in=sorted(regions)) | Q(requests__centre_id__in=sorted(centres))


def can_view_contact(user: Any, contact: Contact) -> bool:
    from vik.contacts.models import Contact

    return Contact.objects.filter(contacts_visible(user), pk=contact.pk).exists()


def can_change_contact(user: Any, contact: Contact) -> bool:
    """Merging and editing identities: region-wide workers only, in the contact's region."""
    scope = scope_for(user)
    if scope.is_superuser:
        return True
    return bool(scope.region_roles.get(contact.region_id, frozenset()) & WORKING_REGION_ROLES)


# Channels ------------------------------------------------------------------------------------

MANAGING_CENTRE_ROLES = {Role.CENTRE_LEAD}


def channel_accounts_managed(user: Any) -> Q:
    """The filter on channels.ChannelAccount whose quarantine the user may review: centre leads
    for their centre's accounts, coordinators and administrators for the whole region."""
    scope = scope_for(user)
    if scope.is_superuser:
        return Q()
    regions = scope.regions_with(WORKING_REGION_ROLES)
    centres = scope.centres_with(MANAGING_CENTRE_ROLES)
    if not regions and not centres:
        return Q(pk__in=[])
    return Q(region_id__in=sorted(regions)) | Q(centre_id__in=sorted(centres))


def can_review_quarantine(user: Any) -> bool:
    """Whether the user reviews any channel account's quarantine (the navigation shows it)."""
    scope = scope_for(user)
    return scope.is_superuser or bool(
        scope.regions_with(WORKING_REGION_ROLES) or scope.centres_with(MANAGING_CENTRE_ROLES)
    )


# Knowledge -----------------------------------------------------------------------------------
#
# Readers: anybody reads live public articles; members read live staff articles of their scope
# (every region's, their regions', their centres'); coordinators, administrators and analysts
# also read articles for coordinators. Authors write drafts and submit them: agents, leads and
# knowledge editors for their centre and its region, coordinators and administrators for their
# region and every region's. Reviewers publish and archive: a centre's knowledge editor or lead
# for that centre's articles and local variants, the knowledge editor of a region's regional
# centre and its coordinators and administrators for the region, coordinators and
# administrators (of any region: the association coordinates) for articles of every region.
# An agent never publishes.

KNOWLEDGE_AUTHOR_CENTRE_ROLES = {Role.AGENT, Role.CENTRE_LEAD, Role.KNOWLEDGE_EDITOR}
KNOWLEDGE_REVIEW_CENTRE_ROLES = {Role.CENTRE_LEAD, Role.KNOWLEDGE_EDITOR}
KNOWLEDGE_REGION_ROLES = {Role.REGION_COORDINATOR, Role.ADMINISTRATOR}


def _regional_editor_regions(scope: StaffScope) -> set[int]:
    """Regions where the user is a knowledge editor of the regional centre: the region's editor."""
    centres = scope.centres_with({Role.KNOWLEDGE_EDITOR})
    if not centres:
        return set()
    from .models import InformationCentre

    return set(
        InformationCentre.objects.filter(pk__in=sorted(centres), is_regional=True).values_list(
            "region_id", flat=True
        )
    )


def articles_readable(user: Any) -> Q:
    """The filter on knowledge.Article for the live articles the user may read (anonymous: the
    public ones)."""
    from vik.knowledge.choices import Audience

    live = Q(published_version__isnull=False)
    scope = scope_for(user)
    if scope.is_superuser:
        return live
    public = Q(audience=Audience.PUBLIC)
    if not scope.is_member:
        return live & public
    overseen = sorted(scope.regions_with(VIEWING_REGION_ROLES))
    in_scope = (
        Q(region__isnull=True)
        | Q(region_id__in=sorted(scope.region_ids), centre__isnull=True)
        | Q(centre_id__in=sorted(scope.centre_roles))
        | Q(region_id__in=overseen)
    )
    readable = public | (Q(audience=Audience.STAFF) & in_scope)
    if overseen:
        readable |= Q(audience=Audience.COORDINATORS) & (
            Q(region__isnull=True) | Q(region_id__in=overseen)
        )
    return live & readable


def can_author_article(user: Any, *, region_id: int | None, centre_id: int | None) -> bool:
    """Write drafts of (and submit) an article of this scope."""
    scope = scope_for(user)
    if scope.is_superuser:
        return True
    if centre_id is not None:
        return bool(
            scope.centre_roles.get(centre_id, frozenset()) & KNOWLEDGE_AUTHOR_CENTRE_ROLES
        ) or has_region_role(user, region_id or 0, KNOWLEDGE_REGION_ROLES)
    if region_id is not None:
        return has_region_role(user, region_id, KNOWLEDGE_REGION_ROLES) or any(
            scope.centre_regions.get(centre) == region_id
            for centre in scope.centres_with(KNOWLEDGE_AUTHOR_CENTRE_ROLES)
        )
    return bool(
        scope.regions_with(KNOWLEDGE_REGION_ROLES) or scope.centres_with({Role.KNOWLEDGE_EDITOR})
    )


def can_review_article(user: Any, *, region_id: int | None, centre_id: int | None) -> bool:
    """Publish and archive an article of this scope."""
    scope = scope_for(user)
    if scope.is_superuser:
        return True
    if region_id is None:
        return bool(scope.regions_with(KNOWLEDGE_REGION_ROLES))
    if has_region_role(user, region_id, KNOWLEDGE_REGION_ROLES):
        return True
    if centre_id is not None and (
        scope.centre_roles.get(centre_id, frozenset()) & KNOWLEDGE_REVIEW_CENTRE_ROLES
    ):
        return True
    return region_id in _regional_editor_regions(scope)


def articles_authored(user: Any) -> Q:
    """The filter on knowledge.Article for the articles, in any state, the user may write."""
    scope = scope_for(user)
    if scope.is_superuser:
        return Q()
    author_centres = scope.centres_with(KNOWLEDGE_AUTHOR_CENTRE_ROLES)
    region_wide = scope.regions_with(KNOWLEDGE_REGION_ROLES)
    centre_regions = {scope.centre_regions[centre] for centre in author_centres}
    authored = (
        Q(centre_id__in=sorted(author_centres))
        | Q(region_id__in=sorted(region_wide))
        | Q(region_id__in=sorted(centre_regions), centre__isnull=True)
    )
    if region_wide or scope.centres_with({Role.KNOWLEDGE_EDITOR}):
        authored |= Q(region__isnull=True)
    return authored if (author_centres or region_wide) else Q(pk__in=[])


def articles_reviewed(user: Any) -> Q:
    """The filter on knowledge.Article for the articles the user publishes and keeps valid."""
    scope = scope_for(user)
    if scope.is_superuser:
        return Q()
    region_wide = scope.regions_with(KNOWLEDGE_REGION_ROLES)
    centres = scope.centres_with(KNOWLEDGE_REVIEW_CENTRE_ROLES)
    editor_regions = _regional_editor_regions(scope)
    if not (region_wide or centres or editor_regions):
        return Q(pk__in=[])
    reviewed = Q(centre_id__in=sorted(centres)) | Q(
        region_id__in=sorted(region_wide | editor_regions)
    )
    if region_wide:
        reviewed |= Q(region__isnull=True)
    return reviewed


# The usage metrics of the knowledge centre: knowledge editors for their centres, coordinators,
# analysts and administrators for their regions. Events without a centre (a portal reader whose
# municipality is unknown, the API) are counts of the whole installation and shown to all of them.

KNOWLEDGE_METRICS_CENTRE_ROLES = {Role.KNOWLEDGE_EDITOR}
KNOWLEDGE_METRICS_REGION_ROLES = {Role.REGION_COORDINATOR, Role.ANALYST, Role.ADMINISTRATOR}


def can_view_knowledge_metrics(user: Any) -> bool:
    scope = scope_for(user)
    return scope.is_superuser or bool(
        scope.regions_with(KNOWLEDGE_METRICS_REGION_ROLES)
        or scope.centres_with(KNOWLEDGE_METRICS_CENTRE_ROLES)
    )


def knowledge_usage_visible(user: Any) -> Q:
    """The filter on knowledge.UsageEvent for the events the user's metrics count."""
    scope = scope_for(user)
    if scope.is_superuser:
        return Q()
    if not can_view_knowledge_metrics(user):
        return Q(pk__in=[])
    regions = sorted(scope.regions_with(KNOWLEDGE_METRICS_REGION_ROLES))
    centres = sorted(scope.centres_with(KNOWLEDGE_METRICS_CENTRE_ROLES))
    return Q(centre__isnull=True) | Q(centre__region_id__in=regions) | Q(centre_id__in=centres)


def knowledge_metrics_centres(user: Any) -> Q:
    """The filter on tenancy.InformationCentre for the centres the user's metrics may show."""
    scope = scope_for(user)
    if scope.is_superuser:
        return Q()
    regions = sorted(scope.regions_with(KNOWLEDGE_METRICS_REGION_ROLES))
    centres = sorted(scope.centres_with(KNOWLEDGE_METRICS_CENTRE_ROLES))
    if not (regions or centres):
        return Q(pk__in=[])
    return Q(region_id__in=regions) | Q(pk__in=centres)
