"""The CTI webhook over HTTP against the running server, with the event sequences PBX bridges
send (Zammad's generic CTI format): every sequence leaves exactly the caller log it should, and
nothing twice; bad input is refused with a reason, a wrong token with 401, and the token never
reaches a log line or the audit log."""

from __future__ import annotations

import logging
import re
from typing import Any

import pytest
import requests
from django.test import Client

from vik.audit.models import AuditEvent
from vik.channels.phone.choices import CallBackState, CallState
from vik.channels.phone.models import BlockedNumber, Call, CallBack, CallEvent
from vik.channels.phone.services import cti_token_rotate
from vik.channels.phone.tests.conftest import (
    CENTRE_A_NUMBER,
    CENTRE_B_NUMBER,
    KNOWN_CALLER,
    Line,
    event,
    line_build,
)
from vik.core.logformat import MaskingFormatter
from vik.testing.personas import World

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def line(world: World) -> Line:
    return line_build(world)


def post(
    server: Any, token: str, data: dict[str, Any], *, as_json: bool = False
) -> requests.Response:
    url = f"{server.url}/api/v1/cti/{token}"
    if as_json:
        return requests.post(url, json=data, timeout=10)
    return requests.post(url, data=data, timeout=10)


def play(server: Any, line: Line, *events: dict[str, Any], as_json: bool = False) -> list[Any]:
    answers = []
    for item in events:
        response = post(server, line.token, item, as_json=as_json)
        assert response.status_code == 200, response.text
        answers.append(response.json())
    return answers


def caller_log(client: Client, user: Any) -> list[tuple[str, str]]:
    """The rows of the caller log as the user sees it: (call id, state)."""
    client.force_login(user)
    page = client.get("/staff/calls/").content.decode()
    return re.findall(r'data-call-id="([^"]*)"\s+data-state="([^"]*)"', page)


def test_an_answered_call(live_server: Any, world: World, line: Line, client: Client) -> None:
    answers = play(
        live_server,
        line,
        event("newCall", "c-1", **{"user[]": "Alice Test"}),
        event("answer", "c-1", answeringNumber="201"),
        event("hangup", "c-1", cause="normalClearing", answeringNumber="201"),
        as_json=True,
    )
    assert answers[1:] == [{}, {}]
    call = Call.objects.get()
    assert (call.state, call.agent, call.cause) == (CallState.ENDED, world.alice, "normalClearing")
    assert call.answered_at is not None and call.ended_at is not None
    assert call.duration_seconds == int((call.ended_at - call.answered_at).total_seconds())
    assert call.citizen_number == KNOWN_CALLER and call.contact == line.caller
    assert call.centre == world.centre_a
    assert CallEvent.objects.count() == 3 and not CallBack.objects.exists()
    assert caller_log(client, world.alice) == [("c-1", "ended")]
    assert caller_log(client, world.bob) == []  # another centre's call


def test_a_missed_call_becomes_a_call_back(
    live_server: Any, world: World, line: Line, client: Client
) -> None:
    play(
        live_server,
        line,
        event("newCall", "c-2", **{"user[]": "Alice Test"}),
        event("hangup", "c-2", cause="noAnswer"),
    )
    call = Call.objects.get()
    assert (call.state, call.agent, call.answered_at) == (CallState.MISSED, None, None)
    assert call.duration_seconds is not None
    callback = CallBack.objects.get()
    assert (callback.call, callback.number, callback.centre) == (call, KNOWN_CALLER, world.centre_a)
    assert callback.state == CallBackState.OPEN
    client.force_login(world.alice)
    page = client.get("/staff/calls/").content.decode()
    assert 'data-testid="call-back"' in page and f"tel:{KNOWN_CALLER}" in page
    assert caller_log(client, world.alice) == [("c-2", "missed")]


def test_a_group_call_rings_for_several_and_one_answers(
    live_server: Any, world: World, line: Line
) -> None:
    form = event("newCall", "c-3")
    form["user[]"] = ["Alice Test", "Bob Test"]
    play(live_server, line, form)
    call = Call.objects.get()
    assert set(call.ringing_for.all()) == {world.alice, world.bob}
    assert call.users == ["Alice Test", "Bob Test"]
    assert call.state == CallState.RINGING
    play(
        live_server,
        line,
        event("answer", "c-3", **{"user[]": "Bob Test"}),
        event("hangup", "c-3", cause="normalClearing"),
    )
    call.refresh_from_db()
    assert (call.state, call.agent) == (CallState.ENDED, world.bob)
    assert Call.objects.count() == 1


def test_a_transferred_call_is_not_missed(live_server: Any, world: World, line: Line) -> None:
    play(
        live_server,
        line,
        event("newCall", "c-4"),
        event("hangup", "c-4", cause="forwarded"),
    )
    call = Call.objects.get()
    assert (call.state, call.cause) == (CallState.ENDED, "forwarded")
    assert not CallBack.objects.exists()


def test_an_anonymous_caller(live_server: Any, world: World, line: Line, client: Client) -> None:
    answers = play(
        live_server,
        line,
        event("newCall", "c-5", **{"from": "anonymous"}),
        event("hangup", "c-5", cause="cancel", **{"from": "anonymous"}),
    )
    assert answers == [{}, {}]
    call = Call.objects.get()
    assert (call.state, call.citizen_number, call.contact) == (CallState.MISSED, "", None)
    assert not CallBack.objects.exists()  # nobody to call back
    client.force_login(world.carol)
    page = client.get("/staff/calls/").content.decode()
    assert 'data-testid="call-back"' not in page and "skryté číslo" in page


def test_events_out_of_order_make_the_same_call(
    live_server: Any, world: World, line: Line, client: Client
) -> None:
    play(
        live_server,
        line,
        event("hangup", "c-6", cause="normalClearing"),
        event("answer", "c-6", answeringNumber="201"),
        event("newCall", "c-6"),
    )
    call = Call.objects.get()
    assert (call.state, call.agent) == (CallState.ENDED, world.alice)
    assert call.answered_at is not None and call.ended_at is not None
    assert call.started_at <= call.answered_at <= call.ended_at
    assert not CallBack.objects.exists()
    assert caller_log(client, world.alice) == [("c-6", "ended")]


def test_a_repeated_event_changes_nothing(live_server: Any, world: World, line: Line) -> None:
    first = play(live_server, line, event("newCall", "c-7"))
    again = play(live_server, line, event("newCall", "c-7"))
    assert (
        first
        == again
        == [{"action": "dial", "number": CENTRE_A_NUMBER, "caller_id": KNOWN_CALLER.lstrip("+")}]
    )
    play(live_server, line, *[event("hangup", "c-7", cause="busy")] * 2)
    assert Call.objects.count() == 1 and CallBack.objects.count() == 1
    assert CallEvent.objects.count() == 2
    assert sorted(CallEvent.objects.values_list("event", "repeats")) == [
        ("hangup", 1),
        ("newCall", 1),
    ]


def test_a_hangup_of_an_unknown_call(
    live_server: Any, world: World, line: Line, client: Client
) -> None:
    play(live_server, line, event("hangup", "c-8", cause="noAnswer"))
    call = Call.objects.get()
    assert (call.state, call.contact, call.started_at) == (
        CallState.MISSED,
        line.caller,
        call.ended_at,
    )
    assert caller_log(client, world.carol) == [("c-8", "missed")]


def test_dial_the_centre_of_a_known_caller(live_server: Any, world: World, line: Line) -> None:
    assert play(live_server, line, event("newCall", "c-9"), as_json=True) == [
        {"action": "dial", "number": CENTRE_A_NUMBER, "caller_id": KNOWN_CALLER.lstrip("+")}
    ]


def test_dial_the_centre_chosen_in_the_ivr(live_server: Any, world: World, line: Line) -> None:
    stranger = event("newCall", "c-10", **{"from": "420603000111", "queue": "590266"})
    assert play(live_server, line, stranger) == [
        {"action": "dial", "number": CENTRE_B_NUMBER, "caller_id": "420603000111"}
    ]
    assert Call.objects.get().centre == world.centre_b
    # an unknown caller without a choice: the PBX's own plan
    assert play(live_server, line, event("newCall", "c-11", **{"from": "420603000112"})) == [{}]


def test_a_blocked_number_is_rejected(live_server: Any, world: World, line: Line) -> None:
    BlockedNumber.objects.create(region=world.region, number=KNOWN_CALLER)
    assert play(live_server, line, event("newCall", "c-12")) == [
        {"action": "reject", "reason": "busy"}
    ]


@pytest.mark.parametrize(
    ("data", "as_json", "reason"),
    [
        ({"from": "1", "callId": "x", "direction": "in"}, False, "event is missing"),
        (event("ring", "x"), False, "event must be one of newCall, answer, hangup, not 'ring'"),
        (event("newCall", ""), True, "callId is missing"),
        (event("newCall", "x" * 251), True, "callId is longer than 250 characters"),
        (event("newCall", "x", direction="sideways"), False, "direction must be in or out"),
        (event("hangup", "x", cause="fire"), False, "cause 'fire' is not one of"),
        (event("newCall", "x", **{"user": {"name": "a"}}), True, "user must be a string"),
        (event("newCall", "x", **{"from": "1\x002"}), True, "from contains control characters"),
        (event("hangup", "x", recordingUrl="file:///etc/passwd"), False, "recordingUrl must be"),
    ],
)
def test_bad_input_is_refused_with_a_reason(
    live_server: Any, world: World, line: Line, data: dict[str, Any], as_json: bool, reason: str
) -> None:
    response = post(live_server, line.token, data, as_json=as_json)
    assert response.status_code == 422
    assert response.json()["error"].startswith(reason)
    assert not CallEvent.objects.exists() and not Call.objects.exists()


def test_a_body_that_is_no_json_object(live_server: Any, world: World, line: Line) -> None:
    url = f"{live_server.url}/api/v1/cti/{line.token}"
    for body, reason in (
        (b"{not json", "the body is not valid JSON"),
        (b"[1, 2]", "the JSON body is not an object"),
        (b'\xff{"event": 1}', "the body is not UTF-8"),
    ):
        response = requests.post(
            url, data=body, headers={"Content-Type": "application/json"}, timeout=10
        )
        assert (response.status_code, response.json()) == (422, {"error": reason})
    assert not CallEvent.objects.exists()


def test_a_wrong_token_is_refused_and_the_token_is_never_logged(
    live_server: Any, world: World, line: Line, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    wrong = "Wr0ngTokenWr0ngTokenWr0ng"
    response = post(live_server, wrong, event("newCall", "c-13"))
    assert (response.status_code, response.json()) == (
        401,
        {"error": "Invalid token, please contact your admin!"},
    )
    assert not CallEvent.objects.exists()
    play(live_server, line, event("newCall", "c-14"), event("newCall", "c-14"))
    new_token = cti_token_rotate(account=line.account, by=world.carol)
    assert post(live_server, line.token, event("answer", "c-14")).status_code == 401
    assert post(live_server, new_token, event("answer", "c-14")).status_code == 200
    formatter = MaskingFormatter("%(name)s %(message)s")
    lines = "\n".join(formatter.format(record) for record in caplog.records)
    assert "/api/v1/cti/…" in lines  # django.request's "Unauthorized: /api/v1/cti/…"
    for secret in (wrong, line.token, new_token):
        assert secret not in lines
        assert not AuditEvent.objects.filter(details__icontains=secret[:12]).exists()


def test_the_rate_limit_counts_per_token(
    live_server: Any, world: World, line: Line, settings: Any
) -> None:
    settings.VIK_RATE_LIMITS = "cti=3/m"
    codes = [
        post(live_server, line.token, event("newCall", f"r-{i}")).status_code for i in range(4)
    ]
    assert codes == [200, 200, 200, 429]
    assert Call.objects.count() == 3


def test_a_multipart_post_is_read_as_a_form(live_server: Any, world: World, line: Line) -> None:
    fields = event("newCall", "c-15", **{"from": "420603000111", "queue": "590266"})
    parts = [(key, (None, str(value))) for key, value in fields.items()]
    parts += [("user[]", (None, "Alice Test")), ("user[]", (None, "Bob Test"))]
    response = requests.post(f"{live_server.url}/api/v1/cti/{line.token}", files=parts, timeout=10)
    assert response.json() == {
        "action": "dial",
        "number": CENTRE_B_NUMBER,
        "caller_id": "420603000111",
    }
    assert Call.objects.get().users == ["Alice Test", "Bob Test"]
