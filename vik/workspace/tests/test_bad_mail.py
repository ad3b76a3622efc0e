"""An e-mail the parser had to shorten says so on the request page, with the raw message a
click away; an attachment of a type the web form refuses is flagged and not one click away."""

import base64
import html

import pytest

from vik.audit.models import AuditEvent
from vik.channels.core import services
from vik.channels.core.choices import ChannelKind
from vik.channels.core.models import ChannelAccount
from vik.channels.mail.parser import MAX_DEPTH, Shortened, parse_mail
from vik.conversations.models import Interaction
from vik.conversations.services import intake

EXE = b"MZ\x90\x00\x03\x00\x00\x00 this program cannot be run in DOS mode"


def message(body: bytes, content_type: bytes = b'multipart/mixed; boundary="B0"') -> bytes:
    return (
        b"From: Jan Novak <jan.novak@example.cz>\r\nTo: podatelna@example.cz\r\n"
        b"Subject: Zadost o informace\r\nMessage-ID: <bad-mail@example.cz>\r\n"
        b"MIME-Version: 1.0\r\nContent-Type: " + content_type + b"\r\n\r\n" + body
    )


def many_parts(count: int) -> bytes:
    """A multipart/mixed message of `count` MIME parts in all (the root and count-1 texts)."""
    parts = [b"--B0\r\nContent-Type: text/plain\r\n\r\ncast %d\r\n" % n for n in range(count - 1)]
    return message(b"".join(parts) + b"--B0--\r\n")


def nested(levels: int) -> bytes:
    """Multiparts nested `levels` deep with a text at the bottom."""
    body = b"Content-Type: text/plain\r\n\r\nnejhlubsi text\r\n"
    for level in reversed(range(1, levels)):
        body = (
            b'Content-Type: multipart/mixed; boundary="B%d"\r\n\r\n--B%d\r\n' % (level, level)
            + body
            + b"--B%d--\r\n" % level
        )
    return message(b"--B0\r\n" + body + b"--B0--\r\n")


def with_attachments(*files: tuple[str, str, bytes]) -> bytes:
    parts = [b"--B0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nPosilam prilohy.\r\n"]
    for name, content_type, content in files:
        parts.append(
            b'--B0\r\nContent-Type: %s\r\nContent-Disposition: attachment; filename="%s"\r\n'
            b"Content-Transfer-Encoding: base64\r\n\r\n%s\r\n"
            % (content_type.encode(), name.encode(), base64.b64encode(content))
        )
    return message(b"".join(parts) + b"--B0--\r\n")


@pytest.fixture
def mailbox(world):
    return ChannelAccount.objects.create(
        region=world.region, kind=ChannelKind.EMAIL, name="podatelna",
        settings={"acknowledge": False},
    )  # fmt: skip


def receive(mailbox, raw: bytes) -> Interaction:
    payload, _ = services.inbound_accept(
        account=mailbox, idempotency_key="mid:bad-mail@example.cz", body=raw,
        content_type="message/rfc822",
    )  # fmt: skip
    intake.inbound_process(payload_id=payload.pk)
    return Interaction.objects.get(inbound_payload=payload)


def test_the_parser_records_what_its_limits_cut():
    assert parse_mail(many_parts(3000)).shortened == Shortened(
        kept_parts=500, total_parts=3000, depth=1, depth_limit=MAX_DEPTH
    )
    assert parse_mail(nested(25)).shortened == Shortened(
        kept_parts=21, total_parts=26, depth=25, depth_limit=MAX_DEPTH
    )
    assert parse_mail(many_parts(500)).shortened is None
    assert parse_mail(nested(MAX_DEPTH)).shortened is None


def test_a_3000_part_mail_says_it_was_shortened_and_the_raw_message_downloads(
    world, client, mailbox
):
    raw = many_parts(3000)
    interaction = receive(mailbox, raw)
    reference = interaction.request.reference
    client.force_login(world.carol)
    page = html.unescape(client.get(f"/staff/requests/{reference}/").content.decode())
    assert "Zkráceno: zachováno 500 z 3\xa0000 částí; původní zpráva je uložena." in page
    link = f"/staff/requests/{reference}/interactions/{interaction.pk}/raw"
    assert f'href="{link}">Stáhnout původní zprávu (.eml)</a>' in page

    response = client.get(link)
    assert response.status_code == 200
    assert response.content == raw
    assert (
        response["Content-Disposition"]
        == f'attachment; filename="{reference}-{interaction.pk}.eml"'
    )
    assert response["X-Content-Type-Options"] == "nosniff"
    event = AuditEvent.objects.get(action="inbound.raw_download")
    assert (event.actor, event.personal_data) == (world.carol, True)


def test_the_raw_message_is_only_for_staff_who_see_the_request(world, client, mailbox):
    interaction = receive(mailbox, many_parts(3000))
    client.force_login(world.dave)  # a coordinator of another region
    url = f"/staff/requests/{interaction.request.reference}/interactions/{interaction.pk}/raw"
    assert client.get(url).status_code == 404
    assert not AuditEvent.objects.filter(action="inbound.raw_download").exists()


def test_a_deeply_nested_mail_says_how_deep(world, client, mailbox):
    interaction = receive(mailbox, nested(25))
    client.force_login(world.carol)
    page = client.get(f"/staff/requests/{interaction.request.reference}/").content.decode()
    assert "Zkráceno: zachováno 21 z 26 částí; původní zpráva je uložena." in page
    assert "Zpráva je vnořena do hloubky 25 úrovní; co leží hlouběji než 20 úrovní" in page


def test_an_ordinary_mail_has_no_shortened_note(world, client, mailbox):
    interaction = receive(mailbox, many_parts(3))
    client.force_login(world.carol)
    page = client.get(f"/staff/requests/{interaction.request.reference}/").content.decode()
    assert "Zkráceno" not in page
    assert "Původní zpráva (.eml)" in page


def test_an_exe_in_mail_is_kept_flagged_and_not_one_click_away(world, client, mailbox):
    interaction = receive(
        mailbox,
        with_attachments(
            ("faktura.exe", "application/octet-stream", EXE),
            ("faktura2.pdf", "application/pdf", EXE),  # renamed: its first bytes tell
            ("dopis.pdf", "application/pdf", b"%PDF-1.4 dopis"),
        ),
    )
    reference = interaction.request.reference
    attachments = {a.filename: a for a in interaction.attachments.all()}
    assert sorted(attachments) == ["dopis.pdf", "faktura.exe", "faktura2.pdf"]
    client.force_login(world.carol)
    page = client.get(f"/staff/requests/{reference}/").content.decode()
    assert page.count("Nebezpečný typ souboru, neotevírejte") == 2
    flagged = page.split('data-testid="dangerous-attachment">')[1:]
    assert [item.split("<")[0] for item in flagged] == ["faktura.exe", "faktura2.pdf"]
    assert '">faktura.exe</a>' not in page  # the name is no link
    pdf = attachments["dopis.pdf"]
    assert f'<a href="/staff/requests/{reference}/attachments/{pdf.pk}">dopis.pdf</a>' in page

    url = f"/staff/requests/{reference}/attachments/{attachments['faktura.exe'].pk}"
    warning = client.get(url)
    assert warning["Content-Type"].startswith("text/html")
    assert "Content-Disposition" not in warning
    assert "Přesto soubor stáhnout" in warning.content.decode()
    download = client.post(url)
    assert download["Content-Disposition"] == 'attachment; filename="faktura.exe"'
    assert download["Content-Type"] == "application/octet-stream"
    assert b"".join(download.streaming_content) == EXE

    direct = client.get(f"/staff/requests/{reference}/attachments/{pdf.pk}")
    assert direct["Content-Disposition"] == 'attachment; filename="dopis.pdf"'
