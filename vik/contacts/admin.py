from django.contrib import admin

from vik.audit.admin import AuditedModelAdmin

from .models import Contact, Identity


class IdentityInline(admin.TabularInline[Identity, Contact]):
    model = Identity
    extra = 0
    fields = ["kind", "value"]


@admin.register(Contact)
class ContactAdmin(AuditedModelAdmin[Contact]):
    list_display = ["__str__", "kind", "requester_type", "region", "created_at"]
    list_filter = ["region", "kind", "requester_type"]
    search_fields = ["name", "identities__value"]
    inlines = [IdentityInline]
    raw_id_fields = ["merged_into"]
