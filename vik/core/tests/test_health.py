"""`/healthz` reports what the apps registered, in their order, and degrades when one asks."""

import pytest

from vik.core import health
from vik.core.health import HealthResult, register_check, run_checks


@pytest.fixture
def no_checks(monkeypatch):
    monkeypatch.setattr(health, "_checks", {})


def test_checks_answer_in_the_order_they_were_registered(no_checks):
    register_check("second", lambda: HealthResult({"n": 2}))
    register_check("first", lambda: HealthResult({"n": 1}, degraded=True))
    register_check("second", lambda: HealthResult({"n": 3}))  # replaces, keeps its place
    assert run_checks() == {
        "second": HealthResult({"n": 3}),
        "first": HealthResult({"n": 1}, degraded=True),
    }


@pytest.mark.django_db
def test_healthz_shows_a_registered_check_and_degrades_when_it_asks(no_checks, client):
    register_check("queue", lambda: HealthResult({"waiting": 7}, degraded=True))
    body = client.get("/healthz").json()
    assert body["queue"] == {"waiting": 7}
    assert body["status"] == "degraded"


@pytest.mark.django_db
def test_healthz_answers_503_when_a_check_fails(no_checks, client):
    def broken() -> HealthResult:
        raise RuntimeError("no such table")

    register_check("broken", broken)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {
        "status": "error",
        "database": {"status": "error", "error": "no such table"},
    }
