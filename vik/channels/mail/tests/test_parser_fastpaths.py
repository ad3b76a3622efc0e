"""The parser's fast paths against the stdlib code they stand in for: the MIME tree builder
against `email.parser.BytesParser(policy=compat32)`, its boundary test against the feedparser's
regular expression, and the simple-mailbox reader against `email.utils.getaddresses`."""

from __future__ import annotations

import email.parser
import email.policy
import email.utils
import re
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from vik.channels.mail.parser import headers, parse_mail
from vik.channels.mail.parser import tree as mime_tree
from vik.channels.mail.tests.test_parser import damaged_messages

FIXTURES = Path(__file__).parent / "fixtures"
ALL_FIXTURES = sorted(FIXTURES.rglob("*.eml"))


def snapshot(msg: Any) -> tuple[Any, ...]:
    payload = msg._payload
    return (
        type(msg).__name__,
        msg._headers,
        msg._unixfrom,
        msg.preamble,
        msg.epilogue,
        msg._default_type,
        [(type(d).__name__, str(d)) for d in msg.defects],
        [snapshot(part) for part in payload] if isinstance(payload, list) else payload,
    )


def stdlib_tree(raw: bytes) -> tuple[Any, ...]:
    return snapshot(email.parser.BytesParser(policy=email.policy.compat32).parsebytes(raw))


def fast_tree(raw: bytes) -> tuple[Any, ...]:
    return snapshot(mime_tree._TreeBuilder(raw.decode("ascii", "surrogateescape")).parse())


def compat32_boundaries() -> Any:
    """Boundaries as compat32 alone reads them, so that trees compare with the stdlib's."""
    return mock.patch.object(mime_tree, "_modern_boundary", lambda msg, fallback: fallback)


@pytest.mark.parametrize("path", ALL_FIXTURES, ids=lambda p: str(p.relative_to(FIXTURES)))
def test_tree_of_every_fixture_is_the_stdlib_one(path):
    raw = path.read_bytes()
    assert fast_tree(raw) == stdlib_tree(raw)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(damaged_messages())
def test_tree_of_damaged_messages_is_the_stdlib_one(raw):
    with compat32_boundaries():
        assert fast_tree(raw) == stdlib_tree(raw)


BOUNDARIES = ["b", "b-", "XX", "=_p 1", "--"]


@st.composite
def mime_text(draw: st.DrawFn, depth: int = 0, outer: tuple[str, ...] = ()) -> str:
    """A MIME entity with every feature the feedparser treats specially, well-formed or not:
    nested and outer boundaries, close and repeated boundaries, boundaries with trailing
    blanks, digests, delivery-status blocks, message/rfc822, envelope lines, mixed line ends."""
    eol = draw(st.sampled_from(["\n", "\r\n", "\r"]))

    def line(text: str) -> str:
        return text + draw(st.sampled_from([eol, eol, eol, "\n", "\r\n", "\r", ""]))

    out = [line(x) for x in draw(st.lists(st.sampled_from(["From x", " lead", ": v"]), max_size=1))]
    boundary = draw(st.sampled_from(BOUNDARIES + list(outer)))
    kind = draw(st.sampled_from(["multipart", "message", "dsn", "leaf"] if depth < 4 else ["leaf"]))
    if kind == "multipart":
        subtype = draw(st.sampled_from(["mixed", "digest", "alternative"]))
        param = draw(st.sampled_from([f'boundary="{boundary}"', f"boundary={boundary}", ""]))
        out.append(line(f"Content-Type: multipart/{subtype}; {param}"))
        extra = draw(st.lists(st.sampled_from(["CTE: base64", "From y"]), max_size=1))
        out += [line(x) for x in extra]
        out.append(line(draw(st.sampled_from(["", "", "preamble", "not a header"]))))
        for _ in range(draw(st.integers(0, 3))):
            mark = draw(st.sampled_from(["", "", " \t", "--", "x", "-- "]))
            target = draw(st.sampled_from([boundary, boundary, *outer])) if outer else boundary
            out.append(line(f"--{target}{mark}"))
            out.append(draw(mime_text(depth + 1, (*outer, boundary))))
        out.append(line(draw(st.sampled_from([f"--{boundary}--", f"--{boundary}-- ", "", "x"]))))
        out.append(line(draw(st.sampled_from(["", "epilogue"]))))
    elif kind == "message":
        out.append(line("Content-Type: message/rfc822"))
        out.append(line(draw(st.sampled_from(["", "X: y"]))))
        out.append(draw(mime_text(depth + 1, outer)))
    elif kind == "dsn":
        out.append(line("Content-Type: message/delivery-status"))
        out.append(line(""))
        choices = ["Action: failed", " folded", "no header", "", "", f"--{boundary}"]
        out += [line(x) for x in draw(st.lists(st.sampled_from(choices), max_size=8))]
    else:
        choices = ["Content-Type: text/plain", "", "", "body", "--", f"--{boundary}", "From z"]
        out += [line(x) for x in draw(st.lists(st.sampled_from(choices), max_size=6))]
    return "".join(out)


@settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mime_text())
def test_tree_of_generated_structures_is_the_stdlib_one(text):
    raw = ("From: a@example.cz\n" + text).encode("ascii")
    with compat32_boundaries():
        assert fast_tree(raw) == stdlib_tree(raw)


@settings(max_examples=500, deadline=None)
@given(
    st.sampled_from(["--b", "--b-", "--"]),
    st.text(alphabet="-b \tx", max_size=8),
    st.sampled_from(["", "\n", "\r", "\r\n"]),  # a line has one line break, at its end
)
def test_boundary_test_is_the_feedparser_regex(separator, rest, end):
    line = separator + rest + end
    regex = re.compile(
        "(?P<sep>" + re.escape(separator) + r")(?P<end>--)?(?P<ws>[ \t]*)(?P<linesep>\r\n|\r|\n)?$"
    )
    found = regex.match(line)
    expected = None if found is None else (bool(found["end"]), found["linesep"] or "")
    assert mime_tree._boundary(line, separator) == expected


def test_deep_nesting_is_left_to_the_stdlib_parser():
    nested = b"Content-Type: message/rfc822\n\n" * 150
    raw = b"From: a@example.cz\n" + nested + b"Subject: x\n\nbody\n"
    with pytest.raises(mime_tree._Unsupported):
        fast_tree(raw)
    tree = mime_tree._parse_tree(raw, [])
    assert tree is not None and snapshot(tree) == stdlib_tree(raw)


# --- boundaries compat32 and the modern header parser read differently ------------------------

MULTIPART = (
    "From: a@example.cz\nContent-Type: multipart/mixed; {param}\n\n"
    "--{lines}\nContent-Type: text/plain\n\nDobrý den\n"
    "--{lines}\nContent-Type: application/pdf; name=a.pdf\n\n%PDF\n--{lines}--\n"
)


@pytest.mark.parametrize(
    ("param", "lines"),
    [
        ("boundary=----=_NextPart_000_0001", "----=_NextPart_000_0001"),  # unquoted '=': compat32
        ('boundary="abc" (comment)', "abc"),  # a comment after it: the modern parser
        ('report-type=(x; boundary="abc"', "abc"),  # an unclosed comment before it: compat32
        ("boundary=abc def", "abc def"),  # unquoted blank: compat32
        ('boundary="abc', "abc"),  # unclosed quote: the modern parser
    ],
)
def test_a_malformed_boundary_parameter_is_read_as_the_body_uses_it(param, lines):
    mail = parse_mail(MULTIPART.format(param=param, lines=lines).encode())
    assert mail.text == "Dobrý den"
    assert [a.filename for a in mail.attachments] == ["a.pdf"]
    assert mail.defects == ()


# --- addresses ------------------------------------------------------------------------------

ADDRESS_PIECES = st.sampled_from(
    [
        *["a", "b.c", "@", "<", ">", '"', " ", "\t", ",", ";", ":", "(", ")", "[", "]", "\\", "."],
        *["=?", "\xa0", "\x0b", "ž", "=?utf-8?q?Ji=C5=99=C3=AD?=", "jan.novak@example.cz"],
        "Jan Novák",
    ]
)


@settings(max_examples=1000, deadline=None)
@given(st.lists(ADDRESS_PIECES, max_size=10).map("".join))
def test_simple_mailbox_reads_as_getaddresses(value):
    match = headers._SIMPLE_MAILBOX.fullmatch(value)
    if match:
        assert [headers._simple_pair(match)] == email.utils.getaddresses([value])


@pytest.mark.parametrize(
    "value",
    [
        "jan.novak@example.cz",
        " Jan Novák <jan.novak@example.cz> ",
        '"Novák, Jan" <jan@example.cz>',
        "=?utf-8?q?Ji=C5=99=C3=AD_Nov=C3=A1k?= <jiri@example.cz>",
        "Ing.  Jan\tNovák <jan@example.cz>",
        '"" <jan@example.cz>',
        "<jan@example.cz>",
    ],
)
def test_common_mailboxes_take_the_fast_path(value):
    match = headers._SIMPLE_MAILBOX.fullmatch(value)
    assert match
    assert [headers._simple_pair(match)] == email.utils.getaddresses([value])
