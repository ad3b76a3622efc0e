"""Language on the clerk's screens (issue 19): values in words, Czech salutations, no emoji."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from vik.contacts.choices import ContactKind
from vik.conversations.models import Request
from vik.conversations.services.changes import request_set_status
from vik.routing.models import RoutingRule
from vik.testing.personas import World
from vik.workspace.choices import MacroScope
from vik.workspace.models import Macro

pytestmark = pytest.mark.django_db


def _timeline(html: str) -> str:
    return " ".join(re.findall(r'data-testid="event-[a-z_]+">(.*?)</p>', html, re.S))


def test_the_timeline_shows_a_status_change_in_czech_words(
    citizen_request: Request, world: World, login: Any
) -> None:
    request_set_status(request=citizen_request, status="waiting_citizen", by=world.alice)
    client = login(world.alice)
    html = client.get(f"/staff/requests/{citizen_request.reference}/").content.decode()
    timeline = " ".join(_timeline(html).split())
    assert "stav změněn (Alice Test): nový → čeká na občana" in timeline
    assert "waiting_citizen" not in html.split('id="timeline-heading"')[1].split("</section>")[0]
    assert " :" not in timeline


def _macro(world: World, body: str) -> Macro:
    return Macro.objects.create(
        name="Poděkování", body=body, scope=MacroScope.REGION, region=world.region
    )


@pytest.mark.parametrize(
    ("name", "kind", "greeting"),
    [
        ("Jan Novák", ContactKind.PERSON, "Dobrý den, pane Nováku,"),
        ("Marie Svobodová", ContactKind.PERSON, "Dobrý den, paní Svobodová,"),
        ("Petr Němec", ContactKind.PERSON, "Dobrý den,"),
        ("Novák a syn, s.r.o.", ContactKind.ORGANISATION, "Dobrý den,"),
    ],
)
def test_a_canned_answer_greets_the_citizen_in_the_vocative(
    citizen_request: Request, world: World, login: Any, name: str, kind: str, greeting: str
) -> None:
    requester = citizen_request.requester
    requester.name, requester.kind = name, kind
    requester.save(update_fields=["name", "kind"])
    macro = _macro(world, "{osloveni}\n\nděkujeme za dotaz.\n{pracovnik}")
    client = login(world.alice)
    response = client.get(f"/staff/requests/{citizen_request.reference}/macros/{macro.pk}")
    data = json.loads(response.content)
    assert data["text"] == f"{greeting}\n\nděkujeme za dotaz.\nAlice Test"
    # A second answer chosen into a reply that already greets adds no second greeting.
    assert data["body"] == "děkujeme za dotaz.\nAlice Test"


def test_the_macro_form_explains_the_placeholders_in_czech(world: World, login: Any) -> None:
    client = login(world.carol)
    html = client.get("/staff/macros/new/").content.decode()
    assert "{osloveni} oslovení" in html
    assert "Placeholders" not in html


def test_routing_rules_name_languages(world: World, login: Any) -> None:
    RoutingRule.objects.create(
        region=world.region, name="Anglicky", position=1, conditions={"languages": ["en"]},
        actions={"tags": ["english"]},
    )  # fmt: skip
    html = login(world.carol).get("/staff/routing/").content.decode()
    assert "<strong>jazyk:</strong> angličtina" in html


def test_the_bell_is_an_inline_icon_not_an_emoji(world: World, login: Any) -> None:
    html = login(world.alice).get("/staff/notifications/bell").content.decode()
    assert "<svg" in html and "🔔" not in html
