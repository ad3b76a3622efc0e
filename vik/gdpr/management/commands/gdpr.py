"""`vik gdpr export|anonymise|retention`: the GDPR tasks from the command line.

- `vik gdpr export --contact ID [--output PATH]`: the ZIP of everything held about the person;
  prints its path.
- `vik gdpr anonymise --contact ID [--yes]`: erase the person, keep the statistics.
- `vik gdpr retention [--dry-run]`: apply the retention policies (or list what would go).

The command line acts as VIK itself ("system" in the audit log); docs/security/gdpr.md."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from vik.contacts.models import Contact
from vik.core import clock
from vik.gdpr import selectors, services


class Command(BaseCommand):
    help = "GDPR tasks: subject access (export), erasure (anonymise), retention."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        export = sub.add_parser("export", help="a ZIP of everything VIK holds about a contact")
        export.add_argument("--contact", type=int, required=True, help="the contact's id")
        export.add_argument(
            "--output",
            type=Path,
            help="where to write the ZIP (default: ./gdpr-contact-ID-DATE.zip)",
        )
        anonymise = sub.add_parser("anonymise", help="erase a contact, keep the statistics")
        anonymise.add_argument("--contact", type=int, required=True, help="the contact's id")
        anonymise.add_argument("--yes", action="store_true", help="do not ask for confirmation")
        retention = sub.add_parser("retention", help="apply the retention policies")
        retention.add_argument(
            "--dry-run", action="store_true", help="list what would go, change nothing"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "retention":
            self._retention(dry_run=options["dry_run"])
            return
        contact = Contact.objects.select_related("region").filter(pk=options["contact"]).first()
        if contact is None:
            raise CommandError(f"No contact {options['contact']}.")
        if action == "export":
            self._export(contact, options["output"])
        else:
            self._anonymise(contact, confirmed=options["yes"])

    def _export(self, contact: Contact, output: Path | None) -> None:
        path = output or Path(f"gdpr-contact-{contact.pk}-{clock.today():%Y-%m-%d}.zip")
        path = path.resolve()
        path.write_bytes(services.contact_export(contact=contact, actor=None))
        self.stdout.write(str(path))

    def _anonymise(self, contact: Contact, *, confirmed: bool) -> None:
        if not confirmed and sys.stdin.isatty():
            answer = input(f"Anonymise contact {contact.pk} and all their requests? [y/N] ")
            if answer.strip().lower() not in {"y", "yes", "a", "ano"}:
                raise CommandError("Nothing changed.")
        try:
            result = services.contact_anonymise(contact=contact, actor=None)
        except services.ErasureRefused as refused:
            raise CommandError(
                "Refused, nothing changed: the contact has information requests under Act "
                f"106/1999 that records management keeps ({refused}); docs/security/gdpr.md."
            ) from refused
        state = "anonymised" if result.first_time else "already anonymised, checked again"
        self.stdout.write(
            f"contact {contact.pk} {state}: {result.contacts} contact(s), {result.requests} "
            f"request(s), {result.interactions} message(s), {result.files} file(s) removed"
        )

    def _retention(self, *, dry_run: bool) -> None:
        now = clock.now()
        if dry_run:
            for item in selectors.retention_plan(now):
                self.stdout.write(f"{item.label}: {item.count}")
                for example in item.examples:
                    self.stdout.write(f"  {example}")
            self.stdout.write("dry run: nothing changed")
            return
        for outcome in services.retention_apply(now=now):
            self.stdout.write(f"{outcome.kind}: {outcome.done}")
