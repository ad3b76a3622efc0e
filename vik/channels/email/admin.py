from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from vik.channels.core.admin import ChannelAccountAdmin
from vik.channels.core.models import ChannelAccount

from .models import MailboxState


class MailboxStateInline(admin.TabularInline[MailboxState, ChannelAccount]):
    """Where the account's mailbox was read up to, and whether polling fails (and why)."""

    model = MailboxState
    extra = 0
    can_delete = False
    fields = (
        "folder", "last_success_at", "last_attempt_at", "consecutive_failures", "last_error",
        "uidvalidity", "last_uid",
    )  # fmt: skip
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


ChannelAccountAdmin.inlines = [*ChannelAccountAdmin.inlines, MailboxStateInline]
