"""The whole chat as its two people live it, in Chromium with two browser contexts: a citizen in
the widget on the sample municipal page, served by one uvicorn process, and an agent in the
console on the other process, the two joined by the Redis channel layer (vik.testing.asgi).

A whole conversation, a file, the citizen's process killed and started again mid-conversation
(what either side wrote meanwhile arrives once, nothing is lost), a transfer to a colleague who
ends the chat; every message stored once (issue 16, "Transport and real components")."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, BrowserContext, Locator, Page, expect

from vik.channels.chat.tests.conftest import chat_site  # noqa: F401 — the session's real site
from vik.testing.asgi import AsgiSite

from .test_browser_chat import console_page

pytestmark = [pytest.mark.browser]

RECONNECT = 45_000  # ms: the widget's backoff after a dead server (1, 2, 4, 8 … s)


@pytest.fixture
def contexts(browser: Browser) -> Iterator[list[BrowserContext]]:
    opened: list[BrowserContext] = []
    yield opened
    for context in opened:
        context.close()


def widget(page: Page) -> Locator:
    return page.locator("[data-vik-chat]")


def test_a_citizen_in_the_widget_and_an_agent_in_the_console_through_a_server_crash(
    chat_site: AsgiSite,  # noqa: F811 — the fixture imported above
    browser: Browser,
    contexts: list[BrowserContext],
) -> None:
    site = chat_site
    agent, colleague = site.new_agent(), site.new_agent()
    console = console_page(contexts, browser, site, agent)  # on process 0

    citizen_context = browser.new_context(locale="cs-CZ", viewport={"width": 1280, "height": 900})
    contexts.append(citizen_context)
    citizen = citizen_context.new_page()
    citizen.goto(f"{site.url(1)}/chat/demo/?centre=jihlava")  # on process 1
    widget(citizen).locator("button.launcher").click()
    panel = widget(citizen).get_by_role("dialog")
    panel.get_by_label("Jméno").fill("Karel Novák")
    question = f"Jak dlouho platí rybářský lístek? {uuid.uuid4().hex[:6]}"
    panel.get_by_label("Váš dotaz").fill(question)
    panel.get_by_role("button", name="Začít chat").click()
    log = widget(citizen).get_by_role("log")
    expect(log).to_contain_text(question)

    # The agent takes it and they talk.
    waiting = console.locator("[data-testid=chat-waiting]", has_text=question[-6:])
    expect(waiting).to_contain_text("Karel Novák")
    waiting.get_by_test_id("chat-accept").click()
    agent_log = console.get_by_test_id("chat-log")
    expect(agent_log).to_contain_text(question)
    expect(widget(citizen).get_by_role("status").first).to_contain_text("Píšete si s: Test")
    console.get_by_test_id("chat-text").fill("Dobrý den, podle druhu lístku: rok až deset let.")
    console.keyboard.press("Enter")
    expect(log).to_contain_text("rok až deset let")
    message = panel.locator("#vik-message")
    message.fill("Děkuji. Posílám starý lístek.")
    message.press("Enter")
    expect(agent_log).to_contain_text("Posílám starý lístek.")

    # A file, by the web form's checks: the agent gets a link to it.
    widget(citizen).locator("input[type=file]").set_input_files(
        {"name": "listek.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4\n%%EOF\n"}
    )
    expect(agent_log.get_by_role("link", name=re.compile("listek.pdf"))).to_be_visible()

    # The citizen's server process dies. Both go on writing; the widget keeps its message
    # until the process is back and it reconnects.
    site.kill(1)
    console.get_by_test_id("chat-text").fill("Lístek platí do konce roku.")
    console.keyboard.press("Enter")
    message.fill("A kde ho prodloužím?")
    message.press("Enter")
    site.start(1)
    expect(log).to_contain_text("Lístek platí do konce roku.", timeout=RECONNECT)
    expect(agent_log).to_contain_text("A kde ho prodloužím?", timeout=RECONNECT)

    # Handed to a colleague, who ends the chat: the citizen is told at each step.
    other = console_page(contexts, browser, site, colleague)
    console.get_by_test_id("chat-transfer").click()
    dialog = console.get_by_test_id("chat-transfer-dialog")
    dialog.get_by_test_id("chat-transfer-user").select_option(label=f"Test {colleague}")
    dialog.get_by_test_id("chat-transfer-send").click()
    expect(other.get_by_test_id("chat-log")).to_contain_text("A kde ho prodloužím?")
    expect(log).to_contain_text("převzal")
    other.get_by_test_id("chat-text").fill("Na odboru životního prostředí.")
    other.keyboard.press("Enter")
    expect(log).to_contain_text("Na odboru životního prostředí.")
    other.get_by_test_id("chat-close").click()
    expect(widget(citizen).get_by_role("heading", name="Jak jste byli spokojeni?")).to_be_visible()

    # Each message shown once on either side, and stored once.
    shown = log.locator(".m p").all_inner_texts()
    for text in ("Děkuji. Posílám starý lístek.", "A kde ho prodloužím?",
                 "Lístek platí do konce roku.", "Na odboru životního prostředí."):  # fmt: skip
        assert shown.count(text) == 1, shown
    stored = site.rows(
        "SELECT m.text FROM chat_channel_chatmessage m JOIN chat_channel_chatsession s"
        " ON s.id = m.session_id JOIN conversations_request r ON r.id = s.request_id"
        " WHERE r.subject LIKE ? AND m.sender != 'system' ORDER BY m.seq",
        (question[:40] + "%",),
    )
    texts = [row[0] for row in stored]
    assert texts == [
        question,
        "Dobrý den, podle druhu lístku: rok až deset let.",
        "Děkuji. Posílám starý lístek.",
        "listek.pdf",
        "Lístek platí do konce roku.",
        "A kde ho prodloužím?",
        "Na odboru životního prostředí.",
    ] or sorted(texts[4:6]) == sorted(["A kde ho prodloužím?", "Lístek platí do konce roku."]), (
        texts
    )
    assert len(texts) == 7, texts
