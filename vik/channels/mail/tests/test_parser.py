"""The e-mail parser on hand-made Czech messages, on real bounces and auto-replies (Sisimai's
corpus), and on whatever bytes hypothesis can think of. No database: the parser is pure."""

from __future__ import annotations

import io
import json
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from vik.channels.mail import parser
from vik.channels.mail.charsets import decode_bytes, decode_words
from vik.channels.mail.parser import (
    FALLBACK,
    MailAddress,
    MailAttachment,
    MailUnparseable,
    ParsedMail,
    attachments,
    describe,
    idempotency_key,
    parse,
    parse_mail,
)

FIXTURES = Path(__file__).parent / "fixtures"
SISIMAI = FIXTURES / "sisimai"
CET = timezone(timedelta(hours=1))


def load(name: str) -> ParsedMail:
    return parse_mail((FIXTURES / name).read_bytes())


# --- charsets and bodies -------------------------------------------------------------------


def test_windows_1250_body_subject_and_sender():
    mail = load("cp1250-plain.eml")
    assert mail.subject == "Dotaz na úřední hodiny"
    assert mail.sender == MailAddress("Jiří Novák", "jiri.novak@example.cz")
    assert mail.text == (
        "Dobrý den,\n\nprosím o sdělení, kdy má úřad otevřeno. Děkuji.\n\n"
        "S pozdravem\nJiří Novák, Žďár nad Sázavou"
    )
    assert mail.date == datetime(2026, 3, 2, 8, 0, tzinfo=CET)
    assert mail.headers == {"X-Mailer": "Microsoft Outlook 16.0"}
    assert mail.defects == ()


def test_iso_8859_2_quoted_printable():
    mail = load("iso88592-qp.eml")
    assert mail.subject == "Žádost o informace podle zákona 106/1999 Sb."
    assert mail.text == (
        "Žádám o poskytnutí informace o počtu přestupků řešených v roce 2025.\n"
        "Odpověď prosím zašlete elektronicky."
    )
    assert mail.sender == MailAddress("Jana Dvořáková", "jana.dvorakova@example.cz")
    assert mail.to == (MailAddress("Informační centrum Vysočina", "info@ic-vysocina.example.cz"),)


def test_windows_1250_labelled_iso_8859_1_is_read_as_windows_1250():
    mail = load("mislabelled-latin1.eml")
    assert mail.text == "Šetříme vodu: žádáme občany, ať nezalévají. Ěmm, čtvrtek."
    assert mail.defects == (
        "text: labelled iso-8859-1 but has Czech letters in windows-1250 positions; "
        "decoded as windows-1250",
    )


def test_french_latin1_is_not_mistaken_for_czech() -> None:
    defects: list[str] = []
    french = "Votre deuxième paire à 5 euros".encode("iso-8859-1")
    assert decode_bytes(french, "iso-8859-1", defects) == "Votre deuxième paire à 5 euros"
    assert defects == []
    # the real bounce from a French town hall in the Sisimai corpus says the same
    bounce = parse_mail((SISIMAI / "bsd/lhost-exchange2007-06.eml").read_bytes())
    assert bounce.subject.startswith("Non remis : Votre deuxième paire de chaussures à 5 euros")


@pytest.mark.parametrize(
    ("data", "label", "expected", "defect"),
    [
        ("Příliš žluťoučký kůň".encode(), "iso-8859-2", "Příliš žluťoučký kůň", "is UTF-8"),
        ("Příliš žluťoučký kůň".encode("cp1250"), "utf-8", "Příliš žluťoučký kůň", "not valid"),
        ("Příliš žluťoučký".encode("cp1250"), "win-1250", "Příliš žluťoučký", None),
        ("Příliš žluťoučký".encode("cp1250"), "cp1250", "Příliš žluťoučký", None),
        ("Žlutý kůň".encode("cp1250"), "us-ascii", "Žlutý kůň", "windows-1250"),
        ("Žlutý kůň".encode("cp1250"), "x-user-defined", "Žlutý kůň", "unknown charset"),
        ("Žlutý kůň".encode("cp1250"), "base64", "Žlutý kůň", "unknown charset"),
        ("kůň".encode(), "", "kůň", None),
    ],
)
def test_charset_fallbacks(data: bytes, label: str, expected: str, defect: str | None) -> None:
    defects: list[str] = []
    assert decode_bytes(data, label, defects) == expected
    if defect is None:
        assert defects == []
    else:
        assert len(defects) == 1
        assert defect in defects[0]


def test_html_only_message_becomes_readable_text():
    mail = load("html-only-utf8-base64.eml")
    assert mail.text == (
        "Dobrý den,\n\nposílám dotaz na parkování & poplatky.\nDěkuji předem.\n\n"
        "- první bod\n- druhý bod\n\nJméno Petr"
    )
    assert "alert" not in mail.text
    assert "color" not in mail.text
    assert "Newsletter" not in mail.text
    # the raw HTML is kept (VIK sanitises it for display and blocks the tracker there)
    assert '<script>alert("x")</script>' in mail.html
    assert 'src="http://tracker.example.net/open.gif?id=42"' in mail.html
    assert mail.attachments == ()


def test_multipart_alternative_prefers_plain_text_and_keeps_html():
    mail = load("alternative.eml")
    assert mail.text == "Dobrý den, jaká je otevírací doba knihovny v sobotu?"
    assert mail.html == "<p>Dobrý den, jaká je <b>otevírací doba</b> knihovny v sobotu?</p>\n"
    assert mail.sender == MailAddress("Novák, Petr", "petr.novak@example.cz")
    assert mail.to == (
        MailAddress("", "info@ic-vysocina.example.cz"),
        MailAddress("Úřad", "podatelna@urad.example.cz"),
    )
    assert mail.cc == (MailAddress("Marie Černá", "marie@example.cz"),)
    assert mail.reply_to == (MailAddress("", "petr.novak+odpovedi@example.cz"),)
    assert mail.date == datetime(2026, 3, 4, 14, 30, tzinfo=CET)


def test_related_inline_image_is_an_inline_attachment():
    mail = load("related-inline-image.eml")
    assert mail.text == "Plakát je v HTML verzi."
    assert 'src="cid:plakat@example.cz"' in mail.html
    [image] = mail.attachments
    assert (image.filename, image.content_type, image.size) == ("priloha-1.png", "image/png", 70)
    assert (image.content_id, image.is_inline) == ("plakat@example.cz", True)
    assert image.content.startswith(b"\x89PNG\r\n")


def test_attachments_with_czech_names_rfc2231_and_rfc2047():
    mail = load("attachments-czech-names.eml")
    assert mail.text == "V příloze zasílám žádost."
    assert [(a.filename, a.content_type, a.size, a.is_inline) for a in mail.attachments] == [
        ("žádost o informace.pdf", "application/pdf", 77, False),
        ("Příloha č. 2.txt", "text/plain", 20, False),
    ]
    assert mail.attachments[0].content.startswith(b"%PDF-1.4")
    assert mail.attachments[1].content == b"Obsah druhe prilohy\n"


def test_forwarded_message_is_parsed_and_kept_as_a_file():
    mail = load("forwarded.eml")
    assert mail.text == "Přeposílám dotaz, který přišel na obec."
    [inner] = mail.forwarded
    assert inner.subject == "Původní dotaz občana"
    assert inner.sender == MailAddress("Karel Veselý", "karel@example.cz")
    assert inner.text == "Kde najdu formulář na psa?"
    [kept] = mail.attachments
    assert (kept.filename, kept.content_type) == ("priloha-1.eml", "message/rfc822")
    assert parse_mail(kept.content).subject == "Původní dotaz občana"


def test_calendar_invitation():
    mail = load("calendar-invitation.eml")
    assert mail.subject == "Pozvánka: Porada informačních center"
    assert mail.text == "Zvu vás na poradu."
    assert mail.calendar.startswith("BEGIN:VCALENDAR\nVERSION:2.0\n")
    assert "METHOD:REQUEST" in mail.calendar
    assert "SUMMARY:Porada informačních center" in mail.calendar
    assert mail.attachments == ()


def test_reply_carries_thread_hints():
    mail = load("reply.eml")
    assert mail.subject == "Re: [VYS-2026-000123] Dotaz"
    assert mail.message_id == "reply-1@example.cz"
    assert mail.in_reply_to == ("vik-out-1@ic-vysocina.example.cz",)
    assert mail.references == ("citizen-1@example.cz", "vik-out-1@ic-vysocina.example.cz")
    assert mail.text == "Děkuji za odpověď.\n\n> Dobrý den, posíláme informace."
    assert mail.auto_reply == ""
    assert mail.bounce is None


def test_raw_8bit_headers_are_decoded():
    mail = load("raw-8bit-headers.eml")
    assert mail.sender == MailAddress("Lenka Černá", "lenka@example.cz")
    assert mail.subject == "Stížnost na hluk – čtvrť Jih"  # UTF-8 and windows-1250 bytes mixed
    assert mail.defects == ("subject: raw 8-bit bytes that are not UTF-8; decoded as windows-1250",)


def test_broken_encoded_words_and_unknown_charsets():
    mail = load("broken-encoded-words.eml")
    assert mail.subject == "Žluťoučký kůň"  # one UTF-8 character split across two words
    assert mail.sender == MailAddress("Pan Neznámý", "neznamy@example.cz")
    assert mail.text == "Příliš žluťoučký kůň."
    assert set(mail.defects) == {
        "text: unknown charset 'x-user-defined'; guessed",
        "address: unknown charset 'x-unknown'; guessed",
    }


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("=?utf-8?Q?Dobr=C3=BD_den?=", "Dobrý den"),
        ("=?utf-8?Q?a?= =?utf-8?Q?b?=", "ab"),  # whitespace between words is dropped
        ("Re:=?utf-8?Q?_=C4=8Dau?=", "Re: čau"),  # a word glued to text
        ("=?UTF-8*cs?B?xI1hdQ?=", "čau"),  # RFC 2231 language, missing padding
        ("=?utf-8?B?!!!?=", ""),
        ("=?utf-8?Q?unterminated", "=?utf-8?Q?unterminated"),
    ],
)
def test_encoded_words(header, expected):
    assert decode_words(header, []) == expected


def test_a_winmail_dat_nobody_can_read_is_kept_whole():
    """tnefparse is a dependency; the fixture's winmail.dat holds nothing it can read."""
    assert attachments.TNEF is not None
    mail = load("winmail.eml")
    assert mail.text == "Viz příloha."
    assert [(a.filename, a.content_type, a.size) for a in mail.attachments] == [
        ("winmail.dat", "application/ms-tnef", 64)
    ]
    assert mail.defects == ("winmail.dat (TNEF) had nothing readable; kept as a file",)


def test_a_winmail_dat_that_would_eat_all_memory_is_kept_whole_and_the_parser_survives():
    """tnefparse trusts the sizes in the file: this damaged one made it allocate 24 GB. The
    decoder runs in a child with a memory budget, so the message still parses."""
    raw = (Path(__file__).parent / "hostile" / "tnef-memory-bomb.eml").read_bytes()
    mail = parse_mail(raw)
    assert any(
        d.startswith("winmail.dat (TNEF) could not be unpacked (TnefTooCostly")
        for d in mail.defects
    ), mail.defects
    kept = [a for a in mail.attachments if a.content_type == "application/ms-tnef"]
    assert len(kept) == 1 and kept[0].size > 0  # never dropped


def test_winmail_dat_is_kept_when_tnefparse_is_missing(monkeypatch):
    monkeypatch.setattr(attachments, "TNEF", None)
    mail = load("winmail.eml")
    assert [(a.filename, a.size) for a in mail.attachments] == [("winmail.dat", 64)]
    assert mail.defects == ("winmail.dat (TNEF) kept as a file: tnefparse is not installed",)


# --- auto-replies --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "verdict"),
    [
        ("out-of-office-cz.eml", "out-of-office subject"),
        ("auto-submitted.eml", "Auto-Submitted: auto-replied"),
        ("precedence-bulk.eml", "Precedence: bulk"),
        ("cp1250-plain.eml", ""),
        ("reply.eml", ""),
        ("forwarded.eml", ""),
    ],
)
def test_auto_reply_verdict_of_fixtures(name, verdict):
    assert load(name).auto_reply == verdict


@pytest.mark.parametrize(
    ("headers", "verdict"),
    [
        ("Auto-Submitted: auto-generated\n", "Auto-Submitted: auto-generated"),
        ("Auto-Submitted: no\n", ""),
        ("X-Autoreply: yes\n", "X-Autoreply"),
        ("X-Autorespond: Vacation\n", "X-Autorespond"),
        ("X-Auto-Response-Suppress: DR, OOF\n", "X-Auto-Response-Suppress"),
        ("X-Auto-Response-Suppress: DR, RN\n", ""),
        ("Precedence: junk\n", "Precedence: junk"),
        ("Precedence: list\n", "Precedence: list"),
        ("List-Id: Zpravodaj <zpravodaj.obec.example.cz>\n", "mailing list"),
        ("List-Unsubscribe: <mailto:leave@example.cz>\n", "mailing list"),
        ("Subject: Out of Office: Dotaz\n", "out-of-office subject"),
        ("Subject: Nepřítomen: Dotaz\n", "out-of-office subject"),
        ("Subject: =?utf-8?Q?Nep=C5=99=C3=ADtomnost?=\n", "out-of-office subject"),
        ("Subject: Mimo kancelář\n", "out-of-office subject"),
        ("Subject: Automatic reply: Dotaz\n", "out-of-office subject"),
        ("Subject: Autoreply\n", "out-of-office subject"),
        ("Subject: Abwesenheitsnotiz: Anfrage\n", "out-of-office subject"),
        ("Subject: Re: Automatická odpověď: Dotaz\n", ""),  # a person answering one
        ("Subject: Dotaz na nepřítomnost starosty\n", ""),
    ],
)
def test_auto_reply_headers(headers, verdict):
    raw = f"From: a@example.cz\nTo: b@example.cz\n{headers}\nText.\n".encode()
    assert parse_mail(raw).auto_reply == verdict


# --- bounces: Sisimai's real-world corpus --------------------------------------------------

#: What each copied file really says: (recipients, status, action, original Message-ID);
#: None for messages that are not bounces. An empty status means the file states no
#: enhanced status code; an empty Message-ID, that the file quotes none.
SISIMAI_BOUNCES: dict[str, tuple[tuple[str, ...], str, str, str] | None] = {
    "bsd/lhost-dragonfly-01.eml": (
        ("pseudo-local-part@google.example.com",),
        "5.7.26",
        "failed",
        "66681288.e06d1.3824794@df.example.jp",
    ),
    "bsd/lhost-exchange2003-01.eml": (("kijitora@example.jp",), "", "failed", ""),
    "bsd/lhost-exchange2007-01.eml": (("mikeneko@example.co.jp",), "5.1.1", "failed", ""),
    "bsd/lhost-exchange2007-06.eml": (
        ("transports@agglo-saumur.fr",),
        "5.1.1",
        "failed",
        "1513177790.ha3dsljxgizc2mjrgq2dkobx@mb.newsletter-autos.fr",
    ),
    "bsd/lhost-exim-01.eml": (
        ("kijitora@example.ed.jp",),
        "5.7.0",
        "failed",
        "E1P1ce6-000Egt-GZ@e1.example.org",
    ),
    "bsd/lhost-exim-05.eml": (
        ("kijitora@neko.example.co.jp",),
        "5.1.1",
        "failed",
        "19990429233445.000000@mx4.example.org",
    ),
    "bsd/lhost-exim-38.eml": (("kijitora@example.co.jp",), "", "delayed", ""),
    "bsd/lhost-mfilter-03.eml": (
        ("kijitora@example.org",),
        "",
        "failed",
        "000000000.0000000000000@g1.example.com",
    ),
    "bsd/lhost-office365-01.eml": (
        ("kijitora@example.com",),
        "5.1.10",
        "failed",
        "FFFFFFFF.EEEEEEEE@example.ed.jp",
    ),
    "bsd/lhost-office365-02.eml": (
        ("kijitora@example.onmicrosoft.com",),
        "5.1.1",
        "failed",
        "c302b7e8-9b97-40ef-90eb-313cc6c25133@NYAAAAN.example.org",
    ),
    "bsd/lhost-postfix-01.eml": (
        ("r@p351355.pool.example.ne.jp", "kijitora@example.org"),
        "5.1.1",
        "failed",
        "",
    ),
    "bsd/lhost-postfix-07.eml": (
        ("kijitora@user.example.or.jp",),
        "",
        "failed",
        "8EF96F3F-377B-4E4D-9F3C-54EE1924B2BA@mirror.example.ne.jp",
    ),
    "bsd/lhost-postfix-09.eml": (("kijitora@example.ne.jp",), "4.3.2", "failed", "20140913142357"),
    "bsd/lhost-sendmail-01.eml": (
        ("userunknown@bouncehammer.jp",),
        "5.1.1",
        "failed",
        "E1C50F1B-1C83-4820-BC36-AC6FBFBE8568@example.org",
    ),
    "bsd/lhost-sendmail-05.eml": (
        ("kijitora@example.org",),
        "5.2.3",
        "failed",
        "000000B2-9997-8888-8999-000000000356@example.co.jp",
    ),
    "bsd/rfc3464-01.eml": (
        ("userunknown@bouncehammer.jp",),
        "5.1.1",
        "failed",
        "E1C50F1B-1C83-4820-BC36-AC6FBFBE8568@example.org",
    ),
    "bsd/rfc3464-03.eml": (
        ("kijitora@example.com",),
        "5.0.0",
        "failed",
        "220000000022.0000.0000000000000000222@NEKO.NYAAN",
    ),
    "bsd/rfc3464-04.eml": (
        ("kijitora@mailx-53.neko.example.edu",),
        "5.5.0",
        "failed",
        "00000000000.000000@mx4.example.co.jp",
    ),
    "bsd/rfc3464-07.eml": (
        ("kijitora@example.net",),
        "4.4.0",
        "delayed",
        "000000000000000@list.example.jp",
    ),
    "bsd/rfc3464-08.eml": (
        ("kijitora@example.net",),
        "5.7.1",
        "failed",
        "000000000000000000000000000000@mx.example.or.jp",
    ),
    "bsd/rfc3464-09.eml": (
        ("kijitora-cat@mx4.gr3.example.jp", "kijitora-nyaaaaaan@example.co.jp"),
        "4.3.0",
        "delayed",
        "00000000000000000000000000000000000000000@example.org",
    ),
    "bsd/rfc3464-29.eml": (
        ("kijitora@example.com",),
        "5.5.0",
        "failed",
        "neko-nyaan-cats@example.org",
    ),
    "bsd/rfc3464-34.eml": (
        ("kijitora@example.com",),
        "4.4.1",
        "delayed",
        "20170429233445.FFFFFFFF02@smtp.neko.example.org",
    ),
    "bsd/rfc3464-37.eml": (
        ("kijitora@neko.nyaan.example.com",),
        "",
        "failed",
        "ffffffffffff000000002222000000000@e3.example.com",
    ),
    "bsd/rfc3464-38.eml": (("kijitora-nyaan@example.jp",), "", "failed", ""),
    "bsd/rfc3464-39.eml": (("kijitora@nyaan.example.net",), "", "failed", ""),
    "bsd/rfc3464-51.eml": (
        ("kijitora@example.de",),
        "5.0.0",
        "failed",
        "00222222-2222-2222-2222-FF00FFFF0000@example.jp",
    ),
    "bsd/rfc3464-55.eml": (
        ("sotoneko@nora.nyaan.jp",),
        "4.4.1",
        "delayed",
        "CAByYQsFyrGN=Aa73R9b-3-tiR7uFpUan+9CAWRmKP4z_GriF5Q@mail.gmail.example.com",
    ),
    "bsd/rfc3834-01.eml": None,
    "bsd/rfc3834-02.eml": None,
    "bsd/rfc3834-03.eml": None,
    "bsd/rfc3834-06.eml": None,
    "dos/lhost-postfix-01.eml": (
        ("r@p351355.pool.example.ne.jp", "kijitora@example.org"),
        "5.1.1",
        "failed",
        "",
    ),
    "mac/lhost-exim-01.eml": (
        ("kijitora@example.ed.jp",),
        "5.7.0",
        "failed",
        "E1P1ce6-000Egt-GZ@e1.example.org",
    ),
    "err/make-test-01.eml": (
        ("domain-does-not-exist@example.gov",),
        "5.1.2",
        "failed",
        "AA406E7E18714AB2927DAACC24B47C4A@USER-PC97",
    ),
    "err/make-test-07.eml": (
        ("userunknown@example.com",),
        "5.1.1",
        "failed",
        "20090330081819.3619.qmail@mta.example.co.jp",
    ),
    # a person forwarding a bounce to us needs an answer: not a bounce
    "err/make-test-36.eml": None,
    "not/is-not-bounce-01.eml": None,
    "not/is-not-bounce-02.eml": None,
    # filed under "not" for a Sisimai bug, but a bounce: postmaster@, "Mailbox full"
    "not/rb-issue-368-bug.eml": (
        ("xxxx@yyyyyy.net",),
        "",
        "failed",
        "68e0b7e3615cd_1dc7010592ed@7cf4d87f87-9r5w2.mail",
    ),
}

SISIMAI_AUTO_REPLIES = {
    "bsd/rfc3834-01.eml": "Auto-Submitted: auto-replied",
    "bsd/rfc3834-02.eml": "X-Auto-Response-Suppress",  # Exchange "Automatic reply"
    "bsd/rfc3834-03.eml": "out-of-office subject",  # Apple vacation "Auto reply"
    "bsd/rfc3834-06.eml": "Auto-Submitted: auto-replied",
    "err/make-test-36.eml": "",
    "not/is-not-bounce-01.eml": "",
    "not/is-not-bounce-02.eml": "",
}


def test_the_table_covers_every_copied_file():
    copied = {str(p.relative_to(SISIMAI)) for p in SISIMAI.rglob("*.eml")}
    assert copied == set(SISIMAI_BOUNCES)
    assert len(copied) == 40


@pytest.mark.parametrize("name", sorted(SISIMAI_BOUNCES))
def test_sisimai_bounce(name):
    mail = parse_mail((SISIMAI / name).read_bytes())
    expected = SISIMAI_BOUNCES[name]
    if expected is None:
        assert mail.bounce is None
        assert mail.auto_reply == SISIMAI_AUTO_REPLIES[name]
        return
    assert mail.bounce is not None
    status = expected[1]
    got = mail.bounce
    assert (got.recipients, got.status, got.action, got.original_message_id) == expected
    assert got.diagnostic  # always some human-readable reason
    assert mail.auto_reply == "delivery status notification"
    assert status == "" or status[0] in "45"


def test_bounce_diagnostics_are_the_telling_line():
    def diagnostic(name: str) -> str:
        bounce = parse_mail((SISIMAI / name).read_bytes()).bounce
        assert bounce is not None
        return bounce.diagnostic

    assert diagnostic("bsd/rfc3464-01.eml") == (
        "550 5.1.1 <userunknown@bouncehammer.jp>... User Unknown"
    )
    assert diagnostic("bsd/lhost-exim-01.eml") == (
        "host mx.example.jp [192.0.2.20]: 550 5.7.0 <shironeko@example.jp>... "
        "Please use the smtp server of your ISP."
    )
    assert diagnostic("bsd/lhost-office365-01.eml") == (
        "Remote Server returned '550 5.1.10 RESOLVER.ADR.RecipientNotFound; "
        "Recipient not found by SMTP address lookup'"
    )
    assert diagnostic("bsd/rfc3464-38.eml") == "User's mailbox is full: <kijitora-nyaan@example.jp>"


def test_line_endings_do_not_change_the_result():
    unix = parse_mail((SISIMAI / "bsd/lhost-postfix-01.eml").read_bytes())
    dos = parse_mail((SISIMAI / "dos/lhost-postfix-01.eml").read_bytes())
    assert (dos.subject, dos.bounce, dos.text) == (unix.subject, unix.bounce, unix.text)
    unix = parse_mail((SISIMAI / "bsd/lhost-exim-01.eml").read_bytes())
    mac = parse_mail((SISIMAI / "mac/lhost-exim-01.eml").read_bytes())
    assert (mac.subject, mac.bounce, mac.text) == (unix.subject, unix.bounce, unix.text)


# --- not mail, limits, fallback ------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        (b"", "empty input"),
        (b" \r\n\n\t\n", "empty input"),
        (b"\x00\x01\x02\xff\xfe binary garbage", "no header fields"),
        (b"Dobry den, tohle neni e-mail.\n", "no header fields"),
        (b"\n\n\nbody after blank lines only\n", "no header fields"),
    ],
)
def test_not_a_mail_at_all(raw, reason):
    with pytest.raises(MailUnparseable, match=reason):
        parse_mail(raw)


def test_leading_blank_lines_and_mbox_from_line_are_tolerated():
    raw = b"\n\nFrom MAILER-DAEMON Sat Oct  4 08:00:09 2025\nFrom: a@example.cz\nSubject: Ahoj\n\nx"
    mail = parse_mail(raw)
    assert (mail.subject, mail.sender, mail.text) == ("Ahoj", MailAddress("", "a@example.cz"), "x")


def nested_multipart(depth: int) -> bytes:
    opening = b"".join(
        b'Content-Type: multipart/mixed; boundary="b%d"\n\n--b%d\n' % (i, i) for i in range(depth)
    )
    closing = b"".join(b"\n--b%d--\n" % i for i in reversed(range(depth)))
    return b"From: a@example.cz\nSubject: deep\n" + opening + b"\nhello\n" + closing


def test_nesting_is_limited():
    assert parse_mail(nested_multipart(5)).text == "hello"
    deep = parse_mail(nested_multipart(parser.MAX_DEPTH + 5))
    assert "MIME parts nested deeper than 20; ignored" in deep.defects
    very_deep = parse_mail(nested_multipart(3000))  # deeper than the stdlib parser can recurse
    assert very_deep.subject == "deep"
    assert very_deep.defects[0] == "MIME structure nested too deeply for the parser; body not read"


def test_part_count_is_limited():
    parts = b"".join(b"--x\nContent-Type: application/octet-stream\n\nAAAA\n" for _ in range(800))
    raw = b"From: a@example.cz\nContent-Type: multipart/mixed; boundary=x\n\n" + parts + b"--x--\n"
    mail = parse_mail(raw)
    assert len(mail.attachments) == parser.MAX_PARTS - 1  # the multipart itself is a part
    assert f"more than {parser.MAX_PARTS} MIME parts; the rest ignored" in mail.defects


def test_huge_headers_are_truncated():
    to = b", ".join(b"user%d@example.cz" % i for i in range(50_000))
    mail = parse_mail(b"From: a@example.cz\nTo: " + to + b"\nSubject: x\n\nbody\n")
    assert mail.to[0] == MailAddress("", "user0@example.cz")
    assert mail.defects[0].startswith("to: ") and "truncated to 16384" in mail.defects[0]


def test_an_internal_failure_still_yields_headers_and_text(monkeypatch):
    def broken(*args, **kwargs):
        raise KeyError("simulated bug")

    monkeypatch.setattr(parse, "_build", broken)
    mail = load("reply.eml")
    assert mail.subject == "Re: [VYS-2026-000123] Dotaz"
    assert mail.message_id == "reply-1@example.cz"
    assert mail.references == ("citizen-1@example.cz", "vik-out-1@ic-vysocina.example.cz")
    assert "Děkuji za odpověď." in mail.text
    assert mail.defects[0].startswith(f"{FALLBACK}: KeyError")


# --- idempotency ---------------------------------------------------------------------------

TRACE = (
    b"Return-Path: <jana.dvorakova@example.cz>\n"
    b"X-Original-To: info@ic-vysocina.example.cz\n"
    b"Delivered-To: info@ic-vysocina.example.cz\n"
    b"Received: from mx.example.cz (mx.example.cz [192.0.2.1])\n"
    b"\tby mail.ic-vysocina.example.cz (Postfix) with ESMTPS id 4F2B1\n"
    b"\tfor <info@ic-vysocina.example.cz>; Tue,  3 Mar 2026 09:15:02 +0100 (CET)\n"
)


def test_idempotency_key_is_the_message_id():
    raw = (FIXTURES / "reply.eml").read_bytes()
    assert idempotency_key(raw) == "mid:reply-1@example.cz"
    piped = TRACE + raw
    fetched = raw.replace(b"\n", b"\r\n")
    assert idempotency_key(piped) == idempotency_key(fetched) == "mid:reply-1@example.cz"


def test_idempotency_key_without_message_id_ignores_trace_fields_and_line_endings():
    raw = b"From: a@example.cz\nSubject: bez Message-ID\n\nText.\n"
    key = idempotency_key(raw)
    assert key.startswith("sha256:") and len(key) == 7 + 64
    assert idempotency_key(TRACE + raw) == key
    assert idempotency_key((TRACE + raw).replace(b"\n", b"\r\n")) == key
    assert idempotency_key(raw.replace(b"Text.", b"Jiny text.")) != key


def test_long_message_id_is_hashed():
    long_id = "x" * 300 + "@example.cz"
    key = idempotency_key(f"Message-ID: <{long_id}>\n\nx".encode())
    assert key.startswith("mid-sha256:") and len(key) == 11 + 64
    assert idempotency_key(f"Message-ID: < {long_id} >\n\nx".encode()) == key


def test_idempotency_key_matches_the_parsed_message_id():
    for path in sorted(FIXTURES.glob("*.eml")) + sorted(SISIMAI.rglob("*.eml")):
        raw = path.read_bytes()
        message_id = parse_mail(raw).message_id
        if message_id:
            assert idempotency_key(raw) == f"mid:{message_id}", path.name


# --- describe and the command --------------------------------------------------------------


def test_describe_is_json_for_every_fixture():
    for path in sorted(FIXTURES.glob("*.eml")) + sorted(SISIMAI.rglob("*.eml")):
        json.dumps(describe(parse_mail(path.read_bytes())))


def test_mail_parse_json():
    out = io.StringIO()
    call_command(
        "mail", "parse", str(FIXTURES / "attachments-czech-names.eml"), "--json", stdout=out
    )
    data = json.loads(out.getvalue())
    assert data["sender"] == {"name": "Jana Dvořáková", "address": "jana.dvorakova@example.cz"}
    assert data["to"] == [
        {"name": "Informační centrum Vysočina", "address": "info@ic-vysocina.example.cz"}
    ]
    assert data["cc"] == []
    assert data["subject"] == "Podání s přílohami"
    assert data["date"] == "2026-03-03T09:15:00+01:00"
    assert data["text"] == "V příloze zasílám žádost."
    assert data["html_length"] == 0
    assert data["attachments"] == [
        {
            "filename": "žádost o informace.pdf",
            "content_type": "application/pdf",
            "size": 77,
            "content_id": "",
            "is_inline": False,
        },
        {
            "filename": "Příloha č. 2.txt",
            "content_type": "text/plain",
            "size": 20,
            "content_id": "",
            "is_inline": False,
        },
    ]
    assert data["auto_reply"] == ""
    assert data["bounce"] is None
    assert data["defects"] == []


def test_mail_parse_json_of_a_bounce_and_a_reply():
    out = io.StringIO()
    call_command("mail", "parse", str(SISIMAI / "bsd/rfc3464-01.eml"), "--json", stdout=out)
    data = json.loads(out.getvalue())
    assert data["auto_reply"] == "delivery status notification"
    assert data["bounce"] == {
        "original_message_id": "E1C50F1B-1C83-4820-BC36-AC6FBFBE8568@example.org",
        "recipients": ["userunknown@bouncehammer.jp"],
        "status": "5.1.1",
        "action": "failed",
        "diagnostic": "550 5.1.1 <userunknown@bouncehammer.jp>... User Unknown",
    }
    assert data["forwarded"][0]["message_id"] == data["bounce"]["original_message_id"]

    out = io.StringIO()
    call_command(
        "mail",
        "parse",
        "-",
        "--json",
        stdin=io.BytesIO((FIXTURES / "reply.eml").read_bytes()),
        stdout=out,
    )
    data = json.loads(out.getvalue())
    assert (data["message_id"], data["in_reply_to"], data["references"]) == (
        "reply-1@example.cz",
        ["vik-out-1@ic-vysocina.example.cz"],
        ["citizen-1@example.cz", "vik-out-1@ic-vysocina.example.cz"],
    )


def test_mail_parse_summary():
    out = io.StringIO()
    call_command("mail", "parse", str(FIXTURES / "related-inline-image.eml"), stdout=out)
    text = out.getvalue()
    assert "From:        Jana Dvořáková <jana.dvorakova@example.cz>" in text
    assert "Subject:     Plakát akce" in text
    assert "Auto-reply:  no (written by a person)" in text
    assert "Attachment:  priloha-1.png (image/png, 70 B inline)" in text
    assert text.rstrip().endswith("Plakát je v HTML verzi.")


def test_mail_parse_of_something_that_is_not_mail(tmp_path):
    garbage = tmp_path / "garbage.bin"
    garbage.write_bytes(b"\x00\x01\x02 not a message")
    with pytest.raises(CommandError, match="no header fields") as error:
        call_command("mail", "parse", str(garbage), "--json", stdout=io.StringIO())
    assert error.value.returncode == 1
    with pytest.raises(CommandError, match="cannot read") as error:
        call_command("mail", "parse", str(tmp_path / "missing.eml"), stdout=io.StringIO())
    assert error.value.returncode == 1


# --- property: any bytes → a ParsedMail or MailUnparseable ---------------------------------

SEEDS = [p.read_bytes() for p in sorted(FIXTURES.glob("*.eml"))] + [
    (SISIMAI / name).read_bytes()
    for name in ("bsd/rfc3464-01.eml", "bsd/lhost-exim-01.eml", "bsd/lhost-office365-02.eml")
]
SNIPPETS = [
    b"=?utf-8?B?",
    b"=?x-bogus?Q?=FF=?=",
    b"?=",
    b"\r",
    b"\n\n",
    b"\n--",
    b"\x00",
    b'"',
    b";",
    b"Content-Type: multipart/mixed; boundary=\n",
    b"Content-Type: message/rfc822\n",
    b"Content-Transfer-Encoding: base64\n",
    b"Content-Transfer-Encoding: x-uuencode\n\nbegin 644 a\n",
    b"filename*0*=utf-8''%C5; filename*1*=%BE",
    b'charset="unicode-escape"',
    b"<![CDATA[",
    b"<script>",
    b"(((((((",
]


@st.composite
def damaged_messages(draw: st.DrawFn) -> bytes:
    """A real message with byte flips, cuts, repeated header lines, broken boundaries and
    inserted fragments of MIME syntax."""
    data = bytearray(draw(st.sampled_from(SEEDS)))
    for _ in range(draw(st.integers(1, 6))):
        kind = draw(st.sampled_from(["flip", "cut", "header", "boundary", "insert", "delete"]))
        at = draw(st.integers(0, max(len(data) - 1, 0)))
        if kind == "flip" and data:
            data[at] = draw(st.integers(0, 255))
        elif kind == "cut":
            del data[at:]
        elif kind == "header":
            lines = bytes(data).split(b"\n")
            end = lines.index(b"") if b"" in lines else len(lines)
            index = draw(st.integers(0, max(end - 1, 0)))
            lines[index:index] = [lines[index] if lines else b""] * draw(st.integers(1, 50))
            data = bytearray(b"\n".join(lines))
        elif kind == "boundary":
            lines = bytes(data).split(b"\n")
            marks = [i for i, line in enumerate(lines) if line.startswith(b"--")]
            if marks:
                index = draw(st.sampled_from(marks))
                lines[index] = draw(
                    st.sampled_from([b"", lines[index][:-2], lines[index] + b"--", b"--"])
                )
                data = bytearray(b"\n".join(lines))
        elif kind == "insert":
            fragment = draw(st.one_of(st.sampled_from(SNIPPETS), st.binary(max_size=40)))
            data[at:at] = fragment
        elif kind == "delete":
            del data[at : at + draw(st.integers(1, 200))]
    return bytes(data)


def assert_contract(raw: bytes) -> None:
    """Only MailUnparseable may escape; what comes back is complete, storable text."""
    try:
        mail = parse_mail(raw)
    except MailUnparseable as exc:
        assert str(exc)
        return
    assert isinstance(mail, ParsedMail)
    assert not any(d.startswith(FALLBACK) for d in mail.defects), mail.defects
    encoded = json.dumps(describe(mail), ensure_ascii=False).encode("utf-8")  # no surrogates
    assert b"\\u0000" not in encoded
    for attachment in mail.attachments:
        assert isinstance(attachment, MailAttachment) and attachment.filename
    key = idempotency_key(raw)
    assert 0 < len(key) <= 255


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=4000))
def test_any_bytes(raw):
    assert_contract(raw)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(damaged_messages())
def test_damaged_real_messages(raw):
    assert_contract(raw)
