"""Abuse of the public form and the tracking page's reply (vik.abuse): rate limits per address
and per e-mail with the citizen's text kept, the ALTCHA when the setting asks for it, and spam
held for review instead of reaching the clerks."""

import datetime as dt

import altcha
import pytest

from vik.abuse.guard import STAMP_FIELD, stamp_make
from vik.audit.models import AuditEvent
from vik.channels.core.models import InboundPayload
from vik.conversations.models import Request
from vik.core import clock
from vik.testing.fixtures import run_on_commit
from vik.testing.personas import submit_web_request, web_form_data


@pytest.fixture(autouse=True)
def _mid_window():
    """The windows are fixed (10 minutes, a minute): the tests run in the middle of one, never
    across the end of one."""
    with clock.travel(dt.datetime(2026, 3, 2, 9, 4, 20, tzinfo=dt.UTC)):
        yield


def post(client, address="198.51.100.10", **overrides):
    data = web_form_data(**overrides)
    with run_on_commit():
        return client.post("/", data, REMOTE_ADDR=address), data


def test_twenty_posts_from_one_address_make_at_most_the_limit_of_requests(world, client):
    answers = []
    for n in range(20):  # the default limit: 10 per 10 minutes per address
        response, _data = post(
            client, email=f"obcan{n}@example.cz", message=f"Dotaz číslo {n}: kdy máte otevřeno?"
        )
        answers.append(response)
    assert [r.status_code for r in answers] == [302] * 10 + [429] * 10
    assert Request.objects.count() == 10
    assert InboundPayload.objects.count() == 10
    refused = answers[-1]
    html = refused.content.decode()
    assert 0 < int(refused["Retry-After"]) <= 600
    assert "Z vaší adresy nebo e-mailu přišlo v krátké době příliš mnoho zpráv." in html
    # the same form, every field as the citizen filled it in
    assert "Dotaz číslo 19: kdy máte otevřeno?</textarea>" in html
    assert 'value="obcan19@example.cz"' in html
    assert 'value="Jana Dvořáková"' in html
    assert 'value="Jihlava (okres Jihlava)"' in html
    # another address is not affected
    response, _data = post(client, address="198.51.100.99", email="jiny@example.cz")
    assert response.status_code == 302


def test_the_limit_per_email_holds_across_addresses(world, client):
    codes = [post(client, address=f"203.0.113.{n}")[0].status_code for n in range(7)]
    assert codes == [302] * 5 + [429] * 2  # the default: 5 per hour per e-mail
    assert Request.objects.count() == 5
    assert InboundPayload.objects.count() == 5


def test_the_tracking_reply_is_limited_and_keeps_the_text(world, client, settings):
    request = submit_web_request(client)
    settings.VIK_RATE_LIMITS = "follow_up_tracked=2/h"
    url = f"/sledovani/{request.public_token}/"
    before = InboundPayload.objects.count()
    for n in range(2):
        with run_on_commit():
            response = client.post(
                url, {"submission_id": f"00000000-0000-4000-8000-00000000000{n}", "message": "Ok"}
            )
        assert response.status_code == 302
    response = client.post(
        url,
        {"submission_id": "00000000-0000-4000-8000-000000000009", "message": "Ještě <jedna> věc."},
        REMOTE_ADDR="192.0.2.50",  # another address: the limit per tracked request holds
    )
    assert response.status_code == 429
    html = response.content.decode()
    assert "Ještě &lt;jedna&gt; věc.</textarea>" in html
    assert "Z vaší adresy nebo e-mailu přišlo v krátké době příliš mnoho zpráv." in html
    assert InboundPayload.objects.count() == before + 2


# Spam: held for review, released or discarded ---------------------------------------------


@pytest.mark.parametrize(
    ("overrides", "code", "reason", "czech"),
    [
        (
            {"website": "http://spam.example"},
            "honeypot",
            "the hidden field was filled in",
            "bylo vyplněno skryté pole",
        ),
        (
            {STAMP_FIELD: ""},
            "no_stamp",
            "the form was not shown by VIK (no valid time stamp)",
            "formulář nezobrazil VIK (chybí platné časové razítko)",
        ),
        (
            {STAMP_FIELD: "1234:forged"},
            "no_stamp",
            "the form was not shown by VIK (no valid time stamp)",
            "formulář nezobrazil VIK (chybí platné časové razítko)",
        ),
        (
            {"message": "Levně: http://a.example http://b.example www.c.example https://d.example"},
            "links",
            "4 links in the text",
            "4 odkazů v textu",
        ),
    ],
)
def test_spam_waits_for_review_and_never_reaches_the_clerks(
    world, client, overrides, code, reason, czech, settings
):
    settings.VIK_SPAM_MIN_SECONDS = 3
    response, data = post(client, **overrides)
    assert response.status_code == 302  # answered as if accepted
    payload = InboundPayload.objects.get()
    assert (payload.state, payload.quarantine_reason) == ("held", reason)
    assert [item["code"] for item in payload.metadata["spam"]] == [code]
    assert Request.objects.count() == 0
    client.force_login(world.carol)
    assert "Jana Dvořáková" not in client.get("/staff/requests/").content.decode()
    html = client.get("/staff/spam/").content.decode()
    assert czech in html
    assert data["message"][:40] in html


def test_a_form_sent_too_fast_is_held_and_released_becomes_a_normal_request(
    world, client, settings
):
    settings.VIK_SPAM_MIN_SECONDS = 3
    response, data = post(client, **{STAMP_FIELD: stamp_make()})  # sent at once
    assert response.status_code == 302
    submitted = client.get(response["Location"]).content.decode()
    assert "Nic se neztratí" in submitted or "nic se neztratí" in submitted
    payload = InboundPayload.objects.get()
    assert payload.state == "held"
    assert payload.quarantine_reason.startswith("sent 0.")
    other = submit_web_request(client, email="jiny.obcan@example.cz")  # the worker drains
    payload.refresh_from_db()
    assert payload.state == "held"  # and leaves the held one alone
    # an agent does not review spam
    client.force_login(world.alice)
    assert client.post(f"/staff/spam/{payload.pk}/release").status_code == 404
    payload.refresh_from_db()
    assert payload.state == "held"
    client.force_login(world.carol)
    detail = client.get(f"/staff/spam/{payload.pk}/").content.decode()
    assert data["message"] in detail
    with run_on_commit():
        response = client.post(f"/staff/spam/{payload.pk}/release")
    assert response.status_code == 302
    request = Request.objects.exclude(pk=other.pk).get()
    assert request.interactions.get().text == data["message"]
    assert request.requester.name == "Jana Dvořáková"
    # routed and filed as the request filed at once (the web form acknowledges on the page)
    assert request.centre_id == other.centre_id == world.centre_a.pk
    assert (request.status, request.interactions.count()) == (
        other.status,
        other.interactions.count(),
    )
    payload.refresh_from_db()
    assert payload.state == "processed"
    assert AuditEvent.objects.filter(action="inbound.release", object_id=str(payload.pk)).exists()
    assert "Jana Dvořáková" not in client.get("/staff/spam/").content.decode()
    assert payload.quarantine_reason == ""


def test_discarded_spam_stays_stored_and_audited(world, client):
    post(client, website="http://spam.example")
    payload = InboundPayload.objects.get()
    client.force_login(world.carol)
    response = client.post(f"/staff/spam/{payload.pk}/discard", {"reason": "reklama"})
    assert response.status_code == 302
    payload.refresh_from_db()
    assert (payload.state, payload.quarantine_reason) == ("ignored", "discarded: reklama")
    assert bytes(payload.body)  # the raw payload is kept
    event = AuditEvent.objects.get(action="inbound.discard")
    assert (event.actor, event.details["reason"], event.details["was"]) == (
        world.carol,
        "reklama",
        "held",
    )
    assert Request.objects.count() == 0
    assert "reklama" not in client.get("/staff/spam/").content.decode()


# ALTCHA, checked on the server (a real browser solves it in test_altcha_browser.py) -----------


def solved_payload(client):
    challenge = altcha.Challenge.from_dict(client.get("/altcha/challenge/").json())
    return altcha.Payload(challenge, altcha.solve_challenge(challenge)).to_base64()


def test_altcha_always_refuses_a_post_without_or_with_a_replayed_solution(world, client, settings):
    settings.VIK_ALTCHA_MODE = "always"
    settings.VIK_ALTCHA_COST = 100
    assert "<altcha-widget" in client.get("/").content.decode()
    response, _data = post(client, message="Bez ověření, prosím o odpověď.")
    assert response.status_code == 400
    html = response.content.decode()
    assert "Potvrďte prosím, že nejste robot" in html
    assert "Bez ověření, prosím o odpověď.</textarea>" in html
    assert InboundPayload.objects.count() == 0

    solution = solved_payload(client)
    response, _data = post(client, altcha=solution)
    assert response.status_code == 302
    assert Request.objects.count() == 1

    response, _data = post(client, altcha=solution, message="Znovu totéž řešení.")
    assert response.status_code == 400
    html = response.content.decode()
    assert "neprošla nebo vypršela" in html
    assert "Znovu totéž řešení.</textarea>" in html
    assert InboundPayload.objects.count() == 1

    tampered = solved_payload(client)[:-8] + "AAAAAAA="
    assert post(client, altcha=tampered)[0].status_code == 400
    assert InboundPayload.objects.count() == 1


def test_altcha_after_limit_is_asked_only_past_the_softer_limit(world, client, settings):
    settings.VIK_ALTCHA_MODE = "after_limit"
    settings.VIK_RATE_LIMITS = "form_soft=2/10m"
    assert "<altcha-widget" not in client.get("/", REMOTE_ADDR="198.51.100.10").content.decode()
    for n in range(2):
        assert post(client, email=f"o{n}@example.cz")[0].status_code == 302
    assert "<altcha-widget" in client.get("/", REMOTE_ADDR="198.51.100.10").content.decode()
    assert "<altcha-widget" not in client.get("/", REMOTE_ADDR="198.51.100.11").content.decode()
    assert post(client, email="o3@example.cz")[0].status_code == 400
    assert post(client, email="o3@example.cz", altcha=solved_payload(client))[0].status_code == 302
    assert Request.objects.count() == 3


def test_the_challenge_endpoint_is_limited(world, client, settings):
    settings.VIK_RATE_LIMITS = "altcha=2/m"
    assert [client.get("/altcha/challenge/").status_code for _n in range(3)] == [200, 200, 429]
    assert client.get("/altcha/challenge/")["Retry-After"]


def test_what_the_form_asks_while_typing_is_limited_too(world, client, settings):
    settings.VIK_RATE_LIMITS = "suggestions=2/m,municipalities=2/m"
    for url, params in (
        ("/napoveda/", {"message": "občanka"}),
        ("/obce/", {"municipality": "Jihl"}),
    ):
        assert [client.get(url, params).status_code for _n in range(3)] == [200, 200, 429]
