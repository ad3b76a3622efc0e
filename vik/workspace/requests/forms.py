"""Forms of the request list and the request page."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.forms.models import ModelChoiceIterator
from django.forms.utils import flatatt
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _

from vik.channels.core.base import InboundAttachment
from vik.channels.core.choices import ChannelKind
from vik.conversations.choices import ExtensionReason, Priority, RequestKind, Status
from vik.conversations.models import Tag
from vik.conversations.services import (
    OTHER_MEANS_PREFIX,
    ROUTE_ORIGIN,
    ROUTE_TRACKING,
    ReplyRoute,
)
from vik.conversations.states import allowed_next
from vik.core.forms import MultipleFileField
from vik.core.text import html_format
from vik.knowledge.forms import InsertedArticlesField
from vik.routing.models import Queue
from vik.sla.statutory import MAX_EXTENSION_DAYS
from vik.tenancy.models import InformationCentre, User
from vik.territory.models import Municipality, Orp
from vik.topics.models import Topic

from .new_forms import uploads_as_attachments
from .selectors import topic_label


class _ModelChoiceOrNoneField(forms.ModelChoiceField):  # type: ignore[type-arg]
    """A choice of the model, or "none" (a report's row of requests without one)."""

    def to_python(self, value: Any) -> Any:
        return "none" if value == "none" else super().to_python(value)


class QuickSelect(forms.Select):
    """A drop-down printed in Python rather than with a template per option: the request list
    prints eleven of them (the topics alone have a hundred options) on every page, and Django's
    widget templates were over half the page's rendering time."""

    # The options as (value, label) pairs read beforehand (`RequestFilterForm.use_choices`: kept
    # for a few seconds), instead of the field's queryset.
    ready_choices: list[tuple[Any, Any]] | None = None

    def render(
        self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None
    ) -> SafeString:
        final = self.build_attrs(self.attrs, attrs)
        final["name"] = name
        chosen = {str(item) for item in self.format_value(value)}
        parts: list[str] = [format_html("<select{}>", flatatt(final))]
        options = self.ready_choices
        if options is None:
            options = _choices_read_at_once(self.choices)
        for option_value, option_label in options:
            key = "" if option_value is None else str(option_value)
            selected = " selected" if key in chosen else ""
            parts.append(
                html_format('<option value="{}"{}>{}</option>', key, selected, option_label)
            )
        parts.append("</select>")
        return mark_safe("".join(parts))  # noqa: S308 - every part escaped by format_html


def quick_widgets(form: forms.Form) -> None:
    """Print the form's drop-downs and inputs in Python (QuickSelect, _quick_input)."""
    for field in form.fields.values():
        if type(field.widget) is forms.Select:
            quick = QuickSelect(attrs=field.widget.attrs)
            quick.choices = field.widget.choices
            field.widget = quick
        elif isinstance(field.widget, forms.widgets.Input | forms.CheckboxInput):
            _quick_input(field.widget)


def _quick_input(widget: forms.widgets.Input | forms.CheckboxInput) -> None:
    """The same input, printed in Python (see QuickSelect)."""

    def render(
        name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None
    ) -> SafeString:
        final = widget.build_attrs(widget.attrs, attrs)
        final.update(type=widget.input_type if hasattr(widget, "input_type") else "checkbox")
        final["name"] = name
        if isinstance(widget, forms.CheckboxInput):
            final.pop("value", None)
            if widget.check_test(value):
                final["checked"] = True
        else:
            shown = widget.format_value(value)
            if shown is not None:
                final["value"] = shown
        return format_html("<input{}>", flatatt(final))

    widget.render = render  # type: ignore[method-assign]


def _choices_read_at_once(choices: Any) -> Any:
    """A model's choices in one plain SELECT: Django's ModelChoiceIterator reads through
    `.iterator()`, on PostgreSQL a server-side cursor (DECLARE, FETCH, CLOSE: three round
    trips a drop-down)."""
    if not isinstance(choices, ModelChoiceIterator):
        return choices
    field = choices.field
    empty = [("", field.empty_label)] if field.empty_label is not None else []
    items = field.queryset if field.queryset is not None else []
    return [*empty, *((item.pk, field.label_from_instance(item)) for item in items)]


class RequestFilterForm(forms.Form):
    text = forms.CharField(label=_("Search"), required=False)
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[
            ("", _("all")),
            ("active", _("not resolved")),
            ("done", _("resolved or closed")),
            *Status.choices,
        ],
    )
    centre = _ModelChoiceOrNoneField(
        label=_("Centre"), required=False, queryset=InformationCentre.objects.none(),
        empty_label=_("all"),
    )  # fmt: skip
    channel = forms.ChoiceField(
        label=_("Channel"), required=False, choices=[("", _("all")), *ChannelKind.choices]
    )
    # Subtopics too: a report's number links to the requests of a subtopic.
    topic = _ModelChoiceOrNoneField(
        label=_("Topic"), required=False,
        queryset=Topic.objects.select_related("parent").order_by("parent__position", "position"),
        empty_label=_("all"),
    )  # fmt: skip
    assignee = forms.ChoiceField(
        label=_("Assignee"),
        required=False,
        choices=[("", _("anyone")), ("me", _("me")), ("none", _("unassigned"))],
    )
    my_centres = forms.BooleanField(label=_("Only my centres"), required=False)
    queue = forms.ModelChoiceField(
        label=_("Queue"), required=False, queryset=Queue.objects.none(), empty_label=_("all")
    )
    priority = forms.TypedChoiceField(
        label=_("Priority"), required=False, coerce=int, empty_value=None,
        choices=[("", _("any")), *Priority.choices],
    )  # fmt: skip
    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=[("", _("all")), *RequestKind.choices]
    )
    tag = forms.ModelChoiceField(
        label=_("Tag"), required=False, queryset=Tag.objects.none(), empty_label=_("any")
    )
    due = forms.ChoiceField(
        label=_("Due"),
        required=False,
        choices=[
            ("", _("any time")),
            ("overdue", _("overdue")),
            ("today", _("by the end of today")),
            ("week", _("within a week")),
        ],
    )
    received_from = forms.DateField(
        label=_("Received from"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    received_to = forms.DateField(
        label=_("Received to"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    # Set by the links of the reports' numbers (`vik.reports`); kept while other filters change.
    municipality = forms.RegexField(required=False, regex=r"^(\d+|none)$", widget=forms.HiddenInput)
    orp = forms.RegexField(required=False, regex=r"^(\d+|none)$", widget=forms.HiddenInput)
    overdue = forms.CharField(required=False, widget=forms.HiddenInput)
    merged = forms.CharField(required=False, widget=forms.HiddenInput)
    answered = forms.CharField(required=False, widget=forms.HiddenInput)
    rating = forms.RegexField(required=False, regex=r"^[1-5](-[1-5])?$", widget=forms.HiddenInput)
    sort = forms.ChoiceField(
        label=_("Sort"),
        required=False,
        choices=[
            ("received", _("newest first")),
            ("due", _("most urgent first")),
            ("priority", _("highest priority first")),
        ],
    )

    def __init__(
        self,
        *args: Any,
        centres: QuerySet[InformationCentre] | None = None,
        queues: QuerySet[Queue] | None = None,
        tags: QuerySet[Tag] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        if centres is not None:
            self.fields["centre"].queryset = centres  # type: ignore[attr-defined]
        if queues is not None:
            self.fields["queue"].queryset = queues  # type: ignore[attr-defined]
        if tags is not None:
            self.fields["tag"].queryset = tags  # type: ignore[attr-defined]
        self.fields["topic"].label_from_instance = topic_label  # type: ignore[attr-defined]
        quick_widgets(self)

    def use_choices(self, choices: dict[str, list[tuple[Any, str]]]) -> None:
        """Print the model drop-downs (centre, queue, tag, topic) with these options, read
        beforehand (`selectors.filter_choices`), after the field's own empty choice; the
        querysets still validate what is sent."""
        for name, options in choices.items():
            field = self.fields[name]
            widget = field.widget
            if isinstance(widget, QuickSelect):
                empty = getattr(field, "empty_label", None)
                widget.ready_choices = [*([("", empty)] if empty is not None else []), *options]

    def report_filters_described(self) -> list[str]:
        """The filters only a report's link sets, in words (the list shows them as a note)."""
        data = self.cleaned_data if self.is_valid() else {}
        words: list[str] = []
        if data.get("municipality") == "none":
            words.append(str(_("no municipality")))
        elif data.get("municipality"):
            municipality = Municipality.objects.filter(pk=data["municipality"]).first()
            words.append(str(_("municipality %(name)s") % {"name": municipality or "?"}))
        if data.get("orp") == "none":
            words.append(str(_("no ORP")))
        elif data.get("orp"):
            orp = Orp.objects.filter(pk=data["orp"]).first()
            words.append(str(_("ORP %(name)s") % {"name": orp or "?"}))
        if data.get("centre") == "none":
            words.append(str(_("no centre")))
        if data.get("topic") == "none":
            words.append(str(_("no topic")))
        if data.get("answered") == "0":
            words.append(str(_("not answered yet")))
        if data.get("overdue") in {"1", "on", "true"}:
            words.append(str(_("deadline missed")))
        if data.get("rating"):
            words.append(str(_("rating %(range)s") % {"range": data["rating"].replace("-", "–")}))
        return words


class BulkActionForm(forms.Form):
    """An action on the requests ticked in the list."""

    ACTIONS = [
        ("assign", _("Assign")),
        ("status", _("Change status")),
        ("tag", _("Add tag")),
        ("transfer", _("Transfer to centre")),
    ]

    references = forms.CharField(required=False)
    action = forms.ChoiceField(label=_("Action"), choices=ACTIONS)
    value = forms.CharField(label=_("Value"), required=False, max_length=200)
    reason = forms.CharField(label=_("Reason"), required=False, max_length=500)


class ReplyForm(forms.Form):
    text = forms.CharField(
        label=_("Reply to the citizen"), widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Markdown: **bold**, *italics*, - a list, [a link](https://…)."),
    )  # fmt: skip
    # "Send and set status" beside the send button: the three everyday choices are offered;
    # any status the request may go to is accepted (a macro's, an older form's).
    status = forms.ChoiceField(label=_("Send"), required=False)
    attachments = MultipleFileField(label=_("Attachments"), required=False)
    knowledge_articles = InsertedArticlesField()  # filled by vik/knowledge-insert.js
    # The canned answer the text came from (a macro): its status and tags apply too.
    macro_id = forms.IntegerField(required=False, widget=forms.HiddenInput)
    # How the reply reaches the citizen (`conversations.reply_routes`), the default first.
    route = forms.ChoiceField(label=_("Send by"), required=False, widget=forms.RadioSelect)

    def __init__(
        self, *args: Any, current_status: str, routes: list[ReplyRoute] | None = None,
        **kwargs: Any,
    ) -> None:  # fmt: skip
        """The status choices follow `current_status`; `routes`: the ways to the citizen."""
        super().__init__(*args, **kwargs)
        allowed = allowed_next(current_status)
        self.fields["status"].choices = [  # type: ignore[attr-defined]
            ("", _("keep")),
            *[(s, Status(s).label) for s in Status.values if s in allowed],
        ]
        offered = [("", _("Send"))]
        if Status.WAITING_CITIZEN in allowed:
            offered.append((Status.WAITING_CITIZEN, _("Send and wait for the citizen")))
        if Status.RESOLVED in allowed:
            offered.append((Status.RESOLVED, _("Send and resolve")))
        self.fields["status"].widget.choices = offered
        routes = routes or []
        self.fields["route"].choices = [(r.key, route_label(r)) for r in routes]  # type: ignore[attr-defined]
        if routes:
            self.fields["route"].initial = routes[0].key
        # The limits under the file chooser (request_detail.html) describe the input.
        attachments = self["attachments"]
        attachments.field.widget.attrs["aria-describedby"] = f"{attachments.auto_id}_helptext"

    def clean_attachments(self) -> list[InboundAttachment]:
        return uploads_as_attachments(self.cleaned_data["attachments"])


def route_label(route: ReplyRoute) -> str:
    if route.key == ROUTE_TRACKING:
        return str(_("Only on the tracking page"))
    channel = ChannelKind(route.kind).label if route.kind in ChannelKind.values else route.kind
    if route.key == ROUTE_ORIGIN:
        if route.recipient:
            return str(
                _("The channel it came in (%(channel)s to %(recipient)s)")
                % {"channel": channel, "recipient": route.recipient}
            )
        return str(_("The channel it came in (%(channel)s)") % {"channel": channel})
    if route.kind == ChannelKind.EMAIL:
        return str(_("E-mail to %(address)s") % {"address": route.recipient})
    if route.kind == ChannelKind.SMS:
        return str(_("SMS to %(number)s") % {"number": route.recipient})
    return f"{channel}: {route.recipient}"


class NoteForm(forms.Form):
    text = forms.CharField(label=_("Internal note"), widget=forms.Textarea(attrs={"rows": 3}))


class StatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"))

    def __init__(self, *args: Any, current_status: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [  # type: ignore[attr-defined]
            (s, Status(s).label) for s in Status.values if s in allowed_next(current_status)
        ]


class AssignForm(forms.Form):
    assignee: forms.ModelChoiceField[User] = forms.ModelChoiceField(
        label=_("Assignee"), required=False, queryset=None, empty_label=_("nobody")
    )

    def __init__(self, *args: Any, assignees: QuerySet[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = assignees  # type: ignore[attr-defined]
        self.fields["assignee"].label_from_instance = lambda u: u.display_name  # type: ignore[attr-defined]


class TopicForm(forms.Form):
    topic = forms.ModelChoiceField(
        label=_("Topic"),
        required=False,
        queryset=Topic.objects.filter(is_active=True).select_related("parent"),
        empty_label=_("no topic"),
    )


class CentreForm(forms.Form):
    centre: forms.ModelChoiceField[InformationCentre] = forms.ModelChoiceField(
        label=_("Centre"), queryset=None, empty_label=_("— choose —")
    )

    def __init__(self, *args: Any, centres: QuerySet[InformationCentre], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["centre"].queryset = centres  # type: ignore[attr-defined]


class TransferForm(forms.Form):
    centre: forms.ModelChoiceField[InformationCentre] = forms.ModelChoiceField(
        label=_("Transfer to centre"), queryset=None, empty_label=_("— choose —")
    )
    reason = forms.CharField(
        label=_("Reason for the transfer"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, centres: QuerySet[InformationCentre], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["centre"].queryset = centres  # type: ignore[attr-defined]


class ConsultForm(forms.Form):
    centre: forms.ModelChoiceField[InformationCentre] = forms.ModelChoiceField(
        label=_("Ask centre"), queryset=None, empty_label=_("— choose —")
    )
    question = forms.CharField(
        label=_("Question"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, centres: QuerySet[InformationCentre], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["centre"].queryset = centres  # type: ignore[attr-defined]


class ConsultationAnswerForm(forms.Form):
    answer = forms.CharField(label=_("Answer"), widget=forms.Textarea(attrs={"rows": 3}))


class MergeForm(forms.Form):
    target = forms.CharField(
        label=_("Merge into request"),
        max_length=32,
        help_text=_("Its reference, e.g. VYS-2026-000123."),
    )


class StatutoryExtensionForm(forms.Form):
    """An information request's deadline extended (§ 14(7) of Act 106/1999 Sb.) and the notice
    that tells the applicant (`conversations.request_statutory_extend`)."""

    days = forms.IntegerField(
        label=_("Extend by (days)"), min_value=1, max_value=MAX_EXTENSION_DAYS,
        initial=MAX_EXTENSION_DAYS,
        help_text=_("Calendar days added to the 15-day period, at most 10 (so at most 25 days "
                    "from receipt); a last day on a weekend or a holiday moves to the next "
                    "working day."),
    )  # fmt: skip
    reason = forms.ChoiceField(
        label=_("Reason (§ 14(7) of Act 106/1999 Sb.)"),
        choices=[("", _("— choose the reason —")), *ExtensionReason.choices],
    )
    route = forms.ChoiceField(label=_("Tell the applicant"))
    text = forms.CharField(
        label=_("Notice to the applicant"), max_length=4000,
        widget=forms.Textarea(attrs={"rows": 9}),
        help_text=_("It must state the new deadline and the reason. The applicant must receive "
                    "it before the original deadline."),
    )  # fmt: skip

    def __init__(self, *args: Any, routes: list[ReplyRoute], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["route"].choices = [(r.key, notice_route_label(r)) for r in routes]  # type: ignore[attr-defined]
        if routes:
            self.fields["route"].initial = routes[0].key


def notice_route_label(route: ReplyRoute) -> str:
    if not route.key.startswith(OTHER_MEANS_PREFIX):
        return route_label(route)
    return str(
        {
            ChannelKind.PHONE: _("By phone: I have told the applicant myself"),
            ChannelKind.LETTER: _("By letter: I send it myself"),
            ChannelKind.COUNTER: _("In person: I have told the applicant at the counter"),
        }.get(ChannelKind(route.kind), route.kind)
    )
