"""Writes of the phone line: events received from the PBX, the calls derived from them, tokens,
call-backs, and a call recorded on a request.

A call is derived from its stored events, never patched by them: each event is stored once
(`CallEvent`, unique per call and event; a repeat only counts), then the call is computed again
from all of its events. So a repeated event changes nothing, events out of order (a hangup
before the answer) give the same call as in order, and a hangup of a call VIK never saw ring
still makes one row of the caller log.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils.translation import gettext as _

from vik.audit.services import audit_record
from vik.channels.core.choices import ChannelKind
from vik.channels.core.models import ChannelAccount
from vik.conversations.models import Interaction, Request
from vik.conversations.services import request_call_record, request_text_queue
from vik.core import clock
from vik.core.errors import PermissionDenied, ValidationFailed
from vik.tenancy import permissions
from vik.territory.models import Region
from vik.topics.models import Topic

from . import selectors
from .choices import NOT_MISSED_CAUSES, CallBackSource, CallBackState, CallDirection, CallState
from .cti import CtiInput, token_digest, token_new
from .models import Call, CallBack, CallBackTry, CallEvent, CtiToken

if TYPE_CHECKING:
    from vik.tenancy.types import StaffUser

log = logging.getLogger(__name__)


# Events from the PBX -----------------------------------------------------------------------------


def cti_event_receive(
    *, account: ChannelAccount, data: CtiInput, body: bytes, content_type: str
) -> dict[str, Any]:
    """Store the event, apply it to its call, and return what the PBX is answered. A repeated
    event is answered as the first time and changes nothing."""
    try:
        facts = selectors.call_decide(account, data)
    except Exception:  # the phone system must get an answer: ring as it would
        log.exception("phone: deciding where call %s rings failed", account.pk)
        facts = selectors.CallerFacts()
    context = {
        "number": facts.number,
        "contact_id": facts.contact_id,
        "municipality_id": facts.municipality.pk if facts.municipality else None,
        "centre_id": facts.centre_id,
    }
    # One INSERT committed by itself (inside a caller's transaction, a savepoint): a repeat is
    # the rare case, and the unique constraint decides it.
    alone = not transaction.get_connection().in_atomic_block
    try:
        with contextlib.nullcontext() if alone else transaction.atomic():
            event = CallEvent.objects.create(
                account=account,
                call_id=data.call_id,
                event=data.event,
                content_type=content_type[:120],
                body=body.decode("utf-8", "replace"),
                received_at=clock.now(),
                answer={"answer": facts.answer, "fields": data.as_dict(), "context": context},
            )
    except IntegrityError:
        CallEvent.objects.filter(account=account, call_id=data.call_id, event=data.event).update(
            repeats=F("repeats") + 1
        )
        first = (
            CallEvent.objects.filter(account=account, call_id=data.call_id, event=data.event)
            .values_list("answer", flat=True)
            .first()
        )
        return dict((first or {}).get("answer", {}))
    if event.event != "newCall" or not _call_first(account, event):
        call_apply(account=account, call_id=event.call_id, event_name=event.event)
    return facts.answer


def _times(
    events: dict[str, CallEvent],
) -> tuple[dt.datetime, dt.datetime | None, dt.datetime | None]:
    # The call began with its first event, whichever arrived first (a late newCall too).
    started = min(e.received_at for e in events.values())
    answered = events["answer"].received_at if "answer" in events else None
    ended = events["hangup"].received_at if "hangup" in events else None
    if ended is not None and answered is not None and answered > ended:
        answered = ended  # the answer arrived after the hangup: it was answered, when is unknown
    return started, answered, ended


def _state(direction: str, answered: bool, ended: bool, cause: str) -> str:
    if not ended:
        return CallState.ANSWERED if answered else CallState.RINGING
    if answered or direction == CallDirection.OUT or cause in NOT_MISSED_CAUSES:
        return CallState.ENDED
    return CallState.MISSED


def _call_first(account: ChannelAccount, event: CallEvent) -> bool:
    """The call of a `newCall` that is its first event (the usual case, and the one the PBX
    waits for): two INSERTs, nothing read. False: the call exists (an event came first)."""
    values, ringing = _call_values(account, {event.event: event})
    try:
        with transaction.atomic():
            call = Call.objects.create(account=account, call_id=event.call_id, **values)
            Call.ringing_for.through.objects.bulk_create(
                Call.ringing_for.through(call_id=call.pk, user_id=user_id) for user_id in ringing
            )
    except IntegrityError:
        return False
    return True


def _call_values(
    account: ChannelAccount, stored: dict[str, CallEvent]
) -> tuple[dict[str, Any], set[int]]:
    """The call's fields, and who it rings for, from its stored events."""
    fields = {name: CtiInput.from_dict(e.answer["fields"]) for name, e in stored.items()}
    contexts = {name: e.answer.get("context", {}) for name, e in stored.items()}
    first = fields.get("newCall") or next(iter(fields.values()))
    context = contexts.get("newCall") or next(iter(contexts.values()))
    started, answered, ended = _times(stored)
    hangup = fields.get("hangup")
    answer = fields.get("answer")
    cause = hangup.cause if hangup else ""
    agent_id = None
    for source in (answer, hangup):
        if source is None or agent_id is not None:
            continue
        agent_id = selectors.agent_matching(source.answering_number) or next(
            (u for u in map(selectors.agent_matching, source.users) if u), None
        )
    ringing = {u for u in map(selectors.agent_matching, first.users) if u}
    if first.answering_number and not answered:
        matched = selectors.agent_matching(first.answering_number)
        if matched:
            ringing.add(matched)
    centre_id = context.get("centre_id") or account.centre_id
    if centre_id is None and (agent_id or ringing):
        centre_id = selectors.centre_of_user(agent_id or min(ringing))
    if centre_id is None:  # nobody to route it to: the region's own centre keeps it
        centre_id = selectors.regional_centre_id(account.region)
    number = context.get("number") or selectors.e164(
        first.from_number if first.direction == CallDirection.IN else first.to_number
    )
    contact_id = context.get("contact_id")
    municipality_id = context.get("municipality_id")
    if contact_id is None and number and "newCall" not in stored:
        contact_id, municipality = selectors.caller_known(account.region_id, number)
        municipality_id = municipality.pk if municipality else None
    state = _state(first.direction, answered is not None, ended is not None, cause)
    values = {
        "region_id": account.region_id,
        "centre_id": centre_id,
        "direction": first.direction,
        "from_number": first.from_number,
        "to_number": first.to_number,
        "citizen_number": number,
        "state": state,
        "started_at": started,
        "answered_at": answered,
        "ended_at": ended,
        "duration_seconds": (
            int((ended - (answered or started)).total_seconds()) if ended is not None else None
        ),
        "cause": cause,
        "queue": first.queue,
        "users": list(first.users),
        "agent_id": agent_id,
        "contact_id": contact_id,
        "municipality_id": municipality_id,
        "decision": stored["newCall"].answer.get("answer", {}) if "newCall" in stored else {},
        "recording_url": next((f.recording_url for f in fields.values() if f.recording_url), ""),
    }
    return values, ringing


@transaction.atomic
def call_apply(*, account: ChannelAccount, call_id: str, event_name: str = "") -> Call:
    """(Re)compute the call from all of its stored events. `event_name`: the event that just
    arrived (only a `newCall` says whom the call rings for)."""
    stored = {e.event: e for e in CallEvent.objects.filter(account=account, call_id=call_id)}
    values, ringing = _call_values(account, stored)
    state = values["state"]
    call, created = Call.objects.select_for_update().get_or_create(
        account=account, call_id=call_id, defaults=values
    )
    if not created:
        for name, value in values.items():
            setattr(call, name, value)
        call.save()
    if created or event_name == "newCall":
        call.ringing_for.set(ringing)
    if state == CallState.MISSED:
        _callback_for_missed(call)
    elif not created:
        # An answer that arrived after the hangup: the call was not missed after all, and a
        # call-back nobody has tried yet is withdrawn.
        CallBack.objects.filter(call=call, tries=0, state=CallBackState.OPEN).delete()
    return call


def _callback_for_missed(call: Call) -> None:
    if not call.citizen_number or CallBack.objects.filter(call=call).exists():
        return
    try:
        with transaction.atomic():
            callback_create(
                region_id=call.region_id,
                centre_id=call.centre_id,
                source=CallBackSource.MISSED_CALL,
                number=call.citizen_number,
                call=call,
                at=call.ended_at or call.started_at,
            )
    except IntegrityError:  # the same missed call, applied by two events at once
        pass


# Tokens ------------------------------------------------------------------------------------------


def cti_token_rotate(*, account: ChannelAccount, by: StaffUser | None) -> str:
    """A new token for the account's webhook URL; the old one stops working. Returns the token:
    it is shown once and never stored (only its SHA-256). `by` None: an administrator's
    command on the server; otherwise one who manages the account (a centre's lead for its own
    accounts, the region's coordinators and administrators)."""
    if account.kind != ChannelKind.PHONE:
        raise ValidationFailed(_("Only a phone account has a CTI token."))
    if by is not None and not selectors.lines_managed(by).filter(pk=account.pk).exists():
        raise PermissionDenied(_("You may not rotate the token of this phone line."))
    token = token_new()
    CtiToken.objects.update_or_create(
        account=account,
        defaults={
            "token_sha256": token_digest(token),
            "hint": token[-4:],
            "rotated_at": clock.now(),
        },
    )
    audit_record(
        actor=by,
        action="phone.token_rotated",
        target=account,
        region_id=account.region_id,
        details={"hint": token[-4:]},
    )
    return token


# Call-backs --------------------------------------------------------------------------------------


def _reference(at: dt.datetime) -> str:
    year = at.astimezone(clock.PRAGUE).year
    count = CallBack.objects.filter(reference__startswith=f"ZV-{year}-").count()
    return f"ZV-{year}-{count + 1:05d}"


def callback_create(
    *,
    region_id: int,
    centre_id: int | None,
    source: str,
    number: str,
    call: Call | None = None,
    preferred_time: str = "",
    topic: Topic | None = None,
    at: dt.datetime | None = None,
) -> CallBack:
    """A call-back task in the centre's queue, due `VIK_PHONE_CALLBACK_HOURS` from `at`."""
    at = at or clock.now()
    for _attempt in range(5):  # two call-backs made at once may pick the same reference
        try:
            with transaction.atomic():
                return CallBack.objects.create(
                    region_id=region_id,
                    centre_id=centre_id,
                    source=source,
                    call=call,
                    number=number,
                    preferred_time=preferred_time,
                    topic=topic,
                    reference=_reference(at),
                    due_at=at + dt.timedelta(hours=settings.VIK_PHONE_CALLBACK_HOURS),
                )
        except IntegrityError:
            if call is not None and CallBack.objects.filter(call=call).exists():
                raise
    raise IntegrityError("no free call-back reference")


def callback_request_submit(
    *, region: Region, number: str, preferred_time: str, topic: Topic | None
) -> CallBack:
    """The portal's "call me back": routed like a call from that number would be."""
    account = ChannelAccount.objects.filter(
        region=region, kind=ChannelKind.PHONE, is_active=True
    ).first()
    centre_id = None
    if account is not None:
        facts = selectors.call_decide(
            account,
            CtiInput(
                event="newCall",
                call_id="callback",
                direction=CallDirection.IN,
                from_number=number,
                to_number="",
                queue=topic.slug if topic else "",
            ),
        )
        centre_id = facts.centre_id
    return callback_create(
        region_id=region.pk,
        centre_id=centre_id,
        source=CallBackSource.PORTAL,
        number=number,
        preferred_time=preferred_time,
        topic=topic,
    )


@transaction.atomic
def callback_try(*, callback: CallBack, by: StaffUser, reached: bool, note: str = "") -> CallBack:
    """One try to call the citizen back. Reached: done. After `VIK_PHONE_CALLBACK_TRIES` tries
    that did not reach them: closed, and the citizen is texted the reference where the region
    has an SMS account and the call is recorded on a request (else the note says why not)."""
    callback = CallBack.objects.select_for_update().get(pk=callback.pk)
    if not permissions.can_work_call(
        by, region_id=callback.region_id, centre_id=callback.centre_id, agent_id=None
    ):
        raise ValidationFailed(_("You may not work this call-back."))
    if callback.state != CallBackState.OPEN:
        raise ValidationFailed(_("This call-back is already closed."))
    now = clock.now()
    CallBackTry.objects.create(callback=callback, by=by, reached=reached, note=note[:300], at=now)
    callback.tries += 1
    if reached:
        callback.state, callback.closed_at = CallBackState.REACHED, now
    elif callback.tries >= settings.VIK_PHONE_CALLBACK_TRIES:
        callback.state, callback.closed_at = CallBackState.GAVE_UP, now
        callback.give_up_note = _callback_text_send(callback)
    callback.save()
    return callback


def _callback_text_send(callback: CallBack) -> str:
    sms = ChannelAccount.objects.filter(
        region_id=callback.region_id, kind=ChannelKind.SMS, is_active=True
    ).first()
    if sms is None:
        return "no_sms_account"
    request = callback.call.request if callback.call is not None else None
    reference = request.reference if request is not None else callback.reference
    text = (
        f"Dobrý den, volali jsme Vám zpět, ale nezastihli Vás. Číslo Vašeho dotazu: {reference}. "
        "Zavolejte nám, prosím, nebo napište. Vaše informační centrum."
    )
    if request is None:
        return "no_request"
    request_text_queue(request=request, account=sms, recipient=callback.number, text=text)
    return "sms_queued"


# A call on a request -----------------------------------------------------------------------------


def _call_text(call: Call, summary: str) -> str:
    lines = [
        _("Phone call")
        + f" ({call.get_direction_display()}): {call.from_number} → {call.to_number}",
    ]
    if call.duration_seconds is not None and call.answered_at is not None:
        minutes, seconds = divmod(call.duration_seconds, 60)
        lines.append(_("Duration") + f": {minutes}:{seconds:02d}")
    if call.agent is not None:
        lines.append(_("Agent") + f": {call.agent.display_name}")
    if call.recording_url:
        lines.append(_("Recording") + f": {call.recording_url}")
    if summary.strip():
        lines += ["", summary.strip()]
    return "\n".join(lines)


@transaction.atomic
def call_record(*, call: Call, request: Request, by: StaffUser, summary: str) -> Interaction:
    """The call as an interaction on `request`, with the clerk's summary."""
    call = Call.objects.select_for_update(of=("self",)).select_related("agent").get(pk=call.pk)
    if call.interaction_id is not None:
        raise ValidationFailed(_("This call is already recorded on a request."))
    if not permissions.can_work_call(
        by, region_id=call.region_id, centre_id=call.centre_id, agent_id=call.agent_id
    ):
        raise ValidationFailed(_("You may not record this call."))
    interaction = request_call_record(
        request=request,
        by=by,
        inbound=call.direction == CallDirection.IN,
        text=_call_text(call, summary),
        occurred_at=call.started_at,
        account=call.account,
    )
    call.request, call.interaction, call.summary = request, interaction, summary.strip()
    call.save(update_fields=["request", "interaction", "summary", "updated_at"])
    return interaction
