"""End to end in Chromium: a call rings for alice (the PBX names her in `user[]`); within two
seconds her workspace shows the caller with the open request, bob's (logged in at the same time,
another centre) shows nothing. axe-core on the caller log and on the pop-up."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from typing import Any

import pytest
import requests
from playwright.sync_api import Browser, BrowserContext, Page, expect

from vik.channels.phone.tests.conftest import Line, event, line_build
from vik.testing.personas import PASSWORD, World

from .test_browser_web_form import Watch, assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def line(world: World) -> Line:
    return line_build(world)


@pytest.fixture
def contexts(browser: Browser) -> Iterator[list[BrowserContext]]:
    """The agents' browsers, closed before the database is emptied: their pages poll."""
    opened: list[BrowserContext] = []
    yield opened
    for context in opened:
        context.close()


def signed_in(
    contexts: list[BrowserContext], browser: Browser, base_url: str, username: str
) -> Page:
    context = browser.new_context()
    contexts.append(context)
    page = context.new_page()
    page.goto(f"{base_url}/staff/login/")
    login = page.locator("main form[method=post]")
    login.locator("#id_username").fill(username)
    login.locator("#id_password").fill(PASSWORD)
    login.locator("button[type=submit]").click()
    page.wait_for_url(re.compile(r"/staff/requests/$"))
    return page


def test_the_pop_up_rings_for_the_right_agent_only(
    world: World, line: Line, live_server: Any, browser: Browser, contexts: list[BrowserContext]
) -> None:
    alice = signed_in(contexts, browser, live_server.url, world.alice.username)
    bob = signed_in(contexts, browser, live_server.url, world.bob.username)
    watch = Watch(alice)
    alice.goto(f"{live_server.url}/staff/calls/")
    bob.goto(f"{live_server.url}/staff/calls/")
    expect(alice.get_by_test_id("call-popup")).to_have_count(0)

    response = requests.post(
        f"{live_server.url}/api/v1/cti/{line.token}",
        data=event("newCall", "b-1", **{"user[]": "Alice Test"}),
        timeout=10,
    )
    rang_at = time.monotonic()
    assert response.status_code == 200
    popup = alice.get_by_test_id("call-popup")
    expect(popup).to_be_visible(timeout=2000)
    assert time.monotonic() - rang_at < 2
    expect(popup.get_by_test_id("call-popup-contact")).to_contain_text("Jana Dvořáková")
    expect(popup.get_by_test_id("call-popup-contact")).to_contain_text("Jihlava")
    expect(popup.get_by_test_id("call-popup-record")).to_contain_text(line.caller_request.reference)
    expect(popup.get_by_test_id("call-popup-new")).to_have_attribute(
        "href", re.compile(r"^/staff/requests/new/\?channel=phone&phone=%2B420777111222&call=\d+$")
    )
    bob.wait_for_timeout(2500)  # more than two of its polls
    expect(bob.get_by_test_id("call-popup")).to_have_count(0)
    assert_accessible(alice, "the caller log with the pop-up open")

    # One click records the call on the open request: the request's page opens.
    popup.get_by_test_id("call-popup-record").click()
    alice.wait_for_url(re.compile(rf"/staff/requests/{line.caller_request.reference}/?$"))
    expect(alice.get_by_test_id("call-popup")).to_have_count(0)
    assert not watch.errors and not watch.dialogs
