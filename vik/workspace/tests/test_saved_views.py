"""Saved views of the request list: personal and shared views, the built-in views, counts."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from vik.conversations import services
from vik.conversations.models import Request
from vik.core import clock
from vik.tenancy.choices import Role
from vik.tenancy.models import Membership, User
from vik.testing.personas import TREBIC, submit_web_request
from vik.workspace.models import SavedView
from vik.workspace.saved_views import selectors
from vik.workspace.templatetags.saved_views import capped_count


def staff(username, centre, role=Role.AGENT):
    user = User.objects.create_user(username=username, password="x", first_name=username)
    Membership.objects.create(user=user, region=centre.region, centre=centre, role=role)
    return user


@pytest.fixture
def requests(world, client):
    """Three requests in Jihlava (centre A), one in Třebíč (centre B)."""
    made = {
        "a1": submit_web_request(client, email="a1@example.cz"),
        "a2": submit_web_request(client, email="a2@example.cz"),
        "a3": submit_web_request(client, email="a3@example.cz"),
        "b1": submit_web_request(client, municipality=TREBIC, email="b1@example.cz"),
    }
    assert {r.centre_id for r in made.values()} == {world.centre_a.pk, world.centre_b.pk}
    return made


def shown(client, **params):
    response = client.get("/staff/requests/", params)
    assert response.status_code == 200
    return {item.reference for item in response.context["page"].items}


def tab_counts(response):
    """The counts the tabs of the page show: fetched after it, as htmx does on load (out of
    band into the tags by id)."""
    assert 'hx-get="/staff/views/counts"' in response.content.decode()
    counts = response.client.get("/staff/views/counts")
    assert counts.status_code == 200
    found = re.findall(r'id="view-count-([^"]+)"[^>]*>([^<]*)<', counts.content.decode())
    return {
        (int(key) if key.isdigit() else key): (int(text) if text.isdigit() else text)
        for key, text in found
    }


def test_a_personal_view_keeps_the_filters_and_is_the_owners_only(world, client, requests):
    services.request_assign(request=requests["a1"], assignee=world.alice, by=world.alice)
    client.force_login(world.alice)

    response = client.post(
        "/staff/views/new",
        {"name": "  Moje  rozpracované ", "query": "assignee=me&status=active&sort=due&after=x"},
    )

    view = SavedView.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/staff/requests/?view={view.pk}"
    assert (view.name, view.owner, view.centre, view.region) == (
        "Moje rozpracované",
        world.alice,
        None,
        None,
    )
    assert view.filters == {"assignee": "me", "status": "active"}
    assert view.sort == "due"
    page = client.get(f"/staff/requests/?view={view.pk}")
    assert page.context["active_view"].key == view.pk
    assert {item.reference for item in page.context["page"].items} == {requests["a1"].reference}
    assert tab_counts(page)[view.pk] == 1
    assert f'data-testid="view-{view.pk}"' in page.content.decode()

    client.force_login(staff("adam", world.centre_a))  # a colleague of the same centre
    other = client.get(f"/staff/requests/?view={view.pk}")
    assert other.context["active_view"] is None
    assert view.pk not in tab_counts(other)


def test_a_view_shared_with_a_centre_is_seen_by_its_agents_only(world, client, requests):
    lead = staff("lena", world.centre_a, Role.CENTRE_LEAD)
    adam = staff("adam", world.centre_a)
    client.force_login(lead)
    response = client.post(
        "/staff/views/new",
        {"name": "Nepřiřazené", "share": f"centre:{world.centre_a.pk}", "query": "assignee=none"},
    )
    view = SavedView.objects.get()
    assert response.status_code == 302
    assert (view.owner, view.centre, view.created_by) == (None, world.centre_a, lead)

    client.force_login(adam)
    page = client.get(f"/staff/requests/?view={view.pk}")
    assert page.context["active_view"].key == view.pk
    assert tab_counts(page)[view.pk] == 3
    assert {item.reference for item in page.context["page"].items} == {
        requests[key].reference for key in ("a1", "a2", "a3")
    }

    client.force_login(world.bob)  # centre B
    assert client.get(f"/staff/requests/?view={view.pk}").context["active_view"] is None
    assert not selectors.saved_views_for(world.bob).exists()
    client.force_login(world.dave)  # another region
    assert not selectors.saved_views_for(world.dave).exists()


def test_an_agent_cannot_share_a_view(world, client, requests):
    client.force_login(world.alice)
    response = client.post(
        "/staff/views/new",
        {"name": "Pro všechny", "share": f"centre:{world.centre_a.pk}", "query": "status=new"},
    )
    assert response.status_code == 302
    assert not SavedView.objects.exists()


def test_a_coordinator_shares_with_the_region(world, client, requests):
    client.force_login(world.carol)
    client.post(
        "/staff/views/new",
        {"name": "Kraj", "share": f"region:{world.region.pk}", "query": "status=active"},
    )
    view = SavedView.objects.get()
    assert (view.owner, view.region) == (None, world.region)
    assert selectors.saved_views_for(world.alice).get() == view
    assert selectors.saved_views_for(world.bob).get() == view
    assert not selectors.saved_views_for(world.dave).exists()


def test_rename_and_delete_own_views_only(world, client, requests):
    mine = SavedView.objects.create(name="Moje", owner=world.alice, filters={"status": "new"})
    lead = staff("lena", world.centre_a, Role.CENTRE_LEAD)
    shared = SavedView.objects.create(name="Centrum", centre=world.centre_a, created_by=lead)
    client.force_login(world.alice)

    assert client.post(f"/staff/views/{mine.pk}/rename", {"name": "Nové"}).status_code == 302
    assert client.post(f"/staff/views/{shared.pk}/rename", {"name": "X"}).status_code == 404
    assert client.post(f"/staff/views/{shared.pk}/delete").status_code == 404
    mine.refresh_from_db()
    shared.refresh_from_db()
    assert (mine.name, shared.name) == ("Nové", "Centrum")
    listing = client.get("/staff/views/")
    assert listing.status_code == 200
    assert [changeable for _view, changeable in listing.context["views"]] == [False, True]

    client.post(f"/staff/views/{mine.pk}/delete")
    assert list(SavedView.objects.all()) == [shared]
    client.force_login(lead)
    client.post(f"/staff/views/{shared.pk}/delete")
    assert not SavedView.objects.exists()


def test_the_built_in_views(world, client, requests):
    services.request_assign(request=requests["a1"], assignee=world.alice, by=world.alice)
    services.request_assign(request=requests["a2"], assignee=world.alice, by=world.alice)
    services.request_set_status(request=requests["a2"], status="resolved", by=world.alice)
    today_evening = dt.datetime.combine(clock.today(), dt.time(23, 30), tzinfo=clock.PRAGUE)
    Request.objects.filter(pk=requests["a3"].pk).update(due_at=today_evening)
    Request.objects.filter(pk=requests["a1"].pk).update(
        due_at=today_evening + dt.timedelta(hours=1)  # tomorrow
    )
    Request.objects.filter(pk=requests["b1"].pk).update(due_at=today_evening)
    client.force_login(world.alice)

    def ref(*keys):
        return {requests[key].reference for key in keys}

    assert shown(client, view="mine") == ref("a1")
    assert shown(client, view="unassigned") == ref("a3")
    assert shown(client, view="due_today") == ref("a3")
    assert shown(client, view="all") == ref("a1", "a2", "a3")
    response = client.get("/staff/requests/", {"view": "mine"})
    assert tab_counts(response) == {"mine": 1, "unassigned": 1, "due_today": 1, "all": 3}

    client.force_login(world.carol)  # no centre of her own: the whole region is hers
    assert shown(client, view="unassigned") == ref("a3", "b1")
    assert shown(client, view="due_today") == ref("a3", "b1")
    # Filters in the query win over the view's (the form was changed).
    assert shown(client, view="mine", status="resolved") == ref("a2")


def test_counts_are_capped_and_cost_one_statement_for_fifty_views(world, client, requests):
    for number in range(50):
        SavedView.objects.create(name=f"V{number}", owner=world.carol, filters={"status": "new"})
    SavedView.objects.create(name="Text", owner=world.carol, filters={"text": "Jana"})
    views = selectors.list_views_for(world.carol)
    assert len(views) == 4 + 51

    with CaptureQueriesContext(connection) as queries:
        counts = selectors.saved_view_counts(user=world.carol, views=views, cap=3)
    assert len(queries) == 2  # 50 views per statement: 54 counted, the text search is not
    text_view = SavedView.objects.get(name="Text")
    assert counts[text_view.pk] is None
    assert counts["all"] == 3  # four requests, capped at three
    assert all(counts[view.key] == 3 for view in views if view.name.startswith("V"))
    assert selectors.saved_view_counts(user=world.carol, views=views)["all"] == 4
    assert selectors.saved_view_counts(user=world.dave, views=views[:4]) == {
        "mine": 0,
        "unassigned": 0,
        "due_today": 0,
        "all": 0,
    }
    assert [capped_count(n) for n in (0, 12, 999, 1000, None)] == ["0", "12", "999", "999+", "–"]


def test_the_page_with_fifty_views_costs_the_same_queries_as_without(world, client, requests):
    client.force_login(world.carol)
    client.get("/staff/requests/")
    with CaptureQueriesContext(connection) as without:
        client.get("/staff/requests/")
    for number in range(49):
        SavedView.objects.create(name=f"V{number}", owner=world.carol, filters={"priority": "3"})
    with CaptureQueriesContext(connection) as with_fifty:
        response = client.get("/staff/requests/")
    assert len(response.context["views"]) == 4 + 49
    # 53 views still fit in two count statements at most: one more than the four built-ins.
    assert len(with_fifty) <= len(without) + 1
