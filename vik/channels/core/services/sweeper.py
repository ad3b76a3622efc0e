"""`channels_sweep`: the periodic job that takes back what a dead worker or a lost task left."""

from __future__ import annotations

from django.db import transaction
from django.db.models import Q

from vik.core import clock
from vik.core.tasks import (
    enqueue_on_commit,
    enqueue_once_on_commit,
    stale_claim,
    tasks_waiting_since,
)
from vik.core.workers import claimed_by_dead

from .. import tasks
from ..choices import OutboundState, PayloadState
from ..hooks import intake
from ..models import InboundPayload, OutboundMessage


def channels_sweep() -> tuple[int, int]:
    """Re-enqueue work whose task was lost (a crash between commit and enqueue, a killed worker).

    A claim is taken back as soon as the worker that holds it (`claimed_by`) is dead: its
    heartbeat is older than `VIK_WORKER_HEARTBEAT_TIMEOUT_SECONDS`, or gone. A claim made
    outside a worker (no `claimed_by`) is taken back once its lease expired. A claim taken
    back is released (its token and worker cleared), so that the worker, should it still be
    alive, changes nothing more, and the next sweep does not take it again. Work nobody has
    claimed is re-enqueued after the stale-claim time, but not while the queue still holds
    tasks that old: then it is most likely waiting for its turn, and one more task per row and
    sweep would only make the backlog longer. The rows are selected under lock in the
    transaction that updates them, so that a claim made in between is never overwritten.

    Returns (inbound, outbound) counts. Safe to run at any time: processing is idempotent.
    """
    now = clock.now()
    stale = now - stale_claim()
    backlog = tasks_waiting_since(stale)
    taken_back = claimed_by_dead(now=now) | Q(claimed_by__isnull=True, next_attempt_at__lte=now)
    inbound = Q(claim_token__isnull=False) & taken_back
    inbound |= Q(claim_token__isnull=True, attempts__gt=0, next_attempt_at__lte=stale)
    outbound = Q(state=OutboundState.SENDING) & taken_back
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
        InboundPayload.objects.filter(pk__in=inbound_ids).update(
            next_attempt_at=now, claim_token=None, claimed_by=None
        )
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
            state=OutboundState.QUEUED, next_attempt_at=now, claimed_by=None
        )
        if outbound_ids:  # taken-back claims and lost wake-ups alike: one drain sends them
            enqueue_once_on_commit(tasks.outbound_drain_task)
    return len(inbound_ids), len(outbound_ids)
