"""The outbox: deliveries queued (`outbound_queue`), sent through their channel's adapter with
retries (`outbound_deliver`, `outbound_drain`), and settled by a channel's delivery report."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q, prefetch_related_objects

from vik.core import clock
from vik.core.db import rows_update
from vik.core.tasks import backoff, enqueue_on_commit, enqueue_once_on_commit, stale_claim
from vik.core.workers import worker_current

from .. import tasks
from ..base import ChannelAdapter, DeliveryError, DeliveryReport, PayloadIgnored
from ..choices import OutboundState
from ..hooks import DeliveryFailure, intake
from ..models import ChannelAccount, MessageReference, OutboundMessage
from ..registry import adapter_for

log = logging.getLogger(__name__)


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
        message.claimed_by = worker_current()
        message.save(
            update_fields=["state", "attempts", "next_attempt_at", "claimed_by", "updated_at"]
        )
    return True


def _claim_outbound_batch(size: int) -> list[int]:
    """Claim up to `size` queued messages that are due, oldest first; rows another worker is
    claiming are skipped. Each attempt is counted; the claim records the worker
    (`claimed_by`), so that the sweeper takes it back once that worker's heartbeat is stale
    (claimed outside a worker: once the lease expired)."""
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
                next_attempt_at=now + stale_claim(), claimed_by=worker_current(), updated_at=now,
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
