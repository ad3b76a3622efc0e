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


# What the rule list calls each condition (keys of `RoutingRule.conditions`).
CONDITION_LABELS = {
    "topics": _("topic"),
    "municipalities": _("municipality"),
    "orps": _("ORP"),
    "accounts": _("channel account"),
    "channels": _("channel"),
    "kinds": _("request kind"),
    "languages": _("language"),
    "keywords": _("keywords"),
    "requester_types": _("requester type"),
}
