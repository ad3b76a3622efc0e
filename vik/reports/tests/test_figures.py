"""The request figures of the reports: exact numbers on crafted data, the same from the rollup
as from the raw tables, and the rollup kept exact by its refresher."""

from __future__ import annotations

import datetime as dt
import io
import random
import threading

import pytest
from django.core.management import call_command
from django.db import connection

from vik.channels.core.choices import ChannelKind
from vik.contacts.models import Contact
from vik.conversations.choices import Status
from vik.conversations.models import Request
from vik.core import clock
from vik.core.clock import PRAGUE
from vik.gdpr.services import contact_anonymise
from vik.reports.figures import ALL_METRICS, Figures, statutory_outcome
from vik.reports.figures import rollup as rollup_module
from vik.reports.figures.reference import reference_figures
from vik.reports.figures.rollup import rollup_figures, rollup_figures_sets
from vik.reports.filters import ReportFilters, Scope
from vik.reports.models import RequestFact
from vik.reports.rollups import (
    figures_differences,
    rollups_rebuild,
    rollups_refresh,
    rollups_refresh_due,
    rollups_verify,
)
from vik.satisfaction.models import Rating
from vik.sla import statutory as sla_statutory
from vik.territory.models import Municipality
from vik.topics.choices import RequestKind

NOW = dt.datetime(2026, 6, 15, 12, 0, tzinfo=PRAGUE)
SPRING = ReportFilters(date_from=dt.date(2026, 4, 1), date_to=dt.date(2026, 5, 31))


def at(day: str, time: str) -> dt.datetime:
    return dt.datetime.fromisoformat(f"{day}T{time}").replace(tzinfo=PRAGUE)


_counter = iter(range(1, 10_000))


def make(world, *, received, centre=None, contact=None, **fields) -> Request:
    number = next(_counter)
    contact = contact or Contact.objects.create(region=world.region, name=f"Občan {number}")
    values = {
        "region": world.region,
        "reference": f"T-{number:05d}",
        "subject": "Dotaz",
        "requester": contact,
        "origin_channel": ChannelKind.EMAIL,
        "centre": centre or world.centre_a,
        "status": Status.OPEN,
    } | fields
    request = Request.objects.create(**values)
    Request.objects.filter(pk=request.pk).update(created_at=received)
    request.refresh_from_db()
    return request


def both(filters, scope, by=()):
    """The figures from the rollup (refreshed first) and from the raw tables; asserts they agree."""
    rollups_refresh()
    rollup = rollup_figures(filters, scope, by, now=NOW)
    reference = reference_figures(filters, scope, by, now=NOW)
    assert figures_differences(rollup, reference) == []
    # Several groupings at once (one scan on PostgreSQL) give the same.
    sets = rollup_figures_sets(filters, scope, [(), by, ("kind",)], now=NOW)
    assert figures_differences(sets[by], reference) == []
    assert figures_differences(sets[()], reference_figures(filters, scope, (), now=NOW)) == []
    # The percentiles only where asked (a query of their own on PostgreSQL): the same figures
    # there, and elsewhere the same counts without percentiles.
    partial = rollup_figures_sets(filters, scope, [by, ("kind",)], percentiles=[by], now=NOW)
    assert figures_differences(partial[by], reference) == []
    by_kind = reference_figures(filters, scope, ("kind",), now=NOW)
    if by != ("kind",):
        for figures in by_kind.values():
            figures.first_response_median = figures.first_response_p90 = None
            figures.resolution_median = figures.resolution_p90 = None
    assert figures_differences(partial[("kind",)], by_kind) == []
    return rollup


def total(world, filters=SPRING, **scope) -> Figures:
    found = both(filters, Scope(region_id=world.region.pk, **scope))
    return found.get((), Figures())


def test_working_time_percentiles_are_exact_across_a_weekend_and_a_holiday(world):
    # Opening hours Monday to Friday 8:00–16:00 (the default); 1 May 2026 is a Friday holiday.
    answered = [
        (at("2026-04-14", "09:00"), at("2026-04-14", "09:10")),  # 10 minutes
        (at("2026-04-14", "09:00"), at("2026-04-14", "09:30")),  # 30
        (at("2026-04-30", "15:30"), at("2026-05-04", "08:30")),  # 30 + holiday + weekend + 30
        (at("2026-04-17", "15:00"), at("2026-04-20", "09:00")),  # Friday 60 + Monday 60
        (at("2026-04-15", "12:00"), at("2026-04-15", "15:20")),  # 200
    ]
    for received, response in answered:
        make(world, received=received, first_response_at=response)
    figures = total(world)
    assert figures.received == 5
    assert figures.first_response_count == 5
    # Sorted 10, 30, 60, 120, 200: the median is the middle one; p90 at position 0.9·4 = 3.6.
    assert figures.first_response_median == 60.0
    assert figures.first_response_p90 == 168.0
    by_month = both(SPRING, Scope(region_id=world.region.pk), ("period",))
    assert list(by_month) == [(dt.date(2026, 4, 1),)]  # all received in April


def test_percentiles_of_an_even_count_interpolate(world):
    for minutes in (10, 20, 40, 100):
        received = at("2026-04-14", "08:00")
        make(
            world,
            received=received,
            status=Status.RESOLVED,
            resolved_at=received + dt.timedelta(minutes=minutes),
        )
    figures = total(world)
    assert figures.resolved == 4
    assert figures.resolution_median == 30.0  # between 20 and 40
    assert figures.resolution_p90 == 82.0  # position 2.7: 40 + 0.7 · 60


def test_a_transferred_request_counts_once_at_the_centre_that_answered_it(world):
    request = make(world, received=at("2026-04-14", "09:00"))
    assert total(world, centre_ids=frozenset({world.centre_a.pk})).received == 1
    request.centre = world.centre_b
    request.first_response_at = at("2026-04-14", "10:00")
    request.save()
    assert total(world, centre_ids=frozenset({world.centre_a.pk})).received == 0
    at_b = total(world, centre_ids=frozenset({world.centre_b.pk}))
    assert (at_b.received, at_b.first_response_median) == (1, 60.0)
    assert total(world).received == 1


def test_a_reopened_request_counts_once_with_the_time_to_its_last_resolution(world):
    request = make(
        world,
        received=at("2026-04-14", "09:00"),
        status=Status.RESOLVED,
        resolved_at=at("2026-04-14", "10:00"),
    )
    assert (total(world).resolved, total(world).resolution_median) == (1, 60.0)
    request.status, request.resolved_at = Status.OPEN, None
    request.save()
    reopened = total(world)
    assert (reopened.received, reopened.resolved, reopened.open) == (1, 0, 1)
    assert reopened.resolution_median is None
    request.status, request.resolved_at = Status.RESOLVED, at("2026-04-15", "10:00")
    request.save()
    again = total(world)
    assert (again.received, again.resolved, again.open) == (1, 1, 0)
    assert again.resolution_median == 540.0  # 7 h on the 14th + 2 h on the 15th


def test_anonymised_contacts_are_still_counted_and_merged_away_requests_are_not(world):
    contact = Contact.objects.create(region=world.region, name="Jana Svobodová")
    kept = make(world, received=at("2026-04-14", "09:00"), contact=contact)
    make(
        world,
        received=at("2026-04-14", "09:00"),
        contact=contact,
        status=Status.RESOLVED,
        resolved_at=at("2026-04-14", "11:00"),
    )
    assert total(world).received == 2
    contact_anonymise(contact=contact, actor=None)
    assert Contact.objects.get(pk=contact.pk).name != "Jana Svobodová"
    assert (total(world).received, total(world).resolved) == (2, 1)
    merged = make(world, received=at("2026-04-15", "09:00"))
    assert total(world).received == 3
    merged.merged_into, merged.status = kept, Status.CLOSED
    merged.resolved_at = merged.closed_at = at("2026-04-15", "10:00")
    merged.save()
    figures = total(world)
    assert (figures.received, figures.resolved, figures.open) == (2, 1, 1)


def test_a_request_deleted_later_keeps_its_fact(world):
    request = make(world, received=at("2026-04-14", "09:00"))
    rollups_refresh()
    Request.objects.filter(pk=request.pk).delete()
    rollups_refresh()
    scope = Scope(region_id=world.region.pk)
    assert rollup_figures(SPRING, scope, now=NOW)[()].received == 1
    assert RequestFact.objects.filter(request_id=request.pk).exists()


def test_statutory_outcomes(world):
    info = {"kind": RequestKind.INFORMATION_REQUEST}
    make(
        world,
        received=at("2026-04-01", "09:00"),
        statutory_due_on=dt.date(2026, 4, 16),
        status=Status.RESOLVED,
        resolved_at=at("2026-04-16", "23:00"),
        **info,
    )
    make(
        world,
        received=at("2026-04-01", "09:00"),
        statutory_due_on=dt.date(2026, 4, 16),
        status=Status.CLOSED,
        resolved_at=at("2026-04-17", "08:00"),
        **info,
    )
    make(world, received=at("2026-05-20", "09:00"), statutory_due_on=dt.date(2026, 6, 4), **info)
    make(world, received=at("2026-05-31", "09:00"), statutory_due_on=dt.date(2026, 6, 15), **info)
    make(world, received=at("2026-05-31", "09:00"))  # no statutory deadline
    figures = total(world)
    # Provided on the last day (late evening, Prague); a day late; open after the day; open,
    # due today (15 June).
    assert (figures.statutory_met, figures.statutory_met_extended) == (1, 0)
    assert (figures.statutory_missed, figures.statutory_pending) == (2, 1)
    assert figures.statutory_in_time_share == 1 / 3


def test_statutory_outcome_with_an_extension():
    def outcome(provided, extended=True):
        return statutory_outcome(
            due_on=dt.date(2026, 5, 6),
            original_due_on=dt.date(2026, 4, 16),
            extended=extended,
            provided_on=provided,
            today=dt.date(2026, 5, 10),
        )

    assert outcome(dt.date(2026, 4, 16)) == "met"
    assert outcome(dt.date(2026, 5, 6)) == "met_extended"
    assert outcome(dt.date(2026, 5, 7)) == "missed"
    assert outcome(dt.date(2026, 5, 6), extended=False) == "missed"
    assert outcome(None) == "missed"


def test_service_levels_count_decided_targets(world):
    due = at("2026-04-14", "12:00")
    make(
        world,
        received=at("2026-04-14", "09:00"),
        first_response_due_at=due,
        first_response_at=at("2026-04-14", "11:00"),
    )
    make(
        world,
        received=at("2026-04-14", "09:00"),
        first_response_due_at=due,
        first_response_at=at("2026-04-14", "13:00"),
    )
    make(world, received=at("2026-04-14", "09:00"), first_response_due_at=due)  # missed, open
    make(
        world, received=at("2026-05-31", "09:00"), first_response_due_at=at("2026-06-20", "09:00")
    )  # not yet due
    figures = total(world)
    assert (figures.first_response_sla_met, figures.first_response_sla_total) == (1, 3)


def test_satisfaction_and_its_changes(world):
    for score, channel in (
        (5, ChannelKind.EMAIL),
        (4, ChannelKind.EMAIL),
        (2, ChannelKind.WEB),
        (1, ChannelKind.WEB),
    ):
        request = make(
            world,
            received=at("2026-04-14", "09:00"),
            origin_channel=channel,
            status=Status.RESOLVED,
            resolved_at=at("2026-04-14", "10:00"),
        )
        Rating.objects.create(
            request=request, score=score, channel=channel, answered_at=NOW, changed_at=NOW
        )
    make(world, received=at("2026-04-14", "09:00"))
    figures = total(world)
    assert (figures.rating_count, figures.rating_average) == (4, 3.0)
    assert (figures.rating_high, figures.rating_low, figures.rating_high_share) == (2, 2, 0.5)
    by_channel = both(SPRING, Scope(region_id=world.region.pk), ("channel",))
    assert by_channel[(ChannelKind.WEB,)].rating_average == 1.5
    rating = Rating.objects.get(score=1)
    rating.score, rating.changed_at = 5, dt.datetime.now(dt.UTC)
    rating.save()
    assert (
        both(SPRING, Scope(region_id=world.region.pk), ("channel",))[
            (ChannelKind.WEB,)
        ].rating_average
        == 3.5
    )


def test_the_refresher_is_idempotent_and_verify_agrees(world):
    make(world, received=at("2026-04-14", "09:00"), first_response_at=at("2026-04-14", "09:05"))
    assert rollups_refresh() == 1
    assert rollups_refresh() == 0
    assert rollups_rebuild().written == 0
    assert rollups_verify().ok


def test_scope_of_one_agent_and_of_one_centre(world):
    make(world, received=at("2026-04-14", "09:00"), assignee=world.alice)
    make(world, received=at("2026-04-14", "09:00"))
    make(world, received=at("2026-04-14", "09:00"), centre=world.centre_b)
    assert total(world, agent_id=world.alice.pk).received == 1
    assert total(world, centre_ids=frozenset({world.centre_a.pk})).received == 2


@pytest.mark.parametrize("seed", [1, 2])
def test_the_rollup_equals_the_raw_tables_on_random_changes(world, seed):
    rng = random.Random(seed)
    municipalities = list(Municipality.objects.filter(region=world.region)[:6])
    centres = [world.centre_a, world.centre_b, world.regional_centre]
    channels = [ChannelKind.EMAIL, ChannelKind.WEB, ChannelKind.PHONE]
    kinds = [RequestKind.INQUIRY, RequestKind.COMPLAINT, RequestKind.INFORMATION_REQUEST]
    requests: list[Request] = []
    scope = Scope(region_id=world.region.pk)
    filters = ReportFilters(
        date_from=dt.date(2026, 1, 1), date_to=dt.date(2026, 6, 30), granularity="week"
    )
    groupings = [
        (),
        ("period", "channel"),
        ("centre", "kind"),
        ("orp", "municipality"),
        ("topic", "agent"),
    ]
    for _round in range(4):
        for _ in range(15):
            received = at("2026-01-05", "07:00") + dt.timedelta(
                days=rng.randrange(160), minutes=rng.randrange(600)
            )
            kind = rng.choice(kinds)
            requests.append(
                make(
                    world,
                    received=received,
                    centre=rng.choice(centres),
                    origin_channel=rng.choice(channels),
                    kind=kind,
                    municipality=rng.choice(municipalities),
                    first_response_due_at=received + dt.timedelta(hours=rng.randrange(1, 60)),
                    resolution_due_at=received + dt.timedelta(days=rng.randrange(1, 9)),
                    statutory_due_on=(received + dt.timedelta(days=15)).date()
                    if kind == RequestKind.INFORMATION_REQUEST
                    else None,
                )
            )
        for request in rng.sample(requests, min(len(requests), 20)):
            request.refresh_from_db()
            if request.merged_into_id:
                continue
            action = rng.choice(
                ["respond", "resolve", "reopen", "transfer", "merge", "rate", "anonymise", "assign"]
            )
            later = request.created_at + dt.timedelta(hours=rng.randrange(1, 300))
            if action == "respond":
                request.first_response_at = later
            elif action == "resolve":
                request.status, request.resolved_at = Status.RESOLVED, later
            elif action == "reopen":
                request.status, request.resolved_at = Status.OPEN, None
            elif action == "transfer":
                request.centre = rng.choice(centres)
            elif action == "merge":
                target = rng.choice(requests)
                if target.pk != request.pk:
                    request.merged_into, request.status = target, Status.CLOSED
                    request.resolved_at = request.closed_at = later
            elif action == "rate":
                Rating.objects.update_or_create(
                    request=request,
                    defaults={
                        "score": rng.randint(1, 5),
                        "channel": request.origin_channel,
                        "answered_at": later,
                        "changed_at": dt.datetime.now(dt.UTC),
                    },
                )
            elif action == "anonymise" and request.kind != RequestKind.INFORMATION_REQUEST:
                contact_anonymise(contact=request.requester, actor=None)
            elif action == "assign":
                request.assignee = rng.choice([world.alice, world.bob, None])
            request.save()
        for by in groupings:
            both(filters, scope, by)
    assert rollups_refresh() == 0
    assert rollups_verify().ok


@pytest.mark.django_db(transaction=True)
def test_the_queries_run_at_once_give_the_numbers_of_one_after_the_other(
    world, settings, monkeypatch
):
    """Outside a transaction (as a report page runs) the counts and each lane's percentiles are
    read on connections of their own at once (PostgreSQL): the same exact numbers as the raw
    tables and as the queries one after the other, for the overview's and the times report's
    groupings."""
    rng = random.Random(7)
    centres = [world.centre_a, world.centre_b, world.regional_centre]
    channels = [ChannelKind.EMAIL, ChannelKind.WEB, ChannelKind.PHONE]
    for number in range(40):
        received = at("2026-04-01", "07:30") + dt.timedelta(
            days=rng.randrange(55), minutes=rng.randrange(540)
        )
        request = make(
            world,
            received=received,
            centre=centres[number % 3],
            origin_channel=rng.choice(channels),
            first_response_due_at=received + dt.timedelta(hours=rng.randrange(1, 40)),
        )
        if number % 4:
            request.first_response_at = received + dt.timedelta(minutes=rng.randrange(5, 3000))
        if number % 3 == 0:
            request.status = Status.RESOLVED
            request.resolved_at = received + dt.timedelta(minutes=rng.randrange(60, 9000))
        request.save()
    rollups_refresh()
    scope = Scope(region_id=world.region.pk)
    threads: set[str] = set()
    grouping_sets = rollup_module._grouping_sets

    def spied(*args, **kwargs):
        threads.add(threading.current_thread().name)
        return grouping_sets(*args, **kwargs)

    monkeypatch.setattr(rollup_module, "_grouping_sets", spied)
    times = [(), ("centre",), ("channel",), ("period",)]
    overview = [(), ("channel",), ("centre",), ("kind",)]
    for groupings, metrics, percentiles in (
        (times, frozenset({"times"}), None),
        (overview, ALL_METRICS, [(), ("channel",)]),
        (overview, frozenset({"volume"}), None),  # counts only: the groupings shared out
    ):
        settings.VIK_REPORTS_QUERY_LANES = 2
        at_once = rollup_figures_sets(
            SPRING, scope, groupings, metrics=metrics, percentiles=percentiles, now=NOW
        )
        settings.VIK_REPORTS_QUERY_LANES = 1
        serial = rollup_figures_sets(
            SPRING, scope, groupings, metrics=metrics, percentiles=percentiles, now=NOW
        )
        for by in groupings:
            assert figures_differences(at_once[by], serial[by]) == []
            reference = reference_figures(SPRING, scope, by, now=NOW)
            if "times" not in metrics or (percentiles is not None and by not in percentiles):
                for figures in reference.values():
                    figures.first_response_median = figures.first_response_p90 = None
                    figures.resolution_median = figures.resolution_p90 = None
            names = ["received"]
            names += ["first_response_median", "resolution_p90"] if "times" in metrics else []
            names += ["resolved", "open", "overdue"] if "volume" in metrics else []
            assert set(at_once[by]) == set(reference)
            for key, figures in reference.items():
                for name in names:
                    assert getattr(at_once[by][key], name) == getattr(figures, name), (by, name)
        if "times" in metrics:
            assert at_once[()][()].first_response_median is not None
    if connection.vendor == "postgresql":
        assert any(name.startswith("vik-report") for name in threads), threads


def test_the_periodic_job_refreshes_once_per_interval(world, settings):
    settings.VIK_REPORTS_REFRESH_SECONDS = 60
    make(world, received=at("2026-04-14", "09:00"))
    assert rollups_refresh_due() == 1
    make(world, received=at("2026-04-14", "10:00"))
    assert rollups_refresh_due() == 0  # not due yet: the next worker's call does nothing
    assert RequestFact.objects.count() == 1
    with clock.travel(dt.datetime.now(dt.UTC) + dt.timedelta(seconds=61)):
        assert rollups_refresh_due() == 1
    assert RequestFact.objects.count() == 2


def test_vik_reports_rebuild_and_verify(world):
    request = make(world, received=at("2026-04-14", "09:00"))
    out = io.StringIO()
    call_command("reports", "rebuild", stdout=out)
    assert out.getvalue().startswith("1 requests, 1 facts written")
    out = io.StringIO()
    call_command("reports", "verify", stdout=out)
    assert "1 facts checked: the rollup agrees with the raw tables" in out.getvalue()
    # A change the refresher has not seen yet is a difference verify reports.
    Request.objects.filter(pk=request.pk).update(status=Status.RESOLVED, resolved_at=NOW)
    out = io.StringIO()
    with pytest.raises(SystemExit):
        call_command("reports", "verify", stdout=out)
    assert f"request {request.pk}: the fact differs from the request" in out.getvalue()


@pytest.mark.parametrize(
    ("original", "extended", "provided", "today"),
    [
        (dt.date(2026, 3, 16), None, dt.date(2026, 3, 16), dt.date(2026, 4, 1)),
        (dt.date(2026, 3, 16), None, dt.date(2026, 3, 17), dt.date(2026, 4, 1)),
        (dt.date(2026, 3, 16), None, None, dt.date(2026, 3, 16)),
        (dt.date(2026, 3, 16), None, None, dt.date(2026, 3, 17)),
        (dt.date(2026, 3, 16), dt.date(2026, 3, 26), dt.date(2026, 3, 26), dt.date(2026, 4, 1)),
        (dt.date(2026, 3, 16), dt.date(2026, 3, 26), dt.date(2026, 3, 27), dt.date(2026, 4, 1)),
        (dt.date(2026, 3, 16), dt.date(2026, 3, 26), None, dt.date(2026, 3, 20)),
        (dt.date(2026, 3, 16), dt.date(2026, 3, 26), None, dt.date(2026, 3, 27)),
    ],
)
def test_the_reports_classify_statutory_deadlines_as_the_request_does(
    original, extended, provided, today
):
    """The rollup's date-based classification agrees with `vik.sla.statutory`'s."""
    noon = (
        dt.datetime.combine(provided, dt.time(12), tzinfo=PRAGUE) if provided is not None else None
    )
    shared = sla_statutory.statutory_outcome(
        original_due_on=original, extended_due_on=extended, provided_at=noon, today=today
    )
    ours = statutory_outcome(
        due_on=extended or original,
        original_due_on=original,
        extended=extended is not None,
        provided_on=provided,
        today=today,
    )
    assert ours == shared
