"""`manage.py bench_queue --maildir DIR`: the one queue the benchmark imports into.

A queue that takes e-mail (`allow_email_submission`) from a local mail directory
(`email_box_type="local"`): `manage.py get_email` then reads every file in DIR, makes a ticket
or a follow-up of each, and deletes the files it processed.
"""

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from helpdesk.models import Queue


class Command(BaseCommand):
    help = "Create the benchmark's queue reading a local mail directory."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--maildir", required=True)
        parser.add_argument("--slug", default="vys")

    def handle(self, *args: Any, **options: Any) -> None:
        Queue.objects.all().delete()
        queue = Queue.objects.create(
            title="Podatelna MěÚ Jihlava",
            slug=options["slug"],
            email_address="podatelna@jihlava-city.cz",
            allow_email_submission=True,
            email_box_type="local",
            email_box_local_dir=options["maildir"],
            email_box_interval=0,
            logging_type="none",
        )
        self.stdout.write(f"queue {queue.pk} {queue.slug} reads {queue.email_box_local_dir}")
