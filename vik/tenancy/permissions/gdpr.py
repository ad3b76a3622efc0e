"""The GDPR tasks on a contact (a ZIP of everything held about the person, their erasure): the
data-protection officer of the contact's region, and no one else.

Kept apart from `contacts.py` on purpose: these are not "who works this contact" but the DPO's
own duties (Art. 38, 39 GDPR), which no other role has, not even a superuser in the browser
(`vik gdpr` on the command line is the operator's way)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Q

from ..choices import Role
from .scoping import scope_for

if TYPE_CHECKING:
    from vik.contacts.models import Contact

    from ..types import Viewer

GDPR_REGION_ROLES = {Role.DATA_PROTECTION_OFFICER}


def contacts_gdpr_visible(user: Viewer) -> Q:
    """The filter on contacts.Contact: the contacts of the regions where the user is the DPO
    (to open their page, which offers the export and the erasure)."""
    regions = scope_for(user).regions_with(GDPR_REGION_ROLES)
    if not regions:
        return Q(pk__in=[])
    return Q(region_id__in=sorted(regions))


def contact_gdpr_allowed(user: Viewer, contact: Contact) -> bool:
    """May the user export or anonymise this contact: the DPO of the contact's region."""
    held = scope_for(user).region_roles.get(contact.region_id, frozenset())
    return bool(held & GDPR_REGION_ROLES)
