"""People and organisations, and the identities (addresses, numbers) they reach us by."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from vik.core.models import TimeStampedModel
from vik.territory.models import Region

from .choices import ContactKind, IdentityKind, RequesterType


class Contact(TimeStampedModel):
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="contacts")
    kind = models.CharField(
        _("kind"), max_length=16, choices=ContactKind.choices, default=ContactKind.PERSON
    )
    requester_type = models.CharField(
        _("requester type"),
        max_length=16,
        choices=RequesterType.choices,
        default=RequesterType.CITIZEN,
    )
    name = models.CharField(_("name"), max_length=200, blank=True)
    note = models.TextField(_("note"), blank=True)
    # Set by `contact_resolve` on a contact it has just created (not stored): nothing of the
    # contact's history needs to be looked up.
    just_created = False
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="merged_from"
    )

    class Meta:
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        indexes = [models.Index(fields=["region", "name"])]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        if self.name:
            return self.name
        first = next(iter(self.identities.all()), None)
        return first.value if first else f"#{self.pk}"


class Identity(TimeStampedModel):
    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="identities")
    # Copied from the contact so that "one identity, one contact per region" is one constraint.
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("kind"), max_length=16, choices=IdentityKind.choices)
    value = models.CharField(_("value"), max_length=254)

    class Meta:
        ordering = ["kind", "value"]
        verbose_name = _("identity")
        verbose_name_plural = _("identities")
        constraints = [
            models.UniqueConstraint(
                fields=["region", "kind", "value"], name="identity_unique_in_region"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.value}"
