"""Routing rules of a region and the queues of a centre."""

from __future__ import annotations

from django.conf import settings
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
    validated) in `vik.routing.services`.
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
