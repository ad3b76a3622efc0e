"""The test personas, shared by every app's tests (loaded from the root conftest).

The cast, as healthchecks names its own:
- Alice is an agent of the Jihlava centre (centre A) in Kraj Vysočina.
- Bob is an agent of the Třebíč centre (centre B) in the same region.
- Carol coordinates Kraj Vysočina: she sees and works every request of the region.
- Erin is an analyst of Kraj Vysočina: she reads everything there and changes nothing.
- Dave coordinates Jihomoravský kraj and must see nothing of Vysočina.
- A citizen writes through the web form of Vysočina.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from vik.abuse.guard import STAMP_FIELD, stamp_make
from vik.channels.core.choices import ChannelKind
from vik.channels.core.models import ChannelAccount
from vik.conversations.models import Interaction, Request
from vik.core import clock
from vik.tenancy.choices import OfficeKind, Role
from vik.tenancy.models import Competence, InformationCentre, Membership, Office, User
from vik.territory.models import Orp, Region

from .fixtures import ensure_reference_data, run_on_commit

VYSOCINA, JIHOMORAVSKY = "3107", "3115"
JIHLAVA, TREBIC, BRNO = "586846", "590266", "582786"
PASSWORD = "correct horse battery staple"  # noqa: S105 — test users only


@dataclass
class World:
    region: Region
    other_region: Region
    regional_centre: InformationCentre
    centre_a: InformationCentre
    centre_b: InformationCentre
    other_centre: InformationCentre
    web: ChannelAccount
    other_web: ChannelAccount
    alice: User
    bob: User
    carol: User
    erin: User
    dora: User
    dave: User


def _office(region: Region, name: str, kind: str = OfficeKind.MUNICIPAL_OFFICE) -> Office:
    return Office.objects.create(region=region, name=name, kind=kind)


def _centre(
    office: Office, slug: str, orp_code: str | None, regional: bool = False
) -> InformationCentre:
    centre = InformationCentre.objects.create(
        office=office, name=f"Centrum {slug}", slug=slug, is_regional=regional
    )
    if orp_code:
        Competence.objects.create(centre=centre, orp=Orp.objects.get(code=orp_code))
    return centre


def _staff(username: str, region: Region, role: str, centre: InformationCentre | None) -> User:
    user = User.objects.create_user(
        username=username, password=PASSWORD, first_name=username.capitalize(), last_name="Test"
    )
    Membership.objects.create(user=user, region=region, centre=centre, role=role)
    return user


@pytest.fixture
def world(db: Any) -> World:
    ensure_reference_data()
    region = Region.objects.get(code=VYSOCINA)
    other = Region.objects.get(code=JIHOMORAVSKY)
    regional = _centre(
        _office(region, "Krajský úřad", OfficeKind.REGIONAL_AUTHORITY), "kraj", None, True
    )
    centre_a = _centre(_office(region, "MěÚ Jihlava"), "jihlava", "6105")
    centre_b = _centre(_office(region, "MěÚ Třebíč"), "trebic", "6113")
    other_centre = _centre(
        _office(other, "KrÚ JMK", OfficeKind.REGIONAL_AUTHORITY), "jmk", None, True
    )
    return World(
        region=region,
        other_region=other,
        regional_centre=regional,
        centre_a=centre_a,
        centre_b=centre_b,
        other_centre=other_centre,
        web=ChannelAccount.objects.create(region=region, kind=ChannelKind.WEB, name="web-vys"),
        other_web=ChannelAccount.objects.create(region=other, kind=ChannelKind.WEB, name="web-jmk"),
        alice=_staff("alice", region, Role.AGENT, centre_a),
        bob=_staff("bob", region, Role.AGENT, centre_b),
        carol=_staff("carol", region, Role.REGION_COORDINATOR, None),
        erin=_staff("erin", region, Role.ANALYST, None),
        dora=_staff("dora", region, Role.DATA_PROTECTION_OFFICER, None),
        dave=_staff("dave", other, Role.REGION_COORDINATOR, None),
    )


def web_form_data(**overrides: Any) -> dict[str, Any]:
    """What a citizen fills in on the portal; override any field."""
    data: dict[str, Any] = {
        "submission_id": str(uuid.uuid4()),
        "name": "Jana Dvořáková",
        "email": "Jana.Dvorakova@Seznam.cz",
        "phone": "",
        "municipality": "Jihlava (okres Jihlava)",
        "topic": "",
        "message": "Dobrý den, kdy mohu vyzvednout nový občanský průkaz? Děkuji.",
        "consent": "on",
        "website": "",
        # shown a minute ago: a person takes that long (sooner is scored as spam, vik.abuse)
        STAMP_FIELD: stamp_make(clock.now() - dt.timedelta(minutes=1)),
    }
    data.update(overrides)
    return data


def submit_web_request(client: Any, **overrides: Any) -> Request:
    """Submit the portal form as a citizen and return the request the task made."""
    data = web_form_data(**overrides)
    with run_on_commit():
        response = client.post("/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    interaction = Interaction.objects.get(inbound_payload__idempotency_key=data["submission_id"])
    return interaction.request


@pytest.fixture
def citizen_request(world: World, client: Any) -> Request:
    """A question from Jihlava, routed to centre A."""
    return submit_web_request(client)


@pytest.fixture
def login(client: Any) -> Iterator[Any]:
    def _login(user: User) -> Any:
        client.force_login(user)
        return client

    yield _login
