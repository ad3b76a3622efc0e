"""Who reads, writes and reviews knowledge articles, and who sees the knowledge centre's usage.

Readers: anybody reads live public articles; members read live staff articles of their scope
(every region's, their regions', their centres'); coordinators, administrators and analysts
also read articles for coordinators. Authors write drafts and submit them: agents, leads and
knowledge editors for their centre and its region, coordinators and administrators for their
region and every region's. Reviewers publish and archive: a centre's knowledge editor or lead
for that centre's articles and local variants, the knowledge editor of a region's regional
centre and its coordinators and administrators for the region, coordinators and
administrators (of any region: the association coordinates) for articles of every region.
An agent never publishes.

Files of an article follow the text: who may write the article proposes a new file or the
removal of one (`can_change_article_files`), in the article's draft; only its reviewers make
that change public by publishing (`can_publish_article_files`). Files in a draft are for staff
who may write or review the article (`can_see_draft_files`); citizens never get them.

Search synonyms (the editors' additions to the search lexicon): the reviewers of a region's
articles and the knowledge editors of its centres, for that region (`can_edit_synonyms`).

The usage metrics: knowledge editors for their centres, coordinators, analysts and
administrators for their regions. Events without a centre (a portal reader whose municipality
is unknown, the API) are counts of the whole installation and shown to all of them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Q

from ..choices import Audience, Role
from ..models import InformationCentre
from .scoping import VIEWING_REGION_ROLES, StaffScope, has_region_role, scope_filter, scope_for

if TYPE_CHECKING:
    from ..types import Viewer

KNOWLEDGE_AUTHOR_CENTRE_ROLES = {Role.AGENT, Role.CENTRE_LEAD, Role.KNOWLEDGE_EDITOR}
KNOWLEDGE_REVIEW_CENTRE_ROLES = {Role.CENTRE_LEAD, Role.KNOWLEDGE_EDITOR}
KNOWLEDGE_REGION_ROLES = {Role.REGION_COORDINATOR, Role.ADMINISTRATOR}

KNOWLEDGE_METRICS_CENTRE_ROLES = {Role.KNOWLEDGE_EDITOR}
KNOWLEDGE_METRICS_REGION_ROLES = {Role.REGION_COORDINATOR, Role.ANALYST, Role.ADMINISTRATOR}


def _regional_editor_regions(scope: StaffScope) -> set[int]:
    """Regions where the user is a knowledge editor of the regional centre: the region's editor."""
    centres = scope.centres_with({Role.KNOWLEDGE_EDITOR})
    if not centres:
        return set()
    return set(
        InformationCentre.objects.filter(pk__in=sorted(centres), is_regional=True).values_list(
            "region_id", flat=True
        )
    )


def articles_readable(user: Viewer) -> Q:
    """The filter on knowledge.Article for the live articles the user may read (anonymous: the
    public ones)."""
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


def can_author_article(user: Viewer, *, region_id: int | None, centre_id: int | None) -> bool:
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


def can_review_article(user: Viewer, *, region_id: int | None, centre_id: int | None) -> bool:
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


def can_change_article_files(user: Viewer, *, region_id: int | None, centre_id: int | None) -> bool:
    """Add a file to, or remove one from, the draft of an article of this scope."""
    return can_author_article(user, region_id=region_id, centre_id=centre_id)


def can_publish_article_files(
    user: Viewer, *, region_id: int | None, centre_id: int | None
) -> bool:
    """Make the draft's files what readers download: who publishes the article's text."""
    return can_review_article(user, region_id=region_id, centre_id=centre_id)


def can_see_draft_files(user: Viewer, *, region_id: int | None, centre_id: int | None) -> bool:
    """Download a file that waits in the draft (to review it)."""
    return can_author_article(user, region_id=region_id, centre_id=centre_id) or can_review_article(
        user, region_id=region_id, centre_id=centre_id
    )


def articles_authored(user: Viewer) -> Q:
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


def articles_reviewed(user: Viewer) -> Q:
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


def can_edit_synonyms(user: Viewer, *, region_id: int | None) -> bool:
    """Add, change and delete the search synonyms of a region (None: of every region): who
    reviews the region's articles (its coordinators and administrators, the knowledge editor
    of its regional centre) and the knowledge editors of its centres; of every region, the
    reviewers of articles of every region."""
    if can_review_article(user, region_id=region_id, centre_id=None):
        return True
    if region_id is None:
        return False
    scope = scope_for(user)
    return any(
        scope.centre_regions.get(centre) == region_id
        for centre in scope.centres_with({Role.KNOWLEDGE_EDITOR})
    )


def can_tune_search(user: Viewer) -> bool:
    """See the synonyms and the search debug view: the knowledge editors of a centre, the
    coordinators and administrators of a region."""
    scope = scope_for(user)
    return scope.is_superuser or bool(
        scope.regions_with(KNOWLEDGE_REGION_ROLES) or scope.centres_with({Role.KNOWLEDGE_EDITOR})
    )


def can_view_knowledge_metrics(user: Viewer) -> bool:
    scope = scope_for(user)
    return scope.is_superuser or bool(
        scope.regions_with(KNOWLEDGE_METRICS_REGION_ROLES)
        or scope.centres_with(KNOWLEDGE_METRICS_CENTRE_ROLES)
    )


def knowledge_usage_visible(user: Viewer) -> Q:
    """The filter on knowledge.UsageEvent for the events the user's metrics count."""
    scope = scope_for(user)
    if scope.is_superuser:
        return Q()
    if not can_view_knowledge_metrics(user):
        return Q(pk__in=[])
    return Q(centre__isnull=True) | scope_filter(
        user,
        region_roles=KNOWLEDGE_METRICS_REGION_ROLES,
        centre_roles=KNOWLEDGE_METRICS_CENTRE_ROLES,
        region_field="centre__region_id",
    )


def knowledge_metrics_centres(user: Viewer) -> Q:
    """The filter on tenancy.InformationCentre for the centres the user's metrics may show."""
    return scope_filter(
        user,
        region_roles=KNOWLEDGE_METRICS_REGION_ROLES,
        centre_roles=KNOWLEDGE_METRICS_CENTRE_ROLES,
        centre_field="pk",
    )
