"""The request vocabulary the network shares: kinds of request, their statuses, priorities.

Kept on this low floor because the apps that decide about requests (`vik.routing`,
`vik.sla`) sit below the one that writes them (`vik.conversations`), and
`vik.sla.models.SlaPolicy.kind` names the kinds. `vik.conversations.choices` re-exports them.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class RequestKind(models.TextChoices):
    INQUIRY = "inquiry", _("inquiry")
    INFORMATION_REQUEST = "information_request", _("information request (Act 106/1999)")
    COMPLAINT = "complaint", _("complaint")
    SUGGESTION = "suggestion", _("suggestion")
    SUPPORT_REQUEST = "support_request", _("support request")


class Status(models.TextChoices):
    NEW = "new", _("new")
    OPEN = "open", _("open")
    WAITING_CITIZEN = "waiting_citizen", _("waiting for the citizen")
    WAITING_OFFICE = "waiting_office", _("waiting for another office")
    RESOLVED = "resolved", _("resolved")
    CLOSED = "closed", _("closed")


class Priority(models.IntegerChoices):
    LOW = 1, _("low")
    NORMAL = 2, _("normal")
    HIGH = 3, _("high")
    URGENT = 4, _("urgent")
