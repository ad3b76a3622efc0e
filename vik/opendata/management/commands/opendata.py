"""`vik opendata publish [--region CODE]`: compute today's statistics snapshot now."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from vik.opendata import selectors, services


class Command(BaseCommand):
    help = (
        "Transparency and open data (/statistiky/): `publish` computes today's snapshot of every "
        "region with an information centre (or of one), replacing today's if there is one."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        publish = sub.add_parser("publish", help="compute and publish today's statistics")
        publish.add_argument(
            "--region", help="ČSÚ code or abbreviation of the region (default: all)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["region"]:
            region = selectors.region_find(options["region"])
            if region is None:
                raise CommandError(f"no region {options['region']}")
            regions = [region]
        else:
            regions = selectors.published_regions()
        for region in regions:
            snapshot = services.snapshot_publish(region=region)
            self.stdout.write(f"{region.name}: statistics of {snapshot.date} published")
