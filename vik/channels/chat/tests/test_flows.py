"""The chat's flows on the real site, as agents and citizens live them: taking a chat, the
per-agent maximum, handing over to a colleague or another centre, inviting, closing, the citizen
leaving and coming back, the rating and the transcript, a message left offline, presence."""

from __future__ import annotations

import time
import uuid
from email import message_from_string

import httpx

from vik.testing.asgi import AsgiSite

from .helpers import (
    accepted,
    chat_start,
    citizen_hello,
    console_ready,
    frames_within,
    send,
    until,
)


def _user_id(site: AsgiSite, username: str) -> int:
    return int(site.rows("SELECT id FROM tenancy_user WHERE username = ?", (username,))[0][0])


def _centre_id(site: AsgiSite, slug: str) -> int:
    return int(site.rows("SELECT id FROM tenancy_informationcentre WHERE slug = ?", (slug,))[0][0])


def _request_of(site: AsgiSite, chat: int) -> tuple[str, int]:
    """The chat's request: its status and centre."""
    status, centre = site.rows(
        "SELECT r.status, r.centre_id FROM conversations_request r JOIN chat_channel_chatsession "
        "s ON s.request_id = r.id WHERE s.id = ?",
        (chat,),
    )[0]
    return str(status), int(centre)


def _worker(site: AsgiSite) -> None:
    if site.worker is None or site.worker.poll() is not None:
        site.start_worker()


def _mail_to(site: AsgiSite, address: str, seconds: float = 60) -> str:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        for mail in site.mails():
            if address in mail:
                return mail
        time.sleep(0.5)
    raise AssertionError(f"no e-mail to {address}")


def test_the_first_to_accept_has_the_chat_up_to_their_maximum(chat_site: AsgiSite):
    site = chat_site
    with (
        console_ready(site, site.new_agent()) as anna,
        console_ready(site, site.new_agent()) as ben,
    ):
        chats = [chat_start(site, f"Dotaz {n}")["chat"] for n in range(4)]
        assert accepted(anna, chats[0])["type"] == "chat"
        taken = accepted(ben, chats[0])
        assert taken["type"] == "error" and taken["code"] == "taken" and taken["reason"]
        for chat in chats[1:3]:
            assert accepted(anna, chat)["type"] == "chat"
        full = accepted(anna, chats[3])
        assert full["type"] == "error" and full["code"] == "full" and "3" in full["reason"]
        # The queue offers the one left, and no longer the three taken.
        queue = until(ben, lambda f: f["type"] == "queue" and chats[3] in _waiting(f)
                      and not {chats[0], chats[1], chats[2]} & set(_waiting(f)))  # fmt: skip
        left = next(w for w in queue["waiting"] if w["chat"] == chats[3])
        assert left["name"] == "Anonymní občan"  # the console's language, Czech by default
        assert 0 <= left["waiting_seconds"] < 600
    assert site.rows(
        "SELECT count(*) FROM chat_channel_chatsession WHERE id IN (?, ?, ?, ?) AND state = "
        "'active'",
        tuple(chats),
    ) == [(3,)]


def _waiting(queue: dict[str, object]) -> list[int]:
    return [w["chat"] for w in queue["waiting"]]  # type: ignore[attr-defined]


def test_handing_over_to_a_colleague_and_to_another_centre(chat_site: AsgiSite):
    site = chat_site
    anna_name, ben_name = site.new_agent(), site.new_agent()
    trebic_name = site.new_agent("vys-trebic")
    with (
        console_ready(site, anna_name) as anna,
        console_ready(site, ben_name, index=1) as ben,
        console_ready(site, trebic_name) as trebic,
    ):
        started = chat_start(site, "Potřebuji poradit se stavebním povolením.")
        chat = started["chat"]
        citizen, state = citizen_hello(site, started["token"], index=1)
        assert state["state"] == "waiting" and state["position"] >= 1
        assert 0 < state["wait_seconds"] < 3600  # minutes, not days
        with citizen:
            accepted(anna, chat)
            send(anna, type="transfer", chat=chat, user=_user_id(site, ben_name))
            assert until(anna, lambda f: f["type"] in ("left", "error"))["type"] == "left"
            handed = until(ben, lambda f: f["type"] == "chat" and f["chat"] == chat)
            assert handed["mine"] and handed["messages"]
            line = until(citizen, lambda f: f["type"] == "message" and f["from"] == "system"
                         and "Test" in f["text"] and f["seq"] > 2)  # fmt: skip
            assert line["text"]
            until(citizen, lambda f: f["type"] == "state" and f["state"] == "active")
            send(ben, type="transfer", chat=chat, centre=_centre_id(site, "vys-trebic"))
            assert until(ben, lambda f: f["type"] in ("left", "error"))["type"] == "left"
            queue = until(trebic, lambda f: f["type"] == "queue" and chat in _waiting(f))
            assert queue["waiting"]
            waiting = until(citizen, lambda f: f["type"] == "state" and f["state"] == "waiting")
            assert waiting["position"] >= 1
            assert _request_of(site, chat)[1] == _centre_id(site, "vys-trebic")
            accepted(trebic, chat)
            send(trebic, type="message", chat=chat, id="t1", text="Dobrý den z Třebíče.")
            got = until(citizen, lambda f: f["type"] == "message" and f["id"] == "t1")
            assert got["from"] == "agent" and got["name"] == "Test"


def test_an_invited_colleague_writes_notes_the_citizen_never_sees(chat_site: AsgiSite):
    site = chat_site
    anna_name, ben_name = site.new_agent(), site.new_agent()
    with console_ready(site, anna_name) as anna, console_ready(site, ben_name) as ben:
        started = chat_start(site)
        chat = started["chat"]
        accepted(anna, chat)
        citizen, _state = citizen_hello(site, started["token"])
        with citizen:
            send(anna, type="invite", chat=chat, user=_user_id(site, ben_name))
            assert until(anna, lambda f: f["type"] in ("invited", "error"))["type"] == "invited"
            until(ben, lambda f: f["type"] == "chat" and f["chat"] == chat)
            send(ben, type="message", chat=chat, id="note", text="Pozor, je to stavební věc.",
                 internal=True)  # fmt: skip
            note = until(anna, lambda f: f["type"] == "message" and f["id"] == "note")
            assert note["internal"]
            send(anna, type="message", chat=chat, id="pub", text="Hned to zjistím.")
            heard = frames_within(citizen, 2)
    ids = [f["id"] for f in heard if f["type"] == "message"]
    assert "pub" in ids and "note" not in ids
    assert site.rows(
        "SELECT i.visibility FROM conversations_interaction i JOIN chat_channel_chatmessage m "
        "ON m.interaction_id = i.id WHERE m.session_id = ? AND m.client_id = 'note'",
        (chat,),
    ) == [("internal",)]


def test_closing_rating_transcript_and_coming_back(chat_site: AsgiSite):
    site = chat_site
    email = f"obcan-{uuid.uuid4().hex[:6]}@example.cz"
    _worker(site)
    with console_ready(site, site.new_agent()) as anna:
        started = chat_start(site, "Jak dlouho platí pas?", email=email, name="Jana Nová")
        chat = started["chat"]
        accepted(anna, chat)
        citizen, _state = citizen_hello(site, started["token"])
        with citizen:
            send(anna, type="message", chat=chat, id="a1", text="Deset let.")
            until(citizen, lambda f: f["type"] == "message" and f["id"] == "a1")
            send(anna, type="close", chat=chat)
            assert until(citizen, lambda f: f["type"] == "state")["state"] == "closed"
            assert _request_of(site, chat)[0] == "resolved"
            send(citizen, type="rate", score=5, comment="Rychlé")
            assert until(citizen, lambda f: f["type"] in ("rated", "error"))["type"] == "rated"
            send(citizen, type="transcript")
            answer = until(citizen, lambda f: f["type"] in ("transcript", "error"))
            assert answer == {"type": "transcript", "email": email}
            mail = _mail_to(site, email)
            assert "Deset let." in mail or "Deset let." in _decoded(mail)
            # The citizen comes back with another question: the chat waits again.
            send(citizen, type="message", id="back", text="Ještě jedna věc.")
            assert until(citizen, lambda f: f["type"] == "ack")["id"] == "back"
            assert until(citizen, lambda f: f["type"] == "state")["state"] == "waiting"
            until(anna, lambda f: f["type"] == "queue" and chat in _waiting(f))
    assert site.rows(
        "SELECT rating, rating_comment, state FROM chat_channel_chatsession WHERE id = ?", (chat,)
    ) == [(5, "Rychlé", "waiting")]
    assert _request_of(site, chat)[0] != "resolved"


def _decoded(mail: str) -> str:
    """The text of a quoted-printable or base64 e-mail body."""
    message = message_from_string(mail)
    parts = message.walk() if message.is_multipart() else [message]
    texts = []
    for part in parts:
        payload = part.get_payload(decode=True)
        if part.get_content_maintype() == "text" and isinstance(payload, bytes):
            texts.append(payload.decode("utf-8", "replace"))
    return "".join(texts)


def test_the_citizen_leaving_ends_the_chat_but_not_the_request(chat_site: AsgiSite):
    site = chat_site
    with console_ready(site, site.new_agent()) as anna:
        started = chat_start(site)
        chat = started["chat"]
        accepted(anna, chat)
        citizen, _state = citizen_hello(site, started["token"])
        with citizen:
            send(citizen, type="close")
            assert until(citizen, lambda f: f["type"] == "state")["state"] == "closed"
        line = until(anna, lambda f: f["type"] == "message" and f["from"] == "system"
                     and f["chat"] == chat and f["seq"] > 2)  # fmt: skip
        assert line["text"]
        closed = until(anna, lambda f: f["type"] == "chat" and f["chat"] == chat)
        assert closed["state"] == "closed"
    assert _request_of(site, chat)[0] != "resolved"


def test_a_message_left_offline_becomes_a_request_answered_by_email(chat_site: AsgiSite):
    site = chat_site
    _worker(site)
    email = f"offline-{uuid.uuid4().hex[:6]}@example.cz"
    text = f"Nikdo tu není, ozvěte se prosím. {uuid.uuid4().hex[:6]}"
    answer = httpx.post(
        f"{site.url(0)}/chat/api/offline",
        json={"centre": "jihlava", "text": text, "email": email, "id": uuid.uuid4().hex},
    )
    assert answer.status_code == 202, answer.text
    deadline = time.monotonic() + 60
    rows: list[tuple[object, ...]] = []
    while time.monotonic() < deadline and not rows:
        rows = site.rows(
            "SELECT reference, origin_channel FROM conversations_request WHERE subject = ?",
            (text[:120],),
        )
        time.sleep(0.5)
    assert rows and rows[0][1] == "chat"
    assert str(rows[0][0]) in _decoded(_mail_to(site, email)) + _mail_to(site, email)


def test_presence_an_agent_whose_console_closes_no_longer_counts(chat_site: AsgiSite):
    site = chat_site
    status = f"{site.url(0)}/chat/api/status?centre=pelhrimov"
    assert httpx.get(status).json()["online"] is False
    with console_ready(site, site.new_agent("vys-pelhrimov"), index=1):
        assert httpx.get(status).json()["online"] is True
    deadline = time.monotonic() + 5
    while httpx.get(status).json()["online"] and time.monotonic() < deadline:
        time.sleep(0.2)
    offline = httpx.get(status).json()
    assert offline["online"] is False and offline["reason"]
    refused = httpx.post(
        f"{site.url(0)}/chat/api/start",
        json={"centre": "pelhrimov", "text": "Je tu někdo?", "id": uuid.uuid4().hex},
    )
    assert refused.status_code == 409 and refused.json()["error"] == "offline"


def _reply_from_the_request_page(site: AsgiSite, chat: int, username: str, text: str) -> None:
    site.python(
        "from vik.channels.chat.models import ChatSession\n"
        "from vik.conversations.services.replies import request_reply\n"
        "from vik.tenancy.models import User\n"
        f"session = ChatSession.objects.select_related('request').get(pk={chat})\n"
        f"request_reply(request=session.request, by=User.objects.get(username={username!r}),"
        f" text={text!r})\n"
    )


def test_a_reply_on_the_request_page_goes_into_the_live_chat_then_by_email(chat_site: AsgiSite):
    site = chat_site
    _worker(site)
    email = f"stranka-{uuid.uuid4().hex[:6]}@example.cz"
    agent = site.new_agent()
    with console_ready(site, agent) as anna:
        started = chat_start(site, "Kdy bude hotový pas?", email=email)
        chat = started["chat"]
        accepted(anna, chat)
        citizen, _state = citizen_hello(site, started["token"])
        with citizen:
            _reply_from_the_request_page(site, chat, agent, "Pas bude hotový v pátek.")
            said = until(citizen, lambda f: f["type"] == "message" and f["from"] == "agent", 60)
            assert said["text"] == "Pas bude hotový v pátek."
            send(anna, type="close", chat=chat)
            until(citizen, lambda f: f["type"] == "state" and f["state"] == "closed")
        _reply_from_the_request_page(site, chat, agent, "Doplňuji: vyzvednete ho na přepážce 3.")
        mail = _mail_to(site, email)
        assert "přepážce 3" in _decoded(mail) + mail
    assert site.rows(
        "SELECT count(*) FROM chat_channel_chatmessage WHERE session_id = ? AND sender = 'agent'",
        (chat,),
    ) == [(1,)]  # the e-mailed reply is not a chat message


def test_an_agent_reading_a_conversation_is_in_the_audit_log(chat_site: AsgiSite):
    """A chat is personal data: taking it (its history comes with it) and opening the console
    again (the agent's chats come with the greeting) are recorded like opening a request."""
    site = chat_site
    agent = site.new_agent()
    with console_ready(site, agent) as console:
        chat = chat_start(site, "Dobrý den, mám dotaz k trvalému pobytu.")["chat"]
        assert accepted(console, chat)["type"] == "chat"
    with console_ready(site, agent):
        pass
    sql = "SELECT request_id FROM chat_channel_chatsession WHERE id = ?"
    request_id = site.rows(sql, (chat,))[0][0]
    views = site.rows(
        "SELECT count(*) FROM audit_auditevent WHERE action = 'request.view' AND object_id = ? "
        "AND actor_id = ? AND personal_data = ?",
        (str(request_id), _user_id(site, agent), True),
    )
    assert views == [(2,)]
