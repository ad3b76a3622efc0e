"""The statutory deadline of an information request (Act 106/1999 Sb.): its extension and
whether it was kept. Pure functions without the database.

The period is 15 calendar days from receipt (§ 14(5)(d)); it may be extended once, by at most
10 days, for one of the three reasons of § 14(7), and only while the original period runs
(the applicant must be told before it expires). Both periods are counted by § 40 SŘ
(`calendar.statutory_deadline`).

When was the information "provided"? A request counts as provided once it is resolved (or
closed); the moment is the last public reply a member of staff sent at or before the
resolution (the answer's dispatch, DOMAIN-CZ 1.8 — the extension notice and automatic messages
are not answers), or the resolution itself when no such reply exists (the answer went out by
other means). `vik.conversations.selectors.with_statutory_provided_at` computes it in SQL.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Protocol

from django.utils.translation import gettext_lazy as _

from vik.core.clock import PRAGUE

from . import calendar

STATUTORY_DAYS = 15  # § 14(5)(d)
MAX_EXTENSION_DAYS = 10  # § 14(7)

# What `statutory_outcome` returns.
MET, MET_EXTENDED, MISSED, PENDING = "met", "met_extended", "missed", "pending"
OUTCOME_LABELS = {
    MET: _("met"),
    MET_EXTENDED: _("met after an extension"),
    MISSED: _("missed"),
    PENDING: _("still running"),
}


def extended_deadline(received: dt.datetime, extension_days: int) -> dt.date:
    """The last day of the period extended by `extension_days`: 15 + `extension_days` calendar
    days from receipt, a last day on a weekend or a public holiday moved to the next working
    day (§ 40(1)(c) SŘ), as for the original period.

    Counted from receipt, not from the original last day: when that day was moved off a
    weekend, adding the extension to the moved day would give more than the law's 10 days."""
    return calendar.statutory_deadline(received, STATUTORY_DAYS + extension_days)


def _prague_day(moment: dt.datetime) -> dt.date:
    return moment.astimezone(PRAGUE).date() if moment.tzinfo else moment.date()


def provided_at(
    *, replies: Iterable[dt.datetime], resolved_at: dt.datetime | None
) -> dt.datetime | None:
    """When the information was provided (see the module docstring): None while the request
    is not resolved. `replies`: when staff sent public replies, the extension notice not
    among them."""
    if resolved_at is None:
        return None
    before = [moment for moment in replies if moment <= resolved_at]
    return max(before) if before else resolved_at


def statutory_outcome(
    *,
    original_due_on: dt.date,
    extended_due_on: dt.date | None,
    provided_at: dt.datetime | None,
    today: dt.date,
) -> str:
    """`MET`: provided on or before the original last day; `MET_EXTENDED`: after it but on or
    before the extended last day of a recorded extension; `MISSED`: provided later, or not
    provided and the (extended) last day is over; `PENDING`: not provided, the period runs.

    `extended_due_on`: None without an extension. Days are Prague days."""
    last_day = extended_due_on or original_due_on
    if provided_at is None:
        return MISSED if today > last_day else PENDING
    day = _prague_day(provided_at)
    if day <= original_due_on:
        return MET
    if extended_due_on is not None and day <= extended_due_on:
        return MET_EXTENDED
    return MISSED


class StatutoryFacts(Protocol):
    """What the outcome reads of a request (a `vik.conversations` `Request` has it)."""

    @property
    def statutory_due_on(self) -> dt.date | None: ...
    @property
    def statutory_original_due_on(self) -> dt.date | None: ...
    @property
    def statutory_extended_at(self) -> dt.datetime | None: ...


def request_statutory_outcome(
    request: StatutoryFacts, *, provided_at: dt.datetime | None, today: dt.date
) -> str | None:
    """`statutory_outcome` of an information request (None: the request has no statutory
    deadline). `provided_at`: `vik.conversations.selectors.with_statutory_provided_at`."""
    original = request.statutory_original_due_on or request.statutory_due_on
    if original is None:
        return None
    extended = request.statutory_due_on if request.statutory_extended_at is not None else None
    return statutory_outcome(
        original_due_on=original, extended_due_on=extended, provided_at=provided_at, today=today
    )
