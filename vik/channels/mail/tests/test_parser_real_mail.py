"""Mail as it really comes (issue 18): the classes of real-world messages VIK once misread —
an encoded comma in an unquoted display name, GB2312 labels on GBK text, Japanese subjects,
text before the header block, addresses without angle brackets — and the property that no
input makes the sender address something a reply cannot go to."""

from __future__ import annotations

import base64
import io
import json

import pytest
from django.core.management import call_command
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from vik.channels.mail.charsets import decode_bytes, normalise_charset
from vik.channels.mail.parser import MailAddress, MailUnparseable, idempotency_key, parse_mail
from vik.channels.mail.parser.headers import STRICT_ADDRESS


def mail(headers: str | bytes, body: bytes = b"Dobry den\n") -> bytes:
    head = headers.encode() if isinstance(headers, str) else headers
    return head + b"\n\n" + body


def b_word(text: str, charset: str) -> str:
    return f"=?{charset}?B?{base64.b64encode(text.encode(charset)).decode()}?="


# --- an encoded-word with a comma in an unquoted display name -------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (
            "=?iso-8859-1?Q?B=FCrling,=20Andreas?= <andreas@example.com>",
            [MailAddress("Bürling, Andreas", "andreas@example.com")],
        ),
        (
            "=?iso-8859-1?Q?B=FCrling, Andreas?= <andreas@example.com>",  # a blank inside
            [MailAddress("Bürling, Andreas", "andreas@example.com")],
        ),
        (
            "=?utf-8?Q?Nov=C3=A1k,_Petr?= <petr@example.cz>, Jana <jana@example.cz>",
            [MailAddress("Novák, Petr", "petr@example.cz"), MailAddress("Jana", "jana@example.cz")],
        ),
        (
            "=?utf-8?Q?=22Dvo=C5=99=C3=A1k;_Ji=C5=99=C3=AD=22?= <jiri@example.cz>",
            [MailAddress("Dvořák; Jiří", "jiri@example.cz")],
        ),
        (
            "Ing. =?utf-8?Q?Jan_Nov=C3=A1k,?= =?utf-8?Q?_CSc.?= <jan@example.cz>",
            [MailAddress("Ing. Jan Novák, CSc.", "jan@example.cz")],
        ),
    ],
)
def test_an_encoded_comma_does_not_split_the_name(value, expected):
    parsed = parse_mail(mail(f"From: {value}\nTo: {value}\nSubject: x"))
    assert parsed.sender == expected[0]
    assert list(parsed.to) == expected


# --- charsets -------------------------------------------------------------------------------


def test_gb2312_label_on_gbk_text_is_read_as_gb18030():
    subject = "镕 测试 — 申请"  # 镕 is GBK, not GB2312
    raw = mail(
        f"From: {b_word('王小明', 'gbk').replace('gbk', 'gb2312')} <wang@example.cn>\n"
        f"Subject: {b_word(subject, 'gb18030').replace('gb18030', 'GB2312')}\n"
        "Content-Type: text/plain; charset=gb2312\nContent-Transfer-Encoding: 8bit",
        "镕正文".encode("gbk"),
    )
    parsed = parse_mail(raw)
    assert (parsed.subject, parsed.sender, parsed.text) == (
        subject,
        MailAddress("王小明", "wang@example.cn"),
        "镕正文",
    )
    assert parsed.defects == ()


@pytest.mark.parametrize("charset", ["ISO-2022-JP", "iso-2022-jp", "Shift_JIS", "x-sjis", "CP932"])
def test_japanese_encoded_word_subjects(charset):
    subject = "日本語の件名"
    codec = "iso2022_jp" if charset.lower() == "iso-2022-jp" else "shift_jis"
    word = f"=?{charset}?B?{base64.b64encode(subject.encode(codec)).decode()}?="
    parsed = parse_mail(mail(f"From: a@example.jp\nSubject: {word}"))
    assert (parsed.subject, parsed.defects) == (subject, ())


def test_raw_iso_2022_jp_and_shift_jis_subjects():
    raw_jis = mail(b"From: a@example.jp\nSubject: " + "お問い合わせ".encode("iso2022_jp"))
    assert parse_mail(raw_jis).subject == "お問い合わせ"
    raw_sjis = mail(
        b"From: a@example.jp\nSubject: " + "お問い合わせ".encode("shift_jis") + b"\n"
        b"Content-Type: text/plain; charset=Shift_JIS\nContent-Transfer-Encoding: 8bit",
        "本文".encode("shift_jis"),
    )
    parsed = parse_mail(raw_sjis)
    assert (parsed.subject, parsed.text) == ("お問い合わせ", "本文")
    assert parsed.defects == ("subject: raw 8-bit bytes; decoded as shift_jis, the text's charset",)


def test_iso_2022_jp_body():
    raw = mail(
        "From: a@example.jp\nSubject: x\nContent-Type: text/plain; charset=ISO-2022-JP",
        "こんにちは、半角ｶﾀｶﾅ".encode("iso2022_jp_ext"),
    )
    assert parse_mail(raw).text == "こんにちは、半角ｶﾀｶﾅ"


@pytest.mark.parametrize(
    ("label", "codec"),
    [
        ("GB2312", "gb18030"),
        ("gbk", "gb18030"),
        ("x-gbk", "gb18030"),
        ("ks_c_5601-1987", "cp949"),
        ("EUC-KR", "cp949"),
        ("Shift_JIS", "shift_jis"),
        ("x-sjis", "shift_jis"),
        ("windows-31j", "cp932"),
        ("big5", "big5"),
        ("windows-874", "cp874"),
        ("TIS-620", "tis-620"),
        ("iso-8859-8-i", "iso-8859-8"),
        ("unicode-1-1-utf-7", "unicode-1-1-utf-7"),
        ("x-mac-roman", "mac_roman"),
        ("x-cp1251", "cp1251"),
        ("cp-1252", "cp1252"),
        ("latin-2", "iso8859-2"),
        ("koi8-r", "koi8-r"),
    ],
)
def test_charset_labels_of_mail_clients(label, codec):
    assert normalise_charset(label) == codec


@pytest.mark.parametrize(
    ("text", "label", "codec"),
    [
        ("①番", "Shift_JIS", "cp932"),  # NEC characters of Outlook's Windows-31J
        ("お問い合わせ 〜", "Shift_JIS", "shift_jis"),  # the wave dash stays U+301C
        ("お問い合わせ", "big5", "big5"),  # ETEN kana, not HKSCS's ①
        ("碁銹裏墻恒粧嫺", "big5", "cp950"),
        ("①", "ISO-2022-JP", "iso2022_jp_2"),
    ],
)
def test_charset_extensions_are_tried_when_the_text_is_not_valid(text, label, codec):
    assert decode_bytes(text.encode(codec), label, []) == text


def test_utf_7_and_hz_bodies_are_not_taken_for_ascii():
    assert decode_bytes("Žádost".encode("utf-7"), "unicode-1-1-utf-7", []) == "Žádost"
    assert decode_bytes("中文".encode("hz"), "HZ-GB-2312", []) == "中文"


# --- text before the header block -----------------------------------------------------------

FORWARDED_PASTE = (
    b"---- Original email message ----\r\n"
    b"From: Jana Novakova <jana@example.cz>\r\n"
    b"To: podatelna@example.cz\r\n"
    b"Subject: Zadost o vypis\r\n"
    b"\r\n"
    b"Dobry den, prosim o vypis.\r\n"
)


def test_text_before_the_header_block_is_read_and_kept():
    parsed = parse_mail(FORWARDED_PASTE)
    assert parsed.sender == MailAddress("Jana Novakova", "jana@example.cz")
    assert parsed.subject == "Zadost o vypis"
    assert parsed.text == "---- Original email message ----\n\nDobry den, prosim o vypis."
    assert parsed.defects == (
        "1 line(s) of text before the header fields ('---- Original email message ----'); "
        "kept at the start of the text",
    )


def test_a_few_lines_of_text_and_a_blank_line_before_the_header_block():
    raw = b"Hi,\nplease see below.\n\nDate: Mon, 1 Jun 2026 10:00:00 +0200\nFrom: a@example.cz\n\nx"
    parsed = parse_mail(raw)
    assert (parsed.sender, parsed.text) == (
        MailAddress("", "a@example.cz"),
        "Hi,\nplease see below.\n\nx",
    )


def test_text_before_a_header_block_changes_the_key_only_by_what_it_holds():
    with_id = b"junk line\nFrom: a@example.cz\nMessage-ID: <abc@example.cz>\n\nx"
    assert idempotency_key(with_id) == idempotency_key(with_id.split(b"\n", 1)[1])
    without_id = b"junk line\nFrom: a@example.cz\n\nx"
    assert idempotency_key(without_id) != idempotency_key(b"other junk\nFrom: a@example.cz\n\nx")


@pytest.mark.parametrize(
    "raw",
    [
        b"Dobry den, tohle neni e-mail.\nNote: no sender here\n",
        b"line\n" * 60 + b"From: a@example.cz\nSubject: too far down\n\nx",
    ],
)
def test_no_header_block_is_still_not_a_mail(raw):
    with pytest.raises(MailUnparseable, match="no header fields"):
        parse_mail(raw)


def test_mail_parse_reads_a_paste_with_text_before_the_headers(tmp_path):
    path = tmp_path / "paste.eml"
    path.write_bytes(FORWARDED_PASTE)
    out = io.StringIO()
    call_command("mail", "parse", str(path), "--json", stdout=out)
    data = json.loads(out.getvalue())
    assert data["sender"] == {"name": "Jana Novakova", "address": "jana@example.cz"}
    assert data["subject"] == "Zadost o vypis"


# --- addresses without brackets, unquoted spaces, quoted local parts --------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Test test@example.com", MailAddress("Test", "test@example.com")),
        ("Jan Novák jan.novak@example.cz", MailAddress("Jan Novák", "jan.novak@example.cz")),
        ("Name <a@b.cz", MailAddress("Name", "a@b.cz")),
        ('"john smith"@example.com', MailAddress("", '"john smith"@example.com')),
        ('John <"john smith"@example.com>', MailAddress("John", '"john smith"@example.com')),
        ("jan . novak @ example.cz", MailAddress("", "jan.novak@example.cz")),
        ("taro.@docomo.ne.jp", MailAddress("", "taro.@docomo.ne.jp")),
        ("mailto:jan@example.cz", MailAddress("", "jan@example.cz")),
        ("Andreas", MailAddress("Andreas", "")),
        ("=?iso-8859-1?Q?B=FCrling", MailAddress("=?iso-8859-1?Q?B=FCrling", "")),
        ("Jan Novák <>", MailAddress("Jan Novák", "")),
        ("Jan.Novak@example.cz Jan Novak", MailAddress("Jan Novak", "Jan.Novak@example.cz")),
        ("=?utf-8?Q?Nov=C3=A1k=2C_Jan?= jan@x.cz", MailAddress("Novák, Jan", "jan@x.cz")),
        ("Novák, Jan <jan@example.cz>", MailAddress("Novák, Jan", "jan@example.cz")),
        (
            "eve@example.com <frank@example.com>",
            MailAddress("eve@example.com", "frank@example.com"),
        ),
        ("MAILER-DAEMON, info@example.cz", MailAddress("", "info@example.cz")),
    ],
)
def test_lenient_mailboxes(value, expected):
    assert parse_mail(mail(f"From: {value}\nSubject: x")).sender == expected


def test_unquoted_commas_in_a_list_of_names():
    value = "Novák, Jan <jan@example.cz>, Dvořák, Petr <petr@example.cz>, info@example.cz"
    assert parse_mail(mail(f"From: a@example.cz\nTo: {value}\nSubject: x")).to == (
        MailAddress("Novák, Jan", "jan@example.cz"),
        MailAddress("Dvořák, Petr", "petr@example.cz"),
        MailAddress("", "info@example.cz"),
    )


# --- property: the sender address is an address or nothing ----------------------------------

HEADER_PIECES = st.sampled_from(
    [
        *["a", "b.c", "@", "<", ">", '"', " ", "\t", ",", ";", ":", "(", ")", "[", "]", "\\", "."],
        *["=?", "?=", "=?iso-8859-1?Q?B=FCrling,=20Andreas?=", "=?utf-8?B?w6k=?=", "Test "],
        *["jan.novak@example.cz", "x@y", "@example.cz", "Jan Novák", "\xa0", "ž", "\n ", "-"],
    ]
)


@settings(max_examples=1000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.one_of(
        st.lists(HEADER_PIECES, max_size=12).map("".join),
        st.text(max_size=60).filter(lambda t: "\n" not in t and "\r" not in t),
    )
)
def test_no_input_makes_the_sender_address_something_that_is_no_address(value):
    raw = b"From: " + value.encode("utf-8", "surrogateescape") + b"\nSubject: x\n\nbody"
    parsed = parse_mail(raw)
    for address in (parsed.sender, *parsed.reply_to, *parsed.to, *parsed.cc):
        assert address is None or address.address == "" or STRICT_ADDRESS.fullmatch(address.address)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=300))
def test_no_bytes_make_the_sender_address_something_that_is_no_address(value):
    try:
        parsed = parse_mail(b"From: " + value.replace(b"\n", b" ") + b"\nSubject: x\n\nbody")
    except MailUnparseable:
        return
    assert (
        parsed.sender is None
        or parsed.sender.address == ""
        or (STRICT_ADDRESS.fullmatch(parsed.sender.address))
    )


def test_a_hostile_charset_of_the_text_does_not_stop_raw_header_decoding():
    raw = mail(
        b"From: a@example.cz\nSubject: St\xed\x9enost\nContent-Type: text/plain; charset=\x00tf-8",
        b"Text",
    )
    parsed = parse_mail(raw)
    assert (parsed.subject, parsed.text) == ("Stížnost", "Text")
