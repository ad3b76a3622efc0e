"""Writes of citizen satisfaction: recording a rating (idempotent, changeable for a while), the
one invitation per resolved request (a periodic job), the follow-up of a dissatisfied rating,
and reading a rating's comment on the request page (an audited personal-data read)."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Sequence

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.http import HttpRequest
from django.utils import translation
from django.utils.translation import gettext as _

from vik.audit.services import audit_record
from vik.channels.core.choices import ChannelKind
from vik.contacts.models import Contact
from vik.conversations import events
from vik.conversations import services as conversations
from vik.conversations.models import Request
from vik.core import clock
from vik.core.errors import PermissionDenied, ValidationFailed, VikError
from vik.tenancy import permissions
from vik.tenancy.types import StaffUser

from . import selectors
from .choices import InvitationState, SkipReason
from .models import Rating, RatingInvitation

logger = logging.getLogger(__name__)

COMMENT_MAX_CHARS = 2000
NOTE_MAX_CHARS = 2000
INVITATION_BATCH = 100  # per run of the periodic job; the next run takes the rest


class RatingRefused(VikError):
    """The citizen may not rate now; nothing was recorded."""


class RatingClosed(RatingRefused):
    """The rating was given longer ago than the citizen may change it."""


class RatingNotOpen(RatingRefused):
    """The request is not resolved (any more): it is rated once it is."""


# Recording ------------------------------------------------------------------------------------


def _score_valid(score: int) -> int:
    if not isinstance(score, int) or not 1 <= score <= 5:
        raise ValidationFailed(_("Choose a rating from 1 to 5."))
    return score


@transaction.atomic
def rating_record(
    *,
    request: Request,
    score: int,
    channel: str,
    comment: str | None = None,
    contact: Contact | None = None,
    while_open: bool = False,
) -> Rating:
    """The citizen's rating of `request`, idempotent: the first answer creates it (and a
    timeline event); the same answer again changes nothing; another score or comment within
    `VIK_CSAT_CHANGE_DAYS` of the first answer updates it (`changed_at`, never `answered_at` nor
    the channel first answered on) with a timeline event; later, RatingClosed and nothing
    changes. `comment` None keeps the comment given. A request is rated once resolved
    (RatingNotOpen before) unless `while_open` (a chat rated at its end, before the clerk
    resolves the request)."""
    score = _score_valid(score)
    text = None if comment is None else comment.strip()[:COMMENT_MAX_CHARS]
    # Serialises two answers of one request (a double click, two tabs) on PostgreSQL.
    Request.objects.select_for_update().filter(pk=request.pk).first()
    now = clock.now()
    rating = Rating.objects.filter(request=request).first()
    if rating is None and not while_open:
        status = Request.objects.values_list("status", flat=True).get(pk=request.pk)
        if status not in selectors.RATEABLE_STATUSES:
            raise RatingNotOpen(_("You can rate the request once it is resolved."))
    if rating is None:
        try:
            with transaction.atomic():
                rating = Rating.objects.create(
                    request=request, contact=contact or request.requester, score=score,
                    comment=text or "", channel=channel, answered_at=now, changed_at=now,
                )  # fmt: skip
        except IntegrityError:  # the other answer won (SQLite): it is one rating
            rating = Rating.objects.get(request=request)
        else:
            events.rated(request=request, score=score, old=None)
            return rating
    if rating.score == score and (text is None or text == rating.comment):
        return rating
    if not selectors.rating_is_changeable(rating, now):
        raise RatingClosed(_("This rating can no longer be changed."))
    old = rating.score
    rating.score = score
    if text is not None:
        rating.comment = text
    rating.changed_at = now
    rating.save(update_fields=["score", "comment", "changed_at"])
    events.rated(request=request, score=score, old=old)
    return rating


def rating_comment_viewed(
    *, rating: Rating, by: StaffUser, http_request: HttpRequest | None = None
) -> None:
    """Record that a member of staff read a rating's comment (it may hold personal data)."""
    audit_record(
        actor=by, action="satisfaction.comment_view", target=rating, personal_data=True,
        request=http_request, region_id=rating.request.region_id,
        details={"request": rating.request.reference},
    )  # fmt: skip


def ratings_listed(
    *, ratings: Sequence[Rating], by: StaffUser, http_request: HttpRequest | None = None
) -> None:
    """Record that the follow-up list showed these ratings' comments to a member of staff."""
    if not ratings:
        return
    audit_record(
        actor=by, action="satisfaction.follow_up_list", target=Rating, personal_data=True,
        request=http_request, details={"ratings": [rating.pk for rating in ratings]},
    )  # fmt: skip


@transaction.atomic
def rating_follow_up(*, rating: Rating, by: StaffUser, note: str) -> Rating:
    """A centre lead (or coordinator) says the dissatisfied rating was followed up: who, when
    and what they did. Done once; a second time is refused and changes nothing."""
    request = rating.request
    if not permissions.can_follow_up_rating(
        by, region_id=request.region_id, centre_id=request.centre_id
    ):
        raise PermissionDenied(_("You may not follow up this rating."))
    updated = Rating.objects.filter(pk=rating.pk, followed_up_at__isnull=True).update(
        followed_up_at=clock.now(), followed_up_by=by, follow_up_note=note.strip()[:NOTE_MAX_CHARS]
    )
    if not updated:
        raise ValidationFailed(_("This rating has already been followed up."))
    rating.refresh_from_db()
    audit_record(
        actor=by, action="satisfaction.followed_up", target=rating,
        region_id=request.region_id, details={"request": request.reference},
    )  # fmt: skip
    return rating


# Invitations ----------------------------------------------------------------------------------


def rating_invitation_ensure(*, request: Request) -> RatingInvitation:
    """The request's one invitation (its token is the rating page's address), made now if the
    request has none yet: waiting, the periodic job decides whether and where it goes."""
    invitation = RatingInvitation.objects.filter(request=request).first()
    if invitation is not None:
        return invitation
    try:
        with transaction.atomic():
            return RatingInvitation.objects.create(
                request=request, contact_id=request.requester_id, created_at=clock.now()
            )
    except IntegrityError:  # made by another process at the same moment
        return RatingInvitation.objects.get(request=request)


def rating_offer_ensure(*, request: Request) -> selectors.RatingOffer | None:
    """What the citizen's tracking page shows of the rating: the form once the request is
    resolved (its invitation made now if need be), the rating once given; None before, and
    for a merged request (the other one is rated)."""
    if request.merged_into_id is not None:
        return None
    rated = Rating.objects.filter(request=request).exists()
    if not rated and request.status not in selectors.RATEABLE_STATUSES:
        return None
    invitation = rating_invitation_ensure(request=request)
    invitation.request = request
    return selectors.rating_offer(invitation)


def _window(now: dt.datetime) -> tuple[dt.datetime, dt.datetime]:
    """Resolved in [earliest, latest]: long enough ago, not too long."""
    latest = now - dt.timedelta(minutes=settings.VIK_CSAT_DELAY_MINUTES)
    earliest = now - dt.timedelta(days=settings.VIK_CSAT_LOOKBACK_DAYS)
    return earliest, latest


def invitations_create_due(*, now: dt.datetime) -> int:
    """Make the invitation of every request resolved within the window that has none."""
    earliest, latest = _window(now)
    due = Request.objects.filter(
        status__in=selectors.RATEABLE_STATUSES,
        resolved_at__gte=earliest,
        resolved_at__lte=latest,
        rating_invitation__isnull=True,
    ).values_list("pk", "requester_id")[:INVITATION_BATCH]
    created = RatingInvitation.objects.bulk_create(
        [
            RatingInvitation(request_id=pk, contact_id=contact_id, created_at=now)
            for pk, contact_id in due
        ],
        ignore_conflicts=True,  # the unique request: one invitation, whoever made it first
    )
    return len(created)


def invitations_send_due() -> int:
    """A periodic job (`VIK_PERIODIC_JOBS`, every worker): make the invitations of requests
    resolved `VIK_CSAT_DELAY_MINUTES` ago (at most `VIK_CSAT_LOOKBACK_DAYS`), and send each
    waiting one whose request is still resolved. Each is claimed by a conditional UPDATE, so
    two workers never both send it; a crash before the commit leaves it waiting. Returns how
    many were settled."""
    if not settings.VIK_CSAT_ENABLED:
        return 0
    now = clock.now()
    invitations_create_due(now=now)
    earliest, latest = _window(now)
    waiting = RatingInvitation.objects.filter(
        state=InvitationState.PENDING,
        request__status__in=selectors.RATEABLE_STATUSES,
        request__resolved_at__gte=earliest,
        request__resolved_at__lte=latest,
    ).order_by("pk").values_list("pk", flat=True)[:INVITATION_BATCH]  # fmt: skip
    settled = 0
    for pk in list(waiting):
        try:
            if invitation_send(invitation_id=pk) is not None:
                settled += 1
        except Exception:  # one bad request must not stop the others
            logger.exception("CSAT: the invitation %s could not be sent", pk)
    return settled


@transaction.atomic
def invitation_send(*, invitation_id: int) -> RatingInvitation | None:
    """Claim one waiting invitation and settle it: skipped (the request was merged, the
    contact anonymised, the citizen has rated already, or was asked within
    `VIK_CSAT_PERSON_INTERVAL_DAYS`), sent on the channel the request came by, or left to the
    tracking page when no address reaches the citizen. None: another worker has it, or the
    request is not resolved (any more)."""
    now = clock.now()
    claimed = RatingInvitation.objects.filter(
        pk=invitation_id,
        state=InvitationState.PENDING,
        request__status__in=selectors.RATEABLE_STATUSES,
    ).update(state=InvitationState.SENT, sent_at=now)
    if not claimed:
        return None
    invitation = RatingInvitation.objects.select_related("request__requester").get(pk=invitation_id)
    request = invitation.request
    reason = _skip_reason(invitation, now)
    if reason:
        invitation.state, invitation.skip_reason, invitation.sent_at = (
            InvitationState.SKIPPED, reason, None,
        )  # fmt: skip
    else:
        route = _route(request)
        if route is None:
            invitation.state, invitation.sent_at = InvitationState.TRACKING_ONLY, None
        else:
            with translation.override(request.language or "cs"):
                subject = _("[%(reference)s] How did we help you?") % {
                    "reference": request.reference
                }
            invitation.interaction = conversations.request_message_automatic(
                request=request, route=route, text=invitation_text(invitation, route.kind),
                subject=subject,
            )  # fmt: skip
            invitation.channel = route.kind
    invitation.save(update_fields=["state", "skip_reason", "sent_at", "channel", "interaction"])
    return invitation


def _skip_reason(invitation: RatingInvitation, now: dt.datetime) -> str:
    request = invitation.request
    if not settings.VIK_CSAT_ENABLED:
        return SkipReason.DISABLED
    if request.merged_into_id is not None:
        return SkipReason.MERGED
    if hasattr(request.requester, "erasure") or hasattr(request, "erasure"):
        return SkipReason.ANONYMISED
    if Rating.objects.filter(request=request).exists():  # e.g. at the end of a chat
        return SkipReason.ALREADY_RATED
    since = now - dt.timedelta(days=settings.VIK_CSAT_PERSON_INTERVAL_DAYS)
    asked = (
        RatingInvitation.objects.filter(
            contact_id=request.requester_id, state=InvitationState.SENT, sent_at__gte=since
        )
        .exclude(pk=invitation.pk)
        .exists()
    )
    if asked:
        return SkipReason.RECENTLY_ASKED
    return ""


def is_mobile(number: str) -> bool:
    """A number an SMS reaches: any number abroad; in the Czech Republic (+420) only mobile
    numbers, which begin with 6 or 7 (a landline, a fax would swallow the text)."""
    digits = number.replace(" ", "")
    if digits.startswith("+420"):
        return digits[4:5] in ("6", "7")
    if digits.startswith(("00420", "420")):
        return digits.removeprefix("00").removeprefix("420")[:1] in ("6", "7")
    return True


def _route(request: Request) -> conversations.ReplyRoute | None:
    """The way the invitation goes: on the channel the request came by where it has an
    address; a request by phone, at the counter or in an SMS: an SMS to a mobile number, else
    an e-mail; any other: an e-mail, else an SMS to a mobile number; None: no address (a live
    chat asks at its end; the tracking page offers the form anyway)."""
    routes = [r for r in conversations.reply_routes(request) if r.account and r.recipient]
    emails = [r for r in routes if "@" in r.recipient]
    texts = [r for r in routes if r.kind == ChannelKind.SMS and is_mobile(r.recipient)]
    by_text_first = request.origin_channel in (
        ChannelKind.SMS, ChannelKind.PHONE, ChannelKind.COUNTER,
    )  # fmt: skip
    ordered = [*texts, *emails] if by_text_first else [*emails, *texts]
    return ordered[0] if ordered else None


def invitation_text(invitation: RatingInvitation, kind: str) -> str:
    """The message that asks, in the request's language: an SMS is short (one link, no
    diacritics in Czech: they would make it a UCS-2 message of twice the parts); an e-mail has
    a link for each score, one click each."""
    request = invitation.request
    with translation.override(request.language or "cs"):
        if kind == ChannelKind.SMS:
            return _(
                "How did we help you with {reference}? Rate us (1-5), it takes a second: {url}"
            ).format(reference=request.reference, url=selectors.rating_page_url(invitation))
        labels = {
            5: _("5 – excellent"),
            4: _("4 – good"),
            3: _("3 – so-so"),
            2: _("2 – poor"),
            1: _("1 – very poor"),
        }
        links = "\n".join(
            f"{labels[score]}: {selectors.rating_page_url(invitation, score)}"
            for score in (5, 4, 3, 2, 1)
        )
        return _(
            "How did we help you?\n\nWe have resolved your request {reference}. Please tell us "
            "how satisfied you are: one click on a rating below is enough, you can add a "
            "comment if you like. No sign-in needed; you can change it for {days} days.\n\n"
            "{links}\n\nThank you."
        ).format(reference=request.reference, links=links, days=settings.VIK_CSAT_CHANGE_DAYS)


# Erasure (registered with vik.contacts.personal_data) -------------------------------------------


def ratings_erase(contact_ids: Sequence[int], request_ids: Sequence[int], placeholder: str) -> int:
    """Replace the comments (and follow-up notes) of the person's ratings; the scores stay for
    the statistics."""
    ratings = Rating.objects.filter(Q(request_id__in=request_ids) | Q(contact_id__in=contact_ids))
    changed = ratings.exclude(comment="").exclude(comment=placeholder).update(comment=placeholder)
    changed += (
        ratings.exclude(follow_up_note="")
        .exclude(follow_up_note=placeholder)
        .update(follow_up_note=placeholder)
    )
    return changed
