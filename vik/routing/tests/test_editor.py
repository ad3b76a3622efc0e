"""The rule editor, its preview, queues and absence in the staff workspace."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from vik.audit.models import AuditEvent
from vik.conversations.models import Request, TimelineEvent
from vik.routing.models import Queue, RoutingRule
from vik.tenancy.choices import AssignmentPolicy, Role
from vik.testing.personas import JIHLAVA, TREBIC, _staff

from .conftest import make_rule, open_request, topic


def rule_data(**overrides):
    data = {"name": "Stížnosti", "is_active": "on", "stops": "on", "priority": "3"}
    data.update(overrides)
    return data


def test_an_agent_gets_no_editor(world, login):
    rule = make_rule(world)
    client = login(world.alice)
    assert client.get("/staff/routing/").status_code == 403
    assert client.get("/staff/routing/new/").status_code == 403
    assert client.post("/staff/routing/new/", rule_data()).status_code == 403
    assert client.get(f"/staff/routing/{rule.pk}/").status_code == 404
    assert client.post(f"/staff/routing/{rule.pk}/toggle").status_code == 404
    assert client.get("/staff/routing/queues/").status_code == 403
    assert 'data-testid="nav-routing"' not in client.get("/staff/routing/me/").content.decode()
    rule.refresh_from_db()
    assert rule.is_active and RoutingRule.objects.count() == 1


def test_a_coordinator_of_another_region_sees_nothing_of_vysocina(world, login):
    rule = make_rule(world, name="Vysočina only")
    client = login(world.dave)
    page = client.get("/staff/routing/")
    assert page.status_code == 200
    assert f'data-testid="rule-row-{rule.pk}"' not in page.content.decode()
    assert client.get(f"/staff/routing/?region={world.region.pk}").status_code == 404
    assert client.get(f"/staff/routing/{rule.pk}/").status_code == 404
    assert client.post(f"/staff/routing/{rule.pk}/move", {"direction": "down"}).status_code == 404
    response = client.post(f"/staff/routing/new/?region={world.region.pk}", rule_data())
    assert response.status_code == 404
    assert RoutingRule.objects.count() == 1


def test_a_coordinator_creates_orders_and_deactivates_rules(world, login):
    client = login(world.carol)
    assert 'data-testid="nav-routing"' in client.get("/staff/routing/").content.decode()
    form = client.get(f"/staff/routing/new/?region={world.region.pk}")
    assert 'data-testid="rule-form"' in form.content.decode()
    assert 'data-testid="municipality-picker"' in form.content.decode()  # not 704 options
    response = client.post(
        f"/staff/routing/new/?region={world.region.pk}",
        rule_data(
            kinds=["complaint"], keywords="stížnost\n  stěžuji si ", tags="stížnost, ",
            topics=[str(topic("building").pk)], orps=["6113"], municipalities=[TREBIC],
            centre=str(world.centre_b.pk),
        ),
    )  # fmt: skip
    assert response.status_code == 302
    first = RoutingRule.objects.get()
    assert first.region == world.region and first.changed_by == world.carol
    assert first.conditions == {
        "topics": [topic("building").pk], "orps": ["6113"], "municipalities": [TREBIC],
        "kinds": ["complaint"], "keywords": ["stížnost", "stěžuji si"],
    }  # fmt: skip
    assert first.actions == {"centre": world.centre_b.pk, "priority": 3, "tags": ["stížnost"]}
    client.post(f"/staff/routing/new/?region={world.region.pk}", rule_data(name="Druhé"))
    second = RoutingRule.objects.get(name="Druhé")
    assert (first.position, second.position) == (0, 1)

    client.post(f"/staff/routing/{second.pk}/move", {"direction": "up"})
    assert list(RoutingRule.objects.order_by("position").values_list("name", flat=True)) == [
        "Druhé", "Stížnosti",
    ]  # fmt: skip
    client.post(f"/staff/routing/{first.pk}/toggle")
    first.refresh_from_db()
    assert not first.is_active
    page = client.get("/staff/routing/").content.decode()
    assert page.index(f"rule-row-{second.pk}") < page.index(f"rule-row-{first.pk}")

    edit = client.get(f"/staff/routing/{first.pk}/").content.decode()
    assert 'value="6113" selected' in edit
    client.post(f"/staff/routing/{first.pk}/", rule_data(name="Upraveno", priority="4"))
    first.refresh_from_db()
    assert (first.name, first.actions, first.conditions) == ("Upraveno", {"priority": 4}, {})


def test_an_invalid_rule_is_not_saved(world, login):
    other_queue = Queue.objects.create(centre=world.centre_a, name="Stavební")
    client = login(world.carol)
    for data in (
        rule_data(centre=str(world.centre_b.pk), queue=str(other_queue.pk)),  # queue of A
        rule_data(priority="", tags=""),  # no action
        rule_data(assignee=str(world.alice.pk), centre=str(world.centre_b.pk)),  # not B's
        rule_data(languages="čeština"),
    ):
        response = client.post(f"/staff/routing/new/?region={world.region.pk}", data)
        assert response.status_code == 200
        assert 'data-testid="rule-errors"' in response.content.decode()
    assert not RoutingRule.objects.exists()


def test_the_model_validates_with_the_same_function(world):
    rule = RoutingRule(region=world.region, name="x", conditions={"colour": ["red"]}, actions={})
    with pytest.raises(ValidationError):
        rule.full_clean()
    rule = RoutingRule(
        region=world.region, name="x", conditions={"channels": ["web", "web"]},
        actions={"tags": ["a", "a", " "]},
    )  # fmt: skip
    rule.full_clean()
    assert (rule.conditions, rule.actions) == ({"channels": ["web"]}, {"tags": ["a"]})


def test_the_preview_shows_what_would_change_and_changes_nothing(world, login):
    complaint = open_request(world, subject="Stížnost na hluk", code=TREBIC)
    other = open_request(world, subject="Občanský průkaz")
    before = list(Request.objects.order_by("pk").values_list("pk", "centre", "priority", "queue"))
    events = TimelineEvent.objects.count()
    client = login(world.carol)

    response = client.post(
        f"/staff/routing/new/?region={world.region.pk}",
        rule_data(keywords="stiznost", tags="stížnost", centre=str(world.regional_centre.pk),
                  action="preview"),
    )  # fmt: skip

    html = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="preview"' in html
    assert f'data-testid="preview-match-{complaint.pk}"' in html
    assert f'data-testid="preview-match-{other.pk}"' not in html
    assert world.centre_b.name in html and world.regional_centre.name in html
    assert not RoutingRule.objects.exists()
    after = list(Request.objects.order_by("pk").values_list("pk", "centre", "priority", "queue"))
    assert after == before
    assert TimelineEvent.objects.count() == events
    assert not complaint.tags.exists()
    # The preview showed requests' subjects: one personal-data read event (issue 14).
    read = AuditEvent.objects.get(action="request.list")
    assert (read.actor, read.personal_data, read.ip_address) == (world.carol, True, "127.0.0.1")
    assert (read.details["page"], read.details["references"]) == (
        "routing_preview",
        [complaint.reference],
    )


def test_queues_and_policy_by_the_centre_lead(world, login):
    lead = _staff("lenka", world.region, Role.CENTRE_LEAD, world.centre_b)
    client = login(lead)
    page = client.get("/staff/routing/queues/")
    assert page.status_code == 200
    assert f'data-testid="centre-{world.centre_b.pk}"' in page.content.decode()
    assert f'data-testid="centre-{world.centre_a.pk}"' not in page.content.decode()
    client.post("/staff/routing/queues/", {"centre": world.centre_b.pk, "name": "Stavební"})
    client.post("/staff/routing/queues/", {"centre": world.centre_a.pk, "name": "Cizí"})
    assert list(Queue.objects.values_list("centre", "name")) == [(world.centre_b.pk, "Stavební")]
    client.post(
        f"/staff/routing/centres/{world.centre_b.pk}/policy",
        {f"c{world.centre_b.pk}-policy": "round_robin"},
    )
    assert (
        client.post(
            f"/staff/routing/centres/{world.centre_a.pk}/policy",
            {f"c{world.centre_a.pk}-policy": "round_robin"},
        ).status_code
        == 404
    )
    world.centre_a.refresh_from_db()
    world.centre_b.refresh_from_db()
    assert world.centre_b.assignment_policy == AssignmentPolicy.ROUND_ROBIN
    assert world.centre_a.assignment_policy == AssignmentPolicy.MANUAL
    assert client.get("/staff/routing/").status_code == 302  # leads: only the queues


def test_absence_by_oneself_and_by_the_centre_lead(world, login):
    client = login(world.alice)
    assert 'data-testid="me-present"' in client.get("/staff/routing/me/").content.decode()
    client.post("/staff/routing/me/", {"absent": "1"})
    world.alice.refresh_from_db()
    assert world.alice.is_absent
    assert (
        client.post("/staff/routing/me/", {"user": world.bob.pk, "absent": "1"}).status_code == 404
    )
    world.bob.refresh_from_db()
    assert not world.bob.is_absent
    # A tampered form is a clear "not found", never a server error.
    assert client.post("/staff/routing/me/", {"user": "abc", "absent": "1"}).status_code == 404

    lead = _staff("lenka", world.region, Role.CENTRE_LEAD, world.centre_b)
    client = login(lead)
    page = client.get("/staff/routing/me/").content.decode()
    assert f'data-testid="person-{world.bob.pk}"' in page
    assert f'data-testid="person-{world.alice.pk}"' not in page
    client.post("/staff/routing/me/", {"user": world.bob.pk, "absent": "1"})
    world.bob.refresh_from_db()
    assert world.bob.is_absent


def test_the_municipality_picker_types_ahead_within_the_region(world, login):
    client = login(world.carol)
    form = client.get(f"/staff/routing/new/?region={world.region.pk}").content.decode()
    assert 'data-testid="municipality-picker"' in form
    assert '<select name="municipalities"' not in form
    assert f'value="{TREBIC}"' not in form
    assert 'hx-get="/staff/routing/municipalities"' in form
    url = f"/staff/routing/municipalities?region={world.region.pk}&municipality_query=treb"
    found = client.get(url).content.decode()
    assert f'name="municipalities" value="{TREBIC}"' in found and "Třebíč" in found
    # One already chosen is not offered again.
    assert f'value="{TREBIC}"' not in client.get(f"{url}&municipalities={TREBIC}").content.decode()
    none = client.get(f"{url}xyz").content.decode()
    assert "Žádná obec kraje neodpovídá" in none
    # Another region's coordinator gets nothing of Vysočina.
    assert login(world.dave).get(url).status_code == 404


def test_the_picker_shows_the_chosen_municipalities_ticked_and_finds_without_script(world, login):
    rule = make_rule(world, conditions={"municipalities": [TREBIC]})
    client = login(world.carol)
    form = client.get(f"/staff/routing/{rule.pk}/").content.decode()
    chosen = form.split('data-testid="municipality-chosen"')[1].split("</ul>")[0]
    assert f'value="{TREBIC}" id="municipality-chosen-{TREBIC}" checked' in chosen
    assert "Třebíč" in chosen
    # Without script the "Find" button lists the matches; nothing is saved.
    response = client.post(
        f"/staff/routing/{rule.pk}/",
        {**rule_data(name=""), "municipalities": [TREBIC], "municipality_query": "jihl",
         "action": "find_municipalities"},
    )  # fmt: skip
    page = response.content.decode()
    assert response.status_code == 200
    found = page.split('<div id="municipality-found"')[1].split("</ul>")[0]
    assert f'value="{JIHLAVA}"' in found, found
    rule.refresh_from_db()
    assert rule.conditions == {"municipalities": [TREBIC]}


def test_a_new_rule_can_be_tested_before_it_has_a_name(world, login):
    client = login(world.carol)
    response = client.post(
        f"/staff/routing/new/?region={world.region.pk}",
        {**rule_data(name=""), "action": "preview", "kinds": ["complaint"]},
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="preview"' in page
    assert 'data-testid="rule-preview"' in page
    assert not RoutingRule.objects.exists()
