from django.contrib import admin

from vik.audit.admin import AuditedModelAdmin, ConfigurationAuditedAdmin

from .models import ChannelAccount, InboundPayload, OutboundMessage


@admin.register(ChannelAccount)
class ChannelAccountAdmin(ConfigurationAuditedAdmin[ChannelAccount]):
    list_display = ["name", "kind", "region", "centre", "is_active"]
    list_filter = ["kind", "region", "is_active"]


@admin.register(InboundPayload)
class InboundPayloadAdmin(AuditedModelAdmin[InboundPayload]):
    list_display = ["id", "account", "state", "attempts", "received_at", "quarantine_reason"]
    list_filter = ["state", "account"]
    readonly_fields = [f.name for f in InboundPayload._meta.fields]

    def audit_region(self, obj: InboundPayload) -> int | None:
        return obj.account.region_id


@admin.register(OutboundMessage)
class OutboundMessageAdmin(AuditedModelAdmin[OutboundMessage]):
    list_display = ["id", "recipient", "state", "attempts", "sent_at", "last_error"]
    list_filter = ["state", "account"]
    readonly_fields = [f.name for f in OutboundMessage._meta.fields]

    def audit_region(self, obj: OutboundMessage) -> int | None:
        return obj.account.region_id
