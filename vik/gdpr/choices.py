from django.db import models
from django.utils.translation import gettext_lazy as _


class ErasureReason(models.TextChoices):
    # The person asked (Art. 17 GDPR): the data-protection officer or `vik gdpr anonymise`.
    SUBJECT_REQUEST = "subject_request", _("erasure on request")
    # The retention period of closed requests passed (`vik gdpr retention`).
    RETENTION = "retention", _("retention period passed")


class RetentionKind(models.TextChoices):
    PAYLOADS = "payloads", _("raw payloads")
    ATTACHMENTS = "attachments", _("attachments")
    CLOSED_REQUESTS = "closed_requests", _("closed requests")
    AUDIT_EVENTS = "audit_events", _("audit events")
