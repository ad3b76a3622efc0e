"""The workload and knowledge reports on crafted rows: exact figures per person, an agent sees
only their own row, Czech labels."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import translation

from vik.channels.core.choices import ChannelKind
from vik.contacts.models import Contact
from vik.conversations.choices import Direction
from vik.conversations.models import Interaction, Request
from vik.core.clock import PRAGUE
from vik.knowledge.choices import UsageKind, UsageWhere
from vik.knowledge.models import UsageEvent
from vik.reports.builders.knowledge import build_knowledge
from vik.reports.builders.workload import build_workload
from vik.reports.filters import ReportFilters, Scope
from vik.testing.personas import World

from .text import document_text, raw_codes_in

OCTOBER = ReportFilters(date_from=dt.date(2026, 10, 1), date_to=dt.date(2026, 10, 31))
# Wednesday 14 October 2026, 9:00 in Prague: inside the default working hours 8–16.
MORNING = dt.datetime(2026, 10, 14, 9, 0, tzinfo=PRAGUE)


@pytest.fixture(autouse=True)
def czech() -> Any:
    with translation.override("cs"):
        yield


@pytest.fixture
def work(world: World) -> None:
    """Alice: 2 requests received in October, answered after 30 and 90 working minutes (one
    resolved), 1 more open from September, 3 public replies in October; Bob: 1 open request."""
    contact = Contact.objects.create(region=world.region, name="Jana")

    def request(n: int, who: Any, centre: Any, received: dt.datetime, **values: Any) -> Request:
        return Request.objects.create(
            region=world.region, reference=f"R-{n}", subject="?", requester=contact,
            origin_channel=ChannelKind.EMAIL, centre=centre, assignee=who, created_at=received,
            **values,
        )  # fmt: skip

    minutes = dt.timedelta(minutes=1)
    first = request(1, world.alice, world.centre_a, MORNING, status="open",
                    first_response_at=MORNING + 30 * minutes)  # fmt: skip
    request(2, world.alice, world.centre_a, MORNING, status="resolved",
            first_response_at=MORNING + 90 * minutes,
            resolved_at=MORNING + 120 * minutes)  # fmt: skip
    request(3, world.alice, world.centre_a, MORNING - dt.timedelta(days=30), status="new")
    request(4, world.bob, world.centre_b, MORNING, status="waiting_citizen")
    for n in range(3):
        Interaction.objects.create(
            request=first, direction=Direction.OUTBOUND, channel=ChannelKind.EMAIL,
            author=world.alice, occurred_at=MORNING + n * minutes,
        )  # fmt: skip
    Interaction.objects.create(
        request=first, direction=Direction.OUTBOUND, channel=ChannelKind.EMAIL,
        author=world.alice, occurred_at=MORNING, is_automatic=True,
    )  # fmt: skip


def test_workload_per_person(world: World, work: None) -> None:
    document = build_workload(OCTOBER, Scope(region_id=world.region.pk))
    section = document.sections[0]
    rows = {row["person"]: row for row in section.rows}
    assert rows["Alice Test"] == {
        "person": "Alice Test", "centres": "Centrum jihlava", "open_now": 2, "resolved": 1,
        "replies": 3, "first_response": 60, "chats": 0, "calls": 0,
    }  # fmt: skip
    assert rows["Bob Test"]["open_now"] == 1 and rows["Bob Test"]["first_response"] is None
    assert (section.totals or {})["open_now"] == 3
    index = [row["person"] for row in section.rows].index("Alice Test")
    assert section.row_drill[index] == {"assignee": str(world.alice.pk)}
    assert "Pracovník" in document_text(document)
    assert raw_codes_in(document) == []


def test_workload_agent_sees_only_own_row(world: World, work: None) -> None:
    document = build_workload(OCTOBER, Scope(region_id=world.region.pk, agent_id=world.bob.pk))
    assert [row["person"] for row in document.sections[0].rows] == ["Bob Test"]
    lead_a = build_workload(
        OCTOBER, Scope(region_id=world.region.pk, centre_ids=frozenset({world.centre_a.pk}))
    )
    assert [row["person"] for row in lead_a.sections[0].rows] == ["Alice Test"]


def test_knowledge_usage(world: World) -> None:
    def event(kind: str, centre: Any, **values: Any) -> None:
        made = UsageEvent.objects.create(kind=kind, where=UsageWhere.PORTAL, centre=centre,
                                         created_at=MORNING, **values)  # fmt: skip
        assert made.pk

    for _n in range(4):
        event(UsageKind.SEARCH, world.centre_a)
    event(UsageKind.SEARCH_EMPTY, world.centre_a, query="psi poplatek")
    event(UsageKind.SEARCH_EMPTY, world.centre_b, query="psi poplatek")
    event(UsageKind.DEFLECTED, world.centre_a)
    event(UsageKind.SEARCH, world.other_centre)
    document = build_knowledge(OCTOBER, Scope(region_id=world.region.pk))
    totals = document.sections[0].totals or {}
    assert (totals["searches_found"], totals["searches_empty"], totals["deflected"]) == (4, 2, 1)
    searches = document.sections[-1]
    assert searches.rows == [{"query": "psi poplatek", "count": 2}]
    assert "33,3\xa0%" in document.sections[0].summary
    lead_b = build_knowledge(
        OCTOBER, Scope(region_id=world.region.pk, centre_ids=frozenset({world.centre_b.pk}))
    )
    assert (lead_b.sections[0].totals or {})["searches_empty"] == 1
    assert (lead_b.sections[0].totals or {})["searches_found"] == 0
    assert "Využití znalostní báze" in document_text(document)
