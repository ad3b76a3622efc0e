"""Writing requests and interactions. Every channel's messages enter through `inbound_apply`."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import connection, transaction
from django.db.models import Q
from django.utils import translation
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from vik.audit.services import audit_record
from vik.channels.base import (
    InboundAttachment,
    NormalisedMessage,
    PayloadIgnored,
    PayloadRejected,
)
from vik.channels.models import ChannelAccount, InboundPayload, MessageReference
from vik.contacts.models import Contact
from vik.contacts.services import Sender, contact_resolve, contact_resolve_many
from vik.core import clock
from vik.core.db import rows_update
from vik.core.errors import PermissionDenied, ValidationFailed, VikError
from vik.core.memo import remember_all, remembered
from vik.core.text import sanitize_html
from vik.routing.services import (
    RoutingDecision,
    RoutingFacts,
    assignments_by_policy,
    request_routed,
    requests_routed,
    routing_decide,
)
from vik.sla.services import (
    request_deadlines_set,
    request_sla_on_first_response,
    request_sla_on_status,
)
from vik.tenancy import permissions
from vik.tenancy.models import InformationCentre
from vik.territory.models import Municipality, Region
from vik.topics.models import Topic

from . import events
from .choices import AccessReason, Direction, EventKind, RequestKind, Status, Visibility
from .models import (
    Attachment,
    Consultation,
    Interaction,
    ReferenceCounter,
    Request,
    RequestAccess,
    Tag,
    TimelineEvent,
    Transfer,
)
from .states import ON_CITIZEN_MESSAGE, check_transition


def reference_allocate(*, region: Region, year: int) -> str:
    """The next reference of the region for the year, e.g. VYS-2026-000123.

    Precondition: inside a transaction. One UPDATE both takes the number and locks the counter
    row until the commit, so two workers never hand out one number; a rolled-back savepoint
    gives its number back, so the numbers have no gaps.
    """
    table = ReferenceCounter._meta.db_table
    with connection.cursor() as cursor:
        for _attempt in range(2):
            cursor.execute(
                f"UPDATE {table} SET last_number = last_number + 1 "  # noqa: S608 (own table)
                "WHERE region_id = %s AND year = %s RETURNING last_number",
                [region.pk, year],
            )
            row = cursor.fetchone()
            if row is not None:
                return f"{region.abbreviation}-{year}-{row[0]:06d}"
            ReferenceCounter.objects.get_or_create(region=region, year=year)  # the year's first
    raise RuntimeError(f"no reference counter for {region} {year}")


def request_open(
    *,
    region: Region,
    requester: Contact,
    subject: str,
    channel: str,
    account: ChannelAccount | None = None,
    kind: str = RequestKind.INQUIRY,
    topic: Topic | None = None,
    municipality: Municipality | None = None,
    centre: InformationCentre | None = None,
    language: str = "cs",
    follow_up_of: Request | None = None,
    opened_at: Any = None,
    text: str = "",
) -> Request:
    """Create a request and route it: the given centre (a follow-up keeps its centre), else the
    region's routing rules, the channel account's centre, the territory's competent centre
    (`vik.routing.services.routing_decide`); then set its deadlines (`vik.sla`)."""
    opened_at = opened_at or clock.now()
    request = Request(
        region=region,
        reference=reference_allocate(region=region, year=opened_at.astimezone(clock.PRAGUE).year),
        subject=subject[:300] or "(bez předmětu)",
        kind=kind,
        topic=topic,
        municipality=municipality,
        requester=requester,
        origin_channel=channel,
        origin_account=account,
        centre=centre,
        language=language,
        follow_up_of=follow_up_of,
        last_activity_at=opened_at,
        created_at=opened_at,
    )
    decision = None
    if centre is None:
        decision = routing_decide(_routing_facts(request, account, text))
        _decision_apply(request, decision)
    request_deadlines_set(request)
    request.save(force_insert=True)
    events.created(request=request, channel=channel)
    if decision is not None:
        request_routed(request=request, decision=decision)
    return request


def _routing_facts(request: Request, account: ChannelAccount | None, text: str) -> RoutingFacts:
    return RoutingFacts(
        region=request.region, topic=request.topic, municipality=request.municipality,
        account=account, channel=request.origin_channel, kind=request.kind,
        language=request.language, subject=request.subject, text=text,
        requester_type=request.requester.requester_type,
    )  # fmt: skip


def _decision_apply(request: Request, decision: RoutingDecision) -> None:
    """The parts of a routing decision that are columns of the unsaved request."""
    request.centre = decision.centre
    request.queue = decision.queue
    if decision.priority is not None:
        request.priority = decision.priority
    if decision.assignee is not None:
        request.assignee = decision.assignee


def _known_references(region: Region, message: NormalisedMessage) -> list[MessageReference]:
    """The stored Message-IDs this message has (its own) or answers, newest first: one query
    both for "VIK's own message came back" and for threading."""
    wanted = [*message.thread.message_ids]
    if message.external_id:
        wanted.append(message.external_id)
    if not wanted:
        return []
    return list(
        MessageReference.objects.filter(region_id=region.pk, message_id__in=wanted)
        .select_related("request")
        .order_by("-created_at")
    )


def _find_thread(
    region: Region, message: NormalisedMessage, known: list[MessageReference]
) -> Request | None:
    """The request a message continues: by tracking token, then by the Message-IDs it answers,
    then by the reference in its subject."""
    hint = message.thread
    if hint.public_token:
        found = Request.objects.filter(region=region, public_token=hint.public_token).first()
        if found is None:
            raise PayloadRejected("The tracking link does not belong to any request.")
        return _merge_pointer(found)
    answered = set(hint.message_ids)
    for reference in known:
        if reference.message_id in answered:
            return reference.request
    if hint.reference:
        found = Request.objects.filter(region=region, reference=hint.reference).first()
        return _merge_pointer(found) if found is not None else None
    return None


def inbound_apply(
    *, account: ChannelAccount, payload: InboundPayload, message: NormalisedMessage
) -> Interaction:
    """Attach one normalised inbound message to its contact and request, creating them if new.

    Precondition: inside the transaction that marks `payload` processed. The interaction's
    one-to-one link to the payload makes a second application fail instead of duplicating.
    """
    region = account.region
    known = _known_references(region, message)
    if any(r.message_id == message.external_id and r.outbound_id for r in known):
        raise PayloadIgnored("VIK's own message came back")
    contact = contact_resolve(
        region=region,
        identities=message.sender_identities,
        name=message.sender_name,
        requester_type=message.requester_type,
    )
    request = _find_thread(region, message, known)
    if message.auto_reply:
        return _auto_reply_apply(account, payload, message, request, contact)
    if request is not None and request.status == Status.CLOSED and _reopens_closed(account):
        _reopen(request)
    opened = request is None or request.status == Status.CLOSED
    if request is not None and request.status == Status.CLOSED:
        request = request_open(
            region=region, requester=contact, subject=request.subject, channel=account.kind,
            account=account, kind=request.kind, topic=request.topic,
            municipality=request.municipality, centre=request.centre, follow_up_of=request,
            language=request.language, opened_at=message.occurred_at,
        )  # fmt: skip
    elif request is not None:
        _wake(request)
        events.citizen_wrote(request=request, channel=account.kind)
        _citizen_replied_notify(request)
    else:
        municipality, topic = _place_and_topic(message)
        request = request_open(
            region=region, requester=contact, subject=message.subject or message.text[:80],
            channel=account.kind, account=account, kind=message.kind, topic=topic,
            municipality=municipality, language=message.language, opened_at=message.occurred_at,
            text=message.text,
        )  # fmt: skip
    interaction = _inbound_interaction(account, payload, message, request, contact)
    interaction.save(force_insert=True)
    _store_attachments(interaction, message.attachments)
    if not opened:  # a request opened here already has last_activity_at = occurred_at
        Request.objects.filter(pk=request.pk).update(last_activity_at=message.occurred_at)
    _remember_external_id(region, message, request, interaction)
    if opened:
        from vik.channels.registry import adapter_for

        request_acknowledge(
            request=request, account=account, contact=contact,
            recipient=adapter_for(account.kind).sender_address(message),
        )  # fmt: skip
    return interaction


def _place_and_topic(message: NormalisedMessage) -> tuple[Municipality | None, Topic | None]:
    municipality = topic = None
    if code := message.municipality_code:
        municipality = remembered(
            ("municipality", code), Municipality.objects.filter(code=code).first
        )
    if topic_id := message.topic_id:
        topic = remembered(
            ("topic", topic_id), Topic.objects.filter(pk=topic_id).first, lasting=True
        )
    return municipality, topic


def _inbound_interaction(
    account: ChannelAccount,
    payload: InboundPayload,
    message: NormalisedMessage,
    request: Request,
    contact: Contact,
) -> Interaction:
    return Interaction(
        request=request,
        direction=Direction.INBOUND,
        visibility=Visibility.PUBLIC,
        channel=account.kind,
        account=account,
        contact=contact,
        subject=message.subject[:300],
        text=message.text,
        html=sanitize_html(message.html) if message.html else "",
        inbound_payload=payload,
        occurred_at=message.occurred_at,
    )


def opens_new_request(message: NormalisedMessage) -> bool:
    """Whether a message certainly starts a request of its own: it continues nothing (no
    tracking token, no Message-ID it answers, no reference in its subject) and is neither an
    auto-reply nor a delivery report. Such messages of a batch go through
    `inbound_apply_batch`."""
    hint = message.thread
    return not (
        hint.public_token
        or hint.message_ids
        or hint.reference
        or message.auto_reply
        or message.delivery_report is not None
    )


def inbound_apply_batch(
    *, account: ChannelAccount, items: Sequence[tuple[InboundPayload, NormalisedMessage]]
) -> list[Interaction]:
    """`inbound_apply` for messages that each open a new request (`opens_new_request`), set
    based: the same rows as applying them one after the other, in a handful of statements
    for the whole batch.

    Messages whose Message-ID VIK knows already (its own mail coming back, a copy) are left
    out, for `inbound_apply` to decide. Returns the interactions, one per message applied.
    Precondition: inside the transaction that marks the payloads processed; on any error the
    caller rolls back and applies the messages one by one.
    """
    from vik.channels.registry import adapter_for
    from vik.channels.services import outbound_queue_many

    region = account.region
    ids = [m.external_id for _p, m in items if m.external_id]
    if ids:
        known = set(
            MessageReference.objects.filter(region_id=region.pk, message_id__in=ids).values_list(
                "message_id", flat=True
            )
        )
        items = [(p, m) for p, m in items if not m.external_id or m.external_id not in known]
    if not items:
        return []
    contacts = contact_resolve_many(
        region=region,
        senders=[
            Sender(tuple(m.sender_identities), m.sender_name, m.requester_type) for _p, m in items
        ],
    )
    numbers = _references_allocate(
        region, [m.occurred_at.astimezone(clock.PRAGUE).year for _p, m in items]
    )
    codes = {m.municipality_code for _p, m in items if m.municipality_code}
    if codes:  # the batch's municipalities in one query, for `_place_and_topic`
        remember_all(
            {("municipality", m.code): m for m in Municipality.objects.filter(code__in=codes)}
        )
    requests: list[Request] = []
    decisions: list[RoutingDecision] = []
    for (_payload, message), contact, reference in zip(items, contacts, numbers, strict=True):
        municipality, topic = _place_and_topic(message)
        request = Request(
            region=region, reference=reference,
            subject=(message.subject or message.text[:80])[:300] or "(bez předmětu)",
            kind=message.kind, topic=topic, municipality=municipality, requester=contact,
            origin_channel=account.kind, origin_account=account,
            language=message.language, last_activity_at=message.occurred_at,
            created_at=message.occurred_at,
        )  # fmt: skip
        decision = routing_decide(_routing_facts(request, account, message.text))
        _decision_apply(request, decision)
        request_deadlines_set(request)
        requests.append(request)
        decisions.append(decision)
    assignments_by_policy(list(zip(requests, decisions, strict=True)))
    Request.objects.bulk_create(requests)
    now = clock.now()
    TimelineEvent.objects.bulk_create(
        TimelineEvent(
            request=request, kind=EventKind.CREATED, data={"channel": account.kind},
            created_at=now,
        )
        for request in requests
    )  # fmt: skip
    requests_routed(list(zip(requests, decisions, strict=True)))
    interactions = [
        _inbound_interaction(account, payload, message, request, contact)
        for (payload, message), request, contact in zip(items, requests, contacts, strict=True)
    ]
    Interaction.objects.bulk_create(interactions)
    _attachments_store(
        (interaction, message.attachments)
        for (_p, message), interaction in zip(items, interactions, strict=True)
    )
    references = []
    for (_p, message), request, interaction in zip(items, requests, interactions, strict=True):
        if message.external_id:
            references.append(
                MessageReference(
                    region_id=region.pk, message_id=message.external_id[:998], request=request,
                    interaction=interaction, channel=interaction.channel,
                )
            )  # fmt: skip
    MessageReference.objects.bulk_create(references, ignore_conflicts=True)
    adapter = adapter_for(account.kind)
    acknowledgements: list[tuple[Interaction, str]] = []
    sent: dict[int, int] = {}  # per contact, acknowledgements of the last hour so far
    for (_payload, message), request, contact in zip(items, requests, contacts, strict=True):
        recipient = _acknowledgement_recipient(account, request, adapter.sender_address(message))
        if recipient is None:
            continue
        if contact.pk not in sent:
            sent[contact.pk] = 0 if contact.just_created else _recent_acknowledgements(contact)
        if sent[contact.pk] >= settings.VIK_ACKNOWLEDGEMENTS_PER_SENDER_HOUR:
            continue
        sent[contact.pk] += 1
        acknowledgements.append((_acknowledgement(request, account, contact, now), recipient))
    Interaction.objects.bulk_create(interaction for interaction, _to in acknowledgements)
    outbound_queue_many(account=account, deliveries=acknowledgements)
    return interactions


def continues_request(message: NormalisedMessage) -> bool:
    """Whether a message may continue a request by the Message-IDs it answers or the reference
    in its subject (a citizen's reply), and is neither an auto-reply nor a delivery report.
    Such messages of a batch go through `inbound_apply_continuations`."""
    hint = message.thread
    return bool(hint.message_ids or hint.reference) and not (
        hint.public_token or message.auto_reply or message.delivery_report is not None
    )


def inbound_apply_continuations(
    *, account: ChannelAccount, items: Sequence[tuple[InboundPayload, NormalisedMessage]]
) -> list[Interaction]:
    """`inbound_apply` for messages that continue a request (`continues_request`) which is
    neither closed nor merged, set based: the same rows as applying them one after the other,
    in a handful of statements for the whole batch.

    Left out, for `inbound_apply` to decide: a message whose request is not found (it may
    answer a message of this very batch), is closed or merged, and a message whose own
    Message-ID VIK knows already (its own mail coming back, a copy). Returns the interactions,
    one per message applied. Precondition: inside the transaction that marks the payloads
    processed; on any error the caller rolls back and applies the messages one by one.
    """
    from vik.workspace.services import requests_citizen_replied_notify

    region = account.region
    wanted = {i for _p, m in items for i in (*m.thread.message_ids, m.external_id) if i}
    known = {
        ref.message_id: ref
        for ref in MessageReference.objects.filter(region_id=region.pk, message_id__in=wanted).only(
            "message_id", "request_id", "created_at"
        )
    }
    chosen: list[int | str | None] = []  # per message: its request's id, reference, or None
    for _payload, message in items:
        if message.external_id and message.external_id in known:
            chosen.append(None)
            continue
        answered = [known[i] for i in message.thread.message_ids if i in known]
        if answered:  # as `_find_thread`: the newest reference the message answers
            chosen.append(max(answered, key=lambda ref: (ref.created_at, ref.pk)).request_id)
        else:
            chosen.append(message.thread.reference or None)
    ids = {c for c in chosen if isinstance(c, int)}
    numbers = {c for c in chosen if isinstance(c, str)}
    found = list(
        Request.objects.filter(region=region)
        .filter(Q(pk__in=ids) | Q(reference__in=numbers))
        .select_related("assignee")
    )
    by_key: dict[int | str, Request] = {r.pk: r for r in found} | {r.reference: r for r in found}
    applicable: list[tuple[InboundPayload, NormalisedMessage, Request]] = []
    for (payload, message), key in zip(items, chosen, strict=True):
        request = by_key.get(key) if key is not None else None
        if request is None or request.merged_into_id or request.status == Status.CLOSED:
            continue
        applicable.append((payload, message, request))
    if not applicable:
        return []
    contacts = contact_resolve_many(
        region=region,
        senders=[
            Sender(tuple(m.sender_identities), m.sender_name, m.requester_type)
            for _p, m, _r in applicable
        ],
    )
    now = clock.now()
    woken: dict[int, Request] = {}
    for _payload, message, request in applicable:
        _wake(request)
        latest = request.last_activity_at
        request.last_activity_at = max(latest or message.occurred_at, message.occurred_at)
        woken[request.pk] = request
    TimelineEvent.objects.bulk_create(
        TimelineEvent(
            request=request, kind=EventKind.CITIZEN_WROTE, data={"channel": account.kind},
            created_at=now,
        )
        for _payload, _message, request in applicable
    )  # fmt: skip
    requests_citizen_replied_notify(requests=[request for _p, _m, request in applicable])
    interactions = [
        _inbound_interaction(account, payload, message, request, contact)
        for (payload, message, request), contact in zip(applicable, contacts, strict=True)
    ]
    Interaction.objects.bulk_create(interactions)
    _attachments_store(
        (interaction, message.attachments)
        for (_payload, message, _request), interaction in zip(applicable, interactions, strict=True)
    )
    rows_update(list(woken.values()), ["last_activity_at"])
    MessageReference.objects.bulk_create(
        [
            MessageReference(
                region_id=region.pk, message_id=message.external_id[:998], request=request,
                interaction=interaction, channel=interaction.channel,
            )
            for (_p, message, request), interaction in zip(applicable, interactions, strict=True)
            if message.external_id
        ],
        ignore_conflicts=True,
    )  # fmt: skip
    return interactions


def _references_allocate(region: Region, years: Sequence[int]) -> list[str]:
    """`reference_allocate` for several requests at once, in order: one UPDATE per year."""
    table = ReferenceCounter._meta.db_table
    taken: dict[int, int] = {}
    for year, count in Counter(years).items():
        with connection.cursor() as cursor:
            for _attempt in range(2):
                cursor.execute(
                    f"UPDATE {table} SET last_number = last_number + %s "  # noqa: S608
                    "WHERE region_id = %s AND year = %s RETURNING last_number",
                    [count, region.pk, year],
                )
                row = cursor.fetchone()
                if row is not None:
                    taken[year] = row[0] - count
                    break
                ReferenceCounter.objects.get_or_create(region=region, year=year)
            else:
                raise RuntimeError(f"no reference counter for {region} {year}")
    numbers = []
    for year in years:
        taken[year] += 1
        numbers.append(f"{region.abbreviation}-{year}-{taken[year]:06d}")
    return numbers


def request_acknowledge(
    *, request: Request, account: ChannelAccount, contact: Contact, recipient: str | None = None
) -> Interaction | None:
    """Tell the citizen we have their request: its reference and tracking link, on the channel
    it came in, if the channel acknowledges. At most a few per sender and hour, so that a loop
    with another robot dies out even if it slips past the auto-reply checks."""
    from vik.channels.services import outbound_queue

    recipient = _acknowledgement_recipient(account, request, recipient)
    if recipient is None:
        return None
    limit = settings.VIK_ACKNOWLEDGEMENTS_PER_SENDER_HOUR
    # A new contact has had no acknowledgement yet.
    if not contact.just_created and _recent_acknowledgements(contact) >= limit:
        return None
    interaction = _acknowledgement(request, account, contact, clock.now())
    interaction.save(force_insert=True)
    outbound_queue(account=account, interaction=interaction, recipient=recipient)
    return interaction


def _acknowledgement_recipient(
    account: ChannelAccount, request: Request, recipient: str | None
) -> str | None:
    """Where the acknowledgement goes (`recipient` if the message said), or None: the
    account does not acknowledge, or the channel cannot reach the citizen."""
    from vik.channels.registry import adapter_for

    adapter = adapter_for(account.kind)
    if not account.settings.get("acknowledge", adapter.acknowledges_by_default):
        return None
    return recipient or adapter.reply_recipient(request) or None


def _recent_acknowledgements(contact: Contact) -> int:
    since = clock.now() - dt.timedelta(hours=1)
    return Interaction.objects.filter(
        contact=contact, is_automatic=True, occurred_at__gte=since
    ).count()


def _acknowledgement(
    request: Request, account: ChannelAccount, contact: Contact, now: dt.datetime
) -> Interaction:
    return Interaction(
        request=request, direction=Direction.OUTBOUND, visibility=Visibility.PUBLIC,
        channel=account.kind, account=account, contact=contact, is_automatic=True,
        text=acknowledgement_text(request), occurred_at=now,
    )  # fmt: skip


def acknowledgement_text(request: Request) -> str:
    from .selectors import tracking_url

    centre = request.centre
    with translation.override(request.language or "cs"):
        english = (get_language() or "cs").startswith("en")
        template = ""
        if centre is not None:
            template = centre.acknowledgement_en if english else centre.acknowledgement_cs
        template = template or _(
            "Good day,\n\nthank you for your message. We have filed it under the number "
            "{reference}. You will find our answer, and can add to your request, at "
            "{tracking_url}"
        )
        values = {
            "reference": request.reference,
            "tracking_url": tracking_url(request),
            "centre": str(centre or ""),
        }
        try:
            return template.format(**values)
        except (KeyError, IndexError, ValueError):  # a centre's template with a typo
            return f"{request.reference}\n{values['tracking_url']}\n\n{values['centre']}"


def _remember_external_id(
    region: Region, message: NormalisedMessage, request: Request, interaction: Interaction
) -> None:
    if message.external_id:  # the first request to know a Message-ID keeps it
        MessageReference.objects.bulk_create(
            [
                MessageReference(
                    region_id=region.pk, message_id=message.external_id[:998], request=request,
                    interaction=interaction, channel=interaction.channel,
                )
            ],
            ignore_conflicts=True,
        )  # fmt: skip


def _auto_reply_apply(
    account: ChannelAccount,
    payload: InboundPayload,
    message: NormalisedMessage,
    request: Request | None,
    contact: Contact,
) -> Interaction:
    """A machine's answer (out of office, auto-acknowledgement): kept on its request as an
    internal item, never waking it and never acknowledged; with no request it is only noise."""
    if request is None:
        raise PayloadIgnored(f"auto-reply ({message.auto_reply}) to no known request")
    interaction = Interaction.objects.create(
        request=request, direction=Direction.INBOUND, visibility=Visibility.INTERNAL,
        channel=account.kind, account=account, contact=contact, subject=message.subject[:300],
        text=message.text, inbound_payload=payload, occurred_at=message.occurred_at,
    )  # fmt: skip
    _remember_external_id(account.region, message, request, interaction)
    return interaction


def _reopens_closed(account: ChannelAccount) -> bool:
    """A citizen writing to a closed request: by default a new request linked to it; an account
    can choose to reopen the old one instead ({"on_reply_to_closed": "reopen"})."""
    return account.settings.get("on_reply_to_closed", "follow_up") == "reopen"


def _reopen(request: Request) -> None:
    request.status, request.closed_at, request.resolved_at = Status.OPEN, None, None
    request.save(update_fields=["status", "closed_at", "resolved_at", "updated_at"])
    events.reopened(request=request)
    events.status_changed(request=request, old=Status.CLOSED, new=Status.OPEN, by=None)
    request_sla_on_status(request=request, old=Status.CLOSED, new=Status.OPEN)


def _citizen_replied_notify(request: Request) -> None:
    from vik.workspace.services import request_citizen_replied_notify

    request_citizen_replied_notify(request=request)


def _wake(request: Request) -> None:
    target = ON_CITIZEN_MESSAGE.get(request.status)
    if target is None:
        return
    old = request.status
    request.status = target
    request.resolved_at = None if target == Status.OPEN else request.resolved_at
    request.save(update_fields=["status", "resolved_at", "updated_at"])
    if old == Status.RESOLVED:
        events.reopened(request=request)
    events.status_changed(request=request, old=old, new=target, by=None)
    request_sla_on_status(request=request, old=old, new=target)


def _store_attachments(interaction: Interaction, attachments: Iterable[InboundAttachment]) -> None:
    _attachments_store([(interaction, attachments)])


def _attachments_store(
    items: Iterable[tuple[Interaction, Iterable[InboundAttachment]]],
) -> None:
    """Store the attachments of saved interactions: each file in the storage, the rows with
    one INSERT."""
    Attachment.objects.bulk_create(
        Attachment(
            interaction=interaction,
            file=ContentFile(item.content, name=item.filename),
            filename=item.filename,
            content_type=item.content_type,
            size=len(item.content),
            sha256=hashlib.sha256(item.content).hexdigest(),
            content_id=item.content_id,
        )
        for interaction, attachments in items
        for item in attachments
    )


# Staff actions -------------------------------------------------------------------------------


def _require_work(request: Request, by: Any) -> None:
    if not permissions.can_work_request(by, request):
        raise PermissionDenied("You may not change this request.")


@transaction.atomic
def request_reply(
    *,
    request: Request,
    by: Any,
    text: str,
    status: str | None = None,
    attachments: Iterable[InboundAttachment] = (),
    articles: Iterable[int] = (),
) -> Interaction:
    """A public reply on the request's channel: shown on the tracking page and delivered through
    the channel of origin wherever that channel has an address for the citizen. `articles`:
    the knowledge articles the agent inserted into the reply (their use is counted)."""
    from vik.channels.registry import adapter_for
    from vik.channels.services import outbound_queue
    from vik.knowledge.services import reply_usage_record

    _require_work(request, by)
    if request.merged_into_id is not None:
        raise ValidationFailed(
            _("This request was merged into %(reference)s: reply there.")
            % {"reference": request.merged_into.reference if request.merged_into else ""}
        )
    if not text.strip():
        raise ValidationFailed("A reply cannot be empty.")
    if status:
        check_transition(request.status, status)
    now = clock.now()
    interaction = Interaction.objects.create(
        request=request, direction=Direction.OUTBOUND, visibility=Visibility.PUBLIC,
        channel=request.origin_channel, account=request.origin_account, author=by,
        contact=request.requester, text=text.strip(), occurred_at=now,
    )  # fmt: skip
    _store_attachments(interaction, attachments)
    if request.origin_account is not None:
        recipient = adapter_for(request.origin_account.kind).reply_recipient(request)
        if recipient:
            outbound_queue(
                account=request.origin_account, interaction=interaction, recipient=recipient
            )
    fields = ["last_activity_at", "updated_at"]
    request.last_activity_at = now
    first_response = request.first_response_at is None
    if first_response:
        request.first_response_at = now
        fields.append("first_response_at")
    if request.status == Status.NEW and not status:
        status = Status.OPEN
    request.save(update_fields=fields)
    if first_response:
        request_sla_on_first_response(request)
    events.replied(request=request, by=by)
    reply_usage_record(  # the usage metrics
        text=interaction.text, centre_id=request.centre_id, articles=articles
    )
    if status and status != request.status:
        request_set_status(request=request, status=status, by=by)
    return interaction


@transaction.atomic
def request_note(*, request: Request, by: Any, text: str) -> Interaction:
    _require_work(request, by)
    if not text.strip():
        raise ValidationFailed("A note cannot be empty.")
    note = Interaction.objects.create(
        request=request, direction=Direction.INTERNAL, visibility=Visibility.INTERNAL,
        channel="internal", author=by, text=text.strip(), occurred_at=clock.now(),
    )  # fmt: skip
    events.note_added(request=request, by=by)
    from vik.workspace.services import note_mentions_notify

    note_mentions_notify(note=note, by=by)
    return note


@transaction.atomic
def request_set_status(*, request: Request, status: str, by: Any) -> Request:
    _require_work(request, by)
    check_transition(request.status, status)
    old, now = request.status, clock.now()
    request.status = status
    if status == Status.RESOLVED:
        request.resolved_at = now
    elif status == Status.CLOSED:
        request.closed_at = now
        request.resolved_at = request.resolved_at or now
    elif old == Status.RESOLVED:
        request.resolved_at = None
    request.save(update_fields=["status", "resolved_at", "closed_at", "updated_at"])
    events.status_changed(request=request, old=old, new=status, by=by)
    request_sla_on_status(request=request, old=old, new=status)
    return request


@transaction.atomic
def request_assign(*, request: Request, assignee: Any, by: Any) -> Request:
    _require_work(request, by)
    if assignee is not None and not permissions.can_be_assigned(assignee, request):
        raise ValidationFailed(f"{assignee.display_name} does not work for this centre.")
    request.assignee = assignee
    request.save(update_fields=["assignee", "updated_at"])
    events.assigned(request=request, assignee=assignee, by=by)
    if assignee is not None and getattr(by, "pk", None) != assignee.pk:  # not who took it
        from vik.workspace.choices import NotificationKind
        from vik.workspace.services import notification_send

        notification_send(
            user=assignee,
            kind=NotificationKind.ASSIGNED,
            text=_("%(who)s assigned %(reference)s to you: %(subject)s")
            % {"who": by.display_name, "reference": request.reference, "subject": request.subject},
            request=request,
        )
    return request


@transaction.atomic
def request_set_topic(*, request: Request, topic: Topic | None, by: Any) -> Request:
    _require_work(request, by)
    old = str(request.topic or "")
    request.topic = topic
    request.save(update_fields=["topic", "updated_at"])
    events.topic_changed(request=request, old=old, new=str(topic or ""), by=by)
    return request


@transaction.atomic
def request_tags_change(
    *, request: Request, add: Iterable[str] = (), remove: Iterable[str] = (), by: Any
) -> Request:
    """Add and remove tags by name (a new name makes a new tag of the region)."""
    if by is not None:
        _require_work(request, by)
    before = set(request.tags.values_list("name", flat=True))
    wanted = {n.strip()[:64] for n in add if n.strip()} - before
    dropped = {n.strip() for n in remove} & before
    for name in sorted(wanted):
        tag, _created = Tag.objects.get_or_create(region_id=request.region_id, name=name)
        request.tags.add(tag)
    if dropped:
        request.tags.remove(*Tag.objects.filter(region_id=request.region_id, name__in=dropped))
    if wanted or dropped:
        events.tags_changed(request=request, added=sorted(wanted), removed=sorted(dropped), by=by)
    return request


def request_viewed(*, request: Request, by: Any, http_request: Any = None) -> None:
    """Record that a member of staff opened the request (it carries personal data)."""
    audit_record(
        actor=by, action="request.view", target=request, personal_data=True, request=http_request
    )


# The network: transfers, consultations, merge and split ----------------------------------------


def _notify_centre(centre: InformationCentre, *, kind: str, text: str, request: Request) -> None:
    """Tell a centre something: its leads, or its agents when it has no lead."""
    from vik.tenancy.choices import Role
    from vik.tenancy.models import User
    from vik.workspace.services import notification_send

    staff = User.objects.filter(is_active=True, memberships__centre=centre)
    recipients = list(staff.filter(memberships__role=Role.CENTRE_LEAD).distinct().order_by("pk"))
    if not recipients:
        recipients = list(staff.filter(memberships__role=Role.AGENT).distinct().order_by("pk"))
    for user in recipients:
        notification_send(user=user, kind=kind, text=text, request=request)


@transaction.atomic
def request_transfer(
    *, request: Request, centre: InformationCentre, reason: str, by: Any
) -> Transfer:
    """Hand the request to another centre of the region, with a reason.

    The request stays the same row (timeline, contact, attachments and service level targets go
    with it); the assignee stays only if they may work in the new centre, else the new centre's
    assignment policy applies. The old centre keeps read access if it is set up to; the new
    centre's leads are told. The citizen is not contacted.
    """
    from vik.workspace.choices import NotificationKind

    reason = reason.strip()
    if not reason:
        raise ValidationFailed(_("Say why the request is transferred."))
    if request.merged_into_id is not None:
        raise ValidationFailed(_("A merged request cannot be transferred."))
    if centre.pk == request.centre_id:
        raise ValidationFailed(_("The request already belongs to that centre."))
    if not permissions.can_transfer_request_to(by, request, centre):
        raise PermissionDenied(_("You may not transfer this request to that centre."))
    now, old = clock.now(), request.centre
    request.centre = centre
    if request.assignee is not None and not permissions.can_be_assigned(request.assignee, request):
        request.assignee = None
    request.save(update_fields=["centre", "assignee", "updated_at"])
    transfer = Transfer.objects.create(
        request=request, from_centre=old, to_centre=centre, reason=reason,
        by=by if getattr(by, "is_authenticated", False) else None, at=now,
    )  # fmt: skip
    # The request comes back to a centre that handed it on before: it works it again, its old
    # read grant ends (a consultation's grant ends with the answer).
    RequestAccess.objects.filter(
        request=request, centre=centre, reason=AccessReason.TRANSFER, revoked_at__isnull=True
    ).update(revoked_at=now)
    if old is not None and old.keeps_access_after_transfer:
        RequestAccess.objects.create(
            request=request, centre=old, reason=AccessReason.TRANSFER, granted_at=now
        )
    events.transferred(request=request, old=str(old or ""), new=str(centre), reason=reason, by=by)
    if request.assignee is None:  # the new centre's assignment policy (and its announcement)
        request_routed(request=request, decision=RoutingDecision(centre=centre))
    _notify_centre(
        centre,
        kind=NotificationKind.TRANSFER,
        text=_("%(reference)s was transferred to your centre from %(centre)s: %(reason)s")
        % {"reference": request.reference, "centre": old or "—", "reason": reason},
        request=request,
    )
    return transfer


def request_move(
    *, request: Request, centre: InformationCentre, by: Any, reason: str = ""
) -> Request:
    """`request_transfer` for callers that give no reason."""
    request_transfer(
        request=request, centre=centre, by=by, reason=reason or _("Moved to another centre.")
    )
    return request


@transaction.atomic
def consultation_ask(
    *, request: Request, centre: InformationCentre, question: str, by: Any
) -> Consultation:
    """Ask another centre of the region about a request: it reads the request until it answers
    (`RequestAccess`), and its leads are told."""
    from vik.workspace.choices import NotificationKind

    question = question.strip()
    if not question:
        raise ValidationFailed(_("Write the question."))
    if centre.pk == request.centre_id:
        raise ValidationFailed(_("Ask a centre other than the request's own."))
    if not permissions.can_consult(by, request, centre):
        raise PermissionDenied(_("You may not ask that centre about this request."))
    now = clock.now()
    consultation = Consultation.objects.create(
        request=request, from_centre=request.centre, to_centre=centre, question=question,
        asked_by=by, asked_at=now,
    )  # fmt: skip
    RequestAccess.objects.create(
        request=request, centre=centre, reason=AccessReason.CONSULTATION, granted_at=now
    )
    events.consultation_asked(request=request, centre=str(centre), question=question, by=by)
    _notify_centre(
        centre,
        kind=NotificationKind.CONSULTATION,
        text=_("%(centre)s asks your centre about %(reference)s: %(question)s")
        % {"centre": request.centre or "—", "reference": request.reference, "question": question},
        request=request,
    )
    return consultation


@transaction.atomic
def consultation_answer(*, consultation: Consultation, answer: str, by: Any) -> Interaction:
    """Answer a consultation: an internal note on the request's timeline. The consulted centre
    stops reading the request (unless VIK_CONSULTATION_KEEPS_ACCESS) and the asker is told."""
    from vik.workspace.choices import NotificationKind
    from vik.workspace.services import notification_send

    consultation = (
        Consultation.objects.select_for_update()
        .select_related("request", "to_centre", "asked_by")
        .get(pk=consultation.pk)
    )
    request = consultation.request
    if not permissions.can_answer_consultation(
        by, centre_id=consultation.to_centre_id, region_id=request.region_id
    ):
        raise PermissionDenied(_("You may not answer this consultation."))
    if consultation.answered_at is not None:
        raise ValidationFailed(_("The consultation has been answered already."))
    answer = answer.strip()
    if not answer:
        raise ValidationFailed(_("An answer cannot be empty."))
    now = clock.now()
    note = Interaction.objects.create(
        request=request, direction=Direction.INTERNAL, visibility=Visibility.INTERNAL,
        channel="internal", author=by, text=answer, occurred_at=now,
    )  # fmt: skip
    consultation.answer, consultation.answered_by, consultation.answered_at = answer, by, now
    consultation.save(update_fields=["answer", "answered_by", "answered_at"])
    events.consultation_answered(request=request, centre=str(consultation.to_centre), by=by)
    still_asked = Consultation.objects.filter(
        request=request, to_centre=consultation.to_centre, answered_at__isnull=True
    ).exists()
    if not settings.VIK_CONSULTATION_KEEPS_ACCESS and not still_asked:
        RequestAccess.objects.filter(
            request=request, centre=consultation.to_centre, reason=AccessReason.CONSULTATION,
            revoked_at__isnull=True,
        ).update(revoked_at=now)  # fmt: skip
    if consultation.asked_by.is_active:
        notification_send(
            user=consultation.asked_by,
            kind=NotificationKind.CONSULTATION,
            text=_("%(centre)s answered your question about %(reference)s: %(answer)s")
            % {
                "centre": consultation.to_centre,
                "reference": request.reference,
                "answer": answer,
            },
            request=request,
        )
    return note


@transaction.atomic
def request_merge(*, source: Request, target: Request, by: Any) -> Request:
    """Merge `source` into `target`: its interactions (with attachments), events and open
    consultations join the target's timeline, its Message-IDs thread into the target, and the
    source is closed as a pointer (`merged_into`). Returns the target."""
    if source.pk == target.pk:
        raise ValidationFailed(_("A request cannot be merged into itself."))
    if not permissions.can_merge_requests(by, source, target):
        raise PermissionDenied(_("You may not merge these requests."))
    # Both rows locked in one order, so that two merges of the same pair cannot cross.
    locked = {
        r.pk: r for r in Request.objects.select_for_update().filter(pk__in=[source.pk, target.pk])
    }
    source, target = locked[source.pk], locked[target.pk]
    if target.merged_into_id is not None:
        raise ValidationFailed(
            _("%(reference)s was itself merged into another request.")
            % {"reference": target.reference}
        )
    if source.merged_into_id is not None:
        raise ValidationFailed(_("This request has been merged already."))
    now, old_status = clock.now(), source.status
    Interaction.objects.filter(request=source).update(request=target)
    TimelineEvent.objects.filter(request=source).update(request=target)
    MessageReference.objects.filter(request=source).update(request=target)
    Consultation.objects.filter(request=source, answered_at__isnull=True).update(request=target)
    RequestAccess.objects.filter(
        request=source, reason=AccessReason.CONSULTATION, revoked_at__isnull=True
    ).update(request=target)
    source.merged_into, source.status = target, Status.CLOSED
    source.closed_at, source.resolved_at = now, source.resolved_at or now
    source.save(update_fields=["merged_into", "status", "closed_at", "resolved_at", "updated_at"])
    latest = max(filter(None, [source.last_activity_at, target.last_activity_at]), default=None)
    if latest is not None and latest != target.last_activity_at:
        target.last_activity_at = latest
        target.save(update_fields=["last_activity_at", "updated_at"])
    events.merged(request=source, other=target.reference, role="source", by=by)
    if old_status != Status.CLOSED:
        events.status_changed(request=source, old=old_status, new=Status.CLOSED, by=by)
        request_sla_on_status(request=source, old=old_status, new=Status.CLOSED)
    events.merged(request=target, other=source.reference, role="target", by=by)
    return target


def _merge_pointer(request: Request) -> Request:
    """The request a merged one now lives in (a merge target is never merged itself)."""
    if request.merged_into_id is None:
        return request
    return Request.objects.get(pk=request.merged_into_id)


@transaction.atomic
def request_split(*, interaction: Interaction, by: Any) -> Request:
    """Make one inbound message of a request a request of its own: same requester, centre,
    topic and municipality, linked back (`follow_up_of`); the message moves with its
    attachments, and replies to it thread into the new request."""
    source = interaction.request
    _require_work(source, by)
    if interaction.direction != Direction.INBOUND or interaction.is_automatic:
        raise ValidationFailed(_("Only a message from the citizen can be split off."))
    if source.merged_into_id is not None:
        raise ValidationFailed(_("A merged request cannot be split."))
    others = source.interactions.filter(direction=Direction.INBOUND).exclude(pk=interaction.pk)
    if not others.exists():
        raise ValidationFailed(_("The request's only message cannot be split off."))
    subject = interaction.subject.strip() or _("Split from %(reference)s") % {
        "reference": source.reference
    }
    new = request_open(
        region=source.region, requester=source.requester, subject=subject,
        channel=interaction.channel, account=interaction.account, kind=source.kind,
        topic=source.topic, municipality=source.municipality, centre=source.centre,
        language=source.language, follow_up_of=source, opened_at=interaction.occurred_at,
    )  # fmt: skip
    if source.assignee_id is not None:
        new.assignee_id = source.assignee_id
        new.save(update_fields=["assignee", "updated_at"])
    Interaction.objects.filter(pk=interaction.pk).update(request=new)
    MessageReference.objects.filter(interaction_id=interaction.pk).update(request=new)
    events.split(request=source, other=new.reference, role="source", by=by)
    events.split(request=new, other=source.reference, role="new", by=by)
    return new


# Bulk actions of the request list ------------------------------------------------------------

BULK_ACTIONS = ("assign", "status", "tag", "transfer")


@dataclass
class BulkResult:
    done: list[str] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)


def requests_bulk_apply(
    *, user: Any, references: list[str], action: str, value: str, reason: str = ""
) -> BulkResult:
    """Apply one action to many requests of the list, each in its own savepoint with the usual
    permission checks: what one request refuses does not stop the others.

    `action`: "assign" (`value` a user id, "me", or "" for nobody), "status" (a status),
    "tag" (a tag name to add), "transfer" (a centre id; `reason` required).
    """
    result = BulkResult()
    wanted = list(dict.fromkeys(r.strip() for r in references if r.strip()))
    try:
        perform = _bulk_action(user=user, action=action, value=value.strip(), reason=reason)
    except VikError as error:
        result.failed = dict.fromkeys(wanted, str(error))
        return result
    found = {
        r.reference: r
        for r in Request.objects.filter(permissions.requests_visible(user), reference__in=wanted)
        .select_related("centre", "assignee", "region")
    }  # fmt: skip
    with transaction.atomic():
        for reference in wanted:
            item = found.get(reference)
            if item is None:
                result.failed[reference] = _("No such request.")
                continue
            try:
                with transaction.atomic():
                    perform(item)
            except VikError as error:
                result.failed[reference] = str(error)
            else:
                result.done.append(reference)
    return result


def _bulk_action(*, user: Any, action: str, value: str, reason: str) -> Any:
    """The action on one request, its value read once for the whole batch."""
    from vik.tenancy.models import User

    if action == "assign":
        assignee = None
        if value == "me":
            assignee = user
        elif value:
            assignee = User.objects.filter(pk=int(value) if value.isdigit() else 0).first()
            if assignee is None:
                raise ValidationFailed(_("No such member of staff."))
        return lambda item: request_assign(request=item, assignee=assignee, by=user)
    if action == "status":
        if value not in Status.values:
            raise ValidationFailed(_("No such status."))

        def set_status(item: Request) -> None:
            if item.status != value:
                request_set_status(request=item, status=value, by=user)

        return set_status
    if action == "tag":
        if not value:
            raise ValidationFailed(_("Give the tag's name."))
        return lambda item: request_tags_change(request=item, add=[value], by=user)
    if action == "transfer":
        centre = InformationCentre.objects.filter(pk=int(value) if value.isdigit() else 0).first()
        if centre is None:
            raise ValidationFailed(_("No such centre."))
        if not reason.strip():
            raise ValidationFailed(_("Say why the request is transferred."))
        return lambda item: request_transfer(request=item, centre=centre, reason=reason, by=user)
    raise ValidationFailed(_("Unknown action."))
