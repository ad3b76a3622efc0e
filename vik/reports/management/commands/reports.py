"""`vik reports refresh|rebuild|verify`: the reports' rollup from the command line.

- `vik reports refresh`: bring the rollup up to date with what changed (the periodic job).
- `vik reports rebuild`: recompute the fact of every request and the channel reports' daily
  counts.
- `vik reports verify [--from YYYY-MM-DD] [--to YYYY-MM-DD]`: compare the rollup with the raw
  tables; prints every difference, exit status 1 when there is one."""

from __future__ import annotations

import datetime as dt
import sys
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from vik.reports import rollups


class Command(BaseCommand):
    help = "The reports' rollup: refresh, rebuild, verify."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("refresh", help="bring the rollup up to date with what changed")
        sub.add_parser("rebuild", help="recompute the fact of every request")
        verify = sub.add_parser("verify", help="compare the rollup with the raw tables")
        verify.add_argument("--from", dest="date_from", type=dt.date.fromisoformat)
        verify.add_argument("--to", dest="date_to", type=dt.date.fromisoformat)

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.monotonic()
        action = options["action"]
        if action == "refresh":
            written = rollups.rollups_refresh()
            self.stdout.write(f"{written} facts written")
        elif action == "rebuild":
            result = rollups.rollups_rebuild()
            self.stdout.write(
                f"{result.examined} requests, {result.written} facts written, "
                f"{result.daily_written} daily counts of the channel reports "
                f"in {time.monotonic() - started:.1f} s"
            )
        else:
            self._verify(options["date_from"], options["date_to"])

    def _verify(self, date_from: dt.date | None, date_to: dt.date | None) -> None:
        found = rollups.rollups_verify(date_from, date_to)
        for request_id in found.facts_missing:
            self.stdout.write(f"request {request_id}: no fact")
        for request_id in found.facts_wrong:
            self.stdout.write(f"request {request_id}: the fact differs from the request")
        for region_id, key, ours, theirs in found.figures_wrong:
            differing = {
                name: (ours[name], theirs[name]) for name in ours if ours[name] != theirs[name]
            }
            self.stdout.write(f"region {region_id} {key}: rollup vs raw {differing}")
        self.stdout.write(
            f"{found.facts_examined} facts checked: "
            + ("the rollup agrees with the raw tables" if found.ok else "DIFFERENCES")
        )
        if not found.ok:
            sys.exit(1)
