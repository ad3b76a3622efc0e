"""End to end in Chromium: the keyboard shortcuts of the request list and the request page.

An agent presses "?" and reads the shortcuts in a dialog, closes it with Esc, moves down the
list with "j", opens the request with "o", and takes it with "t". Selectors avoid translated
labels: the Czech catalogue may or may not be compiled when this runs.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from vik.conversations.models import Request
from vik.testing.personas import PASSWORD, World, submit_web_request

from .test_browser_web_form import Watch, assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_keyboard_from_the_list_to_taking_a_request(
    world: World, client: Any, live_server: Any, page: Page
) -> None:
    older = submit_web_request(client, email="starsi@example.cz")
    newer = submit_web_request(client, email="novejsi@example.cz")
    clerk = Watch(page)
    page.goto(f"{live_server.url}/staff/login/")
    login = page.locator("main form[method=post]")
    login.locator("#id_username").fill(world.alice.username)
    login.locator("#id_password").fill(PASSWORD)
    login.locator("button[type=submit]").click()
    page.wait_for_url(re.compile(r"/staff/requests/$"))

    # 1. "?" opens the help: a modal dialog with a heading and a table; Esc closes it.
    dialog = page.get_by_test_id("shortcuts-dialog")
    expect(dialog).to_be_hidden()
    page.keyboard.press("?")
    expect(dialog).to_be_visible()
    expect(dialog.get_by_role("heading")).to_have_count(1)
    expect(dialog.get_by_role("table")).to_be_visible()
    assert_accessible(page, "the list with the shortcuts dialog open")
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()

    # 2. Typing in the search box types; it does not move the selection.
    search = page.locator("#request-filters input[name=text]")
    search.press_sequentially("jk")
    expect(search).to_have_value("jk")
    expect(page.locator("tr.vik-row--selected")).to_have_count(0)
    search.fill("")
    page.locator("h1").click()

    # 3. "j" selects the first row (the newest), "j" again the next, "k" back; "x" ticks it.
    rows = page.get_by_test_id("request-row")
    expect(rows).to_have_count(2)
    page.keyboard.press("j")
    expect(rows.nth(0)).to_have_class(re.compile(r"vik-row--selected"))
    page.keyboard.press("j")
    expect(rows.nth(1)).to_have_class(re.compile(r"vik-row--selected"))
    page.keyboard.press("k")
    expect(rows.nth(0)).to_have_class(re.compile(r"vik-row--selected"))
    page.keyboard.press("x")
    expect(rows.nth(0).get_by_test_id("row-checkbox")).to_be_checked()
    page.keyboard.press("x")
    expect(rows.nth(0).get_by_test_id("row-checkbox")).not_to_be_checked()

    page.get_by_test_id("select-all").check()
    expect(page.get_by_test_id("row-checkbox").nth(1)).to_be_checked()
    page.get_by_test_id("select-all").uncheck()
    expect(page.get_by_test_id("row-checkbox").nth(1)).not_to_be_checked()
    page.keyboard.press("/")
    expect(search).to_be_focused()
    page.locator("h1").click()
    page.keyboard.press("k")  # the selection stayed on the first row: k keeps it there
    expect(rows.nth(0)).to_have_class(re.compile(r"vik-row--selected"))

    # 4. "o" opens the selected request; "t" takes it.
    page.keyboard.press("o")
    page.wait_for_url(re.compile(rf"/staff/requests/{newer.reference}/$"))
    page.keyboard.press("t")
    page.wait_for_load_state("load")
    expect(page.locator("form[action$='/take']")).to_have_count(0)
    assert Request.objects.get(pk=newer.pk).assignee_id == world.alice.pk
    assert Request.objects.get(pk=older.pk).assignee_id is None

    # 5. "r" focuses the reply, and while typing there "g l" is just text.
    page.keyboard.press("r")
    reply = page.locator("#reply-form textarea")
    expect(reply).to_be_focused()
    page.keyboard.type("gl")
    expect(reply).to_have_value(re.compile(r"gl$"))
    page.locator("h1").click()
    page.keyboard.press("g")
    page.keyboard.press("l")
    page.wait_for_url(re.compile(r"/staff/requests/$"))
    clerk.check()
