"""Editors' answers to the suggested phrasings that learning from use found (`learning`).

Accepting a suggestion adds the query's words to the phrasings ("how people ask") of the
article's working version: a new draft through `article_edit`, which readers see once it is
published, as any change of the text. Dismissing one hides it and ends its boost in the
fused ranking (`learning.boosts`): the editors judged the query not to be the article's.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction
from django.utils.translation import gettext as _

from vik.core.errors import InvalidTransition

from ..choices import Language
from ..models import ArticleVersion, QueryAssociation
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
