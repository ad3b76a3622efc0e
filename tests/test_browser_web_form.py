"""End to end in Chromium: the web form to the staff list and back to the tracking page.

A citizen asks through the portal, Alice (agent of the Jihlava centre) takes the request and
replies asking for more, the citizen reads the reply on the private tracking page and writes
again, and the request wakes up in Alice's workspace. Two browser contexts, so the citizen and the
clerk never share cookies. Selectors avoid translated labels: the Czech catalogue may or may not
be compiled when this runs.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from vik.conversations.models import Request
from vik.testing.personas import PASSWORD, World

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MUNICIPALITY = "Jihlava (okres Jihlava)"
MESSAGE = "Dobrý den, <b>tučně</b> <script>alert(1)</script> kdy mohu vyzvednout občanský průkaz?"
REPLY = "Dobrý den, pošlete nám prosím číslo svého starého občanského průkazu."
FOLLOW_UP = "Číslo starého průkazu je 123456789. Děkuji, Jana."
BLOCKING_IMPACTS = {"critical", "serious"}


class Watch:
    """What a page did that it should not: dialogs (alert from injected script), JS errors."""

    def __init__(self, page: Page) -> None:
        self.dialogs: list[str] = []
        self.errors: list[str] = []
        self.failed: list[str] = []
        page.on("dialog", self._on_dialog)
        page.on("pageerror", lambda error: self.errors.append(str(error)))
        page.on(
            "response",
            lambda response: (
                self.failed.append(f"{response.status} {response.url}")
                if response.status >= 400
                else None
            ),
        )

    def _on_dialog(self, dialog: Any) -> None:
        self.dialogs.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()

    def check(self) -> None:
        assert self.dialogs == [], f"the page opened dialogs (script executed?): {self.dialogs}"
        assert self.errors == [], f"JavaScript errors on the page: {self.errors}"


def assert_accessible(page: Page, what: str) -> None:
    """axe-core: no critical or serious violation on the page as it is now."""
    axe_module = pytest.importorskip("axe_playwright_python.sync_playwright")
    results = axe_module.Axe().run(page)
    blocking = [
        violation
        for violation in results.response["violations"]
        if violation.get("impact") in BLOCKING_IMPACTS
    ]
    report = "\n".join(
        f"- {violation['id']} ({violation['impact']}): {violation['help']}\n"
        + "\n".join(f"    {node['html']}" for node in violation["nodes"])
        for violation in blocking
    )
    assert not blocking, f"axe-core found serious accessibility problems on {what}:\n{report}"


def submit_the_form(page: Page, base_url: str) -> None:
    page.goto(f"{base_url}/")
    form = page.locator("main form[method=post]")
    expect(form.locator("#id_municipality")).to_be_visible()
    form.locator("#id_name").fill("Jana Dvořáková")
    form.locator("#id_email").fill("jana.dvorakova@example.cz")
    # Typing asks htmx for the chooser's options; the datalist fills in after a short delay.
    form.locator("#id_municipality").press_sequentially("Jihl", delay=30)
    expect(page.locator(f'#municipality-options option[value="{MUNICIPALITY}"]')).to_have_count(1)
    form.locator("#id_municipality").fill(MUNICIPALITY)
    form.locator("#id_message").fill(MESSAGE)
    form.locator("button[type=submit]").click()


def test_web_form_to_staff_and_back_to_tracking(
    world: World, live_server: Any, page: Page, new_context: Any
) -> None:
    base_url = live_server.url
    citizen = Watch(page)

    # 1. The citizen asks through the portal.
    page.goto(f"{base_url}/")
    assert_accessible(page, "the portal form")
    submit_the_form(page, base_url)

    # 2. The confirmation: reference and private tracking link.
    page.wait_for_url(re.compile(r"/podani/[0-9a-f-]{36}/$"))
    reference_element = page.get_by_test_id("reference")
    expect(reference_element).to_have_text(re.compile(r"^VYS-\d{4}-\d{6}$"))
    reference = reference_element.inner_text().strip()
    tracking_href = page.get_by_test_id("tracking-link").get_attribute("href")
    assert tracking_href and re.fullmatch(r"/sledovani/[^/]+/", tracking_href), tracking_href
    item = Request.objects.select_related("centre").get(reference=reference)
    assert item.centre_id == world.centre_a.pk, "the request should go to the Jihlava centre"
    citizen.check()

    # 3. Alice, in a browser of her own, logs in, finds the request, takes it and replies.
    clerk_page = new_context().new_page()
    clerk = Watch(clerk_page)
    clerk_page.goto(f"{base_url}/staff/login/")
    login = clerk_page.locator("main form[method=post]")
    login.locator("#id_username").fill(world.alice.username)
    login.locator("#id_password").fill(PASSWORD)
    login.locator("button[type=submit]").click()
    clerk_page.wait_for_url(re.compile(r"/staff/requests/$"))
    clerk_page.goto(f"{base_url}/staff/requests/")
    clerk_page.locator("#request-rows").get_by_role("link", name=reference, exact=True).click()
    clerk_page.wait_for_url(re.compile(rf"/staff/requests/{re.escape(reference)}/$"))

    # The citizen's HTML is text: visible literally, no element made of it, nothing executed.
    message = clerk_page.locator(".vik-text").first
    expect(message).to_contain_text("<b>tučně</b>")
    expect(message).to_contain_text("<script>alert(1)</script>")
    assert clerk_page.locator(".vik-text b").count() == 0
    assert clerk_page.locator(".vik-text script").count() == 0
    assert clerk_page.locator("main script").count() == 0

    clerk_page.locator("form[action$='/take'] button").click()
    expect(clerk_page.locator("form[action$='/take']")).to_have_count(0)  # she has it now
    reply = clerk_page.locator("form[action$='/reply']")
    reply.locator("textarea").fill(REPLY)
    status = reply.locator("select[name=status]")
    waiting_offered = status.locator("option[value=waiting_citizen]").count() == 1
    if waiting_offered:
        status.select_option("waiting_citizen")
    reply.locator("button[type=submit]").click()
    clerk_page.wait_for_url(re.compile(rf"/staff/requests/{re.escape(reference)}/$"))
    expect(clerk_page.locator(".vik-card--out .vik-text")).to_contain_text(REPLY)
    if waiting_offered:
        expect(clerk_page.get_by_test_id("status")).to_have_class(
            re.compile(r"\bvik-status--waiting_citizen\b")
        )
    clerk.check()

    # 4. The citizen reads the reply on the tracking page and writes again.
    page.goto(f"{base_url}{tracking_href}")
    expect(page.locator(".vik-card--out .vik-text")).to_contain_text(REPLY)
    if waiting_offered:
        expect(page.get_by_test_id("status")).to_have_class(
            re.compile(r"\bvik-status--waiting_citizen\b")
        )
    # The tracking page also shows the first message as text.
    expect(page.locator(".vik-text").first).to_contain_text("<b>tučně</b>")
    assert page.locator(".vik-text b").count() == 0
    assert_accessible(page, "the tracking page")

    follow_up = page.locator("main form[method=post]")
    follow_up.locator("textarea[name=message]").fill(FOLLOW_UP)
    follow_up.locator("button[type=submit]").click()
    page.wait_for_url(re.compile(rf"{re.escape(tracking_href)}$"))
    expect(page.locator(".vik-text", has_text=FOLLOW_UP)).to_have_count(1)
    citizen.check()

    # 5. In Alice's workspace the follow-up is in the timeline and the request is open again.
    clerk_page.reload()
    expect(clerk_page.locator(".vik-text", has_text=FOLLOW_UP)).to_have_count(1)
    expect(clerk_page.get_by_test_id("status")).to_have_class(re.compile(r"\bvik-status--open\b"))
    clerk.check()

    item.refresh_from_db()
    assert item.status == "open"
    assert item.assignee_id == world.alice.pk
    for watch in (citizen, clerk):
        # Diagnostics only (the live server's static files): shown when the test fails.
        print("failed responses:", watch.failed)
