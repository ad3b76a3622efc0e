"""Intake: the payloads the channel core stored become interactions, exactly once.

The channel core stores what arrives (`vik.channels.core.services.inbound_accept`) and, after
the commit, enqueues the task this app registered with it (`vik.channels.core.hooks`, filled
in `ConversationsConfig.ready`): `inbound_drain` for what waits for its first attempt, in
batches, and `inbound_process` for one payload (a retry, a claim taken back). Both claim their
payloads through the core, parse them with their channel's adapter, and apply them
(`inbound`); a transient failure is retried with backoff, and what can never be processed is
quarantined.

The core never imports this app; it asks it through that registration, which also carries
`events.delivery_failure_record`: the timeline entry for a delivery the outbox gave up on.
Delivery reports (bounces) arrive as payloads and are applied here (`delivery_report_apply`).
"""

from __future__ import annotations

import logging
import uuid

from django.conf import settings
from django.db import transaction

from vik.channels.core import services as channel_services
from vik.channels.core.base import (
    SHORTENED,
    DeliveryReport,
    NormalisedMessage,
    PayloadIgnored,
    PayloadRejected,
)
from vik.channels.core.choices import PayloadState
from vik.channels.core.models import ChannelAccount, InboundPayload
from vik.channels.core.registry import adapter_for
from vik.core import clock
from vik.core.memo import batch_memo
from vik.core.tasks import backoff, enqueue_on_commit, enqueue_once_on_commit

from .. import events, tasks
from . import inbound, parents

log = logging.getLogger(__name__)


def inbound_process(*, payload_id: int) -> None:
    """Turn one stored payload into one interaction, exactly once.

    Idempotent: a processed or quarantined payload is left alone. A worker that outlived its
    lease (a long pause; the sweeper gave the payload to another worker) finds that its claim is
    no longer the payload's and changes nothing: the check holds the row lock until the commit.
    """
    token = channel_services.inbound_claim(payload_id)
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
        token, ids = channel_services.inbound_claim_batch(size)
        if not ids:
            return taken
        _process_claimed(token, ids)
        taken += len(ids)
        if len(ids) < size:
            return taken
    with transaction.atomic():
        enqueue_once_on_commit(tasks.inbound_drain_task)
    return taken


def _process_claimed(token: uuid.UUID, ids: list[int]) -> None:
    """Process claimed payloads in one transaction: those that open new requests, and those
    that continue one, together (`_apply_together`), the others each in a savepoint of its own.

    A payload's interaction and its `processed` state commit together. One that fails rolls
    back alone and is retried later; if the worker dies, nothing of the batch is committed and
    the sweeper takes the claims back. Rows whose claim is no longer `token` are left alone.
    """
    failed: list[tuple[InboundPayload, Exception]] = []
    with transaction.atomic(), batch_memo():
        payloads = channel_services.inbound_claimed(token=token, ids=ids)
        if len(payloads) < len(ids):
            log.warning("inbound payloads: %s claims expired and were taken over",
                        len(ids) - len(payloads))  # fmt: skip
        processed: list[int] = []
        settled: set[int] = set()  # quarantined or ignored in this batch
        parsed: list[tuple[InboundPayload, NormalisedMessage]] = []
        for payload in payloads:
            try:
                parsed.append((payload, adapter_for(payload.account.kind).parse(payload)))
            except Exception as error:
                if _settle_failure(payload, error):
                    settled.add(payload.pk)
                else:
                    failed.append((payload, error))
        in_batch = {m.external_id: p.pk for p, m in parsed if m.external_id}
        parsed, notes = _replies_wait(parsed)
        processed += _apply_together(parsed)
        done = set(processed)
        in_batch |= {_key_id(p): p.pk for p in payloads if p.pk in settled and _key_id(p)}
        for payload, message in parsed:
            if payload.pk in done:
                continue
            waits_for, note = _parent_in_batch(payload, message, in_batch, done, settled)
            if waits_for is not None:
                parents.reply_defer(payload, waits_for)
                continue
            if note:
                notes[payload.pk] = note
            try:
                with transaction.atomic():
                    if message.delivery_report is not None:
                        delivery_report_apply(
                            account=payload.account, report=message.delivery_report
                        )
                    else:
                        inbound.inbound_apply(
                            account=payload.account, payload=payload, message=message
                        )
                processed.append(payload.pk)
                done.add(payload.pk)
            except Exception as error:
                if _settle_failure(payload, error):
                    settled.add(payload.pk)
                else:
                    failed.append((payload, error))
        if processed:
            InboundPayload.objects.filter(pk__in=processed).update(
                state=PayloadState.PROCESSED, processed_at=clock.now(), next_attempt_at=None,
                last_error="", claim_token=None,
            )  # fmt: skip
            _shortened_record([(p, m) for p, m in parsed if p.pk in done])
            by_pk = {p.pk: p for p in payloads}
            parents.notes_record(by_pk, {pk: n for pk, n in notes.items() if pk in done})
        parents.replies_wake(done | settled)
    for payload, problem in failed:
        _inbound_failed(payload, problem)


def _shortened_record(applied: list[tuple[InboundPayload, NormalisedMessage]]) -> None:
    """Keep on the raw payload what its parser left out for its limits (SHORTENED), for the
    request page to say so. Updates the payload in memory too, for `notes_record` after it."""
    for payload, message in applied:
        if message.shortened:
            metadata = dict(payload.metadata) if isinstance(payload.metadata, dict) else {}
            metadata[SHORTENED] = message.shortened
            payload.metadata = metadata
            InboundPayload.objects.filter(pk=payload.pk).update(metadata=metadata)


def _replies_wait(
    parsed: list[tuple[InboundPayload, NormalisedMessage]],
) -> tuple[list[tuple[InboundPayload, NormalisedMessage]], dict[int, str]]:
    """The batch without the replies that wait for a parent stored outside it (put back,
    `parents.reply_defer`), parents before their replies; and the notes for replies that had
    a parent but go on without it (quarantined, waited long enough)."""
    parsed = parents.parents_first(parsed)
    verdicts = parents.verdicts(parsed)
    kept: list[tuple[InboundPayload, NormalisedMessage]] = []
    for payload, message in parsed:
        verdict = verdicts.get(payload.pk)
        if verdict is not None and verdict.parent is not None:
            parents.reply_defer(payload, verdict.parent)
        else:
            kept.append((payload, message))
    return kept, {pk: v.note for pk, v in verdicts.items() if v.note}


def _key_id(payload: InboundPayload) -> str:
    """The Message-ID a payload is stored under ('' if none), as `message_key` makes it."""
    key = payload.idempotency_key
    return key[4:] if key.startswith("mid:") else ""


def _parent_in_batch(
    payload: InboundPayload,
    message: NormalisedMessage,
    in_batch: dict[str, int],
    done: set[int],
    settled: set[int],
) -> tuple[int | None, str]:
    """For a message applied on its own: the payload of this batch it answers and must wait
    for (it failed and waits for its retry), or a note that it was quarantined; (None, "")
    when it answers nothing of the batch, its parent is applied, or its thread is known."""
    ids = parents.answers(message)
    here = [in_batch[i] for i in ids if in_batch.get(i, payload.pk) != payload.pk]
    missing = [pk for pk in here if pk not in done]
    if not missing or inbound.thread_known(payload.account.region_id, message):
        return None, ""
    lost = [pk for pk in missing if pk in settled]
    if len(lost) < len(missing) and parents.may_wait(payload):
        return next(pk for pk in missing if pk not in settled), ""
    if lost:
        return None, f"its parent message (payload {lost[0]}) was quarantined or ignored"
    return None, ""


def _apply_together(parsed: list[tuple[InboundPayload, NormalisedMessage]]) -> list[int]:
    """Apply set-based, per account and in a savepoint each, the messages of a batch that
    open a new request (`inbound_apply_batch`), then those that continue one
    (`inbound_apply_continuations`, which then finds the requests opened just before);
    returns their payloads' ids. If that fails for a group, the group is left to be applied
    one message at a time, which then decides each message on its own."""
    done: list[int] = []
    for select, apply, least in (
        (inbound.opens_new_request, inbound.inbound_apply_batch, 2),
        (inbound.continues_request, inbound.inbound_apply_continuations, 1),
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
                # The error's text may quote a row (an address, a name): only its kind at INFO.
                log.info("inbound batch of %s applied one by one: %s", len(items),
                         type(error).__name__)  # fmt: skip
                log.debug("inbound batch applied one by one because of: %s", error)
                continue
            done += [i.inbound_payload_id for i in applied if i.inbound_payload_id is not None]
    return done


def _settle_failure(payload: InboundPayload, error: Exception) -> bool:
    """Record what can never be processed (quarantine) or needs no processing (ignored);
    False for an error that may pass (the caller retries the payload later)."""
    if isinstance(error, PayloadRejected):
        channel_services.inbound_quarantine(payload=payload, reason=str(error))
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
        channel_services.inbound_quarantine(
            payload=payload, reason=f"gave up after {payload.attempts} attempts; last: {reason}"
        )
        return
    retry_at = clock.now() + backoff(payload.attempts)
    with transaction.atomic():
        InboundPayload.objects.filter(pk=payload.pk).update(
            last_error=reason, next_attempt_at=retry_at, claim_token=None, claimed_by=None
        )  # the claim ends with the attempt: the retry is its own task's
        enqueue_on_commit(tasks.inbound_process_task, payload.pk, run_after=retry_at)


def delivery_report_apply(*, account: ChannelAccount, report: DeliveryReport) -> None:
    """A bounce: mark the outbound message it reports on failed, and say why on the request's
    timeline, so that the clerk knows the citizen did not get the answer.

    Precondition: inside the transaction that marks the report's payload processed.
    """
    failure = channel_services.delivery_report_settle(account=account, report=report)
    if failure is not None:
        events.delivery_failure_record(failure)
