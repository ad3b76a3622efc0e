"""Who sees a contact and who changes it (merging, identities)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Q

from ..choices import Role
from .scoping import (
    VIEWING_CENTRE_ROLES,
    VIEWING_REGION_ROLES,
    WORKING_REGION_ROLES,
    scope_filter,
    scope_for,
)

if TYPE_CHECKING:
    from vik.contacts.models import Contact

    from ..types import Viewer


# The data-protection officer reads the region's contacts (to see who read their data); they
# get no request queue, and `can_change_contact` gives them no change.
CONTACT_VIEWING_REGION_ROLES = VIEWING_REGION_ROLES | {Role.DATA_PROTECTION_OFFICER}


def contacts_visible(user: Viewer) -> Q:
    """The filter on contacts.Contact: region-wide roles (and the data-protection officer) see
    the region's contacts; centre staff see the contacts of the requests they can see."""
    return scope_filter(
        user,
        region_roles=CONTACT_VIEWING_REGION_ROLES,
        centre_roles=VIEWING_CENTRE_ROLES,
        centre_field="requests__centre_id",
    )


def can_view_contact(user: Viewer, contact: Contact) -> bool:
    # The contact's own model asks: contacts sit on a floor above this one.
    return type(contact).objects.filter(contacts_visible(user), pk=contact.pk).exists()


def can_change_contact(user: Viewer, contact: Contact) -> bool:
    """Merging and editing identities: region-wide workers only, in the contact's region."""
    scope = scope_for(user)
    if scope.is_superuser:
        return True
    return bool(scope.region_roles.get(contact.region_id, frozenset()) & WORKING_REGION_ROLES)
