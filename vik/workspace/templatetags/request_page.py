"""Template helpers of the request page: `{% load request_page %}`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django import template
from django.utils.dateparse import parse_date
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.utils.translation import ngettext

from vik.channels.core.choices import ChannelKind
from vik.conversations import services
from vik.conversations.choices import EventKind, ExtensionReason, Priority, RequestKind, Status
from vik.conversations.models import Interaction, Request, Transfer
from vik.conversations.selectors import (
    FormattedMessage,
    RequestNetwork,
    interaction_formatted,
    request_network,
    request_transferred_from,
)
from vik.core import clock
from vik.core.markdown import reply_html
from vik.tenancy import permissions

from ..requests.forms import ConsultForm, MergeForm, StatutoryExtensionForm, TransferForm

if TYPE_CHECKING:
    from vik.tenancy.types import StaffUser

register = template.Library()


@register.filter
def formatted_message(interaction: Interaction) -> FormattedMessage:
    """`{% with formatted=entry|formatted_message %}`: the HTML with remote images held back."""
    return interaction_formatted(interaction=interaction)


@register.filter
def reply_markdown(text: str) -> SafeString:
    """A clerk's reply as its Markdown reads, sanitised (`vik.core.markdown`)."""
    return reply_html(text)


@dataclass(frozen=True)
class NetworkPanel:
    network: RequestNetwork
    has_centres: bool
    transfer_form: TransferForm
    consult_form: ConsultForm
    merge_form: MergeForm


@register.simple_tag
def network_of(item: Request, user: StaffUser) -> NetworkPanel:
    """`{% network_of item user as panel %}`: centres to transfer to or ask, the request's
    consultations, where it was transferred from (`selectors.request_network`) and the forms."""
    network = request_network(request=item, user=user)
    centres = list(network.centres)
    transfer_form = TransferForm(centres=network.centres, auto_id="transfer_%s")
    consult_form = ConsultForm(centres=network.centres, auto_id="consult_%s")
    # The centres read once for both choosers (the POST validates against the queryset).
    empty = transfer_form.fields["centre"].empty_label  # type: ignore[attr-defined]
    choices = [("", empty), *((centre.pk, centre.name) for centre in centres)]
    for form in (transfer_form, consult_form):
        form.fields["centre"].choices = choices  # type: ignore[attr-defined]
    return NetworkPanel(
        network=network,
        has_centres=bool(centres),
        transfer_form=transfer_form,
        consult_form=consult_form,
        merge_form=MergeForm(auto_id="merge_%s"),
    )


@register.simple_tag
def transferred_from(item: Request) -> Transfer | None:
    """`{% transferred_from item as transfer %}`: how the request came to its centre."""
    return request_transferred_from(request=item)


@dataclass(frozen=True)
class StatutoryPanel:
    """The extension of an information request's deadline on its page: what was extended, or
    the form while it may be (`form` None: it may not)."""

    shown: bool
    form: StatutoryExtensionForm | None = None
    reason_label: str = ""
    notified_by: str = ""


@register.simple_tag
def statutory_panel(item: Request, user: StaffUser) -> StatutoryPanel:
    if item.kind != RequestKind.INFORMATION_REQUEST or item.statutory_due_on is None:
        return StatutoryPanel(shown=False)
    if item.statutory_extended_at is not None:
        return StatutoryPanel(
            shown=True,
            reason_label=_label(ExtensionReason, item.statutory_extension_reason),
            notified_by=_label(ChannelKind, item.statutory_notified_channel),
        )
    may = permissions.can_extend_statutory_deadline(user, item) and not (
        services.statutory_extension_refusal(item, today=clock.today())
    )
    if not may:
        return StatutoryPanel(shown=False)
    days = StatutoryExtensionForm.base_fields["days"].initial
    form = StatutoryExtensionForm(
        routes=services.statutory_notice_routes(item),
        prefix="statutory",
        initial={"text": services.statutory_extension_notice_text(item, days=days, reason="")},
    )
    return StatutoryPanel(shown=True, form=form)


def _label(choices: Any, value: str) -> str:
    return str(choices(value).label) if value in choices.values else ""


@register.simple_tag
def statutory_extension_text(data: dict[str, Any]) -> str:
    """The timeline's line of an extension: "by 10 days, 8. 12. 2026 → 18. 12. 2026; reason:
    …; told by e-mail"."""
    original, extended = (
        parse_date(data.get("original_due_on", "")),
        parse_date(data.get("extended_due_on", "")),
    )
    days = int(data.get("days", 0))
    parts = [
        ngettext("by %(days)d day", "by %(days)d days", days) % {"days": days},
        f"{services.day_text(original) if original else '—'} → "
        f"{services.day_text(extended) if extended else '—'}",
    ]
    reason = _label(ExtensionReason, data.get("extension_reason", ""))
    if reason:
        parts.append(_("reason: %(reason)s") % {"reason": reason})
    channel = _label(ChannelKind, data.get("channel", ""))
    if channel:
        parts.append(_("applicant told by: %(channel)s") % {"channel": channel})
    return "; ".join(parts)


_ESCALATION_ACTIONS = {
    "notify_lead": _lazy("the leads notified"),
    "raise_priority": _lazy("priority raised"),
    "escalate_to_queue": _lazy("moved to the escalation queue"),
}
_SLA_TARGETS = {
    "first_response": _lazy("first response"),
    "resolution": _lazy("resolution"),
    "statutory": _lazy("statutory deadline"),
}


def _choice_label(choices: Any, value: Any) -> str:
    """A stored choice in words ("waiting_citizen" → "čeká na občana", 3 → "vysoká"); a value
    that is no choice (a centre's name, "3/5") as it is."""
    if value in (None, ""):
        return "—"
    for key, label in choices.choices:
        if str(key) == str(value):
            return str(label)
    return str(value)


@register.simple_tag
def event_detail(entry: Any) -> str:
    """What a timeline event changed, in words, after the event's name: ": nový → čeká na
    občana", ": +urgent, −dotaz"; "" when there is nothing to add. Internal values (statuses,
    priorities, channels, targets) never show as stored."""
    data: dict[str, Any] = entry.data or {}
    kind = entry.kind
    parts: list[str] = []
    if kind == EventKind.STATUTORY_EXTENDED:
        parts.append(statutory_extension_text(data))
    elif "old" in data or "new" in data:
        choices = {EventKind.STATUS_CHANGED: Status, EventKind.PRIORITY_CHANGED: Priority}.get(kind)
        old, new = data.get("old"), data.get("new")
        if choices is not None:
            old, new = _choice_label(choices, old), _choice_label(choices, new)
        if old or new:
            parts.append(f"{old or '—'} → {new or '—'}")
    if data.get("assignee"):
        parts.append(str(data["assignee"]))
    if kind == EventKind.ASSIGNED and not data.get("assignee"):
        parts.append(_("nobody"))
    if data.get("reason") and kind != EventKind.STATUTORY_EXTENDED:
        recipient = data.get("recipient")
        parts.append(f"{recipient} — {data['reason']}" if recipient else str(data["reason"]))
    if data.get("centre"):
        parts.append(str(data["centre"]))
    if data.get("question"):
        parts.append(str(data["question"]))
    if kind == EventKind.TAGS_CHANGED:
        changes = [f"+{tag}" for tag in data.get("added", [])]
        changes += [f"−{tag}" for tag in data.get("removed", [])]
        if changes:
            parts.append(", ".join(changes))
    if kind in (EventKind.CREATED, EventKind.CITIZEN_WROTE) and data.get("channel"):
        parts.append(_choice_label(ChannelKind, data["channel"]))
    if kind in (EventKind.SLA_WARNING, EventKind.SLA_BREACHED) and data.get("target"):
        parts.append(str(_SLA_TARGETS.get(data["target"], data["target"])))
    if kind == EventKind.ESCALATED and data.get("actions"):
        parts.append(", ".join(str(_ESCALATION_ACTIONS.get(a, a)) for a in data["actions"]))
    if kind == EventKind.ROUTED and data.get("rules"):
        parts.append(", ".join(str(rule.get("name", "")) for rule in data["rules"]))
    return (": " + "; ".join(parts)) if parts else ""
