"""The workload report's daily counts (replies, resolutions) are new sources: the daily counts'
watermark is set back, so that the refresher's next run rebuilds every day of every source
(until then the reports read the raw tables)."""

import datetime as dt

from django.db import migrations

EPOCH = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)


def rebuild_next(apps, schema_editor):  # type: ignore[no-untyped-def]
    watermark = apps.get_model("reports", "RollupWatermark")
    watermark.objects.filter(name="daily_counts").update(changes_until=EPOCH)


class Migration(migrations.Migration):
    dependencies = [("reports", "0004_dailycount")]

    operations = [migrations.RunPython(rebuild_next, migrations.RunPython.noop)]
