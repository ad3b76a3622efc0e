"""`vik sms --account NAME`: hold the SMPP transceiver bind of an SMS account and store what the
SMSC sends (citizens' SMS, delivery receipts) as raw payloads; processing follows in a task.

Outbound SMS leave from the workers (`vik worker`), through a bind of their own per account and
process (docs/channels/sms.md says why). This process binds again with backoff when the SMSC
drops the connection, and sends enquire_link when the line is idle. One process per account:
docs/deploy/systemd/vik-sms@.service.
"""

from __future__ import annotations

import logging
import signal
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from vik.channels.core.choices import ChannelKind
from vik.channels.core.models import ChannelAccount

from ...adapter import session_for, sessions_close

log = logging.getLogger(__name__)


class Command(BaseCommand):
    help = "Hold an SMS account's SMPP bind and store the SMS and receipts the SMSC sends."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--account", required=True, help="name of the SMS channel account")
        parser.add_argument(
            "--seconds", type=float, default=0.0, help="stop after this long (0: run until killed)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            account = ChannelAccount.objects.get(name=options["account"], kind=ChannelKind.SMS)
        except ChannelAccount.DoesNotExist:
            raise CommandError(f"no SMS account named {options['account']!r}") from None
        stopping = []
        signal.signal(signal.SIGTERM, lambda *_a: stopping.append(True))
        session = session_for(account)
        self.stdout.write(f"vik sms: holding the bind of {account.name}")
        seconds = options["seconds"]
        try:
            if seconds:
                session.listen(seconds)
            else:
                while not stopping:
                    session.listen(1.0)
        except KeyboardInterrupt:
            pass
        finally:
            sessions_close()
