"""A request that came by SMS is asked by SMS, through the outbox and the SMS adapter, to a real
SMPP server: one short GSM-7 message (no diacritics, one part) with the rating page's link."""

from __future__ import annotations

from vik.channels.core.choices import OutboundState
from vik.channels.core.models import OutboundMessage
from vik.channels.sms.tests.test_smpp import sms_account, sms_request  # noqa: F401 — fixture
from vik.satisfaction.choices import InvitationState
from vik.satisfaction.models import RatingInvitation

from .conftest import resolve, run_job


def test_an_sms_request_is_asked_by_one_gsm7_sms(world, sms_account, smpp_server, settings):  # noqa: F811
    request = resolve(sms_request(world, sms_account), world.alice)
    assert run_job() == 1
    invitation = RatingInvitation.objects.get()
    assert (invitation.state, invitation.channel) == (InvitationState.SENT, "sms")
    [got] = smpp_server.received()
    text = (
        f"Jak jsme vam pomohli s dotazem {request.reference}? Ohodnotte nas (1-5), zabere to "
        f"vterinu: {settings.SITE_URL}/hodnoceni/{invitation.token}/"
    )
    assert (got["destination"], got["text"], got["udh"]) == ("420777123456", text, [])
    assert got["data_coding"] != 8  # not UCS-2: one part, half the price
    delivery = OutboundMessage.objects.get(interaction=invitation.interaction)
    assert (delivery.state, delivery.recipient) == (OutboundState.SENT, "+420777123456")
    assert run_job(after_minutes=180) == 0 and len(smpp_server.received()) == 1
