"""Browser fixtures: pytest-playwright driving the Debian Chromium, never a downloaded one.

The browser tests run against pytest-django's `live_server`, whose requests the sync Playwright
API interleaves with its own event loop on the main thread. Django then believes it runs in an
async context and refuses ORM calls; the documented workaround for live-server tests is to allow
them. It is set at import so that it holds for the whole worker: once Playwright has started, the
loop stays "running" on this thread until the session ends.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

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
