"""In Chromium at a phone's width (390 px): the visit log, the call log, the call-back queue, the
phone lines and the SMS gateways fit the screen (nothing scrolls sideways); screenshots at 1280
and 390 px with VIK_SCREENSHOTS=<folder>."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page

from vik.channels.core.choices import ChannelKind
from vik.channels.core.models import ChannelAccount
from vik.channels.phone.tests.conftest import line_build
from vik.channels.phone.tests.test_staff import receive
from vik.conversations import services
from vik.core import clock
from vik.testing.personas import World

from .test_browser_agent_flow import _log_in
from .test_browser_bad_input import screenshot
from .test_browser_web_form import assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PAGES = [
    ("visits", "/staff/visits/"),
    ("calls", "/staff/calls/"),
    ("callbacks", "/staff/callbacks/"),
    ("phone-lines", "/staff/calls/lines/"),
    ("sms-gateways", "/staff/sms/gateways/"),
]


def busy_day(world: World) -> None:
    """A day's worth of what these pages list, with long names and numbers."""
    line = line_build(world)
    ChannelAccount.objects.create(
        region=world.region, centre=world.centre_a, kind=ChannelKind.SMS, name="sms-brana-jihlava"
    )
    for number in range(3):
        services.request_record(
            by=world.carol, centre=world.centre_a, channel="counter", received_at=clock.now(),
            name="Marie Dvořáková-Procházková", text="Přišla se zeptat na poplatek za "
            "komunální odpad a na prominutí poplatku pro seniory nad sedmdesát let. " * 2,
        )  # fmt: skip
        call = f"n-{number}"
        receive(line, "newCall", call, **{"from": f"42060300011{number}", "queue": "586846"})
        receive(line, "hangup", call, **{"from": f"42060300011{number}", "cause": "noAnswer"})
    receive(line, "newCall", "n-9", **{"user[]": "Carol Test"})
    receive(line, "answer", "n-9", answeringNumber="201")
    receive(line, "hangup", "n-9", cause="normalClearing")


def test_the_staff_lists_fit_a_phone_screen(world: World, live_server: Any, page: Page) -> None:
    busy_day(world)
    _log_in(page, live_server.url, world.carol.username)
    too_wide = {}
    for name, path in PAGES:
        page.set_viewport_size({"width": 390, "height": 844})
        page.goto(f"{live_server.url}{path}")
        assert page.locator("main h1").count() == 1
        width = page.evaluate("document.documentElement.scrollWidth")
        # Nor does a table scroll sideways in its own box (.vik-scroll hides that from the page).
        boxes = page.evaluate(WIDER_THAN_THEIR_BOX)
        if width > 390 or boxes:
            too_wide[name] = (width, boxes)
        # The tables' scroll shadows (backgrounds of their boxes) hide nothing from axe either.
        assert_accessible(page, f"{name} at 390 px")
        screenshot(page, f"narrow-{name}")
    # The new token's page, with its long address, fits too.
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/staff/calls/lines/")
    page.get_by_label("Novou adresu zadám do ústředny").check()
    page.get_by_role("button", name="Vyměnit token").click()
    assert "/api/v1/cti/" in page.get_by_test_id("new-secret").input_value()
    if page.evaluate("document.documentElement.scrollWidth") > 390 or page.evaluate(
        WIDER_THAN_THEIR_BOX
    ):
        too_wide["new-token"] = page.evaluate("document.documentElement.scrollWidth")
    screenshot(page, "narrow-new-token")
    assert too_wide == {}
    # Each cell says which column it is (the header row is hidden on a phone).
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/staff/calls/")
    first = page.get_by_test_id("call-row").first
    assert first.locator("td").nth(2).evaluate(LABEL) == '"Stav"'
    page.goto(f"{live_server.url}/staff/visits/")
    assert page.get_by_test_id("visit-row").first.locator("td").nth(2).evaluate(LABEL) == (
        '"Návštěvník"'
    )


WIDER_THAN_THEIR_BOX = """[...document.querySelectorAll('main .vik-scroll, main table')]
    .filter(e => e.scrollWidth > e.clientWidth + 1 || e.getBoundingClientRect().right > 391)
    .map(e => e.dataset.testid || e.className)"""
LABEL = "cell => getComputedStyle(cell, '::before').content"
