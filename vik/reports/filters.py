"""What a report is asked for (`ReportFilters`) and what its reader may see (`Scope`).

Periods are Prague calendar days, both ends inclusive. A request belongs to the period in which
it was received (a cohort): its first response, resolution, deadlines and rating are counted
with it even when they happened later, so a month's figures do not move when they are reread
except while that month's requests are still being answered.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Literal

Granularity = Literal["day", "week", "month"]


@dataclass(frozen=True)
class ReportFilters:
    date_from: dt.date
    date_to: dt.date
    granularity: Granularity = "month"
    # Empty: no restriction by that dimension.
    centre_ids: tuple[int, ...] = ()
    channels: tuple[str, ...] = ()
    topic_ids: tuple[int, ...] = ()  # a topic includes its subtopics
    municipality_ids: tuple[int, ...] = ()
    orp_ids: tuple[int, ...] = ()
    kinds: tuple[str, ...] = ()
    agent_ids: tuple[int, ...] = ()


@dataclass(frozen=True)
class Scope:
    """What the reader may see, decided by `vik.tenancy.permissions.reports`: a region, and
    within it all centres (`centre_ids is None`) or some; an agent only their own work."""

    region_id: int
    centre_ids: frozenset[int] | None = None
    agent_id: int | None = None
    # Whether the reader sees who read personal data in the region
    # (`permissions.can_see_data_access`): the audit report's section on personal-data access
    # is shown only then.
    sees_data_access: bool = False
    # Shown on the report and its exports ("Kraj Vysočina", "IC Jihlava", "Alice Nováková").
    label: str = field(default="", compare=False)
