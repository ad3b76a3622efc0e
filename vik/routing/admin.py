from django.contrib import admin

from vik.audit.admin import ConfigurationAuditedAdmin

from .models import AssignmentState, Queue, RoutingRule


@admin.register(RoutingRule)
class RoutingRuleAdmin(ConfigurationAuditedAdmin[RoutingRule]):
    list_display = ["name", "region", "position", "is_active", "stops", "updated_at"]
    list_filter = ["region", "is_active"]
    search_fields = ["name"]
    raw_id_fields = ["changed_by"]


@admin.register(Queue)
class QueueAdmin(ConfigurationAuditedAdmin[Queue]):
    list_display = ["name", "centre"]
    list_filter = ["centre__region"]
    search_fields = ["name", "centre__name"]

    def audit_region(self, obj: Queue) -> int | None:
        return obj.centre.region_id


@admin.register(AssignmentState)
class AssignmentStateAdmin(admin.ModelAdmin[AssignmentState]):
    list_display = ["centre", "user", "turn", "last_assigned_at"]
    list_filter = ["centre__region"]
    raw_id_fields = ["user"]
