"""The worker killed at random points during a batch of 1,000 e-mails, then restarted, leaves
every message processed exactly once.

Everything runs in real processes against a real database of the test's own (a SQLite file
under tmp_path, or a fresh PostgreSQL database when the suite runs on PostgreSQL): pytest-django's
test database is neither visible to subprocesses on SQLite nor safe to fill with committed rows.

- `setup` (a subprocess) migrates, loads the territory and creates an e-mail account.
- Wave A: a feeder subprocess stores 830 varied messages through `inbound_accept`, exactly as
  `vik ingest-mail` does (plain, Czech windows-1250, HTML, with an attachment, structurally
  broken but readable, auto-replies to nothing, not-mail, no sender), plus redeliveries.
- Wave B, once wave A is settled: 170 messages that continue wave A's requests (replies by
  In-Reply-To, by the reference in the subject from another address, out-of-office answers to
  the acknowledgements, bounces of acknowledgements). Replies come after what they answer, as in
  life; a reply processed before its original would rightly open a request of its own.
  (`test_killed_workers_keep_replies_with_their_parents` stores replies in the same wave as
  their parents: a reply whose parent is stored but not yet applied waits for it.)
- Two `vik worker` processes work all the time; during each wave they are SIGKILLed at random
  moments (seeded; set VIK_CRASH_SEED to explore) and restarted. A claim of a killed worker comes
  back through the sweeper once the worker's heartbeat is stale, so the heartbeat timeout is
  shortened with VIK_WORKER_HEARTBEAT_TIMEOUT_SECONDS (and the lease, for lost tasks, with
  VIK_STALE_CLAIM_SECONDS).
- Every payload carries in its metadata what must become of it; a `facts` subprocess reads the
  outcome and the test compares: states, one interaction per processed payload, replies in their
  requests, one acknowledgement per request, unique and gapless references, one attachment
  each, one timeline event per bounce. Last, the number of tasks must stay near the amount of
  work: the sweeper re-enqueues lost work, not work that merely waits in a backlog.

Both tests run on both task backends: the database (django_tasks_db) and Redis/RQ
(django-tasks-rq; a Redis database of each test's own, see `backend`).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import format_datetime, formataddr
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import pytest

ROOT = Path(__file__).resolve().parents[1]
SEED = int(os.environ.get("VIK_CRASH_SEED", "20261000"))
ACCOUNT = "podatelna-crash"
WORKERS = 2
STALE_CLAIM_SECONDS = 2  # the default is 120 s: lost tasks are re-enqueued after this
HEARTBEAT_TIMEOUT_SECONDS = 3  # the default is 45 s: a killed worker's claims return after this
SETTLE_TIMEOUT = 180.0
SUITE_URL = os.environ.get("VIK_DATABASE_URL", "")
DB_KIND = "postgres" if SUITE_URL.startswith(("postgres://", "postgresql://")) else "sqlite"

# What must become of a payload; stored in its metadata by the feeder.
NEW_REQUEST = ("plain", "cp1250", "html", "attachment", "broken")
WAVE_A = [
    *[("plain", 300), ("cp1250", 200), ("html", 150), ("attachment", 100), ("broken", 20)],
    *[("auto", 20), ("garbage", 25), ("nosender", 15)],
]  # 830
WAVE_B = [("reply", 110), ("reference", 25), ("ooo", 30), ("bounce", 5)]  # 170
REDELIVERIES = 10  # per wave: the mail server delivers the same message again
EXPECTED_STATE = {
    **dict.fromkeys(NEW_REQUEST, "processed"),
    "auto": "ignored",
    "garbage": "quarantined",
    "nosender": "quarantined",
    "reply": "processed",
    "reference": "processed",
    "ooo": "processed",
    "bounce": "processed",
}

SENTENCES = [
    "Dobrý den, kdy se v Jihlavě vyváží bioodpad?",
    "Prosím o sdělení, kde si mohu vyzvednout nový občanský průkaz.",
    "Žádám o informaci, zda je nutné ohlásit pálení čarodějnic.",
    "Na křižovatce u školy nesvítí veřejné osvětlení už třetí týden.",
    "Chtěla bych se přihlásit k trvalému pobytu, jaké doklady potřebuji?",
    "Příliš žluťoučký kůň úpěl ďábelské ódy; díky za odpověď.",
    "V Třebíči na náměstí chybí koš na tříděný odpad.",
    "Kolik stojí poplatek za psa a do kdy je splatný?",
]
NAMES = ["Jan Novák", "Marie Svobodová", "Petr Dvořák", "Jana Černá", "Tomáš Procházka"]


# --- messages (built in the feeder subprocess, deterministic for a seed) -----------------------


def _mail(
    *,
    message_id: str,
    sender: str,
    subject: str,
    text: str,
    charset: str = "utf-8",
    html: str = "",
    attachment: tuple[str, bytes] | None = None,
    in_reply_to: str = "",
    headers: dict[str, str] | None = None,
) -> bytes:
    from django.utils import timezone

    message = EmailMessage()
    message["From"] = sender
    message["To"] = "podatelna@jihlava.example"
    message["Subject"] = subject
    message["Date"] = format_datetime(timezone.now())
    message["Message-ID"] = message_id
    if in_reply_to:
        message["In-Reply-To"] = in_reply_to
        message["References"] = in_reply_to
    for name, value in (headers or {}).items():
        message[name] = value
    message.set_content(text, charset=charset)
    if html:
        message.add_alternative(html, subtype="html")
    if attachment:
        filename, content = attachment
        message.add_attachment(content, maintype="application", subtype="pdf", filename=filename)
    return message.as_bytes()


def _wave_a(rng: random.Random) -> list[tuple[str, bytes, dict[str, Any]]]:
    kinds = [kind for kind, count in WAVE_A for _ in range(count)]
    rng.shuffle(kinds)
    messages = []
    for number, kind in enumerate(kinds):
        name = NAMES[number % len(NAMES)]
        # Two messages per sender: contacts are shared, acknowledgements stay under the limit.
        address = f"obcan{number // 2}@example.cz"
        sender = formataddr((name, address))
        message_id = f"<crash-{SEED}-a{number}@example.cz>"
        text = f"{rng.choice(SENTENCES)} {rng.choice(SENTENCES)}\n\nS pozdravem, {name} (#{number})"
        subject = f"Dotaz č. {number}: {rng.choice(SENTENCES)[:40]}"
        expect: dict[str, Any] = {"kind": kind, "state": EXPECTED_STATE[kind], "sender": address}
        if kind == "plain":
            raw = _mail(message_id=message_id, sender=sender, subject=subject, text=text)
        elif kind == "cp1250":
            raw = _mail(
                message_id=message_id, sender=sender, subject=subject, text=text,
                charset="windows-1250",
            )  # fmt: skip
        elif kind == "html":
            html = f"<p>{text.replace(chr(10), '<br>')}</p><script>alert(1)</script>"
            raw = _mail(message_id=message_id, sender=sender, subject=subject, text=text, html=html)
        elif kind == "attachment":
            content = b"%PDF-1.4\n" + rng.randbytes(rng.randint(200, 3000))
            raw = _mail(
                message_id=message_id, sender=sender, subject=subject, text=text,
                attachment=(f"žádost-{number}.pdf", content),
            )  # fmt: skip
        elif kind == "broken":  # no closing boundary, invalid base64: readable nevertheless
            raw = (
                f"From: {address}\nSubject: Rozbitá zpráva {number}\n"
                f"Message-ID: {message_id}\nMIME-Version: 1.0\n"
                "Content-Type: multipart/mixed; boundary=zz\n\n--zz\n"
                "Content-Type: text/plain; charset=utf-8\n\n"
                f"Text rozbité zprávy č. {number}.\n--zz\n"
                "Content-Type: application/octet-stream\nContent-Transfer-Encoding: base64\n\n"
                "%%%%not-base64\n"
            ).encode()
        elif kind == "auto":
            raw = _mail(
                message_id=message_id, sender=sender, subject=f"Out of Office ({number})",
                text="Jsem mimo kancelář.", headers={"Auto-Submitted": "auto-replied"},
            )  # fmt: skip
        elif kind == "garbage":
            raw = b"\x00\x01 this is no e-mail message " + rng.randbytes(64).hex().encode()
        else:  # nosender
            raw = (
                f"Subject: Bez odesílatele {number}\nMessage-ID: {message_id}\n\n{text}\n".encode()
            )
        messages.append((kind, raw, expect))
    return messages


def _wave_b(rng: random.Random) -> list[tuple[str, bytes, dict[str, Any]]]:
    """Messages that continue wave A's requests; what they must join is read from the database."""
    from vik.channels.core.choices import OutboundState
    from vik.channels.core.models import MessageReference
    from vik.conversations.models import Interaction

    originals = list(
        Interaction.objects.filter(
            direction="inbound", inbound_payload__metadata__expect__kind__in=NEW_REQUEST
        )
        .select_related("request", "inbound_payload")
        .order_by("pk")
    )
    acknowledgements = list(
        MessageReference.objects.filter(
            outbound__isnull=False, outbound__state=OutboundState.SENT
        ).order_by("pk")
    )
    rng.shuffle(originals)
    rng.shuffle(acknowledgements)
    kinds = [kind for kind, count in WAVE_B for _ in range(count)]
    rng.shuffle(kinds)
    bounced: set[int] = set()
    messages = []
    for number, kind in enumerate(kinds):
        original = originals[number % len(originals)]
        payload = original.inbound_payload
        assert payload is not None
        sender = str(payload.metadata["expect"]["sender"])
        message_id = f"<crash-{SEED}-b{number}@example.cz>"
        text = f"{rng.choice(SENTENCES)}\n\nDoplňuji svůj dotaz (#{number})."
        expect: dict[str, Any] = {
            "kind": kind, "state": EXPECTED_STATE[kind], "request": original.request_id
        }  # fmt: skip
        if kind == "reply":
            raw = _mail(
                message_id=message_id, sender=sender, subject=rng.choice(["Re: dotaz", "Doplnění"]),
                text=text, charset=rng.choice(["utf-8", "windows-1250"]),
                in_reply_to=payload.idempotency_key.removeprefix("mid:"),
            )  # fmt: skip
        elif kind == "reference":
            raw = _mail(
                message_id=message_id, sender=f"jiny{number}@example.cz",
                subject=f"RE: [{original.request.reference}] doplnění", text=text,
            )  # fmt: skip
        elif kind == "ooo":
            acknowledgement = acknowledgements.pop()
            expect["request"] = acknowledgement.request_id
            raw = _mail(
                message_id=message_id, sender="sekretariat@example.cz",
                subject="Automatická odpověď: nejsem v kanceláři", text="Jsem mimo kancelář.",
                in_reply_to=f"<{acknowledgement.message_id}>",
                headers={"Auto-Submitted": "auto-replied"},
            )  # fmt: skip
        else:  # bounce of an acknowledgement, one per request
            acknowledgement = acknowledgements.pop()
            while acknowledgement.request_id in bounced:
                acknowledgement = acknowledgements.pop()
            bounced.add(acknowledgement.request_id)
            expect.update(request=acknowledgement.request_id, outbound=acknowledgement.outbound_id)
            raw = _bounce(message_id, acknowledgement.message_id)
        messages.append((kind, raw, expect))
    return messages


def _bounce(message_id: str, original_message_id: str) -> bytes:
    return (
        "From: Mail Delivery System <MAILER-DAEMON@mx.example.cz>\n"
        "To: podatelna@jihlava.example\nSubject: Undelivered Mail Returned to Sender\n"
        f"Message-ID: {message_id}\nAuto-Submitted: auto-replied\nMIME-Version: 1.0\n"
        'Content-Type: multipart/report; report-type=delivery-status; boundary="B"\n'
        "\n--B\nContent-Type: text/plain\n\nThe mail system could not deliver your message.\n"
        "\n--B\nContent-Type: message/delivery-status\n\nReporting-MTA: dns; mx.example.cz\n\n"
        "Final-Recipient: rfc822; obcan@example.cz\nAction: failed\nStatus: 5.1.1\n"
        "Diagnostic-Code: smtp; 550 5.1.1 Recipient address rejected\n"
        "\n--B\nContent-Type: text/rfc822-headers\n\n"
        f"Message-ID: <{original_message_id}>\nSubject: Re: dotaz\n\n--B--\n"
    ).encode()


# --- the subprocess side ------------------------------------------------------------------------


def child() -> None:
    """Entry point of the helper subprocesses: `python -c '...child()' COMMAND`; prints JSON."""
    import django

    django.setup()
    command = sys.argv[1]
    result: dict[str, Any]
    if command == "setup":
        result = _setup()
    elif command in ("feed-a", "feed-b"):
        result = _feed(command)
    elif command == "feed-threads":
        result = _feed_threads()
    elif command == "facts-threads":
        result = _facts_threads()
    else:
        result = _facts()
    print(json.dumps(result))


def _setup() -> dict[str, Any]:
    from django.core.management import call_command

    from vik.channels.core.choices import ChannelKind
    from vik.channels.core.models import ChannelAccount
    from vik.tenancy.models import InformationCentre, Office
    from vik.territory.models import Region
    from vik.territory.services import territory_load

    call_command("migrate", verbosity=0)
    territory_load()
    region = Region.objects.get(code="3107")  # Kraj Vysočina
    office = Office.objects.create(region=region, name="MěÚ Jihlava", kind="municipal_office")
    centre = InformationCentre.objects.create(office=office, name="Centrum Jihlava", slug="jihlava")
    ChannelAccount.objects.create(
        region=region, centre=centre, kind=ChannelKind.EMAIL, name=ACCOUNT,
        settings={"smtp": {"from": "podatelna@jihlava.example"}},
    )  # fmt: skip
    return {"region": region.abbreviation}


def _feed(command: str) -> dict[str, Any]:
    from vik.channels.core.models import ChannelAccount
    from vik.channels.core.services import inbound_accept
    from vik.channels.email.adapter import RAW_CONTENT_TYPE
    from vik.channels.mail.parser import idempotency_key

    account = ChannelAccount.objects.get(name=ACCOUNT)
    rng = random.Random(f"{SEED}-{command}")
    messages = _wave_a(rng) if command == "feed-a" else _wave_b(rng)
    created = again = 0
    started = time.monotonic()
    trace = b"Return-Path: <x@example.cz>\nDelivered-To: podatelna@jihlava.example\n"
    redeliveries = [
        (kind, trace + raw, expect) for kind, raw, expect in rng.sample(messages, REDELIVERIES)
    ]
    for _kind, raw, expect in [*messages, *redeliveries]:
        _, new = inbound_accept(
            account=account, idempotency_key=idempotency_key(raw), body=raw,
            content_type=RAW_CONTENT_TYPE, metadata={"source": "pipe", "expect": expect},
        )  # fmt: skip
        created += new
        again += not new
    seconds = round(time.monotonic() - started, 1)
    return {"messages": len(messages), "created": created, "again": again, "seconds": seconds}


KILLS_IN_DRAINS = 6
THREADS = 600  # new messages in the threads wave; every second one gets a reply right after it


def _feed_threads() -> dict[str, Any]:
    """One wave: new messages, each second one followed a few messages later by its citizen's
    reply (by In-Reply-To), so that a parent and its reply are often in different batches."""
    from vik.channels.core.models import ChannelAccount
    from vik.channels.core.services import inbound_accept
    from vik.channels.email.adapter import RAW_CONTENT_TYPE
    from vik.channels.mail.parser import idempotency_key

    account = ChannelAccount.objects.get(name=ACCOUNT)
    rng = random.Random(f"{SEED}-threads")
    messages: list[tuple[bytes, dict[str, Any]]] = []
    replies: list[tuple[int, bytes, dict[str, Any]]] = []  # (where it goes, raw, expect)
    for number in range(THREADS):
        address = f"vlakno{number}@example.cz"
        sender = formataddr((NAMES[number % len(NAMES)], address))
        message_id = f"<threads-{SEED}-{number}@example.cz>"
        raw = _mail(
            message_id=message_id, sender=sender, subject=f"Dotaz {number}",
            text=f"{rng.choice(SENTENCES)} (#{number})",
        )  # fmt: skip
        messages.append((raw, {"kind": "plain"}))
        if number % 2:
            reply = _mail(
                message_id=f"<threads-{SEED}-{number}-re@example.cz>", sender=sender,
                subject=f"Re: Dotaz {number}", text=f"Doplňuji dotaz (#{number}).",
                in_reply_to=message_id,
            )  # fmt: skip
            where = len(messages) + len(replies) + rng.randint(0, 15)
            replies.append((where, reply, {"kind": "reply", "parent": idempotency_key(raw)}))
    for where, reply, expect in replies:  # a few messages after its parent, often another batch
        messages.insert(min(where, len(messages)), (reply, expect))
    for raw, expect in messages:
        inbound_accept(
            account=account, idempotency_key=idempotency_key(raw), body=raw,
            content_type=RAW_CONTENT_TYPE, metadata={"source": "pipe", "expect": expect},
        )  # fmt: skip
    return {"messages": len(messages)}


def _facts_threads() -> dict[str, Any]:
    from vik.channels.core.models import InboundPayload
    from vik.conversations.models import Interaction, Request

    waited = []
    for payload in InboundPayload.objects.filter(metadata__has_key="thread_wait_since"):
        since = dt.datetime.fromisoformat(payload.metadata["thread_wait_since"])
        assert payload.processed_at is not None
        waited.append(round((payload.processed_at - since).total_seconds(), 1))
    return {
        "payloads": list(
            InboundPayload.objects.values("id", "state", "metadata", "idempotency_key")
        ),
        "inbound": list(
            Interaction.objects.filter(inbound_payload__isnull=False).values_list(
                "inbound_payload_id", "request_id"
            )
        ),
        "references": Request.objects.count(),
        "acknowledgements": list(
            Interaction.objects.filter(is_automatic=True).values_list("request_id", flat=True)
        ),
        "waited": sorted(waited),
    }


def _facts() -> dict[str, Any]:
    from vik.channels.core.models import InboundPayload, MessageReference, OutboundMessage
    from vik.conversations.models import Attachment, Interaction, Request, TimelineEvent

    return {
        "payloads": list(
            InboundPayload.objects.values("id", "state", "attempts", "metadata", "idempotency_key")
        ),
        "inbound": list(
            Interaction.objects.filter(inbound_payload__isnull=False).values(
                "id", "inbound_payload_id", "request_id", "visibility", "direction"
            )
        ),
        "references": list(Request.objects.values_list("reference", flat=True)),
        "acknowledgements": list(
            Interaction.objects.filter(is_automatic=True).values_list("request_id", flat=True)
        ),
        "attachments": list(Attachment.objects.values_list("interaction_id", flat=True)),
        "delivery_failed": list(
            TimelineEvent.objects.filter(kind="delivery_failed").values_list(
                "request_id", flat=True
            )
        ),
        "outbound": {row.pk: row.state for row in OutboundMessage.objects.only("state")},
        "sent_ids_per_outbound": list(
            MessageReference.objects.filter(outbound__isnull=False).values_list(
                "outbound_id", flat=True
            )
        ),
        "tasks": _task_facts(),
        "database_tasks": _database_task_count(),
    }


def _database_task_count() -> int:
    from django_tasks_db.models import DBTaskResult

    return DBTaskResult.objects.count()


def _task_facts() -> list[dict[str, Any]]:
    """Every task that ran or waits, with its status: the database backend's rows, or the RQ
    jobs in Redis (their registries keep finished jobs for 500 s, long enough here)."""
    from django.conf import settings
    from django_tasks_db.models import DBTaskResult

    if settings.TASKS["default"]["BACKEND"] != settings.RQ_BACKEND:
        return [
            dict(row) for row in DBTaskResult.objects.values("status", "worker_ids", "task_path")
        ]
    import django_rq

    tasks: list[dict[str, Any]] = []
    for name in settings.TASK_QUEUES:
        queue = django_rq.get_queue(name)
        for status, count in (
            ("READY", queue.count + queue.scheduled_job_registry.count),
            ("RUNNING", queue.started_job_registry.count),
            ("SUCCESSFUL", queue.finished_job_registry.count),
            ("FAILED", queue.failed_job_registry.count),
        ):
            tasks += [{"status": status, "worker_ids": [], "task_path": name}] * count
    return tasks


# --- the test side ------------------------------------------------------------------------------


@dataclass
class Database:
    kind: str
    url: str
    path: Path | None = None  # SQLite

    def rows(self, sql: str) -> list[tuple[Any, ...]]:
        if self.path is not None:
            with sqlite3.connect(self.path, timeout=30) as connection:
                return list(connection.execute(sql).fetchall())
        import psycopg

        with psycopg.connect(self.url) as connection:
            return list(connection.execute(sql).fetchall())  # type: ignore[arg-type]


@pytest.fixture
def database(tmp_path: Path) -> Iterator[Database]:
    if DB_KIND == "sqlite":
        path = tmp_path / "crash.sqlite3"
        yield Database("sqlite", f"sqlite:///{path}", path)
        return
    import psycopg
    from psycopg import sql

    parts = urlsplit(SUITE_URL)
    name = f"vik_crash_{uuid.uuid4().hex[:10]}"
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        yield Database("postgres", urlunsplit(parts._replace(path=f"/{name}")))
    finally:
        with psycopg.connect(admin, autocommit=True) as connection:
            connection.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )


@dataclass
class Cluster:
    """The real processes: helpers run to completion, workers run until killed or stopped."""

    database: Database
    directory: Path
    rng: random.Random
    workers: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)
    helpers: list[subprocess.Popen[bytes]] = field(default_factory=list)
    generation: int = 0
    kills: list[dict[str, Any]] = field(default_factory=list)
    settings: dict[str, str] = field(default_factory=dict)  # more environment for every process
    redis_url: str = ""  # the RQ backend on this Redis database; empty: the database backend

    @property
    def env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("VIK_", "DJANGO_"))}
        return {
            **env,
            "DJANGO_SETTINGS_MODULE": "config.settings.base",
            "VIK_DATABASE_URL": self.database.url,
            "VIK_SECRET_KEY": "test",
            "VIK_EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
            "VIK_TASKS_BACKEND": "django_tasks_db.DatabaseBackend",
            "VIK_STALE_CLAIM_SECONDS": str(STALE_CLAIM_SECONDS),
            "VIK_WORKER_HEARTBEAT_TIMEOUT_SECONDS": str(HEARTBEAT_TIMEOUT_SECONDS),
            "VIK_VAR_DIR": str(self.directory / "var"),
            "VIK_MEDIA_ROOT": str(self.directory / "media"),
            "VIK_LOG_LEVEL": "WARNING",
            "PYTHONUNBUFFERED": "1",
            **(
                {"VIK_TASKS_BACKEND": "django_tasks_rq.RQBackend", "VIK_REDIS_URL": self.redis_url}
                if self.redis_url
                else {}
            ),
            **self.settings,
        }

    def helper(self, command: str) -> subprocess.Popen[bytes]:
        code = "from tests.test_worker_crash import child; child()"
        with (self.directory / f"{command}.log").open("wb") as log:
            process = subprocess.Popen(
                [sys.executable, "-c", code, command],
                cwd=ROOT, env=self.env, stdout=subprocess.PIPE, stderr=log,
            )  # fmt: skip
        self.helpers.append(process)
        return process

    def run(self, command: str, timeout: float = 120) -> dict[str, Any]:
        return self.result(self.helper(command), timeout)

    def result(self, process: subprocess.Popen[bytes], timeout: float = 120) -> dict[str, Any]:
        out, _ = process.communicate(timeout=timeout)
        command = str(process.args[-1])  # type: ignore[index]
        log = (self.directory / f"{command}.log").read_text(errors="replace")
        assert process.returncode == 0, f"{command} failed:\n{log}"
        return dict(json.loads(out.decode().strip().splitlines()[-1]))

    def start_worker(self) -> None:
        self.generation += 1
        worker_id = f"crash-{self.generation}"
        log = (self.directory / f"{worker_id}.log").open("wb")
        self.workers[worker_id] = subprocess.Popen(
            [sys.executable, "-m", "vik.cli", "worker", "--interval", "0.05",
             "--housekeeping-interval", "1", "--worker-id", worker_id],
            cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT,
            # Its own process group: an RQ worker forks a work horse per job, and killing only
            # the parent left the horse running after the test (as systemd kills the unit's
            # whole cgroup, the test kills the whole group).
            start_new_session=True,
        )  # fmt: skip
        log.close()

    def draining(self) -> str | None:
        """A live worker that runs an inbound drain now, if any. On RQ (whose running jobs
        are in Redis) one that holds a claim on a pending payload: it is in the middle of one."""
        if self.redis_url:
            for (worker_id,) in self.database.rows(
                "SELECT claimed_by FROM channels_inboundpayload "
                "WHERE state = 'pending' AND claimed_by IS NOT NULL"
            ):
                if worker_id in self.workers:
                    return str(worker_id)
            return None
        for (worker_ids,) in self.database.rows(
            "SELECT worker_ids FROM django_tasks_database_dbtaskresult "
            "WHERE status = 'RUNNING' AND task_path LIKE '%inbound_drain%'"
        ):
            ids = json.loads(worker_ids) if isinstance(worker_ids, str) else worker_ids
            if ids and ids[-1] in self.workers:
                return str(ids[-1])
        return None

    def kill_one(self, worker_id: str | None = None) -> None:
        """SIGKILL a worker (a random one by default), note what it was running, and start a
        new one."""
        worker_id = worker_id or self.rng.choice(sorted(self.workers))
        process = self.workers.pop(worker_id)
        _kill_group(process)
        if self.redis_url:  # what it held: its claims on payloads (its job is in Redis)
            claims = sum(
                holder == worker_id
                for (holder,) in self.database.rows(
                    "SELECT claimed_by FROM channels_inboundpayload WHERE state = 'pending'"
                )
            )
            self.kills.append({"worker": worker_id, "interrupted": ["claims"] * int(claims)})
            self.start_worker()
            return
        running = [
            row
            for row in self.database.rows(
                "SELECT worker_ids, task_path FROM django_tasks_database_dbtaskresult "
                "WHERE status = 'RUNNING'"
            )
            if worker_id in (json.loads(row[0]) if isinstance(row[0], str) else row[0])
        ]
        self.kills.append({"worker": worker_id, "interrupted": [row[1] for row in running]})
        self.start_worker()

    def kill_at_random(self, count: int, payloads_before: int) -> None:
        """Wait until the workers are busy with this wave, then kill `count` times."""
        wait_for(lambda: self.processed() > payloads_before + 20, 60, "the workers to start")
        for _ in range(count):
            time.sleep(self.rng.uniform(0.2, 1.5))
            self.kill_one()

    def payload_states(self) -> Counter[str]:
        rows = self.database.rows(
            "SELECT state, COUNT(*) FROM channels_inboundpayload GROUP BY state"
        )
        return Counter({str(state): int(count) for state, count in rows})

    def processed(self) -> int:
        states = self.payload_states()
        return sum(states.values()) - states["pending"]

    def settle(self, expected: int) -> None:
        """Wait until `expected` payloads are stored and none is pending."""

        def settled() -> bool:
            states = self.payload_states()
            return sum(states.values()) == expected and states["pending"] == 0

        wait_for(settled, SETTLE_TIMEOUT, "every payload to be processed", self.payload_states)

    def task_states(self) -> Counter[str]:
        if self.redis_url:
            return self.rq_states()
        rows = self.database.rows(
            "SELECT status, COUNT(*) FROM django_tasks_database_dbtaskresult GROUP BY status"
        )
        return Counter({str(status): int(count) for status, count in rows})

    def rq_states(self) -> Counter[str]:
        import redis

        client = redis.Redis.from_url(self.redis_url)
        try:
            states: Counter[str] = Counter()
            for name in ("default", "inbound", "outbound"):
                states["READY"] += client.llen(f"rq:queue:{name}")
                states["READY"] += client.zcard(f"rq:scheduled:{name}")
                states["RUNNING"] += client.zcard(f"rq:wip:{name}")
            return states
        finally:
            client.close()

    def queue_drained(self) -> bool:
        if self.redis_url:
            return self.rq_states()["READY"] == 0
        return not self.database.rows(
            "SELECT 1 FROM django_tasks_database_dbtaskresult WHERE status = 'READY'"
        )

    def errors(self) -> Counter[str]:
        """The errors the workers logged, by message (an exactly-once run logs none)."""
        lines = (
            line.split(" ", 4)[-1][:160]
            for log in self.directory.glob("crash-*.log")
            for line in log.read_text(errors="replace").splitlines()
            if " ERROR " in line or " CRITICAL " in line
        )
        return Counter(lines)

    def stop(self) -> None:
        for process in self.workers.values():
            _kill_group(process)
        for process in self.helpers:
            if process.poll() is None:
                process.send_signal(signal.SIGKILL)
                process.wait(timeout=10)
        self.workers.clear()


def _kill_group(process: subprocess.Popen[bytes]) -> None:
    """SIGKILL a worker and every process it forked (its group), and reap it."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=10)


def wait_for(condition: Any, timeout: float, what: str, show: Any = None) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            detail = f": {show()}" if show else ""
            pytest.fail(f"timed out after {timeout:.0f} s waiting for {what}{detail}")
        time.sleep(0.2)


@pytest.fixture(params=["database", "rq"])
def backend(request: pytest.FixtureRequest) -> Iterator[str]:
    """The task backend: "database" (django_tasks_db) or "rq" (Redis, a database of this test's
    own: crash tests run beside each other under xdist). Without Redis the RQ case skips,
    except under CI=true, where it fails."""
    if request.param == "database":
        yield ""
        return
    import redis

    index = REDIS_DATABASES[request.function.__name__]
    url = f"{REDIS_BASE_URL}/{index}"
    client = redis.Redis.from_url(url)
    try:
        client.ping()
    except redis.exceptions.ConnectionError as error:
        if os.environ.get("CI", "").strip().lower() in {"true", "1", "yes"}:
            pytest.fail(f"Redis at {url} does not answer (CI=true): {error}", pytrace=False)
        pytest.skip(f"Redis at {url} does not answer: {error}")
    client.flushdb()
    try:
        yield url
    finally:
        client.flushdb()
        client.close()


REDIS_BASE_URL = os.environ.get("VIK_TEST_REDIS_BASE_URL", "redis://127.0.0.1:6379")
REDIS_DATABASES = {
    "test_killed_workers_leave_every_message_processed_exactly_once": 10,
    "test_killed_workers_keep_replies_with_their_parents": 11,
}


@pytest.mark.parametrize("database_kind", [DB_KIND])
def test_killed_workers_leave_every_message_processed_exactly_once(
    database_kind: str, database: Database, tmp_path: Path, backend: str
) -> None:
    timings: dict[str, float] = {}
    started = mark = time.monotonic()

    def lap(name: str) -> None:
        nonlocal mark
        now = time.monotonic()
        timings[name], mark = round(now - mark, 1), now

    label = f"{database_kind}, {'RQ' if backend else 'database tasks'}"
    print(f"\n[{label}] seed {SEED} (VIK_CRASH_SEED)")
    rng = random.Random(f"crash-{SEED}")
    cluster = Cluster(database, tmp_path, rng, redis_url=backend)
    try:
        cluster.run("setup")
        lap("setup")
        for _ in range(WORKERS):
            cluster.start_worker()
        kills = rng.randint(5, 8)
        kills_a = (2 * kills + 2) // 3
        kills_b = kills - kills_a

        wave_a = sum(count for _, count in WAVE_A)
        feeder = cluster.helper("feed-a")
        cluster.kill_at_random(kills_a, 0)
        fed_a = cluster.result(feeder)
        cluster.settle(wave_a)
        lap("wave A")
        # Let the acknowledgements go out: wave B answers and bounces some of them.
        wait_for(cluster.queue_drained, 180, "the task queue to drain", cluster.task_states)
        lap("queue drained")

        feeder = cluster.helper("feed-b")
        cluster.kill_at_random(kills_b, wave_a)
        fed_b = cluster.result(feeder)
        cluster.settle(wave_a + sum(count for _, count in WAVE_B))
        lap("wave B")
    finally:
        cluster.stop()
    facts = cluster.run("facts")
    lap("facts")

    for fed in (fed_a, fed_b):  # a redelivery is stored once, whatever trace fields it gained
        assert (fed["created"], fed["again"]) == (fed["messages"], REDELIVERIES)

    report = _check(facts)
    if backend:  # every task went through Redis
        assert facts["database_tasks"] == 0
        assert Counter(t["status"] for t in facts["tasks"])["SUCCESSFUL"] > 0
    timings["total"] = round(time.monotonic() - started, 1)
    interrupted = sum(len(kill["interrupted"]) for kill in cluster.kills)
    print(
        f"[{label}] seed {SEED}: fed {fed_a} / {fed_b}; "
        f"{len(cluster.kills)} kills, {interrupted} tasks interrupted "
        f"({Counter(p for k in cluster.kills for p in k['interrupted'])}); {report}; "
        f"timings {timings}; worker errors {dict(cluster.errors()) or 'none'}"
    )


def _check(facts: dict[str, Any]) -> str:
    """Assert exactly-once; return what is worth printing."""
    payloads = {p["id"]: p for p in facts["payloads"]}
    expect = {pk: p["metadata"]["expect"] for pk, p in payloads.items()}
    assert len(payloads) == sum(c for _, c in WAVE_A) + sum(c for _, c in WAVE_B)

    # Every payload ended as it must: processed, quarantined or ignored; none pending.
    wrong = {
        pk: (expect[pk]["kind"], p["state"])
        for pk, p in payloads.items()
        if p["state"] != expect[pk]["state"]
    }
    assert not wrong, f"payloads in the wrong state (kind, state): {wrong}"

    # Each processed payload made exactly one interaction (bounces: none), and nothing else did.
    per_payload = Counter(i["inbound_payload_id"] for i in facts["inbound"])
    makes_one = {
        pk for pk, e in expect.items() if e["state"] == "processed" and e["kind"] != "bounce"
    }
    assert {pk for pk, n in per_payload.items() if n != 1} == set()
    assert set(per_payload) == makes_one
    assert len(facts["inbound"]) == len(makes_one)

    # No request holds the same Message-ID twice.
    keys_per_request = Counter(
        (i["request_id"], payloads[i["inbound_payload_id"]]["idempotency_key"])
        for i in facts["inbound"]
    )
    assert [key for key, n in keys_per_request.items() if n > 1] == []

    # One request per new message; each acknowledged exactly once.
    references = facts["references"]
    new_requests = [pk for pk, e in expect.items() if e["kind"] in NEW_REQUEST]
    assert len(references) == len(new_requests)
    assert sorted(Counter(facts["acknowledgements"]).values()) == [1] * len(references)

    # References are unique, and gapless: the counter moves in the processing transaction, so a
    # killed worker's number goes back with everything else it did.
    assert len(set(references)) == len(references)
    by_prefix: dict[str, list[int]] = {}
    for reference in references:
        prefix, number = reference.rsplit("-", 1)
        by_prefix.setdefault(prefix, []).append(int(number))
    for prefix, numbers in by_prefix.items():
        assert sorted(numbers) == list(range(1, len(numbers) + 1)), f"gaps in {prefix}"

    # Replies joined their requests; out-of-office answers too, as internal notes.
    interactions = {i["inbound_payload_id"]: i for i in facts["inbound"]}
    strays = {
        pk: (e["kind"], e["request"], interactions[pk]["request_id"])
        for pk, e in expect.items()
        if "request" in e
        and e["kind"] != "bounce"
        and interactions[pk]["request_id"] != e["request"]
    }
    assert not strays, f"replies outside their request (kind, expected, actual): {strays}"
    visibility = Counter((expect[pk]["kind"], i["visibility"]) for pk, i in interactions.items())
    assert visibility[("ooo", "internal")] == dict(WAVE_B)["ooo"]

    # Attachments stored once.
    per_interaction = Counter(facts["attachments"])
    kind_of = {i["id"]: expect[pk]["kind"] for pk, i in interactions.items()}
    assert Counter((kind_of[i], n) for i, n in per_interaction.items()) == {
        ("attachment", 1): dict(WAVE_A)["attachment"],
        ("broken", 1): dict(WAVE_A)["broken"],  # its undecodable part is kept as a file
    }

    # Each bounce failed its delivery and said so on the timeline exactly once.
    bounces = [e for e in expect.values() if e["kind"] == "bounce"]
    assert Counter(facts["delivery_failed"]) == Counter(e["request"] for e in bounces)
    outbound = {int(pk): state for pk, state in facts["outbound"].items()}
    assert {outbound[e["outbound"]] for e in bounces} == {"failed"}

    attempts = Counter(p["attempts"] for p in payloads.values())
    tasks = Counter(t["status"] for t in facts["tasks"])
    resent = sum(1 for n in Counter(facts["sent_ids_per_outbound"]).values() if n > 1)

    # Exactly once holds. One more thing: the sweeper re-enqueues lost work, not work that only
    # waits for its turn; a task per row and sweep during a backlog would make it ever longer.
    work = len(payloads) + len(outbound)
    assert sum(tasks.values()) < 1.2 * work, (
        f"{sum(tasks.values())} tasks ran or wait for {work} payloads and outbound messages: "
        "the sweeper re-enqueued work that was only waiting in the queue"
    )
    return (
        f"payload attempts {dict(sorted(attempts.items()))}; tasks {dict(tasks)} for "
        f"{len(payloads)} payloads and {len(outbound)} outbound messages; outbound "
        f"{dict(Counter(outbound.values()))}, {resent} sent more than once"
    )


@pytest.mark.parametrize("database_kind", [DB_KIND])
def test_killed_workers_keep_replies_with_their_parents(
    database_kind: str, database: Database, tmp_path: Path, backend: str
) -> None:
    """Replies stored in the same wave as their parents, small batches, workers killed: a
    reply whose parent was in a killed batch waits for it and joins its request."""
    started = time.monotonic()
    rng = random.Random(f"threads-{SEED}")
    cluster = Cluster(
        database, tmp_path, rng, settings={"VIK_INBOUND_BATCH_SIZE": "10"}, redis_url=backend
    )
    try:
        cluster.run("setup")
        fed = cluster.run("feed-threads")  # the whole wave waits: both workers take batches
        for _ in range(WORKERS):
            cluster.start_worker()
        for _kill in range(KILLS_IN_DRAINS):  # kill a worker in the middle of a batch
            wait_for(cluster.draining, 60, "a worker to drain inbound payloads")
            time.sleep(rng.uniform(0.05, 0.3))
            if (victim := cluster.draining()) is not None:
                cluster.kill_one(victim)
        cluster.settle(fed["messages"])
    finally:
        cluster.stop()
    facts = cluster.run("facts-threads")

    payloads = {p["id"]: p for p in facts["payloads"]}
    assert {p["state"] for p in payloads.values()} == {"processed"}
    by_key = {p["idempotency_key"]: pk for pk, p in payloads.items()}
    request_of = dict(facts["inbound"])
    assert len(request_of) == len(facts["inbound"]) == len(payloads)
    strays = [
        pk
        for pk, p in payloads.items()
        if p["metadata"]["expect"]["kind"] == "reply"
        and request_of[pk] != request_of[by_key[p["metadata"]["expect"]["parent"]]]
    ]
    assert strays == [], "replies that opened a request of their own"
    assert facts["references"] == THREADS
    assert sorted(Counter(facts["acknowledgements"]).values()) == [1] * THREADS
    waited = facts["waited"]
    print(
        f"\n[{database_kind}, {'RQ' if backend else 'database tasks'}] seed {SEED}: "
        f"{len(cluster.kills)} kills in drains; "
        f"{len(waited)} replies "
        f"waited for their parent (seconds: {waited}); "
        f"total {time.monotonic() - started:.1f} s"
    )
