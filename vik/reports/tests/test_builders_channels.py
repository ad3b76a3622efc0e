"""The calls and chats reports on crafted rows: exact figures, the reader's scope, Czech cells."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import translation

from vik.channels.chat.models import ChatSession, ChatState
from vik.channels.core.choices import ChannelKind
from vik.channels.core.models import ChannelAccount, InboundPayload
from vik.channels.phone.choices import CallBackSource, CallBackState, CallDirection, CallState
from vik.channels.phone.models import Call, CallBack, CallBackTry
from vik.contacts.models import Contact
from vik.conversations.choices import Direction
from vik.conversations.models import Interaction, Request
from vik.core.clock import PRAGUE
from vik.reports.builders.channels import build_calls, build_chats
from vik.reports.filters import ReportFilters, Scope
from vik.testing.personas import World

from .text import document_text, raw_codes_in

OCTOBER = ReportFilters(date_from=dt.date(2026, 10, 1), date_to=dt.date(2026, 10, 31))
NOON = dt.datetime(2026, 10, 14, 12, 0, tzinfo=PRAGUE)


@pytest.fixture(autouse=True)
def czech() -> Any:
    with translation.override("cs"):
        yield


def _call(world: World, account: ChannelAccount, n: int, **values: Any) -> Call:
    values.setdefault("started_at", NOON)
    values.setdefault("centre", world.centre_a)
    return Call.objects.create(account=account, region=world.region, call_id=f"c{n}", **values)


@pytest.fixture
def calls(world: World) -> ChannelAccount:
    """Centre A: 3 incoming calls (2 answered after 10 s and 40 s, talking 60 s and 180 s, by
    Alice; 1 missed) and 1 outgoing; centre B: 1 missed; another region: 1 answered."""
    line = ChannelAccount.objects.create(region=world.region, kind=ChannelKind.PHONE, name="l")
    seconds = dt.timedelta(seconds=1)
    _call(world, line, 1, state=CallState.ENDED, answered_at=NOON + 10 * seconds,
          duration_seconds=60, agent=world.alice)  # fmt: skip
    _call(world, line, 2, state=CallState.ENDED, answered_at=NOON + 40 * seconds,
          duration_seconds=180, agent=world.alice)  # fmt: skip
    _call(world, line, 3, state=CallState.MISSED)
    _call(world, line, 4, direction=CallDirection.OUT, state=CallState.ENDED,
          answered_at=NOON, duration_seconds=30, agent=world.alice)  # fmt: skip
    _call(world, line, 5, state=CallState.MISSED, centre=world.centre_b)
    _call(world, line, 6, state=CallState.MISSED, started_at=NOON - dt.timedelta(days=30))
    other = ChannelAccount.objects.create(
        region=world.other_region, kind=ChannelKind.PHONE, name="o"
    )
    Call.objects.create(
        account=other, region=world.other_region, centre=world.other_centre, call_id="x",
        started_at=NOON, answered_at=NOON, state=CallState.ENDED,
    )  # fmt: skip
    return line


def _section(document: Any, slug: str) -> Any:
    return next(section for section in document.sections if section.slug == slug)


def test_calls_region_figures(world: World, calls: ChannelAccount) -> None:
    document = build_calls(OCTOBER, Scope(region_id=world.region.pk))
    by_period = _section(document, "calls_by_period")
    assert [row["period"] for row in by_period.rows] == ["říjen 2026"]
    totals = by_period.totals
    assert totals["offered"] == 4 and totals["answered"] == 2 and totals["missed"] == 2
    assert totals["answer_rate"] == 0.5
    assert totals["wait_median"] == 25 and totals["wait_p90"] == 37
    assert totals["talk_average"] == 2.0  # (60 + 180) / 2 s = 2 min
    assert totals["outbound"] == 1
    by_centre = _section(document, "calls_by_centre")
    rows = {row["centre"]: row for row in by_centre.rows}
    assert set(rows) == {"Centrum jihlava", "Centrum trebic"}
    assert rows["Centrum jihlava"]["answer_rate"] == pytest.approx(2 / 3)
    assert rows["Centrum jihlava"]["wait_median"] == 25
    assert rows["Centrum trebic"]["missed"] == 1
    assert by_period.summary == (
        "Příchozí hovory: 4, přijato 2 (50,0\xa0%), nepřijato 2; medián čekání na přijetí 25 s; "
        "odchozí hovory: 1."
    )
    assert raw_codes_in(document) == []


def test_calls_lead_of_centre_a_sees_only_centre_a(world: World, calls: ChannelAccount) -> None:
    document = build_calls(
        OCTOBER, Scope(region_id=world.region.pk, centre_ids=frozenset({world.centre_a.pk}))
    )
    totals = _section(document, "calls_by_period").totals
    assert (totals["offered"], totals["answered"], totals["missed"]) == (3, 2, 1)
    assert totals["answer_rate"] == pytest.approx(2 / 3)
    assert [row["centre"] for row in _section(document, "calls_by_centre").rows] == [
        "Centrum jihlava"
    ]
    assert "66,7\xa0%" in _section(document, "calls_by_period").summary


def test_calls_agent_sees_own_calls(world: World, calls: ChannelAccount) -> None:
    bob = build_calls(OCTOBER, Scope(region_id=world.region.pk, agent_id=world.bob.pk))
    assert _section(bob, "calls_by_period").totals["offered"] == 0
    alice = build_calls(OCTOBER, Scope(region_id=world.region.pk, agent_id=world.alice.pk))
    assert _section(alice, "calls_by_period").totals["answered"] == 2


def test_callbacks(world: World, calls: ChannelAccount) -> None:
    def callback(n: int, state: str, hours: float | None, due: dt.datetime) -> CallBack:
        return CallBack.objects.create(
            region=world.region, centre=world.centre_a, source=CallBackSource.MISSED_CALL,
            number="+420777000000", reference=f"CB-{n}", state=state, due_at=due,
            closed_at=None if hours is None else NOON + dt.timedelta(hours=hours),
        )  # fmt: skip

    for n, (state, hours) in enumerate(
        [(CallBackState.REACHED, 1), (CallBackState.REACHED, 3), (CallBackState.GAVE_UP, 5),
         (CallBackState.OPEN, None)]
    ):  # fmt: skip
        made = callback(n, state, hours, NOON + dt.timedelta(hours=4))
        CallBack.objects.filter(pk=made.pk).update(created_at=NOON)
    CallBackTry.objects.create(callback=CallBack.objects.get(reference="CB-0"), by=world.alice,
                               reached=True, at=NOON)  # fmt: skip
    document = build_calls(OCTOBER, Scope(region_id=world.region.pk))
    totals = _section(document, "callbacks").totals
    assert totals == {"period": "Celkem", "requested": 4, "reached": 2, "gave_up": 1,
                      "waiting": 1, "overdue": 1, "done_median": 2.0}  # fmt: skip
    mine = build_calls(OCTOBER, Scope(region_id=world.region.pk, agent_id=world.alice.pk))
    assert _section(mine, "callbacks").totals["requested"] == 1


@pytest.fixture
def chats(world: World) -> None:
    """Centre A: 3 chats (accepted after 30 s and 90 s, lasting 10 and 20 min, rated 5 and 4;
    one left the queue); 1 offline message; centre B: 1 chat still waiting."""
    contact = Contact.objects.create(region=world.region, name="Jana")

    def request(n: int, centre: Any) -> Request:
        return Request.objects.create(
            region=world.region, reference=f"R-{n}", subject="?", requester=contact,
            origin_channel=ChannelKind.CHAT, centre=centre, created_at=NOON,
        )  # fmt: skip

    def chat(n: int, centre: Any, **values: Any) -> ChatSession:
        return ChatSession.objects.create(
            request=request(n, centre), centre=centre, queued_at=NOON, **values
        )

    second = dt.timedelta(seconds=1)
    chat(1, world.centre_a, state=ChatState.CLOSED, agent=world.alice,
         accepted_at=NOON + 30 * second, closed_at=NOON + 630 * second, rating=5)  # fmt: skip
    chat(2, world.centre_a, state=ChatState.CLOSED, agent=world.alice,
         accepted_at=NOON + 90 * second, closed_at=NOON + 1290 * second, rating=4)  # fmt: skip
    chat(3, world.centre_a, state=ChatState.CLOSED, closed_at=NOON + 300 * second)
    chat(4, world.centre_b, state=ChatState.WAITING)
    # Left offline: the widget's message stored as a raw payload of the chat account, made a
    # request of centre A.
    account = ChannelAccount.objects.create(region=world.region, kind=ChannelKind.CHAT, name="c")
    payload = InboundPayload.objects.create(
        account=account, idempotency_key="offline:1", content_type="application/json",
        body=b"{}", received_at=NOON,
    )  # fmt: skip
    Interaction.objects.create(
        request=request(5, world.centre_a), direction=Direction.INBOUND,
        channel=ChannelKind.CHAT, inbound_payload=payload, occurred_at=NOON,
    )  # fmt: skip


def test_chats_region_figures(world: World, chats: None) -> None:
    document = build_chats(OCTOBER, Scope(region_id=world.region.pk))
    totals = _section(document, "chats_by_period").totals
    assert totals == {
        "period": "Celkem", "started": 4, "accepted": 2, "left": 1, "accept_rate": 0.5,
        "offline": 1, "wait_median": 60, "wait_p90": 84, "duration_median": 15.0, "rating": 4.5,
    }  # fmt: skip
    rows = {row["centre"]: row for row in _section(document, "chats_by_centre").rows}
    assert rows["Centrum jihlava"]["started"] == 3 and rows["Centrum jihlava"]["offline"] == 1
    assert rows["Centrum trebic"]["started"] == 1 and rows["Centrum trebic"]["accepted"] == 0
    assert _section(document, "chats_by_period").summary == (
        "Zahájené chaty: 4, přijato 2 (50,0\xa0%), odešlo z fronty 1; zprávy mimo provoz: 1; "
        "medián čekání na přijetí 60 s; průměrné hodnocení 4,50."
    )
    assert raw_codes_in(document) == []


def test_chats_scope(world: World, chats: None) -> None:
    lead_b = build_chats(
        OCTOBER, Scope(region_id=world.region.pk, centre_ids=frozenset({world.centre_b.pk}))
    )
    assert _section(lead_b, "chats_by_period").totals["started"] == 1
    assert [row["centre"] for row in _section(lead_b, "chats_by_centre").rows] == ["Centrum trebic"]
    other = build_chats(OCTOBER, Scope(region_id=world.other_region.pk))
    assert _section(other, "chats_by_period").totals["started"] == 0
    alice = build_chats(OCTOBER, Scope(region_id=world.region.pk, agent_id=world.alice.pk))
    assert _section(alice, "chats_by_period").totals["accepted"] == 2
    assert _section(alice, "chats_by_period").totals["started"] == 2


def test_document_text_is_czech(world: World, calls: ChannelAccount, chats: None) -> None:
    text = document_text(build_calls(OCTOBER, Scope(region_id=world.region.pk)))
    assert "Hovory podle období" in text and "Příchozí hovory" in text
    text = document_text(build_chats(OCTOBER, Scope(region_id=world.region.pk)))
    assert "Chaty podle centra" in text
