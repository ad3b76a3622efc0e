"""The inbound webhook of HTTP SMS gateways: token, validation, rate limit, idempotency; and the
text rules (alphabet, parts, diacritics) the reply box shows."""

from __future__ import annotations

import json
import logging

import pytest
from django.test import Client

from vik.audit.models import AuditEvent
from vik.channels.core.choices import ChannelKind
from vik.channels.core.models import ChannelAccount, InboundPayload
from vik.channels.sms import encoding
from vik.channels.sms.selectors import token_hash
from vik.conversations.models import Request
from vik.tenancy.choices import Role
from vik.tenancy.models import Membership, User
from vik.testing.fixtures import run_on_commit

URL = "/api/v1/sms/inbound"
TOKEN = "gw-token-7f3a9c1e2b"


@pytest.fixture
def gateway_account(world):
    return ChannelAccount.objects.create(
        region=world.region, centre=world.centre_b, kind=ChannelKind.SMS, name="sms-gateway",
        settings={"gateway_token_sha256": token_hash(TOKEN)},
    )  # fmt: skip


def post(client, body, token=TOKEN):
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    with run_on_commit():
        return client.post(URL, raw, content_type="application/json", headers=headers)


MESSAGE = {"id": "gw-1", "from": "+420 777 555 444", "to": "+420700100200",
           "text": "Dobrý den, kdy je svoz odpadu?"}  # fmt: skip


def test_a_message_is_stored_once_and_becomes_a_request(client, gateway_account, caplog, world):
    caplog.set_level(logging.DEBUG)
    first = post(client, MESSAGE)
    assert (first.status_code, first.json()) == (200, {"stored": True})
    again = post(client, MESSAGE)
    assert (again.status_code, again.json()) == (200, {"stored": False})
    payload = InboundPayload.objects.get()
    assert json.loads(bytes(payload.body)) == MESSAGE  # the raw body, as it came
    request = Request.objects.get()
    assert (request.origin_channel, request.centre) == ("sms", world.centre_b)
    assert request.interactions.get().text == "Dobrý den, kdy je svoz odpadu?"
    assert list(request.requester.identities.values_list("value", flat=True)) == ["+420777555444"]
    assert TOKEN not in caplog.text


def test_a_national_number_is_read_as_czech(client, gateway_account):
    assert post(client, {**MESSAGE, "from": "777 555 444"}).status_code == 200
    request = Request.objects.get()
    assert list(request.requester.identities.values_list("value", flat=True)) == ["+420777555444"]


@pytest.mark.parametrize("token", ["", "wrong-token"])
def test_without_the_token_nothing_is_stored(client, gateway_account, token):
    response = post(client, MESSAGE, token=token)
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert not InboundPayload.objects.exists()


def test_an_inactive_account_refuses_its_token(client, gateway_account):
    gateway_account.is_active = False
    gateway_account.save()
    assert post(client, MESSAGE).status_code == 401


@pytest.mark.parametrize(
    ("body", "detail"),
    [
        (b"{not json", "the body is not JSON"),
        ([MESSAGE], "the body must be a JSON object"),
        ({**MESSAGE, "id": ""}, "'id' must be a non-empty string"),
        ({k: v for k, v in MESSAGE.items() if k != "text"}, "'text' must be a string"),
        ({**MESSAGE, "from": "not a number"}, "'from' is not a phone number"),
        ({**MESSAGE, "text": "x" * 10_001}, "'text' is longer than 10000 characters"),
        ({**MESSAGE, "to": 123}, "'to' must be a string"),
    ],
)
def test_a_malformed_body_gets_422_with_the_reason(client, gateway_account, body, detail):
    response = post(client, body)
    assert (response.status_code, response.json()["detail"]) == (422, detail)
    assert not InboundPayload.objects.exists()


def test_the_gateway_is_rate_limited(client, gateway_account, settings):
    settings.VIK_RATE_LIMITS = "sms_gateway=2/m"
    assert [post(client, {**MESSAGE, "id": f"gw-{n}"}).status_code for n in range(3)] == [
        200, 200, 429
    ]  # fmt: skip
    assert InboundPayload.objects.count() == 2


# --- the text rules ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "label", "parts", "per_part"),
    [
        ("a" * 160, "GSM-7", 1, 160),
        ("a" * 161, "GSM-7", 2, 153),
        ("€" * 80, "GSM-7", 1, 160),  # an extension character counts twice
        ("€" * 81, "GSM-7", 2, 153),
        ("č" * 70, "UCS-2", 1, 70),
        ("č" * 71, "UCS-2", 2, 67),
        ("č" * 135, "UCS-2", 3, 67),
    ],
)
def test_parts_and_alphabet(text, label, parts, per_part):
    cost = encoding.cost(text)
    assert (cost.label, cost.parts, cost.per_part) == (label, parts, per_part)


def test_without_diacritics_czech_fits_gsm7():
    plain = encoding.without_diacritics("Příliš žluťoučký kůň úpěl ďábelské ódy – „ano“…")
    assert plain == 'Prilis zlutoucky kun upel dabelske ody - "ano"...'
    assert encoding.is_gsm7(plain)


def test_a_part_never_splits_an_escape_or_a_surrogate_pair():
    gsm = encoding.parts("a" * 152 + "€" + "b" * 7, encoding.GSM7, reference=1)
    assert [len(p.payload) - 6 for p in gsm] == [152, 9]  # the € (2 septets) moved on whole
    emoji = encoding.parts("x" * 66 + "😀" + "y" * 5, encoding.UCS2, reference=1)
    assert [p.payload[6:].decode("utf-16-be") for p in emoji] == ["x" * 66, "😀yyyyy"]


# --- rotating the gateway's token ----------------------------------------------------------------


def test_a_centre_lead_rotates_the_gateway_token_and_sees_it_once(world, gateway_account):
    lead = User.objects.create_user(username="lea", password="x", first_name="Lea")
    Membership.objects.create(
        user=lead, region=world.region, centre=world.centre_b, role=Role.CENTRE_LEAD
    )
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(lead)
    page = browser.get("/staff/sms/gateways/")
    assert "Token je nastaven" in page.content.decode()  # set by hand: its end is not known
    csrf = page.cookies["csrftoken"].value
    url = f"/staff/sms/gateways/{gateway_account.pk}/rotate-token"
    assert browser.post(url, {"confirm": "1"}).status_code == 403  # no CSRF token
    answer = browser.post(url, {"confirm": "1", "csrfmiddlewaretoken": csrf})
    html = answer.content.decode()
    assert answer.status_code == 200 and "no-store" in answer["Cache-Control"]
    token = html.split('data-testid="new-secret"', 1)[0].rsplit('value="', 1)[1].split('"')[0]
    assert len(token) == 32 and "Zkopírujte si ho hned" in html
    assert post(Client(), MESSAGE).status_code == 401  # the old token
    assert post(Client(), MESSAGE, token=token).status_code == 200
    audit = AuditEvent.objects.get(action="sms.gateway_token_rotated")
    assert (audit.actor_id, audit.details) == (lead.pk, {"hint": token[-4:]})
    again = browser.get("/staff/sms/gateways/").content.decode()
    assert token not in again and f"Token končící …{token[-4:]}" in again


def test_an_agent_may_not_rotate_the_gateway_token(world, gateway_account, client):
    client.force_login(world.bob)  # an agent of the account's centre
    url = f"/staff/sms/gateways/{gateway_account.pk}/rotate-token"
    assert client.get("/staff/sms/gateways/").status_code == 403
    assert client.post(url, {"confirm": "1"}).status_code == 403
    client.force_login(world.dave)  # a coordinator of another region
    assert client.post(url, {"confirm": "1"}).status_code == 403
    unconfirmed = client.post(url, {}, follow=True)
    assert unconfirmed.status_code == 200  # asked to confirm first; nothing rotated
    assert post(Client(), MESSAGE).status_code == 200  # the old token still works
    assert not AuditEvent.objects.filter(action="sms.gateway_token_rotated").exists()
