"""In Chromium: a canned answer greets the citizen in the Czech vocative, a second one added
to the reply does not greet again, and a colleague's @mention button inserts the full name.

Jana Dvořáková (the persona's citizen) is greeted "Dobrý den, paní Dvořáková,".
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from vik.testing.personas import PASSWORD, World, submit_web_request
from vik.workspace.choices import MacroScope
from vik.workspace.models import Macro

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_two_canned_answers_greet_once_in_the_vocative(
    world: World, client: Any, live_server: Any, page: Page
) -> None:
    item = submit_web_request(client)
    thanks, hours = (
        Macro.objects.create(
            name=name, body=body, scope=MacroScope.REGION, region=world.region, position=index
        )
        for index, (name, body) in enumerate(
            [
                ("Poděkování", "{osloveni}\n\nděkujeme za dotaz."),
                ("Hodiny", "{osloveni}\n\núřední hodiny najdete na webu."),
            ]
        )
    )
    page.goto(f"{live_server.url}/staff/login/")
    form = page.locator("main form[method=post]")
    form.locator("#id_username").fill(world.alice.username)
    form.locator("#id_password").fill(PASSWORD)
    form.locator("button[type=submit]").click()
    page.wait_for_url(re.compile(r"/staff/requests/$"))
    page.goto(f"{live_server.url}/staff/requests/{item.reference}/")

    reply = page.locator("#reply-form textarea[name=text]")
    page.get_by_test_id("macro-choice").select_option(value=str(thanks.pk))
    expect(reply).to_have_value("Dobrý den, paní Dvořáková,\n\nděkujeme za dotaz.")
    page.get_by_test_id("macro-choice").select_option(value=str(hours.pk))
    expect(reply).to_have_value(
        "Dobrý den, paní Dvořáková,\n\nděkujeme za dotaz.\n\núřední hodiny najdete na webu."
    )

    note = page.locator("form[action$='/note'] textarea[name=text]")
    note.focus()
    button = page.locator("button[data-mention]").filter(has_text="Carol Test")
    button.click()
    expect(note).to_have_value("@Carol Test ")
