from django.db import models
from django.utils.translation import gettext_lazy as _


class RuleAction(models.TextChoices):
    """What a matching routing rule does (keys of `RoutingRule.actions`)."""

    CENTRE = "centre", _("set centre")
    QUEUE = "queue", _("set queue")
    PRIORITY = "priority", _("set priority")
    TAGS = "tags", _("add tags")
    ASSIGNEE = "assignee", _("assign to")
    POLICY = "policy", _("assign by policy")
