"""Every number of the real reports links to a request list of exactly as many requests, for a
coordinator, a lead and an agent: the builders' drill parameters and the list's filters agree
(open, overdue, unanswered, no topic, merged requests, ratings, a lead's centre)."""

from __future__ import annotations

import datetime as dt
import re
from html import unescape
from urllib.parse import urlsplit

import pytest
from django.http import QueryDict

from vik.channels.core.choices import ChannelKind
from vik.conversations.models import Request
from vik.conversations.selectors import request_filters_from_params, requests_filtered
from vik.core import clock
from vik.reports.rollups import rollups_refresh
from vik.satisfaction.models import Rating
from vik.topics.models import Topic

from .conftest import make_request

REPORTS = ("overview", "volume", "times", "sla", "satisfaction", "workload", "audit")


@pytest.fixture
def crafted(world, lead):
    """This month in centres A and B: open, overdue, resolved and rated, unanswered, without a
    topic, one merged into another, an information request; last year one more."""
    now = clock.now()
    topic = Topic.objects.filter(parent__isnull=True).first()
    a, b = world.centre_a, world.centre_b
    made = [
        make_request(world, centre=a, assignee=world.alice, topic=topic),
        make_request(world, centre=a, assignee=world.alice, due_at=now - dt.timedelta(hours=2)),
        make_request(
            world,
            centre=a,
            status="resolved",
            resolved_at=now,
            first_response_at=now,
            assignee=world.alice,
        ),
        make_request(world, centre=a, channel=ChannelKind.WEB, first_response_at=now),
        make_request(world, centre=b, channel=ChannelKind.PHONE, topic=topic),
        make_request(world, centre=b, status="closed", resolved_at=now, assignee=world.bob),
        make_request(world, centre=a, kind="information_request"),
        make_request(world, centre=a, received=now - dt.timedelta(days=400)),
    ]
    target = made[0]
    merged = make_request(world, centre=a)
    Request.objects.filter(pk=merged.pk).update(merged_into=target, status="closed")
    for request, score in ((made[2], 5), (made[5], 2)):
        Rating.objects.create(
            request=request, score=score, channel=request.origin_channel, answered_at=now,
            changed_at=now,
        )  # fmt: skip
    rollups_refresh()
    return made


@pytest.mark.parametrize("slug", REPORTS)
def test_every_number_of_a_real_report_lists_as_many_requests(world, lead, crafted, client, slug):
    checked = 0
    for user in (world.carol, lead, world.alice):
        client.force_login(user)
        response = client.get(f"/staff/reports/{slug}/?preset=this_month")
        if response.status_code == 403:
            assert user == world.alice  # reports not for agents
            continue
        assert response.status_code == 200, (slug, user)
        html = response.content.decode()
        tables = "".join(re.findall(r'data-testid="report-table".*?</table>', html, re.S))
        links = re.findall(r'<a href="(/staff/requests/\?[^"]+)">([^<]+)</a>', tables)
        for href, number in links:
            params = QueryDict(urlsplit(unescape(href)).query)
            listed = requests_filtered(user=user, filters=request_filters_from_params(params))
            digits = number.replace("\xa0", "").replace(" ", "")
            if not digits.isdigit():
                continue  # a share links to the requests behind it, not to as many
            shown = int(digits)
            assert listed.count() == shown, (slug, user.username, unescape(href))
            checked += 1
    # Service levels and statutory outcomes (met, missed) have no list filter: no links there.
    assert checked > 0 or slug == "sla"
