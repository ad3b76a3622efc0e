"""In Chromium: the clerk's reply offers files through the portal's Czech file chooser ("Vybrat
soubory — Přílohy", a drop zone) instead of the browser's English "Choose Files / No file chosen";
the chosen files are listed; the keyboard reaches it; axe-core on the page. Screenshots at 1280
and 390 px with VIK_SCREENSHOTS=<folder>."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from vik.testing.personas import World, submit_web_request

from .test_browser_agent_flow import _log_in
from .test_browser_bad_input import screenshot
from .test_browser_web_form import Watch, assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_reply_chooses_files_in_czech(
    world: World, client: Any, live_server: Any, page: Page, tmp_path: Path
) -> None:
    item = submit_web_request(client)
    document = tmp_path / "pokyny.pdf"
    document.write_bytes(b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
    watch = Watch(page)
    _log_in(page, live_server.url, world.alice.username)
    page.goto(f"{live_server.url}/staff/requests/{item.reference}/")
    files = page.get_by_test_id("reply-files")
    button = files.locator("label", has_text="Vybrat soubory")
    expect(button).to_be_visible()
    expect(files).to_contain_text("nebo je sem přetáhněte")
    # The browser's own (English) control is there for the keyboard and the drop, unseen.
    chooser = page.get_by_label("Vybrat soubory — Přílohy")
    assert chooser.evaluate("input => getComputedStyle(input).opacity") == "0"
    described = chooser.get_attribute("aria-describedby")
    expect(page.locator(f"#{described}")).to_contain_text("Nejvýše")
    chooser.set_input_files(str(document))
    expect(files.locator(".gov-form-file__item")).to_contain_text("pokyny.pdf")
    assert_accessible(page, "the reply with a chosen file")
    files.scroll_into_view_if_needed()
    screenshot(page, "reply-files")
    watch.check()
