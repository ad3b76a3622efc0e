"""The request page's panel of fields edited in place: status, assignee, priority, topic,
municipality, tags and queue.

With script, each field posts itself as it changes (htmx: `field` names it) and the answer is
the panel again with a message and an "undo" button that posts the value before; without
script the panel is one form with one save button that posts every field, and the page it
leads to offers the same "undo" as a plain form (the changes wait in the session for it).
Either way each change goes through its own service in `vik.conversations.services`, which
checks the permission (the one place it is checked)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django import forms
from django.contrib import messages
from django.db.models import QuerySet
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from django.views.decorators.http import require_POST

from vik.conversations import selectors, services
from vik.conversations.choices import Priority, Status
from vik.conversations.models import Request
from vik.conversations.states import allowed_next
from vik.core.errors import VikError
from vik.routing.models import Queue
from vik.tenancy import permissions
from vik.tenancy.decorators import staff_member_required
from vik.tenancy.models import User
from vik.tenancy.selectors import assignable_users
from vik.territory.forms import MunicipalityChoiceMixin
from vik.territory.models import Municipality
from vik.topics.models import Topic

if TYPE_CHECKING:
    from vik.tenancy.types import StaffRequest, StaffUser

# The panel's fields in the order shown (and applied, when the form posts them all).
FIELDS = ("status", "assignee", "priority", "topic", "municipality", "tags", "queue")


class PanelForm(MunicipalityChoiceMixin, forms.Form):
    status = forms.ChoiceField(label=gettext_lazy("Status"))
    assignee: forms.ModelChoiceField[User] = forms.ModelChoiceField(
        label=gettext_lazy("Assignee"), required=False, queryset=None,
        empty_label=gettext_lazy("nobody"),
    )  # fmt: skip
    priority = forms.TypedChoiceField(
        label=gettext_lazy("Priority"), coerce=int, choices=Priority.choices
    )
    topic = forms.ModelChoiceField(
        label=gettext_lazy("Topic"), required=False,
        queryset=Topic.objects.filter(is_active=True).select_related("parent"),
        empty_label=gettext_lazy("no topic"),
    )  # fmt: skip
    municipality = forms.CharField(
        label=gettext_lazy("Municipality"), required=False, max_length=200,
        widget=forms.TextInput(attrs={"list": "panel-municipality-options", "autocomplete": "off"}),
    )  # fmt: skip
    tags = forms.CharField(
        label=gettext_lazy("Tags"), required=False, max_length=1000,
        help_text=gettext_lazy("Separated by commas."),
    )  # fmt: skip
    queue: forms.ModelChoiceField[Queue] = forms.ModelChoiceField(
        label=gettext_lazy("Queue"),
        required=False,
        queryset=None,
        empty_label=pgettext_lazy("queue", "none"),
    )

    def __init__(self, *args: Any, item: Request, undo: bool = False, **kwargs: Any) -> None:
        """`undo`: the form takes a change back, so the status it came from is a choice."""
        kwargs.setdefault("initial", panel_values(item))
        super().__init__(*args, **kwargs)
        self.item = item
        self.region_ids = [item.region_id]
        self.municipality_candidates = []
        self.fields["status"].choices = [  # type: ignore[attr-defined]
            (s, Status(s).label)
            for s in Status.values
            if s == item.status
            or s in allowed_next(item.status)
            or (undo and s == services.status_undoable_to(item))
        ]
        assignee = self.fields["assignee"]
        assignee.queryset = assignable_users(centre_id=item.centre_id, region_id=item.region_id)  # type: ignore[attr-defined]
        assignee.label_from_instance = lambda user: user.display_name  # type: ignore[attr-defined]
        self.fields["queue"].queryset = _queues(item)  # type: ignore[attr-defined]
        # One panel per page: the ids do not clash with the reply form's fields.
        self.auto_id = "panel-%s"
        url = reverse("staff:request_fields", kwargs={"reference": item.reference})
        for name, field in self.fields.items():
            # Each field saves itself as it changes (the text fields when the user leaves them).
            field.widget.attrs.update(
                {"hx-post": url, "hx-trigger": "change", "hx-vals": json.dumps({"field": name})}
            )

    def clean_municipality(self) -> Municipality | None:
        text = self.cleaned_data["municipality"].strip()
        return self.municipality_from(text) if text else None

    def clean_tags(self) -> list[str]:
        names = (name.strip()[:64] for name in self.cleaned_data["tags"].split(","))
        return sorted({name for name in names if name})


def _queues(item: Request) -> QuerySet[Queue]:
    return Queue.objects.filter(centre_id=item.centre_id).order_by("name")


def panel_values(item: Request) -> dict[str, Any]:
    """The request's values as the panel's form posts them."""
    return {
        "status": item.status,
        "assignee": item.assignee_id or "",
        "priority": item.priority,
        "topic": item.topic_id or "",
        "municipality": item.municipality.label if item.municipality else "",
        "tags": ", ".join(sorted(item.tags.values_list("name", flat=True))),
        "queue": item.queue_id or "",
    }


@dataclass(frozen=True)
class Change:
    """One field changed: what it was (as the form posts it, for the undo) and what it is."""

    field: str
    label: str
    before: str
    shown: str


def _shown(form: PanelForm, name: str, value: Any) -> str:
    """The new value in words, for the message."""
    if value in (None, "", []):
        return "—"
    if name == "status":
        return str(Status(value).label)
    if name == "priority":
        return str(Priority(value).label)
    if name == "assignee":
        return str(value.display_name)
    if name == "tags":
        return ", ".join(value)
    if name == "municipality":
        return str(value.label)
    return str(value)


def panel_apply(
    *, item: Request, form: PanelForm, names: tuple[str, ...], by: StaffUser, undo: bool = False
) -> list[Change]:
    """Apply the fields `names` of a valid form whose value differs from the request's; each
    by its service (which checks the permission). Returns what changed."""
    before = panel_values(item)
    data = form.cleaned_data
    changes: list[Change] = []
    for name in names:
        value: Any = data.get(name)
        posted = _posted(name, value)
        if posted == str(before[name]):
            continue
        if name == "status":
            services.request_set_status(request=item, status=value, by=by, undo=undo)
        elif name == "assignee":
            services.request_assign(request=item, assignee=value, by=by)
        elif name == "priority":
            services.request_set_priority(request=item, priority=value, by=by)
        elif name == "topic":
            services.request_set_topic(request=item, topic=value, by=by)
        elif name == "municipality":
            services.request_set_municipality(request=item, municipality=value, by=by)
        elif name == "tags":
            old = {tag for tag in str(before["tags"]).split(", ") if tag}
            services.request_tags_change(
                request=item, add=sorted(set(value) - old), remove=sorted(old - set(value)), by=by
            )
        elif name == "queue":
            services.request_set_queue(request=item, queue=value, by=by)
        changes.append(
            Change(
                field=name,
                label=str(form.fields[name].label),
                before=str(before[name]),
                shown=_shown(form, name, value),
            )
        )
    return changes


def _posted(name: str, value: Any) -> str:
    """A cleaned value as the form would post it (to compare with `panel_values`)."""
    if value is None:
        return ""
    if name == "tags":
        return ", ".join(value)
    if name == "municipality":
        return str(value.label)
    if hasattr(value, "pk"):
        return str(value.pk)
    return str(value)


# The changes saved without script, for the request page to offer their undo once.
_UNDO_OFFER = "vik_panel_undo"


def panel_undo_offer(http_request: StaffRequest, item: Request) -> dict[str, Any]:
    """The panel's message and "undo" for the changes just saved without script (once)."""
    offer = http_request.session.pop(_UNDO_OFFER, None)
    if not offer or offer.get("reference") != item.reference:
        return {}
    changes = [Change(*values) for values in offer["changes"]]
    return {
        "panel_changes": [(change, _change_message(change, undo=False)) for change in changes],
        "panel_undo": True,
    }


def panel_context(item: Request, user: StaffUser, form: PanelForm | None = None) -> dict[str, Any]:
    return {
        "item": item,
        "can_work": permissions.can_work_request(user, item),
        "panel_form": form or PanelForm(item=item),
        "panel_fields": FIELDS,
    }


@staff_member_required
@require_POST
def request_fields(request: StaffRequest, reference: str) -> HttpResponse:
    """Save the panel: one field (`field`, posted as it changes), or all of them (no script)."""
    item = selectors.request_get(user=request.user, reference=reference)
    field = request.POST.get("field", "")
    undo = request.POST.get("undo") == "1"
    names = (field,) if field in FIELDS else FIELDS
    data = request.POST.copy()
    if field in FIELDS:  # the other fields as they are: only this one is checked and saved
        for name, value in panel_values(item).items():
            if name != field:
                data[name] = str(value)
    form = PanelForm(data, item=item, undo=undo)
    changes: list[Change] = []
    error = ""
    invalid = not form.is_valid()
    if invalid:
        error = " ".join(str(e) for errors in form.errors.values() for e in errors)
    else:
        try:
            changes = panel_apply(item=item, form=form, names=names, by=request.user, undo=undo)
        except VikError as failure:  # the fields show the request as it is
            error = str(failure)
    htmx = getattr(request, "htmx", None)
    if not htmx:
        if error:
            messages.error(request, error)
        if undo:
            for change in changes:
                messages.success(request, _change_message(change, undo=undo))
        elif changes:  # the page shows them in the panel, each with its undo form
            request.session[_UNDO_OFFER] = {
                "reference": reference,
                "changes": [[c.field, str(c.label), c.before, c.shown] for c in changes],
            }
        return redirect("staff:request_detail", reference=reference)
    item = selectors.request_get(user=request.user, reference=reference)
    context = panel_context(item, request.user)
    if invalid:  # the fields show what was typed, with the error beside it
        context["panel_form"] = form
    context.update(
        panel_error=error,
        panel_changes=[(change, _change_message(change, undo=undo)) for change in changes],
        panel_undo=not undo,
        panel_message=True,
    )
    return render(request, "workspace/_request_panel.html", context)


def _change_message(change: Change, *, undo: bool) -> str:
    if undo:
        return _("Taken back: %(field)s is “%(value)s” again.") % {
            "field": change.label, "value": change.shown,
        }  # fmt: skip
    return _("Saved: %(field)s is now “%(value)s”.") % {
        "field": change.label, "value": change.shown,
    }  # fmt: skip


__all__ = [
    "FIELDS", "PanelForm", "panel_apply", "panel_context", "panel_undo_offer", "request_fields",
]  # fmt: skip
