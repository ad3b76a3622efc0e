"""Writing requests and interactions. Every channel's messages enter through `inbound_apply`."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import Counter
from collections.abc import Iterable, Sequence
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import connection, transaction
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
from vik.core.errors import PermissionDenied, ValidationFailed
from vik.core.memo import remembered
from vik.core.text import sanitize_html
from vik.routing.services import RoutingDecision, RoutingFacts, request_routed, routing_decide
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
from .choices import Direction, EventKind, RequestKind, Status, Visibility
from .models import Attachment, Interaction, ReferenceCounter, Request, Tag, TimelineEvent
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
        return found
    answered = set(hint.message_ids)
    for reference in known:
        if reference.message_id in answered:
            return reference.request
    if hint.reference:
        return Request.objects.filter(region=region, reference=hint.reference).first()
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
        topic = remembered(("topic", topic_id), Topic.objects.filter(pk=topic_id).first)
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
    Request.objects.bulk_create(requests)
    now = clock.now()
    TimelineEvent.objects.bulk_create(
        TimelineEvent(
            request=request, kind=EventKind.CREATED, data={"channel": account.kind},
            created_at=now,
        )
        for request in requests
    )  # fmt: skip
    for request, decision in zip(requests, decisions, strict=True):
        request_routed(request=request, decision=decision)
    interactions = [
        _inbound_interaction(account, payload, message, request, contact)
        for (payload, message), request, contact in zip(items, requests, contacts, strict=True)
    ]
    Interaction.objects.bulk_create(interactions)
    references = []
    for (_p, message), request, interaction in zip(items, requests, interactions, strict=True):
        _store_attachments(interaction, message.attachments)
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
    for item in attachments:
        Attachment.objects.create(
            interaction=interaction,
            file=ContentFile(item.content, name=item.filename),
            filename=item.filename,
            content_type=item.content_type,
            size=len(item.content),
            sha256=hashlib.sha256(item.content).hexdigest(),
            content_id=item.content_id,
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
) -> Interaction:
    """A public reply on the request's channel: shown on the tracking page and delivered through
    the channel of origin wherever that channel has an address for the citizen."""
    from vik.channels.registry import adapter_for
    from vik.channels.services import outbound_queue
    from vik.knowledge.services import reply_usage_record

    _require_work(request, by)
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
    reply_usage_record(text=interaction.text, centre_id=request.centre_id)  # the usage metrics
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
    return request


@transaction.atomic
def request_move(*, request: Request, centre: InformationCentre, by: Any) -> Request:
    """Hand the request to another centre of the region; the assignee is cleared unless they
    also work there."""
    if not permissions.can_move_request_to(by, request, centre):
        raise PermissionDenied("You may not move this request to that centre.")
    old = str(request.centre or "")
    request.centre = centre
    if request.assignee is not None and not permissions.can_be_assigned(request.assignee, request):
        request.assignee = None
    request.save(update_fields=["centre", "assignee", "updated_at"])
    events.centre_changed(request=request, old=old, new=str(centre), by=by)
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
