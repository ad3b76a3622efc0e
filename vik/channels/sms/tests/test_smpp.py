"""The SMS channel against a real SMPP server (npm `smpp`, tools/node/smpp-server.mjs): what the
server received for short and long messages, receipts, a dropped connection mid-window, inbound
SMS (joined parts, broken UCS-2), threading, opt-out and the monthly budget."""

from __future__ import annotations

import datetime as dt
import io
import re
import threading
import time

import pytest
from django.core.management import call_command
from django.utils import timezone, translation

from vik.channels.core.choices import ChannelKind, OutboundState, PayloadState
from vik.channels.core.models import ChannelAccount, InboundPayload, OutboundMessage
from vik.channels.core.services import outbound_drain, outbound_queue
from vik.channels.sms import encoding
from vik.channels.sms.adapter import session_for, sessions_close
from vik.channels.sms.models import PartState, SmsOptOut, SmsPart
from vik.contacts.choices import IdentityKind
from vik.contacts.models import Contact, Identity
from vik.conversations import services
from vik.conversations.models import Request
from vik.core import clock
from vik.core.errors import ValidationFailed
from vik.testing.fixtures import run_on_commit
from vik.testing.smpp import PASSWORD, SYSTEM_ID

CITIZEN = "+420777123456"
CZECH = "Dobrý den, Vaše žádost o příspěvek byla schválena. Částku pošleme příští týden."
PLAIN = "Dobry den, Vase zadost byla schvalena."


@pytest.fixture
def sms_account(world, smpp_server, settings):
    settings.VIK_SMS_SECRETS = f"other=x,smpp-test={PASSWORD}"
    settings.VIK_SMS_TRANSPORT = "smpp"
    settings.VIK_SMS_TIMEOUT_SECONDS = 3
    account = ChannelAccount.objects.create(
        region=world.region, centre=world.centre_a, kind=ChannelKind.SMS, name="sms-jihlava",
        settings={"smpp": {"host": "127.0.0.1", "port": smpp_server.port, "system_id": SYSTEM_ID,
                           "password_secret": "smpp-test"}, "source": "VIK Jihlava"},
    )  # fmt: skip
    session_for(account).open()  # bound, as `vik sms` holds it: the SMSC can deliver at once
    yield account
    sessions_close()


def receive(account, count, seconds=5.0):
    """Hold the bind until `count` payloads are stored (the receiver, as `vik sms` does)."""
    end = time.monotonic() + seconds
    with run_on_commit():
        while InboundPayload.objects.filter(account=account).count() < count:
            assert time.monotonic() < end, "the SMSC's deliver_sm did not arrive"
            session_for(account).listen(0.2)


def sms_request(world, account, phone=CITIZEN):
    """A request that came by SMS from `phone`."""
    contact = Contact.objects.create(region=world.region, name="Jana Nováková")
    Identity.objects.create(
        contact=contact, region=world.region, kind=IdentityKind.PHONE, value=phone
    )
    return Request.objects.create(
        region=world.region, centre=world.centre_a, reference="VY-2026-000101",
        subject="Příspěvek", requester=contact, origin_channel=ChannelKind.SMS,
        origin_account=account, public_token="t" * 32,
    )  # fmt: skip


def reply(world, request, text):
    with run_on_commit():
        services.request_reply(request=request, by=world.alice, text=text)
    return OutboundMessage.objects.filter(interaction__request=request).latest("pk")


def joined(received):
    """The texts the server received, the parts of each long one joined by their UDH."""
    series: dict[str, list[tuple[int, str]]] = {}
    singles = []
    for item in received:
        if item["udh"]:
            ie = bytes.fromhex(item["udh"][0])
            series.setdefault(f"{item['destination']}:{ie[2]}", []).append((ie[4], item["text"]))
        else:
            singles.append(item["text"])
    return singles + ["".join(t for _s, t in sorted(parts)) for parts in series.values()]


# --- outbound ---------------------------------------------------------------------------------


def test_a_short_czech_reply_goes_as_one_ucs2_sms(world, sms_account, smpp_server):
    request = sms_request(world, sms_account)
    outbound = reply(world, request, "Schváleno, děkujeme.")
    [got] = smpp_server.received()
    assert (got["destination"], got["source"], got["data_coding"]) == (
        "420777123456",
        "VIK Jihlava",
        8,
    )
    assert (got["text"], got["udh"], got["registered_delivery"]) == ("Schváleno, děkujeme.", [], 1)
    outbound.refresh_from_db()
    assert (outbound.state, outbound.external_id) == (OutboundState.SENT, got["id"])


def test_a_long_czech_reply_is_concatenated_in_ucs2_parts_of_67(world, sms_account, smpp_server):
    request = sms_request(world, sms_account)
    text = (CZECH + " ") * 2  # 159 characters: 3 parts of at most 67
    reply(world, request, text.strip())
    got = smpp_server.received()
    assert len(got) == 3
    assert {g["data_coding"] for g in got} == {8}
    assert [bytes.fromhex(g["udh"][0])[3:] for g in got] == [b"\x03\x01", b"\x03\x02", b"\x03\x03"]
    assert [len(g["text"]) for g in got] == [67, 67, len(text.strip()) - 134]
    assert joined(got) == [text.strip()]
    receive(sms_account, 3)  # a receipt per part
    assert list(SmsPart.objects.values_list("seq", "state")) == [
        (1, "delivered"),
        (2, "delivered"),
        (3, "delivered"),
    ]


def test_a_long_plain_reply_is_concatenated_in_gsm7_parts_of_153(world, sms_account, smpp_server):
    request = sms_request(world, sms_account)
    text = " ".join([PLAIN] * 9)  # 350 septets: 3 parts of 153
    reply(world, request, text)
    got = smpp_server.received()
    assert [g["data_coding"] for g in got] == [0, 0, 0]
    assert [len(g["text"]) for g in got] == [153, 153, len(text) - 306]
    assert joined(got) == [text]


def test_receipts_mark_parts_delivered_or_the_reply_failed_with_the_reason(
    world, sms_account, smpp_server, client
):
    request = sms_request(world, sms_account)
    delivered = reply(world, request, "Doručeno.")
    receive(sms_account, 1)
    assert SmsPart.objects.get(outbound=delivered).state == PartState.DELIVERED
    smpp_server.mode(receipt="UNDELIV", err="011")
    failed = reply(world, request, "Nedoručeno.")
    receive(sms_account, 2)
    part = SmsPart.objects.get(outbound=failed)
    assert (part.state, part.error) == (PartState.FAILED, "UNDELIV err:011")
    failed.refresh_from_db()
    assert (failed.state, failed.last_error) == (OutboundState.FAILED, "UNDELIV err:011")
    [event] = request.events.filter(kind="delivery_failed")
    assert event.data["reason"] == "UNDELIV err:011"
    assert InboundPayload.objects.filter(state=PayloadState.PROCESSED).count() == 2
    assert Request.objects.count() == 1  # receipts open no request
    # The clerk sees both on the request's timeline, beside the SMS, in Czech and in English.
    at = timezone.localtime(SmsPart.objects.get(outbound=delivered).done_at)
    client.force_login(world.alice)
    page = client.get(f"/staff/requests/{request.reference}/").content.decode()
    assert f'data-state="delivered">Doručeno {at.day}. {at.month}. {at:%H:%M}</span>' in page
    assert 'data-state="failed">Nedoručeno: UNDELIV err:011</strong>' in page
    client.cookies["django_language"] = "en"
    with translation.override("cs"):  # gives the thread its language back after the page
        page = client.get(f"/staff/requests/{request.reference}/").content.decode()
    assert f'data-state="delivered">Delivered {at.day}. {at.month}. {at:%H:%M}</span>' in page
    assert 'data-state="failed">Not delivered: UNDELIV err:011</strong>' in page


def test_a_receipt_before_the_submit_sm_resp_is_still_applied(world, sms_account, smpp_server):
    smpp_server.mode(receipt_first=True)
    request = sms_request(world, sms_account)
    outbound = reply(world, request, "Rychlá doručenka.")
    # The receipt came during the submit (before its answer) and was stored then; it is
    # processed after the commit, when the SMSC's message id is recorded.
    payload = InboundPayload.objects.get(account=sms_account)
    assert (payload.state, payload.metadata["receipt"]) == (PayloadState.PROCESSED, True)
    assert SmsPart.objects.get(outbound=outbound).state == PartState.DELIVERED


def test_a_connection_dropped_mid_window_loses_nothing_and_sends_nothing_twice(
    world, sms_account, smpp_server, settings
):
    settings.VIK_SMS_WINDOW = 8
    request = sms_request(world, sms_account)
    smpp_server.mode(receipt="")
    text = " ".join([PLAIN] * 20)  # 5 parts
    smpp_server.drop_after(3)
    with run_on_commit():
        for n in range(4):
            services.request_reply(request=request, by=world.alice, text=f"{n}: {text}")
    got = smpp_server.received()
    assert smpp_server.stats()["dropped"] == 1
    assert len(got) == 4 * len(encoding.parts(f"0: {text}", encoding.GSM7, 1))
    keys = [(g["destination"], tuple(g["udh"])) for g in got]
    assert len(keys) == len(set(keys))  # no part twice
    assert sorted(joined(got)) == sorted(f"{n}: {text}" for n in range(4))
    assert set(OutboundMessage.objects.values_list("state", flat=True)) == {OutboundState.SENT}


def test_a_submit_sm_the_smsc_refuses_fails_at_once_with_its_reason(
    world, sms_account, smpp_server
):
    smpp_server.mode(refuse="420777123456")
    request = sms_request(world, sms_account)
    outbound = reply(world, request, "Nedoručitelné.")
    outbound.refresh_from_db()
    assert (outbound.state, outbound.attempts) == (OutboundState.FAILED, 1)
    assert outbound.last_error == (
        "SMSC refused the message: Invalid Destination Address (0x0000000b)"
    )
    [event] = request.events.filter(kind="delivery_failed")
    assert event.data["reason"] == outbound.last_error
    assert smpp_server.received() == []


# --- inbound ----------------------------------------------------------------------------------


def test_an_sms_from_a_new_number_opens_a_request_with_the_contact(world, sms_account, smpp_server):
    assert smpp_server.deliver(source="420777000111", destination="VIK", text="Kdy otevíráte?")
    receive(sms_account, 1)
    request = Request.objects.get()
    assert (request.origin_channel, request.centre) == ("sms", world.centre_a)
    assert list(request.requester.identities.values_list("kind", "value")) == [
        ("phone", "+420777000111")
    ]
    assert (request.subject, request.interactions.get().text) == ("Kdy otevíráte?",) * 2


def test_a_16_part_sms_is_joined_and_broken_ucs2_does_not_stop_it(world, sms_account, smpp_server):
    text = ("Žádám o informaci k územnímu plánu obce. " * 27)[: 16 * 67]
    chunks = [text[i : i + 67] for i in range(0, len(text), 67)]
    assert len(chunks) == 16
    for seq in (3, 1, 16, 2, *range(4, 16)):  # out of order
        smpp_server.deliver(source="420777000222", destination="VIK", data_coding=8,
                            udh_hex=f"050003a710{seq:02x}",
                            hex=chunks[seq - 1].encode("utf-16-be").hex())  # fmt: skip
    receive(sms_account, 16)
    smpp_server.deliver(
        source="420777000333", destination="VIK", data_coding=8, hex="00480069d800" + "00"
    )  # fmt: skip  (a lone surrogate, an odd byte)
    receive(sms_account, 17)
    long_one = Request.objects.get(requester__identities__value="+420777000222")
    assert long_one.interactions.get().text == text
    broken = Request.objects.get(requester__identities__value="+420777000333")
    assert broken.interactions.get().text.startswith("Hi\ufffd")
    assert InboundPayload.objects.filter(state=PayloadState.IGNORED).count() == 15


def test_a_reply_within_the_days_continues_the_request_and_later_opens_a_new_one(
    world, sms_account, smpp_server, settings
):
    settings.VIK_SMS_THREAD_DAYS = 7
    smpp_server.mode(receipt="")
    request = sms_request(world, sms_account)
    reply(world, request, "Potřebujeme ještě číslo parcely.")
    smpp_server.deliver(source="420777123456", destination="VIK", text="Parcela 1234/5")
    receive(sms_account, 1)
    assert Request.objects.count() == 1
    assert request.interactions.filter(direction="inbound").get().text == "Parcela 1234/5"
    OutboundMessage.objects.update(created_at=clock.now() - dt.timedelta(days=8))
    smpp_server.deliver(source="420777123456", destination="VIK", text="Nová otázka")
    receive(sms_account, 2)
    assert Request.objects.count() == 2
    smpp_server.deliver(source="420777123456", destination="VIK",
                        text=f"K žádosti {request.reference.lower()}: ještě jedna věc")  # fmt: skip
    receive(sms_account, 3)
    assert Request.objects.count() == 2
    assert request.interactions.filter(direction="inbound").count() == 2


@pytest.mark.parametrize("word", ["STOP", "odhlásit", " Odhlasit! ", "stop sms"])
def test_opt_out_is_recorded_on_the_contact_and_no_more_sms_go(
    world, sms_account, smpp_server, word
):
    request = sms_request(world, sms_account)
    smpp_server.deliver(source="420777123456", destination="VIK", text=word)
    receive(sms_account, 1)
    opt_out = SmsOptOut.objects.get()
    assert (opt_out.phone, opt_out.contact) == (CITIZEN, request.requester)
    assert Request.objects.count() == 1  # no request for STOP
    with run_on_commit():
        services.request_reply(request=request, by=world.alice, text="Ještě jedna zpráva.")
    assert smpp_server.received() == []
    assert not OutboundMessage.objects.exists()  # no address for a reply any more


def test_a_queued_sms_to_a_number_that_opted_out_fails_with_the_reason(
    world, sms_account, smpp_server
):
    request = sms_request(world, sms_account)
    SmsOptOut.objects.create(region=world.region, phone=CITIZEN, keyword="STOP",
                             created_at=clock.now())  # fmt: skip
    interaction = request.interactions.create(
        direction="outbound", visibility="public", channel="sms", text="Potvrzení",
        occurred_at=clock.now(), is_automatic=True,
    )  # fmt: skip
    with run_on_commit():
        outbound = outbound_queue(account=sms_account, interaction=interaction, recipient=CITIZEN)
    outbound.refresh_from_db()
    assert (outbound.state, outbound.last_error) == (
        OutboundState.FAILED,
        "the number asked for no more SMS (STOP)",
    )
    assert smpp_server.received() == []


def test_over_the_monthly_budget_nothing_is_sent(world, sms_account, smpp_server, settings):
    settings.VIK_SMS_MONTHLY_BUDGET_PARTS = 3
    request = sms_request(world, sms_account)
    reply(world, request, "Jedna.")
    reply(world, request, "Dvě.")
    reply(world, request, "Tři.")
    with pytest.raises(ValidationFailed, match="použito je 3 a tato odpověď potřebuje 1"):
        reply(world, request, "Čtyři.")
    assert request.interactions.filter(direction="outbound").count() == 3
    # A message queued by VIK itself (a receipt, a call-back notice) fails when sent.
    interaction = request.interactions.create(
        direction="outbound", visibility="public", channel="sms", text="Potvrzení",
        occurred_at=clock.now(), is_automatic=True,
    )  # fmt: skip
    with run_on_commit():
        refused = outbound_queue(account=sms_account, interaction=interaction, recipient=CITIZEN)
    refused.refresh_from_db()
    assert (refused.state, refused.last_error) == (
        OutboundState.FAILED,
        "the centre's monthly SMS budget is used up",
    )
    assert len(smpp_server.received()) == 3


# --- the reply box ----------------------------------------------------------------------------


def test_the_reply_box_shows_the_counter_and_refuses_over_the_budget(
    world, sms_account, smpp_server, settings, client
):
    settings.VIK_SMS_MONTHLY_BUDGET_PARTS = 4
    settings.VIK_SMS_BUDGET_WARN_RATIO = 0.5
    request = sms_request(world, sms_account)
    reply(world, request, "Jedna.")
    client.force_login(world.alice)
    page = client.get(f"/staff/requests/{request.reference}/").content.decode()
    assert 'data-used="1"' in page and 'data-budget="4"' in page and 'data-warn="2"' in page
    assert "sms/counter.js" in page
    text = "Vaše žádost je vyřízena, rozhodnutí si vyzvedněte na úřadě. " * 4  # 4 UCS-2 parts
    with run_on_commit():
        answer = client.post(f"/staff/requests/{request.reference}/reply", {"text": text},
                             follow=True)  # fmt: skip
    assert "použito je 1 a tato odpověď potřebuje 4" in answer.content.decode()
    assert request.interactions.filter(direction="outbound").count() == 1  # nothing recorded
    assert len(smpp_server.received()) == 1
    with run_on_commit():
        client.post(f"/staff/requests/{request.reference}/reply",
                    {"text": encoding.without_diacritics(text)[:300]})  # fmt: skip
    assert len(smpp_server.received()) == 3  # 2 GSM-7 parts fit the budget


def test_on_requests_of_other_channels_the_counter_is_for_the_sms_choice(
    world, sms_account, client
):
    request = sms_request(world, sms_account)
    Request.objects.filter(pk=request.pk).update(origin_channel="web", origin_account=None)
    client.force_login(world.alice)
    page = client.get(f"/staff/requests/{request.reference}/").content.decode()
    # The reply may go by SMS to the contact's number: the counter counts while that is chosen
    # (counter.js), and SMS is the default only without an e-mail address.
    routes = re.search(r'data-sms-routes="([^"]*)"', page).group(1).split()
    assert routes == [f"sms:{request.requester.identities.get(kind='phone').value}"]
    assert f'value="{routes[0]}" id="id_route_0" checked' in page.replace("\n", " ")
    # Without an SMS account there is no SMS choice and no counter.
    ChannelAccount.objects.filter(pk=sms_account.pk).update(is_active=False)
    page = client.get(f"/staff/requests/{request.reference}/").content.decode()
    assert "data-sms-counter" not in page


def test_vik_sms_holds_the_bind_and_stores_what_the_smsc_sends(world, sms_account, smpp_server):
    sessions_close()  # the command binds by itself
    binds = smpp_server.stats()["binds"]

    def send_later():
        time.sleep(0.8)
        smpp_server.deliver(source="420777000444", destination="VIK", text="Přes vik sms")

    sender = threading.Thread(target=send_later)
    sender.start()
    with run_on_commit():
        call_command("sms", account="sms-jihlava", seconds=2.0, stdout=io.StringIO())
    sender.join()
    assert smpp_server.stats()["binds"] == binds + 1
    assert Request.objects.get().interactions.get().text == "Přes vik sms"


def test_vik_sms_binds_again_after_the_smsc_drops_the_connection(world, sms_account, smpp_server):
    session = session_for(sms_account)
    binds = smpp_server.stats()["binds"]
    smpp_server.drop_after(1)  # the next submit_sm closes the connection
    request = sms_request(world, sms_account)
    reply(world, request, "Po výpadku.")
    assert smpp_server.stats()["binds"] == binds + 1  # bound again, then sent
    assert [g["text"] for g in smpp_server.received()] == ["Po výpadku."]
    assert session.bound


def test_an_idle_bind_sends_enquire_link(world, sms_account, smpp_server, settings):
    settings.VIK_SMS_ENQUIRE_LINK_SECONDS = 0.3
    sessions_close()
    before = smpp_server.stats()["enquire_links"]
    session_for(sms_account).listen(1.2)
    assert smpp_server.stats()["enquire_links"] - before >= 2


def test_an_smsc_that_drops_every_submit_sm_leaves_the_reply_for_its_retry(
    world, sms_account, smpp_server, settings
):
    settings.VIK_SMS_BIND_ATTEMPTS = 2
    sessions_close()
    smpp_server.mode(drop_all=True)
    request = sms_request(world, sms_account)
    outbound = reply(world, request, "Zkusíme to znovu.")
    outbound.refresh_from_db()
    assert (outbound.state, outbound.attempts) == (OutboundState.QUEUED, 1)
    assert outbound.last_error.startswith("the SMSC dropped the connection 2 times")
    assert smpp_server.received() == []
    smpp_server.mode(drop_all=False)
    OutboundMessage.objects.update(next_attempt_at=clock.now())
    with run_on_commit():
        outbound_drain()
    outbound.refresh_from_db()
    assert outbound.state == OutboundState.SENT
    assert [g["text"] for g in smpp_server.received()] == ["Zkusíme to znovu."]
