"""Reads of citizen satisfaction: a request's rating and its rating page, the follow-up list of
dissatisfied ratings, and the figures other apps count (vik.reports)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import Avg, Count, Q, QuerySet

from vik.conversations.choices import Status
from vik.conversations.models import Request
from vik.core import clock
from vik.core.links import absolute_path_with
from vik.tenancy import permissions
from vik.tenancy.models import InformationCentre
from vik.tenancy.types import Viewer

from .models import Rating, RatingInvitation

SCORES = (1, 2, 3, 4, 5)
DISSATISFIED = (1, 2)  # the ratings a centre lead follows up
SATISFIED = (4, 5)  # what "CSAT %" counts
# The states in which a request may be rated (a reopened one waits until it is resolved again).
RATEABLE_STATUSES = (Status.RESOLVED, Status.CLOSED)


def rating_for_request(request: Request) -> Rating | None:
    return Rating.objects.filter(request=request).first()


def rating_change_until(rating: Rating) -> dt.datetime:
    """Until when the citizen may change the rating (`VIK_CSAT_CHANGE_DAYS` after they gave it)."""
    return rating.answered_at + dt.timedelta(days=settings.VIK_CSAT_CHANGE_DAYS)


def rating_is_changeable(rating: Rating, now: dt.datetime | None = None) -> bool:
    return (now or clock.now()) < rating_change_until(rating)


def invitation_by_token(token: str) -> RatingInvitation | None:
    """The invitation behind a rating page's address; None for an unknown token and for a
    request whose data were erased (its old links show nothing)."""
    if not token or len(token) > 32:
        return None
    return (
        RatingInvitation.objects.select_related("request__centre", "request__rating")
        .filter(token=token, request__erasure__isnull=True, request__merged_into__isnull=True)
        .first()
    )


def rating_page_url(invitation: RatingInvitation, score: int | None = None) -> str:
    """The rating page as an absolute address; with `score`, the link that preselects it."""
    url = absolute_path_with("portal:rating", invitation.token)
    return f"{url}{score}/" if score else url


@dataclass(frozen=True)
class RatingOffer:
    """What the citizen's pages show of the rating: the form (its token), the rating given,
    whether it may still change, and until when."""

    token: str
    rating: Rating | None
    changeable: bool
    change_until: dt.datetime | None
    rateable: bool
    change_days: int


def rating_offer(invitation: RatingInvitation) -> RatingOffer:
    request = invitation.request
    rating = getattr(request, "rating", None)
    changeable = rating is None or rating_is_changeable(rating)
    return RatingOffer(
        token=invitation.token,
        rating=rating,
        changeable=changeable,
        change_until=rating_change_until(rating) if rating else None,
        rateable=rating is not None or request.status in RATEABLE_STATUSES,
        change_days=settings.VIK_CSAT_CHANGE_DAYS,
    )


# The follow-up list -----------------------------------------------------------------------------


def ratings_to_follow_up(
    *, viewer: Viewer, centre_id: int | None = None, include_followed_up: bool = False
) -> QuerySet[Rating]:
    """Dissatisfied ratings (1–2) of the requests of the viewer's centres (a lead) or region (a
    coordinator, an administrator, an analyst), newest first; those not followed up yet unless
    `include_followed_up`."""
    ratings = Rating.objects.filter(
        permissions.ratings_follow_up_visible(viewer), score__in=DISSATISFIED
    )
    if centre_id is not None:
        ratings = ratings.filter(request__centre_id=centre_id)
    if not include_followed_up:
        ratings = ratings.filter(followed_up_at__isnull=True)
    return ratings.select_related("request__centre", "followed_up_by").order_by(
        "-answered_at", "-pk"
    )


def follow_up_centres(viewer: Viewer) -> list[InformationCentre]:
    """The centres whose dissatisfied ratings the viewer sees, for the list's filter."""
    return list(
        InformationCentre.objects.filter(
            permissions.follow_up_centres_visible(viewer), is_active=True
        ).order_by("name")
    )


# Figures (vik.reports) ----------------------------------------------------------------------


def ratings_answered_between(
    *, start: dt.datetime, end: dt.datetime, requests: QuerySet[Request] | None = None
) -> QuerySet[Rating]:
    """Ratings first given in [start, end), of `requests` (e.g. a viewer's visible requests)."""
    ratings = Rating.objects.filter(answered_at__gte=start, answered_at__lt=end)
    if requests is not None:
        ratings = ratings.filter(request__in=requests)
    return ratings


@dataclass(frozen=True)
class RatingSummary:
    count: int
    average: float | None
    per_score: dict[int, int]
    satisfied_share: float | None  # the share of 4–5 ("CSAT"), 0–1

    @property
    def dissatisfied(self) -> int:
        return sum(self.per_score[score] for score in DISSATISFIED)


def rating_summary(ratings: QuerySet[Rating]) -> RatingSummary:
    """Count, average and the distribution of `ratings`, in one query."""
    figures = ratings.aggregate(
        count=Count("pk"),
        average=Avg("score"),
        **{f"s{score}": Count("pk", filter=Q(score=score)) for score in SCORES},
    )
    count = figures["count"]
    per_score = {score: figures[f"s{score}"] for score in SCORES}
    satisfied = sum(per_score[score] for score in SATISFIED)
    return RatingSummary(
        count=count,
        average=float(figures["average"]) if figures["average"] is not None else None,
        per_score=per_score,
        satisfied_share=satisfied / count if count else None,
    )


# Subject access (registered with vik.contacts.personal_data) ------------------------------------


def ratings_export(
    contact_ids: Sequence[int], request_ids: Sequence[int]
) -> dict[int, dict[str, Any]]:
    """Per request id, the person's rating of it, for the subject-access export."""
    ratings = Rating.objects.filter(Q(request_id__in=request_ids) | Q(contact_id__in=contact_ids))
    return {
        rating.request_id: {
            "score": rating.score,
            "comment": rating.comment,
            "channel": rating.channel,
            "answered_at": rating.answered_at.isoformat(),
            "changed_at": rating.changed_at.isoformat(),
        }
        for rating in ratings.order_by("pk")
    }
