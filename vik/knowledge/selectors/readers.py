"""What a reader may see where: the territory, the live articles of the portal, one article.

Who may read what is `permissions.articles_readable`; *where* is the territory: a centre's local
variant of a shared article replaces the shared one for readers in the centre's territory, and
a region's articles are for that region. Without a territory readers get the shared articles.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.http import Http404

from vik.tenancy import permissions
from vik.tenancy.selectors import centre_competent
from vik.territory.models import Municipality
from vik.topics.models import Topic

from ..choices import ArticleKind
from ..models import Article, ArticleVersion

if TYPE_CHECKING:
    from vik.tenancy.types import StaffUser, Viewer


@dataclass(frozen=True)
class Territory:
    """Where the reader is: None region_ids means every region (a superuser's workspace)."""

    region_ids: frozenset[int] | None
    centre_ids: frozenset[int]


def territory_for_municipality(municipality: Municipality) -> Territory:
    """A citizen's municipality: its region, and the centre competent for it."""
    centre = centre_competent(region=municipality.region, municipality=municipality, topic=None)
    return Territory(
        region_ids=frozenset({municipality.region_id}),
        centre_ids=frozenset({centre.pk} if centre else set()),
    )


def territory_for_request(
    *, region_id: int, centre_id: int | None, municipality: Municipality | None
) -> Territory:
    """Where a citizen's request comes from: its region, its centre and the centre competent
    for its municipality (their local variants replace the shared articles), whoever reads it."""
    centres = set(territory_for_municipality(municipality).centre_ids) if municipality else set()
    if centre_id is not None:
        centres.add(centre_id)
    return Territory(region_ids=frozenset({region_id}), centre_ids=frozenset(centres))


def territory_for_staff(user: StaffUser) -> Territory:
    """A member of staff reads as a member of their centres and regions."""
    scope = permissions.scope_for(user)
    return Territory(
        region_ids=None if scope.is_superuser else frozenset(scope.region_ids),
        centre_ids=frozenset(scope.centre_roles),
    )


def _territory_q(territory: Territory | None) -> Q:
    if territory is None:
        return Q(variant_of__isnull=True)
    place = Q()
    if territory.region_ids is not None:
        place = Q(region__isnull=True) | Q(region_id__in=sorted(territory.region_ids))
    centres = sorted(territory.centre_ids)
    replaced = Exists(
        Article.objects.filter(
            variant_of=OuterRef("pk"),
            centre_id__in=centres,
            published_version__isnull=False,
            audience=OuterRef("audience"),
        )
    )
    shared = Q(variant_of__isnull=True) & ~replaced
    local = Q(variant_of__isnull=False, centre_id__in=centres)
    return place & (shared | local)


def articles_for(viewer: Viewer, territory: Territory | None = None) -> QuerySet[Article]:
    """The live articles `viewer` reads in `territory` (a citizen: an AnonymousUser)."""
    return Article.objects.filter(permissions.articles_readable(viewer)).filter(
        _territory_q(territory)
    )


def reader_version(article: Article, language: str) -> ArticleVersion:
    """The published text in the reader's language, Czech when there is no translation."""
    if language.startswith("en") and article.published_version_en is not None:
        return article.published_version_en
    assert article.published_version is not None  # readers only get live articles
    return article.published_version


# The portal --------------------------------------------------------------------------------


def topic_and_subtopic_ids(topic: Topic) -> list[int]:
    """The topic's id and its subtopics' ids."""
    return [topic.pk, *Topic.objects.filter(parent=topic).values_list("pk", flat=True)]


def article_browse(
    *,
    viewer: Viewer,
    territory: Territory | None = None,
    topic: Topic | None = None,
    kind: str = "",
    limit: int = 200,
) -> list[Article]:
    """Live articles by title, of a topic (and its subtopics) and/or a kind."""
    queryset = articles_for(viewer, territory)
    if topic is not None:
        queryset = queryset.filter(topic_id__in=topic_and_subtopic_ids(topic))
    if kind:
        queryset = queryset.filter(kind=kind)
    return list(
        queryset.select_related("published_version", "published_version_en", "topic").order_by(
            "published_version__title", "pk"
        )[:limit]
    )


def topic_counts(*, viewer: Viewer, territory: Territory | None = None) -> list[tuple[Topic, int]]:
    """The top-level topics that have live articles (their subtopics' included), with counts."""
    per_topic = dict(
        articles_for(viewer, territory)
        .filter(topic__isnull=False)
        .values("topic_id")
        .annotate(count=Count("pk"))
        .values_list("topic_id", "count")
    )
    topics = Topic.objects.filter(is_active=True).select_related("parent")
    roots: Counter[int] = Counter()
    for topic in topics:
        if topic.pk in per_topic:
            roots[topic.parent_id or topic.pk] += per_topic[topic.pk]
    return [
        (topic, roots[topic.pk]) for topic in topics if topic.parent_id is None and roots[topic.pk]
    ]


def kind_counts(
    *, viewer: Viewer, territory: Territory | None = None
) -> list[tuple[str, str, int]]:
    """(kind, label, count) of the kinds that have live articles, in the standard order."""
    counts = dict(
        articles_for(viewer, territory)
        .values("kind")
        .annotate(count=Count("pk"))
        .values_list("kind", "count")
    )
    return [
        (kind, str(label), counts[kind]) for kind, label in ArticleKind.choices if counts.get(kind)
    ]


def article_for_reader(*, slug: str, viewer: Viewer, territory: Territory | None = None) -> Article:
    """The live article `viewer` may read, or 404 (the same for a missing and a forbidden one).

    In a territory whose centre has a local variant, the variant comes instead.
    """
    article = (
        Article.objects.filter(permissions.articles_readable(viewer), slug=slug)
        .select_related("published_version", "published_version_en", "topic", "centre", "region")
        .first()
    )
    if article is None:
        raise Http404
    if territory is not None and article.variant_of_id is None and territory.centre_ids:
        variant = (
            Article.objects.filter(
                permissions.articles_readable(viewer),
                variant_of=article,
                centre_id__in=sorted(territory.centre_ids),
            )
            .order_by("pk")
            .first()
        )
        if variant is not None:
            return variant
    return article


def related_for_reader(
    *, article: Article, viewer: Viewer, territory: Territory | None = None
) -> list[Article]:
    return list(
        articles_for(viewer, territory)
        .filter(related=article)
        .select_related("published_version", "published_version_en")
        .order_by("published_version__title")
    )
