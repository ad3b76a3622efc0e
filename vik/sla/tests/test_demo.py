"""The demo's centres come with service levels, and its requests with deadlines."""

from __future__ import annotations

from vik.channels.core.choices import ChannelKind
from vik.contacts.choices import IdentityKind
from vik.contacts.services import contact_resolve
from vik.conversations.choices import RequestKind
from vik.conversations.services import request_open
from vik.core import clock
from vik.demo.services import REGION_CODE, DemoReport, build_network
from vik.sla.models import SlaPolicy
from vik.territory.models import Region
from vik.testing.fixtures import ensure_reference_data

from .conftest import at


def test_every_demo_centre_has_policies_and_its_requests_deadlines(db):
    ensure_reference_data()
    region = Region.objects.get(code=REGION_CODE)
    centres = build_network(region, DemoReport())
    build_network(region, DemoReport())  # a second run adds nothing
    assert SlaPolicy.objects.count() == 2 * len(centres)
    jihlava = centres["6105"]
    general = SlaPolicy.objects.get(centre=jihlava, kind="")
    complaints = SlaPolicy.objects.get(centre=jihlava, kind=RequestKind.COMPLAINT)
    assert (general.first_response_minutes, general.resolution_minutes) == (480, 2400)
    assert (complaints.first_response_minutes, complaints.resolution_minutes) == (960, 4800)
    assert general.escalate_to_queue is not None
    assert general.escalate_to_queue.centre == jihlava
    with clock.travel(at(2026, 11, 23, 8, 0)):  # Monday; the demo's hours: 8–17 on Mondays
        contact = contact_resolve(region=region, identities=[(IdentityKind.EMAIL, "a@b.cz")])
        request = request_open(
            region=region, requester=contact, subject="Stížnost", channel=ChannelKind.EMAIL,
            kind=RequestKind.COMPLAINT, centre=jihlava,
        )  # fmt: skip
    # 16 working hours: Monday 8–17 (9 h), Tuesday 8–14 (6 h), Wednesday 8–9.
    assert request.first_response_due_at == at(2026, 11, 25, 9, 0)
    assert request.due_at == request.first_response_due_at
