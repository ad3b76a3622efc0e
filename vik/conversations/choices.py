from django.db import models
from django.utils.translation import gettext_lazy as _

# The request vocabulary lives with the network's taxonomy, below routing and SLA.
from vik.topics.choices import Priority, RequestKind, Status

__all__ = [
    "AccessReason",
    "Direction",
    "EventKind",
    "ExtensionReason",
    "Priority",
    "RequestKind",
    "Status",
    "Visibility",
]


class Direction(models.TextChoices):
    INBOUND = "inbound", _("from the citizen")
    OUTBOUND = "outbound", _("to the citizen")
    INTERNAL = "internal", _("internal note")


class Visibility(models.TextChoices):
    PUBLIC = "public", _("public")
    INTERNAL = "internal", _("internal")


class EventKind(models.TextChoices):
    CREATED = "created", _("request created")
    STATUS_CHANGED = "status_changed", _("status changed")
    ASSIGNED = "assigned", _("assignee changed")
    CENTRE_CHANGED = "centre_changed", _("centre changed")
    TOPIC_CHANGED = "topic_changed", _("topic changed")
    REPLIED = "replied", _("reply sent")
    NOTE_ADDED = "note_added", _("internal note added")
    CITIZEN_WROTE = "citizen_wrote", _("citizen wrote")
    DELIVERY_FAILED = "delivery_failed", _("delivery failed")
    REOPENED = "reopened", _("reopened")
    ROUTED = "routed", _("routed")
    PRIORITY_CHANGED = "priority_changed", _("priority changed")
    TAGS_CHANGED = "tags_changed", _("tags changed")
    QUEUE_CHANGED = "queue_changed", _("queue changed")
    TRANSFERRED = "transferred", _("transferred to another centre")
    CONSULTATION_ASKED = "consultation_asked", _("consultation asked")
    CONSULTATION_ANSWERED = "consultation_answered", _("consultation answered")
    MERGED = "merged", _("merged")
    SPLIT = "split", _("split")
    SLA_PAUSED = "sla_paused", _("service level clock paused")
    SLA_RESUMED = "sla_resumed", _("service level clock resumed")
    SLA_WARNING = "sla_warning", _("deadline near")
    SLA_BREACHED = "sla_breached", _("deadline missed")
    ESCALATED = "escalated", _("escalated")
    STATUTORY_EXTENDED = "statutory_extended", _("statutory deadline extended")
    RATED = "rated", _("citizen rated the handling")
    MUNICIPALITY_CHANGED = "municipality_changed", _("municipality changed")


class ExtensionReason(models.TextChoices):
    """The only reasons for extending an information request's deadline (Act 106/1999 Sb.,
    § 14(7)); the labels are the law's words."""

    OTHER_OFFICES = (
        "other_offices",
        _(
            "searching for and collecting the requested information in other offices "
            "separate from the office handling the request"
        ),
    )
    VOLUMINOUS = (
        "voluminous",
        _(
            "searching for and collecting a voluminous amount of separate and different "
            "information requested in one request"
        ),
    )
    CONSULTATION = (
        "consultation",
        _(
            "consultation with another obligated subject with a substantial interest in the "
            "decision on the request, or between two or more parts of the obligated subject "
            "with a substantial interest in the subject of the request"
        ),
    )


class AccessReason(models.TextChoices):
    TRANSFER = "transfer", _("transferred to another centre")
    CONSULTATION = "consultation", _("consulted")
