"""The one path between the outside world and `conversations`.

Inbound: `inbound_accept` stores the raw payload durably and enqueues processing;
`inbound_process` turns it into an interaction exactly once, retrying transient failures with
backoff and quarantining what can never be processed. Outbound: `outbound_queue` puts a
delivery in the outbox; `outbound_deliver` sends it through the channel's adapter, with retries.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import F, Q, prefetch_related_objects

from vik.core import clock
from vik.core.db import rows_update
from vik.core.memo import batch_memo
from vik.core.tasks import (
    backoff,
    enqueue_on_commit,
    enqueue_once_on_commit,
    stale_claim,
    tasks_waiting_since,
)

from .base import (
    ChannelAdapter,
    DeliveryError,
    DeliveryReport,
    NormalisedMessage,
    PayloadIgnored,
    PayloadRejected,
)
from .choices import OutboundState, PayloadState
from .models import ChannelAccount, InboundPayload, MessageReference, OutboundMessage, PayloadFile
from .registry import adapter_for

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
            from .tasks import inbound_drain_task

            enqueue_once_on_commit(inbound_drain_task, gather=settings.VIK_TASK_GATHER_SECONDS)
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
            from .tasks import inbound_drain_task

            enqueue_once_on_commit(inbound_drain_task, gather=settings.VIK_TASK_GATHER_SECONDS)
    return created


def _claim_inbound(payload_id: int) -> uuid.UUID | None:
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


def _claim_inbound_batch(size: int) -> tuple[uuid.UUID, list[int]]:
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


def inbound_process(*, payload_id: int) -> None:
    """Turn one stored payload into one interaction, exactly once.

    Idempotent: a processed or quarantined payload is left alone. A worker that outlived its
    lease (a long pause; the sweeper gave the payload to another worker) finds that its claim is
    no longer the payload's and changes nothing: the check holds the row lock until the commit.
    """
    token = _claim_inbound(payload_id)
    if token is not None:
        _process_claimed(token, [payload_id])


def inbound_drain(*, batch_size: int | None = None, max_batches: int = 20) -> int:
    """Process the payloads waiting for their first attempt, a batch per transaction.

    The task that runs this is enqueued once for many payloads (`inbound_accept`), so a burst
    of mail costs one task, one claim and one commit per batch instead of per message. After
    `max_batches` it hands over to a new task, so that other tasks (the acknowledgements going
    out) get their turn in a long burst. A batch smaller than the batch size took all that
    waited: the task ends there instead of taking the few that came meanwhile one small batch
    after another; each of those was accepted after this task started, so it enqueued the
    next task, which gathers them (`VIK_TASK_GATHER_SECONDS`). Returns how many it took.
    """
    size = batch_size or settings.VIK_INBOUND_BATCH_SIZE
    taken = 0
    for _batch in range(max_batches):
        token, ids = _claim_inbound_batch(size)
        if not ids:
            return taken
        _process_claimed(token, ids)
        taken += len(ids)
        if len(ids) < size:
            return taken
    from .tasks import inbound_drain_task

    with transaction.atomic():
        enqueue_once_on_commit(inbound_drain_task)
    return taken


def _process_claimed(token: uuid.UUID, ids: list[int]) -> None:
    """Process claimed payloads in one transaction: those that open new requests, and those
    that continue one, together (`_apply_together`), the others each in a savepoint of its own.

    A payload's interaction and its `processed` state commit together. One that fails rolls
    back alone and is retried later; if the worker dies, nothing of the batch is committed and
    the sweeper takes the claims back. Rows whose claim is no longer `token` are left alone.
    """
    from vik.conversations.services import inbound_apply

    failed: list[tuple[InboundPayload, Exception]] = []
    with transaction.atomic(), batch_memo():
        payloads = list(
            InboundPayload.objects.select_for_update()
            .filter(pk__in=ids, state=PayloadState.PENDING, claim_token=token)
            .defer("body")
            .order_by("pk")
        )
        _payloads_complete(payloads)
        if len(payloads) < len(ids):
            log.warning("inbound payloads: %s claims expired and were taken over",
                        len(ids) - len(payloads))  # fmt: skip
        processed: list[int] = []
        parsed: list[tuple[InboundPayload, NormalisedMessage]] = []
        for payload in payloads:
            try:
                parsed.append((payload, adapter_for(payload.account.kind).parse(payload)))
            except Exception as error:
                if not _settle_failure(payload, error):
                    failed.append((payload, error))
        processed += _apply_together(parsed)
        together = set(processed)
        for payload, message in parsed:
            if payload.pk in together:
                continue
            try:
                with transaction.atomic():
                    if message.delivery_report is not None:
                        delivery_report_apply(
                            account=payload.account, report=message.delivery_report
                        )
                    else:
                        inbound_apply(account=payload.account, payload=payload, message=message)
                processed.append(payload.pk)
            except Exception as error:
                if not _settle_failure(payload, error):
                    failed.append((payload, error))
        if processed:
            InboundPayload.objects.filter(pk__in=processed).update(
                state=PayloadState.PROCESSED, processed_at=clock.now(), next_attempt_at=None,
                last_error="", claim_token=None,
            )  # fmt: skip
    for payload, problem in failed:
        _inbound_failed(payload, problem)


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
    import psycopg

    connection.ensure_connection()
    table = InboundPayload._meta.db_table
    with psycopg.Cursor(connection.connection) as cursor:
        query = f"SELECT id, body FROM {table} WHERE id = ANY(%s)"  # noqa: S608
        cursor.execute(query, [ids], binary=True)
        return dict(cursor.fetchall())


def _apply_together(parsed: list[tuple[InboundPayload, NormalisedMessage]]) -> list[int]:
    """Apply set-based, per account and in a savepoint each, the messages of a batch that
    open a new request (`inbound_apply_batch`), then those that continue one
    (`inbound_apply_continuations`, which then finds the requests opened just before);
    returns their payloads' ids. If that fails for a group, the group is left to be applied
    one message at a time, which then decides each message on its own."""
    from vik.conversations.services import (
        continues_request,
        inbound_apply_batch,
        inbound_apply_continuations,
        opens_new_request,
    )

    done: list[int] = []
    for select, apply, least in (
        (opens_new_request, inbound_apply_batch, 2),
        (continues_request, inbound_apply_continuations, 1),
    ):
        groups: dict[int, list[tuple[InboundPayload, NormalisedMessage]]] = {}
        for payload, message in parsed:
            if select(message):
                groups.setdefault(payload.account_id, []).append((payload, message))
        for items in groups.values():
            if len(items) < least:
                continue
            try:
                with transaction.atomic():
                    applied = apply(account=items[0][0].account, items=items)
            except Exception as error:
                log.info("inbound batch of %s applied one by one: %s", len(items), error)
                continue
            done += [i.inbound_payload_id for i in applied if i.inbound_payload_id is not None]
    return done


def _settle_failure(payload: InboundPayload, error: Exception) -> bool:
    """Record what can never be processed (quarantine) or needs no processing (ignored);
    False for an error that may pass (the caller retries the payload later)."""
    if isinstance(error, PayloadRejected):
        inbound_quarantine(payload=payload, reason=str(error))
        return True
    if isinstance(error, PayloadIgnored):
        InboundPayload.objects.filter(pk=payload.pk, state=PayloadState.PENDING).update(
            state=PayloadState.IGNORED, quarantine_reason=str(error), processed_at=clock.now(),
            next_attempt_at=None, claim_token=None,
        )  # fmt: skip
        return True
    log.error("inbound payload %s failed (attempt %s)", payload.pk, payload.attempts,
              exc_info=error)  # fmt: skip
    return False


def _inbound_failed(payload: InboundPayload, error: Exception) -> None:
    reason = f"{type(error).__name__}: {error}"
    if payload.attempts >= settings.VIK_INBOUND_MAX_ATTEMPTS:
        inbound_quarantine(
            payload=payload, reason=f"gave up after {payload.attempts} attempts; last: {reason}"
        )
        return
    retry_at = clock.now() + backoff(payload.attempts)
    from .tasks import inbound_process_task

    with transaction.atomic():
        InboundPayload.objects.filter(pk=payload.pk).update(
            last_error=reason, next_attempt_at=retry_at
        )
        enqueue_on_commit(inbound_process_task, payload.pk, run_after=retry_at)


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
        from .tasks import inbound_process_task

        enqueue_on_commit(inbound_process_task, payload.pk)


# Outbound ------------------------------------------------------------------------------------


def outbound_queue(*, account: ChannelAccount, interaction: Any, recipient: str) -> OutboundMessage:
    """Put one delivery in the outbox; it is sent by a task after the caller's commit."""
    message = OutboundMessage.objects.create(
        account=account, interaction=interaction, recipient=recipient, next_attempt_at=clock.now()
    )
    from .tasks import outbound_drain_task

    enqueue_once_on_commit(outbound_drain_task, gather=settings.VIK_TASK_GATHER_SECONDS)
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
    from .tasks import outbound_drain_task

    if messages:
        enqueue_once_on_commit(outbound_drain_task, gather=settings.VIK_TASK_GATHER_SECONDS)


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
    from .tasks import outbound_drain_task

    with transaction.atomic():
        enqueue_once_on_commit(outbound_drain_task)
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
    from vik.conversations import events

    reason = str(error) or type(error).__name__
    if permanent or message.attempts >= settings.VIK_OUTBOUND_MAX_ATTEMPTS:
        with transaction.atomic():
            OutboundMessage.objects.filter(pk=message.pk).update(
                state=OutboundState.FAILED, last_error=reason, next_attempt_at=None
            )
            events.delivery_failed(
                request=message.interaction.request, recipient=message.recipient, reason=reason
            )
        return
    from .tasks import outbound_deliver_task

    retry_at = clock.now() + backoff(message.attempts)
    with transaction.atomic():
        OutboundMessage.objects.filter(pk=message.pk).update(
            state=OutboundState.QUEUED, last_error=reason, next_attempt_at=retry_at
        )
        enqueue_on_commit(outbound_deliver_task, message.pk, run_after=retry_at)


def delivery_report_apply(*, account: ChannelAccount, report: DeliveryReport) -> None:
    """A bounce: mark the outbound message it reports on failed, and say why on the request's
    timeline, so that the clerk knows the citizen did not get the answer.

    Precondition: inside the transaction that marks the report's payload processed.
    """
    from vik.conversations import events

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
        return  # "delayed": the remote server is still trying; nothing failed yet
    reason = f"{report.status} {report.reason}".strip()
    OutboundMessage.objects.filter(pk=reference.outbound.pk).update(
        state=OutboundState.FAILED, last_error=reason, next_attempt_at=None
    )
    recipients = ", ".join(report.recipients) or reference.outbound.recipient
    events.delivery_failed(request=reference.request, recipient=recipients, reason=reason)


def channels_sweep() -> tuple[int, int]:
    """Re-enqueue work whose task was lost (a crash between commit and enqueue, a killed worker).

    A claim is taken back once its lease is older than the stale-claim time. Work nobody has
    claimed is re-enqueued after that time too, but not while the queue still holds tasks that
    old: then it is most likely waiting for its turn, and one more task per row and sweep would
    only make the backlog longer. The rows are selected under lock in the transaction that
    updates them, so that a claim made in between is never overwritten.

    Returns (inbound, outbound) counts. Safe to run at any time: processing is idempotent.
    """
    from .tasks import inbound_drain_task, inbound_process_task, outbound_drain_task

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
                enqueue_on_commit(inbound_process_task, pk)
        if any(not attempts for _pk, attempts in inbound_rows):  # never tried: one drain
            enqueue_once_on_commit(inbound_drain_task)
        outbound_ids = list(
            OutboundMessage.objects.select_for_update(skip_locked=True)
            .filter(outbound)
            .values_list("pk", flat=True)[:500]
        )
        OutboundMessage.objects.filter(pk__in=outbound_ids).update(
            state=OutboundState.QUEUED, next_attempt_at=now
        )
        if outbound_ids:  # taken-back claims and lost wake-ups alike: one drain sends them
            enqueue_once_on_commit(outbound_drain_task)
    return len(inbound_ids), len(outbound_ids)


def inbound_discard(*, payload: InboundPayload, by: Any, reason: str) -> None:
    """A lead decided a quarantined payload is not a citizen's message. It stays stored (and
    in the audit log); it is only taken off the quarantine list."""
    from vik.audit.services import audit_record

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
    from django.core.mail import send_mail

    from vik.tenancy.choices import Role
    from vik.tenancy.models import Membership

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
