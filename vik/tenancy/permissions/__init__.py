"""Every permission check in VIK lives here.

A user's memberships are read once per HTTP request into a `StaffScope`; the functions below
answer "may this user see / change this thing" from it, and the `*_visible` functions return the
filter that list pages and search apply. Views and services call these; nothing else decides.

The rules (PRODUCT.md "Tenancy and least privilege"):
- agents and centre leads work the requests of their centre;
- knowledge editors of a centre see its requests (to find content gaps) but do not change them;
- region coordinators and administrators see and work every request of their region;
- analysts see every request of their region, read-only;
- a centre consulted on a request, or one that transferred it away and keeps access, reads it
  (`conversations.RequestAccess`) but does not change it;
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
    """Drop the cached scope (and read grants) after the user's memberships or grants changed."""
    user.__dict__.pop("_vik_scope", None)
    user.__dict__.pop("_vik_granted", None)


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
    visible = Q(region_id__in=sorted(regions)) | Q(centre_id__in=sorted(centres))
    granted = _requests_granted(user, centres) if centres else []
    if granted:
        visible |= Q(pk__in=granted)
    return visible


def _requests_granted(user: Any, centres: set[int]) -> list[int]:
    """The ids of requests other centres let these centres read (a transfer, a consultation),
    read once per HTTP request like the scope. A literal list, not a subquery: OR-ed with a
    subquery PostgreSQL can no longer use the centre's index of a million requests, while
    a short list joins it as a second index scan; and a centre without grants (most) adds
    nothing to the filter."""
    cached: dict[tuple[int, ...], list[int]] = user.__dict__.setdefault("_vik_granted", {})
    key = tuple(sorted(centres))
    if key not in cached:
        from vik.conversations.models import RequestAccess

        cached[key] = list(
            RequestAccess.objects.filter(centre_id__in=key, revoked_at__isnull=True)
            .order_by("request_id")
            .values_list("request_id", flat=True)
            .distinct()
        )
    return cached[key]


def can_view_request(user: Any, request: Request) -> bool:
    """See `requests_visible`; a centre's read grant (`RequestAccess`) lets it read, never work."""
    scope = scope_for(user)
    if scope.is_superuser:
        return True
    if scope.region_roles.get(request.region_id, frozenset()) & VIEWING_REGION_ROLES:
        return True
    if scope.centre_roles.get(request.centre_id or 0, frozenset()) & VIEWING_CENTRE_ROLES:
        return True
    centres = scope.centres_with(VIEWING_CENTRE_ROLES)
    return bool(centres) and request.pk in _requests_granted(user, centres)


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


def can_transfer_request_to(user: Any, request: Request, centre: InformationCentre) -> bool:
    """Hand the request to another active centre of its region (any office)."""
    return can_move_request_to(user, request, centre) and centre.pk != request.centre_id


def can_consult(user: Any, request: Request, centre: InformationCentre) -> bool:
    """Ask another active centre of the region about a request one works."""
    return can_transfer_request_to(user, request, centre)


def can_answer_consultation(user: Any, *, centre_id: int, region_id: int) -> bool:
    """Answer a question asked of centre `centre_id`: its agents and leads, or the region's
    coordinators and administrators."""
    scope = scope_for(user)
    if scope.is_superuser:
        return True
    if scope.region_roles.get(region_id, frozenset()) & WORKING_REGION_ROLES:
        return True
    return bool(scope.centre_roles.get(centre_id, frozenset()) & WORKING_CENTRE_ROLES)


def consultations_answerable(user: Any) -> Q:
    """The filter on conversations.Consultation for the questions the user may answer."""
    scope = scope_for(user)
    if scope.is_superuser:
        return Q()
    regions = scope.regions_with(WORKING_REGION_ROLES)
    centres = scope.centres_with(WORKING_CENTRE_ROLES)
    if not regions and not centres:
        return Q(pk__in=[])
    return Q(request__region_id__in=sorted(regions)) | Q(to_centre_id__in=sorted(centres))


def can_merge_requests(user: Any, source: Request, target: Request) -> bool:
    """Merge one request into another: both of one region, and the user works both."""
    return (
        source.region_id == target.region_id
        and can_work_request(user, source)
        and can_work_request(user, target)
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


# Canned answers (macros) ---------------------------------------------------------------------
#
# A centre lead manages the macros of their centre; coordinators and administrators manage the
# region's macros and those of every centre of the region. Whoever works a request is offered
# the region's macros and those of the request's centre.

MACRO_CENTRE_ROLES = {Role.CENTRE_LEAD}


def can_manage_macro(user: Any, *, region_id: int, centre_id: int | None) -> bool:
    """Create, change and delete a macro of this scope (a centre's, or the region's)."""
    scope = scope_for(user)
    if scope.is_superuser or has_region_role(user, region_id, WORKING_REGION_ROLES):
        return True
    if centre_id is None:
        return False
    return scope.centre_regions.get(centre_id) == region_id and bool(
        scope.centre_roles.get(centre_id, frozenset()) & MACRO_CENTRE_ROLES
    )


def macros_managed(user: Any) -> Q:
    """The filter on workspace.Macro for the macros the user manages."""
    scope = scope_for(user)
    if scope.is_superuser:
        return Q()
    regions = scope.regions_with(WORKING_REGION_ROLES)
    centres = scope.centres_with(MACRO_CENTRE_ROLES)
    if not regions and not centres:
        return Q(pk__in=[])
    return Q(region_id__in=sorted(regions)) | Q(centre_id__in=sorted(centres))


def can_manage_any_macro(user: Any) -> bool:
    """Whether the navigation offers the macros' management pages."""
    scope = scope_for(user)
    return scope.is_superuser or bool(
        scope.regions_with(WORKING_REGION_ROLES) or scope.centres_with(MACRO_CENTRE_ROLES)
    )


def macros_available(user: Any, request: Request) -> Q:
    """The filter on workspace.Macro for the active macros offered on `request`'s reply."""
    if not can_work_request(user, request):
        return Q(pk__in=[])
    return Q(is_active=True, region_id=request.region_id) & (
        Q(centre__isnull=True) | Q(centre_id=request.centre_id)
    )


# Service levels ------------------------------------------------------------------------------
#
# A centre's SLA policies are set by its centre lead, and by the coordinators and
# administrators of its region.

SLA_MANAGING_CENTRE_ROLES = {Role.CENTRE_LEAD}


def can_manage_sla(user: Any, centre: InformationCentre) -> bool:
    scope = scope_for(user)
    if scope.is_superuser:
        return True
    if scope.region_roles.get(centre.region_id, frozenset()) & WORKING_REGION_ROLES:
        return True
    return bool(scope.centre_roles.get(centre.pk, frozenset()) & SLA_MANAGING_CENTRE_ROLES)


def sla_centres_managed(user: Any) -> Q:
    """The filter on tenancy.InformationCentre whose SLA policies the user may set."""
    scope = scope_for(user)
    if scope.is_superuser:
        return Q()
    regions = scope.regions_with(WORKING_REGION_ROLES)
    centres = scope.centres_with(SLA_MANAGING_CENTRE_ROLES)
    if not regions and not centres:
        return Q(pk__in=[])
    return Q(region_id__in=sorted(regions)) | Q(pk__in=sorted(centres))


def can_manage_any_sla(user: Any) -> bool:
    """Whether the navigation offers the SLA policy page."""
    scope = scope_for(user)
    return scope.is_superuser or bool(
        scope.regions_with(WORKING_REGION_ROLES) or scope.centres_with(SLA_MANAGING_CENTRE_ROLES)
    )


# Saved views of the request list -------------------------------------------------------------
#
# A personal view is its owner's alone. A view shared with a centre is seen by every member of
# the centre and shared by its leads or the region's coordinators and administrators; a view
# shared with a region is seen by every member of the region and shared by its coordinators and
# administrators.

SHARING_CENTRE_ROLES = {Role.CENTRE_LEAD}


def member_centres(user: Any) -> list[int] | None:
    """The centres the user works in ("my centres"), or None for a user with no centre (a
    coordinator, a superuser): the whole of what they may see is theirs."""
    centres = scope_for(user).centres_with(VIEWING_CENTRE_ROLES)
    return sorted(centres) if centres else None


def can_share_view(user: Any, centre_id: int | None, region_id: int | None) -> bool:
    """Whether the user may share a saved view with the centre (or with the whole region)."""
    scope = scope_for(user)
    if scope.is_superuser:
        return True
    if centre_id is not None:
        if scope.centre_roles.get(centre_id, frozenset()) & SHARING_CENTRE_ROLES:
            return True
        from .models import InformationCentre

        centre_region = (
            InformationCentre.objects.filter(pk=centre_id)
            .values_list("region_id", flat=True)
            .first()
        )
        return centre_region is not None and has_region_role(
            user, centre_region, WORKING_REGION_ROLES
        )
    if region_id is not None:
        return has_region_role(user, region_id, WORKING_REGION_ROLES)
    return False


def saved_views_visible(user: Any) -> Q:
    """The filter on workspace.SavedView for the views the user has: their own and the ones
    shared with their centres and regions."""
    scope = scope_for(user)
    if not scope.is_member or not getattr(user, "pk", None):
        return Q(pk__in=[])
    return (
        Q(owner_id=user.pk)
        | Q(centre_id__in=sorted(scope.centre_roles))
        | Q(region_id__in=sorted(scope.region_ids))
    )


def can_change_view(user: Any, view: Any) -> bool:
    """Rename or delete a saved view: its owner, or who may share it where it is shared."""
    if view.owner_id is not None:
        return bool(view.owner_id == getattr(user, "pk", None))
    return can_share_view(user, view.centre_id, view.region_id)


# Routing -------------------------------------------------------------------------------------
#
# A region's routing rules are edited by its coordinators and administrators; a centre's queues
# and assignment policy also by the centre's lead. Absence: everybody marks themselves, a centre
# lead marks the agents of their centre, coordinators and administrators anybody of the region.

ROUTING_REGION_ROLES = {Role.REGION_COORDINATOR, Role.ADMINISTRATOR}


def can_edit_routing(user: Any, region_id: int) -> bool:
    return has_region_role(user, region_id, ROUTING_REGION_ROLES)


def routing_regions_edited(user: Any) -> Q:
    """The filter on territory.Region for the regions whose routing rules the user edits."""
    scope = scope_for(user)
    if scope.is_superuser:
        return Q()
    return Q(pk__in=sorted(scope.regions_with(ROUTING_REGION_ROLES)))


def can_edit_any_routing(user: Any) -> bool:
    """Whether the navigation offers the routing pages (rules or queues)."""
    scope = scope_for(user)
    return scope.is_superuser or bool(
        scope.regions_with(ROUTING_REGION_ROLES) or scope.centres_with(MANAGING_CENTRE_ROLES)
    )


def queues_managed(user: Any) -> Q:
    """The filter on tenancy.InformationCentre whose queues and assignment policy the user
    manages."""
    scope = scope_for(user)
    if scope.is_superuser:
        return Q()
    regions = scope.regions_with(ROUTING_REGION_ROLES)
    centres = scope.centres_with(MANAGING_CENTRE_ROLES)
    if not regions and not centres:
        return Q(pk__in=[])
    return Q(region_id__in=sorted(regions)) | Q(pk__in=sorted(centres))


def can_manage_queues(user: Any, centre: InformationCentre) -> bool:
    scope = scope_for(user)
    return (
        scope.is_superuser
        or bool(scope.centre_roles.get(centre.pk, frozenset()) & MANAGING_CENTRE_ROLES)
        or can_edit_routing(user, centre.region_id)
    )


def can_mark_absent(user: Any, person: Any) -> bool:
    scope = scope_for(user)
    if not scope.is_member:
        return False
    if scope.is_superuser or user.pk == person.pk:
        return True
    theirs = scope_for(person)
    led = scope.centres_with(MANAGING_CENTRE_ROLES)
    if led & set(theirs.centre_roles):
        return True
    return bool(scope.regions_with(ROUTING_REGION_ROLES) & theirs.region_ids)


def centres_to_share_views_with(user: Any) -> Q:
    """The filter on tenancy.InformationCentre for the centres the user may share views with."""
    scope = scope_for(user)
    if scope.is_superuser:
        return Q(is_active=True)
    leads = sorted(scope.centres_with(SHARING_CENTRE_ROLES))
    regions = sorted(scope.regions_with(WORKING_REGION_ROLES))
    if not (leads or regions):
        return Q(pk__in=[])
    return Q(is_active=True) & (Q(pk__in=leads) | Q(region_id__in=regions))


def regions_to_share_views_with(user: Any) -> list[int]:
    return sorted(scope_for(user).regions_with(WORKING_REGION_ROLES))


def requests_visible_parts(user: Any) -> list[Q]:
    """`requests_visible` as the filters it is the union of (a region's, the centres', the
    grants'), for a list that reads each part on its own index: an OR across them cannot walk
    the (centre, due_at, id) or (region, -created_at, -id) index in order. Empty for a
    superuser (no filter at all) and for a user who sees nothing."""
    scope = scope_for(user)
    if scope.is_superuser:
        return []
    regions = scope.regions_with(VIEWING_REGION_ROLES)
    centres = scope.centres_with(VIEWING_CENTRE_ROLES)
    parts = []
    if regions:
        parts.append(Q(region_id__in=sorted(regions)))
    if centres:
        parts.append(Q(centre_id__in=sorted(centres)))
        granted = _requests_granted(user, centres)
        if granted:
            parts.append(Q(pk__in=granted))
    return parts
