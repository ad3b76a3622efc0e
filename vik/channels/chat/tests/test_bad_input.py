"""Bad input on the real site (issue 16): oversized messages and files, floods, invalid frames,
unknown chats, a closed chat, a socket that never reads. Each gets a clear error frame or a close
with a reason; the consumer keeps working and no conversation hears another's messages."""

from __future__ import annotations

import time

import httpx
import pytest
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import connect
from websockets.typing import Origin

from vik.testing.asgi import AsgiSite

from .helpers import (
    accepted,
    ack_of,
    chat_start,
    citizen_hello,
    closed_with,
    console_ready,
    frames_within,
    message_of,
    send,
    until,
)


def _error(socket, code: str | None = None):  # type: ignore[no-untyped-def]
    frame = until(socket, lambda f: f["type"] == "error")
    if code is not None:
        assert frame["code"] == code, frame
    assert frame["reason"]
    return frame


def _still_works(socket, marker: str) -> None:  # type: ignore[no-untyped-def]
    """The socket still stores and acknowledges a message after the bad frame."""
    send(socket, type="message", id=marker, text="Jsem tu pořád.")
    ack = until(socket, lambda f: f["type"] in ("ack", "error"))
    assert ack["type"] == "ack" and ack["id"] == marker, ack


def test_bad_frames_get_an_error_and_the_socket_keeps_working(chat_site: AsgiSite):
    site = chat_site
    with console_ready(site, site.new_agent()):
        started = chat_start(site)
        citizen, _state = citizen_hello(site, started["token"])
        with citizen:
            send(citizen, type="message", id="long", text="x" * 4001)
            assert "4000" in _error(citizen, "too_long")["reason"]
            citizen.send("x" * 40_000)  # over VIK_CHAT_FRAME_MAX_BYTES (32 KiB)
            _error(citizen, "too_long")
            citizen.send("to není JSON")
            _error(citizen, "bad_frame")
            citizen.send("[1, 2, 3]")
            _error(citizen, "bad_frame")
            send(citizen, type="dance")
            _error(citizen, "bad_frame")
            send(citizen, type="message", id="x", text=42)
            _error(citizen, "bad_frame")
            send(citizen, type="message", id="", text="Bez id")
            _error(citizen, "bad_frame")
            send(citizen, type="message", id="blank", text="   ")
            _error(citizen, "empty")
            send(citizen, type="sync", after="nic")
            _error(citizen, "bad_frame")
            send(citizen, type="rate", score=9)
            _error(citizen, "bad_frame")
            citizen.send(b"\x00\x01binary")
            _error(citizen, "bad_frame")
            _still_works(citizen, "after-bad")
    assert site.rows(
        "SELECT count(*) FROM chat_channel_chatmessage WHERE session_id = ? AND sender = 'citizen'",
        (started["chat"],),
    ) == [(2,)]  # the first message and the one after the bad frames


def test_a_frame_over_the_servers_limit_closes_with_1009(chat_site: AsgiSite):
    """Above uvicorn's own limit (16 MiB) the server closes the socket: "message too big"."""
    with connect(chat_site.ws_url(0), max_size=None) as citizen:
        try:
            citizen.send("x" * (17 * 1024 * 1024))
            code, _frames = closed_with(citizen, 20)
        except ConnectionClosed as closed:
            code = closed.rcvd.code if closed.rcvd else None
    assert code == 1009
    assert httpx.get(f"{chat_site.url(0)}/healthz", timeout=5).status_code == 200


def test_a_message_before_hello_and_an_unknown_token(chat_site: AsgiSite):
    with chat_site.citizen(0) as citizen:
        send(citizen, type="message", id="m", text="Haló?")
        _error(citizen, "no_hello")
        send(citizen, type="hello", token="no-such-token")
        code, frames = closed_with(citizen)
    assert code == 4404
    assert [f["code"] for f in frames if f["type"] == "error"] == ["unknown_chat"]


def test_a_citizen_flood_gets_error_frames_then_a_close(chat_site: AsgiSite):
    site = chat_site
    with console_ready(site, site.new_agent()):
        started = chat_start(site)
        citizen, _state = citizen_hello(site, started["token"])
        with citizen:
            for number in range(120):  # burst 20, then 5 a second; close after 50 refused
                try:
                    send(citizen, type="typing", on=bool(number % 2))
                except ConnectionClosed:
                    break
            code, frames = closed_with(citizen)
    assert code == 4008
    floods = [f for f in frames if f.get("code") == "flood"]
    assert floods and floods[0]["reason"]


def test_a_file_too_big_or_refused_and_an_unknown_token(chat_site: AsgiSite):
    site = chat_site
    with console_ready(site, site.new_agent()):
        started = chat_start(site)
        upload = f"{site.url(0)}/chat/api/upload"
        big = httpx.post(
            upload, data={"token": started["token"], "id": "f1"},
            files={"file": ("velky.pdf", b"%PDF-1.4\n" + b"0" * 11_000_000, "application/pdf")},
            timeout=30,
        )  # fmt: skip
        assert big.status_code == 422 and big.json()["error"] == "file_refused", big.text
        assert big.json()["reason"]
        program = httpx.post(
            upload, data={"token": started["token"], "id": "f2"},
            files={"file": ("hra.exe", b"MZ\x90\x00" + b"\x00" * 100, "application/octet-stream")},
        )  # fmt: skip
        assert program.status_code == 422 and program.json()["error"] == "file_refused"
        unknown = httpx.post(
            upload, data={"token": "nope", "id": "f3"},
            files={"file": ("a.txt", b"text", "text/plain")},
        )  # fmt: skip
        assert unknown.status_code == 404 and unknown.json()["error"] == "unknown_chat"
        good = httpx.post(
            upload, data={"token": started["token"], "id": "f4"},
            files={"file": ("zprava.txt", "Dobrý den".encode(), "text/plain")},
        )  # fmt: skip
        assert good.status_code == 201, good.text
    assert site.rows(
        "SELECT text FROM chat_channel_chatmessage WHERE session_id = ? AND attachment_id IS NOT "
        "NULL",
        (started["chat"],),
    ) == [("zprava.txt",)]


def test_agent_frames_about_unknown_closed_or_foreign_chats(chat_site: AsgiSite):
    site = chat_site
    with console_ready(site, site.new_agent()) as console:
        send(console, type="message", chat=999_999, id="a", text="Komu?")
        _error(console, "unknown_chat")
        send(console, type="accept", chat=999_999)
        _error(console, "unknown_chat")
        send(console, type="open", chat="one")
        _error(console, "bad_frame")
        started = chat_start(site)
        chat = started["chat"]
        send(console, type="message", chat=chat, id="early", text="Ještě nepřijato")
        _error(console, "forbidden")
        assert accepted(console, chat)["type"] == "chat"
        send(console, type="close", chat=chat)
        until(
            console, lambda f: f["type"] == "chat" and f["chat"] == chat and f["state"] == "closed"
        )
        send(console, type="message", chat=chat, id="late", text="Po konci")
        _error(console, "closed")
        send(console, type="beat")
        assert until(console, lambda f: f["type"] in ("beat", "error"))["type"] == "beat"
        with console_ready(site, site.new_agent("vys-trebic")) as stranger:
            other = chat_start(site)
            send(stranger, type="accept", chat=other["chat"])
            assert _error(stranger)["code"] in ("forbidden", "unknown_chat")
            send(stranger, type="open", chat=other["chat"])
            _error(stranger, "unknown_chat")
            send(stranger, type="message", chat=other["chat"], id="s", text="Cizí")
            _error(stranger, "unknown_chat")
    assert (
        site.rows(
            "SELECT client_id FROM chat_channel_chatmessage WHERE session_id IN (?, ?) "
            "AND sender = 'agent'",
            (chat, other["chat"]),
        )
        == []
    )


def test_the_console_refuses_a_foreign_origin_and_an_anonymous_socket(chat_site: AsgiSite):
    site = chat_site
    cookie = site.login(site.new_agent())
    with pytest.raises(Exception) as refused:
        connect(
            site.ws_url(0, "/ws/chat/staff/"), origin=Origin("https://evil.example"),
            additional_headers={"Cookie": f"sessionid={cookie}"},
        )  # fmt: skip
    assert "403" in str(refused.value)
    with connect(site.ws_url(0, "/ws/chat/staff/"), origin=Origin(site.url(0))) as anonymous:
        code, _frames = closed_with(anonymous)
    assert code == 4401


def test_two_citizens_hear_only_their_own_chat_and_never_a_note(chat_site: AsgiSite):
    site = chat_site
    with console_ready(site, site.new_agent()) as console:
        first, second = chat_start(site, "První"), chat_start(site, "Druhý")
        accepted(console, first["chat"])
        accepted(console, second["chat"])
        one, _s1 = citizen_hello(site, first["token"], index=0)
        two, _s2 = citizen_hello(site, second["token"], index=1)
        with one, two:
            # The second citizen cannot join the first chat without its token.
            send(two, type="hello", token=second["token"][:-1] + "x")
            code, _frames = closed_with(two)
            assert code == 4404
            two, _s2 = citizen_hello(site, second["token"], index=1)
            for chat, name in ((first["chat"], "one"), (second["chat"], "two")):
                send(console, type="message", chat=chat, id=f"pub-{name}", text=f"Pro {name}")
                send(console, type="message", chat=chat, id=f"note-{name}", text="Interní",
                     internal=True)  # fmt: skip
            send(one, type="message", id="c-one", text="Od prvního")
            send(two, type="message", id="c-two", text="Od druhého")
            heard_one, heard_two = frames_within(one, 2), frames_within(two, 0.5)
    ids_one = {f.get("id") for f in heard_one if f["type"] == "message"}
    ids_two = {f.get("id") for f in heard_two if f["type"] == "message"}
    assert {"pub-one", "c-one"} <= ids_one and ids_one.isdisjoint({"pub-two", "c-two"})
    assert {"pub-two", "c-two"} <= ids_two and ids_two.isdisjoint({"pub-one", "c-one"})
    assert not any(f.get("internal") or f.get("id", "").startswith("note") for f in heard_one)
    assert not any(f.get("internal") or f.get("id", "").startswith("note") for f in heard_two)


def test_a_socket_that_never_reads_does_not_slow_the_others(chat_site: AsgiSite):
    site = chat_site
    agent = site.new_agent()
    with console_ready(site, agent) as console:
        stuck, live = chat_start(site, "Nečtu"), chat_start(site, "Čtu")
        accepted(console, stuck["chat"])
        accepted(console, live["chat"])
        # A client that never reads: its small queue fills, then the kernel's buffers do.
        lazy = connect(site.ws_url(0), max_queue=1)
        send(lazy, type="hello", token=stuck["token"])
        reader, _state = citizen_hello(site, live["token"], index=0)
        # Three tabs of the agent's console, each within its flood allowance (a burst of 20).
        tabs = [console_ready(site, agent, index=i % 2) for i in range(3)]
        with lazy, reader:
            text = "Dlouhá odpověď. " * 249
            sent = 0
            for _round in range(4):
                last: dict[object, str] = {}
                for tab in tabs:
                    for _ in range(20):
                        send(tab, type="message", chat=stuck["chat"], id=f"s{sent}", text=text)
                        last[tab], sent = f"s{sent}", sent + 1
                for tab in tabs:
                    frame = until(tab, ack_of(last[tab]), 30)
                    assert frame["type"] == "ack", frame
                time.sleep(4)
            waits = []
            for number in range(5):
                started = time.monotonic()
                send(console, type="message", chat=live["chat"], id=f"l{number}", text="Hned")
                until(reader, message_of(f"l{number}"))
                waits.append(time.monotonic() - started)
        for tab in tabs:
            tab.close()
    assert max(waits) < 1.0, waits
    assert httpx.get(f"{site.url(0)}/healthz", timeout=5).status_code == 200
    assert site.rows(
        "SELECT count(*) FROM chat_channel_chatmessage WHERE session_id = ? AND sender = 'agent'",
        (stuck["chat"],),
    ) == [(sent,)]


def test_a_flood_of_garbage_is_closed_like_a_flood_of_messages(chat_site: AsgiSite):
    with chat_site.citizen(0) as citizen:
        for _number in range(120):
            try:
                citizen.send("{nesmysl")
            except ConnectionClosed:
                break
        code, frames = closed_with(citizen)
    assert code == 4008
    assert {f["code"] for f in frames} == {"bad_frame", "flood"}


def test_a_refused_file_is_explained_in_the_chat_s_language(chat_site: AsgiSite):
    """A multipart upload names no language: the refusal speaks the one the chat began in."""
    site = chat_site
    with console_ready(site, site.new_agent()):
        started = chat_start(site, "Hello, a question about parking.", language="en")
        program = httpx.post(
            f"{site.url(0)}/chat/api/upload", data={"token": started["token"], "id": "f1"},
            files={"file": ("game.exe", b"MZ\x90\x00" + b"\x00" * 100, "application/octet-stream")},
        )  # fmt: skip
    assert program.status_code == 422
    assert "is not allowed" in program.json()["reason"], program.text
