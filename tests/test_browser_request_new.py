"""End to end in Chromium: a clerk records a call with the keyboard only.

On the request list she presses "c", lands in the new-request form's first field, tabs to the
contact search, types the caller's number in another notation than the one stored, moves to
the match with the arrow key and takes it with Enter, types the municipality, the subject and the
question, and saves with Ctrl+Enter: she lands on the new request. axe-core finds no violation
on the form and on the visit log. Selectors avoid translated labels.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from vik.conversations.models import Interaction, Request
from vik.testing.personas import PASSWORD, World, submit_web_request

from .test_browser_web_form import Watch

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def assert_no_violation(page: Page, what: str) -> None:
    """axe-core: no violation at all, of any impact."""
    from axe_playwright_python.sync_playwright import Axe  # local import: browser tests only

    violations = Axe().run(page).response["violations"]
    report = "\n".join(
        f"- {v['id']} ({v['impact']}): {v['help']}\n"
        + "\n".join(f"    {node['html']}" for node in v["nodes"])
        for v in violations
    )
    assert violations == [], f"axe-core found violations on {what}:\n{report}"


def tab_to(page: Page, element_id: str, limit: int = 30) -> None:
    """Press Tab until the field `element_id` has the focus (the keyboard's way to a field)."""
    for _ in range(limit):
        if page.evaluate("document.activeElement && document.activeElement.id") == element_id:
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"Tab never reached #{element_id}")


def test_a_call_is_recorded_with_the_keyboard_only(
    world: World, client: Any, live_server: Any, page: Page
) -> None:
    earlier = submit_web_request(client, name="Marie Volající", phone="+420777123456")
    clerk = Watch(page)
    page.goto(f"{live_server.url}/staff/login/")
    login = page.locator("main form[method=post]")
    login.locator("#id_username").fill(world.alice.username)
    login.locator("#id_password").fill(PASSWORD)
    login.locator("#id_password").press("Enter")
    page.wait_for_url(re.compile(r"/staff/requests/$"))

    page.keyboard.press("c")
    page.wait_for_url(re.compile(r"/staff/requests/new/$"))
    expect(page.locator("#id_channel")).to_be_focused()  # phone: the first choice
    expect(page.locator("#id_channel")).to_have_value("phone")

    tab_to(page, "contact-query")
    page.keyboard.type("00420 777 123 456")
    match = page.get_by_test_id("contact-match")
    expect(match).to_have_count(1)
    expect(match).to_contain_text(earlier.reference)  # the caller's open request
    expect(page.locator("#contact-query")).to_have_attribute("aria-expanded", "true")
    assert_no_violation(page, "the new-request form with a contact found")
    page.keyboard.press("ArrowDown")
    expect(match).to_have_attribute("aria-selected", "true")
    page.keyboard.press("Enter")
    expect(page.get_by_test_id("contact-chosen")).to_contain_text("Marie Volající")
    expect(page.locator("#id_municipality")).to_be_focused()
    assert page.url.endswith("/staff/requests/new/")  # Enter chose; it did not submit

    page.keyboard.type("Jihlava (okres Jihlava)")
    tab_to(page, "id_subject")
    page.keyboard.type("Otevírací doba v sobotu")
    tab_to(page, "id_text")
    page.keyboard.type("Volala, zda má úřad otevřeno v sobotu dopoledne.")
    page.keyboard.press("Control+Enter")

    page.wait_for_url(re.compile(r"/staff/requests/[A-Z]+-\d{4}-\d{6}/$"))
    request = Request.objects.exclude(pk=earlier.pk).get()
    assert page.url.endswith(f"/staff/requests/{request.reference}/")
    assert (request.origin_channel, request.requester_id) == ("phone", earlier.requester_id)
    assert request.subject == "Otevírací doba v sobotu"
    assert request.municipality is not None and request.municipality.name == "Jihlava"
    assert Interaction.objects.get(request=request).text == (
        "Volala, zda má úřad otevřeno v sobotu dopoledne."
    )
    expect(page.get_by_test_id("receipt-link")).to_be_visible()

    page.goto(f"{live_server.url}/staff/visits/")
    expect(page.get_by_test_id("visit-log")).to_be_visible()
    assert_no_violation(page, "the visit log")
    clerk.check()
