"""Merging two contacts with everything of theirs that conversations keeps."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction

from vik.contacts.models import Contact
from vik.contacts.services import contact_merge

from ..models import Interaction, Request

if TYPE_CHECKING:
    from vik.tenancy.types import StaffUser


@transaction.atomic
def contacts_merge(*, source: Contact, target: Contact, by: StaffUser) -> Contact:
    """Fold `source` into `target`: identities, requests and interactions move; nothing is lost.

    `contacts.services.contact_merge` checks the merge and moves the contact's own rows (and
    leaves `source` as a pointer, `merged_into`, so that old links still resolve); the requests
    and interactions follow in the same transaction.
    """
    contact_merge(source=source, target=target, by=by)
    Request.objects.filter(requester=source).update(requester=target)
    Interaction.objects.filter(contact=source).update(contact=target)
    return target
