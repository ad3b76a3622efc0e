"""The request page's "Extend the deadline" (§ 14(7) of Act 106/1999 Sb.): the form while the
original deadline runs, its notice prefilled for the days and the reason chosen, and what was
extended afterwards."""

from __future__ import annotations

import datetime as dt
import html
from typing import Any

import pytest

from vik.channels.core.choices import ChannelKind
from vik.channels.core.models import ChannelAccount, OutboundMessage
from vik.contacts.choices import IdentityKind
from vik.contacts.services import contact_resolve
from vik.conversations.choices import RequestKind
from vik.conversations.models import Request
from vik.conversations.services import request_open
from vik.core import clock
from vik.testing.fixtures import run_on_commit
from vik.testing.personas import World

pytestmark = pytest.mark.django_db

BEFORE = dt.datetime(2026, 12, 7, 9, 0, tzinfo=clock.PRAGUE)
REASON = (
    "vyhledání a sběr objemného množství oddělených a odlišných informací požadovaných v jedné "
    "žádosti"
)


def opened(world: World, kind: str = RequestKind.INFORMATION_REQUEST) -> Request:
    """Jana's request by e-mail on Monday 23 Nov 2026: the 15 days end on Tue 8 Dec."""
    ChannelAccount.objects.create(
        region=world.region, kind=ChannelKind.EMAIL, name="podatelna-kraj",
        settings={"smtp": {"from": "podatelna@kr-vysocina.example"}, "acknowledge": False},
    )  # fmt: skip
    with clock.travel(dt.datetime(2026, 11, 23, 10, 0, tzinfo=clock.PRAGUE)):
        contact = contact_resolve(
            region=world.region, identities=[(IdentityKind.EMAIL, "jana@example.cz")],
            name="Jana Dvořáková",
        )  # fmt: skip
        return request_open(
            region=world.region, requester=contact, subject="Smlouvy obce za rok 2025",
            channel=ChannelKind.EMAIL, kind=kind, centre=world.centre_a,
        )  # fmt: skip


def page(client: Any, request: Request, when: dt.datetime = BEFORE) -> str:
    with clock.travel(when):
        response = client.get(f"/staff/requests/{request.reference}/")
    assert response.status_code == 200
    return html.unescape(response.content.decode())


def test_the_form_is_offered_with_the_notice_prefilled(world: World, client: Any) -> None:
    request = opened(world)
    client.force_login(world.alice)
    text = page(client, request)
    assert 'data-testid="statutory-extend-form"' in text
    assert "Prodloužit lhůtu" in text
    for reason in ("other_offices", "voluminous", "consultation"):
        assert f'<option value="{reason}">' in text
    assert REASON in text  # the law's words, not the code
    assert '<option value="email:jana@example.cz" selected>E-mailem na jana@example.cz' in text
    assert "Telefonicky: žadateli jsem to sdělil(a) sám/sama" in text
    # Ten days by default: 25 days from 23 Nov end on Fri 18 Dec.
    assert (
        f"prodlužujeme lhůtu pro vyřízení Vaší žádosti {request.reference} o 10 dní, "
        "tj. do 18. 12. 2026." in text
    )
    assert "Původní lhůta uplývala dne 8. 12. 2026." in text


def test_the_notice_follows_the_days_and_the_reason(world: World, client: Any) -> None:
    request = opened(world)
    client.force_login(world.alice)
    with clock.travel(BEFORE):
        response = client.get(
            f"/staff/requests/{request.reference}/statutory/notice",
            {"statutory-days": "3", "statutory-reason": "voluminous"},
            headers={"HX-Request": "true"},
        )
    text = html.unescape(response.content.decode())
    assert "<html" not in text
    assert f"žádosti {request.reference} o 3 dny, tj. do 11. 12. 2026." in text
    assert f"Důvodem prodloužení je {REASON}." in text


def test_extending_shows_both_dates_and_the_reason(world: World, client: Any) -> None:
    request = opened(world)
    client.force_login(world.alice)
    with clock.travel(BEFORE), run_on_commit():
        response = client.post(
            f"/staff/requests/{request.reference}/statutory/extend",
            {
                "statutory-days": "5", "statutory-reason": "voluminous",
                "statutory-route": "email:jana@example.cz",
                "statutory-text": "Lhůtu prodlužujeme do 14. 12. 2026.",
            },
        )  # fmt: skip
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.statutory_due_on == dt.date(2026, 12, 14)  # 20 days end on a Sunday
    assert OutboundMessage.objects.get().recipient == "jana@example.cz"
    text = page(client, request)
    assert 'data-testid="statutory-extend-form"' not in text
    assert '<dd data-testid="statutory-original">8. 12. 2026</dd>' in text
    assert "14. 12. 2026\n          (o 5 dní)" in text
    assert f'<dd data-testid="statutory-reason">{REASON}</dd>' in text
    assert "7. 12. 2026 09:00 · e-mail" in text
    # The timeline: the notice to the citizen and the event with labels, not codes.
    assert "Lhůtu prodlužujeme do 14. 12. 2026." in text
    assert (
        f"o 5 dní; 8. 12. 2026 → 14. 12. 2026; důvod: {REASON}; žadatel informován: e-mail" in text
    )
    assert 'data-due="2026-12-14"' in text  # the deadline box shows the extended date


def test_a_refused_extension_says_why_and_changes_nothing(world: World, client: Any) -> None:
    request = opened(world)
    client.force_login(world.alice)
    with clock.travel(BEFORE):
        client.post(
            f"/staff/requests/{request.reference}/statutory/extend",
            {
                "statutory-days": "10", "statutory-reason": "voluminous",
                "statutory-route": "email:jana@example.cz",
                "statutory-text": "Lhůtu prodlužujeme o deset dní.",
            },
        )  # fmt: skip
    request.refresh_from_db()
    assert (request.statutory_due_on, request.statutory_extended_at) == (dt.date(2026, 12, 8), None)
    assert "Oznámení musí žadateli sdělit novou lhůtu, 18. 12. 2026." in page(client, request)


def test_no_form_after_the_deadline_for_an_inquiry_or_for_another_centre(
    world: World, client: Any
) -> None:
    request = opened(world)
    client.force_login(world.alice)
    after = page(client, request, dt.datetime(2026, 12, 9, 8, 0, tzinfo=clock.PRAGUE))
    assert 'data-testid="statutory-extension"' not in after
    client.force_login(world.carol)  # a coordinator works every request of the region
    assert 'data-testid="statutory-extend-form"' in page(client, request)
    client.force_login(world.erin)  # an analyst only reads
    assert 'data-testid="statutory-extension"' not in page(client, request)
    with clock.travel(BEFORE):
        forbidden = client.get(f"/staff/requests/{request.reference}/statutory/notice")
        refused = client.post(
            f"/staff/requests/{request.reference}/statutory/extend",
            {
                "statutory-days": "10", "statutory-reason": "voluminous",
                "statutory-route": "other:phone", "statutory-text": "do 18. 12. 2026",
            },
        )  # fmt: skip
    assert forbidden.status_code == 403
    assert refused.status_code == 302
    request.refresh_from_db()
    assert request.statutory_extended_at is None


def test_an_inquiry_has_no_extension(world: World, client: Any) -> None:
    request = opened(world, kind=RequestKind.INQUIRY)
    client.force_login(world.alice)
    assert 'data-testid="statutory-extension"' not in page(client, request)
