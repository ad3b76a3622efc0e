"""End to end in Chromium: the clerk's request list at 1280×900 and 390 px.

At least 15 requests are in sight at 1280×900, one line each; the bar of bulk actions appears
only when a row is ticked; a filter shows as a chip whose × removes it; the columns the clerk
chose stay chosen; the search finds "občanský" typed without diacritics. Selectors avoid
translated labels: the Czech catalogue may or may not be compiled when this runs.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.test_browser_bad_input import screenshot
from tests.test_browser_web_form import Watch, assert_accessible
from vik.conversations.models import Request, new_public_token
from vik.testing.personas import PASSWORD, World, submit_web_request
from vik.workspace.models import ListColumns

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SUBJECTS = [
    "Kdy mohu vyzvednout nový občanský průkaz?",
    "Svoz velkoobjemového odpadu v Jihlavě",
    "Poplatek za psa – lze platit převodem? A jaké je číslo účtu, variabilní symbol a do kdy "
    "je potřeba zaplatit, když jsem se přistěhoval v průběhu roku a pes je starší tří let?",
    "Úřední hodiny o svátcích",
    "Rekonstrukce chodníku v Brněnské ulici",
]


def demo_like_requests(client: Any, count: int = 30) -> list[Request]:
    """One request through the portal, then copies of it as a busy centre has them: several
    statuses, subjects long and short."""
    first = submit_web_request(client, name="Marie Svobodová", email="marie@example.cz")
    made = [first]
    statuses = ["new", "open", "waiting_citizen", "resolved", "new", "open"]
    for number in range(1, count):
        copy = Request.objects.get(pk=first.pk)
        copy.pk = None
        copy.reference = f"VYS-2026-{900000 + number:06d}"
        copy.public_token = new_public_token()
        copy.subject = SUBJECTS[number % len(SUBJECTS)]
        copy.status = statuses[number % len(statuses)]
        copy.save()
        made.append(copy)
    return made


def log_in(page: Page, base: str, username: str) -> None:
    page.goto(f"{base}/staff/login/")
    form = page.locator("main form[method=post]")
    form.locator("#id_username").fill(username)
    form.locator("#id_password").fill(PASSWORD)
    form.locator("button[type=submit]").click()
    page.wait_for_url(re.compile(r"/staff/requests/$"))


def rows_in_view(page: Page, height: int) -> int:
    boxes = [
        row.bounding_box() for row in page.get_by_test_id("request-row").all()
    ]  # fmt: skip
    return sum(1 for box in boxes if box and box["y"] >= 0 and box["y"] + box["height"] <= height)


def test_the_list_fits_a_screen_and_its_filters_stay_out_of_the_way(
    world: World, client: Any, live_server: Any, page: Page
) -> None:
    demo_like_requests(client)
    clerk = Watch(page)
    page.set_viewport_size({"width": 1280, "height": 900})
    log_in(page, live_server.url, world.alice.username)

    # 1. At least 15 requests in sight, each on one line; a long subject is cut, whole in its
    #    title; the reference never wraps.
    rows = page.get_by_test_id("request-row")
    expect(rows).to_have_count(30)
    assert rows_in_view(page, 900) >= 15
    heights = {round(box["height"]) for row in rows.all() if (box := row.bounding_box())}
    assert max(heights) - min(heights) <= 2, heights  # all rows the same single-line height
    long_row = page.locator("td.vik-col-subject[title^='Poplatek za psa']").first
    expect(long_row).to_have_attribute("title", SUBJECTS[2])
    reference = page.locator("td.vik-col-ref a").first
    assert reference.bounding_box()["height"] < 30  # type: ignore[index]
    # Alice sees one centre: no centre column to choose.
    expect(page.get_by_test_id("column-centre")).to_have_count(0)
    assert_accessible(page, "the request list")
    screenshot(page, "request-list")

    # 2. The bulk bar appears when a row is ticked and goes when none is.
    bulk = page.get_by_test_id("bulk-form")
    expect(bulk).to_be_hidden()
    rows.nth(0).get_by_test_id("row-checkbox").check()
    expect(bulk).to_be_visible()
    expect(page.get_by_test_id("bulk-count")).to_have_text("1")
    page.get_by_test_id("select-all").check()
    expect(page.get_by_test_id("bulk-count")).to_have_text("30")
    assert_accessible(page, "the list with rows ticked")
    screenshot(page, "request-list-ticked")
    page.get_by_test_id("select-all").uncheck()
    expect(bulk).to_be_hidden()

    # 3. A filter becomes a chip; its × removes it.
    expect(page.get_by_test_id("chip")).to_have_count(0)
    page.locator("#request-filters select[name=status]").select_option("new")
    chip = page.locator("[data-testid=chip][data-filter=status]")
    expect(chip).to_be_visible()
    expect(rows).to_have_count(10)
    assert "status=new" in page.url
    page.get_by_test_id("more-filters").locator("summary").click()
    assert_accessible(page, "the list with a chip and more filters open")
    screenshot(page, "request-list-filtered")
    chip.get_by_test_id("chip-remove").click()
    expect(page.get_by_test_id("chip")).to_have_count(0)
    expect(rows).to_have_count(30)
    assert "status=" not in page.url

    # 4. Search without diacritics.
    search = page.get_by_test_id("search")
    search.fill("obcansky")
    search.press("Enter")
    expect(rows).to_have_count(6)
    expect(page.locator("[data-testid=chip][data-filter=text]")).to_be_visible()

    # 5. The columns chosen stay chosen (kept for the user).
    page.goto(f"{live_server.url}/staff/requests/")
    expect(page.locator("[data-testid=request-table] thead th")).to_have_count(
        8
    )  # tick, reference, subject + 5 defaults
    chooser = page.get_by_test_id("column-chooser")
    chooser.locator("summary").click()
    chooser.get_by_test_id("column-assignee").uncheck()
    chooser.get_by_test_id("column-channel").check()
    chooser.get_by_test_id("column-topic").check()
    chooser.get_by_test_id("columns-save").click()
    page.wait_for_url(re.compile(r"/staff/requests/$"))
    expect(page.locator("[data-testid=request-table] thead th")).to_have_count(9)
    assert ListColumns.objects.get(user=world.alice).columns == [
        "requester", "topic", "status", "time_left", "channel", "received",
    ]  # fmt: skip
    page.reload()
    expect(page.get_by_test_id("column-chooser").get_by_test_id("column-channel")).to_be_checked()
    expect(
        page.get_by_test_id("column-chooser").get_by_test_id("column-assignee")
    ).not_to_be_checked()
    assert rows_in_view(page, 900) >= 15
    clerk.check()


def test_the_list_on_a_phone(world: World, client: Any, live_server: Any, page: Page) -> None:
    demo_like_requests(client, count=8)
    clerk = Watch(page)
    page.set_viewport_size({"width": 390, "height": 844})
    log_in(page, live_server.url, world.alice.username)
    rows = page.get_by_test_id("request-row")
    expect(rows).to_have_count(8)
    # Nothing wider than the screen: no sideways scrolling.
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, width
    expect(page.get_by_test_id("bulk-form")).to_be_hidden()
    assert_accessible(page, "the request list at 390 px")
    # A row ticked: the bar of bulk actions fits the screen too (its transfer group wraps).
    rows.nth(0).get_by_test_id("row-checkbox").check()
    expect(page.get_by_test_id("bulk-form")).to_be_visible()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, width
    assert_accessible(page, "the request list at 390 px with a row ticked")
    clerk.check()
