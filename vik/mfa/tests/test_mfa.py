"""The second factor: forced enrolment, the code after the password, throttling, recovery
codes, the admin and direct URLs, the reset by an administrator, single sign-on.

Codes are computed from the device's key as an authenticator app does (`totp(bin_key)`);
`drift=1` is the next time step, which the device accepts (tolerance 1) even when the current
step was already used."""

from __future__ import annotations

import base64
import re
from io import StringIO
from typing import Any

import pytest
from django.contrib.auth import SESSION_KEY
from django.core.management import CommandError, call_command
from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from vik.audit.models import AuditEvent
from vik.tenancy.choices import Role
from vik.tenancy.models import Membership, User
from vik.testing.personas import PASSWORD, World

REQUIRED = ["administrator", "region_coordinator", "analyst"]


@pytest.fixture
def required(settings: Any) -> None:
    settings.VIK_MFA_REQUIRED_ROLES = REQUIRED


def code_of(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, drift=1):06d}"


def enrolled(user: User) -> tuple[TOTPDevice, list[str]]:
    device = TOTPDevice.objects.create(user=user, name="authenticator", confirmed=True)
    static = StaticDevice.objects.create(user=user, name="recovery codes", confirmed=True)
    codes = [StaticToken.random_token() for _ in range(10)]
    StaticToken.objects.bulk_create([StaticToken(device=static, token=c) for c in codes])
    return device, codes


def password_login(client: Client, username: str, path: str = "/staff/login/") -> None:
    response = client.post(path, {"username": username, "password": PASSWORD})
    assert response.status_code == 302, response.content.decode()[:500]
    assert SESSION_KEY in client.session


def events(action: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action).order_by("pk"))


def test_required_role_without_device_is_sent_to_enrolment(world: World, required: None) -> None:
    client = Client()
    password_login(client, "carol")

    response = client.get("/staff/requests/")
    assert response.status_code == 302
    assert response["Location"] == "/staff/account/security/setup/?next=%2Fstaff%2Frequests%2F"
    assert response.content == b""

    page = client.get(response["Location"])
    assert page.status_code == 200
    device = TOTPDevice.objects.get(user=world.carol)
    assert device.confirmed is False
    secret = base64.b32encode(device.bin_key).decode().rstrip("=")
    html = page.content.decode()
    shown = re.search(r'data-testid="mfa-secret">([A-Z2-7 ]+)<', html)
    assert shown is not None and shown.group(1).replace(" ", "") == secret
    assert "<svg" in html and "otpauth" not in html  # the QR code is drawn here, not linked
    assert "Vaše role vyžaduje druhý faktor" in html

    wrong = client.post(page.request["PATH_INFO"], {"code": "000000", "next": "/staff/requests/"})
    assert wrong.status_code == 200
    assert "Kód nesouhlasí." in wrong.content.decode()
    device.refresh_from_db()
    assert device.confirmed is False
    assert client.get("/staff/requests/").status_code == 302

    device.throttle_reset()
    confirmed = client.post(
        "/staff/account/security/setup/", {"code": code_of(device), "next": "/staff/requests/"}
    )
    assert confirmed.status_code == 302
    assert confirmed["Location"] == "/staff/account/security/codes/"
    device.refresh_from_db()
    assert device.confirmed is True

    codes_page = client.get("/staff/account/security/codes/").content.decode()
    stored = sorted(
        StaticToken.objects.filter(device__user=world.carol).values_list("token", flat=True)
    )
    assert len(stored) == 10
    shown_codes = re.findall(r"<li>([a-z2-7]{8})</li>", codes_page)
    assert sorted(shown_codes) == stored
    assert 'download="vik-recovery-codes.txt"' in codes_page
    assert 'href="/staff/requests/"' in codes_page
    # Shown once: a reload shows them no more.
    again = client.get("/staff/account/security/codes/")
    assert again.status_code == 302 and stored[0] not in again.content.decode()

    assert client.get("/staff/requests/").status_code == 200
    assert [e.actor_id for e in events("mfa.enrol")] == [world.carol.pk]


def test_device_holder_must_enter_the_code_and_wrong_codes_are_throttled(world: World) -> None:
    # Alice is an agent: not required, but she turned it on herself.
    device, _codes = enrolled(world.alice)
    client = Client()
    password_login(client, "alice")

    response = client.get("/staff/requests/")
    assert response.status_code == 302
    assert response["Location"] == "/staff/login/code/?next=%2Fstaff%2Frequests%2F"
    assert response.content == b""

    wrong = client.post("/staff/login/code/", {"code": "123456", "next": "/staff/requests/"})
    assert wrong.status_code == 200
    assert "Kód nesouhlasí. Další pokus je možný za 1 s." in wrong.content.decode()

    # At once again, now with the right code: refused without being checked (throttled).
    throttled = client.post(
        "/staff/login/code/", {"code": code_of(device), "next": "/staff/requests/"}
    )
    assert throttled.status_code == 200
    assert "Příliš mnoho chybných kódů. Další pokus je možný za" in throttled.content.decode()
    assert client.get("/staff/requests/").status_code == 302
    fails = events("mfa.fail")
    assert [(e.actor_id, e.details["throttled"]) for e in fails] == [
        (world.alice.pk, False),
        (world.alice.pk, True),
    ]
    assert all(e.ip_address == "127.0.0.1" for e in fails)

    device.refresh_from_db()
    device.throttle_reset()
    key_before = client.session.session_key
    ok = client.post("/staff/login/code/", {"code": code_of(device), "next": "/staff/requests/"})
    assert ok.status_code == 302 and ok["Location"] == "/staff/requests/"
    assert client.session.session_key != key_before
    assert client.get("/staff/requests/").status_code == 200
    assert [e.details for e in events("mfa.verify")] == [{"method": "totp"}]


def test_recovery_code_works_once(world: World, required: None) -> None:
    _device, codes = enrolled(world.carol)
    client = Client()
    password_login(client, "carol")
    typed = f"{codes[3][:4].upper()} {codes[3][4:].upper()}"  # as read from a printout
    ok = client.post("/staff/login/code/", {"code": typed, "next": "https://evil.example/"})
    assert ok.status_code == 302 and ok["Location"] == "/staff/"  # not to another site
    assert client.get("/staff/requests/").status_code == 200
    assert events("mfa.verify")[0].details == {"method": "recovery_code", "recovery_codes_left": 9}

    client.post("/staff/logout/")
    password_login(client, "carol")
    again = client.post("/staff/login/code/", {"code": codes[3], "next": "/staff/requests/"})
    assert again.status_code == 200
    assert "Kód nesouhlasí." in again.content.decode()
    assert client.get("/staff/requests/").status_code == 302
    assert StaticToken.objects.filter(device__user=world.carol).count() == 9


@pytest.mark.parametrize("enrol", [False, True], ids=["no-device", "device"])
def test_admin_and_direct_urls_need_the_second_factor(
    world: World, required: None, enrol: bool
) -> None:
    root = User.objects.create_superuser("root", "root@example.org", PASSWORD)
    if enrol:
        enrolled(root)
    step = "/staff/login/code/" if enrol else "/staff/account/security/setup/"
    client = Client()
    # Through the admin's own login form, not the staff one.
    password_login(client, "root", path="/admin/login/")
    for path in [
        "/admin/",
        "/admin/login/",
        "/admin/tenancy/user/",
        f"/admin/tenancy/user/{world.carol.pk}/change/",
        "/staff/requests/",
        "/staff/knowledge/",
        "/staff/account/security/",
        "/staff/account/security/codes/",
        "/staff/password/",
    ]:
        response = client.get(path)
        assert response.status_code == 302, path
        assert response["Location"].startswith(f"{step}?next="), path
        assert response.content == b"", path
    # With the device, enrolment of a new one is refused until the code is entered.
    if enrol:
        assert client.get("/staff/account/security/setup/")["Location"].startswith(step)
        assert TOTPDevice.objects.filter(user=root, confirmed=False).count() == 0
    # The public portal and the sign-in steps stay open.
    assert client.get("/").status_code == 200
    assert client.get(step).status_code == 200


def test_role_not_required_signs_in_with_the_password_only(world: World, required: None) -> None:
    client = Client()
    password_login(client, "alice")
    response = client.get("/staff/requests/")
    assert response.status_code == 200
    assert TOTPDevice.objects.count() == 0
    # …and the analyst, who is required, is not let through.
    other = Client()
    password_login(other, "erin")
    assert other.get("/staff/requests/").status_code == 302


def test_remove_own_device_needs_password_or_code(world: World, required: None) -> None:
    device, _codes = enrolled(world.carol)
    client = Client()
    password_login(client, "carol")
    client.post("/staff/login/code/", {"code": code_of(device)})
    page = client.get("/staff/account/security/").content.decode()
    assert "Máte 10 nepoužitých záložních kódů." in page

    refused = client.post(
        "/staff/account/security/", {"action": "remove", "secret": "wrong"}, follow=True
    )
    assert "Heslo nebo kód nesouhlasí. Nic se nezměnilo." in refused.content.decode()
    assert TOTPDevice.objects.filter(user=world.carol).count() == 1

    client.post("/staff/account/security/", {"action": "remove", "secret": PASSWORD})
    assert TOTPDevice.objects.filter(user=world.carol).count() == 0
    assert StaticDevice.objects.filter(user=world.carol).count() == 0
    # Her role requires it: she is sent to set up a new app at once.
    assert client.get("/staff/requests/")["Location"].startswith("/staff/account/security/setup/")
    assert [e.actor_id for e in events("mfa.remove")] == [world.carol.pk]


def test_regenerate_recovery_codes(world: World) -> None:
    device, old = enrolled(world.alice)
    client = Client()
    password_login(client, "alice")
    client.post("/staff/login/code/", {"code": code_of(device)})
    device.refresh_from_db()
    response = client.post(
        "/staff/account/security/", {"action": "regenerate", "secret": PASSWORD}, follow=True
    )
    new = re.findall(r"<li>([a-z2-7]{8})</li>", response.content.decode())
    assert len(new) == 10 and not set(new) & set(old)
    assert sorted(new) == sorted(StaticToken.objects.values_list("token", flat=True))
    assert len(events("mfa.recovery_codes_regenerate")) == 1


def test_administrator_resets_another_users_device_audited(world: World) -> None:
    olga = User.objects.create_user("olga", password=PASSWORD)
    Membership.objects.create(user=olga, region=world.region, role=Role.ADMINISTRATOR)
    oskar = User.objects.create_user("oskar", password=PASSWORD)  # administrator elsewhere
    Membership.objects.create(user=oskar, region=world.other_region, role=Role.ADMINISTRATOR)
    enrolled(world.carol)

    foreign = Client()
    foreign.force_login(oskar)
    refused = foreign.post(
        "/staff/account/security/", {"action": "reset", "username": "carol"}, follow=True
    )
    assert "Druhý faktor tohoto uživatele resetovat nemůžete." in refused.content.decode()
    assert TOTPDevice.objects.filter(user=world.carol).count() == 1
    assert events("mfa.reset") == []

    client = Client()
    client.force_login(olga)
    assert (
        "Resetovat druhý faktor jiného uživatele"
        in client.get("/staff/account/security/").content.decode()
    )
    done = client.post(
        "/staff/account/security/", {"action": "reset", "username": "carol"}, follow=True
    )
    assert "Druhý faktor uživatele carol byl resetován." in done.content.decode()
    assert TOTPDevice.objects.filter(user=world.carol).count() == 0
    assert StaticToken.objects.filter(device__user=world.carol).count() == 0
    [event] = events("mfa.reset")
    assert (event.actor_id, event.object_id, event.details) == (
        olga.pk,
        str(world.carol.pk),
        {"user": "carol"},
    )
    # An agent sees no reset form and cannot post one.
    agent = Client()
    agent.force_login(world.alice)
    assert "Resetovat druhý faktor" not in agent.get("/staff/account/security/").content.decode()
    agent.post("/staff/account/security/", {"action": "reset", "username": "bob"})
    assert len(events("mfa.reset")) == 1


def test_single_sign_on_session_counts_as_verified(world: World, settings: Any) -> None:
    enrolled(world.carol)
    client = Client()
    client.force_login(world.carol)
    session = client.session
    session["vik_login_method"] = "oidc"
    session.save()
    assert client.get("/staff/requests/").status_code == 200
    settings.VIK_OIDC_PROVIDER_MFA = False
    response = client.get("/staff/requests/")
    assert response.status_code == 302
    assert response["Location"].startswith("/staff/login/code/")


def test_production_default_requires_the_overseeing_roles(monkeypatch: Any) -> None:
    monkeypatch.delenv("VIK_MFA_REQUIRED_ROLES", raising=False)
    from config.settings import base  # local import: the module as production loads it

    assert base.VIK_MFA_REQUIRED_ROLES == REQUIRED
    assert base.VIK_OIDC_PROVIDER_MFA is True


def test_admin_shows_no_keys_or_recovery_codes(world: World) -> None:
    root = User.objects.create_superuser("root", "root@example.org", PASSWORD)
    client = Client()
    client.force_login(root)
    index = client.get("/admin/").content.decode()
    assert "/admin/tenancy/user/" in index
    assert "otp_totp" not in index and "otp_static" not in index
    assert client.get("/admin/otp_totp/totpdevice/").status_code == 404
    assert client.get("/admin/otp_static/staticdevice/").status_code == 404


def test_reset_from_the_console_is_audited_as_system(world: World) -> None:
    enrolled(world.carol)
    out = StringIO()
    call_command("mfa", "reset", "carol", stdout=out)
    assert out.getvalue().startswith("carol: second factor reset")
    assert TOTPDevice.objects.filter(user=world.carol).count() == 0
    [event] = events("mfa.reset")
    assert (event.actor_id, event.actor_label, event.details) == (
        None,
        "system",
        {"user": "carol", "via": "command line"},
    )
    with pytest.raises(CommandError):
        call_command("mfa", "reset", "nobody")


def test_pages_speak_english_when_chosen(world: World) -> None:
    enrolled(world.alice)
    client = Client()
    client.cookies["django_language"] = "en"
    password_login(client, "alice")
    page = client.get("/staff/login/code/").content.decode()
    assert "Enter the code from your app" in page and "Continue" in page
    wrong = client.post("/staff/login/code/", {"code": "999999"}).content.decode()
    assert "The code is not correct. You can try again in 1 second." in wrong
