"""`vik mail parse FILE [--json]`: what VIK makes of one message, for an administrator asking
why a message was threaded, acknowledged, or marked as a bounce as it was.

Reads the file (or stdin for `-`), runs the same parser the e-mail channel runs, and prints
either a readable summary or the JSON of `parser.describe`. A file that is no e-mail at all
exits with status 1 and the reason on stderr.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import IO, Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from vik.channels.mail.parser import MailUnparseable, ParsedMail, describe, parse_mail

SUMMARY_TEXT_CHARS = 4000


class Command(BaseCommand):
    help = "E-mail tools: `parse FILE [--json]` shows what VIK makes of one RFC 5322 message."
    # Tests pass a binary stream here instead of replacing sys.stdin.
    stealth_options = ("stdin",)

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        parse = sub.add_parser("parse", help="parse one message file ('-' for stdin)")
        parse.add_argument("file", help="path of an .eml file, or - to read stdin")
        parse.add_argument("--json", action="store_true", help="print JSON instead of a summary")

    def handle(self, *args: Any, **options: Any) -> None:
        raw = self._read(options["file"], options.get("stdin"))
        try:
            parsed = parse_mail(raw)
        except MailUnparseable as exc:
            raise CommandError(f"not an e-mail message: {exc}", returncode=1) from exc
        if options["json"]:
            self.stdout.write(json.dumps(describe(parsed), ensure_ascii=False, indent=2))
        else:
            self.stdout.write(summary(parsed))

    def _read(self, name: str, stdin: IO[bytes] | None) -> bytes:
        if name == "-":
            return (stdin or sys.stdin.buffer).read()
        try:
            return Path(name).read_bytes()
        except OSError as exc:
            raise CommandError(f"cannot read {name}: {exc.strerror or exc}", returncode=1) from exc


def summary(parsed: ParsedMail) -> str:
    """A few labelled lines, then the text body (shortened), for a terminal."""
    data = describe(parsed)

    def people(items: list[dict[str, str] | None]) -> str:
        shown = [f"{p['name']} <{p['address']}>" if p["name"] else p["address"] for p in items if p]
        return ", ".join(shown) or "-"

    lines = [
        f"From:        {people([data['sender']])}",
        f"To:          {people(data['to'])}",
        f"Cc:          {people(data['cc'])}",
        f"Subject:     {data['subject']}",
        f"Date:        {data['date'] or '-'}",
        f"Message-ID:  {data['message_id'] or '-'}",
        f"In-Reply-To: {' '.join(data['in_reply_to']) or '-'}",
        f"References:  {' '.join(data['references']) or '-'}",
        f"Auto-reply:  {data['auto_reply'] or 'no (written by a person)'}",
    ]
    bounce = data["bounce"]
    if bounce:
        lines.append(
            f"Bounce:      {bounce['action']} {bounce['status']} for "
            f"{', '.join(bounce['recipients']) or '?'} (original "
            f"{bounce['original_message_id'] or '?'}): {bounce['diagnostic']}"
        )
    for item in data["attachments"]:
        inline = " inline" if item["is_inline"] else ""
        lines.append(
            f"Attachment:  {item['filename']} ({item['content_type']}, {item['size']} B{inline})"
        )
    lines += [f"Forwarded:   {item['subject']}" for item in data["forwarded"]]
    if parsed.calendar:
        lines.append(f"Calendar:    {len(parsed.calendar)} characters of iCalendar")
    lines += [f"Defect:      {defect}" for defect in data["defects"]]
    text = parsed.text
    if len(text) > SUMMARY_TEXT_CHARS:
        text = text[:SUMMARY_TEXT_CHARS] + f"\n[… {len(parsed.text) - SUMMARY_TEXT_CHARS} more]"
    return "\n".join([*lines, f"HTML:        {data['html_length']} characters", "", text])
