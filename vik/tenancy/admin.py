from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from vik.audit.admin import ConfigurationAuditedAdmin

from .models import (
    Competence,
    InformationCentre,
    Membership,
    Office,
    OpeningHours,
    PortalIdentity,
    User,
)


class MembershipInline(admin.TabularInline[Membership, User]):
    model = Membership
    extra = 0
    fields = ["role", "region", "centre"]


@admin.register(User)
class UserAdmin(ConfigurationAuditedAdmin[User], BaseUserAdmin[User]):
    inlines = [MembershipInline]

    def audit_region(self, obj: User) -> int | None:
        return obj.memberships.order_by("pk").values_list("region_id", flat=True).first()

    def audit_centre(self, obj: User) -> int | None:
        return None


@admin.register(Office)
class OfficeAdmin(admin.ModelAdmin[Office]):
    list_display = ["name", "kind", "region", "ico"]
    list_filter = ["region", "kind"]
    search_fields = ["name", "ico"]
    raw_id_fields = ["municipality"]


class OpeningHoursInline(admin.TabularInline[OpeningHours, InformationCentre]):
    model = OpeningHours
    extra = 0


class CompetenceInline(admin.TabularInline[Competence, InformationCentre]):
    model = Competence
    extra = 0
    raw_id_fields = ["orp", "municipality"]


@admin.register(InformationCentre)
class InformationCentreAdmin(ConfigurationAuditedAdmin[InformationCentre]):
    list_display = ["name", "office", "region", "is_regional", "is_active"]
    list_filter = ["region", "is_regional", "is_active"]
    search_fields = ["name"]
    inlines = [OpeningHoursInline, CompetenceInline]
    exclude = ["region"]

    def audit_centre(self, obj: InformationCentre) -> int | None:
        return obj.pk


@admin.register(Membership)
class MembershipAdmin(ConfigurationAuditedAdmin[Membership]):
    list_display = ["user", "role", "region", "centre"]
    list_filter = ["role", "region"]
    search_fields = ["user__username", "user__last_name"]


@admin.register(PortalIdentity)
class PortalIdentityAdmin(admin.ModelAdmin[PortalIdentity]):
    list_display = ["name", "region", "colour", "updated_at"]
    fieldsets = [
        (None, {"fields": ["region", "name", "address", "ico", "web", "logo", "colour"]}),
        (
            _("Contacts"),
            {"fields": ["contact_email", "contact_phone", "data_protection_officer"]},
        ),
        (
            _("Legal pages"),
            {"fields": ["accessibility_statement", "accessibility_prepared_on", "privacy_notice"]},
        ),
    ]
