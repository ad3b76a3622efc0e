"""The one invitation per resolved request: on the channel it came by, once, never twice a week
to one person, claimed by one worker."""

from __future__ import annotations

import datetime as dt

import pytest

from vik.channels.core.choices import ChannelKind, OutboundState
from vik.channels.core.models import ChannelAccount, OutboundMessage
from vik.contacts.choices import IdentityKind
from vik.contacts.models import Contact, Identity
from vik.conversations import services as conversations
from vik.conversations.choices import Status
from vik.conversations.models import Interaction, Request
from vik.core import clock
from vik.satisfaction import services
from vik.satisfaction.choices import InvitationState, SkipReason
from vik.satisfaction.models import RatingInvitation
from vik.testing.personas import submit_web_request

from .conftest import resolve, run_job


def test_a_resolved_web_request_is_asked_once_by_email_with_five_links(
    world, resolved_request, smtp_sink, settings
):
    assert run_job(after_minutes=30) == 0  # too soon after the resolution
    assert not RatingInvitation.objects.exists()
    assert run_job() == 1
    invitation = RatingInvitation.objects.get()
    assert (invitation.state, invitation.channel) == (InvitationState.SENT, ChannelKind.WEB)
    [mail] = smtp_sink.messages
    assert mail["To"] == "jana.dvorakova@seznam.cz"
    assert mail["Subject"] == f"[{resolved_request.reference}] Jak jsme vám pomohli?"
    body = mail.get_body().get_content().replace("\r\n", "\n")
    assert body.startswith("Jak jsme vám pomohli?\n\nVáš dotaz " + resolved_request.reference)
    for score, label in [(5, "5 – výborně"), (1, "1 – velmi špatně")]:
        assert f"{label}: {settings.SITE_URL}/hodnoceni/{invitation.token}/{score}/" in body
    # the message is on the request (automatic, public), its delivery settled in the outbox
    message = OutboundMessage.objects.get(interaction__request=resolved_request)
    assert message.state == OutboundState.SENT and message.interaction.is_automatic
    assert run_job(after_minutes=120) == 0  # never twice
    assert len(smtp_sink.messages) == 1


def test_reopened_and_resolved_again_is_not_asked_twice(world, resolved_request, smtp_sink):
    assert run_job() == 1
    later = clock.now() + dt.timedelta(hours=2)
    with clock.travel(later):
        conversations.request_set_status(
            request=resolved_request, status=Status.OPEN, by=world.alice
        )
        resolve(resolved_request, world.alice)
    assert run_job(since=later) == 0
    assert RatingInvitation.objects.count() == 1 and len(smtp_sink.messages) == 1


def test_reopened_before_the_delay_is_asked_after_it_is_resolved_again(world, resolved_request):
    with clock.travel(clock.now() + dt.timedelta(minutes=10)):
        services.rating_invitation_ensure(request=resolved_request)  # the tracking page made it
        conversations.request_set_status(
            request=resolved_request, status=Status.OPEN, by=world.alice
        )
    assert run_job() == 0  # not resolved: it waits
    assert RatingInvitation.objects.get().state == InvitationState.PENDING
    resolve(resolved_request, world.alice)
    assert run_job() == 1
    assert RatingInvitation.objects.get().state == InvitationState.SENT


def test_one_person_is_asked_at_most_once_a_week(world, client, resolved_request, smtp_sink):
    assert run_job() == 1
    second = resolve(submit_web_request(client), world.alice)
    assert second.requester_id == resolved_request.requester_id
    assert run_job() == 1
    assert RatingInvitation.objects.get(request=second).skip_reason == SkipReason.RECENTLY_ASKED
    assert len(smtp_sink.messages) == 1
    # eight days later a third request is asked again
    eight_days = clock.now() + dt.timedelta(days=8)
    with clock.travel(eight_days):
        third = resolve(submit_web_request(client), world.alice)
    assert run_job(since=eight_days) == 1
    assert RatingInvitation.objects.get(request=third).state == InvitationState.SENT
    assert len(smtp_sink.messages) == 2


def test_a_rated_request_is_not_asked(world, resolved_request, smtp_sink):
    services.rating_record(request=resolved_request, score=5, channel=ChannelKind.CHAT)
    assert run_job() == 1
    invitation = RatingInvitation.objects.get()
    assert (invitation.state, invitation.skip_reason) == (
        InvitationState.SKIPPED,
        SkipReason.ALREADY_RATED,
    )
    assert smtp_sink.messages == []


def test_switched_off_asks_nobody(world, resolved_request, settings):
    settings.VIK_CSAT_ENABLED = False
    assert run_job() == 0
    assert not RatingInvitation.objects.exists()
    assert not Interaction.objects.filter(is_automatic=True, request=resolved_request).exists()


def test_an_old_resolution_is_not_asked_when_csat_is_switched_on(world, resolved_request):
    assert run_job(after_minutes=4 * 24 * 60) == 0
    assert not RatingInvitation.objects.exists()


def _recorded(world, channel, identities):
    contact = Contact.objects.create(region=world.region, name="Petr Svoboda")
    for kind, value in identities:
        Identity.objects.create(contact=contact, region=world.region, kind=kind, value=value)
    request = Request.objects.create(
        region=world.region, centre=world.centre_a, reference=f"VY-2026-{channel[:3]}",
        subject="Svoz odpadu", requester=contact, origin_channel=channel,
    )  # fmt: skip
    return resolve(request, world.alice)


@pytest.fixture
def accounts(world):
    email = ChannelAccount.objects.create(
        region=world.region, centre=world.centre_a, kind=ChannelKind.EMAIL, name="mail-jihlava",
        settings={"from_email": "info@jihlava.example"},
    )  # fmt: skip
    sms = ChannelAccount.objects.create(
        region=world.region, centre=world.centre_a, kind=ChannelKind.SMS, name="sms-jihlava"
    )
    return email, sms


EMAIL, PHONE = IdentityKind.EMAIL, IdentityKind.PHONE


@pytest.mark.parametrize(
    ("channel", "identities", "expected"),
    [
        # by phone or at the counter: an SMS to a mobile number first
        (ChannelKind.PHONE, [(EMAIL, "petr@example.cz"), (PHONE, "+420777123456")],
         ("sms", "+420777123456")),
        # a landline takes no SMS: the e-mail
        (ChannelKind.COUNTER, [(PHONE, "+420567111222"), (EMAIL, "petr@example.cz")],
         ("email", "petr@example.cz")),
        # a letter: the e-mail first
        (ChannelKind.LETTER, [(PHONE, "+420777123456"), (EMAIL, "petr@example.cz")],
         ("email", "petr@example.cz")),
        # no address at all: the tracking page only
        (ChannelKind.COUNTER, [(PHONE, "+420567111222")], None),
    ],
)  # fmt: skip
def test_a_recorded_request_is_asked_where_the_citizen_is_reached(
    world, accounts, channel, identities, expected, settings
):
    request = _recorded(world, channel, identities)
    assert run_job() == 1
    invitation = RatingInvitation.objects.get(request=request)
    delivery = OutboundMessage.objects.filter(interaction__request=request).first()
    if expected is None:
        assert invitation.state == InvitationState.TRACKING_ONLY and delivery is None
        return
    assert (invitation.state, invitation.channel) == (InvitationState.SENT, expected[0])
    assert (delivery.account.kind, delivery.recipient) == expected
    if expected[0] == "sms":  # short, one link, no diacritics (GSM-7)
        assert delivery.interaction.text == (
            f"Jak jsme vam pomohli s dotazem {request.reference}? Ohodnotte nas (1-5), zabere "
            f"to vterinu: {settings.SITE_URL}/hodnoceni/{invitation.token}/"
        )


def test_merged_and_anonymised_requests_are_not_asked(world, client, resolved_request):
    other = resolve(submit_web_request(client, email="jiny@example.cz"), world.alice)
    Request.objects.filter(pk=other.pk).update(merged_into=resolved_request)
    assert run_job() == 2
    assert RatingInvitation.objects.get(request=other).skip_reason == SkipReason.MERGED


def test_two_workers_never_both_send_one_invitation(world, invitation):
    with clock.travel(clock.now() + dt.timedelta(minutes=61)):
        first = services.invitation_send(invitation_id=invitation.pk)
        second = services.invitation_send(invitation_id=invitation.pk)
    assert first is not None and first.state == InvitationState.SENT
    assert second is None
    assert Interaction.objects.filter(request=invitation.request, is_automatic=True).count() == 1
