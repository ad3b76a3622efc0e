"""The SMS channel: SMPP 3.4 to the operator's SMSC, and HTTP SMS gateways in.

`parse` reads a stored deliver_sm (or a gateway's JSON): an SMS from a citizen (the number finds
the contact; a reference in the text, or VIK's SMS to that number within
`VIK_SMS_THREAD_DAYS`, is the thread hint), a long SMS joined from its parts, an opt-out
keyword (recorded, no request), or a delivery receipt (applied to the part it reports on; a
failed one goes on the request's timeline through the core's delivery reports, as a bounce).

`send` delivers any queued OutboundMessage of an SMS account (a clerk's reply, a receipt, a
call-back notice): its parts are submitted through one bind with several in flight
(`delivering` submits the whole batch at once). See docs/channels/sms.md.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import logging
import re
import unicodedata
from collections.abc import Iterator, Sequence
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

from vik.channels.core.base import (
    ChannelAdapter,
    DeliveryError,
    DeliveryReport,
    DeliveryState,
    NormalisedMessage,
    PayloadIgnored,
    PayloadRejected,
    ThreadHint,
)
from vik.channels.core.choices import ChannelKind, OutboundState
from vik.channels.core.models import (
    ChannelAccount,
    InboundPayload,
    MessageReference,
    OutboundMessage,
)
from vik.contacts.choices import IdentityKind
from vik.contacts.identities import InvalidIdentity, normalise
from vik.conversations.models import Request
from vik.core import clock

from . import encoding, services
from .models import PartState, SmsOptOut, SmsPart
from .smpp import Deliver, SmppConfig, SmppSession, SmppUnavailable, Submission

log = logging.getLogger(__name__)

REFERENCE = re.compile(r"\b([A-Z]{2,4}-\d{4}-\d{6})\b")
OPT_OUT = {"STOP", "ODHLASIT", "ODHLASIT SMS", "STOP SMS", "ZRUSIT"}
OPT_IN = {"START", "PRIHLASIT"}
STATES = {2: "DELIVRD", 3: "EXPIRED", 4: "DELETED", 5: "UNDELIV", 6: "ACCEPTD", 7: "UNKNOWN",
          8: "REJECTD"}  # fmt: skip
RECEIPT_FIELD = re.compile(r"(\w+(?: \w+)?):(\S*)")


def keyword(text: str) -> str:
    """The text as an opt-out keyword is compared: upper case, no diacritics, no punctuation."""
    plain = unicodedata.normalize("NFKD", text)
    plain = "".join(c for c in plain if not unicodedata.combining(c)).upper()
    return " ".join(re.sub(r"[^A-Z0-9 ]", " ", plain).split())


def secret(name: str) -> str:
    for item in settings.VIK_SMS_SECRETS.split(","):
        key, _sep, value = item.partition("=")
        if key.strip() == name:
            return value.strip()
    return ""


def smpp_config(account: ChannelAccount) -> SmppConfig:
    conf: dict[str, Any] = account.settings.get("smpp", {})
    return SmppConfig(
        host=conf.get("host", "127.0.0.1"), port=int(conf.get("port", 2775)),
        system_id=conf.get("system_id", ""), password=secret(conf.get("password_secret", "")),
        system_type=conf.get("system_type", ""), window=settings.VIK_SMS_WINDOW,
        timeout=settings.VIK_SMS_TIMEOUT_SECONDS,
        enquire_link_seconds=settings.VIK_SMS_ENQUIRE_LINK_SECONDS,
        bind_attempts=settings.VIK_SMS_BIND_ATTEMPTS,
    )  # fmt: skip


def source_address(account: ChannelAccount) -> str:
    return str(account.settings.get("source", "VIK"))


def opted_out(region_id: int, phone: str) -> bool:
    return SmsOptOut.objects.filter(region_id=region_id, phone=phone).exists()


def parts_this_month(centre_id: int | None) -> int:
    """SMS parts the centre's requests were sent (or wait to be) this calendar month."""
    start = clock.now().astimezone(dt.UTC).replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    total = SmsPart.objects.filter(
        outbound__interaction__request__centre_id=centre_id, outbound__created_at__gte=start
    ).count()
    queued = OutboundMessage.objects.filter(
        account__kind=ChannelKind.SMS, sms_parts__isnull=True,
        state__in=[OutboundState.QUEUED, OutboundState.SENDING],
        interaction__request__centre_id=centre_id, created_at__gte=start,
    ).select_related("interaction")  # fmt: skip
    return total + sum(encoding.cost(m.interaction.text).parts for m in queued)


# --- sessions: one bind per account and process, kept between batches ----------------------

_sessions: dict[tuple[int, SmppConfig], SmppSession] = {}


def session_for(account: ChannelAccount) -> SmppSession:
    config = smpp_config(account)
    key = (account.pk, config)
    session = _sessions.get(key)
    if session is None:
        for old_key in [k for k in _sessions if k[0] == account.pk]:
            _sessions.pop(old_key).close()

        def store(deliver: Deliver) -> None:
            services.deliver_store(account=account, deliver=deliver)

        session = SmppSession(config, on_deliver=store)
        _sessions[key] = session
    return session


def sessions_close() -> None:
    while _sessions:
        _sessions.popitem()[1].close()


def _delivery_state(message: OutboundMessage, parts: list[SmsPart]) -> DeliveryState:
    failed = [p for p in parts if p.state == PartState.FAILED]
    if message.state == OutboundState.FAILED or failed:
        reason = message.last_error or (failed[0].error if failed else "")
        return DeliveryState("failed", reason=reason, parts=len(parts))
    if parts and all(p.state == PartState.DELIVERED for p in parts):
        at = max((p.done_at for p in parts if p.done_at), default=None)
        return DeliveryState("delivered", at=at, parts=len(parts))
    if message.state == OutboundState.SENT:
        return DeliveryState("submitted", parts=len(parts))
    return DeliveryState("queued", parts=len(parts))


class SmsAdapter(ChannelAdapter):
    kind = ChannelKind.SMS
    acknowledges_by_default = False

    def __init__(self) -> None:
        self._results: dict[int, str | DeliveryError] = {}
        self._batch: list[OutboundMessage] = []

    # --- inbound ---------------------------------------------------------------------------

    def parse(self, payload: InboundPayload) -> NormalisedMessage:
        body = _json(bytes(payload.body))
        if payload.content_type == services.SMPP_CONTENT_TYPE:
            return self._parse_smpp(payload, body)
        return self._parse_http(payload, body)

    def _parse_smpp(self, payload: InboundPayload, body: dict[str, Any]) -> NormalisedMessage:
        try:
            raw = bytes.fromhex(str(body["short_message"]))
            esm_class, data_coding = int(body["esm_class"]), int(body["data_coding"])
            source = str(body["source"])
        except (KeyError, ValueError, TypeError) as error:
            raise PayloadRejected(f"not a stored deliver_sm: {error}") from error
        if (esm_class & 0x3C) in (0x04, 0x08):
            return self._receipt(payload, body, encoding.decode(raw, data_coding))
        concat = None
        if esm_class & 0x40:
            concat, raw = encoding.udh_concat(raw)
        text = encoding.decode(raw, data_coding)
        if concat is not None and concat[1] > 1:
            text = self._joined(payload, source, concat, text)
        # An SMSC gives international numbers without the '+' (TON 1); 9 digits are national.
        international = source.isdigit() and len(source) > 9
        return self._message(payload, f"+{source}" if international else source, text)

    def _joined(
        self, payload: InboundPayload, source: str, concat: tuple[int, int, int], text: str
    ) -> str:
        """A long SMS comes as parts, each a payload of its own: the first part stored speaks
        for all of them once they are all there; the others are ignored as joined into it."""
        reference, total, _seq = concat
        siblings: dict[int, tuple[int, str]] = {}  # seq -> (payload pk, text)
        candidates = InboundPayload.objects.filter(
            account_id=payload.account_id, content_type=services.SMPP_CONTENT_TYPE,
            received_at__gte=payload.received_at - dt.timedelta(days=1),
            received_at__lte=payload.received_at + dt.timedelta(days=1),
        ).order_by("pk")  # fmt: skip
        for other in candidates:
            data = _json(bytes(other.body))
            if str(data.get("source")) != source or not int(data.get("esm_class", 0)) & 0x40:
                continue
            other_concat, other_raw = encoding.udh_concat(bytes.fromhex(data["short_message"]))
            if other_concat is None or other_concat[:2] != (reference, total):
                continue
            siblings.setdefault(other_concat[2], (other.pk, encoding.decode(
                other_raw, int(data["data_coding"]))))  # fmt: skip
        first = min(pk for pk, _text in siblings.values())
        if payload.pk != first:
            raise PayloadIgnored(f"part {_seq}/{total} of a long SMS, joined into payload {first}")
        if len(siblings) < total:
            raise RuntimeError(f"a long SMS: {len(siblings)} of {total} parts are here; waiting")
        return "".join(siblings[seq][1] for seq in sorted(siblings))

    def _receipt(
        self, payload: InboundPayload, body: dict[str, Any], text: str
    ) -> NormalisedMessage:
        fields = {k.lower(): v for k, v in RECEIPT_FIELD.findall(text)}
        smsc_id = str(body.get("receipted_message_id") or fields.get("id", "")).strip()
        state = body.get("message_state")
        status = fields.get("stat") or STATES.get(int(state) if state is not None else 0, "")
        if not smsc_id:
            raise PayloadRejected("a delivery receipt without the message id")
        part = (
            SmsPart.objects.filter(outbound__account_id=payload.account_id, smsc_message_id=smsc_id)
            .select_related("outbound")
            .first()
        )
        if part is None:
            # The receipt came before the submit_sm_resp was recorded: try again later.
            raise RuntimeError(f"a receipt for SMSC message {smsc_id}, not recorded (yet)")
        delivered = status.upper() in ("DELIVRD", "ACCEPTD", "ENROUTE") or state == 2
        final = status.upper() not in ("ACCEPTD", "ENROUTE")
        error = fields.get("err", "")
        if final:
            services.receipt_apply(
                part=part, delivered=delivered, status=status,
                error=f"err:{error}" if error and error != "000" else "",
                at=payload.received_at,
            )  # fmt: skip
        return NormalisedMessage(
            sender_identities=[],
            text="",
            occurred_at=payload.received_at,
            delivery_report=DeliveryReport(
                original_external_id=_reference_id(payload.account_id, smsc_id),
                recipients=(part.outbound.recipient,),
                status=status,
                reason=f"err:{error}" if error and not delivered else "",
                permanent=final and not delivered,
            ),
        )

    def _parse_http(self, payload: InboundPayload, body: dict[str, Any]) -> NormalisedMessage:
        try:
            return self._message(payload, str(body["from"]), str(body["text"]))
        except KeyError as error:
            raise PayloadRejected(f"the gateway's message has no {error}") from error

    def _message(self, payload: InboundPayload, source: str, text: str) -> NormalisedMessage:
        account = payload.account
        try:
            phone = normalise(IdentityKind.PHONE, source)
        except InvalidIdentity as error:
            raise PayloadRejected(f"the sender {source!r} is not a phone number") from error
        word = keyword(text)
        if word in OPT_OUT:
            services.opt_out_record(account=account, phone=phone, keyword=word)
            raise PayloadIgnored(f"opt-out ({word}): no more SMS to this number")
        if word in OPT_IN:
            services.opt_in_record(account=account, phone=phone)
            raise PayloadIgnored(f"opt-in ({word}): SMS to this number again")
        found = REFERENCE.search(text.upper())
        reference = found.group(1) if found else self._recent_reference(account, phone)
        return NormalisedMessage(  # no subject: the request's is the text's beginning
            sender_identities=[(IdentityKind.PHONE, phone)],
            text=text,
            occurred_at=payload.received_at,
            thread=ThreadHint(reference=reference),
            municipality_code="",
        )

    def _recent_reference(self, account: ChannelAccount, phone: str) -> str:
        since = clock.now() - dt.timedelta(days=settings.VIK_SMS_THREAD_DAYS)
        last = (
            OutboundMessage.objects.filter(
                account__kind=ChannelKind.SMS, account__region_id=account.region_id,
                recipient=phone, created_at__gte=since,
            )
            .exclude(state=OutboundState.FAILED)
            .order_by("-created_at")
            .values_list("interaction__request__reference", flat=True)
            .first()
        )  # fmt: skip
        return last or ""

    # --- outbound --------------------------------------------------------------------------

    def reply_recipient(self, request: Request) -> str | None:
        phone = request.requester.identities.filter(kind=IdentityKind.PHONE).first()
        if phone is None or opted_out(request.region_id, phone.value):
            return None
        return phone.value

    def may_send_to(self, region_id: int, recipient: str) -> bool:
        return not opted_out(region_id, recipient)

    def reply_refusal(self, request: Request, text: str) -> str:
        budget = settings.VIK_SMS_MONTHLY_BUDGET_PARTS
        if not budget or self.reply_recipient(request) is None:
            return ""
        used = parts_this_month(request.centre_id)
        parts = encoding.cost(text).parts
        if used + parts <= budget:
            return ""
        return _(
            "The centre's SMS budget for this month is %(budget)s parts; %(used)s are used and "
            "this reply needs %(parts)s. Shorten it, or answer another way."
        ) % {"budget": budget, "used": used, "parts": parts}

    def delivery_states(self, messages: Sequence[OutboundMessage]) -> dict[int, DeliveryState]:
        """Delivered once the receipts of all its parts say so (at the last one); not
        delivered with the outbox's or a part's reason. One query for all the messages."""
        parts: dict[int, list[SmsPart]] = {}
        for part in SmsPart.objects.filter(outbound__in=[m.pk for m in messages]):
            parts.setdefault(part.outbound_id, []).append(part)
        return {
            message.pk: _delivery_state(message, parts.get(message.pk, [])) for message in messages
        }

    def delivering(
        self, messages: Sequence[OutboundMessage] = ()
    ) -> contextlib.AbstractContextManager[None]:
        return self._delivering(list(messages))

    @contextlib.contextmanager
    def _delivering(self, messages: list[OutboundMessage]) -> Iterator[None]:
        self._batch, self._results = messages, {}
        try:
            yield
        finally:
            self._batch, self._results = [], {}

    def send(self, message: OutboundMessage) -> str:
        if message.pk not in self._results:
            pending = [m for m in self._batch if m.pk not in self._results] or [message]
            if message not in pending:
                pending.append(message)
            self._results.update(self._send_many(pending))
        outcome = self._results.pop(message.pk)
        if isinstance(outcome, DeliveryError):
            raise outcome
        return outcome

    def _send_many(self, messages: list[OutboundMessage]) -> dict[int, str | DeliveryError]:
        results: dict[int, str | DeliveryError] = {}
        by_account: dict[int, list[OutboundMessage]] = {}
        started = set(
            SmsPart.objects.filter(outbound__in=messages).values_list("outbound_id", flat=True)
        )
        stopped = set(
            SmsOptOut.objects.filter(phone__in={m.recipient for m in messages}).values_list(
                "region_id", "phone"
            )
        )
        used: dict[int | None, int] = {}
        for message in messages:
            refusal = self._refusal(message, started, stopped, used)
            if refusal:
                results[message.pk] = DeliveryError(refusal, permanent=True)
            else:
                by_account.setdefault(message.account_id, []).append(message)
        for batch in by_account.values():
            results.update(self._send_account(batch[0].account, batch))
        return results

    def _refusal(
        self, message: OutboundMessage, started: set[int], stopped: set[tuple[int, str]],
        used: dict[int | None, int],
    ) -> str:  # fmt: skip
        """Why a message must not be sent at all: the number opted out, or (before its first
        part leaves) the centre's monthly budget is used up, this message's parts included."""
        request = message.interaction.request
        if (request.region_id, message.recipient) in stopped:
            return "the number asked for no more SMS (STOP)"
        budget = settings.VIK_SMS_MONTHLY_BUDGET_PARTS
        if budget and message.pk not in started:
            if request.centre_id not in used:  # once per centre and batch; the batch is queued
                used[request.centre_id] = parts_this_month(request.centre_id)
            if used[request.centre_id] > budget:
                return "the centre's monthly SMS budget is used up"
        return ""

    def _send_account(
        self, account: ChannelAccount, messages: list[OutboundMessage]
    ) -> dict[int, str | DeliveryError]:
        plans: dict[int, list[tuple[SmsPart, encoding.Part]]] = {}
        pieces: dict[int, tuple[int, list[encoding.Part]]] = {}
        for message in messages:
            text = message.interaction.text
            cost = encoding.cost(text)
            try:
                pieces[message.pk] = (
                    cost.encoding,
                    encoding.parts(text, cost.encoding, message.pk),
                )
            except ValueError as error:
                plans[message.pk] = []
                log.warning("SMS %s cannot be sent: %s", message.pk, error)
        rows = services.parts_prepare(
            plans={pk: (len(parts), coding) for pk, (coding, parts) in pieces.items()}
        )
        for pk, (_coding, parts) in pieces.items():
            plans[pk] = list(zip(rows[pk], parts, strict=True))
        source = source_address(account)
        submissions = [
            Submission(key=row.pk, source=source, destination=message.recipient.lstrip("+"),
                       payload=piece.payload, data_coding=row.encoding, esm_class=piece.esm_class)
            for message in messages
            for row, piece in plans[message.pk]
            if row.state == PartState.PENDING
        ]  # fmt: skip
        outcome: dict[int, str | Exception]
        unavailable = ""
        if settings.VIK_SMS_TRANSPORT == "console":
            outcome = {s.key: f"console-{s.key}" for s in submissions}
            for message in messages:
                log.info("SMS (console) to %s: %s", message.recipient, message.interaction.text)
        else:
            session = session_for(account)
            try:
                outcome = session.submit(submissions)
            except SmppUnavailable as error:
                outcome, unavailable = session.partial, str(error)
        accepted = {key: value for key, value in outcome.items() if isinstance(value, str)}
        services.parts_submitted(accepted=accepted)
        self._references(account, messages, plans, accepted)
        results: dict[int, str | DeliveryError] = {}
        for message in messages:
            planned = [row for row, _piece in plans[message.pk]]
            if not planned:
                results[message.pk] = DeliveryError("the text is too long for SMS", permanent=True)
                continue
            refused = [outcome[r.pk] for r in planned if isinstance(outcome.get(r.pk), Exception)]
            missing = [r for r in planned if r.state == PartState.PENDING and r.pk not in accepted]
            if refused:
                results[message.pk] = DeliveryError(str(refused[0]), permanent=True)
            elif missing:
                results[message.pk] = DeliveryError(unavailable or "SMSC did not accept every part")
            else:
                ids = [accepted.get(r.pk) or r.smsc_message_id for r in planned]
                results[message.pk] = ",".join(ids)
        return results

    def _references(
        self, account: ChannelAccount, messages: list[OutboundMessage],
        plans: dict[int, list[tuple[SmsPart, encoding.Part]]], accepted: dict[int, str],
    ) -> None:  # fmt: skip
        """Remember each accepted part's SMSC id with its request: how a receipt that says
        the SMS failed finds the delivery to mark failed on the request's timeline."""
        rows = []
        for message in messages:
            for part, _piece in plans[message.pk]:
                if part.pk in accepted:
                    rows.append(
                        MessageReference(
                            region_id=account.region_id,
                            message_id=_reference_id(account.pk, accepted[part.pk]),
                            request_id=message.interaction.request_id,
                            interaction_id=message.interaction_id,
                            outbound=message,
                            channel=ChannelKind.SMS,
                        )
                    )
        MessageReference.objects.bulk_create(rows, ignore_conflicts=True)


def _reference_id(account_id: int, smsc_id: str) -> str:
    return f"sms:{account_id}:{smsc_id}"


def _json(raw: bytes) -> dict[str, Any]:
    try:
        data = json.loads(raw)
    except (ValueError, UnicodeDecodeError) as error:
        raise PayloadRejected(f"not JSON: {error}") from error
    if not isinstance(data, dict):
        raise PayloadRejected("not a JSON object")
    return data
