"""`vik demo`: migrate, load the Kraj Vysočina demo, then serve it with a worker on :8000.

`--no-serve` only loads. Running it again keeps what is there and adds what is missing.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from typing import Any

import uvicorn
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser

from vik.demo.services import demo_load, demo_summary


class Command(BaseCommand):
    help = "Load the Kraj Vysočina demo and serve it on http://127.0.0.1:8000"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--no-serve", action="store_true", help="only load the demo data")
        parser.add_argument("--requests", type=int, default=300)
        parser.add_argument("--addr", default="127.0.0.1:8000")

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write("Migrating the database …")
        call_command("migrate", interactive=False, verbosity=0)
        self.stdout.write(
            "Loading the territory, topics, centres, staff, knowledge articles and requests …"
        )
        report = demo_load(requests=options["requests"])
        self.stdout.write(demo_summary(report))
        if options["no_serve"]:
            return
        self.serve(options["addr"])

    def serve(self, addr: str) -> None:
        url = f"http://{addr}/"
        self.stdout.write(
            self.style.SUCCESS(
                f"\nVIK runs on {url}\n"
                f"  public portal (ask a question):  {url}\n"
                f"  guides and answers (knowledge):  {url}znalosti/\n"
                f"  search, e.g.:                    {url}znalosti/hledat/?q=ztráta+občanky\n"
                f"  staff workspace:                 {url}staff/  (log in as agent.jihlava)\n"
                f"  chat on a municipal page:        {url}chat/demo/  (console: {url}staff/chat/)\n"
                f"  knowledge centre for staff:      {url}staff/knowledge/  (log in as editor)\n"
                f"  statistics and open data:        {url}statistiky/\n"
                f"  administration:                  {url}admin/  (log in as admin)\n"
                f"  health:                          {url}healthz\n"
                "Press Ctrl+C to stop.\n"
            )
        )
        env = {**os.environ}
        vik = [sys.executable, "-m", "vik.cli"]
        worker = subprocess.Popen([*vik, "worker"], env=env)
        host, _colon, port = addr.rpartition(":")
        # uvicorn handles SIGTERM itself and raises it again once it has stopped: this handler
        # then turns it into an exit that runs the `finally` below, which stops the worker.
        signal.signal(signal.SIGTERM, _exit)
        try:
            # The ASGI application (HTTP and the chat's WebSockets) in one uvicorn process: the
            # in-memory channel layer of the embedded default is then enough.
            uvicorn.run(
                "config.asgi:application", host=host or "127.0.0.1", port=int(port),
                log_level="warning", ws_max_size=settings.VIK_CHAT_FRAME_MAX_BYTES * 2,
            )  # fmt: skip
        finally:
            worker.send_signal(signal.SIGTERM)
            try:
                worker.wait(10)
            except subprocess.TimeoutExpired:
                worker.kill()


def _exit(signum: int, frame: object) -> None:
    raise SystemExit(0)
