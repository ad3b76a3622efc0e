"""The request list sorted by urgency and priority, the due filters, and the time-left column."""

from __future__ import annotations

import datetime as dt

import pytest

from vik.conversations.models import Request
from vik.conversations.selectors import (
    RequestFilters,
    encode_cursor,
    request_filters_from_params,
    request_page,
)
from vik.core import clock
from vik.tenancy.choices import Role
from vik.tenancy.models import Membership
from vik.testing.personas import TREBIC, submit_web_request

NOW = dt.datetime(2026, 11, 18, 9, 0, tzinfo=clock.PRAGUE)  # a Wednesday morning


@pytest.fixture
def seven(world, client):
    """Seven requests of centre A: five with deadlines (two of them equal), two without."""
    with clock.travel(NOW - dt.timedelta(days=2)):
        made = [submit_web_request(client, email=f"r{n}@example.cz") for n in range(7)]
    dues = [
        NOW + dt.timedelta(hours=5),  # 0: today
        None,  # 1
        NOW - dt.timedelta(hours=1),  # 2: overdue
        NOW + dt.timedelta(days=3),  # 3: this week
        NOW + dt.timedelta(hours=5),  # 4: today, the same moment as 0
        None,  # 5
        NOW + dt.timedelta(days=10),  # 6: later
    ]
    for item, due in zip(made, dues, strict=True):
        Request.objects.filter(pk=item.pk).update(due_at=due, sla_paused_at=None)
    priorities = {0: 1, 3: 4, 5: 3, 6: 4}
    for index, priority in priorities.items():
        Request.objects.filter(pk=made[index].pk).update(priority=priority)
    return made


def walk(user, filters, limit):
    """Every page of the list, following the cursors; returns the references in order."""
    seen, cursor, pages = [], "", 0
    while True:
        page = request_page(user=user, filters=filters, cursor=cursor, limit=limit)
        seen += [item.reference for item in page.items]
        pages += 1
        if not page.next_cursor:
            return seen, pages
        cursor = page.next_cursor


def test_sort_by_due_is_most_urgent_first_with_no_deadline_last(world, seven):
    refs = [item.reference for item in seven]
    with clock.travel(NOW):
        order, pages = walk(world.alice, RequestFilters(sort="due"), limit=4)
    equal_due = sorted([seven[0], seven[4]], key=lambda item: item.pk)
    no_due = sorted([seven[1], seven[5]], key=lambda item: item.pk)
    assert order == [
        refs[2],
        *[item.reference for item in equal_due],
        refs[3],
        refs[6],
        *[item.reference for item in no_due],
    ]
    assert pages == 2
    # Page boundaries inside equal deadlines and inside the requests without one.
    for limit in (1, 2, 3, 5, 6):
        with clock.travel(NOW):
            assert walk(world.alice, RequestFilters(sort="due"), limit=limit)[0] == order


def test_sort_by_priority_then_newest(world, seven):
    refs = [item.reference for item in seven]
    order, _pages = walk(world.alice, RequestFilters(sort="priority"), limit=2)
    urgent = sorted([seven[3], seven[6]], key=lambda item: (item.created_at, item.pk), reverse=True)
    normal = sorted(
        [seven[i] for i in (1, 2, 4)], key=lambda item: (item.created_at, item.pk), reverse=True
    )
    assert order == [
        *[item.reference for item in urgent],
        refs[5],
        *[item.reference for item in normal],
        refs[0],
    ]
    assert len(order) == len(set(order)) == 7


def test_a_cursor_of_another_sort_starts_from_the_top(world, seven):
    received = encode_cursor(seven[3])
    page = request_page(user=world.alice, filters=RequestFilters(sort="due"), cursor=received)
    assert len(page.items) == 7
    page = request_page(user=world.alice, filters=RequestFilters(), cursor="not-a-cursor")
    assert len(page.items) == 7


@pytest.mark.parametrize(
    ("due", "expected"),
    [("overdue", {2}), ("today", {0, 2, 4}), ("week", {0, 2, 3, 4}), ("", set(range(7)))],
)
def test_due_filters(world, seven, due, expected):
    with clock.travel(NOW):
        page = request_page(
            user=world.alice, filters=request_filters_from_params({"due": due}), limit=10
        )
    assert {item.reference for item in page.items} == {seven[i].reference for i in expected}


def test_the_list_shows_time_left_priority_and_tags(world, client, seven):
    Request.objects.filter(pk=seven[3].pk).update(sla_paused_at=NOW - dt.timedelta(hours=2))
    seven[6].tags.create(region=world.region, name="stavební")
    client.force_login(world.alice)
    with clock.travel(NOW):
        response = client.get("/staff/requests/", {"sort": "due", "due": "week"})
    page = response.content.decode()
    items = response.context["page"].items
    assert items[0].reference == seven[2].reference
    assert page.count('data-testid="time-left" data-overdue') == 1  # only the overdue one
    assert page.count('data-testid="priority"') == 2  # 0 is low, 3 urgent; the rest are normal
    with clock.travel(NOW):
        everything = client.get("/staff/requests/", {"sort": "due"}).content.decode()
    assert everything.count('data-testid="tag"') == 1
    assert everything.count('data-testid="priority"') == 4


def test_filters_by_kind_priority_and_tag(world, client, seven):
    tag = seven[1].tags.create(region=world.region, name="OP")
    Request.objects.filter(pk=seven[2].pk).update(kind="complaint")
    client.force_login(world.alice)

    def shown(**params):
        return {
            item.reference for item in client.get("/staff/requests/", params).context["page"].items
        }

    assert shown(tag=tag.pk) == {seven[1].reference}
    assert shown(kind="complaint") == {seven[2].reference}
    assert shown(priority=4) == {seven[3].reference, seven[6].reference}


def test_a_member_of_a_centre_and_of_the_region_sees_each_request_once(world, client, seven):
    with clock.travel(NOW - dt.timedelta(days=1)):
        elsewhere = submit_web_request(client, municipality=TREBIC, email="b@example.cz")
    Membership.objects.create(user=world.alice, region=world.region, role=Role.ANALYST)
    for sort in ("received", "due", "priority"):
        with clock.travel(NOW):
            both, _pages = walk(world.alice, RequestFilters(sort=sort), limit=2)
            region_only, _pages = walk(world.erin, RequestFilters(sort=sort), limit=3)
        assert both == region_only
        assert len(both) == len(set(both)) == 8
        assert elsewhere.reference in both
