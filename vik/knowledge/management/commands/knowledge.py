"""`vik knowledge import --jsonl FILE` and `vik knowledge export`: articles as JSON Lines."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from vik.knowledge import selectors, services
from vik.knowledge.choices import Audience
from vik.knowledge.exchange import export_lines
from vik.tenancy.models import InformationCentre, User
from vik.territory.models import Region


class Command(BaseCommand):
    help = (
        "Knowledge articles as JSON Lines: `import` brings existing content in (idempotent), "
        "`export` writes the live articles to standard output, `prune-usage` deletes old "
        "usage events."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        load = sub.add_parser(
            "import",
            help="import one JSON object per line: title, body (required); kind, topic, "
            "source_url, question, summary, sections, audience, tags, slug, region, centre, en",
        )
        load.add_argument("--jsonl", required=True, help="the file, or - for standard input")
        load.add_argument("--region", help="ČSÚ code of the region the articles are for")
        load.add_argument("--centre", help="slug of the centre the articles are for")
        load.add_argument(
            "--audience", choices=Audience.values, default=Audience.PUBLIC,
            help="audience of new articles whose line does not say (default: public)",
        )  # fmt: skip
        load.add_argument(
            "--draft", action="store_true", help="leave the changes as drafts to review"
        )
        load.add_argument(
            "--by", help="username of the author (default: VIK itself, with every permission)"
        )
        dump = sub.add_parser("export", help="write the live articles as JSON Lines to stdout")
        dump.add_argument("--audience", choices=Audience.values, help="only this audience")
        dump.add_argument("--region", help="only articles of this region (ČSÚ code)")
        prune = sub.add_parser(
            "prune-usage", help="delete usage events (the usage metrics) older than DAYS"
        )
        prune.add_argument(
            "--older-than", type=int, metavar="DAYS", default=None,
            help="age in days (default: VIK_KNOWLEDGE_USAGE_RETENTION_DAYS)",
        )  # fmt: skip

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "import":
            self._import(options)
        elif options["action"] == "prune-usage":
            self._prune(options)
        else:
            self._export(options)

    def _prune(self, options: dict[str, Any]) -> None:
        days = options["older_than"]
        if days is not None and days < 0:
            raise CommandError("--older-than must not be negative")
        deleted = services.usage_prune(older_than_days=days)
        self.stdout.write(f"{deleted} usage events deleted")

    def _import(self, options: dict[str, Any]) -> None:
        region = _region(options["region"])
        centre = None
        if options["centre"]:
            centre = InformationCentre.objects.filter(slug=options["centre"]).first()
            if centre is None:
                raise CommandError(f"no centre {options['centre']}")
        by = None
        if options["by"]:
            by = User.objects.filter(username=options["by"], is_active=True).first()
            if by is None:
                raise CommandError(f"no active user {options['by']}")
        if options["jsonl"] == "-":
            lines = sys.stdin.read().splitlines()
        else:
            path = Path(options["jsonl"])
            if not path.is_file():
                raise CommandError(f"no file {path}")
            lines = path.read_text(encoding="utf-8-sig").splitlines()
        report = services.articles_import(
            lines=lines,
            by=by,
            region=region,
            centre=centre,
            audience=options["audience"],
            publish=not options["draft"],
        )
        if report.errors:
            for error in report.errors:
                self.stderr.write(str(error))
            raise CommandError(f"nothing imported: {len(report.errors)} line(s) to correct")
        self.stdout.write(
            f"created {report.created}, updated {report.updated}, unchanged {report.unchanged}"
        )

    def _export(self, options: dict[str, Any]) -> None:
        articles = selectors.articles_for_export(
            audience=options["audience"] or "", region=_region(options["region"])
        )
        for line in export_lines(articles):
            self.stdout.write(line)


def _region(code: str | None) -> Region | None:
    if not code:
        return None
    region = Region.objects.filter(code=code).first()
    if region is None:
        raise CommandError(f"no region with the code {code}")
    return region
