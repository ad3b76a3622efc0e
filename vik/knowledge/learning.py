"""Learning from use: which articles helped the people who searched for what.

A search followed by a helpful use of an article strengthens the (normalised query → article)
association: opening the article from the results (`CLICK`), answering "Was this helpful?"
with yes (`HELPFUL`), a clerk inserting the article into a reply (`REPLY`, the request's
subject standing for the query). The fused search adds a small boost for it (`boosts`), and
editors see the strongest associations that are not yet among an article's phrasings as
suggested phrasings (`suggestions`; accepting one is `services.learning`). A dismissed one
boosts nothing any more.

So that no one can game it:
- an actor (a keyed hash of the member of staff, or of the reader's address: never the
  address itself) counts at most once a day for one query and article (`LearningEvent`'s
  unique constraint; a stronger signal the same day, helpful after the click, raises that
  day's event to its weight) and at most `VIK_KNOWLEDGE_LEARNING_ACTOR_CAP` times within a
  half-life;
- an association weighs at most `VIK_KNOWLEDGE_LEARNING_MAX_WEIGHT`, and its boost is at most
  `VIK_KNOWLEDGE_LEARNING_BOOST` (the fused scores are 0-1);
- the weight halves every `VIK_KNOWLEDGE_LEARNING_HALF_LIFE_DAYS`: the stored weight is the
  value at `updated_at`, decayed when read and before an event adds to it.

Recording never breaks the page that calls it: a failure is logged and swallowed, inside a
savepoint, as the usage events are (`services.usage`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import QuerySet

from vik.core import clock
from vik.core.text import fold

from .choices import Language
from .models import Article, ArticleVersion, LearningEvent, QueryAssociation

logger = logging.getLogger(__name__)

CLICK = "click"
HELPFUL = "helpful"
REPLY = "reply"
KIND_WEIGHTS = {CLICK: 1.0, HELPFUL: 2.0, REPLY: 2.0}
QUERY_LENGTH = 200
SATURATION = 5.0  # the weight at which the boost is half of VIK_KNOWLEDGE_LEARNING_BOOST
_NOT_WORDS = re.compile(r"[^\w]+")


def normalise(query: str) -> str:
    """The key of a query: folded (lower case, no diacritics), punctuation dropped, spaces
    collapsed, cut. "Kolik stojí pas?" and "kolik stoji  pas" are one query."""
    return " ".join(_NOT_WORDS.sub(" ", fold(query)).split())[:QUERY_LENGTH].strip()


def actor_key(*, user_id: int | None = None, address: str = "") -> str:
    """Who acted, as a keyed hash: the member of staff, else the reader's address."""
    identity = f"user:{user_id}" if user_id is not None else f"address:{address}"
    digest = hmac.new(
        settings.SECRET_KEY.encode(), f"vik-learning:{identity}".encode(), hashlib.sha256
    )
    return digest.hexdigest()[:32]


def decayed(weight: float, since: dt.datetime, now: dt.datetime) -> float:
    """`weight` at `now`, when it was `weight` at `since`."""
    days = max((now - since).total_seconds(), 0.0) / 86400.0
    half_life = float(settings.VIK_KNOWLEDGE_LEARNING_HALF_LIFE_DAYS)
    return float(weight * 0.5 ** (days / half_life))


def learning_record(*, query: str, article: Article, actor: str, kind: str) -> bool:
    """One helpful use of `article` after searching for `query`; whether it counted (not: an
    empty query, the actor's daily or total cap, a failure)."""
    key = normalise(query)
    if len(key) < 2 or not actor:
        return False
    try:
        with transaction.atomic():
            return _record(key, " ".join(query.split())[:QUERY_LENGTH], article, actor, kind)
    except Exception:
        logger.exception("knowledge learning event %s not recorded", kind)
        return False


def _record(key: str, text: str, article: Article, actor: str, kind: str) -> bool:
    now = clock.now()
    today = clock.today()
    window = today - dt.timedelta(days=settings.VIK_KNOWLEDGE_LEARNING_HALF_LIFE_DAYS)
    mine = LearningEvent.objects.filter(actor=actor, query_norm=key, article=article)
    weight = KIND_WEIGHTS[kind]
    earlier = mine.filter(day=today).select_for_update().first()
    if earlier is not None:
        # This actor counted today already: only a stronger signal (helpful after the click)
        # adds, the difference.
        if weight <= earlier.weight:
            return False
        earlier.kind, earlier.weight, weight = kind, weight, weight - earlier.weight
        earlier.save(update_fields=["kind", "weight"])
    elif mine.filter(day__gt=window).count() >= settings.VIK_KNOWLEDGE_LEARNING_ACTOR_CAP:
        return False
    else:
        try:
            with transaction.atomic():
                LearningEvent.objects.create(
                    actor=actor, query_norm=key, article=article, day=today, kind=kind,
                    weight=weight,
                )  # fmt: skip
        except IntegrityError:  # a concurrent request of the same actor counted today
            return False
    association, _created = QueryAssociation.objects.get_or_create(
        query_norm=key, article=article, defaults={"query_text": text, "updated_at": now}
    )
    association = QueryAssociation.objects.select_for_update().get(pk=association.pk)
    current = decayed(association.weight, association.updated_at, now)
    association.weight = min(settings.VIK_KNOWLEDGE_LEARNING_MAX_WEIGHT, current + weight)
    association.updated_at = now
    association.query_text = text
    association.save(update_fields=["weight", "updated_at", "query_text"])
    return True


def weight_of(*, query: str, article: Article) -> float:
    """The association's weight now (0 when there is none)."""
    row = QueryAssociation.objects.filter(query_norm=normalise(query), article=article).first()
    return decayed(row.weight, row.updated_at, clock.now()) if row is not None else 0.0


def boosts(query: str, article_ids: Iterable[int] | None = None) -> dict[int, float]:
    """{article id: boost} for the articles `query` has led to helpfully (of `article_ids`;
    None: of every article): at most `VIK_KNOWLEDGE_LEARNING_BOOST`, half of it at a weight of
    SATURATION. One query by the unique index on (query_norm, article); articles without an
    association are left out, and so are associations the editors dismissed (they judged the
    query not to be the article's)."""
    key = normalise(query)
    ids = None if article_ids is None else list(article_ids)
    if not key or ids == [] or settings.VIK_KNOWLEDGE_LEARNING_BOOST <= 0:
        return {}
    now = clock.now()
    result: dict[int, float] = {}
    associations = QueryAssociation.objects.filter(query_norm=key)
    if ids is not None:
        associations = associations.filter(article_id__in=ids)
    rows = associations.exclude(decision=QueryAssociation.Decision.DISMISSED).values_list(
        "article_id", "weight", "updated_at"
    )
    for article_id, weight, updated_at in rows:
        current = decayed(weight, updated_at, now)
        if current > 0:
            result[article_id] = (
                settings.VIK_KNOWLEDGE_LEARNING_BOOST * current / (current + SATURATION)
            )
    return result


@dataclass(frozen=True)
class Suggestion:
    """A query that leads to the article, offered to its editors as a phrasing."""

    association: QueryAssociation
    weight: float

    @property
    def text(self) -> str:
        return self.association.query_text


def suggestions(
    *, articles: QuerySet[Article] | Iterable[int], limit: int = 10
) -> list[Suggestion]:
    """The strongest open associations of `articles` (at least
    `VIK_KNOWLEDGE_LEARNING_SUGGEST_MIN_WEIGHT` now) whose query is neither the title nor a
    phrasing of the article's newest Czech version, strongest first."""
    now = clock.now()
    floor = settings.VIK_KNOWLEDGE_LEARNING_SUGGEST_MIN_WEIGHT
    rows = list(
        QueryAssociation.objects.filter(
            article__in=articles, decision=QueryAssociation.Decision.OPEN, weight__gte=floor
        )
        .select_related("article")
        .order_by("-weight", "pk")[: max(limit * 5, 50)]
    )
    newest: dict[int, ArticleVersion] = {}
    versions = ArticleVersion.objects.filter(
        article_id__in={row.article_id for row in rows}, language=Language.CZECH
    ).order_by("article_id", "-number")
    for version in versions.only("article_id", "number", "title", "questions"):
        newest.setdefault(version.article_id, version)
    found = []
    for row in rows:
        current = newest.get(row.article_id)
        if current is not None:
            row.article.title = current.title  # type: ignore[attr-defined]
            known = {normalise(text) for text in [current.title, *current.questions]}
            if row.query_norm in known:
                continue
        weight = decayed(row.weight, row.updated_at, now)
        if weight >= floor:
            found.append(Suggestion(association=row, weight=round(weight, 2)))
    found.sort(key=lambda item: (-item.weight, item.association.pk))
    return found[:limit]
