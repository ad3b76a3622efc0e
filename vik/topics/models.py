"""The shared hierarchical taxonomy of kinds of information the network provides."""

from __future__ import annotations

from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


class Topic(models.Model):
    slug = models.SlugField(max_length=80, unique=True)
    name_cs = models.CharField(_("name (Czech)"), max_length=150)
    name_en = models.CharField(_("name (English)"), max_length=150, blank=True)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    position = models.PositiveIntegerField(default=0)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["position", "name_cs"]
        verbose_name = _("topic")
        verbose_name_plural = _("topics")

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        if (get_language() or "cs").startswith("en") and self.name_en:
            return self.name_en
        return self.name_cs

    @property
    def path(self) -> str:
        return f"{self.parent.name} › {self.name}" if self.parent else self.name
