"""Writes of the GDPR tasks: the subject-access ZIP (an audited read), the erasure of a person
that keeps the statistics, and the retention of each kind of personal data.

What an erasure keeps, exactly: every request row with its reference, kind, status, channel,
account, topic, municipality, centre, assignee, queue and all its times; every interaction row
with its direction, channel, visibility and time; the timeline events and their times. What it
removes: the contact's name, note and identities (and those of the contacts merged into it);
the subject and text of the requests and messages; the raw payloads' bodies and metadata; the
attachments and payload files (rows and stored files); the recipients of outbound messages;
the texts of transfers, consultations and notifications about the requests; the addresses and
reasons kept in timeline events; what apps beside this one registered as a person's
(`vik.contacts.personal_data`: a satisfaction rating's comment, its score stays).
docs/security/gdpr.md lists the places and why."""

from __future__ import annotations

import datetime as dt
import io
import json
import logging
import secrets
import zipfile
from dataclasses import dataclass
from typing import TypeVar

from django.conf import settings
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Model, Q, QuerySet
from django.http import HttpRequest

from vik.audit.retention import audit_events_delete_before
from vik.audit.services import audit_record
from vik.channels.core.models import InboundPayload, OutboundMessage, PayloadFile
from vik.contacts.models import Contact
from vik.contacts.personal_data import personal_data_holders
from vik.conversations.models import (
    Attachment,
    Consultation,
    Interaction,
    Request,
    TimelineEvent,
    Transfer,
)
from vik.core import clock
from vik.notifications.models import Notification
from vik.tenancy.types import Viewer

from . import selectors
from .choices import ErasureReason, RetentionKind
from .models import ErasedContact, ErasedRequest, RetentionSchedule
from .selectors import ARCHIVED_KINDS, PLACEHOLDER

logger = logging.getLogger(__name__)
ModelT = TypeVar("ModelT", bound=Model)

# Keys of timeline event data that hold what a person wrote or an address of theirs.
TIMELINE_PERSONAL_KEYS = ("recipient", "reason", "question")
RETENTION_BATCH = 200  # per kind and run of the periodic job; a full batch makes it due again

README = """Export osobních údajů ze systému VIK (žádost subjektu údajů o přístup, čl. 15 GDPR)
=============================================================================

Vytvořeno: {created}
Kontakt č. {contact_id} ({region})

Tento archiv obsahuje vše, co systém VIK (informační centra kraje a obcí) uchovává o osobě,
a to napříč všemi kanály (webový formulář, e-mail, datová schránka, telefon, fax…)
a všemi jejími kontaktními údaji.

contact.json
    Kontakt: jméno, poznámka, všechny kontaktní údaje (e-mail, telefon, datová schránka…),
    kontakty sloučené s tímto kontaktem a udělené souhlasy (kdy a kde).

requests.json
    Každý dotaz či podání osoby: evidenční číslo (reference), datum přijetí, kanál, téma,
    obec, informační centrum, stav a data vyřízení; všechny zprávy s jejich textem
    (příchozí, odchozí odpovědi i interní poznámky úřadu), přílohy a záznamy časové osy
    dotazu. Zprávy, které osoba napsala k dotazům jiných osob, jsou uvedeny bez ostatního
    obsahu těchto dotazů ("requester": false).

attachments/<reference>/<název souboru>
    Původní přílohy zpráv v podobě, v jaké byly přijaty nebo odeslány.

payloads/<reference>/<č. zprávy>.eml | .json
    Původní (surová) data zpráv, jak je systém přijal: e-mail v úplné podobě (.eml),
    odeslaný webový formulář (.json).

Počty: {requests} dotazů, {messages} zpráv, {files} souborů.

Údaje jsou zpracovávány k plnění právní povinnosti a úkolů ve veřejném zájmu (čl. 6 odst. 1
písm. c) a e) GDPR). Dotazy na zpracování vyřizuje pověřenec pro ochranu osobních údajů.
"""


def _json(data: object) -> bytes:
    return json.dumps(data, ensure_ascii=False, indent=2).encode("utf-8")


def contact_export(*, contact: Contact, actor: Viewer | None, request: HttpRequest | None = None
                   ) -> bytes:  # fmt: skip
    """The ZIP of everything VIK holds about the person (contact.json, requests.json, the
    original attachments, the raw payloads, README.txt in Czech). Audited: who exported whom."""
    bundle = selectors.contact_export_bundle(contact)
    buffer = io.BytesIO()
    missing = 0
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "README.txt",
            README.format(
                created=clock.now().astimezone(clock.PRAGUE).strftime("%d. %m. %Y %H:%M"),
                contact_id=contact.pk, region=contact.region.name, **bundle.counts,
            ),
        )  # fmt: skip
        archive.writestr("contact.json", _json(bundle.contact))
        archive.writestr("requests.json", _json(bundle.requests))
        for item in bundle.files:
            if item.content is not None:
                archive.writestr(item.path, item.content)
                continue
            try:
                with item.stored.open("rb") as stored:
                    archive.writestr(item.path, stored.read())
            except (FileNotFoundError, ValueError):
                missing += 1
                logger.warning("GDPR export of contact %s: a stored file is missing", contact.pk)
    audit_record(
        actor=actor, action="gdpr.contact_exported", target=contact, personal_data=True,
        request=request, details={**bundle.counts, "missing_files": missing},
    )  # fmt: skip
    return buffer.getvalue()


# Erasure --------------------------------------------------------------------------------------


class ErasureRefused(Exception):
    """The person's data must be kept (a legal obligation, Art. 17(3)(b) GDPR)."""

    def __init__(self, references: list[str]) -> None:
        self.references = references
        super().__init__(", ".join(references))


@dataclass
class ErasureResult:
    contacts: int
    requests: int
    interactions: int
    files: int
    first_time: bool


def _delete_files_on_commit(names: list[str]) -> None:
    """Stored files go once the rows that name them are gone for good (not on a rollback)."""
    names = [name for name in names if name]
    if not names:
        return

    def delete() -> None:
        for name in names:
            try:
                default_storage.delete(name)
            except OSError:
                logger.warning("GDPR: could not delete a stored file")

    transaction.on_commit(delete)


def _payloads_erase(payloads: list[InboundPayload], reason: str) -> int:
    """Empty the raw payloads (body, metadata, errors) and delete their stored files."""
    if not payloads:
        return 0
    ids = [payload.pk for payload in payloads]
    files = PayloadFile.objects.filter(payload_id__in=ids)
    names = [item.file.name for item in files]
    files.delete()
    InboundPayload.objects.filter(pk__in=ids).update(
        body=b"", metadata={"erased": reason}, last_error="", quarantine_reason=""
    )
    _delete_files_on_commit(names)
    return len(names)


def _attachments_delete(attachments: list[Attachment]) -> int:
    names = [item.file.name for item in attachments]
    Attachment.objects.filter(pk__in=[item.pk for item in attachments]).delete()
    _delete_files_on_commit(names)
    return len(names)


def _interactions_erase(interactions: Q, reason: str) -> tuple[int, int]:
    """Replace the words of these interactions, delete their files, empty their payloads and
    the recipients of their deliveries. Returns (interactions, files)."""
    rows = Interaction.objects.filter(interactions)
    count = rows.update(subject=PLACEHOLDER, text=PLACEHOLDER, html="")
    files = _attachments_delete(list(Attachment.objects.filter(interaction__in=rows)))
    files += _payloads_erase(list(InboundPayload.objects.filter(interaction__in=rows)), reason)
    OutboundMessage.objects.filter(interaction__in=rows).update(
        recipient=PLACEHOLDER, last_error=""
    )
    return count, files


def _timeline_erase(requests: list[Request]) -> None:
    for event in TimelineEvent.objects.filter(request__in=requests):
        data = dict(event.data or {})
        changed = {key: PLACEHOLDER for key in TIMELINE_PERSONAL_KEYS if data.get(key)}
        if changed:
            TimelineEvent.objects.filter(pk=event.pk).update(data={**data, **changed})


def _requests_erase(requests: list[Request], reason: str) -> tuple[int, int]:
    """Anonymise whole requests (the person is their requester). Returns (interactions,
    files)."""
    if not requests:
        return 0, 0
    ids = [item.pk for item in requests]
    done = set(
        ErasedRequest.objects.filter(request_id__in=ids).values_list("request_id", flat=True)
    )
    Request.objects.filter(pk__in=ids).update(subject=PLACEHOLDER)
    for pk in ids:
        if pk not in done:
            # A new tracking token, once: the citizen's old link shows nothing any more.
            Request.objects.filter(pk=pk).update(public_token=secrets.token_urlsafe(32))
    counts = _interactions_erase(Q(request_id__in=ids), reason)
    _timeline_erase(requests)
    Transfer.objects.filter(request_id__in=ids).update(reason=PLACEHOLDER)
    Consultation.objects.filter(request_id__in=ids).update(question=PLACEHOLDER)
    Consultation.objects.filter(request_id__in=ids).exclude(answer="").update(answer=PLACEHOLDER)
    Notification.objects.filter(request_id__in=ids).update(text=PLACEHOLDER)
    for holder in personal_data_holders():  # a rating's comment (vik.satisfaction)
        holder.erase([], ids, PLACEHOLDER)
    now = clock.now()
    ErasedRequest.objects.bulk_create(
        ErasedRequest(request_id=pk, erased_at=now, reason=reason) for pk in ids if pk not in done
    )
    return counts


def _contacts_erase(family: list[Contact], reason: str) -> None:
    ids = [item.pk for item in family]
    Contact.objects.filter(pk__in=ids).update(name=PLACEHOLDER, note="")
    for holder in personal_data_holders():
        holder.erase(ids, [], PLACEHOLDER)
    for contact in family:
        contact.identities.all().delete()
    now = clock.now()
    done = set(
        ErasedContact.objects.filter(contact_id__in=ids).values_list("contact_id", flat=True)
    )
    ErasedContact.objects.bulk_create(
        ErasedContact(contact_id=pk, erased_at=now, reason=reason) for pk in ids if pk not in done
    )


@transaction.atomic
def contact_anonymise(
    *,
    contact: Contact,
    actor: Viewer | None,
    request: HttpRequest | None = None,
    reason: str = ErasureReason.SUBJECT_REQUEST,
) -> ErasureResult:
    """Erase the person (the contact and every contact merged into it) and keep the
    statistics: see the module's docstring for what stays and what goes. Idempotent: a second
    run finds nothing left and records nothing. Refused (ErasureRefused, nothing changed) while
    the person has an information request under Act 106/1999, whose file the records-management
    rules keep (docs/security/gdpr.md)."""
    contact = Contact.objects.select_for_update().get(pk=contact.pk)
    family = selectors.contact_family(contact)
    requests = list(selectors.person_requests(family))
    archived = [item.reference for item in requests if item.kind in ARCHIVED_KINDS]
    if archived:
        raise ErasureRefused(archived)
    first_time = not ErasedContact.objects.filter(contact=contact).exists()
    interactions, files = _requests_erase(requests, reason)
    elsewhere_ids = list(
        selectors.person_interactions_elsewhere(family).values_list("pk", flat=True)
    )
    more, more_files = _interactions_erase(Q(pk__in=elsewhere_ids), reason)
    _contacts_erase(family, reason)
    result = ErasureResult(
        contacts=len(family), requests=len(requests), interactions=interactions + more,
        files=files + more_files, first_time=first_time,
    )  # fmt: skip
    if first_time:
        # Counts only: the event that says the erasure happened holds no personal data.
        audit_record(
            actor=actor, action="gdpr.contact_anonymised", target=contact, request=request,
            details={"reason": reason, "contacts": result.contacts, "requests": result.requests,
                     "messages": result.interactions, "files": result.files},
        )  # fmt: skip
    return result


# Retention ------------------------------------------------------------------------------------


@dataclass
class RetentionOutcome:
    kind: str
    done: int


def _closed_request_retire(request: Request) -> None:
    """Anonymise one closed request past its retention; its requester too once none of their
    requests holds anything more (statistics stay)."""
    _requests_erase([request], ErasureReason.RETENTION)
    requester = request.requester
    family = selectors.contact_family(requester)
    remaining = selectors.person_requests(family).filter(erasure__isnull=True).exists()
    if not remaining and not selectors.is_anonymised(requester):
        contact_anonymise(contact=requester, actor=None, reason=ErasureReason.RETENTION)


def _first(items: QuerySet[ModelT], batch: int | None) -> list[ModelT]:
    return list(items if batch is None else items[:batch])


@transaction.atomic
def retention_apply(*, now: dt.datetime, batch: int | None = None) -> list[RetentionOutcome]:
    """Apply every retention policy (settings `VIK_RETENTION_*_DAYS`) as of `now`: up to
    `batch` items of each kind (None: all). Requests under Act 106/1999 are kept."""
    outcomes = []
    payloads = _first(selectors.payloads_due(now), batch)
    _payloads_erase(payloads, ErasureReason.RETENTION)
    outcomes.append(RetentionOutcome(RetentionKind.PAYLOADS, len(payloads)))

    attachments = _first(selectors.attachments_due(now), batch)
    _attachments_delete(attachments)
    outcomes.append(RetentionOutcome(RetentionKind.ATTACHMENTS, len(attachments)))

    closed = _first(selectors.closed_requests_due(now).select_related("requester"), batch)
    for request in closed:
        _closed_request_retire(request)
    outcomes.append(RetentionOutcome(RetentionKind.CLOSED_REQUESTS, len(closed)))

    deleted = 0
    cutoff = selectors.retention_cutoff(settings.VIK_RETENTION_AUDIT_EVENTS_DAYS, now)
    if cutoff is not None:
        while True:
            step = audit_events_delete_before(before=cutoff, batch=batch or 1000)
            deleted += step
            if not step or batch is not None:
                break
    outcomes.append(RetentionOutcome(RetentionKind.AUDIT_EVENTS, deleted))
    if any(item.done for item in outcomes):
        logger.info(
            "Retention applied: %s", ", ".join(f"{item.kind} {item.done}" for item in outcomes)
        )
    return outcomes


def retention_apply_due() -> int:
    """A periodic job (`VIK_PERIODIC_JOBS`, every 15 s in every worker): once per
    `VIK_RETENTION_INTERVAL_MINUTES`, one worker claims the run (a conditional UPDATE of the
    schedule's one row) and applies one batch of each policy. A full batch makes the job due
    again at once, so a backlog drains batch by batch. Nothing due costs one UPDATE."""
    now = clock.now()
    interval = dt.timedelta(minutes=max(settings.VIK_RETENTION_INTERVAL_MINUTES, 1))
    schedule = RetentionSchedule.objects.order_by("pk").first()
    if schedule is None:
        schedule, _created = RetentionSchedule.objects.get_or_create(pk=1, defaults={"due_at": now})
    claimed = RetentionSchedule.objects.filter(pk=schedule.pk, due_at__lte=now).update(
        due_at=now + interval
    )
    if not claimed:
        return 0
    outcomes = retention_apply(now=now, batch=RETENTION_BATCH)
    done = sum(item.done for item in outcomes)
    if any(item.done >= RETENTION_BATCH for item in outcomes):
        RetentionSchedule.objects.filter(pk=schedule.pk).update(due_at=now)
    return done
