from django.db import models
from django.utils.translation import gettext_lazy as _


class InvitationState(models.TextChoices):
    # Waiting for the request to be resolved long enough (VIK_CSAT_DELAY_MINUTES).
    PENDING = "pending", _("waiting")
    SENT = "sent", _("sent")
    # Offered on the tracking page only: no address the citizen could be asked at.
    TRACKING_ONLY = "tracking_only", _("on the tracking page only")
    SKIPPED = "skipped", _("not asked")


class SkipReason(models.TextChoices):
    ALREADY_RATED = "already_rated", _("already rated")
    RECENTLY_ASKED = "recently_asked", _("the person was asked recently")
    MERGED = "merged", _("merged into another request")
    ANONYMISED = "anonymised", _("the contact is anonymised")
    DISABLED = "disabled", _("ratings are switched off")
