from django.db import models
from django.utils.translation import gettext_lazy as _


class MacroScope(models.TextChoices):
    REGION = "region", _("the whole region")
    CENTRE = "centre", _("one information centre")


class PresenceState(models.TextChoices):
    VIEWING = "viewing", _("viewing")
    REPLYING = "replying", _("replying")
