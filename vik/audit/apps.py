from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "vik.audit"
    label = "audit"
    verbose_name = "Audit log"
