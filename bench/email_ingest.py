"""VIK e-mail ingest benchmark: 10,000 generated Czech messages, PostgreSQL, real processes.

VIK is measured end to end (raw message stored -> request/interaction committed) by one
`vik worker`, on messages stored the way the mail server's pipe stores them and on messages
fetched from a private Dovecot over IMAP. Side by side, on the same messages: CPython's own
`email` parser alone (the ceiling for any Python implementation) and django-helpdesk's
`get_email` importing them from a local mail directory (installed into a separate virtualenv
under var/bench/). Bars: VIK >= 10 x django-helpdesk, and VIK >= 0.4 x the parse-only ceiling.
See bench/README.md.

    .venv/bin/python bench/email_ingest.py [--quick] [--messages N] [--keep]
"""

from __future__ import annotations

import argparse
import base64
import bisect
import concurrent.futures
import contextlib
import dataclasses
import datetime as dt
import email.parser
import email.policy
import hashlib
import html
import json
import os
import quopri
import random
import re
import resource
import shutil
import signal
import smtplib
import socket
import statistics
import subprocess
import sys
import tempfile
import textwrap
import threading
import time
import traceback
import unicodedata
from collections import Counter
from collections.abc import Callable, Sequence
from email.header import Header
from email.utils import format_datetime, formataddr
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import psycopg
from intake import (
    BenchError,
    Database,
    children,
    cpu_times,
    environment,
    free_port,
    log,
    machine_busy,
    postgres_pids,
    stop,
    value,
    verdict,
)

ROOT = Path(__file__).resolve().parent.parent
BIN = ROOT / ".venv" / "bin"
VAR = ROOT / "var" / "bench"
WORK = VAR / "email"
LOG_DIR = VAR / "logs"
HELPDESK_PROJECT = ROOT / "bench" / "helpdesk_baseline"
HELPDESK_VENV = VAR / "helpdesk-venv"
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/vik_bench_email"
ACCOUNT = "email-vys-jihlava"  # the demo's mailbox of the Jihlava centre
OFFICE_ADDRESS = "podatelna@jihlava-city.cz"
OFFICE_NAME = "Podatelna MěÚ Jihlava"
MAIL_UID = 65534  # Dovecot's mail processes run as nobody, as in the e-mail tests' fixture

BAR_HELPDESK = 10.0  # VIK end-to-end >= 10 x django-helpdesk
BAR_CEILING = 0.4  # VIK end-to-end >= 0.4 x CPython's parser alone

# The mix of the generated messages (shares of all; replies need an earlier message).
MIX = (
    ("plain", 0.40),  # text/plain UTF-8 (8bit format=flowed, quoted-printable or base64)
    ("legacy", 0.20),  # text/plain windows-1250 or iso-8859-2 (quoted-printable, base64)
    ("html", 0.15),  # multipart/alternative, text + HTML (UTF-8 or windows-1250)
    ("attachment", 0.15),  # multipart/mixed with a 20-200 KB PDF or JPEG, Czech file name
    ("reply", 0.10),  # In-Reply-To/References an earlier message: joins its request
)
REPLY_DISTANCE = 50  # a reply answers a message at least this many messages earlier
BASE_DATE = dt.datetime(2026, 3, 2, 7, 30, tzinfo=dt.timezone(dt.timedelta(hours=1)))

MUNICIPALITIES = (
    "Jihlava", "Třebíč", "Havlíčkův Brod", "Žďár nad Sázavou", "Pelhřimov", "Telč",
    "Nové Město na Moravě", "Velké Meziříčí", "Humpolec", "Chotěboř", "Polná", "Třešť",
    "Světlá nad Sázavou", "Moravské Budějovice", "Náměšť nad Oslavou", "Pacov", "Brtnice",
    "Bystřice nad Pernštejnem", "Ledeč nad Sázavou", "Kamenice nad Lipou", "Batelov",
    "Luka nad Jihlavou",
)  # fmt: skip
# Mailbox providers Czech citizens use: (domain, the provider's MX, its address, user agent)
PROVIDERS = (
    ("seznam.cz", "mxproxy1.seznam.cz", "77.75.78.203", "Seznam Email"),
    ("email.cz", "mxproxy2.seznam.cz", "77.75.76.42", "Seznam Email"),
    ("centrum.cz", "mx.centrum.cz", "46.255.227.14", "Centrum Email"),
    ("gmail.com", "mail-wr1-f54.google.com", "209.85.221.54", ""),
    ("volny.cz", "mx.volny.cz", "46.255.227.210", "Mozilla Thunderbird"),
    ("post.cz", "mxproxy1.seznam.cz", "77.75.78.203", "Seznam Email"),
    ("outlook.cz", "mail-vi1eur05.outbound.protection.outlook.com", "40.92.90.21", ""),
)
PDF_NAMES = (
    "Žádost o příspěvek na péči.pdf", "plná_moc_podepsaná.pdf", "Výpis z katastru nemovitostí.pdf",
    "Formulář – změna trvalého pobytu.pdf", "sken dokladů.pdf", "Ohlášení stavby – garáž.pdf",
)  # fmt: skip
JPEG_NAMES = (
    "fotografie_místa.jpg", "IMG_20260214_0815.jpg", "poškozená lavička.jpg",
    "sken občanského průkazu.jpg", "výmoly na silnici.jpg",
)  # fmt: skip

# Rate-limit scopes opened for the load (vik.abuse.ratelimit.DEFAULT_RATES).
BENCH_UNLIMITED = (
    "form", "form_email", "form_soft", "follow_up", "follow_up_tracked", "feedback", "search",
    "api_search", "altcha", "suggestions", "municipalities",
)  # fmt: skip


# Configuration ---------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Config:
    database_url: str
    messages: int
    seed: int
    workers: int
    worker_interval: float
    pipe_sample: int
    pipe_concurrency: int
    acknowledge: bool
    imap: bool
    lmtp: bool
    helpdesk: bool
    attempts: int
    vacuum: bool
    keep: bool
    quick: bool
    out: Path

    @classmethod
    def from_args(cls, argv: Sequence[str] | None = None) -> Config:
        parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else "")
        parser.add_argument("--database-url", default=DEFAULT_URL, help="created fresh, dropped")
        parser.add_argument("--quick", action="store_true", help="1,000 messages, pipe sample 50")
        parser.add_argument("--messages", type=int, help="messages generated (10,000; quick 1,000)")
        parser.add_argument("--seed", type=int, default=2026, help="of the message generator")
        parser.add_argument("--workers", type=int, default=1, help="`vik worker` processes")
        parser.add_argument("--worker-interval", type=float, default=0.05, help="poll interval")
        parser.add_argument(
            "--pipe-sample", type=int, help="messages piped to `vik ingest-mail` (200; quick 50)"
        )
        parser.add_argument(
            "--pipe-concurrency",
            type=int,
            default=4,
            help="`vik ingest-mail` processes at once (Postfix maxproc in docs/channels/email.md)",
        )
        parser.add_argument(
            "--no-acknowledge",
            dest="acknowledge",
            action="store_false",
            help="switch the account's acknowledgements off (on by default, as in the product)",
        )
        parser.add_argument("--skip-imap", dest="imap", action="store_false")
        parser.add_argument("--skip-lmtp", dest="lmtp", action="store_false")
        parser.add_argument("--skip-helpdesk", dest="helpdesk", action="store_false")
        parser.add_argument(
            "--attempts", type=int, default=2, help="measure a phase again when disturbed"
        )
        parser.add_argument(
            "--no-autovacuum-standin",
            dest="vacuum",
            action="store_false",
            help="when the server's autovacuum is off, do not do its work every 30 s instead",
        )
        parser.add_argument("--keep", action="store_true", help="keep databases and files")
        parser.add_argument("--out", type=Path, default=VAR / "email_ingest.json")
        args = parser.parse_args(argv)
        messages = args.messages or (1_000 if args.quick else 10_000)
        sample = args.pipe_sample if args.pipe_sample is not None else (50 if args.quick else 200)
        if messages < 2 * REPLY_DISTANCE:
            parser.error(f"--messages must be at least {2 * REPLY_DISTANCE}")
        return cls(
            database_url=args.database_url,
            messages=messages,
            seed=args.seed,
            workers=max(1, args.workers),
            worker_interval=args.worker_interval,
            pipe_sample=max(0, min(sample, messages)),
            pipe_concurrency=max(1, args.pipe_concurrency),
            acknowledge=args.acknowledge,
            imap=args.imap,
            lmtp=args.lmtp,
            helpdesk=args.helpdesk,
            attempts=max(1, args.attempts),
            vacuum=args.vacuum,
            keep=args.keep,
            quick=args.quick,
            out=args.out,
        )


def database_at(url: str, name: str) -> str:
    """The same server's URL with another database name."""
    return urlunsplit(urlsplit(url)._replace(path=f"/{name}"))


# Message generation ----------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Mail:
    index: int
    kind: str
    message_id: str  # with the angle brackets, as in the header
    answers: int | None  # index of the message a reply answers
    raw: bytes


@dataclasses.dataclass(frozen=True)
class Person:
    name: str
    address: str
    provider: tuple[str, str, str, str]


# Typography that windows-1250 has and iso-8859-2 lacks: what such a mail program sends instead.
_PLAIN = str.maketrans({"„": '"', "“": '"', "”": '"', "‚": "'", "‘": "'", "’": "'",
                        "–": "-", "—": "-", "…": "...", "\u00a0": " "})  # fmt: skip


def _fit(text: str, charset: str) -> str:
    """`text` as it can be written in `charset` (a mail program replaces what it lacks)."""
    if charset == "utf-8":
        return text
    return text.translate(_PLAIN).encode(charset, "replace").decode(charset)


def _ascii(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text)
    return "".join(c for c in folded if not unicodedata.combining(c)).lower()


def _person(rng: random.Random) -> Person:
    from vik.demo import content  # pure data (no Django): the demo's Czech names

    index = rng.randrange(len(content.SURNAMES_MALE))
    if rng.random() < 0.5:
        name = f"{rng.choice(content.FIRST_NAMES_MALE)} {content.SURNAMES_MALE[index]}"
    else:
        name = f"{rng.choice(content.FIRST_NAMES_FEMALE)} {content.SURNAMES_FEMALE[index]}"
    provider = rng.choice(PROVIDERS)
    local = ".".join(_ascii(name).split())
    return Person(name, f"{local}{rng.randrange(10, 9999)}@{provider[0]}", provider)


def _header(name: str, value: str, charset: str = "utf-8") -> str:
    """One header field, RFC 2047-encoded in `charset` when it is not ASCII, folded."""
    if value.isascii():
        return f"{name}: {value}"
    return f"{name}: " + Header(_fit(value, charset), charset, header_name=name).encode(
        linesep="\n"
    )


def _address(person_name: str, address: str, charset: str) -> str:
    return formataddr((_fit(person_name, charset), address), charset=charset)


def _encode(text: str, charset: str, cte: str) -> bytes:
    data = _fit(text, charset).encode(charset)
    if cte == "quoted-printable":
        encoded = quopri.encodestring(data)
        return encoded if encoded.endswith(b"\n") else encoded + b"\n"
    if cte == "base64":
        return base64.encodebytes(data)
    return data if data.endswith(b"\n") else data + b"\n"


def _flowed(text: str) -> str:
    """format=flowed (RFC 3676) at 72 columns, as Thunderbird sends it."""
    lines: list[str] = []
    for paragraph in text.split("\n"):
        wrapped = textwrap.wrap(paragraph, 72, break_long_words=False) or [""]
        lines += [line + " " for line in wrapped[:-1]] + [wrapped[-1]]
    return "\n".join(lines)


def _html(text: str, charset: str, name: str) -> str:
    """The HTML alternative an Outlook or a webmail writes: styles, paragraphs, a signature."""
    paragraphs = "\n".join(
        f'<p class="MsoNormal">{html.escape(p).replace(chr(10), "<br>")}<o:p></o:p></p>'
        for p in text.split("\n\n")
    )
    return (
        f'<html xmlns:o="urn:schemas-microsoft-com:office:office">\n<head>\n'
        f'<meta http-equiv="Content-Type" content="text/html; charset={charset}">\n'
        "<style><!--\np.MsoNormal, li.MsoNormal, div.MsoNormal {margin:0cm; font-size:11.0pt; "
        'font-family:"Calibri",sans-serif;}\na:link {color:#0563C1; text-decoration:underline;}\n'
        'span.EmailStyle17 {font-family:"Calibri",sans-serif; color:windowtext;}\n'
        '.MsoChpDefault {font-family:"Calibri",sans-serif;}\n'
        "@page WordSection1 {size:612.0pt 792.0pt; margin:70.85pt 70.85pt 70.85pt 70.85pt;}\n"
        "div.WordSection1 {page:WordSection1;}\n--></style>\n</head>\n"
        '<body lang="CS" link="#0563C1" vlink="#954F72">\n<div class="WordSection1">\n'
        f"{paragraphs}\n"
        '<table border="0" cellpadding="0"><tr><td style="padding:0 8pt 0 0">'
        f'<p class="MsoNormal"><b>{html.escape(name)}</b><br>'
        '<span style="color:#7F7F7F">Odesláno z mého počítače</span></p></td></tr></table>\n'
        "</div>\n</body>\n</html>\n"
    )


def _attachment(rng: random.Random) -> tuple[str, str, bytes]:
    """A 20-200 KB PDF or JPEG (incompressible content, valid magic) with a Czech name."""
    size = rng.randint(20_000, 200_000)
    if rng.random() < 0.6:
        head = b"%PDF-1.5\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n"
        stream = b"3 0 obj\n<< /Length %d /Filter /FlateDecode >>\nstream\n" % size
        body = head + stream + rng.randbytes(size) + b"\nendstream\nendobj\n%%EOF\n"
        return rng.choice(PDF_NAMES), "application/pdf", body
    head = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x01\x00H\x00H\x00\x00"
    return rng.choice(JPEG_NAMES), "image/jpeg", head + rng.randbytes(size) + b"\xff\xd9"


def _part(headers: Sequence[str], body: bytes) -> bytes:
    return ("\n".join(headers) + "\n\n").encode("ascii") + body


def _multipart(rng: random.Random, subtype: str, parts: Sequence[bytes]) -> tuple[list[str], bytes]:
    boundary = f"------------{rng.getrandbits(96):024x}"
    body = b"This is a multi-part message in MIME format.\n"
    for part in parts:
        body += b"--" + boundary.encode() + b"\n" + part
        if not part.endswith(b"\n"):
            body += b"\n"
    body += b"--" + boundary.encode() + b"--\n"
    return [f'Content-Type: multipart/{subtype};\n boundary="{boundary}"'], body


def _text_part(rng: random.Random, text: str, charset: str) -> tuple[list[str], bytes]:
    """A text/plain body the way the sender's mail program writes it."""
    if charset == "utf-8":
        style = rng.random()
        if style < 0.4:  # Thunderbird
            return [
                "Content-Type: text/plain; charset=UTF-8; format=flowed",
                "Content-Transfer-Encoding: 8bit",
            ], _encode(_flowed(text), "utf-8", "8bit")
        cte = "quoted-printable" if style < 0.85 else "base64"
        return [
            "Content-Type: text/plain; charset=utf-8",
            f"Content-Transfer-Encoding: {cte}",
        ], _encode(text, "utf-8", cte)
    cte = "quoted-printable" if rng.random() < 0.7 else "base64"
    return [
        f'Content-Type: text/plain; charset="{charset}"',
        f"Content-Transfer-Encoding: {cte}",
    ], _encode(text, charset, cte)


def _attachment_part(rng: random.Random) -> bytes:
    filename, ctype, content = _attachment(rng)
    if rng.random() < 0.5:  # RFC 2231, as Thunderbird and Seznam write it
        quoted = "".join(
            chr(b) if b < 128 and (chr(b).isalnum() or chr(b) in "._-") else f"%{b:02X}"
            for b in filename.encode()
        )
        headers = [
            f"Content-Type: {ctype};\n name*=UTF-8''{quoted}",
            f"Content-Disposition: attachment;\n filename*=UTF-8''{quoted}",
        ]
    else:  # RFC 2047 in a quoted parameter, as Outlook and Gmail write it
        encoded = Header(filename, "utf-8").encode()
        headers = [
            f'Content-Type: {ctype}; name="{encoded}"',
            f'Content-Disposition: attachment; filename="{encoded}"',
        ]
    return _part([*headers, "Content-Transfer-Encoding: base64"], base64.encodebytes(content))


def _trace_headers(rng: random.Random, person: Person, when: dt.datetime) -> list[str]:
    """What the mail server and the sender's provider put on top: Return-Path, Received, DKIM."""
    domain, mx, ip, _agent = person.provider
    queue_id = f"{rng.getrandbits(40):010X}"
    signature = base64.b64encode(rng.randbytes(256)).decode()
    folded = "\n\t ".join(textwrap.wrap(signature, 70))
    body_hash = base64.b64encode(rng.randbytes(32)).decode()
    stamp = format_datetime(when + dt.timedelta(seconds=2))
    return [
        f"Return-Path: <{person.address}>",
        f"Delivered-To: {OFFICE_ADDRESS}",
        f"Received: from {mx} ({mx} [{ip}])\n\tby mail.jihlava-city.cz (Postfix) with ESMTPS "
        f"id {queue_id}\n\tfor <{OFFICE_ADDRESS}>; {stamp}",
        f"Received-SPF: pass (mailfrom) identity=mailfrom; client-ip={ip}; helo={mx}; "
        f"envelope-from=<{person.address}>; receiver=<{OFFICE_ADDRESS}>",
        f"Authentication-Results: mail.jihlava-city.cz; dkim=pass (2048-bit key)\n"
        f"\theader.d={domain} header.i=@{domain}; spf=pass smtp.mailfrom={domain}",
        f"DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; d={domain}; s=beta;\n"
        f"\tt={int(when.timestamp())}; bh={body_hash};\n"
        f"\th=From:To:Subject:Date:Message-ID:MIME-Version:Content-Type;\n\tb={folded}",
    ]


def generate(count: int, seed: int) -> list[Mail]:
    """`count` messages to the Jihlava office, deterministic for a seed, in arrival order."""
    from vik.demo import content

    rng = random.Random(seed)
    kinds = [kind for kind, share in MIX for _ in range(round(share * count))]
    kinds = (kinds + ["plain"] * count)[:count]
    rng.shuffle(kinds)
    templates = [t for items in content.REQUEST_TEMPLATES.values() for t in items]
    mails: list[Mail] = []
    originals: list[int] = []
    people: dict[int, Person] = {}
    subjects: dict[int, str] = {}
    bodies: dict[int, str] = {}
    for index, kind in enumerate(kinds):
        when = BASE_DATE + dt.timedelta(seconds=37 * index)
        cut = bisect.bisect_right(originals, index - REPLY_DISTANCE)
        eligible = originals[max(0, cut - 2000) : cut]  # the last 2,000 that are old enough
        if kind == "reply" and not eligible:
            kind = "plain"
        answers: int | None = None
        if kind == "reply":
            answers = rng.choice(eligible)
            person = people[answers]
            subject = f"Re: {subjects[answers]}"
            quoted = "\n".join(f"> {line}" if line else ">" for line in bodies[answers].split("\n"))
            text = (
                f"{rng.choice(content.FOLLOW_UPS)}\n\nS pozdravem\n{person.name}\n\n"
                f"Dne {format_datetime(BASE_DATE + dt.timedelta(seconds=37 * answers))} "
                f"{person.name} <{person.address}> napsal(a):\n{quoted}"
            )
        else:
            person = _person(rng)
            template = rng.choice(templates)
            municipality = rng.choice(MUNICIPALITIES)
            subject = template["subject"].format(municipality=municipality)
            text = template["text"].format(municipality=municipality) + f"\n{person.name}"
            if rng.random() < 0.3:
                text += f"\nTel.: +420 {rng.randrange(600, 800)} {rng.randrange(100_000, 999_999)}"
            people[index], subjects[index], bodies[index] = person, subject, text
            originals.append(index)
        charset = "utf-8"
        if kind == "legacy":
            charset = "windows-1250" if rng.random() < 0.6 else "iso-8859-2"
        elif kind == "html" and rng.random() < 0.4:
            charset = "windows-1250"  # Outlook
        domain = person.provider[0]
        message_id = f"<{rng.getrandbits(64):016x}.{index:06d}@{'mail.' + domain}>"
        headers = _trace_headers(rng, person, when)
        headers += [
            _header("From", _address(person.name, person.address, charset)),
            _header("To", _address(OFFICE_NAME, OFFICE_ADDRESS, charset)),
            _header("Subject", subject, charset),
            f"Date: {format_datetime(when)}",
            f"Message-ID: {message_id}",
        ]
        if answers is not None:
            parent = mails[answers].message_id
            headers += [f"In-Reply-To: {parent}", f"References: {parent}"]
        agent = person.provider[3] or ("Microsoft Outlook 16.0" if kind == "html" else "")
        if agent:
            headers.append(f"X-Mailer: {agent}")
        headers += ["MIME-Version: 1.0", "Content-Language: cs"]
        if kind == "html" or (kind == "reply" and rng.random() < 0.3):
            qp = "Content-Transfer-Encoding: quoted-printable"
            plain = _part(
                [f'Content-Type: text/plain; charset="{charset}"', qp],
                _encode(text, charset, "quoted-printable"),
            )
            rich = _part(
                [f'Content-Type: text/html; charset="{charset}"', qp],
                _encode(_html(text, charset, person.name), charset, "quoted-printable"),
            )
            part_headers, body = _multipart(rng, "alternative", [plain, rich])
        elif kind == "attachment":
            text_headers, text_body = _text_part(rng, text, charset)
            parts = [_part(text_headers, text_body), _attachment_part(rng)]
            if rng.random() < 0.15:
                parts.append(_attachment_part(rng))
            part_headers, body = _multipart(rng, "mixed", parts)
        else:
            part_headers, body = _text_part(rng, text, charset)
        raw = ("\n".join(headers + part_headers) + "\n\n").encode("ascii") + body
        mails.append(Mail(index, kind, message_id, answers, raw))
    return mails


def write_corpus(mails: Sequence[Mail], directory: Path) -> None:
    """One file per message, named in arrival order (the pipe's and IMAP's order)."""
    if directory.exists():
        shutil.rmtree(directory)
    directory.mkdir(parents=True)
    for mail in mails:
        (directory / f"{mail.index:06d}.eml").write_bytes(mail.raw)


def corpus_summary(mails: Sequence[Mail]) -> dict[str, Any]:
    sizes = [len(m.raw) for m in mails]
    return {
        "messages": len(mails),
        "kinds": dict(Counter(m.kind for m in mails)),
        "bytes": sum(sizes),
        "median_bytes": int(statistics.median(sizes)),
        "max_bytes": max(sizes),
    }


# The parse-only ceiling ------------------------------------------------------------------------


def parse_ceiling(raws: Sequence[bytes]) -> dict[str, Any]:
    """CPython's `email` alone: parse, walk the parts, decode every leaf (`get_content()`)."""
    parser = email.parser.BytesParser(policy=email.policy.default)
    leaves = failures = 0
    with CpuMeter(dict) as meter:
        wall, cpu = time.perf_counter(), time.process_time()
        for raw in raws:
            message = parser.parsebytes(raw)
            for part in message.walk():
                if part.is_multipart():
                    continue
                leaves += 1
                try:
                    part.get_content()  # type: ignore[attr-defined]
                except Exception:
                    failures += 1
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    return {
        "messages": len(raws),
        "seconds": round(wall, 3),
        "process_cpu_s": round(cpu, 3),
        "msgs_per_s": round(len(raws) / wall, 1),
        "leaves": leaves,
        "decode_failures": failures,
        "cpu_s": meter.used,
    }


def parse_vik(raws: Sequence[bytes]) -> dict[str, Any]:
    """VIK's own parser alone (`parse_mail`, pure Python, no database): for the breakdown."""
    from vik.channels.mail.parser import parse_mail

    defects = 0
    with CpuMeter(dict) as meter:
        wall, cpu = time.perf_counter(), time.process_time()
        for raw in raws:
            defects += bool(parse_mail(raw).defects)
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    return {
        "messages": len(raws),
        "seconds": round(wall, 3),
        "process_cpu_s": round(cpu, 3),
        "msgs_per_s": round(len(raws) / wall, 1),
        "with_defects": defects,
        "cpu_s": meter.used,
    }


# Processes -------------------------------------------------------------------------------------


def spawn(
    command: Sequence[str], log_name: str, env: dict[str, str], **kwargs: Any
) -> subprocess.Popen[bytes]:
    LOG_DIR.mkdir(parents=True, exist_ok=True)
    with (LOG_DIR / log_name).open("wb") as output:
        return subprocess.Popen(
            list(command),
            cwd=kwargs.pop("cwd", ROOT),
            env=env,
            stdout=kwargs.pop("stdout", output),
            stderr=output,
            start_new_session=True,
            **kwargs,
        )


def peak_rss_mb(pid: int) -> float:
    """The process's peak resident set (VmHWM) so far, in MB."""
    with contextlib.suppress(OSError, ValueError):
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return round(int(line.split()[1]) / 1024, 1)
    return 0.0


def alive(process: subprocess.Popen[bytes]) -> bool:
    """Whether a child still runs, without reaping it (its rusage is read by wait_rusage)."""
    if process.returncode is not None:
        return False
    try:
        return os.waitid(os.P_PID, process.pid, os.WEXITED | os.WNOHANG | os.WNOWAIT) is None
    except ChildProcessError:
        return False


def wait_rusage(process: subprocess.Popen[bytes], timeout: float) -> resource.struct_rusage:
    """Wait for a child and return its own resource usage (CPU seconds, peak RSS)."""
    deadline = time.monotonic() + timeout
    while True:
        pid, status, usage = os.wait4(process.pid, os.WNOHANG)
        if pid:
            process.returncode = os.waitstatus_to_exitcode(status)
            return usage
        if time.monotonic() > deadline:
            process.kill()
            raise BenchError(f"{process.args!r} did not finish within {timeout:.0f} s")
        time.sleep(0.05)


def run_vik(env: dict[str, str], *args: str) -> str:
    log(f"vik {' '.join(args)}")
    done = subprocess.run(
        [str(BIN / "vik"), *args], cwd=ROOT, env=env, capture_output=True, text=True
    )
    if done.returncode != 0:
        raise BenchError(
            f"vik {' '.join(args)} failed:\n{done.stdout[-2000:]}{done.stderr[-4000:]}"
        )
    return done.stdout


class CpuMeter:
    """CPU seconds of named process groups over a phase, and of everything else meanwhile.

    A thread samples /proc every 0.2 s and keeps the last value of each process, so that the
    CPU of a process that ends before the phase does (the IMAP poller, Dovecot's imap process,
    a PostgreSQL backend whose client exited) still counts, up to the last 0.2 s of it.
    """

    def __init__(self, groups: Callable[[], dict[str, list[int]]]) -> None:
        self.groups = groups
        self.start: dict[str, dict[int, float]] = {}
        self.latest: dict[str, dict[int, float]] = {}
        self.machine = 0.0
        self.wall = 0.0
        self.used: dict[str, float] = {}
        self.peak_rss_mb: dict[str, float] = {}
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self._run, name="cpu-meter", daemon=True)
        self.lock = threading.Lock()

    def _sample(self) -> None:
        groups = self.groups()
        sample = {name: cpu_times(pids) for name, pids in groups.items()}
        usage = os.times()
        sample["bench"] = {0: usage.user + usage.system}
        for name, pids in groups.items():
            peak = max((peak_rss_mb(pid) for pid in pids), default=0.0)
            self.peak_rss_mb[name] = max(self.peak_rss_mb.get(name, 0.0), peak)
        with self.lock:
            for name, times in sample.items():
                self.latest.setdefault(name, {}).update(times)

    def _run(self) -> None:
        while not self.stopped.wait(0.2):
            with contextlib.suppress(Exception):
                self._sample()

    def __enter__(self) -> CpuMeter:
        self._sample()
        self.start = {name: dict(times) for name, times in self.latest.items()}
        self.machine = machine_busy()
        self.wall = time.monotonic()
        self.thread.start()
        return self

    def finish(self) -> dict[str, float]:
        """Call while the measured processes still run, if they do (their /proc is read)."""
        if self.used:
            return self.used
        self.stopped.set()
        self.thread.join()
        self._sample()
        busy = machine_busy() - self.machine
        wall = time.monotonic() - self.wall
        for group, times in self.latest.items():
            before = self.start.get(group, {})
            self.used[group] = round(sum(t - before.get(pid, 0.0) for pid, t in times.items()), 2)
        cores = os.cpu_count() or 1
        self.used["other"] = round(max(0.0, busy - sum(self.used.values())), 2)
        self.used["machine_busy_pct"] = round(100 * busy / (wall * cores), 1) if wall else 0.0
        self.used["wall_s"] = round(wall, 2)
        self.used["cores"] = cores
        return self.used

    def __exit__(self, *exc: object) -> None:
        self.finish()


class Autovacuum:
    """What autovacuum would do, for one database, when the server has it switched off.

    This machine's PostgreSQL runs with `autovacuum = off` (a CI setting). Without statistics,
    the task queue's "next task" query sorts every waiting task (a 10,000-message backlog costs
    ~9 ms per task instead of ~0.05 ms), which no production server shows. So, only when the
    server's autovacuum is off, a thread does autovacuum's work on the benchmark's own
    database at the start of a phase and every 30 s (autovacuum's default naptime is 60 s),
    by autovacuum's own rule: a table is analysed once more than 50 rows + 10 % of it changed
    since it last was, and vacuumed once more than 50 rows + 20 % of it are dead. Its CPU
    counts as PostgreSQL's. The server's configuration is left alone.

    A table is never analysed while it is empty, as autovacuum never does it: PostgreSQL
    plans the foreign-key checks of a session once, and a plan made for an empty `requests`
    table scans the whole table for every row that points to one, for the rest of the run.
    """

    TABLES = """
        SELECT quote_ident(s.schemaname) || '.' || quote_ident(s.relname),
               greatest(c.reltuples, 0), s.n_mod_since_analyze, s.n_dead_tup
        FROM pg_stat_user_tables s JOIN pg_class c ON c.oid = s.relid"""

    def __init__(self, db: Database, enabled: bool, interval: float = 30.0) -> None:
        self.db = db
        self.interval = interval
        self.runs = 0
        self.seconds = 0.0
        self.stopped = threading.Event()
        self.thread: threading.Thread | None = None
        self.active = enabled and str(db.scalar("SHOW autovacuum")) == "off"

    def _run(self) -> None:
        with contextlib.suppress(psycopg.Error), self.db.connect() as conn:
            while True:
                began = time.monotonic()
                for table, tuples, changed, dead in conn.execute(self.TABLES).fetchall():
                    if not self.runs:
                        # A copy of a database (each phase starts from one) starts with no
                        # counters: what changed since the last analysis is what its row
                        # count says (the planner's `reltuples` is from then).
                        changed = abs(value(conn, f"SELECT count(*) FROM {table}") - tuples)
                    if dead > 50 + 0.2 * tuples:
                        conn.execute(f"VACUUM (ANALYZE) {table}")
                    elif changed > 50 + 0.1 * tuples:
                        conn.execute(f"ANALYZE {table}")
                self.runs += 1
                self.seconds += time.monotonic() - began
                if self.stopped.wait(self.interval):
                    return

    def __enter__(self) -> Autovacuum:
        if self.active:
            self.thread = threading.Thread(target=self._run, name="autovacuum", daemon=True)
            self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stopped.set()
        if self.thread is not None:
            self.thread.join(600)

    def summary(self) -> dict[str, Any]:
        return {"stand_in": self.active, "runs": self.runs, "seconds": round(self.seconds, 1)}


def disturbed(cpu: dict[str, float]) -> bool:
    """Other processes took more than a tenth of the machine while the phase ran."""
    return cpu.get("other", 0.0) > 0.1 * cpu.get("wall_s", 0.0) * cpu.get("cores", 1)


def steady(label: str, attempts: int, measure: Callable[[], dict[str, Any]]) -> dict[str, Any]:
    """Measure; while other processes disturbed the phase, measure again from the same starting
    state (up to `attempts` times) and keep the least disturbed attempt, as bench/intake.py does:
    the machine may be shared with test suites."""
    tried: list[dict[str, Any]] = []
    for _ in range(attempts):
        result = measure()
        tried.append(result)
        cpu = result["cpu_s"]
        if not disturbed(cpu):
            break
        log(f"    {label}: other processes used {cpu['other']:.1f} CPU-s meanwhile")
    best = min(tried, key=lambda r: r["cpu_s"]["other"] / max(r["cpu_s"]["wall_s"], 1e-9))
    best["attempts"] = len(tried)
    return best


# VIK -------------------------------------------------------------------------------------------


class Vik:
    """VIK's database (a fresh copy of a template per phase), environment and task workers."""

    def __init__(self, config: Config) -> None:
        self.config = config
        self.db = Database(config.database_url)
        self.template = Database(database_at(config.database_url, f"{self.db.name}_template"))
        self.workers: list[subprocess.Popen[bytes]] = []
        self.media = WORK / "media"
        # What the demo itself stored (its sample e-mails, their requests and tasks): every
        # count of the checks is relative to it, read once from the template.
        self.baseline: dict[str, Any] = {}
        self.env = {
            **os.environ,
            "VIK_DATABASE_URL": config.database_url,
            "DJANGO_SETTINGS_MODULE": "config.settings.base",
            "VIK_DEMO_ENABLED": "true",  # production settings plus `vik demo`
            "VIK_DEBUG": "false",
            # The load of many citizens comes from one address, as fast as the machine takes
            # it: the public endpoints' rate limits, the ALTCHA and the "sent too fast" spam
            # signal would refuse it, and the staff logins have no second factor to enter.
            "VIK_RATE_LIMITS": ",".join(f"{scope}=1000000/1m" for scope in BENCH_UNLIMITED),
            "VIK_ALTCHA_MODE": "off",
            "VIK_SPAM_MIN_SECONDS": "0",
            "VIK_MFA_REQUIRED_ROLES": "",
            "VIK_ALLOWED_HOSTS": "127.0.0.1,localhost",
            "VIK_SECRET_KEY": "bench",
            "VIK_MEDIA_ROOT": str(self.media),
            # Acknowledgements are queued and "sent" by the worker, to nowhere.
            "VIK_EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend",
            "VIK_LOG_LEVEL": "WARNING",
            "PYTHONUNBUFFERED": "1",
        }

    def prepare_template(self) -> None:
        """Migrations and the demo's territory, centres and mailboxes, once; each phase starts
        from a copy (CREATE DATABASE ... TEMPLATE), so the two paths never see each other."""
        log(f"database {self.db.name}: drop if it exists, create, load the demo")
        self.db.recreate()
        run_vik(self.env, "demo", "--no-serve", "--requests", "0")
        # The demo leaves tasks of its own (the knowledge articles' embeddings): done here, so
        # that the measured workers do e-mail only.
        run_vik(self.env, "worker", "--batch")
        with self.db.connect() as conn:
            found = conn.execute(
                "UPDATE channels_channelaccount SET settings = settings || %s::jsonb "
                "WHERE name = %s AND kind = 'email'",
                [json.dumps({"acknowledge": self.config.acknowledge}), ACCOUNT],
            ).rowcount
            self.baseline = self.read_baseline(conn)
        if found != 1:
            raise BenchError(f"the demo has no e-mail account {ACCOUNT}")
        if self.baseline["payloads"]:
            log(
                f"    the demo stored {self.baseline['payloads']} e-mail payload(s) of its own: "
                "the counts below are of what the benchmark adds"
            )
        self.template.drop()
        with psycopg.connect(self.db.admin_url, autocommit=True) as admin:
            admin.execute(f'CREATE DATABASE "{self.template.name}" TEMPLATE "{self.db.name}"')

    @staticmethod
    def read_baseline(conn: psycopg.Connection[Any]) -> dict[str, Any]:
        """The rows the demo made before the benchmark stores anything."""
        row = conn.execute(
            """SELECT (SELECT count(*) FROM channels_inboundpayload),
                      (SELECT coalesce(max(id), 0) FROM channels_inboundpayload),
                      (SELECT coalesce(max(id), 0) FROM channels_outboundmessage),
                      (SELECT count(*) FROM conversations_request),
                      (SELECT count(*) FROM conversations_interaction
                       WHERE direction = 'inbound'),
                      (SELECT count(*) FROM conversations_attachment),
                      (SELECT count(*) FROM channels_outboundmessage WHERE state = 'sent'),
                      (SELECT count(*) FROM contacts_contact)"""
        ).fetchone()
        assert row is not None
        tasks = conn.execute(
            "SELECT status, count(*) FROM django_tasks_database_dbtaskresult GROUP BY status"
        ).fetchall()
        return {
            "payloads": row[0],
            "last_payload_id": row[1],
            "last_outbound_id": row[2],
            "requests": row[3],
            "inbound_interactions": row[4],
            "attachments": row[5],
            "acknowledgements_sent": row[6],
            "contacts": row[7],
            "tasks": {str(status): int(count) for status, count in tasks},
        }

    def fresh(self, source: Database | None = None) -> None:
        """The database as the demo left it (or as `source`, a snapshot, holds it), and no
        stored attachments."""
        self.stop_workers()
        self.db.drop()
        source = source or self.template
        with psycopg.connect(self.db.admin_url, autocommit=True) as admin:
            admin.execute(f'CREATE DATABASE "{self.db.name}" TEMPLATE "{source.name}"')
        shutil.rmtree(self.media, ignore_errors=True)

    def snapshot(self) -> Database:
        """A copy of the database as it is now, to start each attempt of a phase from."""
        copy = Database(database_at(self.config.database_url, f"{self.db.name}_stored"))
        copy.drop()
        with psycopg.connect(self.db.admin_url, autocommit=True) as admin:
            admin.execute(f'CREATE DATABASE "{copy.name}" TEMPLATE "{self.db.name}"')
        return copy

    def drop(self) -> None:
        self.stop_workers()
        for db in (
            self.db,
            self.template,
            Database(database_at(self.db.url, f"{self.db.name}_stored")),
        ):
            with contextlib.suppress(psycopg.Error):
                db.drop()
        shutil.rmtree(self.media, ignore_errors=True)

    def child(self, *args: str) -> subprocess.Popen[bytes]:
        """This script in VIK's environment, as a child doing one Django job (see child_main)."""
        return spawn(
            [str(BIN / "python"), str(Path(__file__).resolve()), *args],
            f"email-{args[0].strip('_')}.log",
            self.env,
            stdout=subprocess.PIPE,
        )

    def start_workers(self) -> None:
        for index in range(self.config.workers):
            self.workers.append(
                spawn(
                    [str(BIN / "vik"), "worker", "--interval", str(self.config.worker_interval)],
                    f"email-worker-{index + 1}.log",
                    self.env,
                )
            )

    def worker_pids(self) -> list[int]:
        return [w.pid for w in self.workers if w.poll() is None]

    def stop_workers(self) -> None:
        for worker in self.workers:
            stop(worker)
        self.workers = []

    def progress(self, conn: psycopg.Connection[Any]) -> dict[str, Any]:
        row = conn.execute(
            """SELECT count(*), count(*) FILTER (WHERE state = 'pending'),
                      min(processed_at), max(processed_at)
               FROM channels_inboundpayload WHERE id > %s""",
            [self.baseline.get("last_payload_id", 0)],
        ).fetchone()
        assert row is not None
        outbound = conn.execute(
            """SELECT count(*) FILTER (WHERE state IN ('queued', 'sending')), count(*)
               FROM channels_outboundmessage WHERE id > %s""",
            [self.baseline.get("last_outbound_id", 0)],
        ).fetchone()
        assert outbound is not None
        return {
            "payloads": row[0],
            "pending": row[1],
            "first_processed": row[2],
            "last_processed": row[3],
            "outbound_open": outbound[0],
            "outbound": outbound[1],
        }

    def tasks(self) -> dict[str, int]:
        """The task rows by status: more than one per payload and acknowledgement means work
        was enqueued twice (the sweeper re-enqueueing a backlog, retries)."""
        with self.db.connect() as conn:
            rows = conn.execute(
                "SELECT status, count(*) FROM django_tasks_database_dbtaskresult GROUP BY status"
            ).fetchall()
        before = self.baseline.get("tasks", {})
        counts = {str(status): int(count) - before.get(str(status), 0) for status, count in rows}
        return {status: count for status, count in counts.items() if count}

    def drain(
        self,
        *,
        expected: int,
        started: float,
        meter: CpuMeter,
        feeder: subprocess.Popen[bytes] | None = None,
    ) -> dict[str, Any]:
        """Wait until `expected` payloads exist and none is pending (the worker made the
        requests), then until the acknowledgements are sent; times are from `started`
        (time.time()). Stops the workers at the end, after reading their CPU and peak RSS."""
        processed_at: float | None = None
        done: dict[str, Any] | None = None
        last_change, last_state = time.monotonic(), (-1, -1, -1, -1)
        with self.db.connect() as conn:
            while True:
                state = self.progress(conn)
                feeding = feeder is not None and alive(feeder)
                if feeder is not None and not feeding and state["payloads"] < expected:
                    time.sleep(0.5)  # the feeder's last commit may be a moment old
                    if self.progress(conn)["payloads"] < expected:
                        raise BenchError(
                            f"the poller stopped after {state['payloads']} of {expected} "
                            f"messages\n{self.diagnose()}"
                        )
                now = time.monotonic()
                seen = (
                    state["payloads"],
                    state["pending"],
                    state["outbound"],
                    state["outbound_open"],
                )
                if seen != last_state:
                    last_change, last_state = now, seen
                elif now - last_change > 120:
                    raise BenchError(
                        f"no progress for 120 s: {state['payloads']} payloads stored, "
                        f"{state['pending']} pending, {state['outbound_open']} acknowledgements "
                        f"not sent\n{self.diagnose()}"
                    )
                if any(w.poll() is not None for w in self.workers):
                    raise BenchError(f"a worker exited\n{self.diagnose()}")
                if not feeding and state["payloads"] >= expected and state["pending"] == 0:
                    if processed_at is None:
                        processed_at = time.time()
                        done = state
                    if state["outbound_open"] == 0:
                        break
                time.sleep(0.2)
            acknowledged_at = time.time()
            pids = self.worker_pids()
            rss = [peak_rss_mb(pid) for pid in pids]
            cpu = meter.finish()
        self.stop_workers()
        tasks = self.tasks()
        assert done is not None and done["last_processed"] is not None
        last = done["last_processed"].timestamp()
        first = done["first_processed"].timestamp()
        elapsed = last - started
        return {
            "elapsed_s": round(elapsed, 2),
            "msgs_per_s": round(expected / elapsed, 2),
            "steady_msgs_per_s": round((expected - 1) / (last - first), 2) if last > first else 0,
            "detected_after_s": round(processed_at - started, 2) if processed_at else None,
            "acknowledgements_sent_after_s": round(acknowledged_at - started, 2),
            "worker_peak_rss_mb": rss,
            "cpu_s": cpu,
            "tasks": tasks,
            "tasks_expected": expected + state["outbound"],
        }

    def diagnose(self) -> str:
        lines: list[str] = []
        with contextlib.suppress(psycopg.Error), self.db.connect() as conn:
            states = conn.execute(
                "SELECT state, count(*) FROM channels_inboundpayload GROUP BY state"
            ).fetchall()
            tasks = conn.execute(
                "SELECT status, count(*) FROM django_tasks_database_dbtaskresult GROUP BY status"
            ).fetchall()
            lines += [f"payload states: {dict(states)}", f"task states: {dict(tasks)}"]
        for path in sorted(LOG_DIR.glob("email-*.log")):
            tail = path.read_text(errors="replace").splitlines()[-12:]
            lines.append(f"--- {path.name} (last lines)\n" + "\n".join(tail))
        return "\n".join(lines)

    def check(self, mails: Sequence[Mail]) -> dict[str, Any]:
        """Every payload processed (or quarantined/ignored, with the reason); one request per
        non-reply message; every reply in the request of the message it answers."""
        from vik.channels.mail.parser import idempotency_key

        keys = {m.index: idempotency_key(m.raw) for m in mails}
        replies = [(keys[m.index], keys[m.answers]) for m in mails if m.answers is not None]
        base = self.baseline
        with self.db.connect() as conn:
            states = dict(
                conn.execute(  # type: ignore[arg-type]
                    "SELECT state, count(*) FROM channels_inboundpayload WHERE id > %s "
                    "GROUP BY state",
                    [base.get("last_payload_id", 0)],
                ).fetchall()
            )
            reasons = conn.execute(
                """SELECT state, left(quarantine_reason, 200), count(*)
                   FROM channels_inboundpayload
                   WHERE state IN ('quarantined', 'ignored') AND id > %s
                   GROUP BY 1, 2 ORDER BY 3 DESC LIMIT 5""",
                [base.get("last_payload_id", 0)],
            ).fetchall()
            counts = conn.execute(
                """SELECT (SELECT count(*) FROM conversations_request),
                          (SELECT count(*) FROM conversations_interaction
                           WHERE direction = 'inbound'),
                          (SELECT count(*) FROM conversations_attachment),
                          (SELECT count(*) FROM channels_outboundmessage WHERE state = 'sent'),
                          (SELECT count(*) FROM contacts_contact)"""
            ).fetchone()
            assert counts is not None
            counts = (
                counts[0] - base.get("requests", 0),
                counts[1] - base.get("inbound_interactions", 0),
                counts[2] - base.get("attachments", 0),
                counts[3] - base.get("acknowledgements_sent", 0),
                counts[4] - base.get("contacts", 0),
            )
            joined = conn.execute(
                """SELECT count(*) FILTER (WHERE ri.request_id = oi.request_id), count(*)
                   FROM unnest(%s::text[], %s::text[]) AS pair(reply_key, original_key)
                   LEFT JOIN channels_inboundpayload rp ON rp.idempotency_key = pair.reply_key
                   LEFT JOIN conversations_interaction ri ON ri.inbound_payload_id = rp.id
                   LEFT JOIN channels_inboundpayload op ON op.idempotency_key = pair.original_key
                   LEFT JOIN conversations_interaction oi ON oi.inbound_payload_id = op.id""",
                [[r for r, _ in replies], [o for _, o in replies]],
            ).fetchone()
            assert joined is not None
        non_replies = sum(m.answers is None for m in mails)
        return {
            "payloads": states,
            "not_processed_reasons": [{"state": s, "reason": r, "count": c} for s, r, c in reasons],
            "requests": counts[0],
            "non_reply_messages": non_replies,
            "inbound_interactions": counts[1],
            "attachments": counts[2],
            "acknowledgements_sent": counts[3],
            "contacts": counts[4],
            "replies": len(replies),
            "replies_joined": joined[0],
            "ok": states.get("processed", 0) == len(mails)
            and counts[0] == non_replies
            and joined[0] == len(replies),
        }


def read_child_result(process: subprocess.Popen[bytes], timeout: float) -> dict[str, Any]:
    assert process.stdout is not None
    output = process.stdout.read()
    usage = wait_rusage(process, timeout)
    lines = output.decode(errors="replace").strip().splitlines()
    if process.returncode != 0 or not lines:
        raise BenchError(
            f"{process.args!r} exited with {process.returncode}; see {LOG_DIR}/email-*.log"
        )
    result: dict[str, Any] = json.loads(lines[-1])  # with its own peak_rss_mb (VmHWM)
    result["process_cpu_s"] = round(usage.ru_utime + usage.ru_stime, 2)
    return result


def pipe_sample(vik: Vik, files: Sequence[Path], concurrency: int) -> dict[str, Any]:
    """`vik ingest-mail --account NAME < message`, one process per message as Postfix runs it,
    `concurrency` at a time; every one must exit 0 having stored its message."""
    failures: list[str] = []
    latencies: list[float] = []

    def one(path: Path) -> None:
        began = time.perf_counter()
        done = subprocess.run(
            [str(BIN / "vik"), "ingest-mail", "--account", ACCOUNT],
            input=path.read_bytes(),
            cwd=ROOT,
            env=vik.env,
            capture_output=True,
        )
        latencies.append(time.perf_counter() - began)
        if done.returncode != 0 or not done.stdout.startswith(b"stored as payload"):
            failures.append(f"{path.name}: exit {done.returncode}: {done.stderr[-300:]!r}")

    wall = time.perf_counter()
    with concurrent.futures.ThreadPoolExecutor(concurrency) as pool:
        list(pool.map(one, files))
    wall = time.perf_counter() - wall
    if failures:
        raise BenchError(f"{len(failures)} of {len(files)} pipe deliveries failed: {failures[0]}")
    return {
        "messages": len(files),
        "concurrency": concurrency,
        "seconds": round(wall, 2),
        "msgs_per_s": round(len(files) / wall, 2),
        "median_process_s": round(statistics.median(latencies), 3),
    }


def measure_pipe(vik: Vik, mails: Sequence[Mail], corpus: Path) -> dict[str, Any]:
    """The mail server's pipe: a sample through `vik ingest-mail` processes, the rest stored by
    the same `inbound_accept` in one process; then the workers turn all into requests."""
    config = vik.config
    vik.fresh()
    files = sorted(corpus.glob("*.eml"))
    result: dict[str, Any] = {}
    if config.pipe_sample:
        log(
            f"pipe: {config.pipe_sample} messages through `vik ingest-mail` "
            f"({config.pipe_concurrency} at a time)"
        )
        result["accept"] = pipe_sample(vik, files[: config.pipe_sample], config.pipe_concurrency)
        log(f"    {result['accept']['msgs_per_s']} msgs/s accepted")
    rest = len(files) - config.pipe_sample
    log(f"pipe: storing the other {rest:,} with inbound_accept in one process")
    store = vik.child("_store", "--dir", str(corpus), "--start", str(config.pipe_sample))
    result["store"] = read_child_result(store, timeout=3600)
    log(f"    {result['store']['msgs_per_s']} msgs/s stored")
    stored = vik.snapshot()

    def attempt() -> dict[str, Any]:
        log(f"pipe: {config.workers} worker(s) process the {len(mails):,} stored messages")
        vik.fresh(stored)
        with (
            CpuMeter(
                lambda: {"workers": vik.worker_pids(), "postgres": postgres_pids(vik.db.name)}
            ) as meter,
            Autovacuum(vik.db, config.vacuum) as vacuum,
        ):
            started = time.time()
            vik.start_workers()
            process = vik.drain(expected=len(mails), started=started, meter=meter)
        process["autovacuum"] = vacuum.summary()
        log(f"    {process['msgs_per_s']} msgs/s end to end")
        process["check"] = vik.check(mails)
        return process

    try:
        result["process"] = steady("pipe end to end", config.attempts, attempt)
    finally:
        with contextlib.suppress(psycopg.Error):
            stored.drop()
    result["check"] = result["process"].pop("check")
    return result


# LMTP ------------------------------------------------------------------------------------------


def measure_lmtp(vik: Vik, files: Sequence[Path]) -> dict[str, Any]:
    """`vik lmtp`, the long-running receiver: every message delivered over `pipe_concurrency`
    LMTP connections, as a mail server opens them, and answered 250 once stored. Storing only:
    what the workers then do is the pipe's end to end, measured above."""
    concurrency = vik.config.pipe_concurrency
    vik.fresh()
    with vik.db.connect() as conn:
        conn.execute(
            "UPDATE channels_channelaccount SET settings = settings || %s::jsonb WHERE name = %s",
            [json.dumps({"addresses": [OFFICE_ADDRESS]}), ACCOUNT],
        )
    port = free_port()
    server = spawn(
        [str(BIN / "vik"), "lmtp", "--listen", f"127.0.0.1:{port}"],
        "email-lmtp.log",
        vik.env,
        stdout=subprocess.PIPE,
    )
    assert server.stdout is not None
    if b"listening on" not in server.stdout.readline():
        server.kill()
        raise BenchError(f"`vik lmtp` did not start; see {LOG_DIR}/email-lmtp.log")
    log(f"LMTP: {len(files):,} messages to `vik lmtp` over {concurrency} connections")
    raws = [re.sub(rb"\r?\n", b"\r\n", path.read_bytes()) for path in files]
    failures: list[str] = []

    def connection(share: Sequence[bytes]) -> None:
        with smtplib.LMTP("127.0.0.1", port) as client:
            for raw in share:
                refused = client.sendmail("jan.novak@example.cz", [OFFICE_ADDRESS], raw)
                if refused:
                    failures.append(repr(refused)[:300])

    try:
        with CpuMeter(
            lambda: {"lmtp": [server.pid] if alive(server) else [],
                     "postgres": postgres_pids(vik.db.name)}
        ) as meter:  # fmt: skip
            wall = time.perf_counter()
            with concurrent.futures.ThreadPoolExecutor(concurrency) as pool:
                for done in [
                    pool.submit(connection, raws[i::concurrency]) for i in range(concurrency)
                ]:
                    done.result()
            wall = time.perf_counter() - wall
            cpu = meter.finish()
        rss = peak_rss_mb(server.pid)
    except (OSError, smtplib.SMTPException) as error:
        raise BenchError(f"LMTP delivery failed: {error}") from error
    finally:
        server.send_signal(signal.SIGTERM)
        with contextlib.suppress(subprocess.TimeoutExpired):
            server.communicate(timeout=30)
        if server.poll() is None:
            server.kill()
    with vik.db.connect() as conn:
        row = conn.execute(
            "SELECT count(*) FROM channels_inboundpayload WHERE id > %s",
            [vik.baseline.get("last_payload_id", 0)],
        ).fetchone()
    stored = row[0] if row else 0
    if failures or stored != len(files):
        raise BenchError(
            f"LMTP: {stored} of {len(files)} stored; {len(failures)} refused: {failures[:1]}"
        )
    result = {
        "messages": len(files),
        "connections": concurrency,
        "seconds": round(wall, 2),
        "msgs_per_s": round(len(files) / wall, 1),
        "peak_rss_mb": rss,
        "cpu_s": cpu,
    }
    log(f"    {result['msgs_per_s']} msgs/s stored through LMTP")
    return result


# IMAP ------------------------------------------------------------------------------------------

DOVECOT_CONFIG = """\
instance_name = dovecot-vik-bench-{port}
base_dir = {d}/run
state_dir = {d}/state
log_path = {d}/dovecot.log
info_log_path = {d}/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
mail_location = maildir:~/Maildir
first_valid_uid = {uid}
first_valid_gid = {uid}
passdb {{
  driver = static
  args = password={password}
}}
userdb {{
  driver = static
  args = uid={uid} gid={uid} home={d}/mail/%u
}}
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
}}
"""


class Dovecot:
    """A private Dovecot in the foreground (we own its PID), as the e-mail tests' fixture runs
    it: free loopback port, own base_dir and config in a temp dir, nothing from /etc/dovecot."""

    user = "podatelna@jihlava-city.cz"

    def __init__(self) -> None:
        binary = shutil.which("dovecot") or shutil.which("dovecot", path="/usr/sbin")
        if binary is None:
            raise BenchError("dovecot is not installed (scripts/system-deps.sh installs it)")
        if os.geteuid() != 0:
            raise BenchError("Dovecot needs root here (it switches to the mail user)")
        self.binary = binary
        self.directory = Path(tempfile.mkdtemp(prefix="vik-bench-dovecot-"))
        self.directory.chmod(0o755)
        self.port = free_port()
        self.password = hashlib.sha256(os.urandom(16)).hexdigest()[:16]
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        (self.directory / "mail").mkdir()
        os.chown(self.directory / "mail", MAIL_UID, MAIL_UID)
        config = DOVECOT_CONFIG.format(
            d=self.directory, port=self.port, uid=MAIL_UID, password=self.password
        )
        (self.directory / "dovecot.conf").write_text(config)
        self.process = subprocess.Popen(
            [self.binary, "-F", "-c", str(self.directory / "dovecot.conf")],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 15
        while True:
            if self.process.poll() is not None:
                raise BenchError(f"dovecot exited with {self.process.returncode}:\n{self.log()}")
            with (
                contextlib.suppress(OSError),
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2),
            ):
                return
            if time.monotonic() > deadline:
                raise BenchError(f"dovecot did not listen on {self.port}:\n{self.log()}")
            time.sleep(0.05)

    def log(self) -> str:
        path = self.directory / "dovecot.log"
        return path.read_text(errors="replace")[-3000:] if path.exists() else "(no log)"

    def pids(self) -> list[int]:
        if self.process is None or self.process.poll() is not None:
            return []
        found, todo = [], [self.process.pid]
        while todo:
            pid = todo.pop()
            found.append(pid)
            todo += children(pid)
        return found

    def append(self, raws: Sequence[bytes]) -> dict[str, Any]:
        from imapclient import IMAPClient

        started = time.perf_counter()
        with IMAPClient("127.0.0.1", port=self.port, ssl=False, timeout=60) as client:
            client.login(self.user, self.password)
            for raw in raws:
                client.append("INBOX", raw)
        seconds = time.perf_counter() - started
        return {"seconds": round(seconds, 2), "msgs_per_s": round(len(raws) / seconds, 1)}

    def unflag(self) -> None:
        from imapclient import IMAPClient

        with IMAPClient("127.0.0.1", port=self.port, ssl=False, timeout=60) as client:
            client.login(self.user, self.password)
            client.select_folder("INBOX")
            client.remove_flags(client.search("ALL"), [b"\\Flagged", b"$VIKStored"], silent=True)

    def flagged(self) -> int:
        from imapclient import IMAPClient

        with IMAPClient("127.0.0.1", port=self.port, ssl=False, timeout=60) as client:
            client.login(self.user, self.password)
            client.select_folder("INBOX", readonly=True)
            return len(client.search(["KEYWORD", "$VIKStored"]))

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(5)
        self.process = None
        shutil.rmtree(self.directory, ignore_errors=True)

    def imap_settings(self) -> dict[str, Any]:
        return {
            "host": "127.0.0.1",
            "port": self.port,
            "security": "none",
            "username": self.user,
            "password": self.password,
            "folder": "INBOX",
            "after_processing": "flag",
            "poll_seconds": 3600,  # the worker's periodic job leaves this mailbox to the bench
            "max_seconds": 3600,  # one poll fetches the whole folder
            "timeout": 60,
        }


def measure_imap(vik: Vik, mails: Sequence[Mail]) -> dict[str, Any]:
    """APPEND every message to a private Dovecot; then `mailbox_poll` (one process, polling
    until the folder has nothing new) and the workers run at the same time, as in production."""
    config = vik.config
    dovecot = Dovecot()
    result: dict[str, Any] = {}
    try:
        dovecot.start()
        log(f"IMAP: APPEND {len(mails):,} messages to Dovecot on 127.0.0.1:{dovecot.port}")
        result["append"] = dovecot.append([m.raw for m in mails])
        attempts = 0

        def attempt() -> dict[str, Any]:
            nonlocal attempts
            attempts += 1
            if attempts > 1:
                dovecot.unflag()  # as after APPEND: nothing known to be stored
            vik.fresh()
            with vik.db.connect() as conn:
                conn.execute(
                    "UPDATE channels_channelaccount SET settings = settings || %s::jsonb "
                    "WHERE name = %s",
                    [json.dumps({"imap": dovecot.imap_settings()}), ACCOUNT],
                )
            log(f"IMAP: mailbox_poll and {config.workers} worker(s), concurrently")
            poller = vik.child("_poll")
            assert poller.stdout is not None
            if not poller.stdout.readline().startswith(b"ready"):
                read_child_result(poller, timeout=60)  # raises with the reason
                raise BenchError("the IMAP poller did not start")
            with (
                CpuMeter(
                    lambda: {
                        "workers": vik.worker_pids(),
                        "poller": [poller.pid] if alive(poller) else [],
                        "postgres": postgres_pids(vik.db.name),
                        "dovecot": dovecot.pids(),
                    }
                ) as meter,
                Autovacuum(vik.db, config.vacuum) as vacuum,
            ):
                started = time.time()
                vik.start_workers()
                process = vik.drain(
                    expected=len(mails), started=started, meter=meter, feeder=poller
                )
            process["autovacuum"] = vacuum.summary()
            process["fetch"] = read_child_result(poller, timeout=600)
            log(
                f"    {process['fetch']['msgs_per_s']} msgs/s fetched and stored, "
                f"{process['msgs_per_s']} msgs/s end to end"
            )
            check = vik.check(mails)
            check["flagged_on_server"] = dovecot.flagged()
            check["ok"] = (
                check["ok"]
                and process["fetch"]["stored"] == len(mails)
                and check["flagged_on_server"] == len(mails)
            )
            process["check"] = check
            return process

        result["process"] = steady("IMAP end to end", config.attempts, attempt)
        result["fetch"] = result["process"].pop("fetch")
        result["check"] = result["process"].pop("check")
    finally:
        dovecot.stop()
    return result


# django-helpdesk -------------------------------------------------------------------------------


class HelpdeskUnavailable(BenchError):
    """django-helpdesk could not be installed or run; the message says which command and why."""


def helpdesk_python() -> Path:
    """var/bench/helpdesk-venv with django-helpdesk, created on first use (never the project's
    .venv); reinstalled when bench/helpdesk_baseline/requirements.txt changes."""
    requirements = HELPDESK_PROJECT / "requirements.txt"
    marker = HELPDESK_VENV / ".installed"
    digest = hashlib.sha256(requirements.read_bytes()).hexdigest()
    python = HELPDESK_VENV / "bin" / "python"
    if python.exists() and marker.exists() and marker.read_text() == digest:
        return python
    base = shutil.which("python3.11") or sys.executable
    steps = [
        [base, "-m", "venv", "--clear", str(HELPDESK_VENV)],
        [str(python), "-m", "pip", "install", "-q", "-r", str(requirements)],
    ]
    for step in steps:
        log(f"helpdesk: {' '.join(step)}")
        done = subprocess.run(step, capture_output=True, text=True)
        if done.returncode != 0:
            raise HelpdeskUnavailable(
                f"`{' '.join(step)}` exited with {done.returncode}:\n"
                f"{done.stdout[-1500:]}{done.stderr[-3000:]}"
            )
    marker.write_text(digest)
    return python


def measure_helpdesk(config: Config, mails: Sequence[Mail], corpus: Path) -> dict[str, Any]:
    """django-helpdesk's `manage.py get_email` reading the same messages from a local mail
    directory into a queue, on PostgreSQL (a database of its own on the same server)."""
    python = helpdesk_python()
    db = Database(
        database_at(config.database_url, f"{Database(config.database_url).name}_helpdesk")
    )
    maildir, media = WORK / "helpdesk-maildir", WORK / "helpdesk-media"
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": os.environ.get("HOME", "/root"),
        "LANG": "C.UTF-8",
        "DJANGO_SETTINGS_MODULE": "hdbench.settings",
        "HDBENCH_DATABASE_URL": db.url,
        "HDBENCH_MEDIA_ROOT": str(media),
        "PYTHONPYCACHEPREFIX": str(VAR / "pycache"),
        "PYTHONUNBUFFERED": "1",
    }

    def manage(*args: str) -> str:
        done = subprocess.run(
            [str(python), "manage.py", *args],
            cwd=HELPDESK_PROJECT,
            env=env,
            capture_output=True,
            text=True,
        )
        if done.returncode != 0:
            raise HelpdeskUnavailable(
                f"`manage.py {' '.join(args)}` exited with {done.returncode}:\n"
                f"{done.stdout[-1500:]}{done.stderr[-3000:]}"
            )
        return done.stdout

    version = subprocess.run(
        [str(python), "-c", "import importlib.metadata as m; print(m.version('django-helpdesk'),"
         " m.version('Django'))"],
        capture_output=True, text=True,
    ).stdout.split() or ["?", "?"]  # fmt: skip
    log(f"helpdesk: django-helpdesk {version[0]} on Django {version[1]}; database {db.name}")

    def attempt() -> dict[str, Any]:
        db.recreate()
        try:
            manage("migrate", "--noinput")
            for directory in (maildir, media):
                shutil.rmtree(directory, ignore_errors=True)
            shutil.copytree(corpus, maildir)
            manage("bench_queue", "--maildir", str(maildir))
            log(f"helpdesk: manage.py get_email on {len(mails):,} files in {maildir}")
            running: list[int] = []
            with (
                CpuMeter(
                    lambda: {"get_email": running, "postgres": postgres_pids(db.name)}
                ) as meter,
                Autovacuum(db, config.vacuum) as vacuum,
            ):
                started = time.perf_counter()
                process = spawn(
                    [str(python), "manage.py", "get_email", "--quiet"],
                    "email-helpdesk-get_email.log",
                    env,
                    cwd=HELPDESK_PROJECT,
                )
                running.append(process.pid)
                usage = wait_rusage(process, timeout=4 * 3600)
                seconds = time.perf_counter() - started
                cpu = meter.finish()
            if process.returncode != 0:
                raise HelpdeskUnavailable(
                    f"`manage.py get_email` exited with {process.returncode}; see "
                    f"{LOG_DIR / 'email-helpdesk-get_email.log'}"
                )
            counts = json.loads(manage("bench_counts").strip().splitlines()[-1])
            left = len(list(maildir.glob("*.eml")))
        finally:
            if not config.keep:
                with contextlib.suppress(psycopg.Error):
                    db.drop()
                for directory in (maildir, media):
                    shutil.rmtree(directory, ignore_errors=True)
        ticket_of = counts.pop("ticket_of_message_id")
        joined = sum(
            ticket_of.get(m.message_id) is not None
            and ticket_of.get(m.message_id) == ticket_of.get(mails[m.answers].message_id)
            for m in mails
            if m.answers is not None
        )
        imported = sum(m.message_id in ticket_of for m in mails)
        cpu["get_email"] = round(usage.ru_utime + usage.ru_stime, 2)  # exact, from wait4
        log(f"    {len(mails) / seconds:.1f} msgs/s")
        return {
            "version": {"django-helpdesk": version[0], "Django": version[1]},
            "messages": len(mails),
            "seconds": round(seconds, 2),
            "msgs_per_s": round(len(mails) / seconds, 2),
            "imported": imported,
            "imported_per_s": round(imported / seconds, 2),
            # sampled VmHWM (ru_maxrss would include the forking parent's size before exec)
            "peak_rss_mb": meter.peak_rss_mb.get("get_email", 0.0),
            "cpu_s": cpu,
            "autovacuum": vacuum.summary(),
            **counts,
            "replies": sum(m.answers is not None for m in mails),
            "replies_joined": joined,
            "files_left": left,
        }

    return steady("django-helpdesk", config.attempts, attempt)


# Children: one Django job each, in VIK's environment --------------------------------------------


def child_main(argv: Sequence[str]) -> int:
    """`_store --dir D --start N`: inbound_accept every message file from the N-th on (what
    `vik ingest-mail` does, without a process per message); `_poll`: mailbox_poll until the
    folder has nothing new. Each prints one JSON line with its figures."""
    import django

    django.setup()
    from vik.channels.core.models import ChannelAccount

    account = ChannelAccount.objects.get(name=ACCOUNT)
    wall, cpu = time.perf_counter(), time.process_time()
    result: dict[str, Any]
    if argv[0] == "_store":
        from vik.channels.core.services import inbound_accept
        from vik.channels.email.adapter import RAW_CONTENT_TYPE
        from vik.channels.mail.parser import idempotency_key

        directory, start = Path(argv[argv.index("--dir") + 1]), int(argv[argv.index("--start") + 1])
        stored = duplicates = 0
        for path in sorted(directory.glob("*.eml"))[start:]:
            raw = path.read_bytes()
            _, created = inbound_accept(
                account=account,
                idempotency_key=idempotency_key(raw),
                body=raw,
                content_type=RAW_CONTENT_TYPE,
                metadata={"source": "pipe"},
            )
            stored += created
            duplicates += not created
        result = {"stored": stored, "duplicates": duplicates}
        count = stored + duplicates
    elif argv[0] == "_poll":
        from vik.channels.email.imap import mailbox_poll
        from vik.channels.email.models import MailboxState
        from vik.core import clock

        # Mark the mailbox as just polled before the worker starts, so that the worker's own
        # periodic job (poll_seconds 3600) leaves it to this process.
        state, _ = MailboxState.objects.get_or_create(account=account, folder="INBOX")
        MailboxState.objects.filter(pk=state.pk).update(last_attempt_at=clock.now())
        print("ready", flush=True)
        wall, cpu = time.perf_counter(), time.process_time()
        totals: Counter[str] = Counter()
        failures = 0
        last_stored = wall
        while True:
            report = mailbox_poll(account=account)
            if not report.ok:
                failures += 1
                print(f"poll failed: {report.error}", file=sys.stderr, flush=True)
                if failures >= 3:
                    return 1
                time.sleep(1)
                continue
            totals.update(
                fetched=report.fetched, stored=report.stored, duplicates=report.duplicates,
                skipped=report.skipped, oversized=report.oversized, polls=1,
            )  # fmt: skip
            if report.fetched:
                last_stored = time.perf_counter()
            if not report.more and not report.fetched:
                break
        result = dict(totals)
        count = totals["stored"]
        end = last_stored  # until the last message was stored (not the final, empty poll)
    else:
        raise SystemExit(f"unknown child job {argv[0]!r}")
    if argv[0] == "_store":
        end = time.perf_counter()
    seconds = end - wall
    result.update(
        seconds=round(seconds, 2),
        msgs_per_s=round(count / seconds, 1) if seconds else 0.0,
        cpu_s=round(time.process_time() - cpu, 2),
        # VmHWM, not ru_maxrss: the latter keeps the forking parent's size from before exec.
        peak_rss_mb=peak_rss_mb(os.getpid()),
    )
    print(json.dumps(result), flush=True)
    return 0


# Report ----------------------------------------------------------------------------------------


def ratio(a: float | None, b: float | None) -> float | None:
    return round(a / b, 4) if a and b else None


def warning(label: str, data: dict[str, Any]) -> list[str]:
    cpu = data["cpu_s"]
    if not disturbed(cpu):
        return []
    return [
        f"    WARNING: other processes used {cpu['other']:.1f} CPU-s during {label} (best of "
        f"{data.get('attempts', 1)} attempts): the machine was shared, the figure is disturbed"
    ]


def tasks_line(data: dict[str, Any]) -> list[str]:
    run = sum(data["tasks"].values())
    expected = data["tasks_expected"]
    if run <= expected:
        return []
    return [
        f"    NOTE: {run:,} task rows for {expected:,} payloads and acknowledgements "
        f"({data['tasks']}): work was enqueued more than once"
    ]


def cpu_ms(data: dict[str, Any], *groups: str) -> float:
    """CPU milliseconds per message of the named process groups."""
    return sum(data["cpu_s"].get(g, 0.0) for g in groups) * 1000 / data["messages"]


def report(config: Config, results: dict[str, Any], failures: dict[str, str]) -> bool:
    corpus = results["corpus"]
    kinds = corpus["kinds"]
    pipe, imap = results.get("pipe"), results.get("imap")
    ceiling, vik_parse = results["ceiling"], results["vik_parse"]
    helpdesk = results.get("helpdesk")
    workers = config.workers
    per = "1 worker" if workers == 1 else f"{workers} workers"
    rates: dict[str, float] = {}
    lines = [
        "",
        f"VIK e-mail ingest benchmark ({'quick' if config.quick else 'full'}; "
        f"{corpus['messages']:,} messages, {per}, {os.cpu_count()} CPUs, "
        f"PostgreSQL {results['environment']['postgres']})",
        f"messages: {corpus['bytes'] / 1e6:.0f} MB (median {corpus['median_bytes'] / 1024:.1f} "
        f"KB): plain UTF-8 {kinds.get('plain', 0):,}, windows-1250/iso-8859-2 "
        f"{kinds.get('legacy', 0):,}, HTML {kinds.get('html', 0):,}, with attachment "
        f"{kinds.get('attachment', 0):,}, replies {kinds.get('reply', 0):,}",
    ]
    standins = [
        data["autovacuum"]
        for data in ((pipe or {}).get("process"), (imap or {}).get("process"), helpdesk)
        if data and data.get("autovacuum", {}).get("stand_in")
    ]
    if standins:
        lines.append(
            "PostgreSQL runs with autovacuum = off here: the benchmark did its work, by its "
            "thresholds, on its own databases every 30 s instead "
            f"({sum(v['runs'] for v in standins)} rounds, "
            f"{sum(v['seconds'] for v in standins):.1f} s; --no-autovacuum-standin to skip)"
        )
    elif not config.vacuum:
        lines.append("autovacuum stand-in switched off (--no-autovacuum-standin)")
    lines += ["", f"{'':<58}{'msgs/s':>9}"]

    def row(label: str, value: float, note: str) -> None:
        lines.append(f"{label:<58}{value:>9.1f}  {note}")

    if pipe:
        if "accept" in pipe:
            acc = pipe["accept"]
            row(
                "VIK pipe accept: a `vik ingest-mail` process per message", acc["msgs_per_s"],
                f"({acc['messages']} messages, {acc['concurrency']} at a time; median "
                f"{acc['median_process_s'] * 1000:.0f} ms per process)",
            )  # fmt: skip
        lmtp = results.get("lmtp")
        if lmtp:
            row(
                f"VIK LMTP accept: one `vik lmtp`, {lmtp['connections']} connections",
                lmtp["msgs_per_s"],
                f"({lmtp['messages']:,} messages; CPU-s lmtp {lmtp['cpu_s']['lmtp']:.1f}, postgres "
                f"{lmtp['cpu_s']['postgres']:.1f} = {cpu_ms(lmtp, 'lmtp', 'postgres'):.1f} ms per "
                f"message; peak RSS {lmtp['peak_rss_mb']:.0f} MB)",
            )  # fmt: skip
        store, proc = pipe["store"], pipe["process"]
        cpu = proc["cpu_s"]
        proc["messages"] = corpus["messages"]
        rates["pipe"] = proc["msgs_per_s"]
        row(
            "VIK store: inbound_accept in one process", store["msgs_per_s"],
            f"({store['stored']:,} messages; peak RSS {store['peak_rss_mb']:.0f} MB)",
        )  # fmt: skip
        row(
            f"VIK end to end, {per}: stored → request committed", proc["msgs_per_s"],
            f"({proc['elapsed_s']:.1f} s; steady {proc['steady_msgs_per_s']:.1f}/s; "
            f"acknowledgements all sent after {proc['acknowledgements_sent_after_s']:.1f} s)",
        )  # fmt: skip
        lines.append(
            f"    worker peak RSS {', '.join(f'{r:.0f}' for r in proc['worker_peak_rss_mb'])} MB;"
            f" CPU-s workers {cpu['workers']:.1f}, postgres {cpu['postgres']:.1f} = "
            f"{cpu_ms(proc, 'workers', 'postgres'):.1f} ms per message; other processes "
            f"{cpu['other']:.1f} (machine {cpu['machine_busy_pct']:.0f}% busy)"
        )
        lines += tasks_line(proc)
        lines += warning("the pipe's end to end", proc)
    if imap:
        fetch, proc = imap["fetch"], imap["process"]
        cpu = proc["cpu_s"]
        proc["messages"] = corpus["messages"]
        rates["imap"] = proc["msgs_per_s"]
        row(
            "VIK IMAP fetch + store: mailbox_poll in one process", fetch["msgs_per_s"],
            f"(peak RSS {fetch['peak_rss_mb']:.0f} MB; the APPENDs ran at "
            f"{imap['append']['msgs_per_s']:.0f}/s)",
        )  # fmt: skip
        row(
            f"VIK IMAP end to end, {per}: first poll → last request", proc["msgs_per_s"],
            f"({proc['elapsed_s']:.1f} s, poller and worker at the same time)",
        )  # fmt: skip
        lines.append(
            f"    worker peak RSS {', '.join(f'{r:.0f}' for r in proc['worker_peak_rss_mb'])} MB;"
            f" CPU-s workers {cpu['workers']:.1f}, poller {cpu['poller']:.1f}, postgres "
            f"{cpu['postgres']:.1f}, dovecot {cpu['dovecot']:.1f} = "
            f"{cpu_ms(proc, 'workers', 'poller', 'postgres', 'dovecot'):.1f} ms per message; "
            f"other processes {cpu['other']:.1f}"
        )
        lines += tasks_line(proc)
        lines += warning("IMAP's end to end", proc)
    row(
        "ceiling: CPython email parse + walk + get_content", ceiling["msgs_per_s"],
        f"({ceiling['seconds']:.1f} s, {ceiling['leaves']:,} leaves, "
        f"{ceiling['decode_failures']} failed to decode)",
    )  # fmt: skip
    lines += warning("the ceiling", ceiling)
    row("    (VIK's parse_mail alone, for comparison)", vik_parse["msgs_per_s"], "")
    if helpdesk:
        cpu = helpdesk["cpu_s"]
        row(
            f"django-helpdesk {helpdesk['version']['django-helpdesk']}: manage.py get_email",
            helpdesk["msgs_per_s"],
            f"({helpdesk['seconds']:.1f} s, local mail directory; peak RSS "
            f"{helpdesk['peak_rss_mb']:.0f} MB)",
        )  # fmt: skip
        lines += [
            f"    CPU-s get_email {cpu['get_email']:.1f}, postgres {cpu['postgres']:.1f} = "
            f"{cpu_ms(helpdesk, 'get_email', 'postgres'):.1f} ms per message; "
            f"{helpdesk['tickets']:,} tickets, {helpdesk['followups']:,} follow-ups, "
            f"{helpdesk['attachments']:,} attachments; {helpdesk['imported']:,} of "
            f"{helpdesk['messages']:,} imported, {helpdesk['files_left']} files left; "
            f"{helpdesk['replies_joined']:,} of {helpdesk['replies']:,} replies on their "
            "original's ticket",
            *warning("django-helpdesk", helpdesk),
        ]
    elif "helpdesk" in failures:
        lines.append(f"django-helpdesk: NOT MEASURED: {failures['helpdesk']}")
    lines.append("")
    for label in ("pipe", "imap"):
        check = (results.get(label) or {}).get("check")
        if check:
            flagged = check.get("flagged_on_server")
            lines.append(
                f"check {label}: payloads {check['payloads']}; {check['requests']:,} requests for "
                f"{check['non_reply_messages']:,} non-reply messages; replies joined "
                f"{check['replies_joined']:,}/{check['replies']:,}; {check['attachments']:,} "
                f"attachments; {check['acknowledgements_sent']:,} acknowledgements sent"
                + (f"; {flagged:,} flagged $VIKStored" if flagged is not None else "")
                + f" → {'OK' if check['ok'] else 'MISMATCH'}"
            )
            for item in check["not_processed_reasons"]:
                lines.append(f"    {item['count']} {item['state']}: {item['reason']}")
    for label, reason in failures.items():
        if label != "helpdesk":
            lines.append(f"{label}: FAILED: {reason.splitlines()[0]}")

    def show(value: float | None) -> str:
        return "n/a" if value is None else f"{value:.3f}"

    hd_rate = helpdesk["msgs_per_s"] if helpdesk else None
    e2e = rates.get("pipe")
    over_helpdesk, over_ceiling = ratio(e2e, hd_rate), ratio(e2e, ceiling["msgs_per_s"])
    helpdesk_ok = over_helpdesk is not None and over_helpdesk >= BAR_HELPDESK
    ceiling_ok = over_ceiling is not None and over_ceiling >= BAR_CEILING
    results["ratios"] = {
        f"{path}_e2e_over_{base}": ratio(rates.get(path), value)
        for path in ("pipe", "imap")
        for base, value in (("helpdesk", hd_rate), ("ceiling", ceiling["msgs_per_s"]))
    }
    if pipe:  # CPU per message, which other load on the machine hardly changes
        vik_cpu = cpu_ms(pipe["process"], "workers", "postgres")
        ceiling_cpu = ceiling["process_cpu_s"] * 1000 / ceiling["messages"]
        results["ratios"]["pipe_over_ceiling_from_cpu"] = ratio(ceiling_cpu, vik_cpu)
        if helpdesk:
            helpdesk_cpu = cpu_ms(helpdesk, "get_email", "postgres")
            results["ratios"]["pipe_over_helpdesk_from_cpu"] = ratio(helpdesk_cpu, vik_cpu)
    r = results["ratios"]
    lines += [
        "",
        f"ratios, VIK end to end ({per}) / django-helpdesk: pipe "
        f"{show(r['pipe_e2e_over_helpdesk'])}, IMAP {show(r['imap_e2e_over_helpdesk'])}; "
        f"from CPU per message (robust to other load): "
        f"{show(r.get('pipe_over_helpdesk_from_cpu'))}",
        f"ratios, VIK end to end ({per}) / ceiling: pipe {show(r['pipe_e2e_over_ceiling'])}, "
        f"IMAP {show(r['imap_e2e_over_ceiling'])}; from CPU per message: "
        f"{show(r.get('pipe_over_ceiling_from_cpu'))}",
        f"bar VIK ≥ {BAR_HELPDESK:g} × django-helpdesk: {show(over_helpdesk)} → "
        f"{verdict(helpdesk_ok) if over_helpdesk is not None else 'NOT MEASURED'}",
        f"bar VIK ≥ {BAR_CEILING} × parse-only ceiling: {show(over_ceiling)} → "
        f"{verdict(ceiling_ok) if over_ceiling is not None else 'NOT MEASURED'}",
    ]
    print("\n".join(lines), flush=True)
    results["bars"] = {
        "vik_ge_10x_helpdesk": {"value": over_helpdesk, "pass": helpdesk_ok},
        "vik_ge_0_4x_ceiling": {"value": over_ceiling, "pass": ceiling_ok},
    }
    return helpdesk_ok and ceiling_ok


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if args and args[0] in ("_store", "_poll"):
        return child_main(args)
    config = Config.from_args(args)
    started = time.monotonic()
    vik = Vik(config)
    results: dict[str, Any] = {
        "config": {
            key: str(value) if isinstance(value, Path) else value
            for key, value in dataclasses.asdict(config).items()
        },
        "started_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
    }
    failures: dict[str, str] = {}
    corpus = WORK / "eml"
    passed = False
    checks_ok = True
    try:
        log(f"generating {config.messages:,} messages (seed {config.seed}) into {corpus}")
        mails = generate(config.messages, config.seed)
        write_corpus(mails, corpus)
        results["corpus"] = corpus_summary(mails)
        raws = [m.raw for m in mails]
        log("ceiling: CPython email parse + walk + get_content")
        results["ceiling"] = steady("ceiling", config.attempts, lambda: parse_ceiling(raws))
        log(f"    {results['ceiling']['msgs_per_s']} msgs/s")
        results["vik_parse"] = steady("VIK parse", config.attempts, lambda: parse_vik(raws))
        log(f"    VIK parse_mail alone: {results['vik_parse']['msgs_per_s']} msgs/s")

        vik.prepare_template()
        results["environment"] = environment(vik.db)
        results["pipe"] = measure_pipe(vik, mails, corpus)
        if config.lmtp:
            try:
                results["lmtp"] = measure_lmtp(vik, sorted(corpus.glob("*.eml")))
            except BenchError as error:
                failures["lmtp"] = str(error)
                log(f"LMTP FAILED: {error}")
        if config.imap:
            try:
                results["imap"] = measure_imap(vik, mails)
            except BenchError as error:
                failures["imap"] = str(error)
                log(f"IMAP FAILED: {error}")
        if not config.keep:
            vik.drop()
        vik.stop_workers()
        if config.helpdesk:
            try:
                results["helpdesk"] = measure_helpdesk(config, mails, corpus)
            except BenchError as error:
                failures["helpdesk"] = str(error)
                log(f"django-helpdesk FAILED: {error}")
        passed = report(config, results, failures)
        checks_ok = all(
            (results.get(k) or {}).get("check", {}).get("ok", True) for k in ("pipe", "imap")
        )
        results["failures"] = failures
        results["total_seconds"] = round(time.monotonic() - started, 1)
        config.out.parent.mkdir(parents=True, exist_ok=True)
        config.out.write_text(json.dumps(results, indent=2, ensure_ascii=False, default=str))
        log(f"figures written to {config.out}; took {results['total_seconds']:.0f} s")
    except BenchError as error:
        print(f"\nBENCHMARK FAILED: {error}", file=sys.stderr, flush=True)
        return 2
    except Exception:
        traceback.print_exc()
        print("\nBENCHMARK FAILED (harness error, above)", file=sys.stderr, flush=True)
        return 2
    finally:
        if config.keep:
            vik.stop_workers()
            log(f"keeping databases {vik.db.name}, {vik.template.name} and {WORK}")
        else:
            vik.drop()
            shutil.rmtree(WORK, ignore_errors=True)
    if failures or not checks_ok:
        return 2
    return 0 if passed else 1


if __name__ == "__main__":
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    sys.exit(main())
