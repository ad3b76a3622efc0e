"""Brute force against the staff and the admin login: locked per account and per address, the
right password refused during the lock, released by a lead, audited."""

from __future__ import annotations

from typing import Any

import pytest
from axes.models import AccessAttempt
from django.test import override_settings

from vik.audit.models import AuditEvent
from vik.tenancy.models import Membership, User
from vik.testing.personas import PASSWORD

pytestmark = pytest.mark.django_db

LIMITS = override_settings(
    AXES_ENABLED=True,
    VIK_LOGIN_FAILURE_LIMIT=3,
    VIK_LOGIN_ADDRESS_FAILURE_LIMIT=5,
    VIK_LOGIN_COOLOFF_MINUTES=15,
)


@pytest.fixture(autouse=True)
def _axes_on() -> Any:
    with LIMITS:
        yield


def sign_in(client: Any, username: str, password: str, *, ip: str = "203.0.113.7", admin=False):
    url = "/admin/login/" if admin else "/staff/login/"
    return client.post(url, {"username": username, "password": password}, REMOTE_ADDR=ip)


@pytest.fixture
def lead(world: Any) -> User:
    user = User.objects.create_user(username="lea", password=PASSWORD, first_name="Lea")
    Membership.objects.create(
        user=user, region=world.region, centre=world.centre_a, role="centre_lead"
    )
    return user


def test_brute_force_locks_the_account_with_a_czech_page_and_an_audit_event(world, client):
    statuses = [sign_in(client, "alice", f"wrong{i}").status_code for i in range(3)]
    assert statuses == [200, 200, 429]
    refused = sign_in(client, "alice", PASSWORD)  # the right password, during the lock
    assert refused.status_code == 429
    page = refused.content.decode()
    assert "Přihlášení je dočasně zablokováno" in page
    assert "Zkuste to znovu za 15 minut" in page
    assert refused["Retry-After"] in {"899", "900"}
    assert "_auth_user_id" not in client.session
    events = AuditEvent.objects.filter(action="auth.lockout")
    assert [(e.object_type, e.object_id) for e in events] == [("tenancy.user", str(world.alice.pk))]
    assert events[0].details["username"] == "alice"
    assert events[0].details["ip_address"] == "203.0.113.7"
    assert events[0].details["locked"] == ["account"]
    assert events[0].ip_address == "203.0.113.7"


def test_an_account_is_locked_from_every_address(world, client):
    for i, ip in enumerate(["198.51.100.1", "198.51.100.2", "198.51.100.3"]):
        sign_in(client, "alice", f"wrong{i}", ip=ip)
    assert sign_in(client, "alice", PASSWORD, ip="192.0.2.50").status_code == 429
    # other accounts from those addresses still sign in
    assert sign_in(client, "bob", PASSWORD, ip="198.51.100.1").status_code == 302


def test_an_address_is_locked_across_accounts_and_audited_without_a_user(world, client):
    names = ["alice", "bob", "carol", "nobody", "erin"]
    statuses = [sign_in(client, name, "wrong", ip="203.0.113.9").status_code for name in names]
    assert statuses == [200, 200, 200, 200, 429]
    assert sign_in(client, "dave", PASSWORD, ip="203.0.113.9").status_code == 429
    page = sign_in(client, "dave", PASSWORD, ip="203.0.113.9").content.decode()
    assert "Z vaší síťové adresy přišlo příliš mnoho" in page
    assert sign_in(client, "dave", PASSWORD, ip="203.0.113.10").status_code == 302
    event = AuditEvent.objects.get(action="auth.lockout")
    assert event.details["ip_address"] == "203.0.113.9"
    assert event.details["username"] == "erin"
    assert event.details["locked"] == ["address"]
    assert event.object_type == "axes.accessattempt"  # not erin's account: hers is not locked


def test_the_admin_login_is_locked_too(world, client):
    admin = User.objects.create_superuser(username="root", password=PASSWORD)
    for i in range(3):
        sign_in(client, "root", f"wrong{i}", admin=True)
    refused = sign_in(client, "root", PASSWORD, admin=True)
    assert refused.status_code == 429
    assert "Přihlášení je dočasně zablokováno" in refused.content.decode()
    assert "_auth_user_id" not in client.session
    assert AuditEvent.objects.filter(action="auth.lockout", object_id=str(admin.pk)).count() == 1


def test_a_lead_sees_and_releases_the_lock_and_the_colleague_signs_in(world, client, lead):
    for i in range(3):
        sign_in(client, "alice", f"wrong{i}")
    client.force_login(lead)
    page = client.get("/staff/security/lockouts/")
    assert page.status_code == 200
    assert 'data-username="alice"' in page.content.decode()
    response = client.post("/staff/security/lockouts/release", {"username": "alice"})
    assert response.status_code == 302
    assert not AccessAttempt.objects.filter(username="alice").exists()
    release = AuditEvent.objects.get(action="auth.lockout_release")
    assert (release.actor_id, release.object_id) == (lead.pk, str(world.alice.pk))
    client.logout()
    assert sign_in(client, "alice", PASSWORD).status_code == 302


def test_a_lead_does_not_see_or_release_staff_of_another_centre(world, client, lead):
    for i in range(3):
        sign_in(client, "bob", f"wrong{i}")
    client.force_login(lead)
    assert 'data-username="bob"' not in client.get("/staff/security/lockouts/").content.decode()
    assert client.post("/staff/security/lockouts/release", {"username": "bob"}).status_code == 403
    assert AccessAttempt.objects.filter(username="bob").count() == 1
    assert not AuditEvent.objects.filter(action="auth.lockout_release").exists()


def test_an_agent_can_neither_see_nor_release_locks(world, client):
    for i in range(3):
        sign_in(client, "bob", f"wrong{i}")
    client.force_login(world.alice)
    assert client.get("/staff/security/lockouts/").status_code == 403
    assert client.post("/staff/security/lockouts/release", {"username": "bob"}).status_code == 403
    assert AccessAttempt.objects.get(username="bob").failures_since_start == 3
    client.logout()
    assert sign_in(client, "bob", PASSWORD).status_code == 429


def test_a_region_administrator_releases_staff_of_the_region_only(world, client):
    admin = User.objects.create_user(username="spravce", password=PASSWORD)
    Membership.objects.create(user=admin, region=world.region, role="administrator")
    for name in ("bob", "dave"):
        for i in range(3):
            sign_in(client, name, f"wrong{i}", ip=f"198.51.100.{i + 1}")
    client.force_login(admin)
    page = client.get("/staff/security/lockouts/").content.decode()
    assert 'data-username="bob"' in page
    assert 'data-username="dave"' not in page
    assert client.post("/staff/security/lockouts/release", {"username": "dave"}).status_code == 403
    assert client.post("/staff/security/lockouts/release", {"username": "bob"}).status_code == 302
    assert set(AccessAttempt.objects.values_list("username", flat=True)) == {"dave"}


def test_a_superuser_releases_an_address(world, client):
    for name in ["alice", "bob", "carol", "erin", "x"]:
        sign_in(client, name, "wrong", ip="203.0.113.9")
    root = User.objects.create_superuser(username="root", password=PASSWORD)
    client.force_login(root)
    assert 'data-address="203.0.113.9"' in client.get("/staff/security/lockouts/").content.decode()
    client.post("/staff/security/lockouts/release", {"ip_address": "203.0.113.9"})
    client.logout()
    assert sign_in(client, "dave", PASSWORD, ip="203.0.113.9").status_code == 302


def test_a_successful_sign_in_forgets_the_account_failures(world, client):
    sign_in(client, "alice", "wrong1")
    sign_in(client, "alice", "wrong2")
    assert sign_in(client, "alice", PASSWORD).status_code == 302
    client.logout()
    sign_in(client, "alice", "wrong3")
    sign_in(client, "alice", "wrong4")
    assert sign_in(client, "alice", PASSWORD).status_code == 302


@override_settings(VIK_TRUSTED_PROXY_COUNT=0)
def test_a_forged_forwarded_header_does_not_escape_the_lock(world, client):
    for i in range(3):
        client.post(
            "/staff/login/",
            {"username": f"u{i}", "password": "x"},
            REMOTE_ADDR="203.0.113.9",
            HTTP_X_FORWARDED_FOR=f"10.0.0.{i}",
        )
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"203.0.113.9"}


@override_settings(VIK_TRUSTED_PROXY_COUNT=1)
def test_behind_one_proxy_the_address_the_proxy_saw_counts(world, client):
    client.post(
        "/staff/login/",
        {"username": "alice", "password": "x"},
        REMOTE_ADDR="10.0.0.1",
        HTTP_X_FORWARDED_FOR="1.2.3.4, 198.51.100.77",
    )
    assert list(AccessAttempt.objects.values_list("ip_address", flat=True)) == ["198.51.100.77"]
