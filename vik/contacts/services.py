"""Writing contacts: find-or-create by identity, add identities, merge two contacts."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction

from vik.audit.services import audit_record
from vik.core.errors import PermissionDenied, ValidationFailed
from vik.tenancy import permissions
from vik.territory.models import Region

from .choices import ContactKind, RequesterType
from .identities import normalise
from .models import Contact, Identity

if TYPE_CHECKING:
    from vik.tenancy.types import StaffUser


def contact_resolve(
    *,
    region: Region,
    identities: Iterable[tuple[str, str]],
    name: str = "",
    requester_type: str = RequesterType.CITIZEN,
) -> Contact:
    """The contact that owns any of `identities` in `region`, or a new one.

    Identities must already be normalised. Unknown identities are added to the found contact.
    Safe against two workers resolving the same new sender at once: the unique constraint
    decides, and the loser re-reads.
    """
    pairs = list(dict.fromkeys(identities))
    for _attempt in range(3):
        try:
            with transaction.atomic():
                return _resolve_once(region, pairs, name, requester_type)
        except IntegrityError:
            continue
    return _resolve_once(region, pairs, name, requester_type)


def _resolve_once(
    region: Region, pairs: list[tuple[str, str]], name: str, requester_type: str
) -> Contact:
    existing = {
        (i.kind, i.value): i
        for i in Identity.objects.filter(region=region, kind__in={k for k, _ in pairs}).filter(
            value__in=[v for _, v in pairs]
        )
        if (i.kind, i.value) in pairs
    }
    contact: Contact | None = None
    for pair in pairs:  # the first identity given wins: the address the message came from
        if pair in existing:
            contact = existing[pair].contact
            break
    if contact is None:
        kind = (
            ContactKind.PERSON
            if requester_type == RequesterType.CITIZEN
            else ContactKind.ORGANISATION
        )
        contact = Contact.objects.create(
            region=region, name=name.strip(), requester_type=requester_type, kind=kind
        )
        contact.just_created = True
    elif name and not contact.name:
        contact.name = name.strip()
        contact.save(update_fields=["name", "updated_at"])
    Identity.objects.bulk_create(
        Identity(contact=contact, region=region, kind=identity_kind, value=value)
        for identity_kind, value in pairs
        if (identity_kind, value) not in existing
    )
    return contact


@dataclass(frozen=True)
class Sender:
    """Who sent one message of a batch: normalised identities, first the one it came from."""

    identities: tuple[tuple[str, str], ...]
    name: str = ""
    requester_type: str = RequesterType.CITIZEN


def contact_resolve_many(*, region: Region, senders: Sequence[Sender]) -> list[Contact]:
    """`contact_resolve` for a batch of messages, in order, with a handful of queries.

    The outcome is the same as resolving one sender after the other: the first known identity
    wins, a new sender becomes a new contact (two messages of one new sender in a batch share
    it), unknown identities join the contact. Precondition: inside a transaction; if another
    worker inserts one of the identities meanwhile, this raises IntegrityError and the caller
    processes the batch one message at a time instead.
    """
    wanted = {pair for sender in senders for pair in sender.identities}
    owner: dict[tuple[str, str], Contact] = {}
    if wanted:
        for identity in Identity.objects.filter(
            region=region,
            kind__in={kind for kind, _value in wanted},
            value__in={value for _kind, value in wanted},
        ).select_related("contact"):
            if (identity.kind, identity.value) in wanted:
                owner[(identity.kind, identity.value)] = identity.contact
    resolved: list[Contact] = []
    new_contacts: list[Contact] = []
    new_identities: list[tuple[Contact, str, str]] = []
    renamed: dict[int, Contact] = {}
    for sender in senders:
        pairs = list(dict.fromkeys(sender.identities))
        contact = next((owner[pair] for pair in pairs if pair in owner), None)
        if contact is None:
            kind = (
                ContactKind.PERSON
                if sender.requester_type == RequesterType.CITIZEN
                else ContactKind.ORGANISATION
            )
            contact = Contact(
                region=region, name=sender.name.strip(), requester_type=sender.requester_type,
                kind=kind,
            )  # fmt: skip
            contact.just_created = True
            new_contacts.append(contact)
        elif sender.name and not contact.name:
            contact.name = sender.name.strip()
            if contact.pk:
                renamed[contact.pk] = contact
        for pair in pairs:
            if pair not in owner:
                owner[pair] = contact
                new_identities.append((contact, *pair))
        resolved.append(contact)
    Contact.objects.bulk_create(new_contacts)
    for contact in renamed.values():
        contact.save(update_fields=["name", "updated_at"])
    Identity.objects.bulk_create(
        Identity(contact=contact, region=region, kind=kind, value=value)
        for contact, kind, value in new_identities
    )
    return resolved


def identity_add(*, contact: Contact, kind: str, raw: str, by: StaffUser) -> Identity:
    if not permissions.can_change_contact(by, contact):
        raise PermissionDenied("You may not change this contact.")
    value = normalise(kind, raw)
    owner = Identity.objects.filter(region_id=contact.region_id, kind=kind, value=value).first()
    if owner is not None and owner.contact_id != contact.pk:
        raise ValidationFailed(f"{value} already belongs to another contact; merge them instead.")
    identity, _ = Identity.objects.get_or_create(
        region_id=contact.region_id, kind=kind, value=value, defaults={"contact": contact}
    )
    audit_record(actor=by, action="contact.identity_add", target=contact, personal_data=True)
    return identity


@transaction.atomic
def contact_merge(*, source: Contact, target: Contact, by: StaffUser) -> Contact:
    """Fold `source` into `target`: its identities move, and `source` stays as a pointer
    (`merged_into`) so that old links still resolve.

    Only the contacts' own rows: what refers to a contact from above (requests, interactions)
    is moved in the same transaction by `vik.conversations.services.contacts_merge`, which is
    the merge to call.
    """
    if source.pk == target.pk:
        raise ValidationFailed("A contact cannot be merged into itself.")
    if source.region_id != target.region_id:
        raise ValidationFailed("Contacts of different regions cannot be merged.")
    if not (
        permissions.can_change_contact(by, source) and permissions.can_change_contact(by, target)
    ):
        raise PermissionDenied("You may not merge these contacts.")
    Identity.objects.filter(contact=source).update(contact=target)
    if not target.name and source.name:
        target.name = source.name
        target.save(update_fields=["name", "updated_at"])
    source.merged_into = target
    source.save(update_fields=["merged_into", "updated_at"])
    audit_record(
        actor=by,
        action="contact.merge",
        target=target,
        personal_data=True,
        details={"merged_contact": source.pk},
    )
    return target
