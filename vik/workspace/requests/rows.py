"""What the request list shows: its columns (chosen per user), one line per request, and a
chip for each active filter.

A row is printed here, in Python, once per request (`row_html`): the template's row loop only
outputs it. Fifty rows of a dozen cells through the template engine (each value a context
lookup through a deep stack, each an escape) were most of the page's time at a million
requests; there is no include, filter, URL reversing or query per row (bench/list_views.py).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from html import escape
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from vik.channels.core.choices import ChannelKind
from vik.conversations.choices import Priority, Status
from vik.core import clock
from vik.sla.templatetags.sla import time_left
from vik.territory.models import Municipality, Orp

from .. import kept
from ..models import ListColumns

if TYPE_CHECKING:
    from django.forms import Form
    from django.utils.functional import Promise

    from vik.conversations.models import Request
    from vik.tenancy.types import StaffUser

# The columns one may choose, in the order they appear (the reference and the subject are
# always there).
COLUMNS: tuple[tuple[str, Promise], ...] = (
    ("requester", gettext_lazy("Requester")),
    ("municipality", gettext_lazy("Municipality")),
    ("topic", gettext_lazy("Topic")),
    ("status", gettext_lazy("Status")),
    ("time_left", gettext_lazy("Time left")),
    ("centre", gettext_lazy("Centre")),
    ("channel", gettext_lazy("Channel")),
    ("assignee", gettext_lazy("Assignee")),
    ("received", gettext_lazy("Received")),
)
DEFAULT_COLUMNS = ("requester", "status", "time_left", "centre", "assignee", "received")
NORMAL_PRIORITY = Priority.NORMAL


def columns_of(user: StaffUser) -> list[str]:
    """The columns the user chose, or the default ones (kept in the cache per user, `..kept`;
    one query when not kept)."""
    key = f"vik:list-columns:{kept.token(kept.COLUMNS_TOKEN_KEY)}:{user.pk}"
    chosen = cache.get(key)
    if chosen is None:
        found = ListColumns.objects.filter(user=user).values_list("columns", flat=True).first()
        chosen = list(found or ())
        cache.set(key, chosen, kept.KEPT_SECONDS)
    known = dict(COLUMNS)
    columns = [name for name in chosen or () if name in known]
    return columns or list(DEFAULT_COLUMNS)


def columns_choose(*, user: StaffUser, columns: Iterable[str]) -> list[str]:
    """Keep the user's choice of columns (unknown names dropped; none at all: the defaults)."""
    known = [name for name, _label in COLUMNS]
    wanted = set(columns)
    chosen = [name for name in known if name in wanted] or list(DEFAULT_COLUMNS)
    ListColumns.objects.update_or_create(user=user, defaults={"columns": chosen})
    return chosen


@dataclass(frozen=True)
class ListRow:
    """One line of the list, every value ready to print."""

    reference: str
    url: str
    subject: str
    priority: int
    priority_label: str
    topic: str
    tags: list[str]
    requester: str
    municipality: str
    status: str
    status_label: str
    due_iso: str
    time_left: str
    is_overdue: bool
    centre: str
    channel: str
    assignee: str
    received_iso: str
    received: str


def list_rows(items: Sequence[Request]) -> list[ListRow]:
    """The page's requests as rows (the requests come with their relations and tags)."""
    # One reverse for the page: every request's address differs only by its reference.
    url_pattern = reverse("staff:request_detail", args=["REFERENCE"])
    statuses = {value: str(label) for value, label in Status.choices}
    channels = {value: str(label) for value, label in ChannelKind.choices}
    priorities = {value: str(label) for value, label in Priority.choices}
    now = clock.now()
    zone = timezone.get_current_timezone()
    rows = []
    for item in items:
        due = item.due_at
        created = item.created_at.astimezone(zone)
        rows.append(
            ListRow(
                reference=item.reference,
                url=url_pattern.replace("REFERENCE", item.reference),
                subject=item.subject,
                priority=item.priority,
                priority_label=priorities.get(item.priority, "")
                if item.priority != NORMAL_PRIORITY
                else "",
                topic=item.topic.name if item.topic_id and item.topic else "",
                tags=[tag.name for tag in getattr(item, "tag_list", ())],
                requester=item.requester.name if item.requester_id and item.requester else "",
                municipality=item.municipality.name
                if item.municipality_id and item.municipality
                else "",
                status=item.status,
                status_label=statuses.get(item.status, item.status),
                due_iso=due.isoformat() if due else "",
                time_left=time_left(item),
                is_overdue=due is not None and item.sla_paused_at is None and due < now,
                centre=item.centre.name if item.centre_id and item.centre else "",
                channel=channels.get(item.origin_channel, item.origin_channel),
                assignee=item.assignee.display_name if item.assignee_id and item.assignee else "",
                received_iso=created.isoformat(),
                received=f"{created.day}. {created.month}. {created.year} {created:%H:%M}",
            )
        )
    return rows


def _cell(text: str, *, title: bool = False) -> str:
    """A cell whose text may be long: one line, cut with an ellipsis (the whole in its title)."""
    if not text:
        return '<td><span class="vik-cell">—</span></td>'
    shown = escape(text)
    if title:
        return f'<td title="{shown}"><span class="vik-cell">{shown}</span></td>'
    return f'<td><span class="vik-cell">{shown}</span></td>'


def row_html(row: ListRow, columns: Sequence[str]) -> SafeString:
    """One `<tr>` of the list with the chosen columns (the markup the tests and the keyboard
    shortcuts read: data-row, data-row-link, the data-testid attributes). Every value is
    escaped once (`html.escape`, quotes too) and used as often as the row needs it: f-strings
    rather than `html_format`, whose escapes were a tenth of the page's time."""
    reference = escape(row.reference)
    subject = escape(row.subject)
    priority = (
        f'<span class="vik-tag vik-priority--{row.priority:d}" data-testid="priority">'
        f"{escape(row.priority_label)}</span> "
        if row.priority_label
        else ""
    )
    tags = "".join(
        f' <span class="vik-tag" data-testid="tag">{escape(tag)}</span>' for tag in row.tags
    )
    select = escape(_("Select %(reference)s") % {"reference": row.reference})
    cells = [
        f'<td class="vik-col-check"><input type="checkbox" name="references" value="{reference}" '
        f'form="bulk-form" data-testid="row-checkbox" aria-label="{select}"></td>'
        f'<td class="vik-col-ref"><a href="{escape(row.url)}" data-row-link>{reference}</a></td>'
        f'<td class="vik-col-subject" title="{subject}"><span class="vik-cell">{priority}'
        f"{subject}{tags}</span></td>"
    ]
    for column in columns:
        if column == "requester":
            cells.append(_cell(row.requester, title=True))
        elif column == "municipality":
            cells.append(_cell(row.municipality))
        elif column == "topic":
            cells.append(_cell(row.topic, title=True))
        elif column == "status":
            cells.append(
                f'<td><span class="vik-tag vik-status--{escape(row.status)}">'
                f"{escape(row.status_label)}</span></td>"
            )
        elif column == "time_left":
            when = (
                f'<time datetime="{escape(row.due_iso)}">{escape(row.time_left)}</time>'
                if row.due_iso
                else escape(row.time_left)
            )
            overdue = ' class="vik-overdue"' if row.is_overdue else ""
            flag = " data-overdue" if row.is_overdue else ""
            cells.append(f'<td{overdue} data-testid="time-left"{flag}>{when}</td>')
        elif column == "centre":
            cells.append(_cell(row.centre, title=True))
        elif column == "channel":
            cells.append(f"<td>{escape(row.channel)}</td>")
        elif column == "assignee":
            cells.append(_cell(row.assignee))
        elif column == "received":
            cells.append(
                f'<td><time datetime="{escape(row.received_iso)}">{escape(row.received)}</time>'
                "</td>"
            )
    body = "".join(cells)
    return mark_safe(  # noqa: S308 - every value above escaped
        f'<tr data-row="{reference}" data-testid="request-row">{body}</tr>'
    )


def rows_html(rows: Sequence[ListRow], columns: Sequence[str]) -> SafeString:
    return mark_safe("".join(row_html(row, columns) for row in rows))  # noqa: S308 - see row_html


@dataclass(frozen=True)
class Chip:
    """An active filter: what it is, and the list's address without it."""

    name: str
    label: str
    value: str
    remove_query: str


# Parameters that never make a chip: the page's cursor, the view's key, the sort (a choice of
# order, shown in its own control).
_NOT_FILTERS = {"after", "view", "sort"}


def filter_chips(form: Form, params: Any) -> list[Chip]:
    """One chip per filter that narrows the list, its value in words, with the address of the
    list without it (the other filters kept)."""
    if not form.is_bound or not form.is_valid():
        return []
    values = {name: params.get(name, "") for name in params if name not in _NOT_FILTERS}
    chips = []
    for name, raw in values.items():
        if not raw or name not in form.fields:
            continue
        field = form.fields[name]
        label = str(field.label or _drill_labels().get(name, name))
        rest = {key: value for key, value in values.items() if key != name and value}
        chips.append(
            Chip(
                name=name,
                label=label,
                value=_value_text(form, name, raw),
                remove_query=urlencode(rest),
            )
        )
    return chips


def _drill_labels() -> dict[str, str]:
    return {
        "municipality": _("Municipality"),
        "orp": _("ORP"),
        "overdue": _("Deadline missed"),
        "merged": _("Merged"),
        "answered": pgettext("request list filter", "Answered"),
        "rating": _("Rating"),
    }


def _value_text(form: Form, name: str, raw: str) -> str:
    """The chosen value as the form's drop-down says it ("nevyřízené", the centre's name)."""
    field = form.fields[name]
    if raw == "none":
        return pgettext("filter value", "none")
    if name == "my_centres":
        return _("yes")
    value = form.cleaned_data.get(name)
    if isinstance(value, dt.date):
        return f"{value.day}. {value.month}. {value.year}"
    choices = getattr(field, "choices", None)
    if choices is not None and not hasattr(field, "queryset"):
        for key, text in choices:
            if str(key) == raw:
                return str(text)
    if value is not None and hasattr(field, "queryset"):
        label_from_instance = getattr(field, "label_from_instance", str)
        return str(label_from_instance(value))
    if name in {"municipality", "orp"}:
        return _drill_place(name, raw)
    if name == "answered":
        return _("no") if raw == "0" else _("yes")
    if name == "merged":
        return _("without merged") if raw == "0" else raw
    return raw


def _drill_place(name: str, raw: str) -> str:
    model = Municipality if name == "municipality" else Orp
    place = model.objects.filter(pk=raw).only("name").first()
    return place.name if place else raw
