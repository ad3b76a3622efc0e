"""The information request's statutory deadline: its extension (§ 14(7) of Act 106/1999 Sb.,
counted by § 40 SŘ) and whether it was kept (met, met after an extension, missed)."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest

from vik.core.clock import PRAGUE
from vik.sla.statutory import (
    MET,
    MET_EXTENDED,
    MISSED,
    PENDING,
    extended_deadline,
    provided_at,
    request_statutory_outcome,
    statutory_outcome,
)

D = dt.date


def at(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=PRAGUE)


@pytest.mark.parametrize(
    ("received", "days", "last_day"),
    [
        # Monday 23 Nov 2026: 15 days end on Tue 8 Dec; 25 on Fri 18 Dec.
        (at(2026, 11, 23, 10), 10, D(2026, 12, 18)),
        (at(2026, 11, 23, 10), 1, D(2026, 12, 9)),
        # 20 days end on Sunday 13 Dec: the last day is Monday 14 Dec.
        (at(2026, 11, 23, 10), 5, D(2026, 12, 14)),
        # 19 days end on Saturday 12 Dec: Monday 14 Dec too.
        (at(2026, 11, 23, 10), 4, D(2026, 12, 14)),
        # Received late in the evening of 23 Nov, Prague time (UTC the same day).
        (dt.datetime(2026, 11, 23, 22, 30, tzinfo=dt.UTC), 10, D(2026, 12, 18)),
        # 9 Dec: 15 days end on the Christmas holiday 24 Dec (→ Mon 28 Dec); +5: Tue 29 Dec;
        # +2 ends on Sat 26 Dec, a holiday too: Mon 28 Dec, no later than the original.
        (at(2026, 12, 9, 9), 5, D(2026, 12, 29)),
        (at(2026, 12, 9, 9), 2, D(2026, 12, 28)),
        # 25 days from 13 Apr 2026 end on Friday 8 May (Victory Day): Monday 11 May.
        (at(2026, 4, 13, 9), 10, D(2026, 5, 11)),
    ],
)
def test_the_extended_last_day(received: dt.datetime, days: int, last_day: dt.date) -> None:
    assert extended_deadline(received, days) == last_day


ORIGINAL, EXTENDED, TODAY = D(2026, 12, 8), D(2026, 12, 18), D(2026, 12, 10)


@pytest.mark.parametrize(
    ("extended", "provided", "today", "outcome"),
    [
        (None, at(2026, 12, 1, 9), TODAY, MET),
        (None, at(2026, 12, 8, 23, 59), TODAY, MET),  # on the last day, late in the evening
        (None, at(2026, 12, 9, 0, 1), TODAY, MISSED),  # a minute after the last day
        (EXTENDED, at(2026, 12, 8, 10), TODAY, MET),  # extended, yet answered in time anyway
        (EXTENDED, at(2026, 12, 9, 10), TODAY, MET_EXTENDED),
        (EXTENDED, at(2026, 12, 18, 23, 0), TODAY, MET_EXTENDED),
        (EXTENDED, at(2026, 12, 19, 8, 0), TODAY, MISSED),
        # A Prague day: 23:30 UTC on 8 Dec is already 9 Dec in Prague.
        (None, dt.datetime(2026, 12, 8, 23, 30, tzinfo=dt.UTC), TODAY, MISSED),
        (None, dt.datetime(2026, 12, 8, 22, 30, tzinfo=dt.UTC), TODAY, MET),
        # Not provided yet.
        (None, None, D(2026, 12, 8), PENDING),
        (None, None, D(2026, 12, 9), MISSED),
        (EXTENDED, None, D(2026, 12, 9), PENDING),
        (EXTENDED, None, D(2026, 12, 18), PENDING),
        (EXTENDED, None, D(2026, 12, 19), MISSED),
    ],
)
def test_statutory_outcome(
    extended: dt.date | None, provided: dt.datetime | None, today: dt.date, outcome: str
) -> None:
    assert (
        statutory_outcome(
            original_due_on=ORIGINAL, extended_due_on=extended, provided_at=provided, today=today
        )
        == outcome
    )


@pytest.mark.parametrize(
    ("replies", "resolved", "expected"),
    [
        ([], None, None),  # not resolved: not provided, however many replies
        ([at(2026, 12, 2)], None, None),
        ([], at(2026, 12, 5), at(2026, 12, 5)),  # answered outside VIK, then resolved
        ([at(2026, 12, 2), at(2026, 12, 4)], at(2026, 12, 10), at(2026, 12, 4)),
        # a reply after the resolution (a thank-you) is not the answer
        ([at(2026, 12, 4), at(2026, 12, 12)], at(2026, 12, 10), at(2026, 12, 4)),
    ],
)
def test_provided_at(
    replies: list[dt.datetime], resolved: dt.datetime | None, expected: dt.datetime | None
) -> None:
    assert provided_at(replies=replies, resolved_at=resolved) == expected


@pytest.mark.parametrize(
    ("facts", "outcome"),
    [
        ({"statutory_due_on": None, "statutory_original_due_on": None}, None),
        # Before the original date was kept, the due date is the original.
        ({"statutory_due_on": ORIGINAL, "statutory_original_due_on": None}, MISSED),
        ({"statutory_due_on": ORIGINAL, "statutory_original_due_on": ORIGINAL}, MISSED),
        (
            {
                "statutory_due_on": EXTENDED,
                "statutory_original_due_on": ORIGINAL,
                "statutory_extended_at": at(2026, 12, 7, 9),
            },
            MET_EXTENDED,
        ),
    ],
)
def test_the_outcome_of_a_request(facts: dict, outcome: str | None) -> None:
    request = SimpleNamespace(**{"statutory_extended_at": None, **facts})
    assert (
        request_statutory_outcome(request, provided_at=at(2026, 12, 11, 9), today=TODAY) == outcome
    )
