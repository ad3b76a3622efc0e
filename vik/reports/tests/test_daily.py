"""The channel reports' daily counts (`vik.reports.daily`): the calls, knowledge, audit and
workload reports built from them show the same figures as built from the raw tables, after the
calls, usage events, personal-data reads, resolutions and replies of several days, a call
transferred to another centre, a caller anonymised, a reader of the region's data without a
region in the log, a resolved request reassigned, another reopened, a request with an agent's
replies transferred, a requester anonymised; today and the days since the refresher last ran
come from the raw tables."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.utils import translation
from freezegun import freeze_time

from vik.audit.models import AuditEvent
from vik.audit.services import audit_record
from vik.channels.core.choices import ChannelKind
from vik.channels.core.models import ChannelAccount
from vik.channels.phone.choices import CallDirection, CallState
from vik.channels.phone.models import Call
from vik.contacts.models import Contact
from vik.conversations.choices import Direction, Status, Visibility
from vik.conversations.models import Interaction, Request
from vik.conversations.services.changes import request_assign, request_set_status
from vik.conversations.services.network import request_transfer
from vik.core import clock
from vik.gdpr.services import contact_anonymise
from vik.knowledge.choices import UsageKind
from vik.knowledge.models import Article, UsageEvent
from vik.reports import daily
from vik.reports.builders.audit import build_audit
from vik.reports.builders.channels import build_calls
from vik.reports.builders.knowledge import build_knowledge
from vik.reports.builders.workload import build_workload
from vik.reports.document import ReportDocument
from vik.reports.filters import ReportFilters, Scope
from vik.reports.models import DailyCount, RollupWatermark
from vik.reports.rollups import rollups_rebuild, rollups_refresh
from vik.testing.personas import World
from vik.topics.models import Topic

Builder = Callable[[ReportFilters, Scope], ReportDocument]


@pytest.fixture(autouse=True)
def czech() -> Any:
    with translation.override("cs"):
        yield


def _days_ago(days: int, hour: int = 10) -> dt.datetime:
    return (clock.now() - dt.timedelta(days=days)).replace(
        hour=hour, minute=0, second=0, microsecond=0
    )


def _periods() -> list[ReportFilters]:
    today = clock.today()
    return [
        ReportFilters(date_from=today - dt.timedelta(days=40), date_to=today),
        # Whole months within (the article and search figures from their monthly sums).
        ReportFilters(date_from=today - dt.timedelta(days=100), date_to=today),
        ReportFilters(date_from=today - dt.timedelta(days=40), date_to=today, granularity="week"),
        ReportFilters(date_from=today - dt.timedelta(days=9), date_to=today, granularity="day"),
        # Ends before today: the counts only.
        ReportFilters(
            date_from=today - dt.timedelta(days=40), date_to=today - dt.timedelta(days=2)
        ),
    ]


def _scopes(world: World) -> list[Scope]:
    return [
        Scope(region_id=world.region.pk, sees_data_access=True),
        Scope(region_id=world.region.pk, centre_ids=frozenset({world.centre_a.pk})),
        Scope(region_id=world.region.pk, agent_id=world.alice.pk),
        Scope(region_id=world.other_region.pk, sees_data_access=True),
    ]


def _figures(document: ReportDocument) -> list[Any]:
    return [
        (section.slug, section.summary, section.rows, section.totals)
        for section in document.sections
    ]


def _assert_same_as_raw(
    world: World, settings: Any, build: Builder, extra: list[ReportFilters] | None = None
) -> int:
    """Every period and reader: the document from the counts equals the one from the raw
    tables. Returns how many documents were compared."""
    compared = 0
    for filters in _periods() + (extra or []):
        for scope in _scopes(world):
            settings.VIK_REPORTS_DAILY_COUNTS = False
            raw = _figures(build(filters, scope))
            settings.VIK_REPORTS_DAILY_COUNTS = True
            counted = _figures(build(filters, scope))
            for ours, theirs in zip(counted, raw, strict=True):
                assert ours == theirs, (filters, scope)
            compared += 1
    return compared


@pytest.fixture
def line(world: World) -> ChannelAccount:
    return ChannelAccount.objects.create(region=world.region, kind=ChannelKind.PHONE, name="l")


def _calls(world: World, line: ChannelAccount) -> list[Call]:
    """Calls of several days: answered (two agents), missed, outgoing, without a centre, today,
    and another region's."""
    made = []
    caller = Contact.objects.create(region=world.region, name="Jana Volající")
    rows: list[tuple[int, dict[str, Any]]] = [
        (3, {"state": CallState.ENDED, "answered": 12, "duration_seconds": 60,
             "agent": world.alice, "contact": caller}),
        (3, {"state": CallState.ENDED, "answered": 40, "duration_seconds": 185,
             "agent": world.alice}),
        (3, {"state": CallState.MISSED}),
        (10, {"state": CallState.ENDED, "answered": 7, "duration_seconds": 31,
              "agent": world.bob, "centre": world.centre_b}),
        (10, {"state": CallState.MISSED, "centre": None}),
        (20, {"direction": CallDirection.OUT, "state": CallState.ENDED, "answered": 0,
              "duration_seconds": 44, "agent": world.alice}),
        (35, {"state": CallState.ENDED, "answered": 3, "duration_seconds": None,
              "agent": world.alice}),
        (0, {"state": CallState.ENDED, "answered": 9, "duration_seconds": 20,
             "agent": world.alice}),
    ]  # fmt: skip
    for n, (days, values) in enumerate(rows):
        started = _days_ago(days, hour=9 if days else 0)
        answered = values.pop("answered", None)
        values.setdefault("centre", world.centre_a)
        made.append(
            Call.objects.create(
                account=line,
                region=world.region,
                call_id=f"c{n}",
                started_at=started,
                answered_at=None if answered is None else started + dt.timedelta(seconds=answered),
                **values,
            )
        )
    other = ChannelAccount.objects.create(
        region=world.other_region, kind=ChannelKind.PHONE, name="o"
    )
    Call.objects.create(account=other, region=world.other_region, call_id="x",
                        started_at=_days_ago(3), state=CallState.MISSED)  # fmt: skip
    return made


def test_calls_from_the_counts_equal_the_raw_ones(
    world: World, line: ChannelAccount, settings: Any
) -> None:
    calls = _calls(world, line)
    rollups_refresh()
    assert DailyCount.objects.filter(source=daily.CALLS).exists()
    assert daily.covered_until() is not None
    assert _assert_same_as_raw(world, settings, build_calls) == 20

    # A call transferred to the other centre three days after it started: recounted there only.
    transferred = calls[0]
    transferred.centre = world.centre_b
    transferred.save()
    # The caller anonymised: no count changes.
    assert transferred.contact_id is not None
    Contact.objects.filter(pk=transferred.contact_id).update(name="anonymizováno")
    Call.objects.filter(pk=transferred.pk).update(contact=None)
    rollups_refresh()
    _assert_same_as_raw(world, settings, build_calls)
    lead_a = build_calls(
        _periods()[0], Scope(region_id=world.region.pk, centre_ids=frozenset({world.centre_a.pk}))
    )
    by_centre = next(s for s in lead_a.sections if s.slug == "calls_by_centre")
    assert by_centre.totals is not None
    assert by_centre.totals["answered"] == 3  # day 3 (one left), day 35, today


def test_calls_read_today_and_the_days_since_the_last_refresh_raw(
    world: World, line: ChannelAccount, settings: Any
) -> None:
    _calls(world, line)
    rollups_refresh()
    # The refresher stopped five days ago: those days come from the calls themselves.
    RollupWatermark.objects.filter(name="daily_counts").update(changes_until=_days_ago(5))
    DailyCount.objects.filter(
        source=daily.CALLS, day__gte=clock.today() - dt.timedelta(days=4)
    ).delete()
    assert daily.covered_until() == (_days_ago(5) - daily.OVERLAP).date()
    _assert_same_as_raw(world, settings, build_calls)


def _usage(world: World) -> None:
    first = Article.objects.create(slug="prvni")
    second = Article.objects.create(slug="druhy")
    rows = [
        (2, UsageKind.ARTICLE_VIEW, first, "", world.centre_a),
        (2, UsageKind.ARTICLE_VIEW, first, "", world.centre_a),
        (2, UsageKind.ARTICLE_VIEW, second, "", None),
        (2, UsageKind.HELPFUL, first, "", world.centre_a),
        (5, UsageKind.NOT_HELPFUL, second, "", world.centre_b),
        (5, UsageKind.USED_IN_REPLY, first, "", world.centre_b),
        (5, UsageKind.DEFLECTED, None, "", None),
        (5, UsageKind.SEARCH, None, "parkovani", world.centre_a),
        (5, UsageKind.SEARCH_EMPTY, None, "psi poplatek", world.centre_a),
        (6, UsageKind.SEARCH_EMPTY, None, "psi poplatek", None),
        (6, UsageKind.SEARCH_EMPTY, None, "kotlikove dotace", world.centre_b),
        (6, UsageKind.SEARCH_EMPTY, None, "", world.centre_b),
        (30, UsageKind.ARTICLE_VIEW, second, "", world.centre_b),
        (0, UsageKind.ARTICLE_VIEW, second, "", world.centre_a),
        (0, UsageKind.SEARCH_EMPTY, None, "kotlikove dotace", world.centre_a),
    ]
    topic = Topic.objects.filter(parent__isnull=True).first()
    for days, kind, article, query, centre in rows:
        at = _days_ago(days, 0 if not days else 11)
        # The first article's events and the deflected request are of a topic.
        of_topic = article == first or kind == UsageKind.DEFLECTED
        UsageEvent.objects.create(kind=kind, where="portal", article=article, query=query,
                                  centre=centre, created_at=at,
                                  topic=topic if of_topic else None)  # fmt: skip
    UsageEvent.objects.create(kind=UsageKind.ARTICLE_VIEW, where="portal", article=first,
                              centre=world.other_centre, created_at=_days_ago(2))  # fmt: skip


def test_knowledge_from_the_counts_equals_the_raw_one(world: World, settings: Any) -> None:
    _usage(world)
    rollups_refresh()
    assert DailyCount.objects.filter(source=daily.USAGE).exists()
    topic = Topic.objects.filter(parent__isnull=True).first()
    assert topic is not None
    today = clock.today()
    of_topic = ReportFilters(
        date_from=today - dt.timedelta(days=40), date_to=today, topic_ids=(topic.pk,)
    )
    _assert_same_as_raw(world, settings, build_knowledge, [of_topic])
    in_replies = next(
        s
        for s in build_knowledge(of_topic, Scope(region_id=world.region.pk)).sections
        if s.slug == "articles_in_replies"
    )
    assert [row["used_in_replies"] for row in in_replies.rows] == [1]
    region = build_knowledge(_periods()[0], Scope(region_id=world.region.pk))
    searches = next(s for s in region.sections if s.slug == "searches_without_result")
    assert searches.rows == [
        {"query": "kotlikove dotace", "count": 2},
        {"query": "psi poplatek", "count": 2},
    ]
    # An event committed late, with a time a little before the refresher's last run, is counted
    # at the next run (the refresher reads back `OVERLAP`); until then today is read raw.
    watermark = RollupWatermark.objects.get(name="daily_counts").changes_until
    UsageEvent.objects.create(kind=UsageKind.HELPFUL, where="portal",
                              article=Article.objects.get(slug="druhy"), centre=world.centre_a,
                              created_at=watermark - dt.timedelta(minutes=2))  # fmt: skip
    rollups_refresh()
    _assert_same_as_raw(world, settings, build_knowledge)


def test_personal_data_reads_from_the_counts_equal_the_raw_ones(
    world: World, settings: Any
) -> None:
    contact = Contact.objects.create(region=world.region, name="Jana")
    for days, actor, action in (
        (3, world.alice, "contact.view"),
        (3, world.alice, "contact.view"),
        (8, world.carol, "request.search"),
        (8, world.dave, "contact.view"),
        (0, world.alice, "contact.view"),
    ):
        with freeze_time(_days_ago(days, 0 if not days else 11)):  # logged then
            audit_record(actor=actor, action=action, target=contact, personal_data=True)
    # A read by the region's coordinator logged without a region counts for the region.
    with freeze_time(_days_ago(4)):
        AuditEvent.objects.create(actor=world.carol, actor_label="c", action="request.search",
                                  object_type="conversations.request", object_id="1",
                                  personal_data=True)  # fmt: skip
    assert AuditEvent.objects.filter(personal_data=True, region_id__isnull=True).exists()
    rollups_refresh()
    assert DailyCount.objects.filter(source=daily.DATA_ACCESS).exists()
    _assert_same_as_raw(world, settings, build_audit)


def test_rebuild_recounts_every_day(world: World, line: ChannelAccount, settings: Any) -> None:
    _calls(world, line)
    _usage(world)
    rollups_refresh()
    counted = sorted(DailyCount.objects.values_list("source", "day", "kind", "n"))
    # A usage event deleted (retention) keeps its count until the counts are rebuilt.
    UsageEvent.objects.filter(kind=UsageKind.NOT_HELPFUL).delete()
    rollups_refresh()
    assert sorted(DailyCount.objects.values_list("source", "day", "kind", "n")) == counted
    assert rollups_rebuild().daily_written > 0
    _assert_same_as_raw(world, settings, build_knowledge)
    _assert_same_as_raw(world, settings, build_calls)


def _workload(world: World) -> dict[str, Request]:
    """Requests resolved on several days (in both centres, today, in the other region), a
    request with Alice's replies (and an automatic one, an internal note), calls."""
    jana = Contact.objects.create(region=world.region, name="Jana Žadatelka")
    made: dict[str, Request] = {}

    def request(name: str, centre: Any, who: Any, resolved_days: int | None, **values: Any) -> None:
        resolved = (
            None
            if resolved_days is None
            else _days_ago(resolved_days, 0 if not resolved_days else 14)
        )
        made[name] = Request.objects.create(
            region=values.pop("region", world.region), reference=f"R-{name}", subject="?",
            requester=values.pop("requester", jana), origin_channel=ChannelKind.EMAIL,
            centre=centre, assignee=who, created_at=_days_ago(45),
            status=Status.OPEN if resolved is None else Status.RESOLVED, resolved_at=resolved,
            **values,
        )  # fmt: skip

    request("a3", world.centre_a, world.alice, 3)
    request("a3b", world.centre_a, world.alice, 3)
    request("b10", world.centre_b, world.alice, 10)  # reassigned to Bob later
    request("a20", world.centre_a, world.alice, 20)  # reopened later
    request("b30", world.centre_b, world.bob, 30)
    request("a0", world.centre_a, world.alice, 0)  # today
    request("none", None, world.alice, 5)
    request("open", world.centre_a, world.alice, None)  # Alice's replies; transferred later
    other = Contact.objects.create(region=world.other_region, name="Jiný")
    request("x", world.other_centre, world.dave, 3, region=world.other_region, requester=other)
    replies: list[tuple[int, Any, dict[str, Any]]] = [
        (3, world.alice, {}), (3, world.alice, {}), (5, world.alice, {}),
        (5, world.alice, {"is_automatic": True}),
        (5, world.alice, {"visibility": Visibility.INTERNAL}),
        (12, world.bob, {}), (0, world.alice, {}),
    ]  # fmt: skip
    for days, who, values in replies:
        Interaction.objects.create(
            request=made["open"], direction=Direction.OUTBOUND, channel=ChannelKind.EMAIL,
            author=who, contact=jana, occurred_at=_days_ago(days, 0 if not days else 11),
            **values,
        )  # fmt: skip
    return made


def test_workload_from_the_counts_equals_the_raw_one(
    world: World, line: ChannelAccount, settings: Any
) -> None:
    _calls(world, line)
    made = _workload(world)
    rollups_refresh()
    assert DailyCount.objects.filter(source=daily.RESOLVED).exists()
    assert DailyCount.objects.filter(source=daily.REPLIES).exists()
    assert _assert_same_as_raw(world, settings, build_workload) == 20

    # Reassigned to Bob ten days after it was resolved: counted for him on that day only.
    request_assign(request=made["b10"], assignee=world.bob, by=world.carol)
    # Reopened: its resolution twenty days ago no longer counts.
    request_set_status(request=made["a20"], status=Status.OPEN, by=world.carol)
    # The request Alice replied on transferred to the other centre: her replies stay hers.
    request_transfer(request=made["open"], centre=world.centre_b, reason="patří jim",
                     by=world.carol)  # fmt: skip
    # The requester anonymised: no count changes.
    contact_anonymise(contact=made["a3"].requester, actor=None)
    assert not Contact.objects.filter(name="Jana Žadatelka").exists()
    rollups_refresh()
    _assert_same_as_raw(world, settings, build_workload)
    # Run again within the overlap: the same days are looked at again, and no cell that is
    # still right is rewritten (the same rows, the same ids), however old its day.
    kept = sorted(DailyCount.objects.values_list("pk", "source", "day", "person_id", "n"))
    rollups_refresh()
    assert sorted(DailyCount.objects.values_list("pk", "source", "day", "person_id", "n")) == kept
    rows = {
        row["person"]: row
        for row in build_workload(_periods()[0], Scope(region_id=world.region.pk)).sections[0].rows
    }
    assert (rows["Alice Test"]["resolved"], rows["Alice Test"]["replies"]) == (4, 4)
    assert (rows["Bob Test"]["resolved"], rows["Bob Test"]["replies"]) == (2, 1)
    assert rows["Alice Test"]["calls"] == 4  # days 3 (two), 35, today

    # A cell written twice (say, by a crash of an older refresher) is counted once again when
    # its day is recounted: the copy goes, the right one stays.
    cell = DailyCount.objects.filter(source=daily.RESOLVED).order_by("day").first()
    assert cell is not None
    original = cell.pk
    cell.pk = None
    cell.save()
    daily.days_recount(daily.RESOLVED, cell.day, cell.day)
    same = DailyCount.objects.filter(source=daily.RESOLVED, day=cell.day, person_id=cell.person_id,
                                     centre_id=cell.centre_id)  # fmt: skip
    assert list(same.values_list("pk", flat=True)) == [original]
    _assert_same_as_raw(world, settings, build_workload)

    # The refresher stopped five days ago: those days come from the raw tables.
    RollupWatermark.objects.filter(name="daily_counts").update(changes_until=_days_ago(5))
    DailyCount.objects.filter(day__gte=clock.today() - dt.timedelta(days=4)).delete()
    _assert_same_as_raw(world, settings, build_workload)


def test_changed_days_are_recounted_as_runs_of_neighbours() -> None:
    """The refresher recounts neighbouring changed days together, never a day not changed."""
    d = dt.date
    days = [d(2026, 3, 2), d(2026, 3, 1), d(2026, 3, 3), d(2026, 3, 5), d(2025, 12, 31),
            d(2026, 1, 1), d(2026, 3, 3)]  # fmt: skip
    assert daily.day_runs(days) == [
        (d(2025, 12, 31), d(2026, 1, 1)),
        (d(2026, 3, 1), d(2026, 3, 3)),
        (d(2026, 3, 5), d(2026, 3, 5)),
    ]
    month = [d(2026, 1, 1) + dt.timedelta(days=n) for n in range(40)]
    assert daily.day_runs(month, longest=31) == [
        (d(2026, 1, 1), d(2026, 1, 31)),
        (d(2026, 2, 1), d(2026, 2, 9)),
    ]
    assert daily.day_runs([]) == []
