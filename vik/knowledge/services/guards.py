"""What every knowledge service checks before it writes: who acts and whether they may, which
article row it holds, which values it accepts.

`by=None` means VIK itself acting for the operator (a management command such as
`vik knowledge import`): no permission applies and nobody is recorded as the author.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext as _

from vik.core.errors import PermissionDenied, ValidationFailed
from vik.tenancy import permissions

from ..models import Article

if TYPE_CHECKING:
    from vik.tenancy.types import StaffUser


def require_author(by: StaffUser | None, region_id: int | None, centre_id: int | None) -> None:
    if by is not None and not permissions.can_author_article(
        by, region_id=region_id, centre_id=centre_id
    ):
        raise PermissionDenied(_("You may not write articles of this scope."))


def require_files_author(by: StaffUser | None, article: Article) -> None:
    if by is not None and not permissions.can_change_article_files(
        by, region_id=article.region_id, centre_id=article.centre_id
    ):
        raise PermissionDenied(_("You may not change the files of this article."))


def require_reviewer(by: StaffUser | None, article: Article) -> None:
    if by is not None and not permissions.can_review_article(
        by, region_id=article.region_id, centre_id=article.centre_id
    ):
        raise PermissionDenied(_("You may not publish or archive articles of this scope."))


def recorded_author(by: StaffUser | None) -> StaffUser | None:
    """Who is recorded as having written: the user, or None when VIK itself acts."""
    return by if by is not None and by.is_authenticated else None


def known_choice(value: str, choices: Any, what: str) -> str:
    if value not in choices.values:
        raise ValidationFailed(_("Unknown %(what)s: %(value)s") % {"what": what, "value": value})
    return value


def article_locked(article: Article) -> Article:
    """Lock the article's row for the transaction and refresh the caller's instance from it."""
    Article.objects.select_for_update().filter(pk=article.pk).values_list("pk").get()
    article.refresh_from_db()
    return article
