from django.db import models
from django.utils.translation import gettext_lazy as _


class Attendance(models.TextChoices):
    INVITED = "invited", _("not marked yet")
    ATTENDED = "attended", _("attended")
    ABSENT = "absent", _("absent")
    EXCUSED = "excused", _("excused")
