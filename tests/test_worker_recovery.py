"""A `vik worker` SIGKILLed while it holds claims: another worker processes them within the
heartbeat timeout plus one sweep, not after the claim's lease; the killed worker's task row is
marked failed. Measured and printed. Real processes, on the suite's database kind (see
`tests/test_worker_crash.py`, whose database fixture and process helpers this reuses).

The lease (VIK_STALE_CLAIM_SECONDS) is set far beyond the test's limit, so that only the
heartbeat can bring the claims back in time.
"""

from __future__ import annotations

import json
import random
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.test_worker_crash import (
    ACCOUNT,
    DB_KIND,
    NAMES,
    ROOT,
    SENTENCES,
    Cluster,
    Database,
    _mail,
    _setup,
    database,  # noqa: F401 - the fixture
    wait_for,
)

HEARTBEAT_TIMEOUT = 3.0  # VIK_WORKER_HEARTBEAT_TIMEOUT_SECONDS in the test
SWEEP_INTERVAL = 1.0  # `vik worker --housekeeping-interval`: the beat and the sweep
MARGIN = 8.0  # processing the claims, on a machine shared with other test runs
LEASE = 600  # VIK_STALE_CLAIM_SECONDS: never reached
MESSAGES = 400
ATTEMPTS = 5  # kills tried until one hits a worker that holds claims


def child() -> None:
    """Entry point of the helper subprocesses: `setup`, or `feed` (MESSAGES plain e-mails)."""
    import django

    django.setup()
    if sys.argv[1] == "setup":
        print(json.dumps(_setup()))
        return
    from vik.channels.core.models import ChannelAccount
    from vik.channels.core.services import inbound_accept
    from vik.channels.email.adapter import RAW_CONTENT_TYPE
    from vik.channels.mail.parser import idempotency_key

    account = ChannelAccount.objects.get(name=ACCOUNT)
    rng = random.Random(sys.argv[1])
    for n in range(MESSAGES):
        raw = _mail(
            message_id=f"<rec-{sys.argv[1]}-{n}@example.cz>",
            sender=f"{rng.choice(NAMES)} <obcan{n}@example.cz>",
            subject=f"Dotaz {n}",
            text=rng.choice(SENTENCES),
        )
        inbound_accept(
            account=account, idempotency_key=idempotency_key(raw), body=raw,
            content_type=RAW_CONTENT_TYPE, metadata={"source": "pipe"},
        )  # fmt: skip
    print(json.dumps({"fed": MESSAGES}))


@dataclass
class RecoveryCluster(Cluster):
    @property
    def env(self) -> dict[str, str]:
        return {
            **super().env,
            "VIK_STALE_CLAIM_SECONDS": str(LEASE),
            "VIK_WORKER_HEARTBEAT_TIMEOUT_SECONDS": str(int(HEARTBEAT_TIMEOUT)),
        }

    def helper(self, command: str) -> subprocess.Popen[bytes]:
        code = "from tests.test_worker_recovery import child; child()"
        with (self.directory / f"{command}.log").open("wb") as log:
            process = subprocess.Popen(
                [sys.executable, "-c", code, command],
                cwd=ROOT, env=self.env, stdout=subprocess.PIPE, stderr=log,
            )  # fmt: skip
        self.helpers.append(process)
        return process

    def claims_of(self, worker_id: str) -> list[int]:
        sql = "SELECT id FROM channels_inboundpayload WHERE state = 'pending' AND claimed_by = %s"
        sql += " AND claim_token IS NOT NULL"
        return [int(row[0]) for row in self.database.rows(sql % f"'{worker_id}'")]

    def pending(self, ids: list[int]) -> int:
        sql = "SELECT COUNT(*) FROM channels_inboundpayload WHERE state = 'pending' AND id IN (%s)"
        return int(self.database.rows(sql % ",".join(map(str, ids)))[0][0])

    def running_tasks_of(self, worker_id: str) -> int:
        rows = self.database.rows(
            "SELECT worker_ids FROM django_tasks_database_dbtaskresult WHERE status = 'RUNNING'"
        )
        ids = [json.loads(row[0]) if isinstance(row[0], str) else row[0] for row in rows]
        return sum(1 for workers in ids if workers and workers[-1] == worker_id)

    def rows_beat(self, worker_id: str) -> bool:
        sql = "SELECT 1 FROM core_workerheartbeat WHERE worker_id = %s"
        return bool(self.database.rows(sql % f"'{worker_id}'"))

    def start(self) -> str:
        self.start_worker()
        return f"crash-{self.generation}"

    def kill_holding_claims(self, worker_id: str) -> tuple[float, list[int]] | None:
        """Wait until `worker_id` holds claims, SIGKILL it; (when, the claims it still held)."""
        deadline = time.monotonic() + 60
        while not self.claims_of(worker_id):
            if time.monotonic() > deadline:
                pytest.fail(f"{worker_id} never held a claim")
            time.sleep(0.01)
        process = self.workers.pop(worker_id)
        process.send_signal(signal.SIGKILL)
        killed = time.monotonic()
        process.wait(timeout=10)
        held = self.claims_of(worker_id)
        return (killed, held) if held else None


@pytest.mark.parametrize("database_kind", [DB_KIND])
def test_the_claims_of_a_killed_worker_are_processed_within_the_heartbeat_timeout(
    database_kind: str,
    database: Database,  # noqa: F811
    tmp_path: Path,
) -> None:
    cluster = RecoveryCluster(database, tmp_path, random.Random(0))
    try:
        cluster.run("setup")
        cluster.start()  # the worker that survives
        for attempt in range(ATTEMPTS):
            victim = cluster.start()
            wait_for(lambda v=victim: cluster.rows_beat(v), 60, f"{victim} to beat")
            cluster.helper(f"feed{attempt}")
            hit = cluster.kill_holding_claims(victim)
            if hit is not None:
                break
        else:
            pytest.fail(f"no kill in {ATTEMPTS} hit a worker holding claims")
        killed, held = hit
        wait_for(lambda: not cluster.claims_of(victim), 60, "the claims to be taken back")
        taken_back = time.monotonic() - killed
        wait_for(lambda: cluster.pending(held) == 0, 120, "the claims to be processed")
        processed = time.monotonic() - killed
        wait_for(lambda: not cluster.running_tasks_of(victim), 60, "the task to be failed")
        failed = time.monotonic() - killed
    finally:
        cluster.stop()
    limit = HEARTBEAT_TIMEOUT + SWEEP_INTERVAL + MARGIN
    print(
        f"\n[{database_kind}] SIGKILL of a worker holding {len(held)} claims: taken back after "
        f"{taken_back:.1f} s, processed by another worker after {processed:.1f} s, its task "
        f"marked failed after {failed:.1f} s (heartbeat timeout {HEARTBEAT_TIMEOUT:.0f} s, sweep "
        f"every {SWEEP_INTERVAL:.0f} s, lease {LEASE} s; limit {limit:.0f} s)"
    )
    # Not before the worker is dead: its last beat was at most about one interval before the kill.
    assert taken_back >= HEARTBEAT_TIMEOUT - 2 * SWEEP_INTERVAL
    assert processed <= limit
    assert failed <= limit
