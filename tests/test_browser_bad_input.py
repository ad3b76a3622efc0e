"""In Chromium: a citizen attaches a 30 MB scan and a good file; the form comes back on the
same page with a Czech message, their text and the good file kept, and the second submit
sends the request with that file without choosing it again.

Screenshots of the form with its errors go to $VIK_SCREENSHOTS (when set), at 1280 and 390 px.
"""

from __future__ import annotations

import os
import re
import time
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import FilePayload, Page, expect

from tests.test_browser_web_form import MUNICIPALITY, Watch, assert_accessible
from vik.conversations.models import Request
from vik.testing.personas import World

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

QUESTION = "Dobrý den, jak požádám o příspěvek na bydlení? Přikládám sken výměru. Jana"
GOOD = b"%PDF-1.4 vymer o prispevku"
MB = 1024 * 1024


def screenshot(page: Page, name: str) -> None:
    folder = os.environ.get("VIK_SCREENSHOTS")
    if not folder:
        return
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        # Let what redraws on resize (the reports' charts) settle: two animation frames.
        page.evaluate(
            "() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))"
        )
        page.screenshot(path=str(Path(folder) / f"{name}-{width}.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})


def test_a_too_large_file_keeps_the_text_and_the_good_file(
    world: World, live_server: Any, page: Page
) -> None:
    citizen = Watch(page)
    page.goto(f"{live_server.url}/")
    form = page.locator("main form[method=post]")
    form.locator("#id_name").fill("Jana Dvořáková")
    form.locator("#id_email").fill("jana.dvorakova@example.cz")
    form.locator("#id_municipality").fill(MUNICIPALITY)
    form.locator("#id_message").fill(QUESTION)
    files: list[FilePayload] = [
        {"name": "velky-sken.pdf", "mimeType": "application/pdf",
         "buffer": b"%PDF-1.4 " + b"0" * (30 * MB)},
        {"name": "vymer.pdf", "mimeType": "application/pdf", "buffer": GOOD},
    ]  # fmt: skip
    form.locator("#id_attachments").set_input_files(files)
    started = time.monotonic()
    form.locator("button[type=submit]").click()

    summary = page.get_by_test_id("error-summary")
    expect(summary).to_contain_text("Formulář nebyl odeslán")
    print(f"30 MB attempt answered in {time.monotonic() - started:.1f} s")
    assert page.url == f"{live_server.url}/"
    expect(page.locator("#id_message")).to_have_value(QUESTION)
    expect(page.locator("#id_name")).to_have_value("Jana Dvořáková")
    expect(page.locator("#id_email")).to_have_value("jana.dvorakova@example.cz")
    expect(page.locator("#id_municipality")).to_have_value(MUNICIPALITY)
    # beside the field, after a "Chyba:" only screen readers hear
    expect(page.locator("#id_attachments_error")).to_contain_text(
        "Soubor „velky-sken.pdf“ má 30,0\xa0MB; limit je 10,0\xa0MB na soubor."
    )
    expect(page.get_by_test_id("kept-files")).to_contain_text("vymer.pdf")
    assert Request.objects.count() == 0
    assert_accessible(page, "the form with its errors")
    screenshot(page, "form-errors")
    citizen.check()

    # The second submit sends the kept file; nothing is chosen again.
    page.locator("main form[method=post] button[type=submit]").click()
    page.wait_for_url(re.compile(r"/podani/[0-9a-f-]{36}/$"))
    request = Request.objects.get()
    interaction = request.interactions.get()
    assert interaction.text == QUESTION
    assert [(a.filename, a.file.read()) for a in interaction.attachments.all()] == [
        ("vymer.pdf", GOOD)
    ]
    citizen.check()
