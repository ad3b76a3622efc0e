"""The request list's action bar: one action on the ticked requests, each checked on its own."""

from __future__ import annotations

import pytest
from django.contrib.messages import get_messages
from django.test import Client

from vik.conversations.models import Request
from vik.testing.personas import TREBIC, submit_web_request


@pytest.fixture
def requests(world, client):
    """Two requests of centre A (Alice's), one of centre B (Bob's)."""
    return {
        "a1": submit_web_request(client, email="a1@example.cz"),
        "a2": submit_web_request(client, email="a2@example.cz"),
        "b1": submit_web_request(client, municipality=TREBIC, email="b1@example.cz"),
    }


def bulk(client, refs, action, **fields):
    data = {"references": [r.reference for r in refs], "action": action, **fields}
    data.setdefault("next", "/staff/requests/?view=mine")
    return client.post("/staff/requests/bulk", data)


def texts(response):
    return [str(message) for message in get_messages(response.wsgi_request)]


def test_assign_to_me_applies_where_allowed_and_reports_the_rest(world, client, requests):
    client.force_login(world.alice)
    response = bulk(client, requests.values(), "assign", assignee="me")

    assert response.status_code == 302
    assert response["Location"] == "/staff/requests/?view=mine"
    assigned = dict(Request.objects.values_list("reference", "assignee_id"))
    assert assigned == {
        requests["a1"].reference: world.alice.pk,
        requests["a2"].reference: world.alice.pk,
        requests["b1"].reference: None,  # not hers to see, let alone take
    }
    (message,) = get_messages(response.wsgi_request)
    assert message.level_tag == "warning"  # some done, some not
    assert "2" in str(message)
    assert requests["b1"].reference in str(message)
    assert requests["a1"].reference not in str(message)


def test_status_tag_and_assign_to_a_colleague(world, client, requests):
    client.force_login(world.carol)
    refs = [requests["a1"], requests["b1"]]
    bulk(client, refs, "status", status="waiting_office")
    bulk(client, refs, "tag", tag="stavební")
    bulk(client, refs, "assign", assignee=str(world.alice.pk))
    for item in refs:
        item.refresh_from_db()
        assert item.status == "waiting_office"
        assert list(item.tags.values_list("name", flat=True)) == ["stavební"]
    # Alice works centre A only: she can hold a1, not b1.
    assert (refs[0].assignee, refs[1].assignee) == (world.alice, None)
    assert requests["a2"].status == Request.objects.get(pk=requests["a2"].pk).status


def test_transfer_needs_a_reason_and_moves_the_requests(world, client, requests):
    client.force_login(world.carol)
    refs = [requests["a1"], requests["a2"]]
    response = bulk(client, refs, "transfer", centre=str(world.centre_b.pk), reason="")
    assert len(texts(response)) == 1  # every one failed, for the same reason
    assert set(
        Request.objects.filter(pk__in=[r.pk for r in refs]).values_list("centre", flat=True)
    ) == {world.centre_a.pk}

    bulk(
        client, refs, "transfer", centre=str(world.centre_b.pk), reason="Stavební úřad je v Třebíči"
    )
    assert set(
        Request.objects.filter(pk__in=[r.pk for r in refs]).values_list("centre", flat=True)
    ) == {world.centre_b.pk}


def test_a_reader_changes_nothing(world, client, requests):
    client.force_login(world.erin)  # an analyst: sees every request of the region
    response = bulk(client, requests.values(), "status", status="closed")
    assert not Request.objects.filter(status="closed").exists()
    (failed,) = texts(response)
    assert all(item.reference in failed for item in requests.values())


def test_without_ticks_or_csrf_nothing_happens(world, requests):
    careful = Client(enforce_csrf_checks=True)
    careful.force_login(world.alice)
    response = careful.post(
        "/staff/requests/bulk",
        {"references": [requests["a1"].reference], "action": "assign", "assignee": "me"},
    )
    assert response.status_code == 403
    plain = Client()
    plain.force_login(world.alice)
    response = plain.post("/staff/requests/bulk", {"action": "assign", "assignee": "me"})
    assert response.status_code == 302
    assert response["Location"] == "/staff/requests/"  # no `next`: back to the list
    assert not Request.objects.filter(assignee__isnull=False).exists()
    assert plain.get("/staff/requests/bulk").status_code == 405


def test_the_list_offers_checkboxes_and_the_action_bar(world, client, requests):
    client.force_login(world.alice)
    page = client.get("/staff/requests/").content.decode()
    assert page.count('data-testid="row-checkbox"') == 2
    assert f'value="{requests["a1"].reference}" form="bulk-form"' in page
    assert 'data-testid="bulk-form"' in page
    assert 'data-testid="select-all"' in page
