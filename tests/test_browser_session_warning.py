"""End to end in Chromium: the idle warning. The browser's clock is moved forward
(Playwright's clock) and the server's session timestamps moved back, instead of waiting: the
warning appears before the idle logout, "stay signed in" extends the session on the server, and
once the session is over the page goes to the login page, which says why."""

from __future__ import annotations

import re
import time
from typing import Any

import pytest
from django.contrib.sessions.backends.db import SessionStore
from playwright.sync_api import Page, expect

from vik.tenancy.middleware import LAST_ACTIVITY
from vik.testing.personas import PASSWORD, World

from .test_browser_web_form import Watch, assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def idle_for(page: Page, seconds: float) -> None:
    """As if the user had done nothing for `seconds`: on the server and in the page."""
    cookie = next(c for c in page.context.cookies() if c["name"] == "sessionid")
    session = SessionStore(session_key=cookie["value"])
    session[LAST_ACTIVITY] = float(session[LAST_ACTIVITY]) - seconds
    session.save()
    page.clock.fast_forward(int(seconds * 1000))


def test_the_idle_warning_extends_the_session_or_signs_out(
    world: World, live_server: Any, page: Page
) -> None:
    watch = Watch(page)
    page.clock.install()
    page.goto(f"{live_server.url}/staff/login/")
    login = page.locator("main form[method=post]")
    login.locator("#id_username").fill(world.alice.username)
    login.locator("#id_password").fill(PASSWORD)
    login.locator("button[type=submit]").click()
    page.wait_for_url(re.compile(r"/staff/requests/$"))
    warning = page.get_by_test_id("session-warning")
    expect(warning).to_be_hidden()

    # 28.5 of 30 minutes idle: the warning counts down the last 90 seconds.
    idle_for(page, 28.5 * 60)
    expect(warning).to_be_visible()
    expect(warning.locator("[data-session-idle] [data-session-countdown]")).to_have_text(
        re.compile(r"^1:[23]\d$")
    )
    assert_accessible(page, "the requests list with the idle warning open")
    page.get_by_test_id("session-extend").click()
    expect(warning).to_be_hidden()
    cookie = next(c for c in page.context.cookies() if c["name"] == "sessionid")
    assert time.time() - SessionStore(session_key=cookie["value"])[LAST_ACTIVITY] < 10

    # Nobody clicks: at the end the page goes to the login page, which says why.
    idle_for(page, 28.5 * 60)
    expect(warning).to_be_visible()
    idle_for(page, 100)
    # The warning's own check or the bell's poll, whichever sees the end first, leaves the page
    # (the reason comes by the address or by the session the poll's logout left).
    page.wait_for_url(re.compile(r"/staff/login/"))
    expect(page.get_by_test_id("logout-reason")).to_be_visible()
    page.goto(f"{live_server.url}/staff/requests/")
    page.wait_for_url(re.compile(r"/staff/login/"))
    watch.check()
