"""Replies that wait for their parent message: a thread holds even when a crash or a retry
makes a reply come up before the message it answers.

A channel that threads stores each payload under the key of its Message-ID
(`vik.channels.core.base.message_key`). A message that answers Message-IDs VIK does not know
yet, and that would therefore open a request of its own, looks for a payload of its region
stored under one of them and not yet applied (pending): then it waits (`reply_defer`) and is
applied after its parent. In one batch, parents go first (`parents_first`); a reply whose
parent in the batch failed waits too. A parent that ends in quarantine releases its replies:
they open a request as before, with the reason on their payload. A reply waits at most
`VIK_INBOUND_PARENT_WAIT_SECONDS`, then it is applied as if its parent never came.

Nothing is merged afterwards: a reply that waited is applied once, to its parent's request
or (released, timed out) to a request of its own, so no acknowledgement goes out for a request
that is later merged away.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Sequence
from dataclasses import dataclass

from django.conf import settings
from django.db.models import F

from vik.channels.core.base import NormalisedMessage, message_key
from vik.channels.core.choices import PayloadState
from vik.channels.core.models import ChannelAccount, InboundPayload, MessageReference
from vik.core import clock
from vik.core.tasks import enqueue_on_commit

from .. import tasks
from ..models import Request

WAIT_SINCE = "thread_wait_since"  # payload metadata: when the reply began to wait
WAITS = "thread_waits"  # payload metadata: how many times it was put back
PARENT = "thread_parent"  # payload metadata: the payload (id) a waiting reply waits for
NOTE = "thread_note"  # payload metadata: why a reply that had a parent opened its own request

Parsed = tuple[InboundPayload, NormalisedMessage]


@dataclass(frozen=True)
class Verdict:
    """What becomes of a reply now: `parent` is the payload it waits for (None: apply it now);
    `note` says, for a reply applied without its parent, why (a quarantined parent, a wait
    that ran out)."""

    parent: int | None = None
    note: str = ""


def answers(message: NormalisedMessage) -> tuple[str, ...]:
    """The Message-IDs a message answers, if it is a reply that may wait for its parent."""
    hint = message.thread
    if hint.public_token or message.delivery_report is not None:
        return ()
    return tuple(i for i in hint.message_ids if i and i != message.external_id)


def parents_first(parsed: Sequence[Parsed]) -> list[Parsed]:
    """The batch in its order, except that a message comes after the messages of the batch it
    answers (a Message-ID cycle is broken where it is met)."""
    by_id = {m.external_id: n for n, (_p, m) in enumerate(parsed) if m.external_id}
    order: list[Parsed] = []
    placed: set[int] = set()
    for start in range(len(parsed)):
        stack = [(start, iter(answers(parsed[start][1])))]
        seen = {start}
        while stack:
            n, parents = stack[-1]
            for mid in parents:
                j = by_id.get(mid)
                if j is not None and j not in placed and j not in seen:
                    seen.add(j)
                    stack.append((j, iter(answers(parsed[j][1]))))
                    break
            else:
                stack.pop()
                if n not in placed:
                    placed.add(n)
                    order.append(parsed[n])
    return order


def verdicts(parsed: Sequence[Parsed]) -> dict[int, Verdict]:
    """Per payload of the batch (by id) that is a reply to Message-IDs VIK does not know yet:
    whether it waits for a parent stored outside the batch, or goes on with a note. Replies
    whose thread is found already, and messages that answer nothing, are not in the result.
    Two queries for the whole batch (payloads by key, references), one more for subjects
    with a reference, one for the region's accounts."""
    now = clock.now()
    limit = dt.timedelta(seconds=settings.VIK_INBOUND_PARENT_WAIT_SECONDS)
    batch = {p.pk for p, _m in parsed}
    replies = [(p, m, answers(m)) for p, m in parsed]
    replies = [(p, m, ids) for p, m, ids in replies if ids]
    if not replies:
        return {}
    regions = {p.account.region_id for p, _m, _ids in replies}
    keys = {message_key(i) for _p, _m, ids in replies for i in ids}
    stored: dict[tuple[int, str], tuple[int, str, str]] = {}
    accounts = list(
        ChannelAccount.objects.filter(region_id__in=regions).values_list("pk", flat=True)
    )
    rows = (
        InboundPayload.objects.filter(  # by the unique index (account, idempotency_key)
            account_id__in=accounts,
            idempotency_key__in=keys,
            state__in=[PayloadState.PENDING, PayloadState.QUARANTINED],
        )
        .exclude(pk__in=batch)
        .values_list("pk", "account__region_id", "idempotency_key", "state", "quarantine_reason")
    )
    for pk, region_id, key, state, reason in rows:
        if state == PayloadState.PENDING or (region_id, key) not in stored:
            stored[(region_id, key)] = (pk, state, reason)
    if not stored:
        return {}
    found = {
        (region_id, mid)
        for region_id, mid in MessageReference.objects.filter(
            region_id__in=regions, message_id__in={i for _p, _m, ids in replies for i in ids}
        ).values_list("region_id", "message_id")
    }
    numbers = {m.thread.reference for _p, m, _ids in replies if m.thread.reference}
    referenced = (
        set(
            Request.objects.filter(region_id__in=regions, reference__in=numbers).values_list(
                "region_id", "reference"
            )
        )
        if numbers
        else set()
    )
    result: dict[int, Verdict] = {}
    for payload, message, ids in replies:
        region_id = payload.account.region_id
        if any((region_id, i) in found for i in ids) or (
            (region_id, message.thread.reference) in referenced
        ):
            continue  # its thread is known: it continues it as always
        parents = [stored[k] for i in ids if (k := (region_id, message_key(i))) in stored]
        pending = [pk for pk, state, _r in parents if state == PayloadState.PENDING]
        if pending:
            since = _wait_since(payload, now)
            if now - since < limit:
                result[payload.pk] = Verdict(parent=pending[0])
            else:
                waited = int((now - since).total_seconds())
                result[payload.pk] = Verdict(
                    note=f"its parent message (payload {pending[0]}) was not applied within "
                    f"{waited} s; opened on its own"
                )
        elif parents:
            pk, _state, reason = parents[0]
            result[payload.pk] = Verdict(
                note=f"its parent message (payload {pk}) was quarantined: {reason}"
            )
    return result


def may_wait(payload: InboundPayload) -> bool:
    """Whether a reply has waited less than `VIK_INBOUND_PARENT_WAIT_SECONDS` so far."""
    now = clock.now()
    limit = dt.timedelta(seconds=settings.VIK_INBOUND_PARENT_WAIT_SECONDS)
    return now - _wait_since(payload, now) < limit


def _wait_since(payload: InboundPayload, now: dt.datetime) -> dt.datetime:
    since = payload.metadata.get(WAIT_SINCE) if isinstance(payload.metadata, dict) else None
    try:
        return dt.datetime.fromisoformat(since) if isinstance(since, str) else now
    except ValueError:
        return now


def reply_defer(payload: InboundPayload, parent: int) -> dt.datetime:
    """Put a claimed reply back to wait for its parent: its claim released, the attempt not
    counted, the next try a few seconds later (2, 4, 8 … at most 30 s) and a task for it then;
    sooner when its parent is settled first (`replies_wake`). Returns when it is tried again.
    Precondition: inside the transaction of its batch."""
    now = clock.now()
    metadata = dict(payload.metadata) if isinstance(payload.metadata, dict) else {}
    metadata.setdefault(WAIT_SINCE, now.isoformat())
    metadata[WAITS] = int(metadata.get(WAITS, 0)) + 1
    metadata[PARENT] = parent
    retry_at = now + dt.timedelta(seconds=min(2 ** metadata[WAITS], 30))
    InboundPayload.objects.filter(pk=payload.pk, state=PayloadState.PENDING).update(
        attempts=F("attempts") - 1, next_attempt_at=retry_at, claim_token=None,
        metadata=metadata, last_error=f"waits for its parent message (payload {parent})",
    )  # fmt: skip
    enqueue_on_commit(tasks.inbound_process_task, payload.pk, run_after=retry_at)
    return retry_at


def replies_wake(parents: Collection[int]) -> int:
    """The replies that wait for one of `parents` (just applied, quarantined or ignored) are
    tried now, not at the end of their backoff. Returns how many. Precondition: inside the
    transaction that settles the parents (the tasks are enqueued after its commit)."""
    if not parents:
        return 0
    waiting = list(
        InboundPayload.objects.filter(
            state=PayloadState.PENDING,
            claim_token__isnull=True,
            metadata__thread_parent__in=sorted(parents),
        ).values_list("pk", flat=True)
    )
    if waiting:
        InboundPayload.objects.filter(pk__in=waiting, claim_token__isnull=True).update(
            next_attempt_at=clock.now()
        )
        for pk in waiting:
            enqueue_on_commit(tasks.inbound_process_task, pk)
    return len(waiting)


def notes_record(payloads: dict[int, InboundPayload], notes: dict[int, str]) -> None:
    """Say on the payloads of replies applied without their parent why: a clerk sees it in
    the payload's metadata and last error. Precondition: after they are marked processed."""
    for pk, note in notes.items():
        metadata = dict(payloads[pk].metadata) if isinstance(payloads[pk].metadata, dict) else {}
        metadata[NOTE] = note
        InboundPayload.objects.filter(pk=pk).update(metadata=metadata, last_error=note)
