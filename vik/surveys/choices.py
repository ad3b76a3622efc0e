from django.db import models
from django.utils.translation import gettext_lazy as _


class QuestionKind(models.TextChoices):
    SCALE = "scale", _("scale 1–5")
    SINGLE = "single", _("single choice")
    MULTIPLE = "multiple", _("multiple choice")
    TEXT = "text", _("free text")


class SurveyPurpose(models.TextChoices):
    STAFF = "staff", _("staff satisfaction")
    TRAINING_FEEDBACK = "training_feedback", _("feedback on a training")


SCALE_VALUES = (1, 2, 3, 4, 5)
