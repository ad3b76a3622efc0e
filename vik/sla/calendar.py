"""Czech working time: public holidays, the statutory deadline, and working-time arithmetic.

Pure functions without the database. Opening hours come in as a `WeeklyHours` mapping
(weekday 0 = Monday → intervals of local wall-clock time); `weekly_hours` builds it from
`tenancy.OpeningHours` rows. Every computation happens in Europe/Prague wall-clock time and
each interval is turned into an aware datetime by zoneinfo, so a working day across a DST
change still has its 8:00–16:00 (eight hours) and the arithmetic never walks minute by minute:
it walks the intervals day by day.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Mapping, Sequence
from functools import lru_cache
from typing import Any

from vik.core.clock import PRAGUE

Interval = tuple[dt.time, dt.time]
WeeklyHours = Mapping[int, Sequence[Interval]]

# A centre that has not entered its opening hours works Monday to Friday 8:00–16:00.
DEFAULT_HOURS: WeeklyHours = {day: ((dt.time(8), dt.time(16)),) for day in range(5)}

# Act 245/2000 Sb., § 1 and § 2: the fixed public holidays (month, day).
FIXED_HOLIDAYS = (
    (1, 1), (5, 1), (5, 8), (7, 5), (7, 6), (9, 28), (10, 28), (11, 17), (12, 24), (12, 25),
    (12, 26),
)  # fmt: skip
GOOD_FRIDAY_SINCE = 2016  # Act 359/2015 Sb. made Good Friday a public holiday

# A search for the next working interval gives up after this many days (no opening hours at
# all would otherwise loop for ever).
_MAX_DAYS = 3 * 366


def easter_sunday(year: int) -> dt.date:
    """Easter Sunday of the Gregorian calendar (the anonymous "Meeus/Jones/Butcher" computus)."""
    a = year % 19
    b, c = divmod(year, 100)
    d, e = divmod(b, 4)
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    weekday_offset = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * weekday_offset) // 451
    month, day = divmod(h + weekday_offset - 7 * m + 114, 31)
    return dt.date(year, month, day + 1)


@lru_cache(maxsize=64)
def public_holidays(year: int) -> frozenset[dt.date]:
    """The Czech public holidays of a year (státní svátky and ostatní svátky)."""
    days = {dt.date(year, month, day) for month, day in FIXED_HOLIDAYS}
    easter = easter_sunday(year)
    days.add(easter + dt.timedelta(days=1))  # Easter Monday
    if year >= GOOD_FRIDAY_SINCE:
        days.add(easter - dt.timedelta(days=2))
    return frozenset(days)


def is_holiday(day: dt.date) -> bool:
    return day in public_holidays(day.year)


def is_working_day(day: dt.date) -> bool:
    return day.weekday() < 5 and not is_holiday(day)


def next_working_day(day: dt.date) -> dt.date:
    """`day` itself when it is a working day, else the first working day after it."""
    while not is_working_day(day):
        day += dt.timedelta(days=1)
    return day


def working_days_before(day: dt.date, count: int) -> dt.date:
    """The working day `count` working days before `day` (`day` itself not counted)."""
    while count > 0:
        day -= dt.timedelta(days=1)
        if is_working_day(day):
            count -= 1
    return day


def statutory_deadline(received: dt.datetime, days: int = 15) -> dt.date:
    """The last day of a time limit of `days` days counted from `received` (§ 40 of the
    Administrative Procedure Code, used by § 14(5)(d) of Act 106/1999 Sb.).

    The day of the event does not count; the limit counts calendar days; when the last day
    is a Saturday, a Sunday or a public holiday, the last day is the next working day. The day
    is the Prague day of `received`.
    """
    start = received.astimezone(PRAGUE).date() if received.tzinfo else received.date()
    return next_working_day(start + dt.timedelta(days=days))


def end_of_day(day: dt.date) -> dt.datetime:
    """23:59:59 of a Prague day, aware."""
    return dt.datetime.combine(day, dt.time(23, 59, 59), tzinfo=PRAGUE)


def weekly_hours(rows: Iterable[Any]) -> WeeklyHours:
    """A centre's `OpeningHours` rows (anything with weekday, opens, closes) as `WeeklyHours`;
    no rows: `DEFAULT_HOURS`."""
    hours: dict[int, list[Interval]] = {}
    for row in rows:
        hours.setdefault(int(row.weekday), []).append((row.opens, row.closes))
    if not hours:
        return DEFAULT_HOURS
    return {day: tuple(sorted(intervals)) for day, intervals in hours.items()}


def _working_intervals(
    day: dt.date, hours: WeeklyHours
) -> Iterator[tuple[dt.datetime, dt.datetime]]:
    """The day's working intervals as aware datetimes (none on a public holiday)."""
    if is_holiday(day):
        return
    for opens, closes in hours.get(day.weekday(), ()):
        begin = dt.datetime.combine(day, opens, tzinfo=PRAGUE)
        end = dt.datetime.combine(day, closes, tzinfo=PRAGUE)
        if end > begin:
            yield begin, end


def add_working_minutes(
    start: dt.datetime, minutes: int, hours: WeeklyHours | None = None
) -> dt.datetime:
    """The moment when `minutes` of working time have passed since `start` (aware), in
    Prague time. A target that ends exactly at closing time is that closing time; zero
    minutes is `start` itself."""
    if start.tzinfo is None:
        raise ValueError("start must be an aware datetime")
    hours = hours or DEFAULT_HOURS
    start = start.astimezone(PRAGUE)
    if minutes <= 0:
        return start
    remaining = dt.timedelta(minutes=minutes)
    day = start.date()
    for _ in range(_MAX_DAYS):
        for begin, end in _working_intervals(day, hours):
            if end <= start:
                continue
            begin = max(begin, start)
            # Differences of aware datetimes in one zone are wall-clock differences, so they
            # go through UTC: a real hour is a working hour even on the DST days.
            available = end.astimezone(dt.UTC) - begin.astimezone(dt.UTC)
            if remaining <= available:
                return (begin.astimezone(dt.UTC) + remaining).astimezone(PRAGUE)
            remaining -= available
        day += dt.timedelta(days=1)
    raise ValueError("no working time in the opening hours")


def working_minutes_between(
    a: dt.datetime, b: dt.datetime, hours: WeeklyHours | None = None
) -> int:
    """Whole minutes of working time from `a` to `b` (0 when `b` is not after `a`)."""
    if b <= a:
        return 0
    hours = hours or DEFAULT_HOURS
    a_local, b_local = a.astimezone(PRAGUE), b.astimezone(PRAGUE)
    total = dt.timedelta()
    day = a_local.date()
    while day <= b_local.date():
        for begin, end in _working_intervals(day, hours):
            begin, end = max(begin, a_local), min(end, b_local)
            if end > begin:
                total += end.astimezone(dt.UTC) - begin.astimezone(dt.UTC)
        day += dt.timedelta(days=1)
    return int(total.total_seconds() // 60)
