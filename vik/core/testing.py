"""The test personas and fixtures, shared by every app's tests (loaded from the root conftest).

The cast, as healthchecks names its own:
- Alice is an agent of the Jihlava centre (centre A) in Kraj Vysočina.
- Bob is an agent of the Třebíč centre (centre B) in the same region.
- Carol coordinates Kraj Vysočina: she sees and works every request of the region.
- Erin is an analyst of Kraj Vysočina: she reads everything there and changes nothing.
- Dave coordinates Jihomoravský kraj and must see nothing of Vysočina.
- A citizen writes through the web form of Vysočina.
"""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase

from vik.channels.core.choices import ChannelKind
from vik.channels.core.models import ChannelAccount
from vik.conversations.models import Interaction, Request
from vik.tenancy.choices import OfficeKind, Role
from vik.tenancy.models import Competence, InformationCentre, Membership, Office, User
from vik.territory.models import Municipality, Orp, Region
from vik.territory.services import territory_load
from vik.topics.services import topics_seed

VYSOCINA, JIHOMORAVSKY = "3107", "3115"
JIHLAVA, TREBIC, BRNO = "586846", "590266", "582786"
PASSWORD = "correct horse battery staple"  # noqa: S105 — test users only


def ensure_reference_data() -> None:
    """The country's territory and the topics: loaded once per test database."""
    if not Municipality.objects.exists():
        territory_load()
    topics_seed()


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: Any, django_db_blocker: Any) -> None:
    with django_db_blocker.unblock():
        ensure_reference_data()


def _flushes_database(item: pytest.Item) -> bool:
    marker = item.get_closest_marker("django_db")
    fixtures = set(getattr(item, "fixturenames", ()))
    return bool(
        (marker and marker.kwargs.get("transaction"))
        or fixtures & {"live_server", "transactional_db"}
    )


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item: pytest.Item, nextitem: pytest.Item | None) -> Iterator[None]:
    """Reload the territory and topics after a transactional test flushed the database: the
    tests that run after it in the same worker expect the data the session loaded once."""
    result = yield
    if _flushes_database(item):
        from pytest_django.plugin import blocking_manager_key

        with item.config.stash[blocking_manager_key].unblock():
            ensure_reference_data()
    return result


@pytest.fixture(autouse=True)
def _media_root(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _empty_cache() -> None:
    """Each test starts with an empty cache (e.g. the list's view counts are cached per user
    id, and ids repeat from test to test)."""
    from django.core.cache import cache

    from vik.core.memo import forget_lasting
    from vik.core.tasks import forget_deferred

    cache.clear()
    forget_lasting()  # and so does the configuration a worker keeps across batches
    forget_deferred()  # and the gathering tasks of a rolled-back test are gone


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
    }
    data.update(overrides)
    return data


def run_on_commit() -> Any:
    """Run on-commit callbacks (task enqueues) inside a test transaction, as a commit would."""
    from django.db import connection

    if connection.in_atomic_block:
        return TestCase.captureOnCommitCallbacks(execute=True)
    return contextlib.nullcontext()


def submit_web_request(client: Any, **overrides: Any) -> Request:
    """Submit the portal form as a citizen and return the request the task made."""
    data = web_form_data(**overrides)
    with run_on_commit():
        response = client.post("/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    interaction = Interaction.objects.get(inbound_payload__idempotency_key=data["submission_id"])
    return interaction.request


def upload(name: str, content: bytes, content_type: str = "application/pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


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


class SmtpSink:
    """A real SMTP server on loopback that keeps what it receives (aiosmtpd)."""

    def __init__(self) -> None:
        self.messages: list[Any] = []
        self.peers: list[Any] = []  # the client's address and port: one per SMTP connection
        self.refuse: set[str] = set()
        self.port = 0

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, options: Any
    ) -> str:
        if address in self.refuse:
            return "550 5.1.1 mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        import email
        import email.policy

        self.messages.append(
            email.message_from_bytes(envelope.content, policy=email.policy.default)
        )
        self.peers.append(session.peer)
        return "250 OK"


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def smtp_sink(settings: Any) -> Iterator[SmtpSink]:
    from aiosmtpd.controller import Controller

    sink = SmtpSink()
    controller = Controller(sink, hostname="127.0.0.1", port=free_port())
    controller.start()
    sink.port = controller.port
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", controller.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    try:
        yield sink
    finally:
        controller.stop()
