"""Articles in any state, for the staff who write and review them: the lists, one article,
its versions and their differences, what awaits review or has lapsed, and the export."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.conf import settings
from django.db.models import F, OuterRef, Q, QuerySet, Subquery
from django.http import Http404

from vik.core import clock
from vik.tenancy import permissions

from ..choices import ArticleState, Language
from ..models import Article, ArticleVersion
from ..rendering import DiffRow, diff_rows, version_lines

if TYPE_CHECKING:
    from vik.tenancy.types import StaffUser
    from vik.territory.models import Region


def with_title(queryset: QuerySet[Article]) -> QuerySet[Article]:
    """Annotates `current_title`: the title of the newest Czech version, draft or published."""
    newest = ArticleVersion.objects.filter(article=OuterRef("pk"), language=Language.CZECH)
    return queryset.annotate(current_title=Subquery(newest.order_by("-number").values("title")[:1]))


def articles_for_staff(user: StaffUser) -> QuerySet[Article]:
    """Every article the user may read, write or review, in any state."""
    return Article.objects.filter(
        permissions.articles_readable(user)
        | permissions.articles_authored(user)
        | permissions.articles_reviewed(user)
    )


def article_staff_list(
    *, user: StaffUser, state: str = "", kind: str = "", mine: bool = False, limit: int = 200
) -> list[Article]:
    queryset = articles_for_staff(user)
    if state:
        queryset = queryset.filter(state=state)
    if kind:
        queryset = queryset.filter(kind=kind)
    if mine:
        queryset = queryset.filter(owners=user)
    return list(
        with_title(queryset)
        .select_related("topic", "region", "centre")
        .order_by("-updated_at", "-pk")[:limit]
    )


def article_get_for_staff(*, user: StaffUser, pk: int) -> Article:
    article = (
        articles_for_staff(user)
        .select_related(
            "published_version", "published_version_en", "topic", "region", "centre",
            "variant_of__published_version",
        )
        .filter(pk=pk)
        .first()
    )  # fmt: skip
    if article is None:
        raise Http404
    return article


def article_versions(*, article: Article) -> list[ArticleVersion]:
    return list(article.versions.select_related("author").order_by("-number"))


def version_get(*, article: Article, number: int) -> ArticleVersion:
    version = article.versions.filter(number=number).first()
    if version is None:
        raise Http404
    return version


def latest_version(*, article: Article, language: str = Language.CZECH) -> ArticleVersion | None:
    return article.versions.filter(language=language).order_by("-number").first()


def version_diff(*, old: ArticleVersion, new: ArticleVersion) -> list[DiffRow]:
    return diff_rows(version_lines(old.content()), version_lines(new.content()))


def articles_awaiting_review(*, user: StaffUser) -> list[Article]:
    """Articles submitted for review that the user may publish."""
    return list(
        with_title(
            Article.objects.filter(
                permissions.articles_reviewed(user), state=ArticleState.IN_REVIEW
            )
        )
        .select_related("region", "centre")
        .order_by("updated_at", "pk")
    )


def _live_in_review_scope(user: StaffUser) -> QuerySet[Article]:
    return with_title(
        Article.objects.filter(
            permissions.articles_reviewed(user) | Q(owners=user),
            published_version__isnull=False,
            review_by__isnull=False,
        ).exclude(state=ArticleState.ARCHIVED)
    )


def articles_lapsed(*, user: StaffUser, today: dt.date | None = None) -> list[Article]:
    """Live articles whose review date has passed: for the coordinator who keeps them valid,
    the reviewers of their scope, and their owners."""
    today = today or clock.today()
    return list(
        _live_in_review_scope(user)
        .filter(review_by__lt=today)
        .select_related("region", "centre")
        .distinct()
        .order_by("review_by", "pk")
    )


def articles_due_for_review(
    *, user: StaffUser, today: dt.date | None = None, days: int | None = None
) -> list[Article]:
    """Live articles whose review date comes within `days` (VIK_KNOWLEDGE_REVIEW_NOTICE_DAYS)."""
    today = today or clock.today()
    days = settings.VIK_KNOWLEDGE_REVIEW_NOTICE_DAYS if days is None else days
    return list(
        _live_in_review_scope(user)
        .filter(review_by__gte=today, review_by__lte=today + dt.timedelta(days=days))
        .select_related("region", "centre")
        .distinct()
        .order_by("review_by", "pk")
    )


def articles_for_export(*, audience: str = "", region: Region | None = None) -> QuerySet[Article]:
    """Every live article (for the operator: no permission applies), shared ones before their
    local variants, so that the export imports in one pass."""
    queryset = Article.objects.filter(published_version__isnull=False)
    if audience:
        queryset = queryset.filter(audience=audience)
    if region is not None:
        queryset = queryset.filter(region=region)
    return (
        queryset.select_related(
            "published_version", "published_version_en", "topic", "region", "centre",
            "variant_of",
        )
        .prefetch_related("tags")
        .order_by(F("variant_of").asc(nulls_first=True), "pk")
    )  # fmt: skip
