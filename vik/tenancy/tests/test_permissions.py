"""The permission matrix: who sees and who changes a request of centre A (Jihlava)."""

import pytest

from vik.conversations.models import Request
from vik.testing.personas import BRNO, TREBIC, submit_web_request

ACTIONS = {
    "reply": {"text": "Odpověď", "status": ""},
    "note": {"text": "Poznámka"},
    "status": {"status": "open"},
    "take": {},
    "topic": {"topic": ""},
}


def snapshot(request: Request) -> tuple:
    request.refresh_from_db()
    return (
        request.status,
        request.assignee_id,
        request.centre_id,
        request.topic_id,
        request.interactions.count(),
        request.events.count(),
        request.first_response_at,
    )


@pytest.fixture
def requests_by_centre(world, client):
    """One request per centre: A (Jihlava), B (Třebíč), and one in Jihomoravský kraj."""
    return {
        "a": submit_web_request(client),
        "b": submit_web_request(client, municipality=TREBIC, email="petr@example.cz"),
        "other": submit_web_request(client, municipality=BRNO, email="brno@example.cz"),
    }


def test_requests_are_routed_by_territory(world, requests_by_centre):
    assert requests_by_centre["a"].centre == world.centre_a
    assert requests_by_centre["b"].centre == world.centre_b
    assert requests_by_centre["other"].region == world.other_region
    assert requests_by_centre["other"].centre == world.other_centre
    assert requests_by_centre["a"].reference.startswith("VYS-")
    assert requests_by_centre["other"].reference.startswith("JHM-")


@pytest.mark.parametrize(
    ("persona", "visible"),
    [
        ("alice", {"a"}),
        ("bob", {"b"}),
        ("carol", {"a", "b"}),
        ("erin", {"a", "b"}),
        ("dave", {"other"}),
    ],
)
def test_the_list_shows_exactly_what_the_persona_may_see(
    world, client, requests_by_centre, persona, visible
):
    client.force_login(getattr(world, persona))
    page = client.get("/staff/requests/").content.decode()
    shown = {key for key, request in requests_by_centre.items() if request.reference in page}
    assert shown == visible


@pytest.mark.parametrize(("persona", "status"), [("alice", 200), ("carol", 200), ("erin", 200)])
def test_who_may_open_the_request(world, client, requests_by_centre, persona, status):
    client.force_login(getattr(world, persona))
    reference = requests_by_centre["a"].reference
    assert client.get(f"/staff/requests/{reference}/").status_code == status


@pytest.mark.parametrize("persona", ["bob", "dave"])
def test_outsiders_get_not_found_and_change_nothing(world, client, requests_by_centre, persona):
    request = requests_by_centre["a"]
    before = snapshot(request)
    client.force_login(getattr(world, persona))

    assert client.get(f"/staff/requests/{request.reference}/").status_code == 404
    assert client.get(f"/staff/contacts/{request.requester_id}/").status_code == 404
    for action, data in ACTIONS.items():
        response = client.post(f"/staff/requests/{request.reference}/{action}", data)
        assert response.status_code == 404, action
    response = client.post(
        f"/staff/requests/{request.reference}/centre", {"centre": world.centre_b.pk}
    )
    assert response.status_code == 404

    assert snapshot(request) == before


def test_the_analyst_reads_but_changes_nothing(world, client, requests_by_centre):
    request = requests_by_centre["a"]
    before = snapshot(request)
    client.force_login(world.erin)

    page = client.get(f"/staff/requests/{request.reference}/").content.decode()
    assert "/reply" not in page
    for action, data in ACTIONS.items():
        response = client.post(f"/staff/requests/{request.reference}/{action}", data, follow=True)
        assert response.status_code == 200, action

    assert snapshot(request) == before


def test_an_agent_cannot_move_a_request_to_another_region(world, client, requests_by_centre):
    request = requests_by_centre["a"]
    before = snapshot(request)
    client.force_login(world.alice)
    client.post(f"/staff/requests/{request.reference}/centre", {"centre": world.other_centre.pk})
    assert snapshot(request) == before


def test_the_agent_of_the_centre_works_the_request(world, client, requests_by_centre):
    request = requests_by_centre["a"]
    client.force_login(world.alice)
    client.post(f"/staff/requests/{request.reference}/take")
    client.post(
        f"/staff/requests/{request.reference}/reply", {"text": "Dobrý den, …", "status": ""}
    )
    request.refresh_from_db()
    assert request.assignee == world.alice
    assert request.status == "open"
    assert request.first_response_at is not None


def test_the_coordinator_moves_a_request_between_centres(world, client, requests_by_centre):
    request = requests_by_centre["a"]
    client.force_login(world.carol)
    client.post(f"/staff/requests/{request.reference}/centre", {"centre": world.centre_b.pk})
    request.refresh_from_db()
    assert request.centre == world.centre_b
    client.force_login(world.alice)
    assert client.get(f"/staff/requests/{request.reference}/").status_code == 404
    client.force_login(world.bob)
    assert client.get(f"/staff/requests/{request.reference}/").status_code == 200


def test_people_without_a_membership_are_refused(world, client, django_user_model):
    stranger = django_user_model.objects.create_user(username="stranger", password="x")
    client.force_login(stranger)
    assert client.get("/staff/requests/").status_code == 403
    client.logout()
    response = client.get("/staff/requests/")
    assert response.status_code == 302
    assert response["Location"].startswith("/staff/login/")
