"""Helpers of the routing tests: facts of a request about to be created, rules, requests."""

from __future__ import annotations

from typing import Any

import pytest

from vik.contacts.models import Contact
from vik.conversations import services as conversations
from vik.conversations.models import Request
from vik.routing.models import RoutingRule
from vik.routing.services import RoutingFacts
from vik.territory.models import Municipality
from vik.testing.personas import JIHLAVA, World, _staff
from vik.topics.models import Topic


def topic(slug: str | None) -> Topic | None:
    return Topic.objects.get(slug=slug) if slug else None


def municipality(code: str | None) -> Municipality | None:
    return Municipality.objects.select_related("orp").get(code=code) if code else None


def make_facts(world: World, **overrides: Any) -> RoutingFacts:
    values: dict[str, Any] = {
        "region": world.region, "topic": None, "municipality": municipality(JIHLAVA),
        "account": world.web, "channel": "web", "kind": "inquiry", "language": "cs",
        "subject": "Dotaz", "text": "Dobrý den, mám dotaz.", "requester_type": "citizen",
    }  # fmt: skip
    values.update(overrides)
    return RoutingFacts(**values)


def make_rule(world: World, position: int = 0, **fields: Any) -> RoutingRule:
    fields.setdefault("name", f"rule {position}")
    fields.setdefault("actions", {"tags": ["hit"]})
    return RoutingRule.objects.create(region=world.region, position=position, **fields)


def open_request(
    world: World, *, subject: str = "Dotaz", code: str = JIHLAVA, **kw: Any
) -> Request:
    requester = kw.pop("requester", None) or Contact.objects.create(
        region=world.region, name="Jana Nováková"
    )
    return conversations.request_open(
        region=world.region, requester=requester, subject=subject, channel="web",
        municipality=municipality(code), **kw,
    )  # fmt: skip


@pytest.fixture
def jihlava_agents(world: World) -> list[Any]:
    """Alice and two more agents of centre A (Jihlava)."""
    from vik.tenancy.choices import Role

    return [
        world.alice,
        _staff("anna", world.region, Role.AGENT, world.centre_a),
        _staff("adam", world.region, Role.AGENT, world.centre_a),
    ]
