"""`vik mfa reset USERNAME`: take a user's second factor away from the server's console, for
when no administrator can sign in any more (the only one lost the phone and the codes)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from vik.mfa.services import second_factor_reset
from vik.tenancy.models import User


class Command(BaseCommand):
    help = "The second factor of staff sign-in: `reset USERNAME` removes the user's app and codes."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        reset = sub.add_parser("reset", help="remove the user's authenticator app and codes")
        reset.add_argument("username")

    def handle(self, *args: Any, **options: Any) -> None:
        user = User.objects.filter(username=options["username"]).first()
        if user is None:
            raise CommandError(f"no user {options['username']!r}")
        second_factor_reset(user=user, by=None, request=None)
        self.stdout.write(
            f"{user.get_username()}: second factor reset; they set it up again at the next "
            "sign-in if their role requires it"
        )
