"""Policies and requests at fixed moments for the SLA tests."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest

from vik.channels.core.choices import ChannelKind
from vik.contacts.choices import IdentityKind
from vik.contacts.services import contact_resolve
from vik.conversations.choices import RequestKind
from vik.conversations.models import Request
from vik.conversations.services import request_open
from vik.core import clock
from vik.routing.models import Queue
from vik.sla.models import SlaPolicy
from vik.tenancy.choices import Role
from vik.tenancy.models import User
from vik.testing.personas import World, _staff


def at(
    year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0
) -> dt.datetime:
    """A Prague wall-clock moment."""
    return dt.datetime(year, month, day, hour, minute, second, tzinfo=clock.PRAGUE)


@pytest.fixture
def escalation_queue(world: World) -> Queue:
    return Queue.objects.create(centre=world.centre_a, name="Eskalace")


@pytest.fixture
def policy(world: World, escalation_queue: Queue) -> SlaPolicy:
    """Centre A: answer within a working day, resolve within a working week, warn an hour
    before; when missed, tell the leads, raise the priority, move to "Eskalace"."""
    return SlaPolicy.objects.create(
        centre=world.centre_a, first_response_minutes=480, resolution_minutes=2400,
        warn_before_minutes=60, notify_lead=True, raise_priority=True,
        escalate_to_queue=escalation_queue,
    )  # fmt: skip


@pytest.fixture
def lead(world: World) -> User:
    """Lena leads centre A."""
    return _staff("lena", world.region, Role.CENTRE_LEAD, world.centre_a)


@pytest.fixture
def open_request(world: World) -> Callable[..., Request]:
    def _open(when: dt.datetime, kind: str = RequestKind.INQUIRY, centre: Any = None) -> Request:
        with clock.travel(when):
            contact = contact_resolve(
                region=world.region, identities=[(IdentityKind.EMAIL, "jana@example.cz")],
                name="Jana Dvořáková",
            )  # fmt: skip
            return request_open(
                region=world.region, requester=contact, subject="Dotaz na průkaz",
                channel=ChannelKind.EMAIL, kind=kind, centre=centre or world.centre_a,
            )  # fmt: skip

    return _open
