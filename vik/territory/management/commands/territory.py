"""`vik territory load`: load or refresh the regions, ORPs and municipalities."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from vik.territory.services import MUNICIPALITIES_FILE, REGIONS_FILE, territory_load


class Command(BaseCommand):
    help = "Territorial code lists (ČSÚ): `load` creates or updates them idempotently."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        load = sub.add_parser("load", help="load the code lists shipped with VIK (or newer ones)")
        load.add_argument("--regions", type=Path, default=REGIONS_FILE)
        load.add_argument("--municipalities", type=Path, default=MUNICIPALITIES_FILE)

    def handle(self, *args: Any, **options: Any) -> None:
        report = territory_load(
            regions_file=options["regions"], municipalities_file=options["municipalities"]
        )
        self.stdout.write(
            f"regions {report.regions}, ORPs {report.orps}, municipalities: "
            f"{report.municipalities_created} created, {report.municipalities_updated} updated, "
            f"{report.municipalities_retired} retired"
        )
