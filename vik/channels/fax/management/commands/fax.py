"""`vik fax parse FILE [--account NAME] [--no-ocr] [--json]`: what VIK makes of one mail from a
fax gateway, for an administrator setting a gateway up or asking why a fax was filed as it was.

It prints the calling number and where it was found, the sender's name or station id, the fax
documents, and the text (with OCR, as the channel reads it, unless --no-ocr). `--account` applies
that fax account's settings (its own number, the PBX prefix, the OCR limits). Nothing is stored.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import IO, Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation

from vik.channels.core.choices import ChannelKind
from vik.channels.core.models import ChannelAccount
from vik.channels.mail.parser import MailUnparseable, parse_mail

from ...adapter import (
    LANGUAGE,
    calling_number,
    documents_to_read,
    fax_documents,
    fax_settings_of,
    fax_text,
    read_documents,
)


class Command(BaseCommand):
    help = "Fax tools: `parse FILE` shows what VIK makes of one mail from a fax gateway."
    stealth_options = ("stdin",)

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        parse = sub.add_parser("parse", help="parse one gateway mail ('-' for stdin)")
        parse.add_argument("file", help="path of an .eml file, or - to read stdin")
        parse.add_argument("--account", help="apply the settings of this fax account")
        parse.add_argument("--no-ocr", action="store_true", help="do not read the pages")
        parse.add_argument("--json", action="store_true", help="print JSON instead of text")

    def handle(self, *args: Any, **options: Any) -> None:
        raw = self._read(options["file"], options.get("stdin"))
        fax_settings: dict[str, Any] = {}
        if options.get("account"):
            account = ChannelAccount.objects.filter(
                name=options["account"], kind=ChannelKind.FAX
            ).first()
            if account is None:
                raise CommandError(f"no fax account named {options['account']!r}", returncode=1)
            fax_settings = fax_settings_of(account.settings or {})
        try:
            parsed = parse_mail(raw)
        except MailUnparseable as exc:
            raise CommandError(f"not an e-mail message: {exc}", returncode=1) from exc
        caller = calling_number(raw, parsed, fax_settings)
        documents = fax_documents(parsed.attachments)
        data: dict[str, Any] = {
            "message_id": parsed.message_id,
            "subject": parsed.subject,
            "calling_number": caller.number,
            "found_in": caller.source,
            "name": caller.name,
            "documents": [
                {"filename": d.filename, "content_type": d.content_type, "size": len(d.content)}
                for d in documents
            ],
            "verdict": "fax" if documents else "quarantine: the fax message carries no PDF or TIFF",
        }
        if documents and not options["no_ocr"]:
            with translation.override(LANGUAGE):
                results = read_documents(documents_to_read(documents), fax_settings)
                data["text"] = fax_text(results, caller)
            data["ocr"] = [
                {"pages": r.pages, "recognised": r.recognised, "seconds": r.seconds,
                 "page_seconds": list(r.page_seconds), "notes": list(r.notes)}
                for r in results
            ]  # fmt: skip
        if options["json"]:
            self.stdout.write(json.dumps(data, ensure_ascii=False, indent=2))
            return
        lines = [
            f"Subject:        {data['subject']}",
            f"Message-ID:     {data['message_id'] or '-'}",
            f"Calling number: {caller.number or 'unknown'}"
            + (f" (from {caller.source})" if caller.source else ""),
            f"Name / TSI:     {caller.name or '-'}",
            f"Verdict:        {data['verdict']}",
        ]
        lines += [
            f"Document:       {d['filename']} ({d['content_type']}, {d['size']} bytes)"
            for d in data["documents"]
        ]
        for result in data.get("ocr", []):
            lines.append(
                f"OCR:            {result['recognised']} of {result['pages']} pages in "
                f"{result['seconds']:.1f} s"
            )
        if "text" in data:
            lines += ["", data["text"]]
        self.stdout.write("\n".join(lines))

    def _read(self, name: str, stdin: IO[bytes] | None) -> bytes:
        if name == "-":
            return (stdin or sys.stdin.buffer).read()
        try:
            return Path(name).read_bytes()
        except OSError as exc:
            raise CommandError(f"cannot read {name}: {exc.strerror or exc}", returncode=1) from exc
