"""The statutory deadline of an information request extended (Act 106/1999 Sb., § 14(7)).

Once, by 1 to 10 calendar days, for one of the three reasons of the law, and only while the
original period runs: the applicant must be demonstrably told of the extension and its reason
before the original deadline. So the extension and the notice are one act: the notice goes out
as a public reply through the request's reply routes (`replies.reply_routes`: its channel of
origin, e-mail, SMS, a data box) and is an outbound interaction on the timeline, whose delivery
the channel reports. A request VIK cannot write back to (a phone call, a visit, a letter from a
person without an address) is told by other means — by phone, by letter or at the counter:
the clerk does that and the notice is recorded on that channel, without a delivery.

The proof kept on the request: `statutory_extension_notice` (the interaction),
`statutory_notified_at` (when VIK sent it, or the clerk recorded telling them) and
`statutory_notified_channel`.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from vik.audit.services import audit_record
from vik.channels.core.choices import ChannelKind
from vik.core import clock
from vik.core.errors import PermissionDenied, ValidationFailed
from vik.sla.statutory import MAX_EXTENSION_DAYS, extended_deadline
from vik.tenancy import permissions

from .. import events
from ..choices import ExtensionReason, RequestKind, Status
from ..models import Interaction, Request
from .deadlines import request_due_update
from .replies import (
    ROUTE_TRACKING,
    ReplyRoute,
    reply_route_choose,
    reply_routes,
    request_reply,
)

if TYPE_CHECKING:
    import datetime as dt

    from vik.tenancy.types import StaffUser

# How a clerk may tell the applicant when VIK cannot deliver the notice: "other:<channel>".
OTHER_MEANS_PREFIX = "other:"
OTHER_MEANS = (ChannelKind.PHONE, ChannelKind.LETTER, ChannelKind.COUNTER)


def statutory_extension_refusal(request: Request, *, today: dt.date) -> str:
    """Why the request's deadline cannot be extended today ('' when it can), in the clerk's
    language."""
    if request.kind != RequestKind.INFORMATION_REQUEST or request.statutory_due_on is None:
        return _("Only the deadline of an information request (Act 106/1999 Sb.) can be extended.")
    if request.status in (Status.RESOLVED, Status.CLOSED):
        return _("The request is resolved: its deadline can no longer be extended.")
    if request.statutory_extended_at is not None:
        return _("The deadline was already extended; the law allows one extension only.")
    original = request.statutory_original_due_on or request.statutory_due_on
    if today > original:
        return _(
            "The original deadline (%(date)s) is over: the law allows an extension only before it."
        ) % {"date": day_text(original)}
    return ""


def day_text(day: dt.date) -> str:
    return date_format(day, "j. n. Y")


def _states_the_day(text: str, day: dt.date) -> bool:
    """Whether the notice names the new last day (15. 12. 2026, 15.12.2026)."""
    pattern = rf"(?<!\d){day.day}\.\s*{day.month}\.\s*{day.year}(?!\d)"
    return re.search(pattern, text) is not None


def statutory_extension_notice_text(request: Request, *, days: int, reason: str) -> str:
    """The notice to the applicant, in the request's language, for the clerk to check: the
    extension, the new last day and the reason (`reason` '' leaves a gap to fill)."""
    new_day = extended_deadline(request.created_at, days)
    original = request.statutory_original_due_on or request.statutory_due_on
    with translation.override(request.language or "cs"):
        reason_text = ExtensionReason(reason).label if reason in ExtensionReason.values else "…"
        extension = ngettext(
            "Under § 14(7) of Act No. 106/1999 Sb., on free access to information, we are "
            "extending the deadline for handling your request %(reference)s by %(days)d day, "
            "to %(date)s.",
            "Under § 14(7) of Act No. 106/1999 Sb., on free access to information, we are "
            "extending the deadline for handling your request %(reference)s by %(days)d days, "
            "to %(date)s.",
            days,
        ) % {"reference": request.reference, "days": days, "date": day_text(new_day)}
        return "\n\n".join(
            [
                _("Dear applicant,"),
                extension,
                _("Reason: %(reason)s.") % {"reason": reason_text},
                _("The original deadline was %(date)s.")
                % {"date": day_text(original) if original else "—"},
            ]
        )


def statutory_notice_routes(request: Request) -> list[ReplyRoute]:
    """How the applicant can be told: the reply routes that deliver (the default first), then
    the other means a clerk uses ("other:phone", … without an account)."""
    delivering = [
        route for route in reply_routes(request) if route.account is not None and route.recipient
    ]
    others = [ReplyRoute(f"{OTHER_MEANS_PREFIX}{kind}", kind, "", None) for kind in OTHER_MEANS]
    return [*delivering, *others]


@transaction.atomic
def request_statutory_extend(
    *,
    request: Request,
    days: int,
    reason: str,
    text: str,
    by: StaffUser,
    route: str | None = None,
) -> Interaction:
    """Extend the information request's statutory deadline by `days` (1–10) for `reason` (an
    `ExtensionReason`) and tell the applicant with `text`, which must name the new last day.

    `route`: a key of `statutory_notice_routes` (None: the first, a route VIK delivers by when
    there is one). The new last day is `vik.sla.statutory.extended_deadline`; `due_at` follows
    it and the sweep warns anew before it. Returns the notice. Refused, with nothing changed,
    when the request is not an information request, is resolved, was extended already, its
    original deadline is over (Prague day), or the days, the reason or the route are not
    allowed."""
    if not permissions.can_extend_statutory_deadline(by, request):
        raise PermissionDenied("You may not extend the deadline of this request.")
    # One extension only, even when two clerks submit at once: the second waits and is refused.
    current = Request.objects.select_for_update().get(pk=request.pk)
    refusal = statutory_extension_refusal(current, today=clock.today())
    if refusal:
        raise ValidationFailed(refusal)
    if not 1 <= days <= MAX_EXTENSION_DAYS:
        raise ValidationFailed(_("The deadline can be extended by 1 to 10 days."))
    if reason not in ExtensionReason.values:
        raise ValidationFailed(_("Choose one of the reasons the law allows."))
    original = current.statutory_original_due_on or current.statutory_due_on
    assert original is not None  # checked by the refusal
    new_day = extended_deadline(current.created_at, days)
    if new_day <= original:
        raise ValidationFailed(
            ngettext(
                "An extension by %(days)d day still ends on %(date)s (the original deadline "
                "moved off a weekend or a holiday): choose more days.",
                "An extension by %(days)d days still ends on %(date)s (the original deadline "
                "moved off a weekend or a holiday): choose more days.",
                days,
            )
            % {"days": days, "date": day_text(original)}
        )
    if not _states_the_day(text, new_day):
        raise ValidationFailed(
            _("The notice must tell the applicant the new deadline, %(date)s.")
            % {"date": day_text(new_day)}
        )
    notice = _notice_send(current, text=text, route=route, by=by)
    current.statutory_original_due_on = original
    current.statutory_due_on = new_day
    current.statutory_extended_at = clock.now()
    current.statutory_extension_days = days
    current.statutory_extension_reason = reason
    current.statutory_extension_notice = notice
    current.statutory_notified_at = notice.occurred_at
    current.statutory_notified_channel = notice.channel
    fields = {
        "statutory_original_due_on", "statutory_due_on", "statutory_extended_at",
        "statutory_extension_days", "statutory_extension_reason", "statutory_extension_notice",
        "statutory_notified_at", "statutory_notified_channel", "updated_at",
    }  # fmt: skip
    request_due_update(current, fields)
    current.save(update_fields=sorted(fields))
    original_iso, extended_iso = original.isoformat(), new_day.isoformat()
    events.statutory_extended(
        request=current, days=days, reason=reason, original_due_on=original_iso,
        extended_due_on=extended_iso, channel=notice.channel, by=by,
    )  # fmt: skip
    audit_record(
        actor=by, action="request.statutory_extend", target=current,
        details={
            "days": days, "reason": reason, "original_due_on": original_iso,
            "extended_due_on": extended_iso, "channel": notice.channel, "notice": notice.pk,
        },
    )  # fmt: skip
    request.refresh_from_db()
    return notice


def _notice_send(request: Request, *, text: str, route: str | None, by: StaffUser) -> Interaction:
    """The notice as a public reply (`replies.request_reply`) on the chosen route; told by
    other means, a reply without a delivery recorded on that channel."""
    routes = statutory_notice_routes(request)
    key = route or routes[0].key
    if key.startswith(OTHER_MEANS_PREFIX):
        kind = key.removeprefix(OTHER_MEANS_PREFIX)
        if kind not in OTHER_MEANS:
            raise ValidationFailed(_("The applicant cannot be told that way."))
        notice = request_reply(request=request, by=by, text=text, route=ROUTE_TRACKING)
        notice.channel = kind
        notice.save(update_fields=["channel"])
        return notice
    chosen = reply_route_choose(reply_routes(request), key)
    if chosen.account is None or not chosen.recipient:
        # The tracking page alone proves nothing: the applicant may never open it.
        raise ValidationFailed(
            _(
                "VIK cannot deliver the notice that way: tell the applicant by phone, by letter "
                "or at the counter, and record it here."
            )
        )
    return request_reply(request=request, by=by, text=text, route=key)
