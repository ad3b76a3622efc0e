"""Service level policies: how quickly a centre answers and resolves, and what happens late."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from vik.core.models import TimeStampedModel
from vik.tenancy.models import InformationCentre
from vik.topics.choices import RequestKind


class SlaPolicy(TimeStampedModel):
    """A centre's targets for one kind of request (blank: every kind without its own policy).

    The minutes are working minutes: the centre's opening hours minus public holidays
    (`vik.sla.calendar`).
    """

    centre = models.ForeignKey(
        InformationCentre, on_delete=models.CASCADE, related_name="sla_policies"
    )
    kind = models.CharField(
        _("kind of request"),
        max_length=32,
        choices=RequestKind.choices,
        blank=True,
        help_text=_("Empty: every kind of request that has no policy of its own."),
    )
    first_response_minutes = models.PositiveIntegerField(
        _("first response within (working minutes)")
    )
    resolution_minutes = models.PositiveIntegerField(_("resolution within (working minutes)"))
    warn_before_minutes = models.PositiveIntegerField(
        _("warn before the deadline (minutes)"), default=60
    )
    notify_lead = models.BooleanField(_("notify the centre leads when missed"), default=True)
    raise_priority = models.BooleanField(_("raise the priority when missed"), default=False)
    escalate_to_queue = models.ForeignKey(
        "routing.Queue",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("move to queue when missed"),
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["centre", "kind"]
        verbose_name = _("service level policy")
        verbose_name_plural = _("service level policies")
        constraints = [models.UniqueConstraint(fields=["centre", "kind"], name="sla_policy_unique")]

    def __str__(self) -> str:
        return f"{self.centre}: {self.get_kind_display() or _('every kind')}"
