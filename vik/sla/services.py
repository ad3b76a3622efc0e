"""Service levels and statutory deadlines of requests."""

from __future__ import annotations

from typing import Any


def request_deadlines_set(request: Any) -> None:
    """Set the SLA targets and the statutory due date on a request about to be created (no
    save: the creating service saves it, one by one or in bulk)."""


def request_sla_on_status(*, request: Any, old: str, new: str) -> None:
    """Pause the clock while the request waits for the citizen; resume it after.

    Precondition: inside the transaction that changed the status (already saved)."""


def request_sla_on_first_response(request: Any) -> None:
    """The first response target is met (or missed) now."""


def sla_sweep() -> None:
    """A periodic job: warn before targets are missed and escalate after."""
