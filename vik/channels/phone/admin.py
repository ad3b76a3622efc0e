from django.contrib import admin

from .models import BlockedNumber, StaffPhone


@admin.register(StaffPhone)
class StaffPhoneAdmin(admin.ModelAdmin[StaffPhone]):
    """The numbers, extensions and PBX user names under which the PBX names staff."""

    list_display = ["number", "user"]
    search_fields = ["number", "user__username", "user__last_name"]
    raw_id_fields = ["user"]


@admin.register(BlockedNumber)
class BlockedNumberAdmin(admin.ModelAdmin[BlockedNumber]):
    list_display = ["number", "region", "note", "created_at"]
    list_filter = ["region"]
    search_fields = ["number", "note"]
