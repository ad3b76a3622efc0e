"""Browser fixtures: pytest-playwright driving the Debian Chromium, never a downloaded one.

The browser tests run against pytest-django's `live_server`, whose requests the sync Playwright
API interleaves with its own event loop on the main thread. Django then believes it runs in an
async context and refuses ORM calls; the documented workaround for live-server tests is to allow
them. It is set at import so that it holds for the whole worker: once Playwright has started, the
loop stays "running" on this thread until the session ends.

On the embedded SQLite the test database lives in memory, and the live server's request threads
all share the test's one connection. A page that fires requests of its own while the user acts
(the notification bell and the presence poll load with the request page) would then run two
statements on one connection at once, and SQLite refuses: "cannot open savepoint - SQL statements
in progress". There the live server handles one request at a time, as a single database
connection can; on PostgreSQL each thread has its own connection and requests stay concurrent.
When a test ends, the server stops serving before pytest-django empties the database: a poll of
the page that arrives late (the presence poll, every few seconds) gets a 503 instead of meeting
the flush ("database table is locked") or the blocked database of the next test.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any
from wsgiref.types import StartResponse, WSGIApplication, WSGIEnvironment

import pytest
from django.core.servers.basehttp import ThreadedWSGIServer
from django.test.testcases import LiveServerThread

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = Path(os.environ.get("VIK_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


class _SharedConnectionServer(ThreadedWSGIServer):
    """The live server; one request at a time when its threads share the test's connection."""

    def set_app(self, application: WSGIApplication | None) -> None:
        if application is not None and getattr(self, "connections_override", None):
            application = _one_at_a_time(application)
        super().set_app(application)


class _Gate:
    """Whether the live server serves the running test (see the module docstring)."""

    lock = threading.Lock()
    serving = True


def _one_at_a_time(application: WSGIApplication) -> WSGIApplication:
    def serialised(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        with _Gate.lock:
            if not _Gate.serving:
                start_response("503 Service Unavailable", [("Content-Type", "text/plain")])
                return [b"The test has ended."]
            return application(environ, start_response)

    return serialised


@pytest.fixture(autouse=True)
def _live_server_gate(request: pytest.FixtureRequest) -> Iterator[None]:
    """Open for the test; closed, once the request being served is done, before the database is
    emptied (the dependency on `transactional_db` makes it tear down after this fixture)."""
    if "live_server" in request.fixturenames:
        request.getfixturevalue("transactional_db")
    with _Gate.lock:
        _Gate.serving = True
    yield
    with _Gate.lock:
        _Gate.serving = False


setattr(LiveServerThread, "server_class", _SharedConnectionServer)  # noqa: B010 — untyped in the stubs


def _in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in {"true", "1", "yes"}


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    """Overrides pytest-playwright's: launch /usr/bin/chromium headless, offline-friendly."""
    if not (CHROMIUM.is_file() and os.access(CHROMIUM, os.X_OK)):
        message = (
            f"Chromium is missing at {CHROMIUM}: run scripts/system-deps.sh "
            "(apt-get install chromium). Never run `playwright install`."
        )
        if _in_ci():
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    return {
        **browser_type_launch_args,
        "executable_path": str(CHROMIUM),
        "args": CHROMIUM_ARGS,
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict[str, Any]) -> dict[str, Any]:
    """Czech first, as a citizen of Vysočina browses."""
    return {**browser_context_args, "locale": "cs-CZ"}
