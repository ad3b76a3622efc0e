"""In Chromium, keyboard only: on a request recorded at the counter, the clerk picks how the
reply goes ("Send by": e-mail, SMS, the tracking page only) with the arrow keys; the SMS counter
shows while SMS is chosen and hides for the others, and the reply goes the way chosen."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from vik.channels.core.choices import ChannelKind
from vik.channels.core.models import ChannelAccount, OutboundMessage
from vik.contacts.choices import IdentityKind
from vik.contacts.models import Contact, Identity
from vik.conversations.models import Request
from vik.testing.personas import World

from .test_browser_agent_flow import _log_in
from .test_browser_web_form import Watch

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = "+420777123456"
EMAIL = "jana.novakova@example.cz"


def test_the_reply_route_is_chosen_with_the_keyboard(
    world: World, live_server: Any, page: Page, settings: Any
) -> None:
    settings.VIK_SMS_TRANSPORT = "console"
    settings.VIK_SMS_MONTHLY_BUDGET_PARTS = 0
    for channel, name in ((ChannelKind.EMAIL, "posta-jihlava"), (ChannelKind.SMS, "sms-jihlava")):
        ChannelAccount.objects.create(
            region=world.region, centre=world.centre_a, kind=channel, name=name
        )
    contact = Contact.objects.create(region=world.region, name="Jana Nováková")
    for kind, value in ((IdentityKind.EMAIL, EMAIL), (IdentityKind.PHONE, PHONE)):
        Identity.objects.create(contact=contact, region=world.region, kind=kind, value=value)
    request = Request.objects.create(
        region=world.region, centre=world.centre_a, reference="VY-2026-000301",
        subject="Poplatek za odpad", requester=contact, origin_channel=ChannelKind.COUNTER,
        public_token="r" * 32,
    )  # fmt: skip
    watch = Watch(page)
    _log_in(page, live_server.url, world.alice.username)
    page.goto(f"{live_server.url}/staff/requests/{request.reference}/")
    form = page.locator("#reply-form")
    route = form.get_by_role("group", name="Způsob odeslání")
    by_email = route.get_by_role("radio", name=f"E-mailem na {EMAIL}")
    by_sms = route.get_by_role("radio", name=re.compile(f"SMS na {re.escape(PHONE)}"))
    tracking_only = route.get_by_role("radio", name="Jen na stránce sledování")
    counter = form.get_by_test_id("sms-counter")

    # E-mail, the first way, is chosen; the SMS counter is not shown.
    expect(by_email).to_be_checked()
    expect(counter).to_be_hidden()
    form.locator("textarea[name=text]").focus()
    page.keyboard.type("Dobrý den, poplatek Vám promíjíme.")
    page.keyboard.press("Tab")  # the reply's attachments
    page.keyboard.press("Tab")  # into the "Send by" group, onto its chosen radio
    expect(by_email).to_be_focused()

    page.keyboard.press("ArrowDown")
    expect(by_sms).to_be_checked()
    expect(counter).to_be_visible()
    expect(counter.locator("[data-sms-count]")).to_have_text(re.compile(r"^34 \D+ 1 SMS"))

    page.keyboard.press("ArrowDown")
    expect(tracking_only).to_be_checked()
    expect(counter).to_be_hidden()

    page.keyboard.press("ArrowUp")
    expect(by_sms).to_be_checked()
    expect(counter).to_be_visible()
    # On to the send button, by the keyboard, past the status.
    for _ in range(5):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.type") == "submit":
            break
    expect(form.locator("button[type=submit]")).to_be_focused()
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(rf"/staff/requests/{request.reference}/"))
    expect(page.get_by_test_id("delivery").last).to_be_visible()
    outbound = OutboundMessage.objects.get()
    assert (outbound.account.kind, outbound.recipient) == (ChannelKind.SMS, PHONE)
    assert outbound.interaction.text == "Dobrý den, poplatek Vám promíjíme."
    assert not watch.errors and not watch.dialogs
