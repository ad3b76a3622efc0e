from django.contrib import admin

from vik.audit.admin import ConfigurationAuditedAdmin

from .models import SlaPolicy


@admin.register(SlaPolicy)
class SlaPolicyAdmin(ConfigurationAuditedAdmin[SlaPolicy]):
    list_display = [
        "centre", "kind", "first_response_minutes", "resolution_minutes", "warn_before_minutes",
        "notify_lead", "raise_priority", "escalate_to_queue", "is_active",
    ]  # fmt: skip
    list_filter = ["is_active", "kind", "centre__region"]
    raw_id_fields = ["centre", "escalate_to_queue"]

    def audit_region(self, obj: SlaPolicy) -> int | None:
        return obj.centre.region_id
