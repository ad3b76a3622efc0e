"""`vik lmtp [--listen HOST:PORT | --listen unix:PATH]`: receive mail from the mail server by
LMTP (RFC 2033), one long-running process instead of a process per message.

Each accepted recipient is answered `250` once the raw message is committed for its account,
`451` when it cannot be stored (the mail server keeps it and retries); an address no e-mail
account receives is refused at RCPT with `550`. SIGTERM or SIGINT stop it after the message
being stored. See docs/channels/email.md.
"""

from __future__ import annotations

import asyncio
import signal
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from ...lmtp import DEFAULT_MAX_BYTES, serve


class Command(BaseCommand):
    help = "Receive e-mail from the mail server by LMTP and store it (see docs/channels/email.md)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--listen",
            default="127.0.0.1:2424",
            help="HOST:PORT or unix:/path/to/socket (default 127.0.0.1:2424)",
        )
        parser.add_argument(
            "--max-bytes",
            type=int,
            default=DEFAULT_MAX_BYTES,
            help=f"the largest message accepted (default {DEFAULT_MAX_BYTES}); "
            "a larger one is refused with 552 and returned to its sender by the mail server",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        asyncio.run(self._run(options["listen"], options["max_bytes"]))

    async def _run(self, listen: str, max_bytes: int) -> None:
        serving = asyncio.ensure_future(serve(listen, max_bytes=max_bytes, ready=self._ready))
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(signum, serving.cancel)
        try:
            await serving
        except asyncio.CancelledError:
            self.stdout.write("vik lmtp: stopped")

    def _ready(self, bound: Any) -> None:
        self.stdout.write(f"vik lmtp: listening on {bound}")
        self.stdout.flush()
