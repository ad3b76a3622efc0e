"""What readers and agents do with articles: "Was this helpful?" answers, usage events (counts
only: searches, views, uses in replies, deflections) and how long the events are kept."""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections.abc import Iterable, Sequence
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext as _

from vik.core import clock
from vik.core.errors import ValidationFailed
from vik.core.text import fold

from .. import learning
from ..choices import Audience, UsageKind, UsageWhere
from ..models import Article, ArticleFeedback, UsageEvent
from .guards import known_choice

logger = logging.getLogger(__name__)


def feedback_record(
    *,
    article: Article,
    is_helpful: bool,
    comment: str = "",
    query: str = "",
    language: str = "cs",
) -> ArticleFeedback:
    """A reader's "Was this helpful?" answer; the comment is kept as plain text."""
    return ArticleFeedback.objects.create(
        article=article,
        version=article.published_version,
        is_helpful=is_helpful,
        comment=comment.strip()[:2000],
        query=" ".join(query.split())[:300],
        language=language[:8],
        created_at=clock.now(),
    )


# Usage metrics -----------------------------------------------------------------------------
#
# Counts only: no IP address, no user. Recording never breaks the page or the service that
# calls it: a failure is logged and swallowed, inside a savepoint so that the caller's
# transaction goes on.

USAGE_QUERY_LENGTH = 200


def usage_record(
    *,
    kind: str,
    where: str,
    article: Article | None = None,
    query: str = "",
    centre_id: int | None = None,
) -> UsageEvent | None:
    """One usage event (the article's topic is its topic); None when it could not be written."""
    try:
        with transaction.atomic():
            return UsageEvent.objects.create(
                kind=known_choice(kind, UsageKind, "usage kind"),
                where=known_choice(where, UsageWhere, "usage place"),
                article=article,
                query=" ".join(fold(query).split())[:USAGE_QUERY_LENGTH],
                centre_id=centre_id,
                topic_id=article.topic_id if article is not None else None,
                created_at=clock.now(),
            )
    except Exception:
        logger.exception("knowledge usage event %s not recorded", kind)
        return None


def search_usage_record(
    *, query: str, hits: Sequence[Any], where: str, centre_id: int | None = None
) -> UsageEvent | None:
    """A search: `search` when it found something, `search_empty` when not (one event each)."""
    if not query.strip():
        return None
    kind = UsageKind.SEARCH if hits else UsageKind.SEARCH_EMPTY
    return usage_record(kind=kind, where=where, query=query, centre_id=centre_id)


def _article_url_pattern() -> re.Pattern[str]:
    placeholder = "slug-placeholder"
    path = reverse("portal:knowledge_article", kwargs={"slug": placeholder})
    before, _slug, after = path.partition(placeholder)
    return re.compile(re.escape(before) + r"([-a-zA-Z0-9_]+)" + re.escape(after))


REPLY_ARTICLES_MAX = 50


def _is_small_id(text: str) -> bool:
    return text.isascii() and text.isdigit() and len(text) <= 9


def reply_usage_record(
    *,
    text: str,
    centre_id: int | None,
    articles: Iterable[int | str] = (),
    subject: str = "",
    by_id: int | None = None,
) -> list[UsageEvent]:
    """`used_in_reply` once for each live public article used in a public reply: its portal
    address (with any host, or none) is in the text, or the agent inserted its link or text
    from the request page's suggestions (`articles`, ids from the reply form; anything else in
    that list is ignored). An inserted article also teaches search that the request's
    `subject` leads to it (`learning`, the agent `by_id` as the actor)."""
    try:
        slugs = set(_article_url_pattern().findall(text))
        # From a form: only what can be an id (a too large number would break the query and,
        # on PostgreSQL, the reply's transaction), and not more than a reply can hold.
        inserted = {
            int(pk) for pk in list(articles)[:REPLY_ARTICLES_MAX] if _is_small_id(str(pk).strip())
        }
        if not slugs and not inserted:
            return []
        used = Q(slug__in=sorted(slugs)) | Q(pk__in=sorted(inserted))
        found = Article.objects.filter(
            used, audience=Audience.PUBLIC, published_version__isnull=False
        ).order_by("pk")
        if subject.strip() and by_id is not None:
            for article in found.filter(pk__in=sorted(inserted)):
                learning.learning_record(
                    query=subject,
                    article=article,
                    actor=learning.actor_key(user_id=by_id),
                    kind=learning.REPLY,
                )
        recorded = [
            usage_record(
                kind=UsageKind.USED_IN_REPLY,
                where=UsageWhere.STAFF,
                article=article,
                centre_id=centre_id,
            )
            for article in found
        ]
    except Exception:
        logger.exception("knowledge use in a reply not recorded")
        return []
    return [event for event in recorded if event is not None]


# Usage events retention ------------------------------------------------------------------

USAGE_PRUNE_BATCH = 5000


def usage_prune(*, older_than_days: int | None = None, batch: int = USAGE_PRUNE_BATCH) -> int:
    """Delete the usage events older than `older_than_days` (default
    `VIK_KNOWLEDGE_USAGE_RETENTION_DAYS`), in batches; returns how many."""
    days = (
        settings.VIK_KNOWLEDGE_USAGE_RETENTION_DAYS if older_than_days is None else older_than_days
    )
    if days < 0:
        raise ValidationFailed(_("The age must not be negative."))
    cutoff = clock.now() - dt.timedelta(days=days)
    deleted = 0
    while True:
        chunk = _usage_prune_batch(cutoff, batch)
        deleted += chunk
        if chunk < batch:
            return deleted


def usage_prune_due() -> int:
    """A periodic job (`VIK_PERIODIC_JOBS`): one batch of usage events past the retention
    period. Nothing to do costs one probe of the index on `created_at`."""
    cutoff = clock.now() - dt.timedelta(days=settings.VIK_KNOWLEDGE_USAGE_RETENTION_DAYS)
    return _usage_prune_batch(cutoff, USAGE_PRUNE_BATCH)


def _usage_prune_batch(cutoff: dt.datetime, batch: int) -> int:
    ids = list(
        UsageEvent.objects.filter(created_at__lt=cutoff)
        .order_by("created_at")
        .values_list("pk", flat=True)[:batch]
    )
    if not ids:
        return 0
    deleted, _by_model = UsageEvent.objects.filter(pk__in=ids).delete()
    return deleted
