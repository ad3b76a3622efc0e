"""The phone line of the test world: a region-wide phone account with its token, the centres'
numbers, alice's and bob's extensions, and a known caller from Jihlava."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from vik.channels.core.choices import ChannelKind
from vik.channels.core.models import ChannelAccount
from vik.channels.phone.models import StaffPhone
from vik.channels.phone.services import cti_token_rotate
from vik.contacts.choices import IdentityKind
from vik.contacts.models import Contact, Identity
from vik.conversations.models import Request
from vik.conversations.services import request_open
from vik.territory.models import Municipality
from vik.testing.personas import JIHLAVA, World

CENTRE_A_NUMBER = "+420567100100"
CENTRE_B_NUMBER = "+420568100100"
KNOWN_CALLER = "+420777111222"
LINE = "+420800100200"  # the region's free number


@dataclass
class Line:
    account: ChannelAccount
    token: str
    caller: Contact
    caller_request: Request


@pytest.fixture
def line(world: World) -> Line:
    return line_build(world)


def line_build(world: World) -> Line:
    world.centre_a.phone = "567 100 100"
    world.centre_a.save()
    world.centre_b.phone = CENTRE_B_NUMBER
    world.centre_b.save()
    account = ChannelAccount.objects.create(
        region=world.region, kind=ChannelKind.PHONE, name="linka-vys"
    )
    token = cti_token_rotate(account=account, by=None)
    StaffPhone.objects.create(user=world.alice, number="201")
    StaffPhone.objects.create(user=world.bob, number="202")
    caller = Contact.objects.create(region=world.region, name="Jana Dvořáková")
    Identity.objects.create(
        contact=caller, region=world.region, kind=IdentityKind.PHONE, value=KNOWN_CALLER
    )
    caller_request = request_open(
        region=world.region,
        requester=caller,
        subject="Občanský průkaz",
        channel=ChannelKind.WEB,
        municipality=Municipality.objects.get(code=JIHLAVA),
    )
    return Line(account=account, token=token, caller=caller, caller_request=caller_request)


def event(name: str, call_id: str, **fields: Any) -> dict[str, Any]:
    """One CTI event as a PBX bridge sends it."""
    data: dict[str, Any] = {
        "event": name,
        "from": KNOWN_CALLER.lstrip("+"),
        "to": LINE.lstrip("+"),
        "direction": "in",
        "callId": call_id,
    }
    data.update(fields)
    return data
