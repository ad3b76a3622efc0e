"""Inbound raw payloads: stored durably once per key (`inbound_accept`), claimed by the worker
that processes them (`inbound_claim`, `inbound_claim_batch`, `inbound_claimed`), and put in,
back from or off the quarantine list."""

from __future__ import annotations

import contextlib
import hashlib
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import F, Q, prefetch_related_objects

from vik.audit.services import audit_record
from vik.core import clock
from vik.core.tasks import enqueue_on_commit, enqueue_once_on_commit, stale_claim
from vik.core.workers import worker_current

from ..choices import PayloadState
from ..hooks import intake
from ..models import ChannelAccount, InboundPayload, PayloadFile
from ..registry import adapter_for

if TYPE_CHECKING:
    from vik.tenancy.types import Viewer


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
    held_reasons: Sequence[str] = (),
) -> tuple[InboundPayload, bool]:
    """Store what arrived, once per (account, key), and enqueue its processing after commit.

    Returns (payload, created). A second delivery of the same key returns the first payload
    and stores nothing. The caller may acknowledge the sender as soon as this returns.
    With `held_reasons` (scored as spam) the payload is stored HELD and not processed: it
    waits in the spam review queue (`inbound_release`, `inbound_discard`).
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
                next_attempt_at=None if held_reasons else now,
                **(
                    {"state": PayloadState.HELD, "quarantine_reason": "; ".join(held_reasons)}
                    if held_reasons
                    else {}
                ),
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
            if not held_reasons:
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
    it while it is processed. The claim records the worker (`claimed_by`): the sweeper takes
    it back once that worker's heartbeat is stale, or, claimed outside a worker, once the
    lease expired. Returns the claim's token (None: not claimed).
    """
    now = clock.now()
    token = uuid.uuid4()
    due = Q(attempts=0) | Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now)
    claimed = InboundPayload.objects.filter(due, pk=payload_id, state=PayloadState.PENDING).update(
        attempts=F("attempts") + 1, next_attempt_at=now + stale_claim(), claim_token=token,
        claimed_by=worker_current(),
    )  # fmt: skip
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
            ).update(
                attempts=1, next_attempt_at=now + stale_claim(), claim_token=token,
                claimed_by=worker_current(),
            )  # fmt: skip
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


def inbound_discard(*, payload: InboundPayload, by: Viewer, reason: str) -> None:
    """A lead decided a quarantined or held (spam) payload is not a citizen's message. It stays
    stored (and in the audit log); it is only taken off the quarantine or spam list."""
    with transaction.atomic():
        InboundPayload.objects.filter(
            pk=payload.pk, state__in=[PayloadState.QUARANTINED, PayloadState.HELD]
        ).update(state=PayloadState.IGNORED, quarantine_reason=f"discarded: {reason}".strip())
        audit_record(
            actor=by, action="inbound.discard", target=payload, personal_data=True,
            details={"reason": reason, "account": payload.account.name, "was": payload.state},
        )  # fmt: skip


def inbound_release(*, payload: InboundPayload, by: Viewer) -> bool:
    """A lead decided a held payload is a citizen's message after all: it is processed as if it
    had just arrived (filed, routed, acknowledged). Returns False if it was no longer held."""
    with transaction.atomic():
        released = InboundPayload.objects.filter(pk=payload.pk, state=PayloadState.HELD).update(
            state=PayloadState.PENDING, attempts=0, next_attempt_at=clock.now(),
            quarantine_reason="",
        )  # fmt: skip
        if not released:
            return False
        audit_record(
            actor=by, action="inbound.release", target=payload, personal_data=True,
            details={"spam_reasons": payload.quarantine_reason, "account": payload.account.name},
        )  # fmt: skip
        enqueue_on_commit(intake().process_task, payload.pk)
    return True
