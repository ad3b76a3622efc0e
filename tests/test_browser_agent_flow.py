"""End to end in Chromium: an agent's flow through the network features of the workspace.

Alice (an agent of the Jihlava centre) opens the request list, sees a citizen's question with
its time left, opens it, takes it, answers it with a canned answer (the placeholders filled in,
its status and tag applied when the reply is sent) and transfers it to the Třebíč centre with
a reason. Bob (an agent in Třebíč) then finds it in his list with where it came from and why.
Selectors avoid translated labels: the Czech catalogue may or may not be compiled.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from vik.conversations.choices import Direction, EventKind, Status
from vik.conversations.models import Interaction, Request, Transfer
from vik.testing.personas import PASSWORD, World, submit_web_request
from vik.workspace.choices import MacroScope
from vik.workspace.models import Macro

from .test_browser_web_form import Watch, assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _log_in(page: Page, base_url: str, username: str) -> None:
    page.goto(f"{base_url}/staff/login/")
    form = page.locator("main form[method=post]")
    form.locator("#id_username").fill(username)
    form.locator("#id_password").fill(PASSWORD)
    form.locator("button[type=submit]").click()
    page.wait_for_url(re.compile(r"/staff/requests/$"))


def test_agent_takes_answers_with_a_canned_answer_and_transfers(
    world: World, client: Any, live_server: Any, page: Page, browser: Any
) -> None:
    item = submit_web_request(client)  # from Jihlava: centre A, Alice's
    assert item.centre_id == world.centre_a.pk
    macro = Macro.objects.create(
        name="Žádost o doplnění",
        body="Dobrý den, {jmeno},\nk požadavku {reference} prosíme o doplnění adresy.",
        scope=MacroScope.REGION,
        region=world.region,
        set_status=Status.WAITING_CITIZEN,
        add_tags=["doplnění"],
    )
    watch = Watch(page)
    _log_in(page, live_server.url, world.alice.username)

    # 1. The list: its views' counts arrive after it; the request is there, with its time
    #    left; open it.
    expect(page.get_by_test_id("view-count").first).to_have_text(re.compile(r"\d"))
    row = page.get_by_test_id("request-row").filter(has_text=item.reference)
    expect(row).to_have_count(1)
    expect(row.get_by_test_id("time-left")).not_to_have_text("")
    row.get_by_role("link", name=item.reference, exact=True).click()
    page.wait_for_url(re.compile(rf"/staff/requests/{re.escape(item.reference)}/$"))

    # 2. Take it.
    page.locator(f"form[action$='/requests/{item.reference}/take'] button").click()
    page.wait_for_url(re.compile(rf"/staff/requests/{re.escape(item.reference)}/$"))
    item.refresh_from_db()
    assert item.assignee_id == world.alice.pk

    # 3. A canned answer fills the reply with the citizen's name and the reference; sending it
    #    sends that text, sets the macro's status and adds its tag.
    page.get_by_test_id("macro-choice").select_option(value=str(macro.pk))
    reply = page.locator("#reply-form textarea[name=text]")
    expect(reply).to_have_value(re.compile(rf"Jana Dvořáková.*{re.escape(item.reference)}", re.S))
    assert_accessible(page, "the request page with a canned answer in the reply")
    page.locator("#reply-form button[type=submit]").click()
    page.wait_for_url(re.compile(rf"/staff/requests/{re.escape(item.reference)}/$"))
    item.refresh_from_db()
    sent = Interaction.objects.get(request=item, direction=Direction.OUTBOUND, author=world.alice)
    assert "prosíme o doplnění adresy" in sent.text and item.reference in sent.text
    assert item.status == Status.WAITING_CITIZEN
    assert list(item.tags.values_list("name", flat=True)) == ["doplnění"]

    # 4. Transfer to Třebíč with a reason: Alice's centre keeps no access, so she lands on the
    #    list, where the request is no longer hers to see.
    page.get_by_test_id("transfer-details").locator("summary").click()
    transfer = page.get_by_test_id("transfer-form")
    transfer.locator("select[name=centre]").select_option(value=str(world.centre_b.pk))
    transfer.locator("textarea[name=reason]").fill("Občan bydlí v Třebíči.")
    transfer.locator("button[type=submit]").click()
    page.wait_for_url(re.compile(r"/staff/requests/$"))
    expect(page.get_by_test_id("request-row").filter(has_text=item.reference)).to_have_count(0)
    watch.check()

    item.refresh_from_db()
    assert item.centre_id == world.centre_b.pk
    assert item.assignee_id is None  # Alice does not work in Třebíč
    moved = Transfer.objects.get(request=item)
    assert (moved.from_centre_id, moved.reason) == (world.centre_a.pk, "Občan bydlí v Třebíči.")

    # 5. Bob, in Třebíč, has it with everything it had, and sees where it came from and why.
    bob_page = browser.new_page()
    _log_in(bob_page, live_server.url, world.bob.username)
    bob_page.get_by_test_id("request-row").filter(has_text=item.reference).get_by_role(
        "link", name=item.reference, exact=True
    ).click()
    bob_page.wait_for_url(re.compile(rf"/staff/requests/{re.escape(item.reference)}/$"))
    expect(bob_page.locator("main")).to_contain_text("Občan bydlí v Třebíči.")
    expect(bob_page.locator("main")).to_contain_text("prosíme o doplnění adresy")
    expect(bob_page.locator("main")).to_contain_text(world.centre_a.name)
    assert Request.objects.get(pk=item.pk).events.filter(kind=EventKind.TRANSFERRED).count() == 1
    bob_page.close()
