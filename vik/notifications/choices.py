from django.db import models
from django.utils.translation import gettext_lazy as _


class NotificationKind(models.TextChoices):
    ASSIGNED = "assigned", _("a request was assigned to me")
    CITIZEN_REPLIED = "citizen_replied", _("the citizen replied")
    MENTION = "mention", _("I was mentioned")
    SLA_WARNING = "sla_warning", _("a deadline is near or missed")
    TRANSFER = "transfer", _("a request was transferred to my centre")
    CONSULTATION = "consultation", _("a consultation was asked or answered")
    KNOWLEDGE_REVIEW = "knowledge_review", _("an article of mine is due for review")
    SURVEY = "survey", _("a staff survey awaits my answer")
    TRAINING = "training", _("I was invited to a training")


# The kinds a new member of staff is e-mailed about until they choose otherwise.
EMAILED_BY_DEFAULT = frozenset(
    {
        NotificationKind.ASSIGNED,
        NotificationKind.MENTION,
        NotificationKind.SLA_WARNING,
        NotificationKind.SURVEY,
        NotificationKind.TRAINING,
    }
)
