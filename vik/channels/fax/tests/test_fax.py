"""The fax channel end to end: a gateway's mail piped in, OCR of the pages, replies out by e-mail
to the gateway.

The faxes are made here: Czech text rendered with DejaVu Sans at fax resolution, blurred a
little, with salt-and-pepper noise, thresholded to 1 bit, and saved as the gateways save them
(a raster PDF; a multi-page CCITT G4 TIFF at fax "normal" resolution, 204 × 98 dpi). The tests
that read pages need Tesseract with Czech data and Poppler (`scripts/system-deps.sh`): without
them they are skipped, and fail when CI=true.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import random
import re
import shutil
import subprocess
import sys
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

import pytest
from django.core.management import call_command
from django.utils import translation
from PIL import Image, ImageDraw, ImageFilter, ImageFont

from vik.channels.core.base import DeliveryError
from vik.channels.core.choices import ChannelKind, OutboundState, PayloadState
from vik.channels.core.models import (
    ChannelAccount,
    InboundPayload,
    MessageReference,
    OutboundMessage,
)
from vik.channels.fax import ocr
from vik.channels.fax.adapter import calling_number, gateway_address
from vik.channels.mail.parser import parse_mail
from vik.conversations import services
from vik.conversations.models import Interaction, Request
from vik.core import clock
from vik.testing.fixtures import run_on_commit

FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
LETTER = [
    "Žádost o informace podle zákona č. 106/1999 Sb.",
    "Městský úřad Jihlava, odbor dopravy",
    "Prosím o sdělení, kolik řidičských průkazů bylo",
    "vydáno v roce 2025. Odpověď zašlete faxem.",
    "S pozdravem Jiří Šťastný, Třešťská 12, Jihlava",
]
# Words of LETTER that must survive OCR of a fax-quality page (diacritics included).
KEY_WORDS = ["Žádost", "informace", "zákona", "Městský", "úřad", "Jihlava", "dopravy", "sdělení"]
SECOND_PAGE = [
    "Příloha: kopie rozhodnutí o přestupku",
    "Žadatel souhlasí se zpracováním osobních údajů.",
    "Děkuji za vyřízení.",
]
# At fax "normal" resolution (98 dpi down) Tesseract reads about 0.9 of the words; it runs
# "Děkuji za" together, so the words checked are long ones.
SECOND_PAGE_WORDS = ["Příloha", "rozhodnutí", "přestupku", "Žadatel", "osobních", "údajů"]


def _in_ci() -> bool:
    return os.environ.get("CI", "").lower() in {"1", "true", "yes"}


@pytest.fixture
def tesseract() -> None:
    """Tesseract with Czech data and Poppler, or skip (fail in CI)."""
    missing = [tool for tool in ("tesseract", "pdftoppm", "pdfinfo") if not shutil.which(tool)]
    if not missing:
        langs = subprocess.run(
            ["tesseract", "--list-langs"], capture_output=True, text=True, check=False
        ).stdout.split()
        if "ces" not in langs:
            missing.append("tesseract-ocr-ces")
    if missing:
        reason = f"OCR tools missing: {', '.join(missing)} (run scripts/system-deps.sh)"
        if _in_ci():
            pytest.fail(reason)
        pytest.skip(reason)


# --- faxes ------------------------------------------------------------------------------------


def scanned_page(lines: list[str], *, seed: int = 1, dpi: int = 200) -> Image.Image:
    """An A4 page with `lines` in 12 pt type as a fax machine sends it: 1 bit, at `dpi`."""
    width, height = int(8.27 * dpi), int(11.69 * dpi)
    page = Image.new("L", (width, height), 255)
    draw = ImageDraw.Draw(page)
    size = round(dpi * 12 / 72)
    font = ImageFont.truetype(FONT, size)
    y = dpi
    for line in lines:
        draw.text((int(dpi * 0.9), y), line, font=font, fill=0)
        y += round(size * 1.6)
    page = page.filter(ImageFilter.GaussianBlur(0.6))
    noise = random.Random(seed)
    pixels = page.load()
    assert pixels is not None
    for _ in range(width * height // 1000):
        x, y = noise.randrange(width), noise.randrange(height)
        pixels[x, y] = 0 if pixels[x, y] > 128 else 255  # type: ignore[index,operator]
    return page.convert("1")


def fax_pdf(*pages: list[str]) -> bytes:
    images = [scanned_page(lines, seed=n) for n, lines in enumerate(pages, 1)]
    out = io.BytesIO()
    images[0].save(out, "PDF", resolution=200, save_all=True, append_images=images[1:])
    return out.getvalue()


def fax_tiff(*pages: list[str]) -> bytes:
    """Multi-page G4 TIFF at fax normal resolution: 204 dpi across, 98 dpi down."""
    images = []
    for n, lines in enumerate(pages, 1):
        fine = scanned_page(lines, seed=n, dpi=204)  # square pixels, 204 × 204
        images.append(fine.resize((fine.width, round(fine.height * 98 / 204))).convert("1"))
    out = io.BytesIO()
    images[0].save(
        out, "TIFF", compression="group4", dpi=(204, 98), save_all=True,
        append_images=images[1:],
    )  # fmt: skip
    return out.getvalue()


def hylafax_mail(
    document: bytes,
    *,
    filename: str = "fax000000123.pdf",
    content_type: str = "application/pdf",
    subject: str = "facsimile received from +420 567 123 456",
    sender: str = "567123456",
    callid: str = "567123456",
    headers: dict[str, str] | None = None,
) -> bytes:
    """A fax as HylaFAX's faxrcvd mails it: the document attached, the details in the body."""
    message = EmailMessage()
    message["From"] = "HylaFAX Agent <FaxMaster@fax.jihlava.example>"
    message["To"] = "fax@jihlava.example"
    message["Subject"] = subject
    message["Date"] = format_datetime(clock.now())
    message["Message-ID"] = make_msgid(domain="fax.jihlava.example")
    for name, value in (headers or {}).items():
        message[name] = value
    message.set_content(
        f"recvq/{filename.rsplit('.', 1)[0]}.tif (ftp://fax.jihlava.example:4559/recvq/x.tif):\n"
        f"          Sender: {sender}\n"
        "           Pages: 1\n"
        "         Quality: Fine\n"
        "        Received: 2026:11:20 09:41:07\n"
        " Time To Receive: 0:41\n"
        "     Signal Rate: 14400 bit/s\n"
        f"         CallID1: {callid}\n"
        "         CallID2: \n"
        "     Received On: ttyIAX0\n"
        "          CommID: 000000123 (ftp://fax.jihlava.example:4559/log/c000000123)\n"
    )
    if document:
        maintype, subtype = content_type.split("/", 1)
        message.add_attachment(document, maintype=maintype, subtype=subtype, filename=filename)
    return message.as_bytes()


def pipe(monkeypatch: pytest.MonkeyPatch, account: ChannelAccount, raw: bytes) -> int:
    """Deliver like Postfix's pipe transport: the message on stdin of `vik ingest-mail`."""
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(raw)))
    with run_on_commit(), pytest.raises(SystemExit) as exit_status:
        call_command("ingest-mail", account=account.name)
    return int(exit_status.value.code or 0)


def words(text: str) -> set[str]:
    """The words of `text`, lower-case, without punctuation: OCR's whitespace, commas and the
    case of a first letter (it reads "jihlava" for "Jihlava" now and then) do not matter;
    diacritics do."""
    return {word.casefold() for word in re.findall(r"\w+", text)}


def missing(expected: list[str], text: str) -> list[str]:
    found = words(text)
    return [word for word in expected if word.casefold() not in found]


@pytest.fixture
def fax_account(world):
    return ChannelAccount.objects.create(
        region=world.region,
        centre=world.centre_a,
        kind=ChannelKind.FAX,
        name="fax-jihlava",
        settings={
            "fax": {"send_to": "{number}@fax.jihlava.example", "number": "+420 567 111 222"},
            "smtp": {"from": "podatelna@jihlava.example"},
        },
    )


# --- inbound ----------------------------------------------------------------------------------


def test_a_faxed_pdf_becomes_a_searchable_request_from_the_calling_number(
    world, fax_account, monkeypatch, tesseract
):
    document = fax_pdf(LETTER)
    assert pipe(monkeypatch, fax_account, hylafax_mail(document)) == 0

    request = Request.objects.get()
    assert (request.origin_channel, request.origin_account, request.centre) == (
        "fax",
        fax_account,
        world.centre_a,
    )
    assert request.subject == "Fax od +420 567 123 456"
    assert list(request.requester.identities.values_list("kind", "value")) == [
        ("phone", "+420567123456")
    ]
    fax = request.interactions.get(direction="inbound")
    assert fax.channel == "fax"
    assert fax.text.splitlines()[0] == "Fax, 1 strana"
    assert missing(KEY_WORDS, fax.text) == []
    [attachment] = fax.attachments.all()
    assert (attachment.filename, attachment.content_type) == ("fax000000123.pdf", "application/pdf")
    assert attachment.sha256 == hashlib.sha256(document).hexdigest()
    # The clerks find it by its words.
    assert Interaction.objects.filter(text__contains="Městský úřad").count() == 1


def test_a_multipage_tiff_at_normal_resolution_is_read_page_by_page(
    world, fax_account, monkeypatch, tesseract
):
    """An Asterisk-style gateway: the caller in a header, the TIFF labelled octet-stream."""
    document = fax_tiff(LETTER, SECOND_PAGE)
    raw = hylafax_mail(
        document,
        filename="fax-20261120-094107.tif",
        content_type="application/octet-stream",
        subject="New fax",
        sender="",
        callid="",
        headers={"X-Fax-Caller-Id": "Jiri Stastny <+420567123456>"},
    )
    assert pipe(monkeypatch, fax_account, raw) == 0

    fax = Interaction.objects.get(direction="inbound")
    assert list(fax.contact.identities.values_list("value", flat=True)) == ["+420567123456"]
    text = fax.text
    assert text.splitlines()[0] == "Fax, 2 strany"
    first, second = text.split("--- Strana 2 ---")
    assert "--- Strana 1 ---" in first
    assert missing(KEY_WORDS, first) == []
    assert missing(SECOND_PAGE_WORDS, second) == []
    [attachment] = fax.attachments.all()
    assert (attachment.filename, attachment.content_type) == (
        "fax-20261120-094107.tif",
        "image/tiff",
    )


def test_pages_over_the_limit_are_left_to_the_attachment(tesseract):
    with translation.override("cs"):
        result = ocr.document_text(
            fax_tiff(LETTER, SECOND_PAGE), "image/tiff", max_pages=1, seconds=60
        )
    assert (result.pages, result.recognised) == (2, 1)
    assert result.text.startswith(
        "Rozpoznáno bylo jen prvních 1 z 2 stran; ostatní jsou v přiloženém dokumentu."
    )
    assert missing(KEY_WORDS, result.text) == []
    assert "Příloha" not in result.text


def test_reading_stops_when_the_time_is_up():
    with translation.override("cs"):
        result = ocr.document_text(fax_tiff(LETTER, SECOND_PAGE), "image/tiff", seconds=0)
    assert (result.pages, result.recognised) == (2, 0)
    assert result.text == (
        "Strany 1 až 2 nebyly rozpoznány: čas na čtení faxu vypršel. Jsou v přiloženém dokumentu."
    )


def test_without_tesseract_the_fax_is_filed_with_a_note(world, fax_account, monkeypatch):
    import pytesseract

    monkeypatch.setattr(pytesseract.pytesseract, "tesseract_cmd", "/nonexistent/tesseract")
    document = fax_pdf(LETTER)
    assert pipe(monkeypatch, fax_account, hylafax_mail(document)) == 0
    fax = Interaction.objects.get(direction="inbound")
    note = fax.text.split("\n\n", 1)[1]
    assert note.startswith("Text se nepodařilo rozpoznat: ")
    if shutil.which("pdfinfo") and shutil.which("pdftoppm"):
        assert note == (
            "Text se nepodařilo rozpoznat: Tesseract není nainstalován "
            "(balíčky Debianu tesseract-ocr a tesseract-ocr-ces)"
        )
    [attachment] = fax.attachments.all()
    assert attachment.sha256 == hashlib.sha256(document).hexdigest()


def test_a_fax_mail_without_a_document_is_quarantined(world, fax_account, monkeypatch):
    assert pipe(monkeypatch, fax_account, hylafax_mail(b"")) == 0
    payload = InboundPayload.objects.get()
    assert (payload.state, payload.quarantine_reason) == (
        PayloadState.QUARANTINED,
        "the fax message carries no PDF or TIFF",
    )
    assert Request.objects.count() == 0


def test_a_fax_whose_text_cannot_be_read_is_filed_with_a_note(world, fax_account, monkeypatch):
    broken = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n%%broken"
    assert pipe(monkeypatch, fax_account, hylafax_mail(broken)) == 0

    payload = InboundPayload.objects.get()
    assert payload.state == PayloadState.PROCESSED
    fax = Interaction.objects.get(direction="inbound")
    lines = fax.text.splitlines()
    assert lines[0] == "Fax"
    assert lines[2].startswith("Text se nepodařilo rozpoznat: ")
    [attachment] = fax.attachments.all()
    assert attachment.sha256 == hashlib.sha256(broken).hexdigest()
    assert fax.request.subject == "Fax od +420 567 123 456"


def test_a_fax_from_an_unknown_number_is_filed_and_cannot_be_answered_by_fax(
    world, fax_account, monkeypatch, smtp_sink
):
    raw = hylafax_mail(
        b"%PDF-1.4 broken",
        subject='Fax received from "MU PELHRIMOV"',
        sender="MU PELHRIMOV",
        callid="anonymous",
    )
    assert pipe(monkeypatch, fax_account, raw) == 0
    request = Request.objects.get()
    assert request.subject == "Fax od neznámého čísla"
    assert request.requester.name == "MU PELHRIMOV"
    assert request.requester.identities.count() == 0
    fax = request.interactions.get(direction="inbound")
    assert fax.text.splitlines()[1] == (
        "Číslo volajícího není známé: na tento fax nelze odpovědět faxem."
    )
    with run_on_commit():
        services.request_reply(request=request, by=world.alice, text="Odpovíme dopisem.")
    assert OutboundMessage.objects.count() == 0
    assert smtp_sink.messages == []


def test_the_same_fax_twice_makes_one_interaction(world, fax_account, monkeypatch):
    raw = hylafax_mail(b"%PDF-1.4 broken")
    assert pipe(monkeypatch, fax_account, raw) == 0
    assert pipe(monkeypatch, fax_account, b"Delivered-To: fax@jihlava.example\n" + raw) == 0
    assert InboundPayload.objects.count() == 1
    assert Interaction.objects.filter(direction="inbound").count() == 1


# --- the calling number -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("headers", "body", "expected"),
    [
        # HylaFAX 6 faxrcvd template: TSI in the subject and Sender, caller ID in CallID1.
        (
            'Subject: Fax received from "MU Jihlava"\n',
            "          Sender: MU Jihlava\n         CallID1: 567123456\n",
            ("+420567123456", "caller-id (callid1)", "MU Jihlava"),
        ),
        # Older HylaFAX: only the subject and the TSI.
        (
            "Subject: facsimile received from +420 567 123 456\n",
            "Sender: +420 567 123 456\n",
            ("+420567123456", "tsi (sender)", ""),
        ),
        # The caller ID withheld, the TSI is a number.
        (
            "Subject: Fax\n",
            "CallerID: anonymous\nTSI: 00420 567 123 456\n",
            ("+420567123456", "tsi (tsi)", ""),
        ),
        # Asterisk and similar: a header of the gateway's own.
        (
            "X-Fax-Caller-Id: 567 123 456\nSubject: Fax\n",
            "",
            ("+420567123456", "caller-id (fax-caller-id)", ""),
        ),
        # Only the sender's address says it.
        ("Subject: Fax\nFrom: <fax-567123456@pbx.example>\n", "", ("+420567123456", "from", "")),
        # The office's own number (the called one) is never the caller.
        (
            "Subject: Fax od +420 567 111 222\n",
            "Sender: +420567111222\n",
            ("", "", ""),
        ),
        # The PBX put its line prefix 0 in front of the caller ID.
        (
            "Subject: Fax\n",
            "Caller-ID: 0567123456\n",
            ("+420567123456", "caller-id (caller-id)", ""),
        ),
        # No number at all; the TSI is kept as the sender's name.
        ("Subject: Fax\n", "TSI: OBEC KRIZ\nCIDNumber: \n", ("", "", "OBEC KRIZ")),
    ],
)
def test_the_calling_number_is_found_where_gateways_put_it(headers, body, expected):
    if "From:" not in headers:
        headers += "From: FaxMaster <faxmaster@fax.example>\n"
    raw = f"{headers}Message-ID: <1@fax.example>\n\n{body}".encode()
    found = calling_number(raw, parse_mail(raw), {"number": "+420567111222", "trunk_prefix": "0"})
    assert (found.number, found.source, found.name) == expected


# --- outbound ---------------------------------------------------------------------------------


def test_a_reply_goes_to_the_gateways_e_mail_to_fax_address(
    world, fax_account, monkeypatch, smtp_sink
):
    assert pipe(monkeypatch, fax_account, hylafax_mail(b"%PDF-1.4 broken")) == 0
    request = Request.objects.get()
    assert smtp_sink.messages == []  # no automatic acknowledgement by fax unless asked for
    with run_on_commit():
        services.request_reply(
            request=request, by=world.alice, text="Vydáno bylo 1 234 řidičských průkazů.",
            status="waiting_citizen",
        )  # fmt: skip
    [sent] = smtp_sink.messages
    assert sent["To"] == "420567123456@fax.jihlava.example"
    assert sent["Subject"] == f"[{request.reference}] Fax od +420 567 123 456"
    body = sent.get_content()
    assert body.startswith(f"[{request.reference}]")
    assert "Vydáno bylo 1 234 řidičských průkazů." in body
    assert "Centrum jihlava" in body  # the centre's signature
    outbound = OutboundMessage.objects.get()
    assert (outbound.state, outbound.recipient) == (OutboundState.SENT, "+420567123456")
    reference = MessageReference.objects.get(outbound=outbound)
    assert (reference.channel, reference.message_id) == ("fax", sent["Message-ID"].strip("<>"))


def test_a_markdown_reply_is_faxed_as_plain_text_without_its_markup(
    world, fax_account, monkeypatch, smtp_sink
):
    assert pipe(monkeypatch, fax_account, hylafax_mail(b"%PDF-1.4 broken")) == 0
    request = Request.objects.get()
    text = "Průkaz je **připraven**.\n\n- přineste [žádost](https://www.jihlava.cz/zadost)\n- 50 Kč"
    with run_on_commit():
        services.request_reply(request=request, by=world.alice, text=text)
    [sent] = smtp_sink.messages
    body = sent.get_content().replace("\r\n", "\n")
    assert "Průkaz je připraven." in body
    assert "• přineste žádost (https://www.jihlava.cz/zadost)\n• 50 Kč" in body
    assert "**" not in body and "](" not in body


def test_a_refused_gateway_address_fails_at_once_and_shows_on_the_request(
    world, fax_account, monkeypatch, smtp_sink
):
    smtp_sink.refuse.add("420567123456@fax.jihlava.example")
    assert pipe(monkeypatch, fax_account, hylafax_mail(b"%PDF-1.4 broken")) == 0
    request = Request.objects.get()
    with run_on_commit():
        services.request_reply(request=request, by=world.alice, text="Odpověď.")
    outbound = OutboundMessage.objects.get()
    assert outbound.state == OutboundState.FAILED
    assert outbound.last_error.startswith("recipient refused")
    assert request.events.filter(kind="delivery_failed").count() == 1


def test_a_bounce_of_the_mail_to_the_gateway_marks_the_reply_failed(
    world, fax_account, monkeypatch, smtp_sink
):
    assert pipe(monkeypatch, fax_account, hylafax_mail(b"%PDF-1.4 broken")) == 0
    request = Request.objects.get()
    with run_on_commit():
        services.request_reply(request=request, by=world.alice, text="Odpověď.")
    [sent] = smtp_sink.messages
    bounce = (
        "From: Mail Delivery System <MAILER-DAEMON@fax.jihlava.example>\n"
        "To: podatelna@jihlava.example\n"
        "Subject: Undelivered Mail Returned to Sender\n"
        f"Message-ID: {make_msgid(domain='fax.jihlava.example')}\n"
        "Auto-Submitted: auto-replied\n"
        "MIME-Version: 1.0\n"
        'Content-Type: multipart/report; report-type=delivery-status; boundary="B"\n'
        "\n--B\nContent-Type: text/plain\n\nThe mail system could not deliver your message.\n"
        "\n--B\nContent-Type: message/delivery-status\n\n"
        "Reporting-MTA: dns; fax.jihlava.example\n\n"
        "Final-Recipient: rfc822; 420567123456@fax.jihlava.example\n"
        "Action: failed\nStatus: 5.1.1\n"
        "Diagnostic-Code: smtp; 550 5.1.1 unknown fax queue\n"
        "\n--B\nContent-Type: text/rfc822-headers\n\n"
        f"Message-ID: {sent['Message-ID']}\nSubject: {sent['Subject']}\n"
        "\n--B--\n"
    ).encode()
    assert pipe(monkeypatch, fax_account, bounce) == 0
    outbound = OutboundMessage.objects.get()
    assert outbound.state == OutboundState.FAILED
    assert outbound.last_error.startswith("5.1.1")
    assert request.events.filter(kind="delivery_failed").count() == 1
    assert Request.objects.count() == 1


def test_a_fax_quoting_a_reference_joins_its_request(world, fax_account, monkeypatch, tesseract):
    assert pipe(monkeypatch, fax_account, hylafax_mail(b"%PDF-1.4 broken")) == 0
    request = Request.objects.get()
    answer = fax_pdf([f"Věc: doplnění žádosti {request.reference}", "Posílám chybějící údaje."])
    assert pipe(monkeypatch, fax_account, hylafax_mail(answer)) == 0
    assert Request.objects.count() == 1
    assert request.interactions.filter(direction="inbound").count() == 2


@pytest.mark.parametrize(
    ("template", "expected"),
    [
        ("{number}@fax.example.cz", "420567123456@fax.example.cz"),
        ("{national}@fax.example.cz", "567123456@fax.example.cz"),
        ("fax={international}@gw.example", "fax=00420567123456@gw.example"),
    ],
)
def test_the_gateway_address_is_made_from_the_template(template, expected):
    assert gateway_address(template, "+420567123456") == expected


@pytest.mark.parametrize("template", ["", "{numbr}@fax.example.cz", "fax.example.cz"])
def test_a_missing_or_broken_gateway_address_gives_up_at_once(template):
    with pytest.raises(DeliveryError) as failure:
        gateway_address(template, "+420567123456")
    assert failure.value.permanent


# --- the administrator's view -----------------------------------------------------------------


def test_vik_fax_parse_shows_the_calling_number_and_where_it_was_found(tmp_path):
    path = tmp_path / "fax.eml"
    path.write_bytes(hylafax_mail(b"%PDF-1.4 broken"))
    out = io.StringIO()
    call_command("fax", "parse", str(path), "--no-ocr", "--json", stdout=out)
    data = json.loads(out.getvalue())
    assert (data["calling_number"], data["found_in"], data["verdict"]) == (
        "+420567123456",
        "caller-id (callid1)",
        "fax",
    )
    assert data["documents"] == [
        {"filename": "fax000000123.pdf", "content_type": "application/pdf", "size": 15}
    ]
