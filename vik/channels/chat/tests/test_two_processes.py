"""Two ASGI server processes behind the same Redis: a citizen connected to one and the agent to
the other chat normally, both ways (issue 16, "Transport and real components")."""

from __future__ import annotations

import json
from typing import Any

import httpx

from vik.testing.asgi import AsgiSite


def _until(socket: Any, wanted: Any, frames: int = 20) -> dict[str, Any]:
    for _ in range(frames):
        frame: dict[str, Any] = json.loads(socket.recv(10))
        if wanted(frame):
            return frame
    raise AssertionError("the frame did not come")


def test_a_citizen_on_one_process_and_the_agent_on_the_other_chat_both_ways(chat_site: AsgiSite):
    site = chat_site
    with site.console(site.new_agent(), index=1) as console:
        assert json.loads(console.recv(10))["type"] == "hello"
        started = httpx.post(
            f"{site.url(0)}/chat/api/start",
            json={"centre": "jihlava", "text": "Kdy je otevřen sběrný dvůr?", "id": "first"},
        )
        assert started.status_code == 201, started.text
        chat = started.json()["chat"]
        # Other tests' chats may wait in the same centre's queue.
        queue = _until(
            console, lambda f: f["type"] == "queue" and chat in [w["chat"] for w in f["waiting"]]
        )
        assert queue["waiting"]
        with site.citizen(0) as citizen:
            citizen.send(json.dumps({"type": "hello", "token": started.json()["token"]}))
            assert json.loads(citizen.recv(10))["state"] == "waiting"
            console.send(json.dumps({"type": "accept", "chat": chat}))
            _until(citizen, lambda f: f["type"] == "state" and f["state"] == "active")
            citizen.send(json.dumps({"type": "message", "id": "c1", "text": "Děkuji, čekám."}))
            got = _until(console, lambda f: f["type"] == "message" and f["id"] == "c1")
            assert got["from"] == "citizen" and got["chat"] == chat
            console.send(
                json.dumps({"type": "message", "chat": chat, "id": "a1", "text": "V 8 h."})
            )
            answer = _until(citizen, lambda f: f["type"] == "message" and f["id"] == "a1")
            assert answer["text"] == "V 8 h." and answer["from"] == "agent"
    stored = site.rows(
        "SELECT m.client_id FROM chat_channel_chatmessage m WHERE m.session_id = ? "
        "AND m.sender != 'system' ORDER BY m.seq",
        (chat,),
    )
    assert [row[0] for row in stored] == ["first", "c1", "a1"]
