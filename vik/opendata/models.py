"""The published statistics of a region: one snapshot a day, already aggregated and suppressed,
from which /statistiky/, its CSV files and the catalogue record are served."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from vik.territory.models import Region


class Snapshot(models.Model):
    region = models.ForeignKey(Region, on_delete=models.CASCADE, related_name="+")
    # The Prague day it was computed for: at most one per region and day.
    date = models.DateField(_("date"))
    # What is published, nothing more: counts under VIK_OPENDATA_MIN_CELL are already null.
    payload = models.JSONField(_("data"))
    generated_at = models.DateTimeField(_("generated"))

    class Meta:
        verbose_name = _("statistics snapshot")
        verbose_name_plural = _("statistics snapshots")
        constraints = [
            models.UniqueConstraint(fields=["region", "date"], name="opendata_snapshot_day")
        ]
        indexes = [models.Index(fields=["region", "-date"], name="opendata_snapshot_latest")]

    def __str__(self) -> str:
        return f"{self.region_id} {self.date}"
