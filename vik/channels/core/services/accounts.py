"""Telling the people responsible for a channel account that it stopped working."""

from __future__ import annotations

import logging

from django.core.mail import send_mail

from vik.tenancy.choices import Role
from vik.tenancy.models import Membership

from ..models import ChannelAccount

log = logging.getLogger(__name__)


def account_failure_notify(*, account: ChannelAccount, problem: str) -> int:
    """Tell the people responsible for a channel account that it stopped working: the leads of
    its centre, else the region's coordinators. Returns how many were told.

    Until workspace notifications exist (routing issue), this is an e-mail.
    """
    if account.centre_id:
        people = Membership.objects.filter(centre_id=account.centre_id, role=Role.CENTRE_LEAD)
    else:
        people = Membership.objects.filter(
            region_id=account.region_id, centre__isnull=True, role=Role.REGION_COORDINATOR
        )
    addresses = sorted({m.user.email for m in people.select_related("user") if m.user.email})
    if not addresses:
        log.warning("channel account %s fails and nobody is there to tell: %s", account, problem)
        return 0
    send_mail(
        subject=f"VIK: {account.name} does not work",
        message=(
            f"The channel account {account.name} has failed several times in a row:\n\n"
            f"{problem}\n\nVIK keeps trying by itself; messages wait on the server and none is "
            f"lost. Check the account's settings or the server. Its state is in /healthz."
        ),
        from_email=None,
        recipient_list=addresses,
        fail_silently=True,
    )
    return len(addresses)
