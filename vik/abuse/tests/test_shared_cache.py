"""The counters and the used ALTCHA solutions are shared by every process of an installation:
real processes, on Redis (production) and on the file-based default of one machine."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import altcha
import pytest

ROOT = Path(__file__).resolve().parents[3]
REDIS_URL = "redis://127.0.0.1:6379/9"  # a database index no other test uses
SCRIPT = """
import sys, django
django.setup()
from vik.abuse import altcha, ratelimit
if sys.argv[1] == "hit":
    print(" ".join("R" if ratelimit.limit_hit("form", "192.0.2.1").refused else "A"
                   for _n in range(int(sys.argv[2]))))
else:
    print(altcha.solution_verify(sys.argv[2]).value)
"""


def run(cache_url: str, *args: str) -> subprocess.Popen[str]:
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "VIK_CACHE_URL": cache_url,
        "VIK_RATE_LIMITS": "form=5/1d",
        "VIK_ALTCHA_HMAC_KEY": "shared-test-key",
    }
    return subprocess.Popen(
        [sys.executable, "-c", SCRIPT, *args], cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True
    )


def outputs(*processes: subprocess.Popen[str]) -> list[str]:
    results = []
    for process in processes:
        out, _err = process.communicate(timeout=120)
        assert process.returncode == 0
        results.append(out.strip())
    return results


@pytest.fixture
def redis_cache() -> Iterator[str]:
    redis = pytest.importorskip("redis")
    client = redis.Redis.from_url(REDIS_URL)
    try:
        client.ping()
    except redis.ConnectionError:
        if os.environ.get("CI", "").lower() in {"1", "true", "yes"}:
            pytest.fail("Redis is not running on 127.0.0.1:6379 (CI=true).")
        pytest.skip("Redis is not running on 127.0.0.1:6379.")
    client.flushdb()
    yield REDIS_URL
    client.flushdb()


def test_on_redis_two_processes_at_once_share_one_count_exactly(redis_cache):
    first, second = outputs(run(redis_cache, "hit", "10"), run(redis_cache, "hit", "10"))
    verdicts = (first + " " + second).split()
    assert len(verdicts) == 20
    assert verdicts.count("A") == 5  # incr is atomic on Redis: exactly the limit, not more


def test_on_redis_a_solution_used_in_one_process_is_refused_in_another(redis_cache):
    challenge = altcha.create_challenge(
        "PBKDF2/SHA-256", 100, hmac_secret="shared-test-key", expires_at=int(time.time()) + 600
    )
    payload = altcha.Payload(challenge, altcha.solve_challenge(challenge)).to_base64()
    assert outputs(run(redis_cache, "verify", payload)) == ["verified"]
    assert outputs(run(redis_cache, "verify", payload)) == ["replayed"]


def test_the_file_based_default_is_shared_by_the_processes_of_one_machine(tmp_path):
    url = f"file://{tmp_path / 'cache'}"
    assert outputs(run(url, "hit", "3")) == ["A A A"]
    assert outputs(run(url, "hit", "4")) == ["A A R R"]
