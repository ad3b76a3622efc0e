"""Reading the audit log for the data-protection officer: who saw a person's data, and the
log page with its filters. Which events a user may read is `permissions.audit_events_visible`."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from vik.audit.models import AuditEvent
from vik.contacts.models import Contact
from vik.conversations.models import Request
from vik.core import clock
from vik.tenancy import permissions

if TYPE_CHECKING:
    from vik.tenancy.types import StaffUser

ACTION_LABELS: dict[str, str | Promise] = {
    "contact.view": _("contact page"),
    "contact.identity_add": _("identity added"),
    "request.view": _("request page"),
    "request.attachment_download": _("attachment downloaded"),
    "request.macro_render": _("canned answer filled in with the name"),
    "request.list": _("request list"),
    "request.search": _("request search"),
    "inbound.view": _("raw message"),
    "admin.view": _("administration page"),
    "admin.list": _("administration list"),
    "audit.read": _("audit log read"),
    "request.record": _("request recorded from a visit, call or letter"),
    "contact.merge": _("contacts merged"),
    "gdpr.contact_exported": _("a person's data exported (GDPR)"),
    "inbound.discard": _("held message discarded"),
    "inbound.raw_download": _("raw message downloaded"),
    "inbound.release": _("held message released"),
    "satisfaction.comment_view": _("satisfaction comment read"),
    "satisfaction.follow_up_list": _("list of dissatisfied citizens"),
    "sms.opt_out": _("SMS opt-out"),
}

PAGE_SIZE = 100
DATA_ACCESS_LIMIT = 200  # the contact page's panel: the newest reads


def action_label(action: str) -> str:
    return str(ACTION_LABELS.get(action, action))


@dataclass(frozen=True)
class AccessRow:
    """One read as the officer sees it: the event and what it was about, in words."""

    event: AuditEvent
    what: str
    subject: str


def _contact_objects(contact: Contact) -> tuple[list[str], dict[str, str]]:
    """The contact's ids (with the contacts merged into it) and its requests' {id: reference}."""
    contact_ids = [
        str(pk)
        for pk in Contact.objects.filter(Q(pk=contact.pk) | Q(merged_into=contact)).values_list(
            "pk", flat=True
        )
    ]
    references = {
        str(pk): reference
        for pk, reference in Request.objects.filter(requester_id__in=contact_ids).values_list(
            "pk", "reference"
        )
    }
    return contact_ids, references


def contact_data_access(*, contact: Contact) -> list[AccessRow]:
    """Who read this person's data: the personal-data events on the contact (and contacts merged
    into it) and on their requests, newest first. Lists that showed the person among others are
    in the audit log page (docs/security/audit.md)."""
    contact_ids, references = _contact_objects(contact)
    events = AuditEvent.objects.filter(
        Q(object_type="contacts.contact", object_id__in=contact_ids)
        | Q(object_type="conversations.request", object_id__in=sorted(references)),
        personal_data=True,
    ).order_by("-created_at", "-id")[:DATA_ACCESS_LIMIT]
    rows = []
    for event in events:
        if event.object_type == "conversations.request":
            subject = references.get(event.object_id, event.object_id)
        else:
            subject = str(_("contact"))
        rows.append(AccessRow(event=event, what=action_label(event.action), subject=subject))
    return rows


@dataclass(frozen=True)
class AuditFilters:
    actor: str = ""
    action: str = ""
    object_type: str = ""
    object_id: str = ""
    contact_id: int | None = None
    since: dt.date | None = None
    until: dt.date | None = None
    personal_only: bool = False

    def asked(self) -> dict[str, str]:
        """The filters given, for the audit event of reading the log."""
        values = {
            "actor": self.actor, "action": self.action, "object_type": self.object_type,
            "object_id": self.object_id, "contact": self.contact_id or "",
            "since": self.since.isoformat() if self.since else "",
            "until": self.until.isoformat() if self.until else "",
            "personal_only": "1" if self.personal_only else "",
        }  # fmt: skip
        return {name: str(value) for name, value in values.items() if value}


@dataclass(frozen=True)
class AuditPage:
    rows: list[AccessRow]
    next_before: int | None
    filters: AuditFilters = field(default_factory=AuditFilters)


def _day_start(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(), tzinfo=clock.PRAGUE)


def audit_events_for(user: StaffUser) -> QuerySet[AuditEvent]:
    return AuditEvent.objects.filter(permissions.audit_events_visible(user))


def audit_page(*, user: StaffUser, filters: AuditFilters, before: int | None) -> AuditPage:
    """A page of the events the user may read, newest first, older than event `before`."""
    events = audit_events_for(user)
    if filters.actor:
        events = events.filter(actor_label__icontains=filters.actor)
    if filters.action:
        events = events.filter(action=filters.action)
    if filters.object_type:
        events = events.filter(object_type=filters.object_type)
    if filters.object_id:
        events = events.filter(object_id=filters.object_id)
    if filters.contact_id is not None:
        contact = Contact.objects.filter(pk=filters.contact_id).first()
        if contact is None:
            events = events.none()
        else:
            contact_ids, contact_requests = _contact_objects(contact)
            events = events.filter(
                Q(object_type="contacts.contact", object_id__in=contact_ids)
                | Q(object_type="conversations.request", object_id__in=sorted(contact_requests))
            )
    if filters.since:
        events = events.filter(created_at__gte=_day_start(filters.since))
    if filters.until:
        events = events.filter(created_at__lt=_day_start(filters.until + dt.timedelta(days=1)))
    if filters.personal_only:
        events = events.filter(personal_data=True)
    if before is not None:
        events = events.filter(pk__lt=before)
    found = list(events.order_by("-id")[: PAGE_SIZE + 1])
    shown = found[:PAGE_SIZE]
    references: dict[int, str] = dict(
        Request.objects.filter(
            pk__in=[
                int(event.object_id)
                for event in shown
                if event.object_type == "conversations.request" and event.object_id.isdigit()
            ]
        ).values_list("pk", "reference")
    )
    rows = [
        AccessRow(
            event=event,
            what=action_label(event.action),
            subject=_subject(event, references),
        )
        for event in shown
    ]
    return AuditPage(
        rows=rows,
        next_before=shown[-1].pk if len(found) > PAGE_SIZE else None,
        filters=filters,
    )


def _subject(event: AuditEvent, references: dict[int, str]) -> str:
    if event.object_type == "conversations.request" and event.object_id.isdigit():
        return references.get(int(event.object_id), event.object_id)
    if not event.object_id:
        return f"{event.object_type} ({_('list')})"
    return f"{event.object_type} {event.object_id}"
