from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Attendance(models.TextChoices):
    INVITED = "invited", _("not marked yet")
    ATTENDED = "attended", _("attended")
    ABSENT = "absent", pgettext_lazy("training attendance", "absent")
    EXCUSED = "excused", _("excused")
