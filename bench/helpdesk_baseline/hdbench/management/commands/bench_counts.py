"""`manage.py bench_counts`: what `get_email` made, as JSON (tickets, follow-ups, attachments,
ticket CCs, and which follow-up carries which Message-ID, for the threading check)."""

import json
from typing import Any

from django.core.management.base import BaseCommand
from helpdesk.models import FollowUp, FollowUpAttachment, Ticket, TicketCC


class Command(BaseCommand):
    help = "Print what the e-mail import created, as JSON."

    def handle(self, *args: Any, **options: Any) -> None:
        tickets = dict(FollowUp.objects.values_list("message_id", "ticket_id"))
        self.stdout.write(
            json.dumps(
                {
                    "tickets": Ticket.objects.count(),
                    "followups": FollowUp.objects.count(),
                    "attachments": FollowUpAttachment.objects.count(),
                    "ticket_ccs": TicketCC.objects.count(),
                    "ticket_of_message_id": {k: v for k, v in tickets.items() if k},
                }
            )
        )
