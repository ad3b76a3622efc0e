"""Czech working time: holidays, § 40 SŘ deadlines, working minutes across weekends and DST."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest

from vik.core.clock import PRAGUE
from vik.sla.calendar import (
    DEFAULT_HOURS,
    add_working_minutes,
    easter_sunday,
    is_working_day,
    public_holidays,
    statutory_deadline,
    weekly_hours,
    working_days_before,
    working_minutes_between,
)

D = dt.date


def at(
    year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0
) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, second, tzinfo=PRAGUE)


@pytest.mark.parametrize(
    ("year", "good_friday", "easter_monday"),
    [
        (2016, D(2016, 3, 25), D(2016, 3, 28)),
        (2025, D(2025, 4, 18), D(2025, 4, 21)),
        (2026, D(2026, 4, 3), D(2026, 4, 6)),
        (2027, D(2027, 3, 26), D(2027, 3, 29)),
    ],
)
def test_easter_holidays(year: int, good_friday: dt.date, easter_monday: dt.date) -> None:
    holidays = public_holidays(year)
    assert easter_sunday(year) == easter_monday - dt.timedelta(days=1)
    assert good_friday in holidays
    assert easter_monday in holidays
    assert not is_working_day(good_friday)
    assert not is_working_day(easter_monday)
    assert is_working_day(good_friday - dt.timedelta(days=1))  # Maundy Thursday is a work day


def test_good_friday_is_a_holiday_only_since_2016() -> None:
    assert D(2015, 4, 3) not in public_holidays(2015)
    assert D(2015, 4, 6) in public_holidays(2015)


def test_the_fixed_holidays_of_2026() -> None:
    fixed = {
        D(2026, 1, 1), D(2026, 5, 1), D(2026, 5, 8), D(2026, 7, 5), D(2026, 7, 6),
        D(2026, 9, 28), D(2026, 10, 28), D(2026, 11, 17), D(2026, 12, 24), D(2026, 12, 25),
        D(2026, 12, 26),
    }  # fmt: skip
    assert public_holidays(2026) == fixed | {D(2026, 4, 3), D(2026, 4, 6)}


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (D(2026, 9, 28), False),  # Monday, St Wenceslas
        (D(2026, 9, 29), True),
        (D(2026, 11, 17), False),  # Tuesday
        (D(2026, 11, 21), False),  # Saturday
        (D(2026, 11, 22), False),  # Sunday
        (D(2026, 11, 23), True),
        (D(2025, 12, 24), False),
        (D(2025, 12, 29), True),
    ],
)
def test_is_working_day(day: dt.date, working: bool) -> None:
    assert is_working_day(day) is working


@pytest.mark.parametrize(
    ("received", "due"),
    [
        # The worked example: the 15th day is Fri 26.12.2025, a holiday → Mon 29.12.2025.
        (at(2025, 12, 11, 10, 0), D(2025, 12, 29)),
        # The 15th day is a working day: it stays.
        (at(2026, 11, 2, 9, 0), D(2026, 11, 17) + dt.timedelta(days=1)),  # 17.11 holiday → 18.11
        (at(2026, 1, 5, 9, 0), D(2026, 1, 20)),
        # The 15th day is a Saturday → Monday.
        (at(2026, 11, 6, 9, 0), D(2026, 11, 23)),
        # The 15th day is Good Friday 2026 → after Easter Monday: Tuesday 7.4.
        (at(2026, 3, 19, 12, 0), D(2026, 4, 7)),
        # Received on 13.9 → 28.9 (Monday, holiday) → 29.9.
        (at(2026, 9, 13, 12, 0), D(2026, 9, 29)),
        # Late evening UTC is already the next Prague day.
        (dt.datetime(2025, 12, 10, 23, 30, tzinfo=dt.UTC), D(2025, 12, 29)),
    ],
)
def test_statutory_deadline(received: dt.datetime, due: dt.date) -> None:
    assert statutory_deadline(received) == due


def test_working_days_before() -> None:
    assert working_days_before(D(2025, 12, 29), 3) == D(2025, 12, 19)
    assert working_days_before(D(2026, 4, 7), 1) == D(2026, 4, 2)


@pytest.mark.parametrize(
    ("start", "minutes", "target"),
    [
        (at(2026, 11, 23, 8, 0), 480, at(2026, 11, 23, 16, 0)),  # a full day ends at closing
        (at(2026, 11, 23, 15, 0), 120, at(2026, 11, 24, 9, 0)),  # overnight
        (at(2026, 11, 20, 15, 0), 120, at(2026, 11, 23, 9, 0)),  # Friday → Monday
        (at(2026, 11, 21, 11, 0), 30, at(2026, 11, 23, 8, 30)),  # started on a Saturday
        (at(2026, 11, 23, 6, 0), 60, at(2026, 11, 23, 9, 0)),  # before opening
        (at(2026, 11, 23, 19, 0), 60, at(2026, 11, 24, 9, 0)),  # after closing
        (at(2026, 11, 16, 15, 0), 120, at(2026, 11, 18, 9, 0)),  # over 17 Nov
        (at(2026, 9, 25, 15, 0), 120, at(2026, 9, 29, 9, 0)),  # weekend + 28 Sep
        (at(2026, 12, 23, 15, 0), 120, at(2026, 12, 28, 9, 0)),  # 24–26 Dec
        (at(2026, 4, 2, 15, 0), 120, at(2026, 4, 7, 9, 0)),  # Good Friday → Easter Monday
        (at(2025, 4, 17, 15, 0), 120, at(2025, 4, 22, 9, 0)),
        (at(2027, 3, 25, 15, 0), 120, at(2027, 3, 30, 9, 0)),
        (at(2026, 11, 23, 8, 0), 40 * 60, at(2026, 11, 27, 16, 0)),  # a working week
        (at(2026, 11, 23, 10, 0), 0, at(2026, 11, 23, 10, 0)),
    ],
)
def test_add_working_minutes(start: dt.datetime, minutes: int, target: dt.datetime) -> None:
    result = add_working_minutes(start, minutes, DEFAULT_HOURS)
    assert result == target
    assert result.utcoffset() == target.utcoffset()
    if minutes:
        assert working_minutes_between(start, result, DEFAULT_HOURS) == minutes


@pytest.mark.parametrize(
    ("start", "minutes", "wall_clock", "offset_hours"),
    [
        # Summer time starts on Sunday 29 Mar 2026: Friday 15:00 + 2 h = Monday 9:00 CEST.
        (at(2026, 3, 27, 15, 0), 120, (2026, 3, 30, 9, 0), 2),
        # Winter time starts on Sunday 25 Oct 2026: Friday 12:00 + 8 h = Monday 12:00 CET.
        (at(2026, 10, 23, 12, 0), 480, (2026, 10, 26, 12, 0), 1),
        # Started in the night of the change, in UTC.
        (dt.datetime(2026, 3, 29, 1, 30, tzinfo=dt.UTC), 60, (2026, 3, 30, 9, 0), 2),
        (dt.datetime(2026, 10, 25, 1, 30, tzinfo=dt.UTC), 60, (2026, 10, 26, 9, 0), 1),
    ],
)
def test_targets_across_the_dst_changes_land_on_the_wall_clock(
    start: dt.datetime, minutes: int, wall_clock: tuple[int, ...], offset_hours: int
) -> None:
    result = add_working_minutes(start, minutes, DEFAULT_HOURS)
    assert result.timetuple()[:5] == wall_clock
    assert result.utcoffset() == dt.timedelta(hours=offset_hours)
    assert working_minutes_between(start, result, DEFAULT_HOURS) == minutes


def test_a_centres_opening_hours_with_two_intervals_a_day() -> None:
    rows = [
        SimpleNamespace(weekday=0, opens=dt.time(8), closes=dt.time(12)),
        SimpleNamespace(weekday=0, opens=dt.time(13), closes=dt.time(17)),
        SimpleNamespace(weekday=2, opens=dt.time(8), closes=dt.time(17)),
    ]
    hours = weekly_hours(rows)
    monday = at(2026, 11, 23, 11, 0)
    assert add_working_minutes(monday, 90, hours) == at(2026, 11, 23, 13, 30)
    assert add_working_minutes(monday, 6 * 60, hours) == at(2026, 11, 25, 9, 0)  # Tue closed
    assert working_minutes_between(monday, at(2026, 11, 25, 9, 0), hours) == 360
    assert weekly_hours([]) is DEFAULT_HOURS


def test_working_minutes_between_ignores_the_time_outside_the_hours() -> None:
    assert working_minutes_between(at(2026, 11, 20, 15, 0), at(2026, 11, 23, 9, 0)) == 120
    assert working_minutes_between(at(2026, 11, 23, 9, 0), at(2026, 11, 20, 15, 0)) == 0
    # A year is about 250 working days of 8 hours, counted without walking minutes.
    year = working_minutes_between(at(2026, 1, 1, 0, 0), at(2027, 1, 1, 0, 0))
    assert year == 250 * 480  # 261 weekdays minus 11 holidays on weekdays
