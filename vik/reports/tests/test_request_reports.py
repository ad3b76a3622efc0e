"""The request reports as documents: what a coordinator and a lead read, and where each number
links to."""

from __future__ import annotations

import dataclasses
import datetime as dt

from django.utils import translation

from vik.channels.core.choices import ChannelKind
from vik.conversations.choices import Status
from vik.core import clock
from vik.reports.builders import requests as builders
from vik.reports.figures.reference import reference_figures_sets
from vik.reports.filters import ReportFilters, Scope
from vik.reports.registry import report_get
from vik.reports.rollups import rollups_refresh
from vik.satisfaction.models import Rating

from .test_figures import NOW, at, make

APRIL = ReportFilters(
    date_from=dt.date(2026, 4, 1), date_to=dt.date(2026, 4, 30), granularity="week"
)


def _crafted(world):
    make(
        world,
        received=at("2026-04-14", "09:00"),
        origin_channel=ChannelKind.EMAIL,
        first_response_at=at("2026-04-14", "09:30"),
        status=Status.RESOLVED,
        resolved_at=at("2026-04-14", "11:00"),
    )
    rated = make(
        world,
        received=at("2026-04-15", "09:00"),
        origin_channel=ChannelKind.EMAIL,
        first_response_at=at("2026-04-15", "10:30"),
        status=Status.RESOLVED,
        resolved_at=at("2026-04-15", "13:00"),
    )
    Rating.objects.create(
        request=rated, score=2, channel=ChannelKind.EMAIL, answered_at=NOW, changed_at=NOW
    )
    make(
        world,
        received=at("2026-04-21", "09:00"),
        origin_channel=ChannelKind.PHONE,
        centre=world.centre_b,
        due_at=at("2026-04-22", "09:00"),
    )
    rollups_refresh()


def _rows(document, slug):
    section = next(item for item in document.sections if item.slug == slug)
    return section


def test_the_overview_in_czech_with_drill_down(world):
    _crafted(world)
    scope = Scope(region_id=world.region.pk, label="Kraj Vysočina")
    with translation.override("cs"), clock.travel(NOW):
        document = report_get("overview").build(APRIL, scope)
    assert document.drill_base == {
        "received_from": "2026-04-01", "received_to": "2026-04-30", "merged": "0",
    }  # fmt: skip
    assert ("Období", "1. 4. 2026 – 30. 4. 2026") in document.filters_description
    received = _rows(document, "received")
    assert [row["label"] for row in received.rows] == [
        "týden od 13. 4. 2026",
        "týden od 20. 4. 2026",
    ]
    assert [
        (row["channel_email"], row["channel_phone"], row["received"]) for row in received.rows
    ] == [
        (2, 0, 2),
        (0, 1, 1),
    ]
    assert received.row_drill[1] == {"received_from": "2026-04-20", "received_to": "2026-04-26"}
    assert received.chart.kind == "stacked_bar"
    assert received.summary == "V období přišly 3 požadavky, nejvíce: e-mail (67\u00a0%)."
    backlog = _rows(document, "backlog")
    assert [
        (row["label"], row["received"], row["open"], row["overdue"]) for row in backlog.rows
    ] == [
        ("Centrum jihlava", 2, 0, 0),
        ("Centrum trebic", 1, 1, 1),
    ]
    assert backlog.row_drill[1] == {"centre": str(world.centre_b.pk)}
    assert next(c for c in backlog.columns if c.key == "overdue").drill == {
        "status": "active",
        "due": "overdue",
    }
    times = _rows(document, "times")
    email = times.rows[0]
    assert (email["label"], email["first_response_median"], email["resolution_median"]) == (
        "e-mail",
        60.0,
        180.0,
    )
    satisfaction = _rows(document, "satisfaction")
    assert satisfaction.totals["rating_average"] == 2.0
    assert satisfaction.totals["rating_low"] == 1


def test_every_request_report_reads_the_same_from_the_rollup_and_the_raw_tables(world):
    _crafted(world)
    lead = Scope(region_id=world.region.pk, centre_ids=frozenset({world.centre_a.pk}))
    for slug in ("overview", "volume", "times", "sla", "satisfaction"):
        build = getattr(builders, slug)
        with clock.travel(NOW):
            ours = build(APRIL, lead)
            theirs = build(APRIL, lead, source=reference_figures_sets)
        assert [dataclasses.asdict(s) for s in ours.sections] == [
            dataclasses.asdict(s) for s in theirs.sections
        ]
        assert all(len(s.rows) == len(s.row_drill) for s in ours.sections)
        assert ours.sections and all(s.summary for s in ours.sections)
