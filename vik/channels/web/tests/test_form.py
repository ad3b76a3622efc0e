"""The public web form: what a citizen sees when it works and when their input is wrong."""

import re
from collections import Counter

import pytest

from vik.channels.core.models import InboundPayload
from vik.conversations.models import Request
from vik.territory.models import Municipality
from vik.testing.fixtures import run_on_commit, upload
from vik.testing.personas import submit_web_request, web_form_data
from vik.topics.models import Topic


def post(client, **overrides):
    with run_on_commit():
        return client.post("/", web_form_data(**overrides))


def test_the_form_offers_municipalities_topics_and_links_the_privacy_notice(world, client):
    page = client.get("/").content.decode()
    assert 'name="municipality"' in page
    assert "Občanské průkazy" in page
    # no consent: the office answers under its public task (GDPR Art. 6(1)(e))
    assert 'name="consent"' not in page
    assert 'href="/osobni-udaje/" data-testid="privacy-link"' in page
    assert 'type="file"' in page


def test_a_question_becomes_a_request_with_reference_and_tracking_link(world, client):
    topic = Topic.objects.get(slug="documents-id-card")
    data = web_form_data(topic=topic.pk, phone="602 123 456")
    with run_on_commit():
        response = client.post("/", data)
    assert response["Location"] == f"/podani/{data['submission_id']}/"
    response = client.get(response["Location"])

    request = Request.objects.get()
    page = response.content.decode()
    assert request.reference in page
    assert f"/sledovani/{request.public_token}/" in page
    assert (request.centre, request.topic, request.municipality.code) == (
        world.centre_a,
        topic,
        "586846",
    )
    assert (request.origin_channel, request.status, request.kind) == ("web", "new", "inquiry")
    identities = sorted(request.requester.identities.values_list("kind", "value"))
    assert identities == [("email", "jana.dvorakova@seznam.cz"), ("phone", "+420602123456")]
    interaction = request.interactions.get()
    assert interaction.text == data["message"]
    assert bytes(interaction.inbound_payload.body).decode().count("Jana Dvořáková") == 1


def test_submitting_the_same_form_twice_makes_one_request(world, client):
    data = web_form_data()
    with run_on_commit():
        client.post("/", data)
        client.post("/", data)
    assert Request.objects.count() == 1
    assert InboundPayload.objects.count() == 1


def test_a_returning_citizen_is_the_same_contact(world, client):
    first = submit_web_request(client)
    second = submit_web_request(client, email="JANA.DVORAKOVA@seznam.cz", phone="+420777000111")
    assert first.requester_id == second.requester_id
    assert second.requester.identities.count() == 2


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"email": "", "phone": ""}, "Uveďte e-mail nebo telefon, abychom vám mohli odpovědět"),
        ({"email": "jana@"}, "Zadejte e-mail ve tvaru jmeno@example.cz"),
        ({"phone": "12"}, "Zadejte telefonní číslo s 9 číslicemi"),
        ({"municipality": "Atlantida"}, "Obec „Atlantida“ neznáme"),
        ({"municipality": "Brno (okres Brno-město)"}, "Obec „Brno (okres Brno-město)“ neznáme"),
        ({"message": ""}, "Napište, na co se chcete zeptat"),
        ({"name": ""}, "Napište své jméno"),
    ],
)
def test_bad_input_gets_a_clear_message_and_stores_nothing(world, client, overrides, message):
    world.other_web.delete()  # Jihomoravský kraj has no web form: its municipalities are unknown
    response = post(client, **overrides)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert InboundPayload.objects.count() == 0


def test_an_ambiguous_municipality_offers_the_candidates(world, client):
    response = post(client, municipality="Nová Ves")
    page = response.content.decode()
    assert "Je více obcí s názvem „Nová Ves“" in page
    assert page.count('<option value="') >= 2
    assert "okres Žďár nad Sázavou" in page  # Nová Ves u Nového Města na Moravě
    assert InboundPayload.objects.count() == 0


def test_the_municipality_chooser_finds_names_without_diacritics(world, client):
    page = client.get("/obce/", {"municipality": "zdar nad"}).content.decode()
    assert '<option value="Žďár nad Sázavou (okres Žďár nad Sázavou)">' in page


def test_an_oversized_attachment_is_refused_with_the_limit(world, client, settings):
    settings.VIK_ATTACHMENT_MAX_BYTES = 1024
    response = post(client, attachments=[upload("scan.pdf", b"%PDF-1.4" + b"0" * 2048)])
    page = response.content.decode()
    assert "Soubor „scan.pdf“ má 2,0" in page
    assert "limit je 1,0" in page
    assert InboundPayload.objects.count() == 0


@pytest.mark.parametrize(
    ("name", "content"),
    [("virus.exe", b"MZ\x90\x00"), ("faktura.pdf", b"MZ\x90\x00renamed"), ("run.sh", b"#!/bin/sh")],
)
def test_a_forbidden_attachment_is_refused(world, client, name, content):
    response = post(client, attachments=[upload(name, content)])
    assert f"Soubor „{name}“ není povolen" in response.content.decode()
    assert InboundPayload.objects.count() == 0


def test_attachments_travel_with_the_request(world, client):
    pdf = b"%PDF-1.4 formular"
    request = submit_web_request(
        client, attachments=[upload("žádost o pas.pdf", pdf), upload("foto.jpg", b"\xff\xd8\xff")]
    )
    attachments = list(request.interactions.get().attachments.order_by("filename"))
    assert [(a.filename, a.size) for a in attachments] == [
        ("foto.jpg", 3),
        ("žádost o pas.pdf", len(pdf)),
    ]
    assert attachments[1].file.read() == pdf


def test_html_in_a_message_is_shown_as_text(world, client):
    request = submit_web_request(client, message='<script>alert("x")</script><b>tučně</b>')
    client.force_login(world.alice)
    page = client.get(f"/staff/requests/{request.reference}/").content.decode()
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&lt;b&gt;tučně&lt;/b&gt;" in page
    assert '<script>alert("x")' not in page
    tracking = client.get(f"/sledovani/{request.public_token}/").content.decode()
    assert "&lt;b&gt;tučně&lt;/b&gt;" in tracking


def test_a_bot_filling_the_hidden_field_is_thanked_and_held_for_spam_review(world, client):
    response = post(client, website="http://spam.example")
    assert response.status_code == 302
    payload = InboundPayload.objects.get()
    assert payload.state == "held"
    assert payload.quarantine_reason == "the hidden field was filled in"
    assert Request.objects.count() == 0


def test_attachments_download_only_for_those_who_may_see_them(world, client):
    html = b"<html><script>alert(1)</script></html>"
    request = submit_web_request(client, attachments=[upload("page.txt", html, "text/html")])
    attachment = request.interactions.get().attachments.get()
    staff_url = f"/staff/requests/{request.reference}/attachments/{attachment.pk}"
    public_url = f"/sledovani/{request.public_token}/prilohy/{attachment.pk}"

    client.force_login(world.alice)
    response = client.get(staff_url)
    assert b"".join(response.streaming_content) == html
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"].startswith("attachment;")
    client.force_login(world.bob)
    assert client.get(staff_url).status_code == 404
    client.logout()
    assert client.get(public_url).status_code == 200
    assert client.get(f"/sledovani/wrong-token/prilohy/{attachment.pk}").status_code == 404


def test_the_form_page_costs_a_fixed_number_of_queries(
    world, client, django_assert_max_num_queries
):
    with django_assert_max_num_queries(5):  # the region's portal identity is the fifth
        client.get("/")


def test_a_name_of_several_municipalities_asks_which_one_and_keeps_the_text(world, client):
    names = Counter(
        Municipality.objects.filter(orp__region=world.region).values_list("name", flat=True)
    )
    name = sorted(n for n, count in names.items() if count > 1)[0]
    codes = set(
        Municipality.objects.filter(orp__region=world.region, name=name).values_list(
            "code", flat=True
        )
    )
    message = "Dobrý den, kdy jezdí autobus do naší obce? Děkuji."
    response = post(client, municipality=name, message=message)

    assert response.status_code == 200 and not Request.objects.exists()
    page = response.content.decode()
    assert 'id="id_municipality_choice"' in page
    offered = set(re.findall(r'<option value="(\d{6})">', page))
    assert offered == codes
    assert message in page
    chosen = sorted(codes)[0]
    assert post(client, municipality=chosen).status_code == 302
    assert Request.objects.get().municipality.code == chosen
