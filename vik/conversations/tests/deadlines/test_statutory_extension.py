"""Extending an information request's statutory deadline (§ 14(7) of Act 106/1999 Sb.): once,
by 1–10 days, for a reason of the law, before the original deadline; the applicant told with a
notice on the timeline; the sweep warns before the new deadline."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest

from vik.audit.models import AuditEvent
from vik.channels.core.choices import ChannelKind, OutboundState
from vik.channels.core.models import ChannelAccount, OutboundMessage
from vik.conversations import selectors
from vik.conversations import services as conversations
from vik.conversations.choices import Direction, EventKind, RequestKind, Status
from vik.conversations.models import Interaction, Request, TimelineEvent
from vik.conversations.services.deadlines import sla_sweep
from vik.core import clock
from vik.core.errors import PermissionDenied, ValidationFailed
from vik.sla.statutory import MET, MET_EXTENDED, MISSED, PENDING, request_statutory_outcome
from vik.testing.fixtures import run_on_commit
from vik.testing.personas import World
from vik.testing.smtp import SmtpSink

from .conftest import at

pytestmark = pytest.mark.django_db

NOTICE = "Lhůtu prodlužujeme do 18. 12. 2026, protože informace hledáme v archivu."


@pytest.fixture
def mail(world: World) -> ChannelAccount:
    """The region's e-mail account: replies to Jana's requests go out through it."""
    return ChannelAccount.objects.create(
        region=world.region, kind=ChannelKind.EMAIL, name="podatelna-kraj",
        settings={"smtp": {"from": "podatelna@kr-vysocina.example"}, "acknowledge": False},
    )  # fmt: skip


@pytest.fixture
def information_request(open_request: Callable[..., Request], mail: ChannelAccount) -> Request:
    """Received on Monday 23 Nov 2026 at 10:00 by e-mail: the 15 days end on Tue 8 Dec."""
    request = open_request(at(2026, 11, 23, 10, 0), kind=RequestKind.INFORMATION_REQUEST)
    assert (request.statutory_due_on, request.statutory_original_due_on) == (
        dt.date(2026, 12, 8), dt.date(2026, 12, 8),
    )  # fmt: skip
    return request


def extend(request: Request, by: Any, when: dt.datetime, **overrides: Any) -> Interaction:
    arguments: dict[str, Any] = {
        "days": 10, "reason": "other_offices", "text": NOTICE, "route": None,
    }  # fmt: skip
    arguments.update(overrides)
    with clock.travel(when), run_on_commit():
        return conversations.request_statutory_extend(request=request, by=by, **arguments)


def snapshot(request: Request) -> tuple[Any, ...]:
    request.refresh_from_db()
    return (
        request.statutory_due_on, request.statutory_original_due_on, request.due_at,
        request.statutory_extended_at, request.statutory_extension_days,
        request.statutory_extension_reason, request.statutory_notified_at,
        request.statutory_notified_channel, request.status,
        request.interactions.filter(direction=Direction.OUTBOUND).count(),
        TimelineEvent.objects.filter(request=request).count(), OutboundMessage.objects.count(),
        AuditEvent.objects.filter(action="request.statutory_extend").count(),
    )  # fmt: skip


def test_the_extension_moves_the_deadline_and_tells_the_applicant_by_e_mail(
    world: World, information_request: Request, smtp_sink: SmtpSink
) -> None:
    request = information_request
    notice = extend(request, world.alice, at(2026, 12, 7, 9, 30))

    request.refresh_from_db()
    assert request.statutory_due_on == dt.date(2026, 12, 18)
    assert request.statutory_original_due_on == dt.date(2026, 12, 8)
    assert request.due_at == at(2026, 12, 18, 23, 59, 59)
    assert request.statutory_extended_at == at(2026, 12, 7, 9, 30)
    assert (request.statutory_extension_days, request.statutory_extension_reason) == (
        10, "other_offices",
    )  # fmt: skip
    # The proof: the notice, when it was sent and how.
    assert request.statutory_extension_notice == notice
    assert request.statutory_notified_at == at(2026, 12, 7, 9, 30)
    assert request.statutory_notified_channel == ChannelKind.EMAIL
    assert (notice.direction, notice.visibility, notice.channel, notice.text) == (
        "outbound", "public", "email", NOTICE,
    )  # fmt: skip
    delivery = OutboundMessage.objects.get(interaction=notice)
    assert (delivery.recipient, delivery.state) == ("jana@example.cz", OutboundState.SENT)
    (sent,) = smtp_sink.messages
    assert sent["To"] == "jana@example.cz"
    assert NOTICE in sent.get_body(("plain",)).get_content()

    (event,) = request.events.filter(kind=EventKind.STATUTORY_EXTENDED)
    assert event.actor == world.alice
    assert event.data == {
        "days": 10, "extension_reason": "other_offices", "original_due_on": "2026-12-08",
        "extended_due_on": "2026-12-18", "channel": "email",
    }  # fmt: skip
    audit = AuditEvent.objects.get(action="request.statutory_extend")
    assert (audit.actor, audit.object_id, audit.details["extended_due_on"]) == (
        world.alice, str(request.pk), "2026-12-18",
    )  # fmt: skip
    # The notice is on the citizen's tracking page too.
    assert notice in selectors.request_timeline(request=request, public_only=True)


def test_an_extension_ending_on_a_weekend_ends_on_monday(
    world: World, information_request: Request
) -> None:
    extend(
        information_request, world.alice, at(2026, 12, 8, 15, 0), days=5,
        text="Nová lhůta: 14.12.2026.",
    )  # fmt: skip
    information_request.refresh_from_db()
    # 20 days from 23 Nov end on Sunday 13 Dec.
    assert information_request.statutory_due_on == dt.date(2026, 12, 14)
    assert information_request.due_at == at(2026, 12, 14, 23, 59, 59)


REFUSALS = [
    pytest.param(
        {"when": at(2026, 12, 9, 0, 5)},
        "Původní lhůta (8. 12. 2026) už uplynula: zákon dovoluje prodloužení jen před jejím "
        "uplynutím.",
        id="after-the-original-deadline",
    ),
    pytest.param({"days": 11}, "Lhůtu lze prodloužit o 1 až 10 dní.", id="11-days"),
    pytest.param({"days": 0}, "Lhůtu lze prodloužit o 1 až 10 dní.", id="0-days"),
    pytest.param(
        {"reason": "too_busy"}, "Vyberte jeden z důvodů, které zákon připouští.", id="other-reason"
    ),
    pytest.param(
        {"text": "Prodlužujeme lhůtu."},
        "Oznámení musí žadateli sdělit novou lhůtu, 18. 12. 2026.",
        id="notice-without-the-date",
    ),
    pytest.param(
        {"route": "tracking"},
        "Tudy VIK oznámení doručit nemůže: informujte žadatele telefonicky, dopisem nebo osobně "
        "na přepážce a zaznamenejte to zde.",
        id="tracking-page-only",
    ),
    pytest.param(
        {"route": "other:sms"}, "Takto žadatele informovat nelze.", id="unknown-other-means"
    ),
]


@pytest.mark.parametrize(("overrides", "message"), REFUSALS)
def test_refused_extensions_change_nothing(
    world: World, information_request: Request, overrides: dict[str, Any], message: str
) -> None:
    request = information_request
    before = snapshot(request)
    when = overrides.pop("when", at(2026, 12, 7, 9, 0))
    with pytest.raises(ValidationFailed) as refused:
        extend(request, world.alice, when, **overrides)
    assert str(refused.value) == message
    assert snapshot(request) == before


def test_a_second_extension_is_refused(world: World, information_request: Request) -> None:
    extend(information_request, world.alice, at(2026, 12, 1, 9, 0), days=3,
           text="Nová lhůta je 11. 12. 2026.")  # fmt: skip
    before = snapshot(information_request)
    with pytest.raises(ValidationFailed) as refused:
        extend(information_request, world.alice, at(2026, 12, 2, 9, 0), days=7)
    assert str(refused.value) == (
        "Lhůta už byla prodloužena; zákon dovoluje prodloužit ji jen jednou."
    )
    assert snapshot(information_request) == before
    assert information_request.statutory_due_on == dt.date(2026, 12, 11)


def test_an_inquiry_has_no_statutory_deadline_to_extend(
    world: World, open_request: Callable[..., Request], mail: ChannelAccount
) -> None:
    request = open_request(at(2026, 11, 23, 10, 0))
    before = snapshot(request)
    with pytest.raises(ValidationFailed) as refused:
        extend(request, world.alice, at(2026, 11, 24, 9, 0))
    assert str(refused.value) == (
        "Prodloužit lze jen lhůtu žádosti o informace (zákon č. 106/1999 Sb.)."
    )
    assert snapshot(request) == before


def test_a_resolved_request_is_not_extended(world: World, information_request: Request) -> None:
    with clock.travel(at(2026, 12, 1, 9, 0)):
        conversations.request_set_status(
            request=information_request, status=Status.RESOLVED, by=world.alice
        )
    before = snapshot(information_request)
    with pytest.raises(ValidationFailed):
        extend(information_request, world.alice, at(2026, 12, 2, 9, 0))
    assert snapshot(information_request) == before


def test_an_extension_that_moves_nothing_is_refused(
    world: World, open_request: Callable[..., Request], mail: ChannelAccount
) -> None:
    """Received 9 Dec 2026: the 15 days end on the Christmas holidays, so on Mon 28 Dec; two
    more days end on Sat 26 Dec, also moved to 28 Dec."""
    request = open_request(at(2026, 12, 9, 9, 0), kind=RequestKind.INFORMATION_REQUEST)
    before = snapshot(request)
    with pytest.raises(ValidationFailed) as refused:
        extend(request, world.alice, at(2026, 12, 20, 9, 0), days=2, text="do 28. 12. 2026")
    assert str(refused.value) == (
        "Prodloužení o 2 dny stále končí 28. 12. 2026 (původní lhůta se posunula kvůli víkendu "
        "nebo svátku): zvolte více dní."
    )
    assert snapshot(request) == before


def test_a_member_of_another_centre_may_not_extend(
    world: World, information_request: Request
) -> None:
    before = snapshot(information_request)
    with pytest.raises(PermissionDenied):
        extend(information_request, world.bob, at(2026, 12, 7, 9, 0))
    assert snapshot(information_request) == before


def test_a_phone_request_records_the_applicant_told_by_phone(
    world: World, open_request: Callable[..., Request]
) -> None:
    """No e-mail account: VIK cannot write back; the clerk phones and records it."""
    request = open_request(at(2026, 11, 23, 10, 0), kind=RequestKind.INFORMATION_REQUEST)
    assert [(r.key, r.kind) for r in conversations.statutory_notice_routes(request)] == [
        ("other:phone", "phone"), ("other:letter", "letter"), ("other:counter", "counter"),
    ]  # fmt: skip
    notice = extend(request, world.alice, at(2026, 12, 8, 16, 0), route="other:phone")
    request.refresh_from_db()
    assert (notice.channel, notice.direction) == ("phone", "outbound")
    assert not OutboundMessage.objects.exists()
    assert request.statutory_notified_channel == ChannelKind.PHONE
    assert request.statutory_notified_at == at(2026, 12, 8, 16, 0)
    assert request.statutory_due_on == dt.date(2026, 12, 18)


def flags(request: Request) -> tuple[Any, Any]:
    request.refresh_from_db()
    return request.sla_warned_at, request.sla_breached_at


def test_the_sweep_warns_before_the_extended_deadline_not_the_original(
    world: World, lead: Any, information_request: Request
) -> None:
    request = information_request
    # The original deadline warns 3 working days before 8 Dec: on Thu 3 Dec.
    with clock.travel(at(2026, 12, 3, 0, 1)):
        sla_sweep()
    request.refresh_from_db()
    assert request.sla_warned_at == at(2026, 12, 3, 0, 1)
    extend(request, world.alice, at(2026, 12, 4, 9, 0))
    assert flags(request) == (None, None)
    # 8 Dec passes without a breach; 3 working days before 18 Dec is Tue 15 Dec.
    for moment in (at(2026, 12, 9, 0, 5), at(2026, 12, 14, 23, 59)):
        with clock.travel(moment):
            sla_sweep()
        assert flags(request) == (None, None)
    with clock.travel(at(2026, 12, 15, 0, 1)):
        sla_sweep()
    with clock.travel(at(2026, 12, 19, 0, 1)):
        sla_sweep()
    assert flags(request) == (at(2026, 12, 15, 0, 1), at(2026, 12, 19, 0, 1))
    warnings = request.events.filter(kind=EventKind.SLA_WARNING).order_by("pk")
    assert [e.data["due_at"] for e in warnings] == [
        at(2026, 12, 8, 23, 59, 59).isoformat(), at(2026, 12, 18, 23, 59, 59).isoformat(),
    ]  # fmt: skip
    (breach,) = request.events.filter(kind=EventKind.SLA_BREACHED)
    assert breach.data == {
        "target": "statutory",
        "due_at": at(2026, 12, 18, 23, 59, 59).isoformat(),
    }


def _provided_at(request: Request) -> dt.datetime | None:
    requests = selectors.with_statutory_provided_at(Request.objects.filter(pk=request.pk))
    # an annotation the mypy plugin cannot see
    provided: dt.datetime | None = requests.values_list(  # type: ignore[misc]
        "statutory_provided_at", flat=True
    ).get()
    return provided


def _outcome(request: Request, today: dt.date) -> str | None:
    request.refresh_from_db()
    return request_statutory_outcome(request, provided_at=_provided_at(request), today=today)


def test_the_answer_after_the_extension_is_met_after_an_extension(
    world: World, information_request: Request
) -> None:
    """The notice is not the answer: the reply on 15 Dec is, resolved on 16 Dec."""
    request = information_request
    extend(request, world.alice, at(2026, 12, 7, 9, 0))
    assert _outcome(request, dt.date(2026, 12, 10)) == PENDING  # the notice is no answer
    with clock.travel(at(2026, 12, 15, 10, 0)), run_on_commit():
        conversations.request_reply(request=request, by=world.alice, text="Informace v příloze.")
    with clock.travel(at(2026, 12, 16, 8, 0)):
        conversations.request_set_status(request=request, status=Status.RESOLVED, by=world.alice)
    assert _provided_at(request) == at(2026, 12, 15, 10, 0)
    assert _outcome(request, dt.date(2027, 1, 5)) == MET_EXTENDED


@pytest.mark.parametrize(
    ("reply_on", "resolve_on", "outcome"),
    [
        (at(2026, 12, 8, 15, 0), at(2026, 12, 9, 8, 0), MET),  # answered in time, resolved late
        (None, at(2026, 12, 7, 8, 0), MET),  # answered outside VIK, resolved in time
        (at(2026, 12, 10, 9, 0), at(2026, 12, 10, 9, 5), MISSED),
    ],
)
def test_outcomes_without_an_extension(
    world: World, information_request: Request, reply_on: Any, resolve_on: Any, outcome: str
) -> None:
    request = information_request
    if reply_on is not None:
        with clock.travel(reply_on), run_on_commit():
            conversations.request_reply(request=request, by=world.alice, text="Informace.")
    with clock.travel(resolve_on):
        conversations.request_set_status(request=request, status=Status.RESOLVED, by=world.alice)
    assert _outcome(request, dt.date(2027, 1, 5)) == outcome
