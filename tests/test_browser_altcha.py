"""The ALTCHA proof of work solved by a real Chromium on the real form (VIK_ALTCHA_MODE=always),
under VIK's Content-Security-Policy; then the same post without a solution and with the used
solution again is refused, with the citizen's text kept. axe-core on the form with the widget."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from playwright.sync_api import Page, expect

from vik.channels.core.models import InboundPayload
from vik.conversations.models import Request
from vik.testing.fixtures import run_on_commit
from vik.testing.personas import World, web_form_data

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MUNICIPALITY = "Jihlava (okres Jihlava)"
MESSAGE = "Dobrý den, kdy je otevřena podatelna v sobotu? Děkuji."
SHOTS = Path("/tmp/vik-abuse-shots")


def assert_accessible(page: Page, what: str) -> None:
    axe_module = pytest.importorskip("axe_playwright_python.sync_playwright")
    results = axe_module.Axe().run(page)
    blocking = [
        f"{v['id']} ({v['impact']}): {v['help']} " + " ".join(n["html"] for n in v["nodes"])
        for v in results.response["violations"]
        if v.get("impact") in {"critical", "serious"}
    ]
    assert not blocking, f"axe-core on {what}:\n" + "\n".join(blocking)


def test_a_real_browser_solves_the_altcha_and_a_replay_is_refused(
    world: World, live_server: Any, page: Page, settings: Any
) -> None:
    settings.VIK_ALTCHA_MODE = "always"
    settings.VIK_ALTCHA_COST = 1000
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.goto(f"{live_server.url}/")
    form = page.locator("main form[method=post]")
    form.locator("#id_name").fill("Jana Dvořáková")
    form.locator("#id_email").fill("jana.dvorakova@example.cz")
    form.locator("#id_municipality").fill(MUNICIPALITY)
    form.locator("#id_message").fill(MESSAGE)
    checkbox = page.get_by_role("checkbox", name="Nejsem robot")
    expect(checkbox).to_be_visible()
    assert_accessible(page, "the form with the ALTCHA widget")
    SHOTS.mkdir(exist_ok=True)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.screenshot(path=SHOTS / "form-altcha-1280.png", full_page=True)
    checkbox.focus()
    page.keyboard.press("Space")  # the keyboard is enough
    expect(page.locator("altcha-widget")).to_contain_text("Ověřeno", timeout=30_000)
    solution = page.locator("input[name=altcha]").input_value()
    assert len(solution) > 100
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=SHOTS / "form-altcha-390.png", full_page=True)
    form.locator("button[type=submit]").click()
    page.wait_for_url(re.compile(r"/podani/[0-9a-f-]{36}/$"))
    expect(page.get_by_test_id("reference")).to_have_text(re.compile(r"^VYS-\d{4}-\d{6}$"))
    assert Request.objects.get().interactions.get().text == MESSAGE
    assert errors == [], errors

    # The same post again: without a solution, and with the one the browser used.
    client = Client()
    for altcha_value, message in ((None, "nejste robot"), (solution, "neprošla nebo vypršela")):
        data = web_form_data(message="Podruhé: " + MESSAGE)
        if altcha_value is not None:
            data["altcha"] = altcha_value
        with run_on_commit():
            response = client.post("/", data)
        assert response.status_code == 400
        html = response.content.decode()
        assert message in html
        assert f"Podruhé: {MESSAGE}</textarea>" in html
    assert InboundPayload.objects.count() == 1
