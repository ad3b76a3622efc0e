"""`vik phone rotate-token --account NAME`: a new CTI token for a phone account; prints the
webhook URL to give the phone system. The old token stops working at once in this process, and
within `VIK_CONFIG_MEMO_SECONDS` in the running servers."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from vik.channels.core.choices import ChannelKind
from vik.channels.core.models import ChannelAccount

from ...services import cti_token_rotate


class Command(BaseCommand):
    help = "Phone line tools: `rotate-token --account NAME` makes a new CTI webhook token."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        rotate = sub.add_parser("rotate-token", help="a new token for a phone account")
        rotate.add_argument("--account", required=True, help="the phone account's name")

    def handle(self, *args: Any, **options: Any) -> None:
        account = ChannelAccount.objects.filter(
            name=options["account"], kind=ChannelKind.PHONE
        ).first()
        if account is None:
            raise CommandError(f"No phone account is named {options['account']!r}.")
        token = cti_token_rotate(account=account, by=None)
        self.stdout.write(
            "The phone system posts its events to (keep it secret; shown only now):\n"
            f"{settings.SITE_URL.rstrip('/')}/api/v1/cti/{token}"
        )
