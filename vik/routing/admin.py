from django.contrib import admin

from .models import AssignmentState, Queue, RoutingRule


@admin.register(RoutingRule)
class RoutingRuleAdmin(admin.ModelAdmin[RoutingRule]):
    list_display = ["name", "region", "position", "is_active", "stops", "updated_at"]
    list_filter = ["region", "is_active"]
    search_fields = ["name"]
    raw_id_fields = ["changed_by"]


@admin.register(Queue)
class QueueAdmin(admin.ModelAdmin[Queue]):
    list_display = ["name", "centre"]
    list_filter = ["centre__region"]
    search_fields = ["name", "centre__name"]


@admin.register(AssignmentState)
class AssignmentStateAdmin(admin.ModelAdmin[AssignmentState]):
    list_display = ["centre", "user", "turn", "last_assigned_at"]
    list_filter = ["centre__region"]
    raw_id_fields = ["user"]
