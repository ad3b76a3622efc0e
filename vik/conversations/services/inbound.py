"""Applying a channel's normalised inbound message to its contact and request.

Every channel's messages enter through `inbound_apply` (one by one) or, for a batch, through
`inbound_apply_batch` and `inbound_apply_continuations`.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.conf import settings
from django.db.models import Q

from vik.channels.core.base import (
    NormalisedMessage,
    PayloadIgnored,
    PayloadRejected,
)
from vik.channels.core.models import ChannelAccount, InboundPayload, MessageReference
from vik.channels.core.registry import adapter_for
from vik.channels.core.services import outbound_queue_many
from vik.contacts.models import Contact
from vik.contacts.services import Sender, contact_resolve, contact_resolve_many
from vik.core import clock
from vik.core.db import rows_update
from vik.core.memo import remember_all, remembered
from vik.core.text import sanitize_html, subject_from_text
from vik.notifications.services import (
    request_citizen_replied_notify,
    requests_citizen_replied_notify,
)
from vik.routing.services import (
    RoutingDecision,
    routing_decide,
)
from vik.territory.models import Municipality, Region
from vik.topics.models import Topic

from .. import events
from ..choices import Direction, EventKind, Status, Visibility
from ..models import (
    Interaction,
    Request,
    TimelineEvent,
)
from ..states import ON_CITIZEN_MESSAGE
from .acknowledgements import (
    acknowledgement_build,
    acknowledgement_recipient,
    recent_acknowledgements,
    request_acknowledge,
)
from .attachments import attachments_store, interaction_attachments_store
from .deadlines import (
    request_deadlines_set,
    request_sla_on_status,
)
from .opening import references_allocate, request_open, request_routing_apply, request_routing_facts
from .routing import assignments_by_policy, requests_routed


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


def thread_known(region_id: int, message: NormalisedMessage) -> bool:
    """Whether the request a message continues by the Message-IDs it answers or the reference
    in its subject exists already."""
    hint = message.thread
    if (
        hint.message_ids
        and MessageReference.objects.filter(
            region_id=region_id, message_id__in=hint.message_ids
        ).exists()
    ):
        return True
    return bool(
        hint.reference
        and Request.objects.filter(region_id=region_id, reference=hint.reference).exists()
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


def _merge_pointer(request: Request) -> Request:
    """The request a merged one now lives in (a merge target is never merged itself)."""
    if request.merged_into_id is None:
        return request
    return Request.objects.get(pk=request.merged_into_id)


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
            region=region, requester=contact,
            subject=message.subject or subject_from_text(message.text),
            channel=account.kind, account=account, kind=message.kind, topic=topic,
            municipality=municipality, language=message.language, opened_at=message.occurred_at,
            text=message.text,
        )  # fmt: skip
    interaction = _inbound_interaction(account, payload, message, request, contact)
    interaction.save(force_insert=True)
    interaction_attachments_store(interaction, message.attachments)
    if not opened:  # a request opened here already has last_activity_at = occurred_at
        Request.objects.filter(pk=request.pk).update(last_activity_at=message.occurred_at)
    _remember_external_id(region, message, request, interaction)
    if opened:
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
    numbers = references_allocate(
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
            subject=(message.subject or subject_from_text(message.text))[:300] or "(bez předmětu)",
            kind=message.kind, topic=topic, municipality=municipality, requester=contact,
            origin_channel=account.kind, origin_account=account,
            language=message.language, last_activity_at=message.occurred_at,
            created_at=message.occurred_at,
        )  # fmt: skip
        decision = routing_decide(request_routing_facts(request, account, message.text))
        request_routing_apply(request, decision)
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
    attachments_store(
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
        recipient = acknowledgement_recipient(account, request, adapter.sender_address(message))
        if recipient is None:
            continue
        if contact.pk not in sent:
            sent[contact.pk] = 0 if contact.just_created else recent_acknowledgements(contact)
        if sent[contact.pk] >= settings.VIK_ACKNOWLEDGEMENTS_PER_SENDER_HOUR:
            continue
        sent[contact.pk] += 1
        acknowledgements.append((acknowledgement_build(request, account, contact, now), recipient))
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
    attachments_store(
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
    return bool(account.settings.get("on_reply_to_closed", "follow_up") == "reopen")


def _reopen(request: Request) -> None:
    request.status, request.closed_at, request.resolved_at = Status.OPEN, None, None
    request.save(update_fields=["status", "closed_at", "resolved_at", "updated_at"])
    events.reopened(request=request)
    events.status_changed(request=request, old=Status.CLOSED, new=Status.OPEN, by=None)
    request_sla_on_status(request=request, old=Status.CLOSED, new=Status.OPEN)


def citizen_wrote_apply(request: Request, *, channel: str) -> None:
    """A citizen's message outside the payload pipeline (a live chat): a closed request reopens,
    one that waited for them or was resolved wakes, and its agent is told."""
    if request.status == Status.CLOSED:
        _reopen(request)
    else:
        _wake(request)
    events.citizen_wrote(request=request, channel=channel)
    _citizen_replied_notify(request)


def _citizen_replied_notify(request: Request) -> None:
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
