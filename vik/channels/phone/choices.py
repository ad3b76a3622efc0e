from django.db import models
from django.utils.translation import gettext_lazy as _


class CtiEvent(models.TextChoices):
    NEW_CALL = "newCall", "newCall"
    ANSWER = "answer", "answer"
    HANGUP = "hangup", "hangup"


class CallDirection(models.TextChoices):
    IN = "in", _("incoming")
    OUT = "out", _("outgoing")


class CallState(models.TextChoices):
    RINGING = "ringing", _("ringing")
    ANSWERED = "answered", _("answered")
    MISSED = "missed", _("missed")
    ENDED = "ended", _("ended")


# Zammad's hangup causes; an unanswered incoming call is missed unless it was forwarded.
HANGUP_CAUSES = frozenset(
    {"normalClearing", "busy", "cancel", "noAnswer", "congestion", "notFound", "forwarded"}
)
NOT_MISSED_CAUSES = frozenset({"forwarded"})
# What the clerk reads for a cause (never the phone system's own word).
CAUSE_LABELS = {
    "normalClearing": _("hung up"),
    "busy": _("busy"),
    "cancel": _("caller hung up before an answer"),
    "noAnswer": _("no answer"),
    "congestion": _("line congested"),
    "notFound": _("number not found"),
    "forwarded": _("forwarded"),
}


class CallBackSource(models.TextChoices):
    MISSED_CALL = "missed_call", _("missed call")
    PORTAL = "portal", _("portal form")


class CallBackState(models.TextChoices):
    OPEN = "open", _("to call back")
    REACHED = "reached", _("reached")
    GAVE_UP = "gave_up", _("not reached")
