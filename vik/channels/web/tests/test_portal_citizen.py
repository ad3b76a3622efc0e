"""Issue 19, the citizen's side: the region's look and legal pages, a form whose help and errors
a screen reader finds, and a tracking page with the expected date, clickable links, "find my
request" and closing."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core import mail

from vik.conversations import services as conversations
from vik.conversations.choices import Status
from vik.conversations.models import Request
from vik.core.text import subject_from_text
from vik.tenancy.models import PortalColour, PortalIdentity
from vik.testing.fixtures import run_on_commit
from vik.testing.personas import submit_web_request, web_form_data

pytestmark = pytest.mark.django_db


def test_every_portal_page_shows_the_regions_identity_and_links_the_law_pages(world, client):
    PortalIdentity.objects.create(
        region=world.region, name="Kraj Vysočina", colour=PortalColour.PRIMARY_DARK
    )
    for url in ["/", "/znalosti/", "/sledovani/", "/prohlaseni-o-pristupnosti/", "/osobni-udaje/"]:
        page = client.get(url).content.decode()
        assert 'data-testid="portal-owner">Kraj Vysočina</span>' in page, url
        assert 'class="gov-header gov-header--primary-800"' in page, url
        assert 'href="/prohlaseni-o-pristupnosti/" data-testid="footer-accessibility"' in page, url
        assert 'href="/osobni-udaje/" data-testid="footer-privacy"' in page, url


def test_the_law_pages_ship_defaults_filled_in_and_take_the_regions_own_text(world, client):
    identity = PortalIdentity.objects.create(
        region=world.region,
        name="Kraj Vysočina",
        address="Žižkova 57, Jihlava",
        contact_email="posta@kr-vysocina.cz",
        accessibility_prepared_on=dt.date(2026, 11, 30),
    )
    page = client.get("/prohlaseni-o-pristupnosti/").content.decode()
    for heading in [
        "Stav souladu",
        "Nepřístupný obsah",
        "Vypracování tohoto prohlášení o přístupnosti",
        "Zpětná vazba a kontaktní údaje",
        "Postupy pro vymáhání",
    ]:
        assert f"<h2>{heading}</h2>" in page
    assert "zákonem\nč. 99/2019 Sb." in page and "30. 11. 2026" in page
    assert "posta@kr-vysocina.cz" in page
    privacy = client.get("/osobni-udaje/").content.decode()
    assert "čl. 6 odst. 1 písm. e) GDPR" in privacy
    for heading in ["Správce osobních údajů", "Pověřenec pro ochranu osobních údajů", "Příjemci"]:
        assert f"<h2>{heading}</h2>" in privacy
    identity.privacy_notice = "## Vlastní text\n\nOdkaz <script>x</script>"
    identity.save()
    privacy = client.get("/osobni-udaje/").content.decode()
    assert "<h2>Vlastní text</h2>" in privacy
    assert "<script>x" not in privacy  # Markdown's raw HTML is text


def test_help_texts_and_errors_are_described_by_ids_that_exist(world, client):
    with run_on_commit():
        response = client.post("/", web_form_data(email="jana@", message=""))
    page = response.content.decode()
    described = re.findall(r'aria-describedby="([^"]+)"', page)
    assert described, "no field is described"
    for ids in described:
        for one in ids.split():
            assert f'id="{one}"' in page, f"aria-describedby points to a missing id {one}"
    assert re.search(r'<input[^>]*aria-describedby="id_email_error"[^>]*aria-invalid="true"', page)
    # the summary first, focused, linking to the fields
    summary = page[page.index('data-testid="error-summary"') :]
    assert (
        "autofocus"
        in page[page.index("gov-error-summary") - 200 : page.index("data-error-summary")]
    )
    assert '<a href="#id_email">Zadejte e-mail ve tvaru jmeno@example.cz</a>' in summary
    assert '<a href="#id_message">Napište, na co se chcete zeptat</a>' in summary
    assert "Formulář nebyl odeslán: opravte 2 chyby" in page
    assert (
        "<li>"
        not in page[page.index('id="id_email_error"') : page.index('id="id_email_error"') + 300]
    )


def test_the_subject_is_cut_at_a_word_with_an_ellipsis(world, client):
    text = "Dobrý den, chtěla bych se zeptat, kdy mohu vyzvednout nový občanský průkaz pro dceru."
    item = submit_web_request(client, message=text)
    assert item.subject == subject_from_text(text)
    assert item.subject.endswith("…")
    kept = item.subject[:-1]
    assert text.startswith(kept) and text[len(kept)] == " "  # whole words only
    assert len(item.subject) <= 81


def test_tracking_shows_the_expected_date_and_the_clerks_links_clickable(world, client):
    item = submit_web_request(client)
    item.resolution_due_at = dt.datetime(2026, 12, 18, 15, 0, tzinfo=dt.UTC)
    item.save(update_fields=["resolution_due_at"])
    with run_on_commit():
        conversations.request_reply(
            request=item,
            by=world.alice,
            text="Formulář najdete na https://www.example.cz/formular?a=1&b=2 <b>hned</b>.",
        )
    page = client.get(f"/sledovani/{item.public_token}/").content.decode()
    assert re.search(r'data-testid="expected-answer">nejpozději do 18\. 12\. 2026<', page)
    link = re.search(r'<a href="https://www.example.cz/formular\?a=1&amp;b=2"[^>]*>', page)
    assert link and 'rel="noopener noreferrer nofollow"' in link.group(0)
    assert "&lt;b&gt;hned&lt;/b&gt;" in page  # the text stays text


def test_the_citizen_closes_the_request_after_a_confirmation_and_may_rate_it(world, client):
    item = submit_web_request(client)
    tracking = f"/sledovani/{item.public_token}/"
    assert (
        f'href="/sledovani/{item.public_token}/uzavrit/"' in client.get(tracking).content.decode()
    )
    confirm = client.get(f"{tracking}uzavrit/").content.decode()
    assert "Ano, uzavřít dotaz" in confirm
    item.refresh_from_db()
    assert item.status == Status.NEW  # the GET changed nothing
    response = client.post(f"{tracking}uzavrit/")
    assert response.status_code == 302 and response["Location"].startswith(tracking)
    item.refresh_from_db()
    assert item.status == Status.CLOSED and item.closed_at is not None
    page = client.get(tracking).content.decode()
    assert "Jak jsme vám pomohli?" in page
    assert 'data-testid="close-request"' not in page


def test_find_my_request_mails_the_link_and_answers_the_same_either_way(world, client):
    item = submit_web_request(client)
    mail.outbox.clear()
    with run_on_commit():
        hit = client.post(
            "/sledovani/",
            {"reference": item.reference.lower(), "email": "JANA.dvorakova@seznam.cz"},
        ).content.decode()
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["jana.dvorakova@seznam.cz"]
    assert f"/sledovani/{item.public_token}/" in mail.outbox[0].body
    with run_on_commit():
        miss = client.post(
            "/sledovani/", {"reference": item.reference, "email": "someone@example.cz"}
        ).content.decode()
        unknown = client.post(
            "/sledovani/", {"reference": "VYS-2026-999999", "email": "jana.dvorakova@seznam.cz"}
        ).content.decode()
    assert len(mail.outbox) == 1

    def message(page: str) -> str:
        found = re.search(r'data-testid="find-sent">(.*?)</div>', page, re.S)
        assert found is not None
        return found.group(1)

    assert message(hit) == message(miss) == message(unknown)


def test_find_my_request_mails_one_address_at_most_three_times_an_hour(world, client):
    item = submit_web_request(client)
    mail.outbox.clear()
    for _ in range(5):
        with run_on_commit():
            client.post(
                "/sledovani/", {"reference": item.reference, "email": "jana.dvorakova@seznam.cz"}
            )
    assert len(mail.outbox) == 3
    assert Request.objects.count() == 1
