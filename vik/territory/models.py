"""Regions (kraje), ORPs and municipalities (obce), keyed by their ČSÚ codes."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Region(models.Model):
    code = models.CharField(_("ČSÚ code"), max_length=8, unique=True)
    name = models.CharField(_("name"), max_length=100)
    abbreviation = models.CharField(_("abbreviation"), max_length=8, unique=True)
    nuts3 = models.CharField("NUTS3", max_length=8)
    ruian_code = models.CharField(_("RÚIAN code"), max_length=8)
    iso_code = models.CharField("ISO 3166-2", max_length=8)

    class Meta:
        ordering = ["name"]
        verbose_name = _("region")
        verbose_name_plural = _("regions")

    def __str__(self) -> str:
        return self.name


class Orp(models.Model):
    """Obec s rozšířenou působností: the municipality with extended powers and its area."""

    code = models.CharField(_("ČSÚ code"), max_length=8, unique=True)
    name = models.CharField(_("name"), max_length=100)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="orps")

    class Meta:
        ordering = ["name"]
        verbose_name = _("ORP")
        verbose_name_plural = _("ORPs")

    def __str__(self) -> str:
        return self.name


class Municipality(models.Model):
    code = models.CharField(_("ČSÚ code"), max_length=8, unique=True)
    name = models.CharField(_("name"), max_length=100)
    # Lower-case, without diacritics: what the chooser matches "zdar" against.
    search_name = models.CharField(max_length=100, db_index=True, editable=False)
    orp = models.ForeignKey(Orp, on_delete=models.PROTECT, related_name="municipalities")
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="municipalities")
    district_code = models.CharField(_("district code"), max_length=8)
    district_name = models.CharField(_("district"), max_length=100)
    is_active = models.BooleanField(_("in the current code list"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("municipality")
        verbose_name_plural = _("municipalities")

    def __str__(self) -> str:
        return self.name

    @property
    def label(self) -> str:
        """Name with its district: there are many 'Nová Ves', few in one district."""
        return f"{self.name} (okres {self.district_name})"
