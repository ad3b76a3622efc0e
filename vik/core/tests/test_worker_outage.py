"""The worker's outage handling in one process: the backoff, the log lines, the periodic jobs.
The real outage (a worker process, PostgreSQL cut off by a proxy) is tests/test_worker_outage.py.
"""

from __future__ import annotations

import logging

import pytest
from django.db import OperationalError
from django.test import override_settings

from vik.core.management.commands import worker as command


def test_an_outage_logs_once_and_backs_off_with_jitter_up_to_the_cap(
    caplog: pytest.LogCaptureFixture,
) -> None:
    outage = command.Outage("worker w1")
    with caplog.at_level(logging.WARNING, logger="vik.worker"):
        delays = [outage.failed(OperationalError("server closed the connection")) for _ in range(9)]
        outage.recovered()
        outage.recovered()  # no outage any more: nothing to say
    nominal = [0.5, 1, 2, 4, 8, 10, 10, 10, 10]
    for delay, expected in zip(delays, nominal, strict=True):
        assert expected * 0.8 <= delay <= expected * 1.2
    messages = [record.getMessage() for record in caplog.records]
    assert len(messages) == 2
    assert messages[0].startswith("worker w1: database unavailable (OperationalError: server")
    assert messages[1].startswith("worker w1: database back after ")
    assert messages[1].endswith("(9 retries)")
    # The next outage starts from the first delay again.
    assert 0.4 <= outage.failed(OperationalError("again")) <= 0.6


def _lose_the_database() -> None:
    raise OperationalError("server closed the connection unexpectedly")


def _fail() -> None:
    raise ValueError("a bug")


@pytest.mark.django_db
def test_a_periodic_job_that_loses_the_database_hands_the_outage_to_the_housekeeper(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    path = f"{__name__}._lose_the_database"
    with override_settings(VIK_PERIODIC_JOBS=[f"{__name__}._fail", path]):
        monkeypatch.setattr(command, "database_answers", lambda: False)
        with pytest.raises(OperationalError):
            command.run_periodic_jobs()
        # A job's own failure is logged and the next job runs; while the database answers, so
        # is a job's OperationalError.
        monkeypatch.setattr(command, "database_answers", lambda: True)
        caplog.clear()
        with caplog.at_level(logging.ERROR, logger="vik.worker"):
            command.run_periodic_jobs()
    assert [r.getMessage() for r in caplog.records] == [
        f"periodic job {__name__}._fail failed",
        f"periodic job {path} failed",
    ]
