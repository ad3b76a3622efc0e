"""In Chromium: the reports' index (with the overview report) and a report page, at 1280 and
390 px: axe-core finds nothing serious, the charts are drawn by the vendored Chart.js from their
data islands (no inline script under the CSP), each chart has its table, nothing scrolls
sideways on a phone. Screenshots with VIK_SCREENSHOTS=<folder>."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import Page, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from vik.channels.core.choices import ChannelKind
from vik.reports import registry
from vik.reports.document import ReportDocument
from vik.reports.filters import ReportFilters, Scope
from vik.reports.registry import ReportSpec
from vik.reports.tests.conftest import build_by_channel, make_request
from vik.testing.personas import World

from .test_browser_agent_flow import _log_in
from .test_browser_bad_input import screenshot
from .test_browser_web_form import Watch, assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def build_overview(filters: ReportFilters, scope: Scope) -> ReportDocument:
    return dataclasses.replace(build_by_channel(filters, scope), slug="overview", title="Souhrn")


@pytest.fixture
def reports(world: World) -> Iterator[None]:
    saved = dict(registry._REPORTS)
    registry._REPORTS.clear()
    registry.report_register(
        ReportSpec("overview", "Souhrn", "Hlavní čísla za období.", build_overview)
    )
    registry.report_register(
        ReportSpec(
            "test-channels",
            "Požadavky podle kanálů",
            "Kolik požadavků přišlo kterým kanálem.",
            build_by_channel,
        )
    )
    channels = [ChannelKind.EMAIL] * 5 + [ChannelKind.WEB] * 3 + [ChannelKind.PHONE] * 2
    for number, channel in enumerate(channels):
        make_request(
            world,
            centre=world.centre_a if number % 2 else world.centre_b,
            channel=channel,
            status="resolved" if number % 3 == 0 else "open",
        )
    try:
        yield
    finally:
        registry._REPORTS.clear()
        registry._REPORTS.update(saved)


def check_page(page: Page, what: str) -> None:
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        canvas = page.locator("canvas[data-report-chart]").first
        expect(canvas).to_have_attribute("data-drawn", "1")
        expect(page.locator("table[data-testid=report-table] caption").first).to_be_visible()
        # Chart.js redraws on its ResizeObserver a frame or two after the viewport changes; the
        # page must fit once it has (a canvas still at the old width for a frame is not a fault).
        fits = "width => document.documentElement.scrollWidth <= width"
        try:
            page.wait_for_function(fits, arg=width, timeout=5_000)
        except PlaywrightTimeout:
            scroll = page.evaluate("document.documentElement.scrollWidth")
            raise AssertionError(f"{what} scrolls sideways at {width} px ({scroll} px)") from None
        assert canvas.bounding_box()["width"] > 200  # type: ignore[index]
        assert_accessible(page, f"{what} at {width} px")


def test_the_reports_index_and_a_report(
    world: World, reports: None, live_server: Any, page: Page
) -> None:
    watch = Watch(page)
    _log_in(page, live_server.url, world.carol.username)
    page.get_by_test_id("nav-more").locator("summary").click()  # "Více"
    expect(page.get_by_test_id("nav-reports")).to_be_visible()
    page.get_by_test_id("nav-reports").click()
    page.wait_for_url("**/staff/reports/")
    expect(page.get_by_test_id("report-list").get_by_role("link")).to_have_count(2)
    page.goto(f"{live_server.url}/staff/reports/?preset=this_month")
    check_page(page, "the reports index")
    screenshot(page, "reports-index")

    page.goto(f"{live_server.url}/staff/reports/test-channels/?preset=this_month")
    expect(page.locator("main h1")).to_have_text("Požadavky podle kanálů")
    rows = page.locator("table[data-testid=report-table] tbody tr")
    expect(rows).to_have_count(3)
    check_page(page, "a report")
    page.locator("details.vik-report-schedule summary").click()
    assert_accessible(page, "a report with its subscription form open")
    screenshot(page, "reports-report")
    # Printed: no navigation, filter form or buttons; the filters in words, charts and tables.
    page.emulate_media(media="print")
    expect(page.locator("form.vik-report-filters")).to_be_hidden()
    expect(page.locator("header.vik-header")).to_be_hidden()
    expect(page.get_by_test_id("report-filters")).to_be_visible()
    expect(page.locator("canvas[data-report-chart]").first).to_be_visible()
    screenshot(page, "reports-print")
    page.emulate_media(media="screen")
    # A number leads to the requests behind it.
    page.locator("table[data-testid=report-table] tbody tr").first.locator("a").first.click()
    page.wait_for_url("**/staff/requests/?**")
    expect(page.get_by_test_id("request-row")).to_have_count(5)
    watch.check()
