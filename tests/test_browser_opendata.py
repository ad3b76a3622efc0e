"""In Chromium: the public statistics /statistiky/ at 1280 and 390 px, axe-clean, without
horizontal scrolling on a phone, its CSV download and catalogue links working. Screenshots go to
$VIK_SCREENSHOTS when it is set."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from django.test import override_settings
from playwright.sync_api import Page, expect

from vik.opendata import services
from vik.opendata.tests.test_statistics import at_now, crafted  # noqa: F401 — fixtures
from vik.testing.personas import World

from .test_browser_web_form import assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _screenshot(page: Page, name: str) -> None:
    folder = os.environ.get("VIK_SCREENSHOTS")
    if folder:
        page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=True)


def test_the_public_statistics(
    world: World,
    crafted: dict[str, Any],  # noqa: F811 — the fixture imported above
    live_server: Any,
    page: Page,
) -> None:
    with override_settings(SITE_URL=live_server.url):
        services.snapshot_publish(region=world.region)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{live_server.url}/statistiky/?kraj=VYS")
    expect(page.locator("h1")).to_have_text("Statistiky a otevřená data")
    months = page.locator("table").first
    expect(months.locator("caption")).to_contain_text("prosinec 2026 do dnešního dne")
    expect(months.locator("tr", has_text="listopad 2026")).to_contain_text("16")
    expect(months.locator("tr", has_text="říjen 2026")).to_contain_text("méně než 5")
    expect(
        page.get_by_text("V listopadu 2026 přijala centra 16 dotazů, nejvíce e-mailem.")
    ).to_be_visible()
    assert_accessible(page, "the statistics at 1280 px")
    _screenshot(page, "statistiky-1280")

    page.set_viewport_size({"width": 390, "height": 844})
    assert_accessible(page, "the statistics at 390 px")
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0
    _screenshot(page, "statistiky-390")

    href = page.locator(".vik-od-downloads").get_by_role("link", name="CSV", exact=True).nth(1)
    assert href.get_attribute("href") == "/statistiky/data/pozadavky-podle-kanalu.csv?kraj=3107"
    csv = page.request.get(f"{live_server.url}{href.get_attribute('href')}")
    assert csv.status == 200
    assert csv.text().startswith(
        "kraj_kod,mesic,mesic_uplny,kanal,kanal_nazev,pocet_pozadavku,poznamka\r\n"
    )
    page.get_by_role("link", name="Katalogizační záznam (DCAT-AP-CZ, JSON-LD)").click()
    assert '"typ": "Katalog"' in page.content()
