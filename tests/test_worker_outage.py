"""`vik worker` outlives a database outage (and, below, a Redis outage on the RQ backend and a
mail server outage): a real worker process, a real PostgreSQL, and a
TCP proxy between them that the test cuts (every open connection closed, every new one closed
at once) for VIK_OUTAGE_SECONDS (default 6 s; the issue's figure is 20 s).

- setup (a subprocess, straight to the database) migrates and creates an e-mail account;
- the worker runs through the proxy; a first payload is processed, proving it works;
- the proxy is cut; a second payload arrives during the outage (stored straight to the
  database, as the LMTP server of another node would) and `/healthz` through the proxy answers
  503 with a JSON body; the worker stays alive all the time;
- the proxy is restored; a third payload arrives; the second and the third must be processed
  within RECOVERY_BOUND seconds, and the worker logged one WARNING for the outage and one line
  when the database was back; SIGTERM still stops it cleanly.

It always runs on PostgreSQL: on the suite's database server when the suite runs on it, else
on VIK_OUTAGE_POSTGRES_URL (default postgres://postgres@127.0.0.1:5432/postgres). Without a
PostgreSQL server it is skipped, and fails under CI=true.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import pytest

from vik.testing.tcp_proxy import TcpProxy

ROOT = Path(__file__).resolve().parents[1]
OUTAGE_SECONDS = float(os.environ.get("VIK_OUTAGE_SECONDS", "6"))
RECOVERY_BOUND = 60.0  # the backoff is at most 30 s (+20 %); the worker must be back well within
SUITE_URL = os.environ.get("VIK_DATABASE_URL", "")
POSTGRES_URL = (
    SUITE_URL
    if SUITE_URL.startswith(("postgres://", "postgresql://"))
    else os.environ.get("VIK_OUTAGE_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/postgres")
)


# --- the subprocess side ------------------------------------------------------------------------


def child() -> None:
    """`python -c '...child()' COMMAND [ARG]`: setup | store N | healthz | facts; prints JSON."""
    import django

    django.setup()
    command = sys.argv[1]
    result: dict[str, Any]
    if command == "setup":
        from tests.test_worker_crash import _setup

        result = _setup()
    elif command == "store":
        result = _store(int(sys.argv[2]))
    elif command == "healthz":
        from django.test import Client

        response = Client().get("/healthz", HTTP_HOST="127.0.0.1")
        result = {"status": response.status_code, "body": response.json()}
    else:
        from vik.channels.core.models import InboundPayload
        from vik.core.models import WorkerHeartbeat

        result = {
            "payloads": {
                str(p.metadata["number"]): p.state
                for p in InboundPayload.objects.only("metadata", "state")
            },
            "beats": [b.beat_at.isoformat() for b in WorkerHeartbeat.objects.all()],
        }
    print(json.dumps(result))


def _store(number: int) -> dict[str, Any]:
    from tests.test_worker_crash import ACCOUNT, _mail
    from vik.channels.core.models import ChannelAccount
    from vik.channels.core.services import inbound_accept
    from vik.channels.email.adapter import RAW_CONTENT_TYPE
    from vik.channels.mail.parser import idempotency_key

    raw = _mail(
        message_id=f"<outage-{uuid.uuid4().hex}@example.cz>",
        sender=f"Jana Černá <obcan{number}@example.cz>",
        subject=f"Dotaz č. {number}",
        text=f"Dobrý den, kdy se vyváží bioodpad? (#{number})",
    )
    payload, created = inbound_accept(
        account=ChannelAccount.objects.get(name=ACCOUNT), idempotency_key=idempotency_key(raw),
        body=raw, content_type=RAW_CONTENT_TYPE, metadata={"source": "pipe", "number": number},
    )  # fmt: skip
    return {"id": payload.pk, "created": created}


# --- the test side ------------------------------------------------------------------------------


def _in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in {"true", "1", "yes"}


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """A fresh PostgreSQL database of this test's own, dropped afterwards."""
    import psycopg
    from psycopg import sql

    parts = urlsplit(POSTGRES_URL)
    admin = urlunsplit(parts._replace(path="/postgres"))
    try:
        psycopg.connect(admin, connect_timeout=5).close()
    except psycopg.OperationalError as error:
        message = f"no PostgreSQL server at {admin} for the outage test: {error}"
        if _in_ci():
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    name = f"vik_outage_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        yield urlunsplit(parts._replace(path=f"/{name}"))
    finally:
        with psycopg.connect(admin, autocommit=True) as connection:
            connection.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )


def _env(url: str, directory: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("VIK_", "DJANGO_"))}
    return {
        **env,
        "DJANGO_SETTINGS_MODULE": "config.settings.base",
        "VIK_DATABASE_URL": url,
        "VIK_SECRET_KEY": "test",
        "VIK_EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        "VIK_TASKS_BACKEND": "django_tasks_db.DatabaseBackend",
        "VIK_STALE_CLAIM_SECONDS": "2",
        "VIK_VAR_DIR": str(directory / "var"),
        "VIK_MEDIA_ROOT": str(directory / "media"),
        "VIK_LOG_LEVEL": "WARNING",
        "PYTHONUNBUFFERED": "1",
    }


def _run(url: str, directory: Path, *args: str) -> dict[str, Any]:
    code = "from tests.test_worker_outage import child; child()"
    done = subprocess.run(
        [sys.executable, "-c", code, *args],
        cwd=ROOT, env=_env(url, directory), capture_output=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, f"{args} failed:\n{done.stderr.decode(errors='replace')}"
    return dict(json.loads(done.stdout.decode().strip().splitlines()[-1]))


def _wait(condition: Any, timeout: float, what: str) -> float:
    """Wait until `condition()`; return the seconds it took."""
    started = time.monotonic()
    while not condition():
        if time.monotonic() - started > timeout:
            pytest.fail(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(0.2)
    return time.monotonic() - started


def test_the_worker_outlives_a_database_outage(postgres_url: str, tmp_path: Path) -> None:
    direct = postgres_url
    _run(direct, tmp_path, "setup")
    parts = urlsplit(direct)
    proxy = TcpProxy(parts.hostname or "127.0.0.1", parts.port or 5432)
    proxied = urlunsplit(parts._replace(netloc=f"{parts.username}@127.0.0.1:{proxy.port}"))
    log_path = tmp_path / "worker.log"
    with log_path.open("wb") as log:
        worker = subprocess.Popen(
            [sys.executable, "-m", "vik.cli", "worker", "--interval", "0.1",
             "--housekeeping-interval", "1", "--worker-id", "outage-1"],
            cwd=ROOT, env=_env(proxied, tmp_path), stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip

    def states() -> dict[str, str]:
        return dict(_run(direct, tmp_path, "facts")["payloads"])

    def alive() -> None:
        output = log_path.read_text(errors="replace")
        assert worker.poll() is None, f"the worker died ({worker.returncode}):\n{output}"

    try:
        _run(direct, tmp_path, "store", "1")
        _wait(lambda: states().get("1") == "processed", 60, "the first payload")

        proxy.cut()
        cut_at = time.monotonic()
        _run(direct, tmp_path, "store", "2")  # arrives during the outage
        health = _run(proxied, tmp_path, "healthz")
        assert health["status"] == 503
        assert health["body"]["status"] == "error"
        assert health["body"]["database"]["status"] == "error"
        while time.monotonic() - cut_at < OUTAGE_SECONDS:
            alive()
            time.sleep(0.5)
        assert states()["2"] == "pending"  # the worker could not reach it
        alive()

        proxy.restore()
        _run(direct, tmp_path, "store", "3")
        recovery = _wait(
            lambda: states() == {"1": "processed", "2": "processed", "3": "processed"},
            RECOVERY_BOUND, "the payloads of and after the outage",
        )  # fmt: skip
        alive()
        refused = proxy.refused

        worker.send_signal(signal.SIGTERM)
        assert worker.wait(timeout=15) == 0
    finally:
        if worker.poll() is None:
            worker.kill()
            worker.wait(timeout=10)
        proxy.stop()

    lines = log_path.read_text(errors="replace").splitlines()
    warnings = [line for line in lines if "database unavailable" in line]
    back = [line for line in lines if "database back after" in line]
    errors = [line for line in lines if " ERROR " in line or "Traceback" in line]
    print(
        f"\noutage {OUTAGE_SECONDS:.0f} s: {refused} connections refused; all processed "
        f"{recovery:.1f} s after the database was back; worker log:\n" + "\n".join(lines)
    )
    # One WARNING per outage and per loop (the task loop, the housekeeper), not one per retry.
    assert 1 <= len(warnings) <= 2, warnings
    assert 1 <= len(back) <= 2, back
    assert not errors, errors


# --- the RQ backend: a Redis outage -------------------------------------------------------------

REDIS_URL = os.environ.get("VIK_TEST_REDIS_OUTAGE_URL", "redis://127.0.0.1:6379/8")


@pytest.fixture
def redis_url() -> Iterator[str]:
    """A Redis database of this test's own (not the RQ crash test's), flushed before and after."""
    import redis

    client = redis.Redis.from_url(REDIS_URL)
    try:
        client.ping()
    except redis.exceptions.ConnectionError as error:
        message = f"no Redis at {REDIS_URL} for the outage test: {error}"
        if _in_ci():
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    client.flushdb()
    try:
        yield REDIS_URL
    finally:
        client.flushdb()
        client.close()


def test_the_rq_worker_outlives_a_redis_outage(
    postgres_url: str, redis_url: str, tmp_path: Path
) -> None:
    """The worker on the RQ backend, Redis behind the proxy. While Redis is cut, a payload
    arrives (stored; its task cannot be enqueued), `/healthz` says "degraded" and names the
    task queue, and the worker stays alive; once Redis is back, the sweeper re-enqueues the
    payload of the outage and everything is processed."""
    parts = urlsplit(redis_url)
    proxy = TcpProxy(parts.hostname or "127.0.0.1", parts.port or 6379)
    proxied = urlunsplit(parts._replace(netloc=f"127.0.0.1:{proxy.port}"))
    rq = {"VIK_TASKS_BACKEND": "django_tasks_rq.RQBackend", "VIK_REDIS_URL": proxied}

    def run(*args: str) -> dict[str, Any]:
        code = "from tests.test_worker_outage import child; child()"
        done = subprocess.run(
            [sys.executable, "-c", code, *args],
            cwd=ROOT, env={**_env(postgres_url, tmp_path), **rq}, capture_output=True,
            timeout=120,
        )  # fmt: skip
        assert done.returncode == 0, f"{args} failed:\n{done.stderr.decode(errors='replace')}"
        return dict(json.loads(done.stdout.decode().strip().splitlines()[-1]))

    run("setup")
    log_path = tmp_path / "worker.log"
    proxy.cut()  # the worker starts before Redis does
    with log_path.open("wb") as log:
        worker = subprocess.Popen(
            [sys.executable, "-m", "vik.cli", "worker", "--housekeeping-interval", "1",
             "--worker-id", "redis-outage-1"],
            cwd=ROOT, env={**_env(postgres_url, tmp_path), **rq, "VIK_LOG_LEVEL": "INFO"},
            stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip

    def states() -> dict[str, str]:
        return dict(run("facts")["payloads"])

    def alive() -> None:
        output = log_path.read_text(errors="replace")
        assert worker.poll() is None, f"the worker died ({worker.returncode}):\n{output}"

    try:
        _wait(lambda: "Redis unavailable" in log_path.read_text(errors="replace"), 60, "the worker")
        time.sleep(2)
        alive()
        proxy.restore()
        _wait(lambda: "Redis back after" in log_path.read_text(errors="replace"), 30, "Redis")
        run("store", "1")
        _wait(lambda: states().get("1") == "processed", 60, "the first payload")

        proxy.cut()
        cut_at = time.monotonic()
        stored = run("store", "2")  # arrives during the outage: stored, not enqueued
        assert stored["created"] is True
        health = run("healthz")
        assert health["status"] == 200
        assert health["body"]["status"] == "degraded"
        assert health["body"]["database"]["status"] == "ok"
        assert health["body"]["tasks"]["status"] == "error"
        assert "task queue unavailable" in health["body"]["tasks"]["error"]
        while time.monotonic() - cut_at < OUTAGE_SECONDS:
            alive()
            time.sleep(0.5)
        assert states()["2"] == "pending"
        alive()
        schedulers_before = sum(
            "rq.scheduler" in line and "started with PID" in line
            for line in log_path.read_text(errors="replace").splitlines()
        )

        proxy.restore()
        back_at = time.monotonic()
        run("store", "3")
        recovery = _wait(
            lambda: states() == {"1": "processed", "2": "processed", "3": "processed"},
            RECOVERY_BOUND, "the payloads of and after the Redis outage",
        )  # fmt: skip
        alive()
        health = run("healthz")
        assert health["body"]["status"] == "ok", health

        # RQ's scheduler (deferred tasks: gathering, retries) died with the connection; the
        # worker starts it again in its maintenance.
        def schedulers() -> int:
            lines = log_path.read_text(errors="replace").splitlines()
            return sum("rq.scheduler" in line and "started with PID" in line for line in lines)

        scheduler_back = _wait(
            lambda: schedulers() > schedulers_before, RECOVERY_BOUND, "a new RQ scheduler"
        )
        refused = proxy.refused

        worker.send_signal(signal.SIGTERM)
        try:
            code = worker.wait(timeout=60)
        except subprocess.TimeoutExpired:
            tail = "\n".join(log_path.read_text(errors="replace").splitlines()[-40:])
            pytest.fail(f"the worker did not stop within 60 s of SIGTERM:\n{tail}")
        assert code == 0
    finally:
        if worker.poll() is None:
            worker.kill()
            worker.wait(timeout=10)
        proxy.stop()

    lines = log_path.read_text(errors="replace").splitlines()
    print(
        f"\nRedis outage {OUTAGE_SECONDS:.0f} s: {refused} connections refused; all processed "
        f"{recovery:.1f} s after Redis was back, the scheduler {scheduler_back:.1f} s later "
        f"({time.monotonic() - back_at:.1f} s incl. shutdown); "
        f"{sum('could not connect to Redis' in line for line in lines)} RQ retry lines"
    )


# --- a mail server (SMTP) outage ----------------------------------------------------------------


def test_the_worker_outlives_a_mail_server_outage(postgres_url: str, tmp_path: Path) -> None:
    """The worker sends through a proxy in front of a real SMTP server (aiosmtpd). While the
    proxy is cut, a citizen's e-mail arrives: it becomes a request, and its acknowledgement
    fails to send and waits for its backoff; the worker stays alive; once the mail server is
    back, the acknowledgement goes out, once."""
    from aiosmtpd.controller import Controller

    from vik.testing.smtp import SmtpSink, free_port

    sink = SmtpSink()
    controller = Controller(sink, hostname="127.0.0.1", port=free_port())
    controller.start()
    proxy = TcpProxy("127.0.0.1", controller.port)
    smtp = {
        "VIK_EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "VIK_SMTP_HOST": "127.0.0.1",
        "VIK_SMTP_PORT": str(proxy.port),
        "VIK_SMTP_TIMEOUT": "5",
    }
    _run(postgres_url, tmp_path, "setup")
    log_path = tmp_path / "worker.log"
    with log_path.open("wb") as log:
        worker = subprocess.Popen(
            [sys.executable, "-m", "vik.cli", "worker", "--interval", "0.1",
             "--housekeeping-interval", "1", "--worker-id", "smtp-outage-1"],
            cwd=ROOT, env={**_env(postgres_url, tmp_path), **smtp}, stdout=log,
            stderr=subprocess.STDOUT,
        )  # fmt: skip

    def alive() -> None:
        output = log_path.read_text(errors="replace")
        assert worker.poll() is None, f"the worker died ({worker.returncode}):\n{output}"

    def states() -> dict[str, str]:
        return dict(_run(postgres_url, tmp_path, "facts")["payloads"])

    try:
        proxy.cut()
        _run(postgres_url, tmp_path, "store", "1")
        _wait(lambda: states().get("1") == "processed", 60, "the request to be made")
        _wait(lambda: proxy.refused > 0, 60, "a first attempt to send")
        cut_at = time.monotonic()
        while time.monotonic() - cut_at < OUTAGE_SECONDS:
            alive()
            time.sleep(0.5)
        assert sink.messages == []
        proxy.restore()
        restored_at = time.monotonic()
        # The first retry comes 30 s after the failed attempt (the outbound backoff).
        sent_after = _wait(lambda: len(sink.messages) == 1, 90, "the acknowledgement")
        alive()
        time.sleep(2)  # nothing more goes out
        assert len(sink.messages) == 1
        assert sink.messages[0]["To"] == "obcan1@example.cz"
        worker.send_signal(signal.SIGTERM)
        assert worker.wait(timeout=15) == 0
    finally:
        if worker.poll() is None:
            worker.kill()
            worker.wait(timeout=10)
        proxy.stop()
        controller.stop()
    print(
        f"\nSMTP outage: {proxy.refused} connections refused; the acknowledgement went out "
        f"{sent_after:.1f} s after the mail server was back "
        f"({time.monotonic() - restored_at:.1f} s incl. shutdown)"
    )
