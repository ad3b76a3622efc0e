"""What the request list keeps between pages (the tabs, the columns, the drop-downs, the
navigation) changes at the next page when what it shows changes."""

from __future__ import annotations

import re

from vik.conversations.models import Tag
from vik.routing.models import Queue
from vik.tenancy.choices import Role
from vik.tenancy.models import Membership
from vik.workspace.models import SavedView


def page(client, path="/staff/requests/"):
    response = client.get(path)
    assert response.status_code == 200
    return response.content.decode()


def options(html, name):
    """The options of the filter bar's drop-down `name` (none when it is not shown)."""
    select = re.search(rf'<select id="id_{name}"[^>]*>(.*?)</select>', html, re.S)
    return re.findall(r"<option[^>]*>([^<]*)</option>", select.group(1)) if select else []


def test_a_view_saved_shared_renamed_or_deleted_is_in_the_tabs_at_once(world, client):
    client.force_login(world.alice)
    page(client)  # her tabs are kept now
    client.force_login(world.carol)
    page(client)
    answer = client.post(
        "/staff/views/new",
        {"name": "Pro kraj", "share": f"region:{world.region.pk}", "query": "status=new"},
    )
    assert answer.status_code == 302
    view = SavedView.objects.get()
    assert f'data-testid="view-{view.pk}"' in page(client)

    client.force_login(world.alice)  # another user's kept tabs
    assert re.search(rf'data-testid="view-{view.pk}">\s*Pro kraj', page(client))

    client.force_login(world.carol)
    client.post(f"/staff/views/{view.pk}/rename", {"name": "Krajské nové"})
    client.force_login(world.alice)
    assert "Krajské nové" in page(client)

    client.force_login(world.carol)
    client.post(f"/staff/views/{view.pk}/delete")
    client.force_login(world.alice)
    assert f'data-testid="view-{view.pk}"' not in page(client)


def test_a_new_membership_shows_the_views_shared_with_it_at_once(world, client):
    shared = SavedView.objects.create(name="Třebíčské", centre=world.centre_b)
    client.force_login(world.alice)
    assert f'data-testid="view-{shared.pk}"' not in page(client)
    Membership.objects.create(
        user=world.alice, region=world.region, centre=world.centre_b, role=Role.AGENT
    )
    assert f'data-testid="view-{shared.pk}"' in page(client)


def test_a_role_change_changes_the_navigation_at_once(world, client):
    client.force_login(world.alice)
    html = page(client)
    assert 'data-testid="nav-routing"' not in html
    assert 'data-testid="nav-spam"' not in html
    assert options(html, "centre") == []  # one centre: no centre filter

    coordinator = Membership.objects.create(
        user=world.alice, region=world.region, role=Role.REGION_COORDINATOR
    )
    html = page(client)
    assert 'data-testid="nav-routing"' in html
    assert 'data-testid="nav-spam"' in html
    assert world.centre_b.name in options(html, "centre")
    assert 'name="share"' in html  # she may share views with the region now

    coordinator.delete()
    html = page(client)
    assert 'data-testid="nav-routing"' not in html
    assert 'name="share"' not in html


def test_a_new_name_is_in_the_navigation_at_once(world, client):
    client.force_login(world.alice)
    page(client)
    world.alice.first_name, world.alice.last_name = "Alena", "Nová"
    world.alice.save()
    assert ">Alena Nová</a>" in page(client)


def test_chosen_columns_show_at_once(world, client):
    client.force_login(world.carol)
    assert '<th scope="col">Kanál</th>' not in page(client)
    client.post("/staff/requests/columns", {"columns": ["channel", "status"]})
    html = page(client)
    assert '<th scope="col">Kanál</th>' in html
    assert '<th scope="col">Řešitel</th>' not in html


def test_a_new_tag_or_queue_is_offered_by_the_filters_at_once(world, client):
    client.force_login(world.carol)
    html = page(client)
    assert "naléhavé" not in options(html, "tag")
    Tag.objects.create(region=world.region, name="naléhavé")
    Queue.objects.create(centre=world.centre_a, name="Stavební dotazy")
    html = page(client)
    assert "naléhavé" in options(html, "tag")
    assert any("Stavební dotazy" in label for label in options(html, "queue"))
