"""The audit report (issue 17 §3): what the coordination centre's audit asks for a period —
volumes, service levels and statutory deadlines, satisfaction (the request figures' sections,
`request_sections`), requests unanswered and overdue, configuration changes with who and when,
and counts of personal-data access from the audit log (only for a reader who may see who read
personal data)."""

from __future__ import annotations

import json
from typing import Any

from django.apps import apps
from django.contrib.admin.models import LogEntry
from django.db.models import Count, F, Q, QuerySet, Sum
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from vik.audit.models import AuditEvent
from vik.channels.core.choices import ChannelKind
from vik.conversations.models import Request
from vik.core import clock
from vik.tenancy.choices import Role
from vik.tenancy.models import Membership
from vik.workspace.audit.selectors import action_label

from .. import daily
from ..cache import document_cached
from ..document import Chart, Column, ReportDocument, Section
from ..filters import ReportFilters, Scope
from ..registry import ReportSpec
from ..selectors.periods import bucket_of, bucket_trunc, buckets, period_bounds
from . import requests as request_figures
from . import wording
from .wording import number

OPEN_STATUSES = ("new", "open", "waiting_citizen", "waiting_office")
LIST_LIMIT = 100  # references listed per section (the counts cover all)
CHANGES_LIMIT = 500

CONFIGURATION_ACTIONS = {
    "routing.rule_create": gettext_lazy("routing rule created"),
    "routing.rule_update": gettext_lazy("routing rule changed"),
    "routing.rule_activate": gettext_lazy("routing rule switched on"),
    "routing.rule_deactivate": gettext_lazy("routing rule switched off"),
    "routing.rule_move": gettext_lazy("routing rule moved"),
    "routing.rule_delete": gettext_lazy("routing rule deleted"),
    "routing.assignment_policy": gettext_lazy("assignment policy changed"),
    "sla.policy_create": gettext_lazy("service level policy created"),
    "sla.policy_update": gettext_lazy("service level policy changed"),
    "phone.token_rotated": gettext_lazy("phone line token replaced"),
    "portal.identity_create": gettext_lazy("portal identity set up"),
    "portal.identity_update": gettext_lazy("portal identity changed"),
    "sms.gateway_token_rotated": gettext_lazy("SMS gateway token replaced"),
    "config.add": gettext_lazy("added in the administration"),
    "config.change": gettext_lazy("changed in the administration"),
    "config.delete": gettext_lazy("deleted in the administration"),
}


def request_sections(filters: ReportFilters, scope: Scope) -> list[Section]:
    """The request figures' sections of the audit report, from the rollup: volumes by period and
    channel, the backlog by centre, response times, satisfaction (the overview's), then
    compliance with service levels and statutory deadlines by centre and period. Both are the
    request reports' documents, kept while the facts stand (`vik.reports.cache`)."""
    specs = {spec.slug: spec for spec in request_figures.SPECS}
    overview = document_cached(specs["overview"], filters, scope).sections
    compliance = document_cached(specs["sla"], filters, scope).sections
    return [section for section in overview if section.slug != "service"] + compliance


# Requests unanswered and overdue ----------------------------------------------------------------


def _requests(filters: ReportFilters, scope: Scope) -> QuerySet[Request]:
    rows = Request.objects.filter(
        region_id=scope.region_id, status__in=OPEN_STATUSES, merged_into__isnull=True
    )
    if scope.centre_ids is not None:
        rows = rows.filter(centre_id__in=sorted(scope.centre_ids))
    if scope.agent_id is not None:
        rows = rows.filter(assignee_id=scope.agent_id)
    if filters.centre_ids:
        rows = rows.filter(centre_id__in=filters.centre_ids)
    if filters.channels:
        rows = rows.filter(origin_channel__in=filters.channels)
    return rows


def unanswered_of(filters: ReportFilters, scope: Scope) -> QuerySet[Request]:
    """Received in the period, still open and without a first response."""
    start, end = period_bounds(filters)
    return _requests(filters, scope).filter(
        created_at__gte=start, created_at__lt=end, first_response_at__isnull=True
    )


def overdue_of(filters: ReportFilters, scope: Scope) -> QuerySet[Request]:
    """Open now and past their nearest deadline (`due_at`: the nearest of the service-level
    targets and the statutory last day, as the request list's "overdue")."""
    return _requests(filters, scope).filter(due_at__lt=clock.now())


def _request_sections(filters: ReportFilters, scope: Scope) -> list[Section]:
    sections = []
    for slug, title, rows, drill, what in (
        ("unanswered", _("Unanswered requests"), unanswered_of(filters, scope),
         {"status": "active", "answered": "0", "merged": "0", **wording.drill_base(filters)},
         _("received in the period and not answered yet")),
        ("overdue", _("Overdue requests now"), overdue_of(filters, scope),
         # Overdue now, whenever received: the period's dates left out.
         {"status": "active", "due": "overdue", "received_from": "", "received_to": ""},
         _("open and past their deadline")),
    ):  # fmt: skip
        counts = dict(rows.order_by().values_list("centre_id").annotate(n=Count("pk")))
        names = wording.centre_names(pk for pk in counts if pk is not None)
        by_centre = [
            {"centre": names.get(pk, "") if pk is not None else _("no centre"), "count": n}
            for pk, n in sorted(counts.items(), key=lambda item: names.get(item[0], "~"))
        ]
        total = sum(counts.values())
        sections.append(
            Section(
                slug=f"{slug}_by_centre",
                title=title,
                summary=(
                    _("%(count)s requests are %(what)s.") % {"count": number(total), "what": what}
                ),
                columns=[
                    Column("centre", _("Centre"), "text"),
                    Column("count", _("Requests"), "count", drill=drill),
                ],
                rows=by_centre,
                row_drill=[
                    {"centre": str(pk)} if pk is not None else {}
                    for pk, _n in sorted(counts.items(), key=lambda item: names.get(item[0], "~"))
                ],
                chart=Chart("bar", "centre", ("count",)) if by_centre else None,
                totals={"centre": _("Total"), "count": total},
            )
        )
        sections.append(_reference_list(f"{slug}_list", title, rows, total))
    return sections


def _reference_list(slug: str, title: str, rows: QuerySet[Request], total: int) -> Section:
    """The requests themselves by reference (references are no personal data; subjects may
    be, so they are left out), most urgent first."""
    channels = dict(ChannelKind.choices)
    listed = []
    for reference, centre, received, due, statutory, channel in rows.order_by(
        F("due_at").asc(nulls_last=True), "statutory_due_on", "created_at", "id"
    ).values_list(
        "reference", "centre__name", "created_at", "due_at", "statutory_due_on", "origin_channel"
    )[:LIST_LIMIT]:
        listed.append(
            {
                "reference": reference,
                "url": reverse("staff:request_detail", args=[reference]),
                "centre": centre or _("no centre"),
                "received": wording.datetime_text(received),
                "due": wording.datetime_text(due) if due else "",
                "statutory": wording.date_text(statutory) if statutory else "",
                "channel": str(channels.get(channel, channel)),
            }
        )
    note = (
        _("The first %(limit)s of %(total)s are listed.")
        % {"limit": LIST_LIMIT, "total": number(total)}
        if total > LIST_LIMIT
        else ""
    )
    return Section(
        slug=slug,
        title=_("%(title)s: references") % {"title": title},
        summary=(
            _("%(count)s listed, the most urgent first.") % {"count": number(len(listed))}
            if listed
            else _("None.")
        ),
        columns=[
            Column("reference", _("Reference"), "text"),
            Column("centre", _("Centre"), "text"),
            Column("received", _("Received"), "date"),
            Column("due", _("Due"), "date"),
            Column("statutory", _("Statutory deadline"), "date"),
            Column("channel", _("Channel"), "text"),
        ],
        rows=listed,
        row_drill=[{} for _row in listed],
        note=note,
    )


# Configuration changes ---------------------------------------------------------------------------


def _region_events(scope: Scope) -> Q:
    """The region's events, and those without a region done by the region's staff (what the
    audit log counts as the region's, `permissions.audit_events_visible`)."""
    staff = Membership.objects.filter(region_id=scope.region_id).values("user_id")
    return Q(region_id=scope.region_id) | Q(region_id__isnull=True, actor_id__in=staff)


def configuration_changes_of(filters: ReportFilters, scope: Scope) -> QuerySet[AuditEvent]:
    start, end = period_bounds(filters)
    events = AuditEvent.objects.filter(
        _region_events(scope),
        action__in=sorted(CONFIGURATION_ACTIONS),
        created_at__gte=start,
        created_at__lt=end,
    )
    if scope.centre_ids is not None:  # a lead: their centres' changes and the region's rules
        events = events.filter(
            Q(details__centre_id__in=sorted(scope.centre_ids)) | ~Q(details__has_key="centre_id")
        )
    return events


def _change_text(change: Any) -> str:
    """The admin's change message in words ("Změněno: role."), as the admin's history shows."""
    if not change:
        return ""
    raw = change if isinstance(change, str) else json.dumps(change)
    return str(LogEntry(change_message=raw).get_change_message())


def _object_kind(object_type: str) -> str:
    try:
        return str(apps.get_model(object_type)._meta.verbose_name)
    except (LookupError, ValueError):
        return object_type


def _configuration_section(filters: ReportFilters, scope: Scope) -> Section:
    events = configuration_changes_of(filters, scope)
    total = events.count()
    rows = []
    for event in events.select_related("actor").order_by("-created_at", "-id")[:CHANGES_LIMIT]:
        actor = event.actor
        who = (actor.get_full_name() or actor.username) if actor is not None else _("VIK itself")
        details = event.details or {}
        rows.append(
            {
                "when": wording.datetime_text(event.created_at),
                "who": who,
                "what": str(CONFIGURATION_ACTIONS.get(event.action, event.action)),
                "object": f"{_object_kind(event.object_type)}: "
                f"{details.get('name') or '#' + event.object_id}",
                "change": _change_text(details.get("change")),
            }
        )
    if rows:
        people = len({row["who"] for row in rows})
        summary = _(
            "%(count)s configuration changes by %(people)s people; the latest: %(what)s on "
            "%(when)s."
        ) % {
            "count": number(total),
            "people": number(people),
            "what": rows[0]["what"],
            "when": rows[0]["when"],
        }
    else:
        summary = _("No configuration changed in the period.")
    return Section(
        slug="configuration_changes",
        title=_("Configuration changes"),
        summary=summary,
        columns=[
            Column("when", _("When"), "date"),
            Column("who", _("Who"), "text"),
            Column("what", _("What"), "text"),
            Column("object", _("Object"), "text"),
            Column("change", _("Change"), "text"),
        ],
        rows=rows,
        row_drill=[{} for _row in rows],
        note=(
            _("The latest %(limit)s of %(total)s are listed.")
            % {"limit": CHANGES_LIMIT, "total": number(total)}
            if total > CHANGES_LIMIT
            else _(
                "Routing rules, service levels, staff and their roles, centres with their "
                "opening hours, channel accounts and their tokens."
            )
        ),
    )


# Personal-data access ----------------------------------------------------------------------------


def data_access_of(filters: ReportFilters, scope: Scope) -> QuerySet[AuditEvent]:
    start, end = period_bounds(filters)
    return AuditEvent.objects.filter(
        _region_events(scope), personal_data=True, created_at__gte=start, created_at__lt=end
    )


def data_access_counts(
    filters: ReportFilters, scope: Scope
) -> tuple[dict[Any, dict[str, int]], dict[int | None, int]]:
    """Personal-data reads per bucket and kind of read, and per reader: the whole days the
    refresher counted from their daily counts (`vik.reports.daily`; whose reads are the
    region's decided now, as from the log), the rest (today) from one scan of the log."""
    by_month: dict[Any, dict[str, int]] = {}
    per_actor: dict[int | None, int] = {}

    def add(bucket: Any, action: str, actor_id: int | None, count: int) -> None:
        found = by_month.setdefault(bucket_of(bucket), {})
        found[action] = found.get(action, 0) + count
        per_actor[actor_id] = per_actor.get(actor_id, 0) + count

    counted, rest = daily.split(filters)
    if counted is not None:
        staff = Membership.objects.filter(region_id=scope.region_id).values("user_id")
        cells = daily.counts_of(
            daily.DATA_ACCESS,
            counted,
            Q(region_id=scope.region_id) | Q(region_id__isnull=True, person_id__in=staff),
        )
        # Two small groupings of the counts rather than one by bucket, kind and reader.
        for bucket, action, count in (
            cells.annotate(bucket=daily.bucket_of_day(filters.granularity))
            .values_list("bucket", "kind")
            .annotate(count=Sum("n"))
        ):
            found = by_month.setdefault(bucket_of(bucket), {})
            found[action] = found.get(action, 0) + count
        for actor_id, count in cells.values_list("person_id").annotate(count=Sum("n")):
            per_actor[actor_id] = per_actor.get(actor_id, 0) + count
    if rest is not None:
        # One scan of the log: counts per bucket, kind of read and reader.
        for bucket, action, actor_id, count in (
            data_access_of(rest, scope)
            .annotate(bucket=bucket_trunc("created_at", rest.granularity))
            .order_by()
            .values_list("bucket", "action", "actor_id")
            .annotate(n=Count("pk"))
        ):
            add(bucket, action, actor_id, count)
    return by_month, per_actor


def _data_access_sections(filters: ReportFilters, scope: Scope) -> list[Section]:
    title = _("Access to personal data")
    if not scope.sees_data_access:
        return [
            Section(
                slug="data_access",
                title=title,
                summary=_(
                    "Counts of personal-data reads are shown to readers of the whole region."
                ),
                columns=[],
                rows=[],
                note=_(
                    "This part of the audit is shown to the region's coordinators and analysts."
                ),
            )
        ]
    by_month, per_actor = data_access_counts(filters, scope)
    actions = sorted({action for found in by_month.values() for action in found})
    keys = {action: f"a{index}" for index, action in enumerate(actions)}
    rows = []
    for day in buckets(filters):
        found = by_month.get(day, {})
        row: dict[str, Any] = {"period": wording.period_label(day, filters.granularity)}
        row.update({keys[action]: found.get(action, 0) for action in actions})
        row["total"] = sum(found.values())
        rows.append(row)
    totals = {"period": _("Total"), **wording.total_row(rows, [*keys.values(), "total"])}
    by_kind = Section(
        slug="data_access_by_kind",
        title=_("%(title)s by kind of read") % {"title": title},
        summary=_("Personal data was read %(count)s times in the period.")
        % {"count": number(totals["total"])},
        columns=[
            Column("period", _("Period"), "date"),
            *[Column(keys[action], action_label(action), "count") for action in actions],
            Column("total", _("Total"), "count"),
        ],
        rows=rows,
        row_drill=[{} for _row in rows],
        chart=Chart("stacked_bar", "period", tuple(keys[action] for action in actions))
        if actions
        else None,
        totals=totals,
    )
    return [by_kind, _data_access_by_place(per_actor)]


def _data_access_by_place(per_actor: dict[int | None, int]) -> Section:
    """Reads per reader's centre and role (a reader with several memberships counts under the
    first); reads by nobody's account (the system) under their own row."""
    roles = dict(Role.choices)
    place_of: dict[int, tuple[str, str]] = {}
    for user_id, centre, role in (
        Membership.objects.filter(user_id__in=[pk for pk in per_actor if pk is not None])
        .order_by("pk")
        .values_list("user_id", "centre__name", "role")
    ):
        place_of.setdefault(user_id, (centre or _("whole region"), str(roles.get(role, role))))
    counted: dict[tuple[str, str], int] = {}
    for actor_id, count in per_actor.items():
        place = (
            place_of.get(actor_id, (_("no membership"), "–"))
            if actor_id is not None
            else (_("VIK itself"), "–")
        )
        counted[place] = counted.get(place, 0) + count
    rows: list[dict[str, Any]] = [
        {"centre": centre, "role": role, "count": count}
        for (centre, role), count in sorted(counted.items(), key=lambda item: (-item[1], item[0]))
    ]
    return Section(
        slug="data_access_by_place",
        title=_("Access to personal data by centre and role"),
        summary=(
            _("Most reads: %(centre)s, %(role)s (%(count)s).")
            % {
                "centre": rows[0]["centre"],
                "role": rows[0]["role"],
                "count": number(rows[0]["count"]),
            }
            if rows
            else _("Nobody read personal data in the period.")
        ),
        columns=[
            Column("centre", _("Centre"), "text"),
            Column("role", _("Role"), "text"),
            Column("count", _("Reads"), "count"),
        ],
        rows=rows,
        row_drill=[{} for _row in rows],
        chart=Chart("bar", "centre", ("count",)) if rows else None,
        totals={"centre": _("Total"), "role": "", "count": sum(counted.values())},
    )


def build_audit(filters: ReportFilters, scope: Scope) -> ReportDocument:
    return ReportDocument(
        slug="audit",
        title=_("Audit report"),
        filters_description=wording.filters_description(filters, scope),
        sections=[
            *request_sections(filters, scope),
            *_request_sections(filters, scope),
            _configuration_section(filters, scope),
            *_data_access_sections(filters, scope),
        ],
        generated_at=clock.now(),
        # The request figures' sections leave merged-away requests out, as do the lists here.
        drill_base={**wording.drill_base(filters), "merged": "0"},
    )


AUDIT = ReportSpec(
    slug="audit",
    title=gettext_lazy("Audit report"),
    description=gettext_lazy(
        "For the coordination centre's audit: volumes, service levels and statutory deadlines, "
        "unanswered and overdue requests, satisfaction, configuration changes with who and "
        "when, and access to personal data."
    ),
    build=build_audit,
    for_agents=False,
)
