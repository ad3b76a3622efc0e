"""In Chromium: the clerk extends an information request's deadline from the request page; the
notice follows the days and the reason chosen (htmx), the page shows both dates afterwards,
axe-core finds nothing serious, and the page is usable at 390 px."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from vik.channels.core.choices import ChannelKind
from vik.channels.core.models import ChannelAccount
from vik.contacts.choices import IdentityKind
from vik.contacts.services import contact_resolve
from vik.conversations.choices import RequestKind
from vik.conversations.services import request_open
from vik.core import clock
from vik.sla.statutory import extended_deadline
from vik.testing.personas import World

from .test_browser_agent_flow import _log_in
from .test_browser_altcha import assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path("/tmp/vik-statutory-shots")


def test_the_deadline_is_extended_from_the_request_page(
    world: World, live_server: Any, page: Page
) -> None:
    ChannelAccount.objects.create(
        region=world.region, kind=ChannelKind.EMAIL, name="podatelna-kraj",
        settings={"smtp": {"from": "podatelna@kr-vysocina.example"}, "acknowledge": False},
    )  # fmt: skip
    contact = contact_resolve(
        region=world.region, identities=[(IdentityKind.EMAIL, "jana@example.cz")],
        name="Jana Dvořáková",
    )  # fmt: skip
    # Received two days ago (the live server runs on the real clock): the period still runs.
    received = clock.now() - dt.timedelta(days=2)
    with clock.travel(received):
        request = request_open(
            region=world.region, requester=contact, subject="Smlouvy obce za rok 2025",
            channel=ChannelKind.EMAIL, kind=RequestKind.INFORMATION_REQUEST,
            centre=world.centre_a,
        )  # fmt: skip
    three_days = extended_deadline(received, 3)
    SHOTS.mkdir(exist_ok=True)
    _log_in(page, live_server.url, world.alice.username)
    page.goto(f"{live_server.url}/staff/requests/{request.reference}/")
    panel = page.get_by_test_id("statutory-extension")
    panel.get_by_text("Prodloužit lhůtu").click()
    form = panel.get_by_test_id("statutory-extend-form")
    form.get_by_label("Prodloužit o (dní)").fill("3")
    form.get_by_label("Prodloužit o (dní)").dispatch_event("change")
    form.get_by_label("Důvod (§ 14 odst. 7 zákona č. 106/1999 Sb.)").select_option("consultation")
    notice = form.get_by_label("Oznámení žadateli")
    expect(notice).to_have_value(
        # the days and the reason chosen are in the notice htmx brought
        re.compile(
            rf"o 3 dny, tj\. do {three_days.day}\. {three_days.month}\. {three_days.year}\."
            r"[\s\S]*Důvodem prodloužení je konzultace s jiným povinným subjektem"
        )
    )
    assert_accessible(page, "the request page with the extension form open")
    page.screenshot(path=str(SHOTS / "form-1280.png"), full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    panel.scroll_into_view_if_needed()
    page.screenshot(path=str(SHOTS / "form-390.png"), full_page=True)
    form.get_by_role("button", name="Prodloužit a odeslat oznámení").click()

    expect(page.get_by_test_id("statutory-extended")).to_contain_text(
        f"{three_days.day}. {three_days.month}. {three_days.year}"
    )
    expect(page.get_by_test_id("statutory-reason")).to_contain_text("konzultace s jiným")
    expect(page.get_by_test_id("event-statutory_extended")).to_contain_text("o 3 dny")
    assert_accessible(page, "the request page after the extension")
    page.screenshot(path=str(SHOTS / "after-390.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.screenshot(path=str(SHOTS / "after-1280.png"), full_page=True)
