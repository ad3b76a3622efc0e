"""In Chromium: the SMS reply box counts characters and parts as the clerk types, offers the
text without diacritics (and what that saves), warns near the centre's monthly budget and
refuses over it; axe-core finds nothing serious. Outbound SMS go to the console transport here
(the SMPP path is tested against a real server in vik/channels/sms/tests)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from vik.channels.core.choices import ChannelKind, OutboundState
from vik.channels.core.models import ChannelAccount, OutboundMessage
from vik.contacts.choices import IdentityKind
from vik.contacts.models import Contact, Identity
from vik.conversations.models import Request
from vik.testing.personas import World

from .test_browser_agent_flow import _log_in
from .test_browser_web_form import Watch, assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CZECH = (
    "Dobrý den, k vyřízení nového občanského průkazu se objednávat nemusíte; přijďte v úředních "
    "hodinách na přepážku č. 3. Vezměte si starý průkaz. S pozdravem, Centrum Jihlava"
)  # 171 characters: 3 parts in UCS-2, 2 without diacritics (GSM-7)


def test_the_sms_reply_box_counts_strips_diacritics_and_keeps_the_budget(
    world: World, live_server: Any, page: Page, settings: Any
) -> None:
    settings.VIK_SMS_TRANSPORT = "console"
    settings.VIK_SMS_MONTHLY_BUDGET_PARTS = 4
    settings.VIK_SMS_BUDGET_WARN_RATIO = 0.75
    account = ChannelAccount.objects.create(
        region=world.region, centre=world.centre_a, kind=ChannelKind.SMS, name="sms-jihlava"
    )
    contact = Contact.objects.create(region=world.region, name="Jana Nováková")
    Identity.objects.create(
        contact=contact, region=world.region, kind=IdentityKind.PHONE, value="+420777123456"
    )
    request = Request.objects.create(
        region=world.region, centre=world.centre_a, reference="VY-2026-000201",
        subject="Občanský průkaz", requester=contact, origin_channel=ChannelKind.SMS,
        origin_account=account, public_token="s" * 32,
    )  # fmt: skip
    watch = Watch(page)
    _log_in(page, live_server.url, world.alice.username)
    page.goto(f"{live_server.url}/staff/requests/{request.reference}/")
    box = page.get_by_test_id("sms-counter")
    reply = page.locator("#reply-form textarea[name=text]")
    submit = page.locator("#reply-form button[type=submit]")

    reply.fill(CZECH)
    expect(box.locator("[data-sms-count]")).to_have_text(re.compile(r"^171 \D+ 3 SMS \D+67"))
    alternative = box.locator("[data-sms-alternative]")
    expect(alternative).to_be_visible()
    expect(alternative).to_contain_text("2 SMS")
    # 0 used + 3 parts = 3 of 4: past the warning (3), under the budget.
    budget = box.locator("[data-sms-budget]")
    expect(budget).to_have_class(re.compile("vik-sms-warning"))
    expect(submit).to_be_enabled()
    assert_accessible(page, "the SMS reply box with the counter")

    reply.fill(CZECH + " " + CZECH)  # 6 parts: over the budget
    expect(budget).to_have_class(re.compile("vik-sms-refused"))
    expect(submit).to_be_disabled()

    reply.fill(CZECH)
    box.locator("[data-sms-strip]").click()
    expect(reply).to_have_value(re.compile(r"^Dobry den, k vyrizeni noveho obcanskeho prukazu"))
    expect(box.locator("[data-sms-count]")).to_have_text(re.compile(r"^171 \D+ 2 SMS \D+153"))
    expect(alternative).to_be_hidden()
    submit.click()
    page.wait_for_load_state()
    outbound = OutboundMessage.objects.get()
    assert outbound.state == OutboundState.SENT
    assert outbound.interaction.text.startswith("Dobry den, k vyrizeni noveho")
    assert outbound.sms_parts.count() == 2
    assert not watch.errors and not watch.dialogs
