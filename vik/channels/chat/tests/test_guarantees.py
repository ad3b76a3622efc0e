"""The chat's guarantees on the real site (docs/channels/chat.md): stored before acknowledged, a
client id stored once, nothing lost or doubled when a server process is killed mid-chat."""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest
from websockets.exceptions import ConnectionClosed

from vik.testing.asgi import AsgiSite

from .helpers import accepted, ack_of, chat_start, citizen_hello, console_ready, send, until


def test_the_same_client_id_twice_and_on_two_sockets_at_once_is_stored_once(chat_site: AsgiSite):
    site = chat_site
    with console_ready(site, site.new_agent()):
        started = chat_start(site)
        one, _s1 = citizen_hello(site, started["token"], index=0)
        two, _s2 = citizen_hello(site, started["token"], index=1)
        with one, two:
            send(one, type="message", id="dup", text="Jen jednou")
            first = until(one, lambda f: f["type"] == "ack")
            send(one, type="message", id="dup", text="Jen jednou")
            again = until(one, lambda f: f["type"] == "ack")
            acks: list[dict[str, Any]] = []

            def post(socket: Any) -> None:
                send(socket, type="message", id="race", text="Ze dvou oken")
                acks.append(until(socket, lambda f: f["type"] == "ack" and f["id"] == "race"))

            threads = [threading.Thread(target=post, args=(s,)) for s in (one, two)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(20)
    assert first["seq"] == again["seq"]
    assert len(acks) == 2 and acks[0]["seq"] == acks[1]["seq"]
    assert site.rows(
        "SELECT client_id, count(*) FROM chat_channel_chatmessage WHERE session_id = ? "
        "AND client_id IN ('dup', 'race') GROUP BY client_id ORDER BY client_id",
        (started["chat"],),
    ) == [("dup", 1), ("race", 1)]
    assert site.rows(
        "SELECT count(*) FROM conversations_interaction i JOIN chat_channel_chatsession s "
        "ON s.request_id = i.request_id WHERE s.id = ? "
        "AND i.text IN ('Jen jednou', 'Ze dvou oken')",
        (started["chat"],),
    ) == [(2,)]


@pytest.mark.parametrize("side", ["citizen", "agent"])
def test_a_killed_process_loses_nothing_and_doubles_nothing(chat_site: AsgiSite, side: str):
    site = chat_site
    agent = site.new_agent()
    index = 1  # the side under test is on process 1, which dies; the other stays on process 0
    console = console_ready(site, agent, index=index if side == "agent" else 0)
    started = chat_start(site)
    chat = started["chat"]
    accepted(console, chat)
    citizen, _state = citizen_hello(site, started["token"], index=index if side == "citizen" else 0)
    socket = citizen if side == "citizen" else console

    def post(client_id: str) -> None:
        if side == "citizen":
            send(socket, type="message", id=client_id, text=f"Zpráva {client_id}")
        else:
            send(socket, type="message", chat=chat, id=client_id, text=f"Zpráva {client_id}")

    acked: dict[str, int] = {}
    sent: list[str] = []
    killer = threading.Timer(2.0, site.kill, args=(index,))
    killer.start()
    try:
        for number in range(200):
            client_id = f"k{number}"
            post(client_id)
            sent.append(client_id)
            ack = until(socket, lambda f: f["type"] in ("ack", "error"), 5)
            assert ack["type"] == "ack", ack
            acked[ack["id"]] = ack["seq"]
            time.sleep(0.05)  # a brisk typist, within the flood allowance
    except (ConnectionClosed, AssertionError, OSError):
        pass
    killer.join()
    # Every acknowledged message is stored, under the number the ack gave.
    rows = dict(
        site.rows(
            "SELECT client_id, seq FROM chat_channel_chatmessage WHERE session_id = ?", (chat,)
        )
    )
    assert len(acked) >= 10 and all(rows.get(cid) == seq for cid, seq in acked.items())
    site.start(index)
    unacked = [cid for cid in sent if cid not in acked]
    last_seq = max(acked.values())
    for old in (citizen, console):
        old.close()
    if side == "citizen":
        socket, _state = citizen_hello(site, started["token"], index=index, after=last_seq)
        console = console_ready(site, agent, index=0)
    else:
        socket = console_ready(site, agent, index=index)
        send(socket, type="sync", chat=chat, after=last_seq)
    with socket, console:
        for client_id in [*unacked, "after-restart"]:  # the client sends again what it kept
            post(client_id)
            ack = until(socket, ack_of(client_id))
            assert ack["type"] == "ack", ack
            acked[client_id] = ack["seq"]
    stored = site.rows(
        "SELECT client_id, count(*) FROM chat_channel_chatmessage WHERE session_id = ? "
        "AND sender = ? GROUP BY client_id",
        (chat, side),
    )
    counts = dict(stored)
    assert all(counts.get(cid) == 1 for cid in [*sent, "after-restart"]), counts
    seqs = [seq for (seq,) in site.rows(
        "SELECT seq FROM chat_channel_chatmessage WHERE session_id = ? ORDER BY seq", (chat,)
    )]  # fmt: skip
    assert seqs == list(range(1, len(seqs) + 1))  # no gap, no number twice
