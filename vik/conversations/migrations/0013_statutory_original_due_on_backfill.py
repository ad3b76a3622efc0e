"""The information requests received before extensions existed: their statutory deadline is the
original one (none was extended)."""

from typing import Any

from django.db import migrations
from django.db.models import F


def forwards(apps: Any, schema_editor: Any) -> None:
    Request = apps.get_model("conversations", "Request")
    Request.objects.filter(
        statutory_due_on__isnull=False, statutory_original_due_on__isnull=True
    ).update(statutory_original_due_on=F("statutory_due_on"))


def backwards(apps: Any, schema_editor: Any) -> None:
    pass  # the column goes away with 0012's reverse; nothing to undo here


class Migration(migrations.Migration):
    dependencies = [
        ("conversations", "0012_request_statutory_extension"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
