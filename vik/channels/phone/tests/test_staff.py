"""The clerks' side of the phone line: the pop-up, recording a call on a request, the caller
log's filters and hours, call-backs (from missed calls and the portal's form) and their tries."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from vik.abuse.guard import stamp_make
from vik.audit.models import AuditEvent
from vik.channels.core.choices import ChannelKind
from vik.channels.core.models import ChannelAccount, OutboundMessage
from vik.channels.phone.choices import CallBackSource, CallBackState, CallState
from vik.channels.phone.cti import CtiInput
from vik.channels.phone.models import Call, CallBack, CallBackTry
from vik.channels.phone.services import cti_event_receive
from vik.conversations.choices import Direction
from vik.conversations.models import Interaction
from vik.tenancy.middleware import PASSIVE_URL_NAMES
from vik.testing.personas import World

from .conftest import KNOWN_CALLER, Line, event

pytestmark = pytest.mark.django_db


def receive(line: Line, name: str, call_id: str, **fields: Any) -> dict[str, Any]:
    data = event(name, call_id, **fields)
    users = data.pop("user[]", [])
    return cti_event_receive(
        account=line.account,
        data=CtiInput(
            event=data["event"],
            call_id=call_id,
            direction=data["direction"],
            from_number=data["from"],
            to_number=data["to"],
            users=tuple([users] if isinstance(users, str) else users),
            answering_number=data.get("answeringNumber", ""),
            cause=data.get("cause", ""),
            queue=data.get("queue", ""),
            recording_url=data.get("recordingUrl", ""),
        ),
        body=b"{}",
        content_type="application/json",
    )


def test_the_pop_up_shows_the_caller_to_the_agent_it_rings_for(
    world: World, line: Line, client: Client
) -> None:
    client.force_login(world.alice)
    client.get("/staff/calls/popup")  # the first request of a session writes its start
    with CaptureQueriesContext(connection) as idle:
        assert client.get("/staff/calls/popup").content.strip() == b""
    # the session, the user, the second-factor check, and the one query for a ringing call
    assert len(idle) == 4, "\n".join(q["sql"][:150] for q in idle)
    assert "phone_channel_call" in idle[-1]["sql"]
    receive(line, "newCall", "p-1", **{"user[]": "Alice Test"})
    page = client.get("/staff/calls/popup").content.decode()
    assert 'data-testid="call-popup"' in page
    assert "Jana Dvořáková" in page and "Jihlava" in page
    assert line.caller_request.reference in page  # the open request, to record the call on
    call = Call.objects.get()
    assert (
        f"/staff/requests/new/?channel=phone&amp;phone=%2B420777111222&amp;call={call.pk}" in page
    )
    client.force_login(world.bob)
    assert 'data-testid="call-popup"' not in client.get("/staff/calls/popup").content.decode()
    # answered by alice: still hers until it is recorded; not bob's
    receive(line, "answer", "p-1", answeringNumber="201")
    client.force_login(world.alice)
    assert 'data-testid="call-popup"' in client.get("/staff/calls/popup").content.decode()


def test_the_polls_are_not_activity() -> None:
    assert {"staff:call_popup", "staff:call_log_rows"} <= PASSIVE_URL_NAMES


def test_recording_a_call_on_a_request(world: World, line: Line, client: Client) -> None:
    receive(line, "newCall", "p-2", **{"user[]": "Alice Test"})
    receive(line, "answer", "p-2", answeringNumber="201")
    receive(
        line, "hangup", "p-2", cause="normalClearing", recordingUrl="https://pbx.example/r/1.mp3"
    )
    call = Call.objects.get()
    client.force_login(world.bob)
    response = client.post(
        f"/staff/calls/{call.pk}/record", {"request": line.caller_request.reference}
    )
    assert response.status_code == 404  # centre B does not see centre A's calls
    assert not Interaction.objects.filter(channel=ChannelKind.PHONE).exists()
    client.force_login(world.alice)
    response = client.post(
        f"/staff/calls/{call.pk}/record",
        {"request": line.caller_request.reference, "summary": "Ptala se na termín."},
    )
    assert response.status_code == 302
    interaction = Interaction.objects.get(channel=ChannelKind.PHONE)
    assert (interaction.request, interaction.direction, interaction.author) == (
        line.caller_request,
        Direction.INBOUND,
        world.alice,
    )
    assert "https://pbx.example/r/1.mp3" in interaction.text
    assert "Ptala se na termín." in interaction.text and "Alice Test" in interaction.text
    call.refresh_from_db()
    assert (call.request, call.interaction, call.summary) == (
        line.caller_request,
        interaction,
        "Ptala se na termín.",
    )
    again = client.post(
        f"/staff/calls/{call.pk}/record", {"request": line.caller_request.reference}
    )
    assert again.status_code == 400
    assert Interaction.objects.filter(channel=ChannelKind.PHONE).count() == 1


def test_the_caller_log_filters_and_hours(world: World, line: Line, client: Client) -> None:
    receive(line, "newCall", "p-3", **{"user[]": "Alice Test"})
    receive(line, "answer", "p-3", answeringNumber="201")
    receive(line, "newCall", "p-4", **{"from": "420603000111", "queue": "586846"})
    receive(line, "hangup", "p-4", **{"from": "420603000111", "cause": "noAnswer"})
    client.force_login(world.alice)
    page = client.get("/staff/calls/").content.decode()
    assert page.count('data-testid="call-row"') == 2
    assert "2 hovory, zmeškané: 1" in page
    by_agent = client.get(f"/staff/calls/?agent={world.alice.pk}").content.decode()
    assert by_agent.count('data-testid="call-row"') == 1 and 'data-call-id="p-3"' in by_agent
    by_number = client.get("/staff/calls/?number=603 000 111").content.decode()
    assert by_number.count('data-testid="call-row"') == 1 and 'data-call-id="p-4"' in by_number
    other_day = client.get("/staff/calls/?day=2020-01-01").content.decode()
    assert 'data-testid="call-row"' not in other_day
    rows = client.get("/staff/calls/rows").content.decode()
    assert rows.count('data-testid="call-row"') == 2


def test_call_backs_are_tried_then_given_up_with_a_note(
    world: World, line: Line, client: Client, settings: Any
) -> None:
    settings.VIK_PHONE_CALLBACK_TRIES = 2
    receive(line, "newCall", "p-5")
    receive(line, "hangup", "p-5", cause="noAnswer")
    callback = CallBack.objects.get()
    assert callback.source == CallBackSource.MISSED_CALL
    client.force_login(world.bob)
    client.post(f"/staff/callbacks/{callback.pk}/try", {"reached": "0"})
    assert not CallBackTry.objects.exists()  # not bob's centre: nothing happened
    client.force_login(world.alice)
    page = client.get("/staff/callbacks/").content.decode()
    assert callback.reference in page
    client.post(f"/staff/callbacks/{callback.pk}/try", {"reached": "0", "note": "obsazeno"})
    callback.refresh_from_db()
    assert (callback.tries, callback.state) == (1, CallBackState.OPEN)
    client.post(f"/staff/callbacks/{callback.pk}/try", {"reached": "0"})
    callback.refresh_from_db()
    assert (callback.tries, callback.state) == (2, CallBackState.GAVE_UP)
    assert callback.give_up_note == "no_sms_account"
    assert not OutboundMessage.objects.exists()
    page = client.get("/staff/callbacks/").content.decode()
    assert f'data-reference="{callback.reference}"' not in page
    assert "no SMS account" in page or "nemá účet SMS" in page


def test_a_call_back_given_up_texts_the_request_reference(
    world: World, line: Line, client: Client, settings: Any
) -> None:
    settings.VIK_PHONE_CALLBACK_TRIES = 1
    sms = ChannelAccount.objects.create(region=world.region, kind=ChannelKind.SMS, name="sms-vys")
    receive(line, "newCall", "p-6")
    receive(line, "hangup", "p-6", cause="busy")
    call = Call.objects.get()
    call.request = line.caller_request
    call.save()
    client.force_login(world.alice)
    client.post(f"/staff/callbacks/{call.callback.pk}/try", {"reached": "0"})
    message = OutboundMessage.objects.get()
    assert (message.account, message.recipient) == (sms, KNOWN_CALLER)
    assert line.caller_request.reference in message.interaction.text


def test_reached_closes_the_call_back(world: World, line: Line, client: Client) -> None:
    receive(line, "newCall", "p-7")
    receive(line, "hangup", "p-7", cause="cancel")
    callback = CallBack.objects.get()
    client.force_login(world.alice)
    client.post(f"/staff/callbacks/{callback.pk}/try", {"reached": "1"})
    callback.refresh_from_db()
    assert (callback.state, callback.tries) == (CallBackState.REACHED, 1)
    assert Call.objects.get().state == CallState.MISSED


def test_the_portal_call_me_back_form(world: World, line: Line, client: Client) -> None:
    page = client.get("/zavolejte-mi/")
    assert page.status_code == 200 and 'data-testid="callback-form"' in page.content.decode()
    form = {
        "number": "603 000 111",
        "preferred_time": "po 14. hodině",
        "topic": "",
        "region": world.region.pk,
        "website": "",
        "vik_shown": page.context["guard"].stamp,
    }
    response = client.post("/zavolejte-mi/", form)
    assert response.status_code == 302
    callback = CallBack.objects.get()
    assert (callback.source, callback.number, callback.preferred_time) == (
        CallBackSource.PORTAL,
        "+420603000111",
        "po 14. hodině",
    )
    sent = client.get(response["Location"]).content.decode()
    assert callback.reference in sent
    bad = client.post("/zavolejte-mi/", {**form, "number": "12"})
    assert bad.status_code == 200 and CallBack.objects.count() == 1
    empty = client.post("/zavolejte-mi/", {**form, "number": ""}).content.decode()
    assert "Napište číslo, na které vám máme zavolat" in empty
    assert "Toto pole je třeba vyplnit" not in empty
    robot = client.post("/zavolejte-mi/", {**form, "website": "http://spam"})
    assert robot.status_code == 302 and CallBack.objects.count() == 1


def test_the_portal_form_is_rate_limited(
    world: World, line: Line, client: Client, settings: Any
) -> None:
    settings.VIK_RATE_LIMITS = "callback=1/10m"
    form = {
        "number": "603000111",
        "region": world.region.pk,
        "website": "",
        "vik_shown": stamp_make(),
    }
    assert client.post("/zavolejte-mi/", form).status_code == 302
    refused = client.post("/zavolejte-mi/", {**form, "number": "603000112"})
    assert refused.status_code == 429 and refused["Retry-After"]
    assert CallBack.objects.count() == 1


def test_rotating_the_token_from_the_command_line(world: World, line: Line, client: Client) -> None:
    out = io.StringIO()
    call_command("phone", "rotate-token", "--account", "linka-vys", stdout=out)
    url = out.getvalue().strip().splitlines()[-1]
    token = url.rsplit("/", 1)[1]
    assert url.endswith(f"/api/v1/cti/{token}") and token != line.token
    assert client.post(f"/api/v1/cti/{line.token}", event("newCall", "t-1")).status_code == 401
    assert client.post(f"/api/v1/cti/{token}", event("newCall", "t-1")).status_code == 200
    audit = AuditEvent.objects.filter(action="phone.token_rotated").order_by("-pk").first()
    assert audit is not None and audit.details == {"hint": token[-4:]}
    with pytest.raises(CommandError):
        call_command("phone", "rotate-token", "--account", "web-vys")


def test_a_coordinator_rotates_the_token_on_the_lines_page_and_sees_it_once(
    world: World, line: Line
) -> None:
    carol = Client(enforce_csrf_checks=True)
    carol.force_login(world.carol)
    page = carol.get("/staff/calls/lines/")
    html = page.content.decode()
    assert f"Token končící …{line.token[-4:]}" in html and line.token not in html
    csrf = page.cookies["csrftoken"].value
    url = f"/staff/calls/lines/{line.account.pk}/rotate-token"
    assert carol.post(url, {"confirm": "1"}).status_code == 403  # no CSRF token
    unconfirmed = carol.post(url, {"csrfmiddlewaretoken": csrf}, follow=True)
    assert "Nejprve potvrďte" in unconfirmed.content.decode()
    assert carol.post(f"/api/v1/cti/{line.token}", event("newCall", "t-0")).status_code == 200

    answer = carol.post(url, {"confirm": "1", "csrfmiddlewaretoken": csrf})
    html = answer.content.decode()
    assert answer.status_code == 200 and "no-store" in answer["Cache-Control"]
    token = html.split("/api/v1/cti/", 1)[1].split('"', 1)[0]
    assert token != line.token and "Zkopírujte si ji hned" in html
    assert Client().post(f"/api/v1/cti/{line.token}", event("newCall", "t-1")).status_code == 401
    assert Client().post(f"/api/v1/cti/{token}", event("newCall", "t-2")).status_code == 200
    audit = AuditEvent.objects.filter(action="phone.token_rotated").order_by("-pk").first()
    assert audit is not None and audit.actor_id == world.carol.pk
    assert audit.details == {"hint": token[-4:]} and token not in str(audit.__dict__)
    # Shown once: the page read again has only its last characters.
    again = carol.get("/staff/calls/lines/").content.decode()
    assert token not in again and f"…{token[-4:]}" in again


def test_an_agent_and_another_regions_coordinator_may_not_rotate_the_token(
    world: World, line: Line, client: Client
) -> None:
    url = f"/staff/calls/lines/{line.account.pk}/rotate-token"
    client.force_login(world.alice)  # an agent
    assert client.get("/staff/calls/lines/").status_code == 403
    assert "lines-link" not in client.get("/staff/calls/").content.decode()
    assert client.post(url, {"confirm": "1"}).status_code == 403
    client.force_login(world.dave)  # a coordinator of another region
    assert client.post(url, {"confirm": "1"}).status_code == 403
    assert 'data-testid="token-account"' not in client.get("/staff/calls/lines/").content.decode()
    # Nothing happened: the old token still works, no rotation is in the audit log.
    assert client.post(f"/api/v1/cti/{line.token}", event("newCall", "t-1")).status_code == 200
    assert AuditEvent.objects.filter(action="phone.token_rotated", actor__isnull=False).count() == 0


def test_the_caller_log_reads_the_same_for_two_calls_or_six(
    world: World, line: Line, client: Client
) -> None:
    client.force_login(world.alice)

    def queries_with(calls: int) -> int:
        for index in range(Call.objects.count(), calls):
            receive(line, "newCall", f"q-{index}", **{"user[]": "Alice Test"})
            receive(line, "hangup", f"q-{index}", cause="noAnswer")
        client.get("/staff/calls/")
        with CaptureQueriesContext(connection) as queries:
            page = client.get("/staff/calls/").content.decode()
        assert page.count('data-testid="call-row"') == calls
        return len(queries)

    assert queries_with(2) == queries_with(6)


def test_the_call_me_back_form_shows_its_errors_like_the_question_form(
    world: World, line: Line, client: Client
) -> None:
    """The design system's form: an error summary first (focused, each error a link to its
    field), the error beside the field, the field described by it; the topic says "— nevím —"."""
    page = client.get("/zavolejte-mi/")
    html = page.content.decode()
    assert 'class="vik-form gov-form"' in html and "gov-form-control" in html
    assert '<option value="" selected>— nevím —</option>' in html
    bad = client.post(
        "/zavolejte-mi/",
        {"number": "12", "region": world.region.pk, "website": "",
         "vik_shown": page.context["guard"].stamp},
    )  # fmt: skip
    html = bad.content.decode()
    assert bad.status_code == 200
    assert "<title>Chyba: Zavolejte mi" in html
    summary = html[html.index('data-testid="error-summary"') :]
    summary = summary[: summary.index("</ul>")]
    assert "Formulář nebyl odeslán: opravte 1 chybu" in summary
    assert '<a href="#id_number">' in summary
    assert 'class="gov-form-control gov-form-control--error" data-field="number"' in html
    assert 'id="id_number_error"' in html
    field = html[html.index('name="number"') - 200 : html.index('name="number"') + 200]
    assert 'aria-invalid="true"' in field and "id_number_error" in field
    assert 'class="vik-error"' not in html and 'class="vik-field' not in html
