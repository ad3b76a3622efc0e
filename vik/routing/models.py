"""Routing rules of a region and the queues of a centre."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from vik.core.models import TimeStampedModel
from vik.tenancy.models import InformationCentre
from vik.territory.models import Region


class Queue(models.Model):
    """A named line of work inside a centre (e.g. "Stavební dotazy", "Eskalace")."""

    centre = models.ForeignKey(InformationCentre, on_delete=models.CASCADE, related_name="queues")
    name = models.CharField(_("name"), max_length=120)

    class Meta:
        ordering = ["centre", "name"]
        verbose_name = _("queue")
        verbose_name_plural = _("queues")
        constraints = [models.UniqueConstraint(fields=["centre", "name"], name="queue_unique")]

    def __str__(self) -> str:
        return f"{self.centre} / {self.name}"


class RoutingRule(TimeStampedModel):
    """One rule of a region's ordered list: when every condition holds, the actions apply.

    `conditions` and `actions` are JSON objects whose keys and meaning are documented (and
    validated) in `vik.routing.services.validation`.
    """

    region = models.ForeignKey(Region, on_delete=models.CASCADE, related_name="routing_rules")
    position = models.PositiveIntegerField(_("order"), default=0)
    name = models.CharField(_("name"), max_length=200)
    is_active = models.BooleanField(_("active"), default=True)
    conditions = models.JSONField(_("conditions"), default=dict, blank=True)
    actions = models.JSONField(_("actions"), default=dict, blank=True)
    # Later rules are not evaluated once this one matched.
    stops = models.BooleanField(_("stop after this rule"), default=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["region", "position", "id"]
        verbose_name = _("routing rule")
        verbose_name_plural = _("routing rules")

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        from .services.validation import rule_validate  # local import: it imports these models

        if self.region_id is None:
            raise ValidationError({"region": _("Choose a region.")})
        self.conditions, self.actions = rule_validate(
            region_id=self.region_id, conditions=self.conditions, actions=self.actions
        )


class AssignmentState(models.Model):
    """Whose turn it is in a centre's round robin: the agent with the lowest `turn` (0: never
    assigned by a policy) is next; each assignment gives the agent the centre's next number."""

    centre = models.ForeignKey(
        InformationCentre, on_delete=models.CASCADE, related_name="assignment_states"
    )
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    turn = models.PositiveBigIntegerField(default=0)
    last_assigned_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("assignment state")
        verbose_name_plural = _("assignment states")
        constraints = [
            models.UniqueConstraint(fields=["centre", "user"], name="assignment_state_unique")
        ]

    def __str__(self) -> str:
        return f"{self.centre_id}/{self.user_id}: {self.turn}"
