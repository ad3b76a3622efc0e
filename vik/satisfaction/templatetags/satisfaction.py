"""`{% request_rating item %}`: the citizen's rating on the staff request page (the workspace's
template loads it by name; the workspace does not import this app), and `|stars`."""

from __future__ import annotations

from typing import Any

from django import template

from vik.conversations.models import Request
from vik.tenancy import permissions

from .. import selectors, services

register = template.Library()


@register.filter
def stars(score: int | str | None) -> str:
    """★★★★☆ for 4: a picture of the score, beside its number (screen readers skip it)."""
    try:
        value = max(0, min(5, int(score or 0)))
    except (TypeError, ValueError):
        return ""
    return "★" * value + "☆" * (5 - value)


@register.inclusion_tag("satisfaction/_request_rating.html", takes_context=True)
def request_rating(context: template.Context, item: Request) -> dict[str, Any]:
    """Shown to those who may see the rating (`permissions.can_view_rating`); a comment shown
    is a read of personal data, audited like the request page itself."""
    http_request = context.get("request")
    user = getattr(http_request, "user", None)
    if user is None or not permissions.can_view_rating(
        user, region_id=item.region_id, centre_id=item.centre_id
    ):
        return {"shown": False}
    rating = selectors.rating_for_request(item)
    if rating is not None and rating.comment:
        services.rating_comment_viewed(rating=rating, by=user, http_request=http_request)
    return {"shown": True, "rating": rating}
