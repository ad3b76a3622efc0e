from django.db import models
from django.utils.translation import gettext_lazy as _


class OfficeKind(models.TextChoices):
    REGIONAL_AUTHORITY = "regional_authority", _("regional authority")
    MUNICIPAL_OFFICE = "municipal_office", _("municipal office")


class Role(models.TextChoices):
    AGENT = "agent", _("agent")
    CENTRE_LEAD = "centre_lead", _("centre lead")
    KNOWLEDGE_EDITOR = "knowledge_editor", _("knowledge editor")
    REGION_COORDINATOR = "region_coordinator", _("region coordinator")
    ANALYST = "analyst", _("analyst")
    ADMINISTRATOR = "administrator", _("administrator")
    # The data-protection officer (GDPR art. 37): sees who read a person's data, exports and
    # anonymises it; reads no request queue.
    DATA_PROTECTION_OFFICER = "data_protection_officer", _("data protection officer")


# Roles held for one information centre; the others are held for a whole region.
CENTRE_ROLES = frozenset({Role.AGENT, Role.CENTRE_LEAD, Role.KNOWLEDGE_EDITOR})
REGION_ROLES = frozenset(
    {Role.REGION_COORDINATOR, Role.ANALYST, Role.ADMINISTRATOR, Role.DATA_PROTECTION_OFFICER}
)


class Audience(models.TextChoices):
    """Who a piece of content (a knowledge article) is for, in the terms of who may read it:
    anybody, the members of its scope, or also the region-wide overseers (coordinators,
    administrators, analysts). Tenancy owns it because the read rule is a permission check
    (`permissions.articles_readable`); `vik.knowledge.choices` re-exports it."""

    PUBLIC = "public", _("public")
    STAFF = "staff", _("staff")
    COORDINATORS = "coordinators", _("coordinators")


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")
    SATURDAY = 5, _("Saturday")
    SUNDAY = 6, _("Sunday")


class AssignmentPolicy(models.TextChoices):
    MANUAL = "manual", _("manual")
    ROUND_ROBIN = "round_robin", _("round robin among agents on duty")
    LEAST_LOAD = "least_load", _("least open load")
