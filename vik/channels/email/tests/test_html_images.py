"""Images in a citizen's HTML e-mail: remote ones are not loaded until the agent asks; inline
(cid:) ones are shown from their attachment; no script ever runs."""

import io
import re
import sys
from email.message import EmailMessage
from email.utils import make_msgid
from pathlib import Path

import pytest
from django.core.management import call_command

from vik.audit.models import AuditEvent
from vik.channels.core.models import InboundPayload
from vik.channels.email.adapter import EmailAdapter
from vik.conversations.models import Attachment, Interaction
from vik.conversations.selectors import interaction_formatted
from vik.core import clock
from vik.testing.fixtures import run_on_commit

FIXTURES = Path(__file__).resolve().parents[2] / "mail" / "tests" / "fixtures"
HOSTILE = (
    '<p>Dobrý den, posílám <b>plakát</b>.</p><img src="https://tracker.example/p.gif" '
    'alt="pixel" width="1" height="1" srcset="https://tracker.example/p2.gif 2x" '
    'onerror="alert(1)"><img src="x" onerror="alert(2)"><script>alert(3)</script>'
)


def html_mail(html: str) -> bytes:
    message = EmailMessage()
    message["From"] = "Jan Novák <jan.novak@example.cz>"
    message["To"] = "podatelna@jihlava.example"
    message["Subject"] = "Plakát"
    message["Message-ID"] = make_msgid(domain="example.cz")
    message.set_content("Dobrý den, posílám plakát.")
    message.add_alternative(html, subtype="html")
    return message.as_bytes()


def pipe(monkeypatch, account, raw: bytes) -> Interaction:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(raw)))
    with run_on_commit(), pytest.raises(SystemExit):
        call_command("ingest-mail", account=account.name)
    return Interaction.objects.filter(direction="inbound").latest("pk")


@pytest.fixture
def hostile(mailbox, monkeypatch):
    return pipe(monkeypatch, mailbox, html_mail(HOSTILE))


def frame_url(interaction: Interaction) -> str:
    return f"/staff/requests/{interaction.request.reference}/interactions/{interaction.pk}/html"


def test_the_stored_html_keeps_images_but_nothing_active(hostile):
    assert '<img src="https://tracker.example/p.gif" alt="pixel" width="1" height="1">' in (
        hostile.html
    )
    assert "srcset" not in hostile.html
    assert "onerror" not in hostile.html
    assert "alert(3)" not in hostile.html


def test_the_request_page_loads_no_remote_image_and_offers_to(world, client, hostile):
    client.force_login(world.alice)
    page = client.get(f"/staff/requests/{hostile.request.reference}/").content.decode()
    assert not re.search(r"src=\"[^\"]*tracker\.example", page)
    assert "tracker.example" not in page
    assert "<script>alert" not in page
    assert "onerror" not in page
    assert "[obrázek: pixel]" in page  # a placeholder where the image was
    assert "obsahuje obrázky z internetu; kvůli ochraně soukromí nebyly načteny" in page
    assert f'href="?images={hostile.pk}#message-{hostile.pk}">Zobrazit obrázky</a>' in page
    assert "<iframe" not in page


def test_show_images_frames_the_message_with_its_images(world, client, hostile):
    client.force_login(world.alice)
    page = client.get(
        f"/staff/requests/{hostile.request.reference}/", {"images": hostile.pk}
    ).content.decode()
    [frame] = re.findall(r"<iframe[^>]*>", page)
    assert f'src="{frame_url(hostile)}?images=1"' in frame
    assert 'sandbox="' in frame
    assert "allow-scripts" not in frame
    assert "tracker.example" not in page  # the page itself still loads nothing remote
    assert "Skrýt obrázky" in page


def test_the_message_frame_loads_remote_images_and_never_scripts(world, client, hostile):
    client.force_login(world.alice)
    before = AuditEvent.objects.filter(actor=world.alice, action="request.view").count()
    response = client.get(frame_url(hostile), {"images": "1"})
    assert response.status_code == 200
    body = response.content.decode()
    assert '<img src="https://tracker.example/p.gif" alt="pixel" width="1" height="1">' in body
    assert "onerror" not in body
    assert "<script" not in body
    policy = response["Content-Security-Policy"]
    assert "img-src 'self' data: https: http:" in policy
    assert "script-src 'none'" in policy
    assert "default-src 'self'" in policy
    assert "frame-ancestors 'self'" in policy
    assert response["X-Frame-Options"] == "SAMEORIGIN"
    assert response["Referrer-Policy"] == "no-referrer"
    after = AuditEvent.objects.filter(actor=world.alice, action="request.view")
    assert after.count() == before + 1
    assert after.last().object_id == str(hostile.request_id)


def test_the_message_frame_without_images_loads_none(world, client, hostile):
    client.force_login(world.alice)
    response = client.get(frame_url(hostile))
    assert "tracker.example" not in response.content.decode()
    assert "img-src 'self' data:;" in response["Content-Security-Policy"]


def test_an_agent_of_another_centre_gets_nothing_and_leaves_no_trace(world, client, hostile):
    client.force_login(world.bob)
    assert client.get(frame_url(hostile), {"images": "1"}).status_code == 404
    assert not AuditEvent.objects.filter(actor=world.bob).exists()


def test_a_message_is_found_only_under_its_own_request(world, client, hostile, monkeypatch):
    other = pipe(monkeypatch, hostile.account, html_mail("<p>Jiný dotaz</p>")).request
    assert other != hostile.request
    client.force_login(world.alice)
    wrong = f"/staff/requests/{other.reference}/interactions/{hostile.pk}/html"
    assert client.get(wrong).status_code == 404


def test_a_message_without_remote_images_shows_no_notice(world, client, mailbox, monkeypatch):
    plain = pipe(monkeypatch, mailbox, html_mail("<p>Jen <b>text</b>.</p>"))
    client.force_login(world.alice)
    page = client.get(f"/staff/requests/{plain.request.reference}/").content.decode()
    assert "Jen <b>text</b>." in page
    assert "Zobrazit obrázky" not in page
    assert "obrázky z internetu" not in page


def test_the_adapter_passes_on_the_content_id(mailbox):
    raw = (FIXTURES / "related-inline-image.eml").read_bytes()
    payload = InboundPayload(
        account=mailbox, idempotency_key="x", content_type="message/rfc822", body=raw,
        received_at=clock.now(),
    )  # fmt: skip
    [image] = EmailAdapter().parse(payload).attachments
    assert (image.filename, image.content_id) == ("priloha-1.png", "plakat@example.cz")


def test_an_inline_image_is_shown_from_its_attachment(world, mailbox, monkeypatch):
    raw = (FIXTURES / "related-inline-image.eml").read_bytes()
    interaction = pipe(monkeypatch, mailbox, raw)
    attachment = interaction.attachments.get()
    Attachment.objects.filter(pk=attachment.pk).update(content_id="plakat@example.cz")
    formatted = interaction_formatted(interaction=Interaction.objects.get(pk=interaction.pk))
    url = f"/staff/requests/{interaction.request.reference}/attachments/{attachment.pk}"
    assert f'<img src="{url}" alt="plakát">' in formatted.html
    assert formatted.remote_images == 0


def test_an_inline_image_keeps_its_content_id_when_stored(world, mailbox, monkeypatch):
    raw = (FIXTURES / "related-inline-image.eml").read_bytes()
    interaction = pipe(monkeypatch, mailbox, raw)
    assert interaction.attachments.get().content_id == "plakat@example.cz"
