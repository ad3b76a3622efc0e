"""The limits of a staff session: idle timeout and absolute lifetime, enforced on the server;
polls do not count as activity; the login page says why the session ended."""

from __future__ import annotations

import time
from typing import Any

import pytest
from django.test import override_settings

from vik.tenancy.middleware import LAST_ACTIVITY, LOGOUT_REASON, SESSION_STARTED
from vik.testing.personas import PASSWORD

pytestmark = pytest.mark.django_db


def signed_in(client: Any, user: Any) -> Any:
    assert (
        client.post("/staff/login/", {"username": user.username, "password": PASSWORD}).status_code
        == 302
    )
    return client


def shift(client: Any, key: str, seconds: float) -> None:
    """Move a session timestamp into the past (as if that much time had gone by)."""
    session = client.session
    session[key] = float(session[key]) - seconds
    session.save()


def test_sign_in_starts_both_clocks(world, client):
    before = time.time()
    signed_in(client, world.alice)
    assert before <= client.session[SESSION_STARTED] <= time.time()
    assert client.session[LAST_ACTIVITY] == client.session[SESSION_STARTED]


def test_an_idle_session_ends_and_the_login_page_says_why(world, client):
    signed_in(client, world.alice)
    shift(client, LAST_ACTIVITY, 29 * 60)
    assert client.get("/staff/requests/").status_code == 200  # 29 min: still signed in
    shift(client, LAST_ACTIVITY, 31 * 60)
    response = client.get("/staff/requests/")
    assert response.status_code == 302
    assert response["Location"].startswith("/staff/login/?next=/staff/requests/")
    assert "_auth_user_id" not in client.session
    login = client.get(response["Location"]).content.decode()
    assert "Po 30 minutách bez aktivity jste byli odhlášeni." in login
    assert "bez aktivity jste byli" in client.get("/staff/login/").content.decode()  # reloaded
    signed_in(client, world.alice)
    assert LOGOUT_REASON not in client.session  # a new session forgets why the last one ended


def test_activity_keeps_the_session_but_polls_do_not(world, client):
    signed_in(client, world.alice)
    shift(client, LAST_ACTIVITY, 20 * 60)
    client.get("/staff/requests/")  # the user's own request: the idle clock starts again
    assert time.time() - client.session[LAST_ACTIVITY] < 5
    shift(client, LAST_ACTIVITY, 20 * 60)
    before = client.session[LAST_ACTIVITY]
    bell = client.get("/staff/notifications/bell", HTTP_HX_REQUEST="true")
    assert bell.status_code == 200
    assert client.get("/staff/session/").json()["seconds_left"] <= 10 * 60
    assert client.session[LAST_ACTIVITY] == before  # the poll did not count
    shift(client, LAST_ACTIVITY, 11 * 60)
    expired = client.get("/staff/notifications/bell", HTTP_HX_REQUEST="true")
    assert expired["HX-Redirect"] == "/staff/login/?reason=idle"  # the whole page goes there
    assert "_auth_user_id" not in client.session


def test_stay_signed_in_extends_the_session(world, client):
    signed_in(client, world.alice)
    shift(client, LAST_ACTIVITY, 29 * 60)
    assert client.get("/staff/session/").json() == {
        "signed_in": True,
        "seconds_left": pytest.approx(60, abs=3),
        "ends": "idle",
    }
    state = client.post("/staff/session/extend").json()
    assert state["seconds_left"] == pytest.approx(30 * 60, abs=3)
    shift(client, LAST_ACTIVITY, 5 * 60)
    assert client.get("/staff/requests/").status_code == 200


@override_settings(VIK_SESSION_MAX_HOURS=10)
def test_the_session_ends_after_its_absolute_lifetime_despite_activity(world, client):
    signed_in(client, world.alice)
    shift(client, SESSION_STARTED, 10 * 3600 - 60)
    assert client.get("/staff/session/").json()["ends"] == "max"
    assert client.get("/staff/requests/").status_code == 200
    shift(client, SESSION_STARTED, 61)
    response = client.get("/staff/requests/")
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session
    assert "přihlášení platí nejvýše 10 hodin" in client.get("/staff/login/").content.decode()


def test_the_cookie_does_not_outlive_the_session(world, client):
    signed_in(client, world.alice)
    assert client.cookies["sessionid"]["max-age"] == 10 * 3600


def test_the_staff_layout_carries_the_idle_warning(world, client):
    signed_in(client, world.alice)
    page = client.get("/staff/requests/").content.decode()
    assert 'data-idle-seconds="1800"' in page
    assert 'data-warning-seconds="120"' in page
    assert "/static/vik/session.js" in page
    assert "<script>" not in page  # no inline script: the CSP allows none


def test_the_login_page_says_why_from_the_address_too(client) -> None:
    """A page loaded with another session cookie than the one that ended still says why; an
    unknown reason says nothing (only the fixed texts are ever shown)."""
    assert 'data-testid="logout-reason"' in client.get("/staff/login/?reason=idle").content.decode()
    assert (
        'data-testid="logout-reason"' not in client.get("/staff/login/?reason=<b>").content.decode()
    )
