"""Single sign-on against a real OpenID Connect provider (npm `oidc-provider` on loopback).

The person signs in at the provider with the provider's password; VIK matches the `email` claim
(ignoring case) to one active VIK user with a membership. Who is not matched is told so on the
login page and nothing is created; every sign-in and refusal is in the audit log. A forged
`state` or `nonce` gets nobody in.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit, urlunsplit

import httpx
import pytest
from django.conf import settings
from playwright.sync_api import Page, expect

from vik.audit.models import AuditEvent
from vik.tenancy.models import Membership, User
from vik.testing.oidc import PROVIDER_NAME, OidcProvider
from vik.testing.personas import World

pytestmark = pytest.mark.django_db(transaction=True)

IDP_PASSWORD = "heslo-u-poskytovatele"  # the test provider's accounts only


def _account(email: str) -> dict[str, Any]:
    return {"password": IDP_PASSWORD, "claims": {"email": email, "email_verified": True}}


@pytest.fixture
def oidc_accounts() -> dict[str, dict[str, Any]]:
    return {
        "alice": {
            "password": IDP_PASSWORD,
            "claims": {
                "email": "alice.novakova@kraj-vysocina.cz",
                "preferred_username": "anovakova@kraj-vysocina.onmicrosoft.com",
            },
        },
        "erin": _account("erin@kraj-vysocina.cz"),
        "stranger": _account("jan.cizinec@kraj-vysocina.cz"),
        "nobody": {"password": IDP_PASSWORD, "claims": {"name": "Bez e-mailu"}},
    }


@pytest.fixture
def staff(world: World) -> World:
    """Alice's VIK e-mail differs from the provider's claim in case only."""
    world.alice.email = "Alice.Novakova@Kraj-Vysocina.cz"
    world.alice.save(update_fields=["email"])
    world.erin.email = "erin@kraj-vysocina.cz"
    world.erin.save(update_fields=["email"])
    return world


def _browser() -> httpx.Client:
    return httpx.Client(timeout=20)


def _message(page: httpx.Response) -> str:
    """The text of the login page's error message."""
    start = page.text.index('class="vik-message vik-message--error"')
    return page.text[page.text.index(">", start) + 1 : page.text.index("</", start)].strip()


def _events(action: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action).order_by("id"))


def test_login_page_offers_the_provider(oidc_provider: OidcProvider, staff: World) -> None:
    with _browser() as browser:
        page = browser.get(
            f"{oidc_provider.rp_url}/staff/login/?next=/staff/requests/%3Fview%3Dmine"
        )
    assert page.status_code == 200
    assert f"Přihlásit se přes {PROVIDER_NAME}" in page.text
    assert 'href="/staff/oidc/start/?next=%2Fstaff%2Frequests%2F%3Fview%3Dmine"' in page.text


def test_sign_in_ends_on_the_workspace_as_the_matched_user(
    oidc_provider: OidcProvider, staff: World
) -> None:
    users_before = User.objects.count()
    with _browser() as browser:
        page = oidc_provider.sign_in(browser, "alice", IDP_PASSWORD)
        assert page.status_code == 200
        assert str(page.url) == f"{oidc_provider.rp_url}/staff/requests/"
        assert "Alice Test" in page.text  # the navigation names the signed-in user
        # The session is a VIK session like any other: the next staff page opens, logout ends it.
        assert browser.get(f"{oidc_provider.rp_url}/staff/requests/?view=mine").status_code == 200
        logout = browser.post(
            f"{oidc_provider.rp_url}/staff/logout/",
            data={"csrfmiddlewaretoken": browser.cookies["csrftoken"]},
            headers={"Referer": f"{oidc_provider.rp_url}/staff/requests/"},
        )
        assert logout.status_code == 302
        after = browser.get(f"{oidc_provider.rp_url}/staff/requests/")
        assert after.status_code == 302
        assert after.headers["location"].startswith("/staff/login/")
    assert User.objects.count() == users_before
    [event] = _events("staff.login_oidc")
    assert (event.actor_id, event.object_id, event.ip_address) == (
        staff.alice.pk,
        str(staff.alice.pk),
        "127.0.0.1",
    )
    assert event.details == {
        "method": "oidc",
        "issuer": oidc_provider.issuer,
        "sub": "alice",
        "claim": "email",
        "identity": "alice.novakova@kraj-vysocina.cz",
    }
    assert _events("staff.login_oidc_refused") == []


def test_the_session_says_it_came_by_sso(oidc_provider: OidcProvider, staff: World) -> None:
    """The MFA step reads `vik_login_method` (VIK_OIDC_PROVIDER_MFA)."""
    with _browser() as browser:
        oidc_provider.sign_in(browser, "erin", IDP_PASSWORD)
        key = browser.cookies["sessionid"]
    session = import_module(settings.SESSION_ENGINE).SessionStore(session_key=key).load()
    assert session["vik_login_method"] == "oidc"
    assert session["_auth_user_id"] == str(staff.erin.pk)


def test_sign_in_returns_to_the_page_asked_for(oidc_provider: OidcProvider, staff: World) -> None:
    with _browser() as browser:
        form = oidc_provider.start(browser, next_path="/staff/requests/%3Fview%3Dmine")
        page = browser.post(
            str(form.url), data={"login": "alice", "password": IDP_PASSWORD}, follow_redirects=True
        )
    assert str(page.url) == f"{oidc_provider.rp_url}/staff/requests/?view=mine"


def test_next_to_another_site_is_ignored(oidc_provider: OidcProvider, staff: World) -> None:
    with _browser() as browser:
        form = oidc_provider.start(browser, next_path="https://evil.example/staff/")
        page = browser.post(
            str(form.url), data={"login": "alice", "password": IDP_PASSWORD}, follow_redirects=True
        )
    assert str(page.url) == f"{oidc_provider.rp_url}/staff/requests/"


def test_unknown_identity_is_told_and_nothing_is_created(
    oidc_provider: OidcProvider, staff: World
) -> None:
    users, memberships = User.objects.count(), Membership.objects.count()
    with _browser() as browser:
        page = oidc_provider.sign_in(browser, "stranger", IDP_PASSWORD)
        assert str(page.url) == f"{oidc_provider.rp_url}/staff/login/"
        assert _message(page) == (
            "Váš účet „jan.cizinec@kraj-vysocina.cz“ není ve VIK založen, obraťte se na správce."
        )
        assert browser.get(f"{oidc_provider.rp_url}/staff/requests/").status_code == 302
    assert (User.objects.count(), Membership.objects.count()) == (users, memberships)
    [event] = _events("staff.login_oidc_refused")
    assert event.actor_id is None
    assert event.details["reason"] == "unknown"
    assert event.details["identity"] == "jan.cizinec@kraj-vysocina.cz"
    assert _events("staff.login_oidc") == []


def test_user_without_membership_is_refused(oidc_provider: OidcProvider, staff: World) -> None:
    Membership.objects.filter(user=staff.erin).delete()
    with _browser() as browser:
        page = oidc_provider.sign_in(browser, "erin", IDP_PASSWORD)
        assert str(page.url) == f"{oidc_provider.rp_url}/staff/login/"
        assert _message(page) == (
            "Váš účet „erin@kraj-vysocina.cz“ zatím nemá ve VIK žádnou roli, obraťte se na správce."
        )
        assert browser.get(f"{oidc_provider.rp_url}/staff/requests/").status_code == 302
    [event] = _events("staff.login_oidc_refused")
    assert (event.details["reason"], event.object_id) == ("no_membership", str(staff.erin.pk))


def test_inactive_user_is_refused(oidc_provider: OidcProvider, staff: World) -> None:
    staff.alice.is_active = False
    staff.alice.save(update_fields=["is_active"])
    with _browser() as browser:
        page = oidc_provider.sign_in(browser, "alice", IDP_PASSWORD)
        assert str(page.url) == f"{oidc_provider.rp_url}/staff/login/"
        assert _message(page) == (
            "Váš účet „alice.novakova@kraj-vysocina.cz“ je ve VIK zablokován, "
            "obraťte se na správce."
        )
        assert browser.get(f"{oidc_provider.rp_url}/staff/requests/").status_code == 302
    [event] = _events("staff.login_oidc_refused")
    assert (event.details["reason"], event.object_id) == ("inactive", str(staff.alice.pk))


def test_identity_without_the_claim_is_refused(oidc_provider: OidcProvider, staff: World) -> None:
    with _browser() as browser:
        page = oidc_provider.sign_in(browser, "nobody", IDP_PASSWORD)
    assert _message(page) == (
        f"{PROVIDER_NAME} neposlal údaj „email“, podle kterého VIK účty pozná; "
        "obraťte se na správce."
    )
    assert [e.details["reason"] for e in _events("staff.login_oidc_refused")] == ["claim_missing"]


def test_match_by_username(oidc_provider: OidcProvider, staff: World, settings: Any) -> None:
    """VIK_OIDC_MATCH_CLAIM=preferred_username, VIK_OIDC_MATCH_FIELD=username (Entra ID's UPN)."""
    settings.VIK_OIDC_MATCH_CLAIM = "preferred_username"
    settings.VIK_OIDC_MATCH_FIELD = "username"
    staff.carol.username = "ANovakova@Kraj-Vysocina.onmicrosoft.com"
    staff.carol.save(update_fields=["username"])
    with _browser() as browser:
        page = oidc_provider.sign_in(browser, "alice", IDP_PASSWORD)
    assert str(page.url) == f"{oidc_provider.rp_url}/staff/requests/"
    [event] = _events("staff.login_oidc")
    assert event.actor_id == staff.carol.pk
    assert event.details["identity"] == "anovakova@kraj-vysocina.onmicrosoft.com"


def test_explicit_endpoints_without_discovery(
    oidc_provider: OidcProvider, staff: World, settings: Any
) -> None:
    settings.VIK_OIDC_ISSUER = ""
    settings.VIK_OIDC_AUTHORIZATION_ENDPOINT = f"{oidc_provider.issuer}/auth"
    settings.VIK_OIDC_TOKEN_ENDPOINT = f"{oidc_provider.issuer}/token"
    settings.VIK_OIDC_USERINFO_ENDPOINT = f"{oidc_provider.issuer}/me"
    settings.VIK_OIDC_JWKS_ENDPOINT = f"{oidc_provider.issuer}/jwks"
    with _browser() as browser:
        page = oidc_provider.sign_in(browser, "alice", IDP_PASSWORD)
    assert str(page.url) == f"{oidc_provider.rp_url}/staff/requests/"


def _with_param(url: str, name: str, value: str) -> str:
    parts = urlsplit(url)
    query = {key: values[0] for key, values in parse_qs(parts.query).items()}
    query[name] = value
    return urlunsplit(parts._replace(query=urlencode(query)))


def _assert_not_verified(page: httpx.Response, rp_url: str) -> None:
    assert str(page.url) == f"{rp_url}/staff/login/"
    assert _message(page) == (
        f"Přihlášení přes {PROVIDER_NAME} se nepodařilo ověřit. Zkuste to prosím znovu."
    )


def test_tampered_state_is_refused(oidc_provider: OidcProvider, staff: World) -> None:
    with _browser() as browser:
        form = oidc_provider.start(browser)
        answer = browser.post(str(form.url), data={"login": "alice", "password": IDP_PASSWORD})
        callback = oidc_provider.to_callback(browser, answer)
        page = browser.get(_with_param(callback, "state", "forged-state"), follow_redirects=True)
        _assert_not_verified(page, oidc_provider.rp_url)
        assert browser.get(f"{oidc_provider.rp_url}/staff/requests/").status_code == 302
    [event] = _events("staff.login_oidc_refused")
    assert event.details["reason"] == "invalid_state"
    assert _events("staff.login_oidc") == []


def test_replayed_callback_is_refused(oidc_provider: OidcProvider, staff: World) -> None:
    """The genuine answer works once; the same URL again (state used, code spent) does not."""
    with _browser() as browser:
        form = oidc_provider.start(browser)
        answer = browser.post(str(form.url), data={"login": "alice", "password": IDP_PASSWORD})
        callback = oidc_provider.to_callback(browser, answer)
        assert browser.get(callback).headers["location"] == "/staff/requests/"
    with _browser() as attacker:
        page = attacker.get(callback, follow_redirects=True)
        _assert_not_verified(page, oidc_provider.rp_url)
    assert len(_events("staff.login_oidc")) == 1


def test_tampered_nonce_is_refused(oidc_provider: OidcProvider, staff: World) -> None:
    """The authorization request is altered on its way to the provider: the ID token then
    carries a nonce that is not the one VIK keeps in the session."""
    with _browser() as browser:
        start = browser.get(f"{oidc_provider.rp_url}/staff/oidc/start/")
        assert start.status_code == 302
        forged = _with_param(start.headers["location"], "nonce", "forged-nonce")
        form = browser.get(forged, follow_redirects=True)
        answer = browser.post(str(form.url), data={"login": "alice", "password": IDP_PASSWORD})
        callback = oidc_provider.to_callback(browser, answer)
        page = browser.get(callback, follow_redirects=True)
        _assert_not_verified(page, oidc_provider.rp_url)
        assert browser.get(f"{oidc_provider.rp_url}/staff/requests/").status_code == 302
    [event] = _events("staff.login_oidc_refused")
    assert event.details["reason"] == "invalid"
    assert "Nonce" in event.details["error"]
    assert _events("staff.login_oidc") == []


def test_wrong_client_secret_gets_nobody_in(
    oidc_provider: OidcProvider, staff: World, settings: Any
) -> None:
    settings.VIK_OIDC_CLIENT_SECRET = "not-the-secret"
    with _browser() as browser:
        page = oidc_provider.sign_in(browser, "alice", IDP_PASSWORD)
        _assert_not_verified(page, oidc_provider.rp_url)
    [event] = _events("staff.login_oidc_refused")
    assert event.details["reason"] == "invalid"
    assert "HTTPError" in event.details["error"]


def test_off_without_a_client_id(client: Any, world: World, settings: Any) -> None:
    settings.VIK_OIDC_CLIENT_ID = ""
    page = client.get("/staff/login/")
    assert "Přihlásit se přes" not in page.content.decode()
    assert client.get("/staff/oidc/start/").status_code == 404
    assert client.get("/staff/oidc/callback/?code=x&state=y").status_code == 404


def test_provider_error_is_told_and_the_state_is_spent(
    oidc_provider: OidcProvider, staff: World
) -> None:
    """The person cancels at the provider: it answers with `error`; the state cannot be reused."""
    with _browser() as browser:
        start = browser.get(f"{oidc_provider.rp_url}/staff/oidc/start/")
        state = parse_qs(urlsplit(start.headers["location"]).query)["state"][0]
        callback = f"{oidc_provider.rp_url}/staff/oidc/callback/"
        page = browser.get(f"{callback}?error=access_denied&state={state}", follow_redirects=True)
        assert _message(page) == (
            f"{PROVIDER_NAME} vás nepřihlásil (access_denied). Zkuste to prosím znovu."
        )
        again = browser.get(f"{callback}?code=stolen&state={state}", follow_redirects=True)
        _assert_not_verified(again, oidc_provider.rp_url)
    assert [e.details["reason"] for e in _events("staff.login_oidc_refused")] == [
        "provider_error",
        "invalid_state",
    ]


@pytest.mark.browser
def test_in_chromium_the_button_signs_in(
    oidc_provider: OidcProvider, staff: World, page: Page
) -> None:
    page.goto(f"{oidc_provider.rp_url}/staff/login/")
    page.get_by_role("link", name=f"Přihlásit se přes {PROVIDER_NAME}").click()
    page.locator("input[name=login]").fill("alice")
    page.locator("input[name=password]").fill(IDP_PASSWORD)
    page.locator("button[type=submit]").click()
    page.wait_for_url(f"{oidc_provider.rp_url}/staff/requests/")
    expect(page.locator("header")).to_contain_text("Alice Test")
