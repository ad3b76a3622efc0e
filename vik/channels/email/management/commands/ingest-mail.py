"""`vik ingest-mail --account NAME`: one RFC 5322 message on stdin, as Postfix and Exim pipe it.

Exit 0 once the raw message is durably stored (processing follows in a task); exit 75
(EX_TEMPFAIL) when it cannot be stored, so that the mail server keeps it and retries. A message
that cannot be parsed is still stored (and quarantined by processing): never bounced, never
dropped.
"""

from __future__ import annotations

import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from vik.channels.core.choices import ChannelKind
from vik.channels.core.models import ChannelAccount
from vik.channels.core.services import inbound_accept
from vik.channels.mail.parser import idempotency_key

from ...adapter import RAW_CONTENT_TYPE

EX_OK, EX_TEMPFAIL = 0, 75


class Command(BaseCommand):
    help = "Store one e-mail message read from standard input (for a mail server's pipe)."
    # A mail server starts one process per message: skip the system checks (they import every
    # URL configuration and view) and keep the start-up to Django's own.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--account", required=True, help="name of the e-mail channel account")

    def handle(self, *args: Any, **options: Any) -> None:
        raw = sys.stdin.buffer.read()
        try:
            account = ChannelAccount.objects.get(
                name=options["account"], kind__in=[ChannelKind.EMAIL, ChannelKind.FAX]
            )
            payload, created = inbound_accept(
                account=account,
                idempotency_key=idempotency_key(raw),
                body=raw,
                content_type=RAW_CONTENT_TYPE,
                metadata={"source": "pipe"},
            )
        except ChannelAccount.DoesNotExist:
            self.stderr.write(f"vik ingest-mail: no e-mail account named {options['account']!r}")
            sys.exit(EX_TEMPFAIL)  # a configuration error must not lose the message either
        except Exception as error:  # the database is down, the disk is full, …
            self.stderr.write(f"vik ingest-mail: cannot store the message: {error}")
            sys.exit(EX_TEMPFAIL)
        state = "stored" if created else "already stored"
        self.stdout.write(f"{state} as payload {payload.pk} ({len(raw)} bytes)")
        sys.exit(EX_OK)
