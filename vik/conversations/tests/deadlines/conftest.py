"""The SLA tests' policies and requests at fixed moments (`vik/sla/tests/conftest.py`), for
the tests of applying service levels to requests."""

from __future__ import annotations

from vik.sla.tests.conftest import (  # noqa: F401 (fixtures, found by pytest by name)
    at,
    escalation_queue,
    lead,
    open_request,
    policy,
)
