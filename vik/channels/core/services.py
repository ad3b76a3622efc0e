"""The channel core's side of the one path between the outside world and `conversations`.

Inbound: `inbound_accept` stores the raw payload durably and enqueues its processing, which
`conversations` registers (`hooks`) and does (`vik.conversations.services.intake`): it claims
payloads here (`inbound_claim`, `inbound_claim_batch`, `inbound_claimed`) and applies them to
requests. Outbound: `outbound_queue` puts a delivery in the outbox; `outbound_deliver` sends it
through the channel's adapter, with retries, and hands a delivery it gives up on to
`conversations` (`hooks.DeliveryFailure`). `channels_sweep` takes back what a dead worker left.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import F, Q, prefetch_related_objects

from vik.audit.services import audit_record
from vik.core import clock
from vik.core.db import rows_update
from vik.core.tasks import (
    backoff,
    enqueue_on_commit,
    enqueue_once_on_commit,
    stale_claim,
    tasks_waiting_since,
)
from vik.tenancy.choices import Role
from vik.tenancy.models import Membership

from . import tasks
from .base import ChannelAdapter, DeliveryError, DeliveryReport, PayloadIgnored
from .choices import OutboundState, PayloadState
from .hooks import DeliveryFailure, intake
from .models import ChannelAccount, InboundPayload, MessageReference, OutboundMessage, PayloadFile
from .registry import adapter_for

if TYPE_CHECKING:
    from vik.tenancy.types import Viewer

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class UploadedFile:
    filename: str
    content_type: str
    content: bytes


def inbound_accept(
    *,
    account: ChannelAccount,
    idempotency_key: str,
    body: bytes,
    content_type: str,
    metadata: dict[str, Any] | None = None,
    files: Iterable[UploadedFile] = (),
) -> tuple[InboundPayload, bool]:
    """Store what arrived, once per (account, key), and enqueue its processing after commit.

    Returns (payload, created). A second delivery of the same key returns the first payload
    and stores nothing. The caller may acknowledge the sender as soon as this returns.
    """
    now = clock.now()
    files = list(files)
    # A payload without files is one INSERT, committed by itself (no BEGIN and COMMIT round
    # trips); with files, or inside a caller's transaction, a (sub)transaction holds it all.
    together = bool(files) or transaction.get_connection().in_atomic_block
    try:
        # Insert first: a duplicate is the rare case, and the unique constraint decides it.
        with transaction.atomic() if together else contextlib.nullcontext():
            payload = InboundPayload.objects.create(
                account=account,
                idempotency_key=idempotency_key,
                body=body,
                content_type=content_type,
                metadata=metadata or {},
                received_at=now,
                next_attempt_at=now,
            )
            for upload in files:
                PayloadFile.objects.create(
                    payload=payload,
                    file=ContentFile(upload.content, name=upload.filename),
                    filename=upload.filename,
                    content_type=upload.content_type,
                    size=len(upload.content),
                    sha256=hashlib.sha256(upload.content).hexdigest(),
                )
            enqueue_once_on_commit(intake().drain_task, gather=settings.VIK_TASK_GATHER_SECONDS)
    except IntegrityError:
        existing = InboundPayload.objects.filter(account=account, idempotency_key=idempotency_key)
        return existing.get(), False
    return payload, True


@dataclass(frozen=True)
class Arrival:
    """One payload without files, for `inbound_accept_many`."""

    idempotency_key: str
    body: bytes
    content_type: str
    metadata: dict[str, Any]


def inbound_accept_many(*, account: ChannelAccount, arrivals: Sequence[Arrival]) -> list[bool]:
    """`inbound_accept` for several payloads without files (a group fetched from a mailbox), in
    one transaction: one query for the keys stored already, one INSERT for the others, one
    processing task after the commit. Returns, per arrival, whether it was stored now (False:
    stored before, or earlier in `arrivals`).

    A payload of the same key stored by another delivery between the query and the INSERT
    (the mail server's pipe, at that very moment) is kept once by the unique constraint; it
    is then counted as stored here too.
    """
    if not arrivals:
        return []
    now = clock.now()
    with transaction.atomic():
        stored = set(
            InboundPayload.objects.filter(
                account=account, idempotency_key__in={a.idempotency_key for a in arrivals}
            ).values_list("idempotency_key", flat=True)
        )
        created: list[bool] = []
        fresh: list[InboundPayload] = []
        for arrival in arrivals:
            new = arrival.idempotency_key not in stored
            created.append(new)
            if new:
                stored.add(arrival.idempotency_key)
                fresh.append(
                    InboundPayload(
                        account=account,
                        idempotency_key=arrival.idempotency_key,
                        body=arrival.body,
                        content_type=arrival.content_type,
                        metadata=arrival.metadata,
                        received_at=now,
                        next_attempt_at=now,
                    )
                )
        InboundPayload.objects.bulk_create(fresh, ignore_conflicts=True)
        if fresh:
            enqueue_once_on_commit(intake().drain_task, gather=settings.VIK_TASK_GATHER_SECONDS)
    return created


def inbound_claim(payload_id: int) -> uuid.UUID | None:
    """Claim a due payload with one conditional UPDATE, committed before processing starts.

    The attempt is counted even if the worker then dies, so a payload that crashes the worker
    every time still ends in quarantine; the lease (`next_attempt_at`) keeps other workers off
    it while it is processed, and lets the sweeper take it back if nobody finishes it. Returns
    the claim's token (None: not claimed).
    """
    now = clock.now()
    token = uuid.uuid4()
    due = Q(attempts=0) | Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now)
    claimed = InboundPayload.objects.filter(due, pk=payload_id, state=PayloadState.PENDING).update(
        attempts=F("attempts") + 1, next_attempt_at=now + stale_claim(), claim_token=token
    )
    return token if claimed == 1 else None


def inbound_claim_batch(size: int) -> tuple[uuid.UUID, list[int]]:
    """Claim up to `size` due payloads that wait for their first attempt, oldest first.

    Retries (attempts > 0) are never batched: a payload that failed or crashed a worker is
    processed on its own, so that it cannot take innocent neighbours down with it again.
    Rows another worker is claiming are skipped, not waited for.
    """
    now = clock.now()
    token = uuid.uuid4()
    with transaction.atomic():
        ids = list(
            InboundPayload.objects.select_for_update(skip_locked=True)
            .filter(state=PayloadState.PENDING, attempts=0, next_attempt_at__lte=now)
            .order_by("pk")
            .values_list("pk", flat=True)[:size]
        )
        if ids:
            InboundPayload.objects.filter(
                pk__in=ids, state=PayloadState.PENDING, attempts=0
            ).update(attempts=1, next_attempt_at=now + stale_claim(), claim_token=token)
    return token, ids


def inbound_claimed(*, token: uuid.UUID, ids: list[int]) -> list[InboundPayload]:
    """The payloads of `ids` still claimed by `token`, locked, oldest first, complete with
    their bodies, accounts and (for the channels that read them) stored files. Rows whose
    claim is no longer `token` (the sweeper gave them to another worker) are left out.

    Precondition: inside the transaction that processes them; the lock holds until its commit.
    """
    payloads = list(
        InboundPayload.objects.select_for_update()
        .filter(pk__in=ids, state=PayloadState.PENDING, claim_token=token)
        .defer("body")
        .order_by("pk")
    )
    _payloads_complete(payloads)
    return payloads


def _payloads_complete(payloads: list[InboundPayload]) -> None:
    """Give payloads read without their bodies their bodies, their accounts (with region and
    centre, one object per account for the whole batch) and, for the channels that read them,
    their stored files."""
    accounts = {
        account.pk: account
        for account in ChannelAccount.objects.select_related("region", "centre").filter(
            pk__in={p.account_id for p in payloads}
        )
    }
    bodies = _bodies([p.pk for p in payloads])
    for payload in payloads:
        payload.account = accounts[payload.account_id]
        payload.body = bodies[payload.pk]
    prefetch_related_objects(
        [p for p in payloads if adapter_for(p.account.kind).reads_payload_files], "files"
    )


def _bodies(ids: list[int]) -> dict[int, bytes]:
    """The raw bodies of payloads by id. On PostgreSQL they are read in binary: half the bytes
    of the text format, in which Django reads them, and no hex to decode."""
    if not ids:
        return {}
    connection = transaction.get_connection()
    if connection.vendor != "postgresql":
        rows = InboundPayload.objects.filter(pk__in=ids).values_list("pk", "body")
        return {pk: bytes(body) for pk, body in rows}
    import psycopg  # local import: only PostgreSQL reads payloads with it; SQLite needs no libpq

    connection.ensure_connection()
    table = InboundPayload._meta.db_table
    with psycopg.Cursor(connection.connection) as cursor:
        query = f"SELECT id, body FROM {table} WHERE id = ANY(%s)"  # noqa: S608
        cursor.execute(query, [ids], binary=True)
        return dict(cursor.fetchall())


def inbound_quarantine(*, payload: InboundPayload, reason: str) -> None:
    InboundPayload.objects.filter(pk=payload.pk, state=PayloadState.PENDING).update(
        state=PayloadState.QUARANTINED, quarantine_reason=reason, next_attempt_at=None,
        claim_token=None,
    )  # fmt: skip


def inbound_retry(*, payload: InboundPayload) -> None:
    """Put a quarantined payload back for processing (after a fix)."""
    with transaction.atomic():
        InboundPayload.objects.filter(pk=payload.pk).update(
            state=PayloadState.PENDING,
            attempts=0,
            next_attempt_at=clock.now(),
            quarantine_reason="",
        )
        enqueue_on_commit(intake().process_task, payload.pk)


# Outbound ------------------------------------------------------------------------------------


def outbound_queue(*, account: ChannelAccount, interaction: Any, recipient: str) -> OutboundMessage:
    """Put one delivery in the outbox; it is sent by a task after the caller's commit."""
    message = OutboundMessage.objects.create(
        account=account, interaction=interaction, recipient=recipient, next_attempt_at=clock.now()
    )
    enqueue_once_on_commit(tasks.outbound_drain_task, gather=settings.VIK_TASK_GATHER_SECONDS)
    return message


def outbound_queue_many(*, account: ChannelAccount, deliveries: Sequence[tuple[Any, str]]) -> None:
    """`outbound_queue` for several (saved interaction, recipient) pairs with one INSERT."""
    now = clock.now()
    messages = OutboundMessage.objects.bulk_create(
        OutboundMessage(
            account=account, interaction=interaction, recipient=recipient, next_attempt_at=now
        )
        for interaction, recipient in deliveries
    )
    if messages:
        enqueue_once_on_commit(tasks.outbound_drain_task, gather=settings.VIK_TASK_GATHER_SECONDS)


def _claim_outbound(message_id: int) -> bool:
    now = clock.now()
    with transaction.atomic():
        message = OutboundMessage.objects.select_for_update().filter(pk=message_id).first()
        if message is None or message.state != OutboundState.QUEUED:
            return False
        if message.next_attempt_at and message.next_attempt_at > now:
            return False
        message.state = OutboundState.SENDING
        message.attempts += 1
        message.next_attempt_at = now + backoff(message.attempts)
        message.save(update_fields=["state", "attempts", "next_attempt_at", "updated_at"])
    return True


def _claim_outbound_batch(size: int) -> list[int]:
    """Claim up to `size` queued messages that are due, oldest first; rows another worker is
    claiming are skipped. Each attempt is counted; the lease lets the sweeper take the claim
    back from a worker that died."""
    now = clock.now()
    with transaction.atomic():
        ids = list(
            OutboundMessage.objects.select_for_update(skip_locked=True)
            .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
            .filter(state=OutboundState.QUEUED)
            .order_by("pk")
            .values_list("pk", flat=True)[:size]
        )
        if ids:
            OutboundMessage.objects.filter(pk__in=ids, state=OutboundState.QUEUED).update(
                state=OutboundState.SENDING, attempts=F("attempts") + 1,
                next_attempt_at=now + stale_claim(), updated_at=now,
            )  # fmt: skip
    return ids


def outbound_deliver(*, message_id: int) -> None:
    """Send one queued outbound message; retry transient failures; record permanent ones on the
    request's timeline so that the clerk sees the citizen did not get the answer."""
    if not _claim_outbound(message_id):
        return
    message = OutboundMessage.objects.select_related("account", "interaction__request").get(
        pk=message_id
    )
    adapter = adapter_for(message.account.kind)
    external_id = _attempt(adapter, message)
    if external_id is not None:
        _sent_record(adapter, [(message, external_id)])


def outbound_drain(*, batch_size: int | None = None, max_batches: int = 20) -> int:
    """Send the queued messages that are due, a batch at a time, each channel's batch through
    one connection (`ChannelAdapter.delivering`). Like `inbound_drain`, one task serves many
    messages and hands over after `max_batches`. Returns how many it took.

    What was sent is recorded once per batch and channel (`_sent_record`). A worker that dies
    before that leaves its claims to the sweeper, which sends those messages again, each with
    the Message-ID of its first attempt (`outbound_message_id`), by which mail clients show
    the copy once; a failure is recorded at once, with its retry."""
    size = batch_size or settings.VIK_OUTBOUND_BATCH_SIZE
    taken = 0
    for _batch in range(max_batches):
        ids = _claim_outbound_batch(size)
        if not ids:
            return taken
        messages = list(
            OutboundMessage.objects.filter(pk__in=ids, state=OutboundState.SENDING)
            .select_related("account", "interaction__request__centre")
            .order_by("pk")
        )
        # Automatic messages (acknowledgements) carry no attachments: read only the others'.
        prefetch_related_objects(
            [m.interaction for m in messages if not m.interaction.is_automatic], "attachments"
        )
        for kind in dict.fromkeys(m.account.kind for m in messages):
            adapter = adapter_for(kind)
            batch = [m for m in messages if m.account.kind == kind]
            sent: list[tuple[OutboundMessage, str]] = []
            with adapter.delivering(batch):
                for message in batch:
                    external_id = _attempt(adapter, message)
                    if external_id is not None:
                        sent.append((message, external_id))
            _sent_record(adapter, sent)
        taken += len(ids)
    with transaction.atomic():
        enqueue_once_on_commit(tasks.outbound_drain_task)
    return taken


def _attempt(adapter: ChannelAdapter, message: OutboundMessage) -> str | None:
    """Deliver one claimed message through its channel's adapter; the channel's id of the
    sent message, or None after recording the failure (and the retry, if any)."""
    try:
        return adapter.send(message)
    except Exception as error:
        permanent = isinstance(error, DeliveryError) and error.permanent
        if not isinstance(error, DeliveryError):
            log.exception("outbound message %s failed", message.pk)
        _outbound_failed(message, error, permanent=permanent)
        return None


def _sent_record(adapter: ChannelAdapter, sent: Sequence[tuple[OutboundMessage, str]]) -> None:
    """Mark delivered messages sent, and remember their Message-IDs with their requests (for
    the answers and delivery reports that will quote them), in one transaction."""
    if not sent:
        return
    now = clock.now()
    with transaction.atomic():
        if adapter.remembers_sent_ids:
            MessageReference.objects.bulk_create(
                [
                    MessageReference(
                        region_id=message.interaction.request.region_id,
                        message_id=external_id.strip("<>")[:998],
                        request_id=message.interaction.request_id,
                        interaction_id=message.interaction_id,
                        outbound=message,
                        channel=message.account.kind,
                    )
                    for message, external_id in sent
                ],
                ignore_conflicts=True,  # sent before (a retry after a crash): the first stays
            )
        for message, external_id in sent:
            message.state, message.sent_at = OutboundState.SENT, now
            message.external_id, message.next_attempt_at = external_id[:255], None
            message.last_error, message.updated_at = "", now
        rows_update(
            [message for message, _id in sent],
            ["state", "sent_at", "external_id", "next_attempt_at", "last_error", "updated_at"],
        )


def _outbound_failed(message: OutboundMessage, error: Exception, *, permanent: bool) -> None:
    """A failed attempt: retried with backoff, or, when it is permanent or the attempts are
    used up, the message is marked failed and `conversations` says so on the timeline."""
    reason = str(error) or type(error).__name__
    if permanent or message.attempts >= settings.VIK_OUTBOUND_MAX_ATTEMPTS:
        with transaction.atomic():
            OutboundMessage.objects.filter(pk=message.pk).update(
                state=OutboundState.FAILED, last_error=reason, next_attempt_at=None
            )
            intake().delivery_failed(
                DeliveryFailure(
                    message=message, request=message.interaction.request,
                    recipient=message.recipient, reason=reason,
                )
            )  # fmt: skip
        return
    retry_at = clock.now() + backoff(message.attempts)
    with transaction.atomic():
        OutboundMessage.objects.filter(pk=message.pk).update(
            state=OutboundState.QUEUED, last_error=reason, next_attempt_at=retry_at
        )
        enqueue_on_commit(tasks.outbound_deliver_task, message.pk, run_after=retry_at)


def delivery_report_settle(
    *, account: ChannelAccount, report: DeliveryReport
) -> DeliveryFailure | None:
    """A channel's report that an outbound message did not arrive (a bounce): mark the message
    failed, and return what failed, for the request's timeline; None when the report says only
    that the delivery is delayed (the remote server is still trying; nothing failed yet).

    Raises PayloadIgnored for a report about a message VIK did not send.
    """
    reference = (
        MessageReference.objects.filter(
            region_id=account.region_id,
            message_id=report.original_external_id,
            outbound__isnull=False,
        )
        .select_related("outbound", "request")
        .first()
    )
    if reference is None or reference.outbound is None:
        raise PayloadIgnored(
            f"delivery report about a message VIK did not send: {report.original_external_id!r}"
        )
    if not report.permanent:
        return None
    reason = f"{report.status} {report.reason}".strip()
    OutboundMessage.objects.filter(pk=reference.outbound.pk).update(
        state=OutboundState.FAILED, last_error=reason, next_attempt_at=None
    )
    recipients = ", ".join(report.recipients) or reference.outbound.recipient
    return DeliveryFailure(
        message=reference.outbound, request=reference.request, recipient=recipients, reason=reason
    )


def channels_sweep() -> tuple[int, int]:
    """Re-enqueue work whose task was lost (a crash between commit and enqueue, a killed worker).

    A claim is taken back once its lease is older than the stale-claim time. Work nobody has
    claimed is re-enqueued after that time too, but not while the queue still holds tasks that
    old: then it is most likely waiting for its turn, and one more task per row and sweep would
    only make the backlog longer. The rows are selected under lock in the transaction that
    updates them, so that a claim made in between is never overwritten.

    Returns (inbound, outbound) counts. Safe to run at any time: processing is idempotent.
    """
    now = clock.now()
    stale = now - stale_claim()
    backlog = tasks_waiting_since(stale)
    inbound = Q(attempts__gt=0, next_attempt_at__lte=stale)
    outbound = Q(state=OutboundState.SENDING, next_attempt_at__lte=stale)
    if not backlog:
        inbound |= Q(attempts=0, next_attempt_at__lte=stale) | Q(next_attempt_at__isnull=True)
        outbound |= Q(state=OutboundState.QUEUED, next_attempt_at__lte=stale)
    with transaction.atomic():
        inbound_rows = list(
            InboundPayload.objects.select_for_update(skip_locked=True)
            .filter(inbound, state=PayloadState.PENDING)
            .values_list("pk", "attempts")[:500]
        )
        inbound_ids = [pk for pk, _attempts in inbound_rows]
        InboundPayload.objects.filter(pk__in=inbound_ids).update(next_attempt_at=now)
        for pk, attempts in inbound_rows:
            if attempts:  # a claim taken back: processed on its own
                enqueue_on_commit(intake().process_task, pk)
        if any(not attempts for _pk, attempts in inbound_rows):  # never tried: one drain
            enqueue_once_on_commit(intake().drain_task)
        outbound_ids = list(
            OutboundMessage.objects.select_for_update(skip_locked=True)
            .filter(outbound)
            .values_list("pk", flat=True)[:500]
        )
        OutboundMessage.objects.filter(pk__in=outbound_ids).update(
            state=OutboundState.QUEUED, next_attempt_at=now
        )
        if outbound_ids:  # taken-back claims and lost wake-ups alike: one drain sends them
            enqueue_once_on_commit(tasks.outbound_drain_task)
    return len(inbound_ids), len(outbound_ids)


def inbound_discard(*, payload: InboundPayload, by: Viewer, reason: str) -> None:
    """A lead decided a quarantined payload is not a citizen's message. It stays stored (and
    in the audit log); it is only taken off the quarantine list."""
    with transaction.atomic():
        InboundPayload.objects.filter(pk=payload.pk, state=PayloadState.QUARANTINED).update(
            state=PayloadState.IGNORED, quarantine_reason=f"discarded: {reason}".strip()
        )
        audit_record(
            actor=by, action="inbound.discard", target=payload, personal_data=True,
            details={"reason": reason, "account": payload.account.name},
        )  # fmt: skip


def account_failure_notify(*, account: ChannelAccount, problem: str) -> int:
    """Tell the people responsible for a channel account that it stopped working: the leads of
    its centre, else the region's coordinators. Returns how many were told.

    Until workspace notifications exist (routing issue), this is an e-mail.
    """
    if account.centre_id:
        people = Membership.objects.filter(centre_id=account.centre_id, role=Role.CENTRE_LEAD)
    else:
        people = Membership.objects.filter(
            region_id=account.region_id, centre__isnull=True, role=Role.REGION_COORDINATOR
        )
    addresses = sorted({m.user.email for m in people.select_related("user") if m.user.email})
    if not addresses:
        log.warning("channel account %s fails and nobody is there to tell: %s", account, problem)
        return 0
    send_mail(
        subject=f"VIK: {account.name} does not work",
        message=(
            f"The channel account {account.name} has failed several times in a row:\n\n"
            f"{problem}\n\nVIK keeps trying by itself; messages wait on the server and none is "
            f"lost. Check the account's settings or the server. Its state is in /healthz."
        ),
        from_email=None,
        recipient_list=addresses,
        fail_silently=True,
    )
    return len(addresses)
