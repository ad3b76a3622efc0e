"""Editors' answers to the suggested phrasings that learning from use found (`learning`).

Accepting a suggestion adds the query's words to the phrasings ("how people ask") of the
article's working version: a new draft through `article_edit`, which readers see once it is
published, as any change of the text. Dismissing one hides it and ends its boost in the
fused ranking (`learning.boosts`): the editors judged the query not to be the article's.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from vik.core import clock
from vik.core.errors import InvalidTransition

from ..choices import Language
from ..learning import CLICK, KIND_WEIGHTS
from ..models import ArticleVersion, LearningEvent, QueryAssociation
from .articles import article_edit
from .guards import require_author

if TYPE_CHECKING:
    from vik.tenancy.types import StaffUser


@transaction.atomic
def suggestion_accept(
    *, association: QueryAssociation, by: StaffUser | None
) -> ArticleVersion | None:
    """The query becomes a phrasing of the article's newest Czech version, in a new draft (or
    None when it is one already)."""
    association = QueryAssociation.objects.select_for_update().get(pk=association.pk)
    article = association.article
    require_author(by, article.region_id, article.centre_id)
    if association.decision:
        raise InvalidTransition(_("The suggestion has been decided already."))
    newest = article.versions.filter(language=Language.CZECH).order_by("-number").first()
    if newest is None:
        raise InvalidTransition(_("The article has no Czech text yet."))
    content = newest.content()
    content["questions"] = [*content["questions"], association.query_text]
    version = article_edit(
        article=article,
        by=by,
        language=Language.CZECH,
        note=_("Phrasing from searches: %(text)s") % {"text": association.query_text},
        **content,
    )
    association.decision = QueryAssociation.Decision.ACCEPTED
    association.save(update_fields=["decision"])
    return version


@transaction.atomic
def suggestion_dismiss(*, association: QueryAssociation, by: StaffUser | None) -> None:
    """The editors do not want the query as a phrasing: it is no longer suggested, nor boosts
    the article for the query."""
    association = QueryAssociation.objects.select_for_update().get(pk=association.pk)
    article = association.article
    require_author(by, article.region_id, article.centre_id)
    if association.decision:
        raise InvalidTransition(_("The suggestion has been decided already."))
    association.decision = QueryAssociation.Decision.DISMISSED
    association.save(update_fields=["decision"])


# Pruning what decay has made irrelevant --------------------------------------------------------

LEARNING_PRUNE_BATCH = 5000


def learning_prune_due() -> int:
    """A periodic job (`VIK_PERIODIC_JOBS`): one batch of the learning events older than
    `VIK_KNOWLEDGE_LEARNING_PRUNE_HALF_LIVES` half-lives and one of the open associations whose
    decayed weight is negligible (`learning_prune`). Nothing to do costs two index probes."""
    return learning_prune(batch=LEARNING_PRUNE_BATCH)


def learning_prune(*, batch: int = LEARNING_PRUNE_BATCH) -> int:
    """Delete up to `batch` learning events older than the horizon
    (`VIK_KNOWLEDGE_LEARNING_PRUNE_HALF_LIVES` half-lives: the per-actor cap reads only the last
    half-life) and up to `batch` open associations whose weight has decayed below a single
    click's weight decayed over the horizon; how many rows in all. Accepted and dismissed
    associations stay: a later search must not suggest a dismissed query again."""
    half_life = float(settings.VIK_KNOWLEDGE_LEARNING_HALF_LIFE_DAYS)
    horizon = max(float(settings.VIK_KNOWLEDGE_LEARNING_PRUNE_HALF_LIVES), 1.0)
    now = clock.now()
    old_day = clock.today() - dt.timedelta(days=half_life * horizon)
    event_ids = list(
        LearningEvent.objects.filter(day__lt=old_day)
        .order_by("day")
        .values_list("pk", flat=True)[:batch]
    )
    deleted = LearningEvent.objects.filter(pk__in=event_ids).delete()[0] if event_ids else 0
    association_ids = list(
        QueryAssociation.objects.filter(_negligible(now, half_life, horizon))
        .filter(decision=QueryAssociation.Decision.OPEN)
        .order_by("updated_at")
        .values_list("pk", flat=True)[:batch]
    )
    if association_ids:
        deleted += QueryAssociation.objects.filter(pk__in=association_ids).delete()[0]
    return deleted


def _negligible(now: dt.datetime, half_life: float, horizon: float) -> Q:
    """The associations whose weight now is below the floor, in tiers a half-life apart: one
    stored `updated_at` at least `age` half-lives ago with a weight below floor * 2**age is
    below the floor now (the weight halves every half-life). The tiers are exact to within a
    half-life; every one is a range of the index on `updated_at`."""
    floor = KIND_WEIGHTS[CLICK] * 0.5**horizon
    ceiling = float(settings.VIK_KNOWLEDGE_LEARNING_MAX_WEIGHT)
    tiers = Q(pk__in=[])
    for step in range(max(math.ceil(math.log2(max(ceiling, 1.0) / floor) - horizon), 0) + 1):
        age = horizon + step
        cutoff = now - dt.timedelta(days=half_life * age)
        tiers |= Q(updated_at__lt=cutoff, weight__lt=floor * 2**age)
    return tiers
