"""In Chromium, at 1280 and 390 px with axe-core: the call-back form's errors in the design
system's way (the summary focused, the error beside the field); a clerk's Markdown reply on the
citizen's tracking page, formatted, its link clickable; the coordinator's page for the portal's
identity, the header showing what was saved. Screenshots with VIK_SCREENSHOTS=<folder>."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from vik.channels.phone.tests.conftest import line_build
from vik.conversations import services
from vik.testing.fixtures import run_on_commit
from vik.testing.personas import World, submit_web_request

from .test_browser_agent_flow import _log_in
from .test_browser_bad_input import screenshot
from .test_browser_web_form import assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def both_widths(page: Page, what: str) -> None:
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        assert_accessible(page, f"{what} at {width} px")
        assert page.evaluate("document.documentElement.scrollWidth") <= width, what
    page.set_viewport_size({"width": 1280, "height": 900})


def test_the_call_back_form_shows_its_errors_in_the_design_systems_way(
    world: World, live_server: Any, page: Page
) -> None:
    line_build(world)
    page.goto(f"{live_server.url}/zavolejte-mi/")
    form = page.get_by_test_id("callback-form")
    expect(form.get_by_label("Čeho se dotaz týká?")).to_have_value("")  # "— nevím —"
    form.locator("#id_number").fill("12")
    form.get_by_role("button", name="Zavolejte mi").click()
    summary = page.get_by_test_id("error-summary")
    expect(summary).to_be_focused()
    summary.get_by_role("link").click()
    expect(form.locator("#id_number")).to_be_focused()
    expect(form.locator("#id_number_error")).to_be_visible()
    both_widths(page, "the call-back form with an error")
    screenshot(page, "callback-error")


def test_the_tracking_page_shows_the_clerks_reply_formatted(
    world: World, client: Any, live_server: Any, page: Page
) -> None:
    item = submit_web_request(client)
    with run_on_commit():
        services.request_reply(
            request=item, by=world.alice,
            text="Dobrý den,\n\nprůkaz si vyzvedněte **do pátku**:\n\n- občanský průkaz\n"
            "- fotografie\n\nOtevírací doba je [na webu úřadu](https://www.jihlava.cz/urad).",
        )  # fmt: skip
    page.goto(f"{live_server.url}/sledovani/{item.public_token}/")
    reply = page.get_by_test_id("tracking-reply")
    expect(reply.locator("strong")).to_have_text("do pátku")
    expect(reply.locator("li")).to_have_text(["občanský průkaz", "fotografie"])
    link = reply.get_by_role("link", name="na webu úřadu")
    expect(link).to_have_attribute("href", "https://www.jihlava.cz/urad")
    assert "**" not in reply.inner_text()
    both_widths(page, "the tracking page")
    screenshot(page, "tracking-formatted")


def test_the_coordinator_sets_the_portals_name_colour_and_logo(
    world: World, live_server: Any, page: Page, settings: Any, tmp_path: Path
) -> None:
    settings.MEDIA_ROOT = tmp_path
    logo = tmp_path / "znak.svg"
    logo.write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" width="48" height="48">'
        '<circle cx="24" cy="24" r="20" fill="#fff"/></svg>'
    )
    _log_in(page, live_server.url, world.carol.username)
    page.get_by_test_id("nav-more").locator("summary").click()
    page.get_by_test_id("nav-portal").click()
    form = page.get_by_test_id("portal-identity-form")
    expect(page.locator("main h1")).to_have_text("Vzhled portálu: Kraj Vysočina")
    form.locator("#id_name").fill("Kraj Vysočina – informační kancelář")
    form.get_by_label("tmavě modrá").check()
    form.get_by_label("Vybrat soubor — logo").set_input_files(str(logo))
    expect(form.locator(".gov-form-file__item")).to_contain_text("znak.svg")
    both_widths(page, "the portal identity page")
    form.get_by_test_id("portal-identity-save").click()
    expect(page.locator(".vik-message--success")).to_contain_text("Vzhled portálu je uložen.")
    expect(page.get_by_test_id("logo-now").locator("img")).to_be_visible()
    screenshot(page, "portal-identity")
    page.goto(f"{live_server.url}/")
    header = page.get_by_test_id("portal-header")
    expect(header).to_have_class("gov-header gov-header--primary-800")
    expect(page.get_by_test_id("portal-owner")).to_have_text("Kraj Vysočina – informační kancelář")
    screenshot(page, "portal-identity-home")
