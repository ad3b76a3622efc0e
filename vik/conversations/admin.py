from django.contrib import admin

from vik.audit.admin import AuditedModelAdmin

from .models import Request, Tag


@admin.register(Request)
class RequestAdmin(AuditedModelAdmin[Request]):
    list_display = ["reference", "subject", "status", "centre", "origin_channel", "created_at"]
    list_filter = ["region", "status", "origin_channel", "kind"]
    search_fields = ["reference", "subject"]
    raw_id_fields = ["requester", "municipality", "follow_up_of", "assignee"]
    readonly_fields = ["reference", "public_token", "origin_channel", "origin_account"]
    list_select_related = ["centre"]


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin[Tag]):
    list_display = ["name", "region"]
