"""The audit report: requests unanswered and overdue, configuration changes with who and when
(a routing rule, a service level policy, a role changed in the administration), counts of
personal-data access, and that section only for the data protection officer."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import translation

from vik.audit.services import audit_record
from vik.channels.core.choices import ChannelKind
from vik.contacts.models import Contact
from vik.conversations.models import Request
from vik.core import clock
from vik.core.clock import PRAGUE
from vik.reports.builders.audit import build_audit, request_sections
from vik.reports.filters import ReportFilters, Scope
from vik.routing.services.rules import rule_create, rule_update
from vik.sla.calendar import end_of_day
from vik.sla.models import SlaPolicy
from vik.sla.services import sla_policy_save
from vik.tenancy.choices import Role
from vik.tenancy.models import Membership, User
from vik.testing.personas import World

from .text import document_text, raw_codes_in


@pytest.fixture(autouse=True)
def czech() -> Any:
    with translation.override("cs"):
        yield


def _this_month() -> ReportFilters:
    today = clock.today()
    return ReportFilters(date_from=today.replace(day=1), date_to=today)


def _section(document: Any, slug: str) -> Any:
    return next(section for section in document.sections if section.slug == slug)


def _slugs(document: Any) -> list[str]:
    return [section.slug for section in document.sections]


def test_configuration_changes_say_who_and_when(world: World, client: Any) -> None:
    world.carol.first_name, world.carol.last_name = "Karolína", "Svobodová"
    world.carol.save()
    rule = rule_create(region=world.region, by=world.carol, name="Stavby",
                       conditions={}, actions={"centre": world.centre_a.pk})  # fmt: skip
    rule_update(rule=rule, by=world.carol, name="Stavby do Jihlavy", conditions={},
                actions={"centre": world.centre_a.pk}, stops=True, is_active=True)  # fmt: skip
    policy = sla_policy_save(
        policy=SlaPolicy(
            centre=world.centre_a, first_response_minutes=240, resolution_minutes=2400
        ),
        by=world.carol,
    )
    policy.first_response_minutes = 120
    sla_policy_save(policy=policy, by=world.carol)
    admin = User.objects.create_superuser("root", "root@example.cz", "pw", first_name="Správce")
    client.force_login(admin)
    membership = Membership.objects.get(user=world.alice)
    response = client.post(
        f"/admin/tenancy/membership/{membership.pk}/change/",
        {"user": world.alice.pk, "role": Role.CENTRE_LEAD, "region": world.region.pk,
         "centre": world.centre_a.pk},
    )  # fmt: skip
    assert response.status_code == 302, response.content.decode()[:3000]
    document = build_audit(_this_month(), Scope(region_id=world.region.pk))
    changes = _section(document, "configuration_changes")
    rows = sorted(changes.rows, key=lambda row: row["what"])
    assert [(row["who"], row["what"]) for row in rows] == [
        ("Karolína Svobodová", "pravidlo směrování vytvořeno"),
        ("Karolína Svobodová", "pravidlo směrování změněno"),
        ("Karolína Svobodová", "pravidlo úrovně služeb vytvořeno"),
        ("Karolína Svobodová", "pravidlo úrovně služeb změněno"),
        ("Správce", "změněno v administraci"),
    ]
    by_what = {row["what"]: row for row in rows}
    assert by_what["pravidlo směrování vytvořeno"]["object"] == "pravidlo směrování: Stavby"
    assert by_what["pravidlo směrování změněno"]["object"] == (
        "pravidlo směrování: Stavby do Jihlavy"
    )
    assert by_what["pravidlo úrovně služeb změněno"]["object"].startswith(
        "pravidla úrovně služeb: "
    )
    assert by_what["změněno v administraci"]["change"] == "Změněno: Role"
    assert by_what["změněno v administraci"]["object"].startswith("členství: ")
    assert all(
        row["when"].startswith(clock.now().astimezone(PRAGUE).strftime("%-d. %-m. %Y"))
        for row in rows
    )
    # another region's coordinator sees none of it
    other = build_audit(_this_month(), Scope(region_id=world.other_region.pk))
    assert _section(other, "configuration_changes").rows == []
    assert raw_codes_in(document) == []


def test_personal_data_access_counts(world: World) -> None:
    contact = Contact.objects.create(region=world.region, name="Jana")
    for _n in range(3):
        audit_record(actor=world.alice, action="contact.view", target=contact, personal_data=True)
    audit_record(actor=world.carol, action="request.search", target=Request, personal_data=True)
    audit_record(actor=world.dave, action="contact.view",
                 target=Contact.objects.create(region=world.other_region, name="X"),
                 personal_data=True)  # fmt: skip
    audit_record(actor=world.alice, action="knowledge.submit", target=contact)  # not personal
    officer = build_audit(_this_month(), Scope(region_id=world.region.pk, sees_data_access=True))
    by_kind = _section(officer, "data_access_by_kind")
    labels = {column.key: column.label for column in by_kind.columns}
    totals = {labels[key]: value for key, value in by_kind.totals.items() if key != "period"}
    assert totals == {"stránka kontaktu": 3, "hledání v požadavcích": 1, "Celkem": 4}
    by_place = _section(officer, "data_access_by_place")
    assert [(row["centre"], row["role"], row["count"]) for row in by_place.rows] == [
        ("Centrum jihlava", "pracovník", 3),
        ("celý kraj", "koordinátor kraje", 1),
    ]
    # A lead's scope (the reports' permissions give it no data-access counts) sees why not.
    lead = build_audit(
        _this_month(), Scope(region_id=world.region.pk, centre_ids=frozenset({world.centre_a.pk}))
    )
    assert "data_access_by_kind" not in _slugs(lead)
    hidden = _section(lead, "data_access")
    assert hidden.rows == [] and "celého kraje" in hidden.summary


def test_unanswered_and_overdue(world: World) -> None:
    contact = Contact.objects.create(region=world.region, name="Jana")
    now = clock.now()

    def request(n: int, centre: Any, **values: Any) -> Request:
        return Request.objects.create(
            region=world.region, reference=f"VYS-{n}", subject="Citlivý předmět",
            requester=contact, origin_channel=ChannelKind.EMAIL, centre=centre,
            created_at=now - dt.timedelta(hours=1), **values,
        )  # fmt: skip

    request(1, world.centre_a)  # unanswered
    request(2, world.centre_a, first_response_at=now, due_at=now - dt.timedelta(minutes=5))
    yesterday = clock.today() - dt.timedelta(days=1)
    # Its `due_at` is the statutory last day's end, as the deadline service keeps it.
    request(3, world.centre_b, statutory_due_on=yesterday, due_at=end_of_day(yesterday),
            first_response_at=now)  # fmt: skip
    request(4, world.centre_b, status="closed")  # closed: neither
    document = build_audit(_this_month(), Scope(region_id=world.region.pk))
    unanswered = _section(document, "unanswered_by_centre")
    assert unanswered.rows == [{"centre": "Centrum jihlava", "count": 1}]
    assert unanswered.row_drill == [{"centre": str(world.centre_a.pk)}]
    overdue = _section(document, "overdue_by_centre")
    assert overdue.totals["count"] == 2
    listed = _section(document, "overdue_list").rows
    assert [row["reference"] for row in listed] == ["VYS-3", "VYS-2"]  # most overdue first
    assert listed[1]["channel"] == "e-mail" and listed[1]["url"] == "/staff/requests/VYS-2/"
    assert "Citlivý" not in document_text(document)
    lead_b = build_audit(
        _this_month(), Scope(region_id=world.region.pk, centre_ids=frozenset({world.centre_b.pk}))
    )
    assert [row["reference"] for row in _section(lead_b, "overdue_list").rows] == ["VYS-3"]
    assert _section(lead_b, "unanswered_by_centre").rows == []
    # The request figures come first: volumes, backlog, times, satisfaction, then compliance.
    figures = [
        section.slug
        for section in request_sections(_this_month(), Scope(region_id=world.region.pk))
    ]
    assert figures[-4:] == [
        "sla_by_centre", "sla_by_period", "statutory_by_centre", "statutory_by_period",
    ]  # fmt: skip
    assert "backlog" in figures and "service" not in figures
    assert [section.slug for section in document.sections][: len(figures)] == figures
    assert raw_codes_in(document) == []
