"""Canned answers: placeholders, applying them on the request page, who manages and sees them."""

import datetime as dt
import json

import pytest

from vik.conversations.models import Interaction
from vik.core.errors import PermissionDenied
from vik.tenancy.choices import Role
from vik.tenancy.models import OpeningHours
from vik.testing.fixtures import run_on_commit
from vik.testing.personas import TREBIC, _staff, submit_web_request
from vik.workspace.choices import MacroScope
from vik.workspace.collaboration import services
from vik.workspace.collaboration.selectors import macro_render
from vik.workspace.models import Macro


@pytest.fixture
def lead_a(world):
    """Leo leads centre A (Jihlava)."""
    return _staff("leo", world.region, Role.CENTRE_LEAD, world.centre_a)


def region_macro(world, **fields):
    values = {
        "name": "Poděkování",
        "body": "Dobrý den, {jmeno}, děkujeme. {agent}",
        "scope": MacroScope.REGION,
        "region": world.region,
    }
    values.update(fields)
    return Macro.objects.create(**values)


def centre_macro(world, centre, **fields):
    values = {
        "name": f"Hodiny {centre.slug}",
        "body": "Úřední hodiny: {opening_hours}",
        "scope": MacroScope.CENTRE,
        "region": world.region,
        "centre": centre,
    }
    values.update(fields)
    return Macro.objects.create(**values)


def test_placeholders_are_filled_and_unknown_braces_stay(world, citizen_request):
    OpeningHours.objects.create(
        centre=world.centre_a, weekday=1, opens=dt.time(12, 30), closes=dt.time(15)
    )
    OpeningHours.objects.create(
        centre=world.centre_a, weekday=0, opens=dt.time(8), closes=dt.time(17)
    )
    OpeningHours.objects.create(
        centre=world.centre_a, weekday=1, opens=dt.time(8), closes=dt.time(11, 30)
    )
    macro = region_macro(
        world,
        body=(
            "{name}|{jmeno}|{reference}|{tracking_url}|{centre}|{opening_hours}|{agent}"
            "|{neznamy}|{ {}|{0}|}{"
        ),
    )
    text = macro_render(macro=macro, request=citizen_request, agent=world.alice)
    parts = text.split("|")
    assert parts[0] == parts[1] == "Jana Dvořáková"
    assert parts[2] == citizen_request.reference
    assert parts[3].endswith(f"/sledovani/{citizen_request.public_token}/")
    assert parts[4] == "Centrum jihlava"
    assert parts[5] == "Po 8:00–17:00, Út 8:00–11:30 a 12:30–15:00"
    assert parts[6] == "Alice Test"
    assert parts[7:] == ["{neznamy}", "{ {}", "{0}", "}{"]


def test_the_json_endpoint_renders_for_the_request(world, client, citizen_request):
    macro = region_macro(world)
    client.force_login(world.alice)
    response = client.get(f"/staff/requests/{citizen_request.reference}/macros/{macro.pk}")
    assert response.status_code == 200
    assert json.loads(response.content)["text"] == "Dobrý den, Jana Dvořáková, děkujeme. Alice Test"


def test_the_send_now_form_replies_and_sets_status_and_tags(world, client, citizen_request):
    macro = region_macro(world, set_status="waiting_citizen", add_tags=["doplnění", "OP"])
    client.force_login(world.alice)
    page = client.get(f"/staff/requests/{citizen_request.reference}/").content.decode()
    assert 'data-testid="macro-option"' in page
    with run_on_commit():
        response = client.post(
            f"/staff/requests/{citizen_request.reference}/macros/apply", {"macro": macro.pk}
        )
    assert response.status_code == 302
    citizen_request.refresh_from_db()
    assert citizen_request.status == "waiting_citizen"
    assert sorted(citizen_request.tags.values_list("name", flat=True)) == ["OP", "doplnění"]
    reply = Interaction.objects.get(
        request=citizen_request, direction="outbound", author=world.alice
    )
    assert reply.text == "Dobrý den, Jana Dvořáková, děkujeme. Alice Test"


def test_the_reply_form_with_a_macro_sends_the_edited_text_with_its_status(
    world, client, citizen_request
):
    macro = region_macro(world, set_status="resolved", add_tags=["vyřízeno"])
    client.force_login(world.alice)
    with run_on_commit():
        client.post(
            f"/staff/requests/{citizen_request.reference}/reply",
            {"text": "Upravený text odpovědi", "status": "", "macro_id": macro.pk},
        )
    citizen_request.refresh_from_db()
    assert citizen_request.status == "resolved"
    assert list(citizen_request.tags.values_list("name", flat=True)) == ["vyřízeno"]
    reply = Interaction.objects.get(
        request=citizen_request, direction="outbound", author=world.alice
    )
    assert reply.text == "Upravený text odpovědi"


def test_the_agents_own_status_choice_wins_over_the_macros(world, client, citizen_request):
    macro = region_macro(world, set_status="resolved")
    client.force_login(world.alice)
    with run_on_commit():
        client.post(
            f"/staff/requests/{citizen_request.reference}/reply",
            {"text": "Text", "status": "waiting_office", "macro_id": macro.pk},
        )
    citizen_request.refresh_from_db()
    assert citizen_request.status == "waiting_office"


def test_a_centres_macro_is_not_offered_to_another_centre(world, client, citizen_request):
    """The request is centre A's; centre B's macro is neither listed, rendered nor applied."""
    own = centre_macro(world, world.centre_a)
    foreign = centre_macro(world, world.centre_b)
    client.force_login(world.alice)
    page = client.get(f"/staff/requests/{citizen_request.reference}/").content.decode()
    assert own.name in page
    assert foreign.name not in page
    url = f"/staff/requests/{citizen_request.reference}/macros/{foreign.pk}"
    assert client.get(url).status_code == 404
    with run_on_commit():
        client.post(
            f"/staff/requests/{citizen_request.reference}/macros/apply", {"macro": foreign.pk}
        )
        client.post(
            f"/staff/requests/{citizen_request.reference}/reply",
            {"text": "Text", "status": "", "macro_id": foreign.pk},
        )
    assert not Interaction.objects.filter(request=citizen_request, direction="outbound").exists()
    with pytest.raises(PermissionDenied):
        services.macro_apply(macro=foreign, request=citizen_request, by=world.alice)


def test_a_centre_b_request_gets_centre_b_macros(world, client):
    request = submit_web_request(client, municipality=TREBIC, email="t@example.cz")
    foreign = centre_macro(world, world.centre_a)
    own = centre_macro(world, world.centre_b)
    client.force_login(world.bob)
    page = client.get(f"/staff/requests/{request.reference}/").content.decode()
    assert own.name in page
    assert foreign.name not in page


def test_an_agent_cannot_manage_macros(world, client):
    client.force_login(world.alice)
    assert client.get("/staff/macros/").status_code == 403
    response = client.post(
        "/staff/macros/new/",
        {"name": "X", "body": "Y", "where": f"region:{world.region.pk}", "position": 0},
    )
    assert response.status_code == 403
    with pytest.raises(PermissionDenied):
        services.macro_save(
            macro=Macro(name="X", body="Y", scope=MacroScope.REGION, region=world.region),
            by=world.alice,
        )
    assert not Macro.objects.exists()


def test_a_centre_lead_manages_their_centres_macros_only(world, client, lead_a):
    client.force_login(lead_a)
    region_choice = f"region:{world.region.pk}"
    for where in (region_choice, f"centre:{world.centre_b.pk}"):
        response = client.post(
            "/staff/macros/new/", {"name": "X", "body": "Y", "where": where, "position": 0}
        )
        assert response.status_code == 200  # the form again: not a choice offered
    assert not Macro.objects.exists()

    response = client.post(
        "/staff/macros/new/",
        {
            "name": "Úřední hodiny",
            "body": "Máme otevřeno: {opening_hours}",
            "where": f"centre:{world.centre_a.pk}",
            "set_status": "resolved",
            "tags": "hodiny, , info",
            "position": 1,
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    macro = Macro.objects.get()
    assert (macro.scope, macro.centre, macro.region) == ("centre", world.centre_a, world.region)
    assert macro.add_tags == ["hodiny", "info"]
    assert macro.set_status == "resolved"
    assert macro.created_by == lead_a

    other = region_macro(world, name="Krajské")
    assert client.get(f"/staff/macros/{other.pk}/edit/").status_code == 404
    client.post(f"/staff/macros/{other.pk}/delete")
    assert Macro.objects.filter(pk=other.pk).exists()
    client.post(f"/staff/macros/{macro.pk}/delete")
    assert not Macro.objects.filter(pk=macro.pk).exists()


def test_a_coordinator_creates_region_macros(world, client):
    client.force_login(world.carol)
    response = client.post(
        "/staff/macros/new/",
        {"name": "Poděkování", "body": "Děkujeme", "where": f"region:{world.region.pk}",
         "position": 0, "is_active": "on"},
    )  # fmt: skip
    assert response.status_code == 302
    macro = Macro.objects.get()
    assert (macro.scope, macro.centre, macro.region) == ("region", None, world.region)
    page = client.get("/staff/macros/").content.decode()
    assert 'data-testid="macro"' in page


def test_an_inactive_macro_is_not_offered(world, client, citizen_request):
    macro = region_macro(world, is_active=False)
    client.force_login(world.alice)
    url = f"/staff/requests/{citizen_request.reference}/macros/{macro.pk}"
    assert client.get(url).status_code == 404


def test_the_demo_macros_load_once_and_render(world, citizen_request):
    from vik.demo.macros import build_macros

    OpeningHours.objects.create(
        centre=world.centre_a, weekday=0, opens=dt.time(8), closes=dt.time(17)
    )
    assert build_macros(region=world.region, centre=world.centre_a, author=world.carol) == 3
    assert build_macros(region=world.region, centre=world.centre_a, author=world.carol) == 0
    hours = Macro.objects.get(name="Úřední hodiny")
    assert "v úředních hodinách: Po 8:00–17:00." in macro_render(
        macro=hours, request=citizen_request, agent=world.alice
    )
    asking = Macro.objects.get(name="Žádost o doplnění")
    assert (asking.scope, asking.set_status) == ("region", "waiting_citizen")
