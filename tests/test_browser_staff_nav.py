"""In Chromium: a region coordinator's staff navigation fits one line at 1280 px, even with a long
name; the less-used links sit under "Více", a disclosure that opens by keyboard and works without
JavaScript; at 390 px nothing scrolls sideways. Screenshots at 1280 and 390 px with
VIK_SCREENSHOTS=<folder>."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from vik.testing.personas import World

from .test_browser_agent_flow import _log_in
from .test_browser_bad_input import screenshot
from .test_browser_web_form import assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# The middle of every item of the bar (links, "Více", the bell, the buttons) and of the brand.
ROWS = """() => {
  const items = [document.querySelector('.vik-brand'),
                 ...document.querySelectorAll('.vik-nav > *')];
  const middle = e => { const box = e.getBoundingClientRect(); return (box.top + box.bottom) / 2; };
  return [...new Set(items.map(e => Math.round(middle(e) / 10)))];
}"""


def test_the_coordinators_navigation_is_one_line_at_1280(
    world: World, live_server: Any, page: Page
) -> None:
    world.carol.first_name, world.carol.last_name = "Bohumila", "Dvořáková-Procházková"
    world.carol.save()
    page.set_viewport_size({"width": 1280, "height": 900})
    _log_in(page, live_server.url, world.carol.username)
    nav = page.get_by_role("navigation", name="Hlavní navigace")
    expect(nav.get_by_role("link", name="Požadavky", exact=True)).to_be_visible()
    screenshot(page, "staff-nav-closed")
    assert len(page.evaluate(ROWS)) == 1, page.evaluate(ROWS)
    # The less-used links wait under "Více"; the keyboard opens it and reaches them.
    reports = page.get_by_test_id("nav-reports")
    expect(reports).to_be_hidden()
    more = nav.locator("summary", has_text="Více")
    more.focus()
    page.keyboard.press("Enter")
    expect(reports).to_be_visible()
    page.keyboard.press("Tab")
    expect(page.get_by_test_id("nav-visits")).to_be_focused()
    assert_accessible(page, "the staff bar with 'Více' open")
    screenshot(page, "staff-nav-open")
    page.keyboard.press("Enter")
    page.wait_for_url(f"{live_server.url}/staff/visits/")
    # At a phone's width the bar wraps but nothing scrolls sideways.
    page.set_viewport_size({"width": 390, "height": 844})
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.set_viewport_size({"width": 1280, "height": 900})
    screenshot(page, "staff-nav")


def test_more_opens_without_javascript(world: World, live_server: Any, browser: Browser) -> None:
    context = browser.new_context(java_script_enabled=False, locale="cs-CZ")
    page = context.new_page()
    try:
        _log_in(page, live_server.url, world.carol.username)
        page.get_by_text("Více", exact=True).click()
        page.get_by_test_id("nav-routing").click()
        page.wait_for_url(f"{live_server.url}/staff/routing/")
    finally:
        context.close()
