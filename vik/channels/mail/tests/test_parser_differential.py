"""VIK's parser against CPython's `email` (`policy.default`), header by header and address by
address: sender, Reply-To, To, Cc (display name, address) and Subject, over thousands of
generated messages and every real-world message in tests/fixtures/email/.

Both sides are compared after white space is collapsed (VIK shows a header on one line, with
single blanks). Every difference must be one of the deliberate ones below; anything else fails
the test with the message and field. The same list is a table in docs/channels/email.md,
section "Where VIK reads mail differently from CPython".

Deliberate differences (CPython's reading → VIK's, and why):

- `decoded`: bytes CPython cannot decode stay U+FFFD or surrogates, escape sequences stay as
  they are → VIK decodes them: GB2312/GBK labels as GB 18030, EUC-KR as Windows-949, the
  extensions of Shift_JIS, Big5 and ISO-2022-JP, raw 8-bit headers as UTF-8, the text's charset
  or windows-1250, raw ISO-2022-JP. A clerk must read the name and the subject.
- `comment-name`: the comment of `jan@example.cz (Jan Novák)` is dropped → VIK takes it as the
  display name when there is none: the old form of a display name, shown by mail clients.
- `not-an-address`: `MAILER-DAEMON`, `postmaster` or `<>` is the address → VIK keeps the text
  as the name and has no address: a reply cannot go there.
- `address-as-name`: `eve@example.com <frank@example.com>` reads `eve@example.com` → name
  `eve@example.com`, address `frank@example.com`: replies go to the address in brackets.
- `unbracketed`: `Test test@example.com` is `"Test test"@example.com` → name `Test`, address
  `test@example.com`: what the sender meant, and what mail clients read.
- `comma-name`: `Novák, Jan <jan@example.cz>` is two mailboxes, `Novák` (no address) and
  `Jan <jan@example.cz>` → one, `Novák, Jan` at `jan@example.cz`: the unquoted comma Outlook
  writes is part of the name (and the sender is the first mailbox with an address).
- `nul`: NUL characters are kept → VIK drops them: PostgreSQL text cannot hold NUL.
- `leading-text`: no header fields when text precedes them → the fields after the text (the
  text kept at the start of the body): a forwarded paste is still a message.
"""

from __future__ import annotations

import email
import email.policy
import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import pytest

from vik.channels.mail.parser import MailUnparseable, parse_mail
from vik.channels.mail.tests.mail_corpus import generated_messages, real_messages

GENERATED = 3000
FIELDS = ("from", "reply-to", "to", "cc")
Pair = tuple[str, str]


def _blanks(text: str) -> str:
    return " ".join(text.split())


def cpython_view(raw: bytes) -> dict[str, Any] | None:
    """Sender, Reply-To, To, Cc and Subject as `policy.default` reads them; None if it finds
    no header field at all."""
    msg = email.message_from_bytes(raw, policy=email.policy.default)
    if not msg.keys():
        return None
    view: dict[str, Any] = {}
    for key in FIELDS:
        pairs: list[Pair] = []
        for header in msg.get_all(key) or []:
            try:
                pairs += [(_blanks(a.display_name), a.addr_spec) for a in header.addresses]
            except Exception:  # its header parser on hostile input: nothing read
                break
        if key == "from":  # the sender; a name alone before it may be part of its name
            pairs = pairs[:2] if pairs and "@" not in pairs[0][1] else pairs[:1]
        view[key] = pairs
    subject = msg.get("subject")
    view["subject"] = _blanks(str(subject)) if subject is not None else ""
    return view


def vik_view(raw: bytes) -> dict[str, Any] | None:
    try:
        parsed = parse_mail(raw)
    except MailUnparseable:
        return None

    def pairs(addresses: Any) -> list[Pair]:
        return [(_blanks(a.name), a.address) for a in addresses]

    return {
        "from": pairs([parsed.sender] if parsed.sender else []),
        "reply-to": pairs(parsed.reply_to),
        "to": pairs(parsed.to),
        "cc": pairs(parsed.cc),
        "subject": parsed.subject,
    }


_UNDECODED = re.compile(r"[\ufffd\udc80-\udcff\x1b]|=\?")


def _decoded(vik: str, cpython: str) -> bool:
    return bool(_UNDECODED.search(cpython)) and not _UNDECODED.search(vik)


def _pair_class(vik: Pair, cpython: Pair) -> str | None:
    (v_name, v_addr), (c_name, c_addr) = vik, cpython
    same_name = v_name == c_name or _decoded(v_name, c_name)
    if same_name and (v_addr == c_addr or _decoded(v_addr, c_addr)):
        return "decoded"
    if v_addr == c_addr and c_name == "" and v_name:
        return "comment-name"
    if v_addr == "" and ("@" not in c_addr or c_addr == "<>"):
        return "not-an-address"
    local, _, domain = v_addr.rpartition("@")
    if c_addr.startswith('"') and " " in c_addr and local and c_addr.endswith(f"@{domain}"):
        return "unbracketed" if local in c_addr else None
    if v_name.replace("\x00", "") == c_name.replace("\x00", "") and v_addr == c_addr:
        return "nul"
    return None


def _joined(vik: list[Pair], cpython: list[Pair]) -> bool:
    """VIK's list is CPython's with each name-only mailbox joined to the named one after it."""
    merged: list[Pair] = []
    for name, address in cpython:
        lone = merged[-1][1] if merged and not merged[-1][0] else ""
        if lone and "@" not in lone and name and address:
            merged[-1] = (f"{lone}, {name}", address)
        else:
            merged.append((name, address))
    return len(merged) == len(vik) and all(
        v == c or _pair_class(v, c) for v, c in zip(vik, merged, strict=True)
    )


def _list_classes(vik: list[Pair], cpython: list[Pair]) -> set[str] | None:
    """The deliberate classes that explain two address lists apart; None if one does not."""
    cpython = [p for p in cpython if p != ("", "<>") and p != ("", "")]
    if len(vik) == 1 and len(cpython) == 1 and "@" in vik[0][0] and vik[0][0] == cpython[0][1]:
        return {"address-as-name"}
    if len(vik) < len(cpython) and _joined(vik, cpython):
        return {"comma-name"}
    if len(vik) != len(cpython):
        return None if vik or cpython else set()
    classes = set()
    for v, c in zip(vik, cpython, strict=True):
        if v == c:
            continue
        found = _pair_class(v, c)
        if found is None:
            return None
        classes.add(found)
    return classes


def differences(raw: bytes) -> tuple[set[str], list[str]]:
    """`(deliberate classes, unexplained differences)` of one message."""
    return _differences(vik_view(raw), cpython_view(raw))


def _differences(
    vik: dict[str, Any] | None, cpython: dict[str, Any] | None
) -> tuple[set[str], list[str]]:
    if vik is None or cpython is None:
        if vik is None and cpython is None:
            return set(), []
        if cpython is None:
            return {"leading-text"}, []
        return set(), [f"VIK found no header fields, CPython {cpython}"]
    classes: set[str] = set()
    unexplained = []
    for key in FIELDS:
        if vik[key] != cpython[key]:
            found = _list_classes(vik[key], cpython[key])
            if found is None:
                unexplained.append(f"{key}: VIK {vik[key]} CPython {cpython[key]}")
            else:
                classes |= found
    v_subject, c_subject = vik["subject"], cpython["subject"]
    if v_subject != c_subject:
        if _decoded(v_subject, c_subject):
            classes.add("decoded")
        elif v_subject == _blanks(c_subject.replace("\x00", "")):
            classes.add("nul")
        else:
            unexplained.append(f"subject: VIK {v_subject!r} CPython {c_subject!r}")
    return classes, unexplained


@dataclass
class Agreement:
    messages: int = 0
    alike: int = 0  # every field compared reads the same
    addresses: int = 0  # addresses CPython reads (with an @)
    same_addresses: int = 0  # ... that VIK reads the same, in the same field
    classes: Counter[str] = field(default_factory=Counter)  # messages per deliberate class
    unexplained: list[str] = field(default_factory=list)


def agreement(messages: list[tuple[str, bytes]]) -> Agreement:
    result = Agreement()
    for name, raw in messages:
        vik, cpython = vik_view(raw), cpython_view(raw)
        found, odd = _differences(vik, cpython)
        result.messages += 1
        result.alike += not found and not odd
        result.classes.update(found)
        result.unexplained += [f"{name}: {line}" for line in odd]
        for key in FIELDS if cpython else ():
            read = {address for _, address in (vik or {}).get(key, [])}
            wanted = [a for _, a in cpython[key] if "@" in a]  # type: ignore[index]
            result.addresses += len(wanted)
            result.same_addresses += sum(a in read for a in wanted)
    return result


REAL = real_messages()


def test_the_gathered_corpus_is_there():
    sources = Counter(name.split("/", 1)[0] for name, _ in REAL)
    assert sources == {"cpython": 48, "mail-parser": 16, "sisimai": 193}


@pytest.mark.parametrize(
    ("corpus", "minimum", "minimum_addresses"),
    [
        ("real", 0.66, 0.99),  # 257 messages from CPython's tests, mail-parser's and Sisimai's
        ("generated", 0.52, 0.975),  # 3,000 generated header blocks
    ],
)
def test_vik_reads_mail_as_cpython_does_but_for_the_deliberate_differences(
    corpus, minimum, minimum_addresses
):
    if corpus == "real":
        messages = REAL
    else:
        messages = [(f"generated #{i}", raw) for i, raw in enumerate(generated_messages(GENERATED))]
    result = agreement(messages)
    share = result.alike / result.messages
    addresses = result.same_addresses / result.addresses
    print(
        f"\n{corpus}: {result.alike}/{result.messages} messages read alike ({share:.1%}), "
        f"{result.same_addresses}/{result.addresses} addresses ({addresses:.1%}); the others "
        f"differ only deliberately, messages per class: {dict(sorted(result.classes.items()))}"
    )
    assert result.unexplained == []
    assert share >= minimum
    assert addresses >= minimum_addresses
