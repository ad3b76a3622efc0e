"""Working time as people write it: "8 h", "1 pracovní den", "1 d 4 h", "90 min".

Policies store working minutes; a working day is eight hours (480 minutes), as the policy form
says. Pure functions, no database."""

from __future__ import annotations

import re

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

WORKING_DAY_MINUTES = 8 * 60

_PART = re.compile(
    r"(?P<number>\d+(?:[.,]\d+)?)\s*(?P<unit>"
    r"pracovních\s+dní|pracovní\s+dny|pracovní\s+den|dní|dny|den|dnů|days?|d"
    r"|hodin[ay]?|hod\.?|hours?|h"
    r"|minut[ay]?|min\.?|minutes?|m"
    r")?(?![\w])",
    re.IGNORECASE,
)
_UNIT_MINUTES = {"d": WORKING_DAY_MINUTES, "h": 60, "m": 1}


def working_minutes_parse(text: str) -> int | None:
    """ "8 h" → 480, "1 den" → 480, "2 dny 4 h" → 1200, "90 min" → 90, "1,5 h" → 90,
    "16" → 960 (a bare number is hours); None when the text is not a duration."""
    rest = text.strip()
    if not rest:
        return None
    total = 0.0
    position = 0
    for match in _PART.finditer(rest):
        if rest[position : match.start()].strip(" ,+a"):
            return None
        unit = (match.group("unit") or "h").lower()
        key = "d" if unit.startswith(("d", "p")) else "h" if unit.startswith("h") else "m"
        total += float(match.group("number").replace(",", ".")) * _UNIT_MINUTES[key]
        position = match.end()
    if position == 0 or rest[position:].strip():
        return None
    return round(total)


def working_minutes_text(minutes: int) -> str:
    """480 → "1 pracovní den", 1200 → "2 pracovní dny 4 h", 90 → "1 h 30 min", 45 → "45 min"."""
    minutes = max(int(minutes), 0)
    days, rest = divmod(minutes, WORKING_DAY_MINUTES)
    hours, mins = divmod(rest, 60)
    parts = []
    if days:
        parts.append(
            ngettext("%(count)d working day", "%(count)d working days", days) % {"count": days}
        )
    if hours:
        parts.append(_("%(count)d h") % {"count": hours})
    if mins or not parts:
        parts.append(_("%(count)d min") % {"count": mins})
    return " ".join(parts)


def working_minutes_input(minutes: int) -> str:
    """What the form field shows for stored minutes: "8 h", "2 d 4 h", "30 min" (parseable)."""
    days, rest = divmod(max(int(minutes), 0), WORKING_DAY_MINUTES)
    hours, mins = divmod(rest, 60)
    parts = [f"{days} d"] if days else []
    if hours:
        parts.append(f"{hours} h")
    if mins or not parts:
        parts.append(f"{mins} min")
    return " ".join(parts)
