"""The editors' search synonyms (`models.Synonym`): add, change, delete. They are read at query
time (`selectors.search.synonyms_for`, remembered for `VIK_CONFIG_MEMO_SECONDS` per process and
forgotten at once by the process that changes one), so a change applies to the next searches;
the index is not touched."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from vik.core.errors import PermissionDenied, ValidationFailed
from vik.tenancy import permissions
from vik.territory.models import Region

from .. import lexicon
from ..models import Synonym

if TYPE_CHECKING:
    from vik.tenancy.types import StaffUser


def _check(*, by: StaffUser, region: Region | None, term: str, expansion: str) -> None:
    if not permissions.can_edit_synonyms(by, region_id=region.pk if region else None):
        raise PermissionDenied(_("You may not change the search synonyms of this region."))
    if not lexicon.phrase_of(term) or not any(
        lexicon.phrase_of(part) for part in expansion.split(";")
    ):
        raise ValidationFailed(_("Both the word and its meaning need a word that is searched."))


def synonym_save(
    *,
    by: StaffUser,
    region: Region | None,
    term: str,
    expansion: str,
    synonym: Synonym | None = None,
) -> Synonym:
    """Add a synonym (`synonym` None) or change one; the editor must be allowed in both its old
    and its new region."""
    _check(by=by, region=region, term=term, expansion=expansion)
    if synonym is not None and not permissions.can_edit_synonyms(by, region_id=synonym.region_id):
        raise PermissionDenied(_("You may not change the search synonyms of this region."))
    target = synonym or Synonym(created_by=by)
    target.region, target.term, target.expansion = region, term, expansion
    try:
        with transaction.atomic():
            target.save()
    except IntegrityError as error:
        raise ValidationFailed(_("This synonym exists already.")) from error
    return target


def synonym_delete(*, by: StaffUser, synonym: Synonym) -> None:
    if not permissions.can_edit_synonyms(by, region_id=synonym.region_id):
        raise PermissionDenied(_("You may not change the search synonyms of this region."))
    synonym.delete()
