"""Reads of the phone line: the account behind a token, where a call should ring, the caller
log, the ringing agent's pop-up and the call-back queue.

The CTI webhook waits for `call_decide` while the caller hears the ringing tone: what is
configuration (tokens, blocked numbers, the agents' numbers, centres' numbers, routing rules) is
remembered for a few seconds (`vik.core.memo`), and the caller costs two indexed queries.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import Counter
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import Q, QuerySet
from django.utils import timezone

from vik.channels.core.choices import ChannelKind
from vik.channels.core.models import ChannelAccount
from vik.contacts.choices import IdentityKind
from vik.contacts.identities import InvalidIdentity, normalise_phone
from vik.contacts.models import Contact, Identity
from vik.conversations.models import Request
from vik.core import clock
from vik.core.memo import batch_memo, configured
from vik.routing.services import RoutingFacts, routing_decide
from vik.tenancy import permissions
from vik.tenancy.models import InformationCentre, Membership, User
from vik.tenancy.selectors import centre_competent
from vik.tenancy.types import StaffUser, Viewer
from vik.territory.models import Municipality, Region
from vik.topics.choices import Status
from vik.topics.models import Topic

from .choices import CallBackState, CallDirection, CallState
from .cti import CtiInput, token_digest
from .models import BlockedNumber, Call, CallBack, CtiToken, StaffPhone

log = logging.getLogger(__name__)

ANONYMOUS = frozenset({"", "anonymous", "unknown", "restricted", "private", "withheld"})
# A call still "ringing" after this long lost its hangup: no pop-up for it any more.
RINGING_AT_MOST = dt.timedelta(minutes=5)
OPEN_STATUSES = (Status.NEW, Status.OPEN, Status.WAITING_CITIZEN, Status.WAITING_OFFICE)


def lines_managed(user: Viewer) -> QuerySet[ChannelAccount]:
    """The phone accounts whose token the user rotates: those whose quarantine the user reviews
    (`permissions.channel_accounts_managed`), with their tokens."""
    return (
        ChannelAccount.objects.filter(permissions.channel_accounts_managed(user))
        .filter(kind=ChannelKind.PHONE)
        .select_related("cti_token", "region", "centre")
        .order_by("name")
    )


def account_for_token(token: str) -> ChannelAccount | None:
    """The active phone account whose token this is. Looked up by the token's SHA-256 (the
    token itself is never stored or compared), remembered for a few seconds."""
    digest = token_digest(token)

    def lookup() -> ChannelAccount | None:
        row = (
            CtiToken.objects.filter(
                token_sha256=digest, account__is_active=True, account__kind=ChannelKind.PHONE
            )
            .select_related("account__region", "account__centre")
            .first()
        )
        return row.account if row else None

    return configured(("cti_token", digest), lookup)


def e164(raw: str) -> str:
    """The number in E.164, or "" for an anonymous caller or what is no phone number."""
    if raw.strip().lower() in ANONYMOUS:
        return ""
    value = raw.strip()
    if value.startswith("00"):
        value = "+" + value[2:]
    elif value.isdigit() and len(value) > 9 and value.startswith("420"):
        value = "+" + value  # PBXs often send the international form without the plus
    try:
        return normalise_phone(value)
    except InvalidIdentity:
        return ""


def blocked_numbers(region_id: int) -> frozenset[str]:
    return configured(
        ("phone_blocked", region_id),
        lambda: frozenset(
            BlockedNumber.objects.filter(region_id=region_id).values_list("number", flat=True)
        ),
    )


def _agent_index() -> dict[str, int]:
    """What a PBX may call a member of staff (a number or extension from their profile, the
    user name, "First Last"), folded to lower case → the user's id."""

    def build() -> dict[str, int]:
        index: dict[str, int] = {}
        for user_id, username, first, last in User.objects.filter(is_active=True).values_list(
            "pk", "username", "first_name", "last_name"
        ):
            index.setdefault(username.lower(), user_id)
            if first or last:
                index.setdefault(f"{first} {last}".strip().lower(), user_id)
        for user_id, number in StaffPhone.objects.values_list("user_id", "number"):
            index[number.strip().lower()] = user_id
            normalised = e164(number)
            if normalised:
                index[normalised] = user_id
        return index

    return configured(("phone_agents",), build)


def agent_matching(value: str) -> int | None:
    if not value.strip():
        return None
    index = _agent_index()
    return index.get(value.strip().lower()) or index.get(e164(value) or "\0")


@dataclass
class CallerFacts:
    """What VIK knows of a caller, found by their number."""

    number: str = ""
    contact_id: int | None = None
    municipality: Municipality | None = None
    topic: Topic | None = None
    centre_id: int | None = None
    answer: dict[str, str] = field(default_factory=dict)


def _caller_sql() -> str:
    """The caller's contact and the municipality of their latest request that names one: the
    identity (unique in the region) joined to the contact's requests. Written out, because the
    webhook waits for it while the caller hears the ringing tone and building it with the ORM
    costs more than running it."""
    identities, requests = Identity._meta.db_table, Request._meta.db_table
    return (
        "SELECT i.contact_id, r.municipality_id"  # noqa: S608 (own tables, values bound)
        f" FROM {identities} i LEFT JOIN {requests} r"
        " ON r.requester_id = i.contact_id AND r.municipality_id IS NOT NULL"
        " WHERE i.region_id = %s AND i.kind = %s AND i.value = %s"
        " ORDER BY r.created_at IS NULL, r.created_at DESC LIMIT 1"
    )


def caller_known(region_id: int, number: str) -> tuple[int | None, Municipality | None]:
    """The contact with this phone number in the region, and the municipality of their latest
    request that names one: one query (the municipality itself is remembered configuration)."""
    if not number:
        return None, None
    with connection.cursor() as cursor:
        cursor.execute(_caller_sql(), [region_id, IdentityKind.PHONE.value, number])
        row = cursor.fetchone()
    if row is None:
        return None, None
    contact_id, municipality_id = row
    return contact_id, _municipality(municipality_id) if municipality_id else None


def _municipality(pk: int) -> Municipality | None:
    return configured(
        ("phone_municipality", pk), lambda: Municipality.objects.filter(pk=pk).first()
    )


def _queue_place(region_id: int, queue: str) -> tuple[Municipality | None, Topic | None]:
    """An IVR choice: a municipality's ČSÚ code or a topic's slug."""
    if not queue:
        return None, None

    def lookup() -> tuple[Municipality | None, Topic | None]:
        if queue.isdigit():
            return Municipality.objects.filter(code=queue, region_id=region_id).first(), None
        return None, Topic.objects.filter(slug=queue, is_active=True).first()

    return configured(("phone_queue", region_id, queue), lookup)


def _centre_number(centre: InformationCentre) -> str:
    return configured(("phone_centre_number", centre.pk, centre.phone), lambda: e164(centre.phone))


def call_decide(account: ChannelAccount, data: CtiInput) -> CallerFacts:
    """What to answer a `newCall`: reject a blocked caller; dial the centre competent for the
    caller (their municipality, or the IVR's `queue`) when that is another number than the one
    called; else `{}`, and the PBX rings as it would."""
    facts = CallerFacts(
        number=e164(data.from_number if data.direction == CallDirection.IN else data.to_number)
    )
    if data.event != "newCall" or data.direction != CallDirection.IN:
        return facts
    if facts.number and facts.number in blocked_numbers(account.region_id):
        facts.answer = {"action": "reject", "reason": "busy"}
        return facts
    facts.municipality, facts.topic = _queue_place(account.region_id, data.queue)
    contact_id, known_place = caller_known(account.region_id, facts.number)
    facts.contact_id = contact_id
    if facts.municipality is None:
        facts.municipality = known_place
    if facts.municipality is None and facts.topic is None and not account.centre_id:
        return facts  # nothing to route on: the PBX's own plan
    with batch_memo():  # the routing rules and competences as remembered configuration
        decision = routing_decide(
            RoutingFacts(
                region=account.region,
                topic=facts.topic,
                municipality=facts.municipality,
                account=account,
                channel=ChannelKind.PHONE,
                kind="inquiry",
                language="cs",
                subject="",
                text="",
                requester_type="citizen",
            )
        )
    if decision.centre is None:
        return facts
    facts.centre_id = decision.centre.pk
    number = _centre_number(decision.centre)
    if number and number != e164(data.to_number):
        facts.answer = {"action": "dial", "number": number, "caller_id": data.from_number}
    return facts


def regional_centre_id(region: Region) -> int | None:
    with batch_memo():  # the region's competences as remembered configuration
        centre = centre_competent(region=region, municipality=None, topic=None)
    return centre.pk if centre else None


def centre_of_user(user_id: int) -> int | None:
    return (
        Membership.objects.filter(user_id=user_id, centre__isnull=False, centre__is_active=True)
        .order_by("pk")
        .values_list("centre_id", flat=True)
        .first()
    )


# The caller log ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class CallFilters:
    day: dt.date
    agent_id: int | None = None
    number: str = ""


def calls_visible(user: Viewer) -> QuerySet[Call]:
    return Call.objects.filter(permissions.calls_visible(user))


def call_log(user: StaffUser, filters: CallFilters) -> list[Call]:
    start = timezone.make_aware(dt.datetime.combine(filters.day, dt.time.min))
    calls = calls_visible(user).filter(
        started_at__gte=start, started_at__lt=start + dt.timedelta(days=1)
    )
    if filters.agent_id:
        calls = calls.filter(agent_id=filters.agent_id)
    if filters.number:
        digits = "".join(c for c in filters.number if c.isdigit())
        if digits:
            calls = calls.filter(
                Q(from_number__contains=digits)
                | Q(to_number__contains=digits)
                | Q(citizen_number__contains=digits)
            )
    return list(
        calls.select_related("agent", "contact", "municipality", "request", "callback").order_by(
            "-started_at", "-pk"
        )[:500]
    )


def calls_per_hour(calls: list[Call]) -> list[tuple[int, int, int]]:
    """(hour, calls, missed) for every hour of the day, in local time."""
    total: Counter[int] = Counter()
    missed: Counter[int] = Counter()
    for call in calls:
        hour = timezone.localtime(call.started_at).hour
        total[hour] += 1
        if call.state == CallState.MISSED:
            missed[hour] += 1
    return [(hour, total[hour], missed[hour]) for hour in range(24)]


def agents_for_filter(user: StaffUser) -> list[User]:
    centres = permissions.member_centres(user)
    people = User.objects.filter(is_active=True, memberships__centre__isnull=False)
    if centres is not None:
        people = people.filter(memberships__centre_id__in=centres)
    return list(people.distinct().order_by("last_name", "first_name"))


def call_for(user: StaffUser, pk: int) -> Call | None:
    return (
        calls_visible(user)
        .select_related("agent", "contact", "municipality", "request", "account")
        .filter(pk=pk)
        .first()
    )


def open_requests_of(contact_id: int | None, user: Viewer) -> list[Request]:
    if contact_id is None:
        return []
    return list(
        Request.objects.filter(permissions.requests_visible(user))
        .filter(requester_id=contact_id, status__in=OPEN_STATUSES, merged_into__isnull=True)
        .select_related("topic", "municipality")
        .order_by("-created_at")[:10]
    )


def call_popup(user: StaffUser) -> Call | None:
    """The call ringing for the user now, or that they answered and is not over: one indexed
    query (the pop-up polls it every second)."""
    since = clock.now() - RINGING_AT_MOST
    return (
        Call.objects.filter(
            Q(state=CallState.RINGING, ringing_for=user) | Q(state=CallState.ANSWERED, agent=user),
            started_at__gte=since,
            request__isnull=True,
        )
        .select_related("contact", "municipality")
        .order_by("-started_at")
        .first()
    )


def contact_of(contact_id: int | None) -> Contact | None:
    if contact_id is None:
        return None
    return Contact.objects.filter(pk=contact_id).prefetch_related("identities").first()


# Call-backs --------------------------------------------------------------------------------------


def callbacks_open(user: StaffUser) -> list[CallBack]:
    return list(
        CallBack.objects.filter(permissions.calls_visible(user), state=CallBackState.OPEN)
        .select_related("topic", "call", "centre")
        .prefetch_related("attempts")
        .order_by("due_at", "pk")[:300]
    )


def callback_for(user: StaffUser, pk: int) -> CallBack | None:
    return CallBack.objects.filter(permissions.calls_visible(user), pk=pk).first()
