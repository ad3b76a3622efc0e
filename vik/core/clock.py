"""The one place that asks what time it is, so that tests and the demo can move time."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.utils import timezone

PRAGUE = zoneinfo.ZoneInfo("Europe/Prague")
_travelled_to: ContextVar[dt.datetime | None] = ContextVar("vik_clock", default=None)


def now() -> dt.datetime:
    return _travelled_to.get() or timezone.now()


def today() -> dt.date:
    return timezone.localdate(now(), PRAGUE)


@contextmanager
def travel(to: dt.datetime) -> Iterator[None]:
    """Within the block, `now()` answers `to` (an aware datetime)."""
    token = _travelled_to.set(to)
    try:
        yield
    finally:
        _travelled_to.reset(token)
