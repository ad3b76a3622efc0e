"""The Redis/RQ task backend (`VIK_TASKS_BACKEND=django_tasks_rq.RQBackend`) with real processes:
two `vik worker` processes run RQ workers on a Redis database of the test's own, a feeder stores
e-mails through `inbound_accept`; every payload becomes exactly one request. In a second wave a
worker is SIGKILLed while it holds claims: the sweeper of the other worker takes them back once
the killed worker's heartbeat is stale, and still nothing is lost and nothing is done twice.

The database is the test's own, as in `test_worker_crash` (a SQLite file, or a fresh PostgreSQL
database when the suite runs on PostgreSQL). Redis comes from VIK_TEST_REDIS_URL (default
redis://127.0.0.1:6379/7), which the test flushes before and after. Without a Redis the test
skips, except under CI=true, where it fails.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import pytest

from tests.test_worker_crash import ACCOUNT, DB_KIND, SUITE_URL, Cluster, Database

ROOT = Path(__file__).resolve().parents[1]
REDIS_URL = os.environ.get("VIK_TEST_REDIS_URL", "redis://127.0.0.1:6379/7")
PER_WAVE = 20


# --- the subprocesses ---------------------------------------------------------------------------


def child() -> None:
    """Entry point of the helper subprocesses: `python -c '...child()' COMMAND`; prints JSON."""
    import django

    django.setup()
    from tests.test_worker_crash import _setup

    command = sys.argv[1]
    if command == "setup":
        result = _setup()
    elif command.startswith("feed-"):
        result = _feed(command.removeprefix("feed-"))
    else:
        result = _facts()
    print(json.dumps(result))


def _feed(wave: str) -> dict[str, Any]:
    from vik.channels.core.models import ChannelAccount
    from vik.channels.core.services import inbound_accept
    from vik.channels.email.adapter import RAW_CONTENT_TYPE
    from vik.channels.mail.parser import idempotency_key

    account = ChannelAccount.objects.get(name=ACCOUNT)
    created = 0
    for number in range(PER_WAVE):
        message = EmailMessage()
        message["From"] = f"obcan-{wave}-{number}@example.cz"
        message["To"] = "podatelna@jihlava.example"
        message["Subject"] = f"Dotaz {wave} č. {number}"
        message["Message-ID"] = f"<rq-{wave}-{number}@example.cz>"
        message.set_content(f"Dobrý den, kdy se vyváží bioodpad? ({wave} #{number})")
        raw = message.as_bytes()
        _, new = inbound_accept(
            account=account, idempotency_key=idempotency_key(raw), body=raw,
            content_type=RAW_CONTENT_TYPE, metadata={"source": "pipe", "wave": wave},
        )  # fmt: skip
        created += new
        time.sleep(0.05)  # as mail arrives: the drains run while the feeder stores
    return {"created": created}


def _facts() -> dict[str, Any]:
    import django_rq
    from django_tasks_db.models import DBTaskResult

    from vik.channels.core.models import InboundPayload
    from vik.conversations.models import Interaction, Request

    return {
        "payloads": list(InboundPayload.objects.values("id", "state", "claimed_by")),
        "inbound": list(
            Interaction.objects.filter(inbound_payload__isnull=False).values_list(
                "inbound_payload_id", "request_id"
            )
        ),
        "references": list(Request.objects.values_list("reference", flat=True)),
        "acknowledgements": list(
            Interaction.objects.filter(is_automatic=True).values_list("request_id", flat=True)
        ),
        "database_tasks": DBTaskResult.objects.count(),
        "rq_finished": {
            name: django_rq.get_queue(name).finished_job_registry.count
            for name in ("default", "inbound", "outbound")
        },
    }


# --- the test side ------------------------------------------------------------------------------


@pytest.fixture
def redis_db() -> Iterator[str]:
    import redis

    client = redis.Redis.from_url(REDIS_URL)
    try:
        client.ping()
    except redis.exceptions.ConnectionError as error:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"Redis at {REDIS_URL} does not answer (CI=true): {error}")
        pytest.skip(f"Redis at {REDIS_URL} does not answer: {error}")
    client.flushdb()
    try:
        yield REDIS_URL
    finally:
        client.flushdb()
        client.close()


@pytest.fixture
def rq_database(tmp_path: Path) -> Iterator[Database]:
    if DB_KIND == "sqlite":
        path = tmp_path / "rq.sqlite3"
        yield Database("sqlite", f"sqlite:///{path}", path)
        return
    import psycopg
    from psycopg import sql

    parts = urlsplit(SUITE_URL)
    name = f"vik_rq_{uuid.uuid4().hex[:10]}"
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
class RQCluster(Cluster):
    def helper(self, command: str) -> subprocess.Popen[bytes]:
        code = "from tests.test_rq_backend import child; child()"
        with (self.directory / f"{command}.log").open("wb") as log:
            process = subprocess.Popen(
                [sys.executable, "-c", code, command],
                cwd=ROOT, env=self.env, stdout=subprocess.PIPE, stderr=log,
            )  # fmt: skip
        self.helpers.append(process)
        return process

    def claim_holder(self) -> str | None:
        """A live worker that holds a claim on a pending payload now, if any."""
        for (worker_id,) in self.database.rows(
            "SELECT claimed_by FROM channels_inboundpayload "
            "WHERE state = 'pending' AND claimed_by IS NOT NULL"
        ):
            if worker_id in self.workers:
                return str(worker_id)
        return None


def _check(facts: dict[str, Any], expected: int) -> None:
    payloads = facts["payloads"]
    assert len(payloads) == expected
    assert Counter(p["state"] for p in payloads) == {"processed": expected}
    per_payload = Counter(payload_id for payload_id, _ in facts["inbound"])
    assert set(per_payload) == {p["id"] for p in payloads}  # nothing lost
    assert set(per_payload.values()) == {1}  # nothing done twice
    requests = {request_id for _, request_id in facts["inbound"]}
    assert len(requests) == expected  # every message its own request
    assert len(facts["references"]) == len(set(facts["references"])) == expected
    assert Counter(facts["acknowledgements"]) == dict.fromkeys(requests, 1)


@pytest.mark.parametrize("database_kind", [DB_KIND])
def test_rq_workers_process_every_message_once_even_when_one_is_killed(
    database_kind: str, rq_database: Database, redis_db: str, tmp_path: Path
) -> None:
    import random

    started = time.monotonic()
    cluster = RQCluster(rq_database, tmp_path, random.Random(1))
    cluster.settings = {
        "VIK_TASKS_BACKEND": "django_tasks_rq.RQBackend",
        "VIK_REDIS_URL": redis_db,
        "TZ": "UTC",
    }
    killed: dict[str, Any] = {}
    try:
        cluster.run("setup")
        for _ in range(2):
            cluster.start_worker()
        cluster.result(cluster.helper("feed-a"))
        cluster.settle(PER_WAVE)
        wave_a = round(time.monotonic() - started, 1)

        feeder = cluster.helper("feed-b")
        deadline = time.monotonic() + 30
        while not killed and time.monotonic() < deadline and cluster.processed() < 2 * PER_WAVE:
            holder = cluster.claim_holder()
            if holder is not None:
                process = cluster.workers.pop(holder)
                process.send_signal(signal.SIGKILL)
                process.wait(timeout=10)
                killed = {"worker": holder, "at": round(time.monotonic() - started, 1)}
                cluster.start_worker()
            time.sleep(0.01)
        cluster.result(feeder)
        cluster.settle(2 * PER_WAVE)
        wave_b = round(time.monotonic() - started, 1)
    finally:
        cluster.stop()
    facts = cluster.run("facts")

    assert killed, "no worker was seen holding a claim in wave B (nothing to kill)"
    _check(facts, 2 * PER_WAVE)
    assert facts["database_tasks"] == 0  # every task went through Redis
    assert facts["rq_finished"]["inbound"] > 0, facts["rq_finished"]
    assert cluster.errors() == Counter(), cluster.errors()
    print(
        f"\n[{database_kind}, RQ] wave A settled at {wave_a} s; killed {killed}; "
        f"wave B settled at {wave_b} s; RQ jobs finished {facts['rq_finished']}"
    )
