"""A report's values in Czech notation, the same on the page, in the PDF and in the e-mail:
"1 234", "87 %", "4,2", working minutes as "2 h 15 min" or "3 d 4 h"."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

NBSP = "\u00a0"
# Working minutes in a day: a figure in days counts working days of 8 hours.
MINUTES_PER_DAY = 8 * 60


def _grouped(integer: int) -> str:
    text = f"{abs(integer):,}".replace(",", NBSP)
    return f"−{text}" if integer < 0 else text


def format_count(value: Any) -> str:
    if value is None or value == "":
        return "–"
    return _grouped(int(value))


def format_number(value: Any, places: int = 1) -> str:
    if value is None or value == "":
        return "–"
    number = round(float(value), places)
    whole = int(abs(number))
    text = _grouped(whole)
    if places:
        fraction = f"{abs(number):.{places}f}".split(".")[1]
        text = f"{text},{fraction}"
    return f"−{text}" if number < 0 else text


def format_percent(value: Any) -> str:
    """A share 0..1 as a percentage, with a decimal place below 10 %."""
    if value is None or value == "":
        return "–"
    percent = float(value) * 100
    places = 1 if 0 < abs(percent) < 10 and percent != int(percent) else 0
    return f"{format_number(percent, places)}{NBSP}%"


def format_minutes(value: Any) -> str:
    """Working minutes: "45 min", "2 h 15 min", "3 d 4 h" (a day of 8 working hours)."""
    if value is None or value == "":
        return "–"
    minutes = round(float(value))
    if minutes < 60:
        return f"{minutes}{NBSP}{_('min')}"
    if minutes < MINUTES_PER_DAY:
        hours, rest = divmod(minutes, 60)
        return f"{hours}{NBSP}h {rest}{NBSP}min" if rest else f"{hours}{NBSP}h"
    days, rest = divmod(minutes, MINUTES_PER_DAY)
    hours = rest // 60
    return f"{days}{NBSP}d {hours}{NBSP}h" if hours else f"{days}{NBSP}d"


def format_date(value: Any) -> str:
    if isinstance(value, dt.datetime):
        return f"{value:%-d. %-m. %Y %H:%M}"
    if isinstance(value, dt.date):
        return f"{value:%-d. %-m. %Y}"
    return "" if value is None else str(value)


def format_value(value: Any, kind: str) -> str:
    if kind == "count":
        return format_count(value)
    if kind == "percent":
        return format_percent(value)
    if kind == "minutes":
        return format_minutes(value)
    if kind == "number":
        return format_number(value)
    if kind == "date":
        return format_date(value)
    return "" if value is None else str(value)


def is_numeric_kind(kind: str) -> bool:
    return kind in {"count", "percent", "minutes", "number"}


def plain_number(value: Any) -> float | int | None:
    """A numeric value for a spreadsheet cell (Decimal and strings converted)."""
    if value is None or value == "":
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float | Decimal):
        return float(value)
    try:
        return float(str(value).replace(",", "."))
    except ValueError:
        return None
