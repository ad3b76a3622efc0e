"""Reads of the GDPR tasks: everything VIK holds about a person (subject access), and what the
retention policies would remove now (`vik gdpr retention --dry-run`)."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db.models import Q, QuerySet

from vik.audit.models import AuditEvent
from vik.channels.core.choices import PayloadState
from vik.channels.core.models import InboundPayload
from vik.contacts.models import Contact
from vik.contacts.personal_data import personal_data_holders
from vik.conversations.choices import RequestKind, Status
from vik.conversations.models import Attachment, Interaction, Request
from vik.tenancy.permissions.gdpr import contacts_gdpr_visible
from vik.tenancy.types import Viewer

from .choices import RetentionKind

# What replaces a person's words, name and addresses.
PLACEHOLDER = "[anonymizováno]"
# The request kind whose file the records-management rules keep (docs/security/gdpr.md).
ARCHIVED_KINDS = (RequestKind.INFORMATION_REQUEST,)
# What the web form's consent checkbox says (vik.channels.web.forms), for contact.json.
WEB_CONSENT_TEXT = "Souhlas se zpracováním osobních údajů pro vyřízení dotazu (webový formulář)."


def contacts_for_gdpr(user: Viewer) -> QuerySet[Contact]:
    return Contact.objects.filter(contacts_gdpr_visible(user))


def contact_family(contact: Contact) -> list[Contact]:
    """The contact and every contact merged into it (their identities and requests are the
    same person's), however deep the merges went."""
    family = [contact]
    frontier = [contact.pk]
    while frontier:
        merged = list(Contact.objects.filter(merged_into_id__in=frontier).order_by("pk"))
        family.extend(merged)
        frontier = [item.pk for item in merged]
    return family


def person_requests(family: list[Contact]) -> QuerySet[Request]:
    """Requests the person made (any of the family is the requester)."""
    return Request.objects.filter(requester__in=family).order_by("created_at", "pk")


def person_interactions_elsewhere(family: list[Contact]) -> QuerySet[Interaction]:
    """What the person wrote in requests of someone else (a reply from a second address)."""
    return Interaction.objects.filter(contact__in=family).exclude(request__requester__in=family)


def is_anonymised(contact: Contact) -> bool:
    return hasattr(contact, "erasure")


# Subject access -------------------------------------------------------------------------------


@dataclass
class ExportFile:
    """One file of the ZIP: its path there, and where its bytes are (a stored file or bytes)."""

    path: str
    content: bytes | None = None
    stored: Any = None  # a FieldFile


@dataclass
class ExportBundle:
    contact: dict[str, Any]
    requests: list[dict[str, Any]]
    files: list[ExportFile] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)


def _iso(value: dt.datetime | dt.date | None) -> str | None:
    return value.isoformat() if value is not None else None


def _safe_name(name: str, taken: set[str]) -> str:
    """A file name that is one path segment, unique within its folder of the ZIP."""
    cleaned = name.replace("\\", "/").rsplit("/", 1)[-1].strip().lstrip(".") or "soubor"
    candidate, number = cleaned, 1
    while candidate in taken:
        number += 1
        stem, dot, ext = cleaned.rpartition(".")
        candidate = f"{stem}-{number}.{ext}" if dot and stem else f"{cleaned}-{number}"
    taken.add(candidate)
    return candidate


def _payload_extension(content_type: str) -> str:
    if content_type == "message/rfc822":
        return "eml"
    if "json" in content_type:
        return "json"
    return "bin"


def _identities(contact: Contact) -> list[dict[str, Any]]:
    return [
        {"kind": item.kind, "kind_label": str(item.get_kind_display()), "value": item.value,
         "since": _iso(item.created_at)}
        for item in contact.identities.all()
    ]  # fmt: skip


def _web_consents(requests: list[Request]) -> list[dict[str, Any]]:
    """The consents given on the web form: each submission's payload says it was ticked."""
    consents = []
    payloads = (
        InboundPayload.objects.filter(interaction__request__in=requests)
        .select_related("interaction__request")
        .order_by("received_at", "pk")
    )
    for payload in payloads:
        if "json" not in payload.content_type:
            continue
        try:
            data = json.loads(bytes(payload.body).decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError):
            continue
        if isinstance(data, dict) and data.get("consent"):
            consents.append(
                {
                    "request": payload.interaction.request.reference,
                    "channel": "web",
                    "given_at": data.get("submitted_at") or _iso(payload.received_at),
                    "text": WEB_CONSENT_TEXT,
                }
            )
    return consents


def _author(interaction: Interaction) -> str:
    if interaction.author_id is not None:
        return "úřad"
    if interaction.is_automatic:
        return "systém"
    return "žadatel" if interaction.direction == "inbound" else "úřad"


def _message(
    interaction: Interaction, reference: str, bundle: ExportBundle, taken: dict[str, set[str]]
) -> dict[str, Any]:
    attachments = []
    for attachment in interaction.attachments.all():
        name = _safe_name(attachment.filename, taken.setdefault(f"a/{reference}", set()))
        path = f"attachments/{reference}/{name}"
        attachments.append(
            {"file_name": attachment.filename, "path_in_zip": path, "content_type":
             attachment.content_type, "size": attachment.size, "sha256": attachment.sha256}
        )  # fmt: skip
        bundle.files.append(ExportFile(path=path, stored=attachment.file))
    raw = None
    payload = interaction.inbound_payload
    if payload is not None and bytes(payload.body):
        raw = f"payloads/{reference}/{interaction.pk}.{_payload_extension(payload.content_type)}"
        bundle.files.append(ExportFile(path=raw, content=bytes(payload.body)))
    return {
        "id": interaction.pk,
        "time": _iso(interaction.occurred_at),
        "direction": interaction.direction,
        "channel": interaction.channel,
        "visibility": interaction.visibility,
        "author": _author(interaction),
        "subject": interaction.subject,
        "text": interaction.text,
        "attachments": attachments,
        "raw_payload": raw,
        "deliveries": [
            {"recipient": item.recipient, "state": item.state, "sent_at": _iso(item.sent_at)}
            for item in interaction.deliveries.all()
        ],
    }


def _request(
    request: Request,
    interactions: list[Interaction],
    bundle: ExportBundle,
    taken: dict[str, set[str]],
    whole: bool,
) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "reference": request.reference,
        "kind": request.kind,
        "subject": request.subject if whole else None,
        "channel": request.origin_channel,
        "status": request.status,
        "status_label": str(request.get_status_display()),
        "topic": request.topic.name if request.topic else None,
        "municipality": request.municipality.name if request.municipality else None,
        "centre": request.centre.name if request.centre else None,
        "received_at": _iso(request.created_at),
        "first_response_at": _iso(request.first_response_at),
        "resolved_at": _iso(request.resolved_at),
        "closed_at": _iso(request.closed_at),
        "statutory_due_on": _iso(request.statutory_due_on),
        "requester": whole,
        "messages": [_message(item, request.reference, bundle, taken) for item in interactions],
        "timeline": [],
    }
    if whole:
        entry["timeline"] = [
            {"kind": event.kind, "kind_label": str(event.get_kind_display()),
             "time": _iso(event.created_at), "data": event.data}
            for event in request.events.all()
        ]  # fmt: skip
    return entry


def contact_export_bundle(contact: Contact) -> ExportBundle:
    """Everything VIK holds about the person: the contact (and the contacts merged into it)
    with their identities and consents; every request they made on every channel with its
    messages, attachments, raw payloads and timeline; and their messages in other requests."""
    family = contact_family(contact)
    requests = list(person_requests(family).select_related("topic", "municipality", "centre"))
    related = ("attachments", "deliveries")
    own = Interaction.objects.filter(request__in=requests).select_related("inbound_payload")
    by_request: dict[int, list[Interaction]] = {}
    for interaction in own.prefetch_related(*related).order_by("occurred_at", "pk"):
        by_request.setdefault(interaction.request_id, []).append(interaction)
    elsewhere = (
        person_interactions_elsewhere(family)
        .select_related("inbound_payload", "request__topic", "request__municipality",
                        "request__centre")
        .prefetch_related(*related).order_by("occurred_at", "pk")
    )  # fmt: skip
    others: dict[int, tuple[Request, list[Interaction]]] = {}
    for interaction in elsewhere:
        others.setdefault(interaction.request_id, (interaction.request, []))[1].append(interaction)
    bundle = ExportBundle(contact={}, requests=[])
    taken: dict[str, set[str]] = {}
    # What the apps beside this one keep about the requests (a rating and its comment).
    held = {
        holder.name: holder.export([item.pk for item in family], [item.pk for item in requests])
        for holder in personal_data_holders()
    }
    for request in requests:
        entry = _request(request, by_request.get(request.pk, []), bundle, taken, whole=True)
        for name, per_request in held.items():
            entry[name] = per_request.get(request.pk)
        bundle.requests.append(entry)
    for request, interactions in others.values():
        bundle.requests.append(_request(request, interactions, bundle, taken, whole=False))
    erasure = getattr(contact, "erasure", None)
    bundle.contact = {
        "id": contact.pk,
        "region": contact.region.name,
        "kind": contact.kind,
        "requester_type": contact.requester_type,
        "name": contact.name,
        "note": contact.note,
        "created_at": _iso(contact.created_at),
        "updated_at": _iso(contact.updated_at),
        "anonymised_at": _iso(erasure.erased_at) if erasure else None,
        "identities": _identities(contact),
        "merged_contacts": [
            {
                "id": item.pk,
                "name": item.name,
                "note": item.note,
                "created_at": _iso(item.created_at),
                "identities": _identities(item),
            }
            for item in family[1:]
        ],
        "consents": _web_consents(requests),
    }
    bundle.counts = {
        "requests": len(bundle.requests),
        "messages": sum(len(item["messages"]) for item in bundle.requests),
        "files": len(bundle.files),
    }
    return bundle


# Retention ------------------------------------------------------------------------------------


def retention_cutoff(days: int, now: dt.datetime) -> dt.datetime | None:
    """The time before which a kind of data goes; None: the policy is off (0 days)."""
    return now - dt.timedelta(days=days) if days > 0 else None


def archived_requests() -> QuerySet[Request]:
    return Request.objects.filter(kind__in=ARCHIVED_KINDS)


def payloads_due(now: dt.datetime) -> QuerySet[InboundPayload]:
    """Raw payloads past their retention, not yet emptied, processed (a pending or quarantined
    one still waits for a person), and not the file of an Act 106/1999 request."""
    cutoff = retention_cutoff(settings.VIK_RETENTION_PAYLOADS_DAYS, now)
    if cutoff is None:
        return InboundPayload.objects.none()
    return (
        InboundPayload.objects.filter(received_at__lt=cutoff)
        .exclude(state__in=[PayloadState.PENDING, PayloadState.QUARANTINED])
        .exclude(metadata__has_key="erased")
        .exclude(interaction__request__kind__in=ARCHIVED_KINDS)
        .order_by("received_at", "pk")
    )


def attachments_due(now: dt.datetime) -> QuerySet[Attachment]:
    cutoff = retention_cutoff(settings.VIK_RETENTION_ATTACHMENTS_DAYS, now)
    if cutoff is None:
        return Attachment.objects.none()
    return (
        Attachment.objects.filter(interaction__occurred_at__lt=cutoff)
        .exclude(interaction__request__kind__in=ARCHIVED_KINDS)
        .select_related("interaction__request")
        .order_by("interaction__occurred_at", "pk")
    )


def closed_requests_due(now: dt.datetime) -> QuerySet[Request]:
    cutoff = retention_cutoff(settings.VIK_RETENTION_CLOSED_REQUESTS_DAYS, now)
    if cutoff is None:
        return Request.objects.none()
    return (
        Request.objects.filter(status=Status.CLOSED, closed_at__lt=cutoff, erasure__isnull=True)
        .exclude(kind__in=ARCHIVED_KINDS)
        .order_by("closed_at", "pk")
    )


def audit_events_due(now: dt.datetime) -> QuerySet[AuditEvent]:
    cutoff = retention_cutoff(settings.VIK_RETENTION_AUDIT_EVENTS_DAYS, now)
    if cutoff is None:
        return AuditEvent.objects.none()
    return AuditEvent.objects.filter(created_at__lt=cutoff).order_by("created_at", "pk")


def archived_kept(now: dt.datetime) -> QuerySet[Request]:
    """Act 106/1999 requests that a policy would otherwise reach: kept (docs/security/gdpr.md)."""
    conditions = Q(pk__in=[])
    for days, condition in (
        (settings.VIK_RETENTION_CLOSED_REQUESTS_DAYS, "closed_at__lt"),
        (settings.VIK_RETENTION_PAYLOADS_DAYS, "interactions__inbound_payload__received_at__lt"),
        (settings.VIK_RETENTION_ATTACHMENTS_DAYS, "interactions__occurred_at__lt"),
    ):
        cutoff = retention_cutoff(days, now)
        if cutoff is not None:
            conditions |= Q(**{condition: cutoff})
    return archived_requests().filter(conditions).distinct().order_by("created_at", "pk")


@dataclass
class RetentionItem:
    kind: str
    label: str
    count: int
    examples: list[str]


def retention_plan(now: dt.datetime, examples: int = 5) -> list[RetentionItem]:
    """What `vik gdpr retention` would remove now: per kind, how many and a few examples (ids
    and references, never a person's data: the list goes to a terminal or a log). The labels
    are the operator's, in English like the rest of the command line."""
    payloads = payloads_due(now)
    attachments = attachments_due(now)
    closed = closed_requests_due(now)
    audit = audit_events_due(now)
    kept = archived_kept(now)
    return [
        RetentionItem(
            RetentionKind.PAYLOADS, "raw payloads", payloads.count(),
            [f"#{p.pk} {p.content_type} {p.received_at:%Y-%m-%d}" for p in payloads[:examples]],
        ),
        RetentionItem(
            RetentionKind.ATTACHMENTS, "attachments", attachments.count(),
            [f"#{a.pk} {a.interaction.request.reference} {a.size} B"
             for a in attachments[:examples]],
        ),
        RetentionItem(
            RetentionKind.CLOSED_REQUESTS, "closed requests",
            closed.count(),
            [f"{r.reference} {r.closed_at:%Y-%m-%d}" for r in closed[:examples] if r.closed_at],
        ),
        RetentionItem(
            RetentionKind.AUDIT_EVENTS, "audit events", audit.count(),
            [f"#{e.pk} {e.action} {e.created_at:%Y-%m-%d}" for e in audit[:examples]],
        ),
        RetentionItem(
            "kept_act_106", "kept: information requests (Act 106/1999)", kept.count(),
            [r.reference for r in kept[:examples]],
        ),
    ]  # fmt: skip
