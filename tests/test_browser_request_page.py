"""In Chromium: the request page's panel of fields edited in place (a status changed and taken
back without a page load), and the clerk's task by the keyboard alone: open the newest request,
reply with a canned answer and an attachment, resolve it. The keystrokes are counted and
printed (issue 19 compares them with the page before the panel: 14, without an attachment,
which that page could not send). axe-core on the page; `VIK_SCREENSHOTS=<folder>` saves the
request page and the reply at 1280 and 390 px."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from vik.conversations import services
from vik.conversations.choices import Direction, Status
from vik.conversations.models import Attachment, Interaction, Request
from vik.testing.personas import World, submit_web_request
from vik.workspace.choices import MacroScope
from vik.workspace.models import Macro

from .test_browser_agent_flow import _log_in
from .test_browser_web_form import Watch, assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = os.environ.get("VIK_SCREENSHOTS", "")


def _shot(page: Page, name: str) -> None:
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SHOTS) / name), full_page=True)


def test_the_status_changes_in_place_and_is_taken_back(
    world: World, client: Any, live_server: Any, page: Page
) -> None:
    item = submit_web_request(client)
    watch = Watch(page)
    _log_in(page, live_server.url, world.alice.username)
    page.goto(f"{live_server.url}/staff/requests/{item.reference}/")
    panel = page.get_by_test_id("request-panel")
    assert_accessible(page, "the request page")
    _shot(page, "request-page-1280.png")

    panel.locator("#panel-status").select_option(Status.RESOLVED)
    change = panel.get_by_test_id("panel-change")
    expect(change).to_contain_text(re.compile("vyřešen", re.I))
    expect(panel.locator("#panel-status")).to_have_value(Status.RESOLVED)
    expect(page.get_by_test_id("status")).to_have_class(re.compile(r"vik-status--resolved"))
    assert page.url.endswith(f"/staff/requests/{item.reference}/")  # no page load
    item.refresh_from_db()
    assert item.status == Status.RESOLVED
    assert_accessible(page, "the panel with its message and undo")

    panel.get_by_test_id("undo").click()
    expect(panel.get_by_test_id("panel-change")).to_contain_text("Vráceno zpět")
    expect(panel.locator("#panel-status")).to_have_value(Status.NEW)
    item.refresh_from_db()
    assert item.status == Status.NEW
    watch.check()

    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    assert_accessible(page, "the request page at 390 px")
    _shot(page, "request-page-390.png")
    # The conversation first, the panel below it.
    timeline = page.get_by_test_id("timeline").bounding_box()
    panel_box = page.get_by_test_id("request-panel").bounding_box()
    assert timeline and panel_box and panel_box["y"] > timeline["y"]


def test_keyboard_only_reply_with_a_canned_answer_and_a_file_then_resolve(
    world: World, client: Any, live_server: Any, page: Page, tmp_path: Path
) -> None:
    older = submit_web_request(client, email="starsi@example.cz")
    item = submit_web_request(client)  # the newest
    assert item.pk > older.pk
    Macro.objects.create(
        name="Odpověď", body="Dobrý den,\nprůkaz je připraven k vyzvednutí.",
        scope=MacroScope.REGION, region=world.region,
    )  # fmt: skip
    document = tmp_path / "pokyny.pdf"
    document.write_bytes(b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
    watch = Watch(page)
    _log_in(page, live_server.url, world.alice.username)
    # Intercept file choosers from the start: expect_file_chooser alone turns interception on
    # asynchronously, and a key pressed before the browser has it opens an unseen native dialog.
    page.on("filechooser", lambda chooser: None)
    keys: list[str] = []

    def press(key: str) -> None:
        keys.append(key)
        page.keyboard.press(key)

    def focused() -> str:
        return str(page.evaluate("document.activeElement.id || document.activeElement.name"))

    press("j")  # the newest request, first in the list
    press("Enter")
    page.wait_for_url(re.compile(rf"/staff/requests/{item.reference}/$"))
    press("m")  # the canned answers
    expect(page.locator("#macro-choice")).to_be_focused()
    press("ArrowDown")
    reply = page.locator("#reply-form textarea[name=text]")
    expect(reply).to_have_value(re.compile("připraven k vyzvednutí"))
    expect(reply).to_be_focused()
    press("Tab")  # the file chooser
    assert focused() == "id_attachments"
    with page.expect_file_chooser() as chooser:
        press("Space")
    chooser.value.set_files(str(document))
    keys.append("(file dialog: choose the file, Enter)")
    while focused() != "id_status":  # past the ways to the citizen
        press("Tab")
        assert len(keys) < 30
    press("ArrowDown")
    press("ArrowDown")
    expect(page.locator("#id_status")).to_have_value(Status.RESOLVED)
    _shot(page, "reply-1280.png")
    press("Tab")
    expect(page.get_by_test_id("reply-send")).to_be_focused()
    with page.expect_navigation():
        press("Enter")
    expect(page.locator(".vik-message--success").first).to_contain_text(re.compile("vyřešen", re.I))
    print(f"\nKEYSTROKES {len(keys)}: {' '.join(keys)}")

    item = Request.objects.get(pk=item.pk)
    assert item.status == Status.RESOLVED
    sent = Interaction.objects.get(request=item, direction=Direction.OUTBOUND, author=world.alice)
    assert "připraven k vyzvednutí" in sent.text
    assert list(Attachment.objects.filter(interaction=sent).values_list("filename", flat=True)) == [
        "pokyny.pdf"
    ]
    expect(page.get_by_role("link", name="pokyny.pdf")).to_be_visible()
    assert len(keys) <= 13
    watch.check()


def test_the_reply_with_its_preview_at_390(
    world: World, client: Any, live_server: Any, page: Page
) -> None:
    item = submit_web_request(client)
    _log_in(page, live_server.url, world.alice.username)
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/staff/requests/{item.reference}/")
    reply = page.locator("#reply-form textarea[name=text]")
    reply.fill("Dobrý den,\n\n**termín** je *zítra*:\n\n- občanský průkaz\n- fotografie")
    expect(page.get_by_test_id("draft-state")).not_to_be_empty()  # the draft is kept
    page.get_by_test_id("reply-preview-button").click()
    expect(page.get_by_test_id("reply-preview").locator("strong")).to_have_text("termín")
    assert_accessible(page, "the reply with its preview at 390 px")
    page.get_by_test_id("reply-preview").scroll_into_view_if_needed()
    _shot(page, "reply-390.png")
    page.reload()
    expect(reply).to_have_value(re.compile("termín"))  # the draft is back

    # A colleague's note appears without a reload (the page asks every 10 s).
    services.request_note(request=item, by=world.carol, text="Kolegyně: občan volal.")
    expect(page.get_by_text("Kolegyně: občan volal.")).to_be_visible(timeout=25_000)
