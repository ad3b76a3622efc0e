"""`vik lmtp`'s real server on a loopback port, and an LMTP client's delivery to it, for the
tests of the e-mail channel and of the demo."""

from __future__ import annotations

import asyncio
import contextlib
import smtplib
import threading
from collections.abc import Iterator
from typing import Any

import pytest

from vik.channels.email import lmtp

from .smtp import free_port


@pytest.fixture
def lmtp_port() -> Iterator[int]:
    """The receiver's server (`vik lmtp` without its signal handling) on a free port."""
    port = free_port()
    loop = asyncio.new_event_loop()
    listening = threading.Event()
    serving: dict[str, Any] = {}

    def run() -> None:
        asyncio.set_event_loop(loop)
        task = loop.create_task(lmtp.serve(f"127.0.0.1:{port}", ready=lambda _: listening.set()))
        serving["task"] = task
        with contextlib.suppress(asyncio.CancelledError):
            loop.run_until_complete(task)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    assert listening.wait(10), "the LMTP server did not start"
    try:
        yield port
    finally:
        loop.call_soon_threadsafe(serving["task"].cancel)
        thread.join(10)
        loop.close()


def lmtp_deliver(
    port: int, raw: bytes, recipients: list[str], sender: str = "jan.novak@example.cz"
) -> tuple[dict[str, int], list[Any]]:
    """One LMTP transaction: the RCPT code of each recipient, then the replies to the data,
    one per accepted recipient (RFC 2033 §4.2)."""
    with smtplib.LMTP("127.0.0.1", port) as client:
        client.ehlo_or_helo_if_needed()  # LMTP's ehlo is LHLO
        assert client.mail(sender)[0] == 250
        codes = {address: client.rcpt(address)[0] for address in recipients}
        accepted = [a for a in recipients if codes[a] == 250]
        if not accepted:
            return codes, []
        replies = [client.data(raw)]
        replies += [client.getreply() for _ in accepted[1:]]
    return codes, replies
