"""What the reports keep in the database: the rollup of request figures (one narrow fact per
request, kept up to date by `vik.reports.rollups.rollups_refresh`, see there how each change
stays exact) and the scheduled reports.

A fact holds no personal data and no foreign keys: plain integer ids of the request and of its
dimensions, so that it survives the anonymisation of the requester and the retention or
deletion of the raw request, and the figures of past years do not change when the raw data go.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from vik.territory.models import Region


class RequestFact(models.Model):
    # The request's id, not a foreign key: the fact outlives the request.
    request_id = models.BigIntegerField(primary_key=True)
    region_id = models.BigIntegerField()
    # False: merged into another request (its work counts there), so not counted at all.
    counted = models.BooleanField(default=True)
    received_at = models.DateTimeField()
    # The Prague day of `received_at`, and the Monday and the first of the month of it.
    received_on = models.DateField()
    received_week = models.DateField()
    received_month = models.DateField()
    channel = models.CharField(max_length=16)
    kind = models.CharField(max_length=32)
    # The current centre: after a transfer, where the request is answered.
    centre_id = models.BigIntegerField(null=True)
    municipality_id = models.BigIntegerField(null=True)
    orp_id = models.BigIntegerField(null=True)
    topic_id = models.BigIntegerField(null=True)
    topic_root_id = models.BigIntegerField(null=True)
    agent_id = models.BigIntegerField(null=True)
    is_open = models.BooleanField()
    is_resolved = models.BooleanField()
    # The nearest open target (`Request.due_at`) of an open request: overdue once it is past.
    due_at = models.DateTimeField(null=True)
    first_response_at = models.DateTimeField(null=True)
    first_response_due_at = models.DateTimeField(null=True)
    # Working minutes in the centre's opening hours from receipt to the first response and to
    # the last resolution.
    first_response_minutes = models.IntegerField(null=True)
    resolved_at = models.DateTimeField(null=True)
    resolution_due_at = models.DateTimeField(null=True)
    resolution_minutes = models.IntegerField(null=True)
    # Information requests (Act 106/1999): the deadline in force (extended or not), the
    # original one, whether it was extended, and the Prague day the information was provided.
    statutory_due_on = models.DateField(null=True)
    statutory_original_due_on = models.DateField(null=True)
    statutory_extended = models.BooleanField(default=False)
    provided_on = models.DateField(null=True)
    rating = models.PositiveSmallIntegerField(null=True)

    class Meta:
        indexes = [
            models.Index(fields=["region_id", "received_on"], name="fact_region_received"),
            models.Index(fields=["centre_id", "received_on"], name="fact_centre_received"),
            models.Index(
                fields=["region_id", "received_on"],
                condition=models.Q(is_open=True),
                name="fact_open",
            ),
            # The nearest future deadline of the region's facts (`vik.reports.cache`: until when
            # a built report's "overdue" and "decided" counts stand): one index probe each.
            models.Index(
                fields=["region_id", "due_at"],
                condition=models.Q(is_open=True),
                name="fact_open_due",
            ),
            models.Index(
                fields=["region_id", "first_response_due_at"],
                condition=models.Q(first_response_at__isnull=True),
                name="fact_unanswered_due",
            ),
            models.Index(
                fields=["region_id", "resolution_due_at"],
                condition=models.Q(resolved_at__isnull=True),
                name="fact_unresolved_due",
            ),
        ]

    def __str__(self) -> str:
        return f"fact {self.request_id}"


# The name of the request facts' watermark row.
REQUEST_FACTS = "request_facts"


class DailyCount(models.Model):
    """Per-day counts of the channel reports' raw tables (calls, knowledge use, personal-data
    reads) and of the workload report's (replies, resolutions), one row per Prague day and
    combination of the report's dimensions; kept by the same refresher as the request facts
    (`vik.reports.daily`, see there how they stay exact). Plain ids, no foreign keys, no
    personal data (a search text without a result, folded, as the knowledge report lists
    it)."""

    # CALLS, USAGE, DATA_ACCESS, REPLIES or RESOLVED (`vik.reports.daily`).
    source = models.CharField(max_length=16)
    day = models.DateField()
    region_id = models.BigIntegerField(null=True)
    centre_id = models.BigIntegerField(null=True)
    # The call's agent, the reader of personal data, the reply's author, the request's assignee.
    person_id = models.BigIntegerField(null=True)
    # The call's figure (offered, answered, missed, outbound), the usage kind, the audit action.
    kind = models.CharField(max_length=64)
    article_id = models.BigIntegerField(null=True)
    topic_id = models.BigIntegerField(null=True)
    # A search without a result: its (folded) text.
    label = models.CharField(max_length=200, blank=True, default="")
    n = models.IntegerField()
    # Answered calls: the sum and the number of their talk times.
    seconds_sum = models.BigIntegerField(null=True)
    seconds_count = models.IntegerField(default=0)

    class Meta:
        indexes = [
            models.Index(fields=["source", "day"], name="daily_source_day"),
            models.Index(fields=["source", "centre_id", "day"], name="daily_source_centre_day"),
        ]

    def __str__(self) -> str:
        return f"{self.source} {self.day} {self.kind}: {self.n}"


# The name of the daily counts' watermark row.
DAILY_COUNTS = "daily_counts"


class RollupWatermark(models.Model):
    """How far the refresher has read the changes: one row per rollup."""

    name = models.CharField(max_length=32, unique=True)
    changes_until = models.DateTimeField()
    # When the periodic job runs the refresher next (claimed by one worker at a time).
    next_run_at = models.DateTimeField(null=True)
    # A new random token whenever a fact was written (`facts_refresh`): the data state the
    # cached report documents are keyed by (`vik.reports.cache`). Empty: never written.
    facts_version = models.CharField(max_length=32, blank=True, default="")

    def __str__(self) -> str:
        return f"{self.name}: {self.changes_until:%Y-%m-%d %H:%M:%S}"


def facts_version() -> str:
    """The request facts' current version (`RollupWatermark.facts_version`); empty when no fact
    was ever written."""
    found = (
        RollupWatermark.objects.filter(name=REQUEST_FACTS)
        .values_list("facts_version", flat=True)
        .first()
    )
    return found or ""


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
