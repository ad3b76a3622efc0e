"""Test mail for the differential test: a seeded generator of header blocks as real mailers
write them, and the real-world messages gathered in tests/fixtures/email/ (see its README)."""

from __future__ import annotations

import base64
import random
from pathlib import Path

REAL_MAIL = Path(__file__).resolve().parents[4] / "tests" / "fixtures" / "email"


def real_messages() -> list[tuple[str, bytes]]:
    """`(path under tests/fixtures/email, raw bytes)` of every gathered message."""
    return [
        (str(path.relative_to(REAL_MAIL)), path.read_bytes())
        for path in sorted(REAL_MAIL.rglob("*"))
        if path.is_file() and path.name not in ("LICENSE", "README.md")
    ]


NAMES = [
    *("Jan Novák", "Jiří Dvořák", "Bürling, Andreas", "Novák, Petr", "O'Brien, Seán"),
    *("Ing. Jan Černý, CSc.", 'Marie "Máňa" Svobodová', "王小明", "镕 张", "山田 太郎", "김철수"),
    *("Иван Петров", "Zoë (admin)", "Anna", "J. R. R. Tolkien", "ŠKODA a.s."),
    *("Příjemce; Odesílatel", "Müller & Söhne", "José <Pepe>", "Ελένη", "עברית", "Đặng Thị"),
]
LOCALS = ["jan.novak", "info", "a", "petr+tag", "o'brien", "x_y-z", "podatelna", "user.name.long"]
DOMAINS = ["example.cz", "example.com", "mail.example.org", "xn--exmple-cua.cz", "a.example.jp"]
#: Labels as mailers write them, and the codec the generator writes the text in (GB2312 with
#: GB 18030 bytes, as Chinese mailers send it).
CHARSETS = {
    **{"utf-8": "utf-8", "UTF-8": "utf-8", "iso-8859-2": "iso-8859-2"},
    **{"windows-1250": "windows-1250", "iso-8859-1": "iso-8859-1", "GB2312": "gb18030"},
    **{"gbk": "gbk", "Big5": "big5", "Shift_JIS": "shift_jis", "ISO-2022-JP": "iso2022_jp"},
    **{"EUC-KR": "euc_kr", "ks_c_5601-1987": "cp949", "koi8-r": "koi8-r", "EUC-JP": "euc_jp"},
    **{"windows-1251": "cp1251", "iso-8859-7": "iso-8859-7", "windows-1255": "cp1255"},
    **{"windows-1258": "cp1258", "iso-8859-15": "iso-8859-15"},
}
SUBJECTS = [
    *("Žádost o výpis z katastru", "Re: Dotaz", "Fwd: Stížnost na hluk", "测试邮件 申请"),
    *("お問い合わせ", "안녕하세요", "Привет, мир", "Ärger über Müll", "Hello, world: a test"),
    *("  spaced   subject  ", "Re: [VYS-2026-000123] Odpověď", "=?not encoded", "100% = jistota?"),
    *("tab\tinside", "Γειά σου", "שלום", "Xin chào", "a_b=c?d"),
]


def _q(data: bytes) -> str:
    return "".join(
        chr(b) if chr(b).isalnum() and b < 128 else "_" if b == 32 else f"={b:02X}" for b in data
    )


def _word(rng: random.Random, text: str, label: str) -> str | None:
    try:
        data = text.encode(CHARSETS[label])
    except UnicodeEncodeError:
        return None
    if rng.random() < 0.5:
        return f"=?{label}?B?{base64.b64encode(data).decode()}?="
    return f"=?{label}?Q?{_q(data)}?="


def _encoded(rng: random.Random, text: str) -> str:
    return _word(rng, text, rng.choice(list(CHARSETS))) or str(_word(rng, text, "utf-8"))


def _name(rng: random.Random, name: str) -> str:
    if name.isascii() and rng.random() < 0.4:
        if any(c in name for c in ',;"<>()@:.[]\\'):
            return '"' + name.replace("\\", "\\\\").replace('"', '\\"') + '"'
        return name
    return _encoded(rng, name)


def _mailbox(rng: random.Random) -> str:
    address = f"{rng.choice(LOCALS)}@{rng.choice(DOMAINS)}"
    kind = rng.random()
    if kind < 0.15:
        return address
    if kind < 0.22:
        return f"<{address}>"
    if kind < 0.26:
        return f"{address} ({rng.choice(['Jan Novak', 'comment'])})"
    if kind < 0.28:  # no angle brackets
        return f"{rng.choice(['Test', 'Jan Novak'])} {address}"
    if kind < 0.30:  # a quoted local part with a blank
        return f'"{rng.choice(["john smith", "jan novak"])}"@{rng.choice(DOMAINS)}'
    if kind < 0.32:  # raw 8-bit UTF-8 in the name
        return f"{rng.choice(NAMES[:2])} <{address}>"
    if kind < 0.34:  # an unquoted comma in the name, as Outlook writes it
        return f"{rng.choice(['Novak, Jan', 'Dvorak, Petr'])} <{address}>"
    return f"{_name(rng, rng.choice(NAMES))} <{address}>"


def _subject(rng: random.Random) -> str:
    text = rng.choice(SUBJECTS)
    if text.isascii() and rng.random() < 0.5:
        return text
    if rng.random() < 0.3:  # one text in two encoded-words, as long subjects are written
        half = len(text) // 2
        return " ".join(str(_word(rng, part, "utf-8")) for part in (text[:half], text[half:]))
    return _encoded(rng, text)


FOLDING_BLANKS = (" ", "\t")


def _field(rng: random.Random, name: str, value: str) -> str:
    blanks = [i for i, c in enumerate(value) if c == " "]
    if len(value) > 50 and blanks and rng.random() < 0.7:  # folded at a blank
        cut = rng.choice(blanks)
        blank = rng.choice(FOLDING_BLANKS)
        return f"{name}: {value[:cut]}\r\n{blank}{value[cut + 1 :]}"
    return f"{name}: {value}"


def generated_messages(count: int, seed: int = 18) -> list[bytes]:
    """`count` messages with display names that have commas, quotes and encoded-words in many
    charsets, address lists, subjects in many charsets, folded fields."""
    rng = random.Random(seed)
    out = []
    for number in range(count):
        fields = [_field(rng, "From", _mailbox(rng))]
        to = ", ".join(_mailbox(rng) for _ in range(rng.randint(1, 4)))
        fields.append(_field(rng, "To", to))
        if rng.random() < 0.4:
            cc = ", ".join(_mailbox(rng) for _ in range(rng.randint(1, 3)))
            fields.append(_field(rng, "Cc", cc))
        if rng.random() < 0.3:
            fields.append(_field(rng, "Reply-To", _mailbox(rng)))
        fields.append(_field(rng, "Subject", _subject(rng)))
        fields += [f"Message-ID: <{number}.{seed}@gen.example.cz>", "MIME-Version: 1.0"]
        fields.append("Content-Type: text/plain; charset=utf-8")
        if rng.random() < 0.02:  # a forwarded paste
            fields.insert(0, "---- Original email message ----")
        if rng.random() < 0.05:  # the sender's name without its closing bracket
            fields[0] = f"From: {rng.choice(NAMES[:2])} <{rng.choice(LOCALS)}@example.cz"
        out.append(("\r\n".join(fields) + "\r\n\r\nDobrý den,\r\ntext.\r\n").encode("utf-8"))
    return out
