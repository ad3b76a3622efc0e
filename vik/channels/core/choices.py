from django.db import models
from django.utils.translation import gettext_lazy as _


class ChannelKind(models.TextChoices):
    WEB = "web", _("web form")
    EMAIL = "email", _("e-mail")
    PHONE = "phone", _("phone")
    FAX = "fax", _("fax")
    SMS = "sms", _("SMS")
    CHAT = "chat", _("chat")
    DATABOX = "databox", _("data box")
    COUNTER = "counter", _("counter")
    LETTER = "letter", _("letter")
    INTERNAL = "internal", _("internal")


class PayloadState(models.TextChoices):
    PENDING = "pending", _("pending")
    PROCESSED = "processed", _("processed")
    QUARANTINED = "quarantined", _("quarantined")
    IGNORED = "ignored", _("ignored (noise)")
    # Scored as spam (vik.abuse.guard): kept, waiting in the spam review queue until a lead
    # releases it (then it is processed as any other) or discards it.
    HELD = "held", _("held as likely spam")


class OutboundState(models.TextChoices):
    QUEUED = "queued", _("queued")
    SENDING = "sending", _("sending")
    SENT = "sent", _("sent")
    FAILED = "failed", _("failed permanently")
