"""One real site for the chat's tests in each test process: two uvicorn processes over their own
database with the demo's network and staff, behind one Redis channel layer (vik.testing.asgi).
Made once per test process (loading it takes most of a minute); each test makes its own agents
(`site.new_agent()`) and chats, so that tests do not see each other's."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from vik.testing.asgi import AsgiSite, site_fixture

LAYER = "redis://127.0.0.1:6379/14"  # the chat tests' Redis database (the channel layer only)


@pytest.fixture(scope="session")
def chat_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[AsgiSite]:
    yield from site_fixture(
        Path(tmp_path_factory.mktemp("chat-site")), processes=2, layer_url=LAYER,
        # Every test's chats come from 127.0.0.1: the per-address limits would refuse them.
        VIK_RATE_LIMITS="chat_start=1000/m,chat_offline=1000/m,chat_upload=1000/m,"
        "chat_connect=5000/m",
    )  # fmt: skip
