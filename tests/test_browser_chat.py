"""End to end in Chromium against a real ASGI site (vik.testing.asgi, two uvicorn processes
behind Redis): the agents' chat console /staff/chat/ (issue 16). The citizen is the widget's
raw WebSocket after `POST /chat/api/start`; the agents sign in through the sign-in page.

A new chat shows in the queue and in the page's title; the agent accepts it, reads the citizen
live, answers with the keyboard only, writes an internal note the citizen never receives, sees
the citizen typing and reading; a second chat goes to a colleague (their console gets it with
its history) who ends it, which resolves the request. A centre lead sees the live chats and
watches one. axe-core finds nothing serious on the empty console nor with a chat open."""

from __future__ import annotations

import json
import re
import time
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from vik.channels.chat.tests.conftest import chat_site  # noqa: F401 — the session's site
from vik.testing.asgi import DEMO_PASSWORD, AsgiSite

from .test_browser_web_form import Watch, assert_accessible

pytestmark = [pytest.mark.browser]


@pytest.fixture
def contexts(browser: Browser) -> Iterator[list[BrowserContext]]:
    opened: list[BrowserContext] = []
    yield opened
    for context in opened:
        context.close()


def console_page(
    contexts: list[BrowserContext], browser: Browser, site: AsgiSite, username: str
) -> Page:
    """A browser signed in through the sign-in page, on the chat console, connected."""
    context = browser.new_context(locale="cs-CZ", base_url=site.url(0))
    contexts.append(context)
    page = context.new_page()
    page.goto("/staff/login/")
    form = page.locator("main form[method=post]")
    form.locator("#id_username").fill(username)
    form.locator("#id_password").fill(DEMO_PASSWORD)
    form.locator("button[type=submit]").click()
    page.wait_for_url(re.compile(r"/staff/requests/$"))
    page.get_by_test_id("nav-chat").click()
    page.wait_for_url(re.compile(r"/staff/chat/$"))
    expect(page.get_by_test_id("chat-connection")).to_have_text("Připojeno.")
    return page


def start_chat(site: AsgiSite, text: str) -> dict[str, Any]:
    answer = httpx.post(
        f"{site.url(0)}/chat/api/start",
        json={"centre": "jihlava", "text": text, "name": "Jana Dvořáková", "id": "c0"},
        timeout=20,
    )
    assert answer.status_code == 201, answer.text
    started: dict[str, Any] = answer.json()
    return started


def until(
    socket: Any, wanted: Callable[[dict[str, Any]], bool], seen: list[dict[str, Any]]
) -> dict[str, Any]:
    """Frames from a raw socket until one is `wanted` (all of them kept in `seen`)."""
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        frame: dict[str, Any] = json.loads(socket.recv(10))
        seen.append(frame)
        if wanted(frame):
            return frame
    raise AssertionError(f"the frame did not come; got {seen[-5:]}")


def new_lead(site: AsgiSite) -> str:
    username = f"lead-{uuid.uuid4().hex[:8]}"
    site.python(
        "from vik.tenancy.models import InformationCentre, Membership, User\n"
        "centre = InformationCentre.objects.get(slug='vys-jihlava')\n"
        f"user = User.objects.create_user({username!r}, password={DEMO_PASSWORD!r},"
        f" first_name='Vedoucí', last_name={username!r})\n"
        "Membership.objects.create(user=user, region=centre.region, centre=centre,"
        " role='centre_lead')\n"
    )
    return username


def test_an_agent_accepts_answers_by_keyboard_notes_transfers_and_a_colleague_resolves(
    chat_site: AsgiSite,  # noqa: F811 — the fixture imported above
    browser: Browser,
    contexts: list[BrowserContext],
) -> None:
    site = chat_site
    agent, colleague = site.new_agent(), site.new_agent()
    page = console_page(contexts, browser, site, agent)
    watch = Watch(page)
    expect(page.get_by_test_id("chat-panel")).to_be_hidden()
    assert_accessible(page, "the empty chat console")

    started = start_chat(site, "Kdy je otevřen sběrný dvůr?")
    chat = started["chat"]
    waiting = page.locator(f'[data-testid=chat-waiting][data-chat="{chat}"]')
    expect(waiting).to_contain_text("Jana Dvořáková")
    expect(waiting).to_contain_text(started["reference"])
    expect(page).to_have_title(re.compile(r"^\(1\) Nový chat"))
    expect(waiting).to_contain_text(re.compile(r"čeká 0:0\d"))

    with site.citizen(1) as citizen:
        heard: list[dict[str, Any]] = []
        citizen.send(json.dumps({"type": "hello", "token": started["token"]}))
        until(citizen, lambda f: f["type"] == "state", heard)

        waiting.get_by_test_id("chat-accept").click()
        panel = page.get_by_test_id("chat-panel")
        expect(panel).to_be_visible()
        log = page.get_by_test_id("chat-log")
        expect(log).to_contain_text("Kdy je otevřen sběrný dvůr?")
        expect(page.locator("#chat-title a")).to_have_attribute(
            "href", f"/staff/requests/{started['reference']}/"
        )
        expect(page).not_to_have_title(re.compile("Nový chat"))
        expect(waiting).to_have_count(0)
        until(citizen, lambda f: f["type"] == "state" and f["state"] == "active", heard)

        citizen.send(json.dumps({"type": "message", "id": "c1", "text": "Hlavně v sobotu."}))
        expect(log).to_contain_text("Hlavně v sobotu.")

        # The citizen types: the console says so.
        citizen.send(json.dumps({"type": "typing", "on": True}))
        expect(page.get_by_test_id("chat-typing")).to_have_text("Občan píše…")

        # Keyboard only: the reply box has the focus after accepting; Enter sends.
        expect(page.get_by_test_id("chat-text")).to_be_focused()
        page.keyboard.type("V sobotu 8–12 h.")
        page.keyboard.press("Shift+Enter")
        page.keyboard.type("Hezký den.")
        until(citizen, lambda f: f["type"] == "typing" and f["on"], heard)
        page.keyboard.press("Enter")
        answer = until(citizen, lambda f: f["type"] == "message" and f["from"] == "agent", heard)
        assert answer["text"] == "V sobotu 8–12 h.\nHezký den."
        expect(page.get_by_test_id("chat-text")).to_have_value("")

        # An internal note (Alt+I): marked in the console, never on the citizen's socket.
        page.keyboard.press("Alt+i")
        expect(page.get_by_test_id("chat-internal")).to_be_checked()
        page.keyboard.type("Pozor: stálý klient, dříve stížnost.")
        page.keyboard.press("Enter")
        note = log.locator("[data-internal=true]")
        expect(note).to_contain_text("Pozor: stálý klient")
        expect(note).to_contain_text("Interní poznámka")
        page.keyboard.press("Alt+i")
        page.keyboard.type("Ještě něco?")
        page.keyboard.press("Enter")
        until(citizen, lambda f: f["type"] == "message" and f.get("text") == "Ještě něco?", heard)
        assert not any("Pozor" in json.dumps(f, ensure_ascii=False) for f in heard)

        # The citizen reads: the console shows the receipt.
        citizen.send(json.dumps({"type": "read", "seq": answer["seq"] + 2}))
        expect(page.get_by_test_id("chat-receipt")).to_have_text("Občan si vaše zprávy přečetl.")
        assert_accessible(page, "the chat console with a chat open")

        # Transfer to a colleague: their console (a second browser) gets it with the history.
        other = console_page(contexts, browser, site, colleague)
        page.get_by_test_id("chat-transfer").click()
        dialog = page.get_by_test_id("chat-transfer-dialog")
        expect(dialog).to_be_visible()
        expect(dialog.get_by_test_id("chat-transfer-user")).to_contain_text(colleague)
        dialog.get_by_test_id("chat-transfer-user").select_option(label=f"Test {colleague}")
        dialog.get_by_test_id("chat-transfer-send").click()
        expect(page.get_by_test_id("chat-tab")).to_have_count(0)
        other_log = other.get_by_test_id("chat-log")
        expect(other_log).to_contain_text("Kdy je otevřen sběrný dvůr?")
        expect(other_log).to_contain_text("Pozor: stálý klient")
        expect(other.get_by_test_id("chat-tab")).to_contain_text(started["reference"])
        expect(other).to_have_title(re.compile(r"^\(1\) Nový chat"))

        # The colleague ends the chat: the request is resolved.
        other.get_by_test_id("chat-close").click()
        until(citizen, lambda f: f["type"] == "state" and f["state"] == "closed", heard)
        expect(other.get_by_test_id("chat-tab")).to_contain_text("ukončen")
    status = site.rows(
        "SELECT r.status FROM conversations_request r JOIN chat_channel_chatsession s "
        "ON s.request_id = r.id WHERE s.id = ?",
        (chat,),
    )
    assert status == [("resolved",)]
    watch.check()


def test_a_centre_lead_sees_the_live_chats_and_watches_one(
    chat_site: AsgiSite,  # noqa: F811 — the fixture imported above
    browser: Browser,
    contexts: list[BrowserContext],
) -> None:
    site = chat_site
    page = console_page(contexts, browser, site, new_lead(site))
    live = page.get_by_test_id("chat-live")
    expect(live).to_be_visible()
    started = start_chat(site, "Potřebuji poradit s dotací na kotel.")
    row = live.locator(f'[data-testid=chat-live-row][data-chat="{started["chat"]}"]')
    expect(row).to_contain_text(started["reference"])
    expect(row).to_contain_text("čeká na pracovníka")
    row.get_by_test_id("chat-watch").click()
    expect(page.get_by_test_id("chat-tab")).to_contain_text("sledujete")
    expect(page.get_by_test_id("chat-log")).to_contain_text("dotací na kotel")
    # The lead answers it: the live table follows.
    page.locator(f'[data-testid=chat-waiting][data-chat="{started["chat"]}"]').get_by_test_id(
        "chat-accept"
    ).click()
    expect(row).to_contain_text("probíhá")
    page.get_by_test_id("chat-close").click()
    expect(row).to_have_count(0)


def restart(site: AsgiSite, index: int, meanwhile: Callable[[], None]) -> None:
    """SIGTERM (uvicorn closes the sockets with 1012), `meanwhile`, then the process again."""
    process = site.processes[index]
    assert process is not None
    process.terminate()
    process.wait(20)
    site.processes[index] = None
    meanwhile()
    site.start(index)


def test_two_chats_by_keyboard_aids_invite_and_a_server_restart_without_duplicates(
    chat_site: AsgiSite,  # noqa: F811 — the fixture imported above
    browser: Browser,
    contexts: list[BrowserContext],
) -> None:
    site = chat_site
    agent, colleague = site.new_agent(), site.new_agent()
    page = console_page(contexts, browser, site, agent)
    watch = Watch(page)
    first = start_chat(site, "Ztratil jsem občanský průkaz, co mám dělat?")
    second = start_chat(site, "Jak se přihlásit k trvalému pobytu?")
    expect(page.get_by_test_id("chat-waiting")).to_have_count(2)
    expect(page).to_have_title(re.compile(r"^\(2\) Nový chat"))

    # Alt+A twice: the longest waiting first; both are mine, the second one open.
    page.keyboard.press("Alt+a")
    expect(page.get_by_test_id("chat-tab")).to_have_count(1)
    page.keyboard.press("Alt+a")
    tabs = page.get_by_test_id("chat-tab")
    expect(tabs).to_have_count(2)
    expect(tabs.nth(0)).to_contain_text(first["reference"])
    expect(tabs.nth(1)).to_have_attribute("aria-pressed", "true")
    expect(page.get_by_test_id("chat-load")).to_have_text("Moje chaty: 2 z 3")

    with site.citizen(1) as citizen, site.console(colleague, index=1) as guest:
        heard: list[dict[str, Any]] = []
        citizen.send(json.dumps({"type": "hello", "token": first["token"]}))
        until(citizen, lambda f: f["type"] == "state", heard)
        citizen.send(json.dumps({"type": "message", "id": "c1", "text": "Ztratil jsem ho včera."}))
        expect(tabs.nth(0).get_by_test_id("chat-unread")).to_have_text("1")
        page.keyboard.press("Alt+ArrowUp")
        expect(tabs.nth(0)).to_have_attribute("aria-pressed", "true")
        expect(page.get_by_test_id("chat-unread")).to_have_count(0)
        log = page.get_by_test_id("chat-log")
        expect(log).to_contain_text("Ztratil jsem ho včera.")

        # A canned answer of the centre and an article for the citizen's last message.
        page.get_by_test_id("chat-macro").select_option(label="Úřední hodiny")
        expect(page.get_by_test_id("chat-text")).to_have_value(re.compile("úředních hodinách"))
        page.get_by_test_id("chat-text").fill("")
        article = page.get_by_test_id("chat-article").filter(has_text="občanského průkazu")
        article.first.get_by_test_id("chat-insert-link").click()
        expect(page.get_by_test_id("chat-text")).to_have_value(re.compile(r"^http://.+/"))
        page.get_by_test_id("chat-text").fill("")

        # Invite a colleague: their console gets the chat with its history.
        until(guest, lambda f: f["type"] == "hello", [])
        page.get_by_test_id("chat-invite").click()
        page.get_by_test_id("chat-invite-user").select_option(label=f"Test {colleague}")
        page.get_by_test_id("chat-invite-send").click()
        invited = until(guest, lambda f: f["type"] == "chat", [])
        assert invited["chat"] == first["chat"] and invited["messages"]

        # The page's server restarts: a message of the citizen meanwhile and one of the agent
        # typed while disconnected each arrive once.
        before = log.get_by_test_id("chat-message").count()

        def meanwhile() -> None:
            expect(page.get_by_test_id("chat-connection")).to_have_text(
                re.compile("připojuji znovu"), timeout=5000
            )
            citizen.send(json.dumps({"type": "message", "id": "c2", "text": "Jste tam?"}))
            until(citizen, lambda f: f.get("type") == "ack" and f["id"] == "c2", heard)
            page.get_by_test_id("chat-text").fill("Ano, jsem tu.")
            page.get_by_test_id("chat-text").press("Enter")

        restart(site, 0, meanwhile)
        expect(page.get_by_test_id("chat-connection")).to_have_text("Připojeno.", timeout=20000)
        until(citizen, lambda f: f["type"] == "message" and f["text"] == "Ano, jsem tu.", heard)
        expect(log.get_by_test_id("chat-message").filter(has_text="Jste tam?")).to_have_count(1)
        expect(log.get_by_test_id("chat-message").filter(has_text="Ano, jsem tu.")).to_have_count(1)
        expect(log.get_by_test_id("chat-message")).to_have_count(before + 2)
        page.wait_for_timeout(1000)
        assert [f["text"] for f in heard if f.get("text") == "Ano, jsem tu."] == ["Ano, jsem tu."]
        page.get_by_test_id("chat-close").click()
        until(citizen, lambda f: f["type"] == "state" and f["state"] == "closed", heard)
    page.keyboard.press("Alt+ArrowDown")
    expect(page.locator("#chat-title")).to_contain_text(second["reference"])
    page.get_by_test_id("chat-close").click()
    expect(page.locator("#chat-facts")).to_contain_text("ukončen")
    watch.check()
