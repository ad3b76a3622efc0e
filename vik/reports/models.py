"""What the reports keep in the database."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from vik.territory.models import Region

# Scheduled reports --------------------------------------------------------------------------


class ScheduleFrequency(models.TextChoices):
    WEEKLY = "weekly", _("every week (on Monday)")
    MONTHLY = "monthly", _("every month (on the 1st)")


class ScheduleFormat(models.TextChoices):
    PDF = "pdf", "PDF"
    XLSX = "xlsx", "XLSX (Excel)"
    CSV = "csv", "CSV"


class ReportSchedule(models.Model):
    """A report e-mailed on a schedule to its owner (and, when a coordinator asks, to each lead
    of the chosen centres, each under their own permissions at the time of sending).

    `filters` holds the report form's parameters with a period preset ("last_month"), never
    fixed dates, so each e-mail covers the period before it."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="report_schedules"
    )
    report_slug = models.CharField(_("report"), max_length=64)
    region = models.ForeignKey(Region, on_delete=models.CASCADE, related_name="+")
    filters = models.JSONField(default=dict, blank=True)
    file_format = models.CharField(
        _("format"), max_length=8, choices=ScheduleFormat.choices, default=ScheduleFormat.PDF
    )
    frequency = models.CharField(
        _("frequency"), max_length=16, choices=ScheduleFrequency.choices,
        default=ScheduleFrequency.MONTHLY,
    )  # fmt: skip
    to_centre_leads = models.BooleanField(_("also to each centre lead"), default=False)
    next_run_at = models.DateTimeField(_("next sending"), db_index=True)
    last_sent_at = models.DateTimeField(_("last sent"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["report_slug", "pk"]
        verbose_name = _("scheduled report")
        verbose_name_plural = _("scheduled reports")

    def __str__(self) -> str:
        return f"{self.report_slug} ({self.frequency})"
