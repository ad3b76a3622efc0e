"""In Chromium: a citizen's one click on the e-mail's link for a score records it (a scanner's
fetch of the link records nothing), then adds a comment; changes the rating on a phone
(390 px); after the change window the page only shows it. A coordinator then sees it on the
follow-up list and on the request page. Every page is axe-clean; screenshots go to
$VIK_SCREENSHOTS (when set), at 1280 and 390 px."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.test_browser_agent_flow import _log_in
from tests.test_browser_bad_input import screenshot
from tests.test_browser_web_form import Watch, assert_accessible
from vik.channels.core.choices import ChannelKind
from vik.contacts.choices import IdentityKind
from vik.contacts.models import Contact, Identity
from vik.conversations.choices import Status
from vik.conversations.models import Request
from vik.core import clock
from vik.satisfaction import services
from vik.satisfaction.models import Rating
from vik.testing.personas import World

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

COMMENT = "Odpověď přišla až po týdnu a musela jsem se doptávat."


def _resolved(world: World) -> Request:
    contact = Contact.objects.create(region=world.region, name="Jana Dvořáková")
    Identity.objects.create(
        contact=contact, region=world.region, kind=IdentityKind.EMAIL, value="jana@example.cz"
    )
    return Request.objects.create(
        region=world.region, centre=world.centre_a, reference="VYS-2026-000042",
        subject="Příspěvek na bydlení", requester=contact, origin_channel=ChannelKind.WEB,
        status=Status.RESOLVED, resolved_at=clock.now() - dt.timedelta(hours=2),
    )  # fmt: skip


def test_a_citizen_rates_in_one_click_changes_it_and_a_coordinator_follows_it_up(
    world: World, live_server: Any, page: Page
) -> None:
    request = _resolved(world)
    invitation = services.rating_invitation_ensure(request=request)
    url = f"{live_server.url}/hodnoceni/{invitation.token}/"
    citizen = Watch(page)

    # The tracking page offers the same form once the request is resolved.
    page.goto(f"{live_server.url}/sledovani/{request.public_token}/")
    expect(page.get_by_test_id("tracking-rating")).to_be_visible()
    assert_accessible(page, "the tracking page with the rating form")
    page.get_by_test_id("tracking-rating").scroll_into_view_if_needed()
    screenshot(page, "tracking-rating")

    # A scanner fetching the e-mail's links records nothing (no script runs for it).
    assert page.request.get(f"{url}5/").ok
    assert not Rating.objects.exists()
    # The citizen's one click on the link for "2 – poor" records it: the page posts it.
    page.goto(f"{url}2/")
    page.wait_for_url(url)
    expect(page.locator(".vik-message--success, [role=status]").first).to_be_visible()
    expect(page.get_by_test_id("rating-current")).to_contain_text("2")
    rating = Rating.objects.get()
    assert (rating.score, rating.comment, rating.channel) == (2, "", ChannelKind.WEB)
    assert_accessible(page, "the rating page after the one click")
    screenshot(page, "rating-one-click")
    # Opening the same link again posts nothing; the comment is added on the page.
    page.goto(f"{url}2/")
    expect(page.get_by_test_id("rating-current")).to_contain_text("2")
    expect(page).to_have_url(f"{url}2/")
    assert Rating.objects.count() == 1
    page.locator("#id_comment").fill(COMMENT)
    page.get_by_test_id("rating-send").click()
    page.wait_for_url(url)
    rating.refresh_from_db()
    assert (rating.score, rating.comment, rating.channel) == (2, COMMENT, ChannelKind.WEB)
    assert_accessible(page, "the rating page after rating")
    screenshot(page, "rating-thanks")

    # On a phone, the citizen changes their mind: 4, comment kept.
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(url)
    expect(page.locator("#id_comment")).to_have_value(COMMENT)
    page.locator("label[for=id_score_1]").click()
    page.get_by_test_id("rating-send").click()
    page.wait_for_url(url)
    rating.refresh_from_db()
    assert (rating.score, rating.comment, Rating.objects.count()) == (4, COMMENT, 1)
    assert_accessible(page, "the rating page on a phone")

    # Eight days later the page only shows the rating.
    Rating.objects.filter(pk=rating.pk).update(
        answered_at=rating.answered_at - dt.timedelta(days=8), score=1
    )
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(url)
    expect(page.get_by_test_id("rating-closed")).to_be_visible()
    expect(page.get_by_test_id("rating-form")).to_have_count(0)
    assert_accessible(page, "the rating page after the change window")
    screenshot(page, "rating-closed")
    citizen.check()

    # The coordinator's follow-up list and the request page.
    _log_in(page, live_server.url, "carol")
    page.goto(f"{live_server.url}/staff/satisfaction/")
    expect(page.get_by_test_id("follow-up-comment")).to_have_text(COMMENT)
    assert_accessible(page, "the follow-up list")
    screenshot(page, "satisfaction-follow-up")
    page.locator(f"#note-{rating.pk}").fill("Volala jsem paní a omluvila se.")
    page.get_by_test_id("follow-up-form").locator("button").click()
    page.wait_for_url(re.compile(r"/staff/satisfaction/$"))
    expect(page.get_by_test_id("no-ratings")).to_be_visible()
    rating.refresh_from_db()
    assert rating.followed_up_by == world.carol
    page.goto(f"{live_server.url}/staff/requests/{request.reference}/")
    expect(page.get_by_test_id("rating-comment")).to_have_text(COMMENT)
    expect(page.get_by_test_id("rating-followed-up")).to_be_visible()
    assert_accessible(page, "the request page with the rating")
    page.get_by_test_id("request-rating").scroll_into_view_if_needed()
    screenshot(page, "request-rating")
    citizen.check()
