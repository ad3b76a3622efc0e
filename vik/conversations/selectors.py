"""Reading requests: the staff list with filters and keyset pagination, one request by reference,
the open load of agents."""

from __future__ import annotations

import base64
import binascii
import datetime as dt
from collections.abc import Mapping, Sequence
from contextlib import suppress
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote

from django.db import connections
from django.db.models import (
    Case,
    Count,
    F,
    Max,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.db.models.lookups import Contains
from django.http import Http404
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from vik.contacts.identities import InvalidIdentity, normalise_email, normalise_phone
from vik.contacts.models import Contact, Identity
from vik.core import clock
from vik.core.links import absolute_path_with
from vik.core.search import Folded
from vik.core.text import REMOTE_SCHEMES, fold, images_as_text, sanitize_html, url_scheme
from vik.tenancy import permissions
from vik.tenancy.models import InformationCentre
from vik.territory.models import Municipality

from .choices import Direction, Visibility
from .models import Consultation, Interaction, Request, RequestAccess, TimelineEvent, Transfer
from .states import OPEN_STATUSES

if TYPE_CHECKING:
    from vik.tenancy.types import StaffUser

PAGE_SIZE = 50


SORTS = ("received", "due", "priority")
DUE_FILTERS = ("today", "overdue", "week")


@dataclass(frozen=True)
class RequestFilters:
    status: str = ""
    centre_id: int | None = None
    channel: str = ""
    topic_id: int | None = None
    assignee: str = ""  # "", "me", "none" or a user id
    text: str = ""
    queue_id: int | None = None
    priority: int | None = None
    kind: str = ""
    tag_id: int | None = None
    due: str = ""  # "", "today" (before the end of today in Prague), "overdue", "week"
    my_centres: bool = False  # only the centres the user is a member of
    sort: str = "received"  # "received" (newest first), "due" (most urgent first), "priority"
    # The parameters a report's numbers link with (vik.reports): the cohort of days received
    # (Prague, both ends inclusive), the place, a missed deadline, the citizen's rating.
    received_from: dt.date | None = None
    received_to: dt.date | None = None
    municipality_id: int | None = None
    orp_id: int | None = None
    overdue: bool = False  # its deadline was missed (`sla_breached_at`), resolved since or not
    rating: tuple[int, int] | None = None  # "4-5": rated 4 or 5; "3": rated 3
    without_merged: bool = False  # "merged=0": not the pointers a merge leaves (reports skip them)
    answered: str = ""  # "0": no first response yet; "1": answered


# The list's query parameters that a saved view keeps (besides `sort`).
FILTER_PARAMETERS = (
    "text", "status", "centre", "channel", "topic", "assignee", "queue", "priority", "kind",
    "tag", "due", "my_centres", "received_from", "received_to", "municipality", "orp",
    "overdue", "rating", "merged", "answered",
)  # fmt: skip
# Those of them only a report's link sets (the list's form keeps them as hidden fields).
DRILL_PARAMETERS = ("municipality", "orp", "overdue", "rating", "merged", "answered")


def _int_or_none(value: Any) -> int | None:
    text = str(value or "").strip()
    return int(text) if text.isdigit() else None


def _date_or_none(value: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError:
        return None


# "centre=none", "topic=none", …: requests without one (a report's row of "no topic").
NONE_ID = 0


def _id_or_none(value: str) -> int | None:
    return NONE_ID if value == "none" else _int_or_none(value)


def _rating_range(value: str) -> tuple[int, int] | None:
    low, _dash, high = value.partition("-")
    high = high or low
    if not (low.isdigit() and high.isdigit()):
        return None
    bounds = (int(low), int(high))
    return bounds if 1 <= bounds[0] <= bounds[1] <= 5 else None


def request_filters_from_params(params: Any) -> RequestFilters:
    """Filters from query parameters (a QueryDict or a saved view's dict), without a query.

    Unknown values narrow nothing; ids the user may not see find nothing, since every list is
    also filtered by `permissions.requests_visible`.
    """

    def get(name: str) -> str:
        return str(params.get(name) or "").strip()

    sort = get("sort")
    due = get("due")
    return RequestFilters(
        status=get("status"),
        centre_id=_id_or_none(get("centre")),
        channel=get("channel"),
        topic_id=_id_or_none(get("topic")),
        assignee=get("assignee"),
        text=get("text"),
        queue_id=_int_or_none(get("queue")),
        priority=_int_or_none(get("priority")),
        kind=get("kind"),
        tag_id=_int_or_none(get("tag")),
        due=due if due in DUE_FILTERS else "",
        my_centres=get("my_centres") in {"1", "on", "true"},
        sort=sort if sort in SORTS else "received",
        received_from=_date_or_none(get("received_from")),
        received_to=_date_or_none(get("received_to")),
        municipality_id=_id_or_none(get("municipality")),
        orp_id=_id_or_none(get("orp")),
        overdue=get("overdue") in {"1", "on", "true"},
        rating=_rating_range(get("rating")),
        without_merged=get("merged") == "0",
        answered=get("answered") if get("answered") in {"0", "1"} else "",
    )


@dataclass(frozen=True)
class RequestPage:
    items: list[Request]
    next_cursor: str


def encode_cursor(request: Request, sort: str = "received") -> str:
    """The position after `request` in the list sorted by `sort`; the sort key is in it, so a
    cursor of one sort is never read as another's."""
    if sort == "due":
        due = request.due_at.isoformat() if request.due_at else ""
        raw = f"due|{due}|{request.pk}"
    elif sort == "priority":
        raw = f"priority|{request.priority}|{request.created_at.isoformat()}|{request.pk}"
    else:
        raw = f"{request.created_at.isoformat()}|{request.pk}"
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def _decode_parts(cursor: str) -> list[str] | None:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
    except (ValueError, binascii.Error, UnicodeDecodeError):
        return None
    return raw.split("|")


def decode_cursor(cursor: str) -> tuple[dt.datetime, int] | None:
    """The position of a "received" (newest first) cursor: (created_at, id)."""
    parts = _decode_parts(cursor)
    if parts is None or len(parts) != 2:
        return None
    try:
        return dt.datetime.fromisoformat(parts[0]), int(parts[1])
    except ValueError:
        return None


def _after_cursor(queryset: QuerySet[Request], sort: str, cursor: str) -> QuerySet[Request]:
    """Keep the rows after the cursor's position; a malformed cursor (or one of another sort)
    starts from the top."""
    if sort == "received":
        position = decode_cursor(cursor)
        if position is None:
            return queryset
        created_at, pk = position
        return queryset.filter(Q(created_at__lt=created_at) | Q(created_at=created_at, pk__lt=pk))
    parts = _decode_parts(cursor)
    if not parts or parts[0] != sort:
        return queryset
    try:
        if sort == "due" and len(parts) == 3:
            pk = int(parts[2])
            if not parts[1]:  # among the requests without a deadline, which come last
                return queryset.filter(due_at__isnull=True, pk__gt=pk)
            due = dt.datetime.fromisoformat(parts[1])
            return queryset.filter(
                Q(due_at__gt=due) | Q(due_at=due, pk__gt=pk) | Q(due_at__isnull=True)
            )
        if sort == "priority" and len(parts) == 4:
            priority, created_at, pk = (
                int(parts[1]),
                dt.datetime.fromisoformat(parts[2]),
                int(parts[3]),
            )
            return queryset.filter(
                Q(priority__lt=priority)
                | Q(priority=priority, created_at__lt=created_at)
                | Q(priority=priority, created_at=created_at, pk__lt=pk)
            )
    except ValueError:
        pass
    return queryset


def _ordering(sort: str) -> list[Any]:
    if sort == "due":
        # Ascending with NULLs last is PostgreSQL's default B-tree order: the (centre, due_at,
        # id) and (region, due_at, id) indexes serve it as they are.
        return [F("due_at").asc(nulls_last=True), "pk"]
    if sort == "priority":
        return ["-priority", "-created_at", "-pk"]
    return ["-created_at", "-pk"]


def requests_for(user: StaffUser) -> QuerySet[Request]:
    return Request.objects.filter(permissions.requests_visible(user))


def _end_of_today() -> dt.datetime:
    tomorrow = clock.today() + dt.timedelta(days=1)
    return dt.datetime.combine(tomorrow, dt.time(), tzinfo=clock.PRAGUE)


def _prague_midnight(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(), tzinfo=clock.PRAGUE)


def _apply_filters(
    queryset: QuerySet[Request], filters: RequestFilters, user: StaffUser
) -> QuerySet[Request]:
    if filters.status == "active":
        queryset = queryset.exclude(status__in=["resolved", "closed"])
    elif filters.status == "done":
        queryset = queryset.filter(status__in=["resolved", "closed"])
    elif filters.status:
        queryset = queryset.filter(status=filters.status)
    if filters.centre_id == NONE_ID:
        queryset = queryset.filter(centre__isnull=True)
    elif filters.centre_id:
        queryset = queryset.filter(centre_id=filters.centre_id)
    if filters.my_centres:
        centres = permissions.member_centres(user)
        if centres is not None:
            queryset = queryset.filter(centre_id__in=centres)
    if filters.channel:
        queryset = queryset.filter(origin_channel=filters.channel)
    if filters.topic_id == NONE_ID:
        queryset = queryset.filter(topic__isnull=True)
    elif filters.topic_id:
        queryset = queryset.filter(
            Q(topic_id=filters.topic_id) | Q(topic__parent_id=filters.topic_id)
        )
    if filters.assignee == "me":
        queryset = queryset.filter(assignee_id=user.pk)
    elif filters.assignee == "none":
        queryset = queryset.filter(assignee__isnull=True)
    elif filters.assignee.isdigit():
        queryset = queryset.filter(assignee_id=int(filters.assignee))
    if filters.queue_id:
        queryset = queryset.filter(queue_id=filters.queue_id)
    if filters.priority:
        queryset = queryset.filter(priority=filters.priority)
    if filters.kind:
        queryset = queryset.filter(kind=filters.kind)
    if filters.tag_id:
        queryset = queryset.filter(tags=filters.tag_id)
    if filters.due == "today":
        queryset = queryset.filter(due_at__lt=_end_of_today())
    elif filters.due == "overdue":
        queryset = queryset.filter(due_at__lt=clock.now())
    elif filters.due == "week":
        queryset = queryset.filter(due_at__lt=_end_of_today() + dt.timedelta(days=6))
    if filters.received_from:
        queryset = queryset.filter(created_at__gte=_prague_midnight(filters.received_from))
    if filters.received_to:
        day_after = filters.received_to + dt.timedelta(days=1)
        queryset = queryset.filter(created_at__lt=_prague_midnight(day_after))
    if filters.municipality_id == NONE_ID:
        queryset = queryset.filter(municipality__isnull=True)
    elif filters.municipality_id:
        queryset = queryset.filter(municipality_id=filters.municipality_id)
    if filters.orp_id == NONE_ID:
        queryset = queryset.filter(municipality__orp__isnull=True)
    elif filters.orp_id:
        queryset = queryset.filter(municipality__orp_id=filters.orp_id)
    if filters.without_merged:
        queryset = queryset.filter(merged_into__isnull=True)
    if filters.answered:
        queryset = queryset.filter(first_response_at__isnull=filters.answered == "0")
    if filters.overdue:
        queryset = queryset.filter(sla_breached_at__isnull=False)
    if filters.rating:
        low, high = filters.rating
        # The rating is satisfaction's (above this floor): named by its relation, not imported.
        queryset = queryset.filter(rating__score__gte=low, rating__score__lte=high)
    text = filters.text.strip()
    if text:
        queryset = queryset.filter(_text_search(text))
    return queryset


# A search matching more requests than this is a common word: the list then walks its own order
# and tests each request's subject and requester's name (it fills a page soon), instead of
# collecting every match first.
SEARCH_FEW = 2000


# Shorter words are looked up only as a reference or a municipality: a trigram index serves
# "contains" from three letters on, and two letters would match half of every table anyway.
SEARCH_MIN_CONTAINS = 3


def _identities_typed(text: str) -> list[str]:
    """The identity values a typed e-mail address or phone number is stored as ("+420 777 123
    456", "777123456" and "00420777123456" are all "+420777123456")."""
    values = {text.lower()}
    if "@" in text:
        with suppress(InvalidIdentity):
            values.add(normalise_email(text))
    digits = sum(ch.isdigit() for ch in text)
    if digits >= 6 and not any(ch.isalpha() for ch in text):
        with suppress(InvalidIdentity):
            values.add(normalise_phone(text))
    return sorted(values)


def _text_search(text: str) -> Q:
    """What the list's search box finds, without regard to case or diacritics: the reference,
    the subject, the text of any message but an automatic one (VIK's acknowledgements and
    invitations, a mail server's auto-reply: the same words in every request), the requester's
    name, e-mail address or phone number (in any notation), and municipalities whose name
    starts so.

    The matching requests' ids are first read as one UNION ALL of index look-ups (a reference,
    a trigram index on the folded subject, people's message text and contact name, an
    identity); a common word (more than SEARCH_FEW matches) is tested on each request's subject
    and requester along the list's order instead, which fills a page soon (its matches only in
    message text are then not shown)."""
    folded = fold(text)
    contacts = Identity.objects.filter(value__in=_identities_typed(text)).values("contact_id")
    places = Municipality.objects.filter(search_name__startswith=folded).values("pk")
    parts: list[QuerySet[Any]] = [
        Request.objects.filter(reference=text.upper()).order_by().values("pk"),
        Request.objects.filter(requester_id__in=contacts).order_by().values("pk"),
        Request.objects.filter(municipality_id__in=places).order_by().values("pk"),
    ]
    if len(folded) >= SEARCH_MIN_CONTAINS:
        named = Contact.objects.filter(Contains(Folded("name"), folded)).values("pk")
        parts += [
            Request.objects.filter(Contains(Folded("subject"), folded)).order_by().values("pk"),
            Interaction.objects.filter(Contains(Folded("text"), folded), is_automatic=False)
            .order_by()
            .values("request_id"),
            Request.objects.filter(requester_id__in=named).order_by().values("pk"),
        ]
    # The matches of a rare word, found along the indexes (UNION ALL stops at the limit); an
    # OR of several IN-subqueries would make PostgreSQL test every request of the region.
    found = list(parts[0].union(*parts[1:], all=True)[: SEARCH_FEW + 1])
    if len(found) <= SEARCH_FEW:
        return Q(pk__in={row["pk"] for row in found})
    return (
        Q(reference=text.upper())
        | Q(requester_id__in=contacts)
        | Q(Contains(Folded("subject"), folded))
        | Q(Contains(Folded("requester__name"), folded))
    )


def requests_filtered(*, user: StaffUser, filters: RequestFilters) -> QuerySet[Request]:
    """Every request the user may see that matches `filters`, unordered (for counting)."""
    return _apply_filters(requests_for(user), filters, user).order_by()


def request_ids_capped(*, user: StaffUser, filters: RequestFilters, cap: int) -> QuerySet[Any]:
    """The ids of at least min(cap, all) matching requests and at most a few times `cap`: what a
    capped count counts (taking min(count, cap)). Like the list, each part of what the user
    sees is read on its own index where the database can (see `_page_candidates`)."""
    parts = permissions.requests_visible_parts(user)
    features = connections[Request.objects.db].features
    if len(parts) < 2 or not features.supports_slicing_ordering_in_compound:
        return requests_filtered(user=user, filters=filters).values("pk")[:cap]
    firsts = [
        _apply_filters(Request.objects.filter(part), filters, user).order_by().values("pk")[:cap]
        for part in parts
    ]
    return firsts[0].union(*firsts[1:])


def _page_candidates(
    *, user: StaffUser, filters: RequestFilters, cursor: str, limit: int
) -> QuerySet[Request]:
    """The requests the page is taken from (the caller orders and slices them).

    A member of a centre and of a region, or one with grants, sees the union of several
    filters; ORed in one WHERE they make PostgreSQL read and sort every matching row. Instead,
    each part takes its own first `limit + 1` rows along its index, and the page is chosen from
    those few (one statement still). SQLite cannot order and limit inside a UNION: it gets the
    plain OR, which is fine at its sizes.
    """

    def narrowed(queryset: QuerySet[Request]) -> QuerySet[Request]:
        queryset = _apply_filters(queryset, filters, user)
        return _after_cursor(queryset, filters.sort, cursor) if cursor else queryset

    parts = permissions.requests_visible_parts(user)
    features = connections[Request.objects.db].features
    if len(parts) < 2 or not features.supports_slicing_ordering_in_compound:
        return narrowed(requests_for(user))
    firsts = [
        narrowed(Request.objects.filter(part))
        .order_by(*_ordering(filters.sort))
        .values("pk")[: limit + 1]
        for part in parts
    ]
    return Request.objects.filter(pk__in=firsts[0].union(*firsts[1:]))


# What a page of the list reads of the requests' relations (their names): their other columns
# (a contact's or an agent's dozen, several timestamps each) were half of the page's ORM time.
_PAGE_RELATED_FIELDS = (
    "requester__name",
    "centre__name",
    "topic__name_cs",
    "topic__name_en",
    "assignee__first_name",
    "assignee__last_name",
    "assignee__username",
    "municipality__name",
)


# The request's own columns a page shows or orders by (the row, its time left, the cursor):
# the other two dozen (timestamps mostly, each parsed) were a third of the instances' cost. A
# page's caller that reads another column pays a query per request: the list's query-count
# tests catch that.
_PAGE_OWN_FIELDS = (
    "id",
    "reference",
    "subject",
    "status",
    "priority",
    "origin_channel",
    "created_at",
    "due_at",
    "sla_paused_at",
    "topic",
    "municipality",
    "requester",
    "centre",
    "assignee",
)


def _page_fields() -> tuple[str, ...]:
    """The columns a page shows (`_PAGE_OWN_FIELDS`) and the names of its relations
    (`_PAGE_RELATED_FIELDS`)."""
    return (*_PAGE_OWN_FIELDS, *_PAGE_RELATED_FIELDS)


def request_page(
    *, user: StaffUser, filters: RequestFilters, cursor: str = "", limit: int = PAGE_SIZE
) -> RequestPage:
    """One page of the requests the user may see in the order of `filters.sort`, continuing
    after `cursor`.

    Keyset pagination: the page costs the same at the millionth row as at the first.
    """
    queryset = _page_candidates(user=user, filters=filters, cursor=cursor, limit=limit)
    rows: list[Request] = list(
        queryset.select_related("requester", "centre", "topic", "assignee", "municipality")
        .only(*_page_fields())
        # As a list on each request (`tag_list`): a manager per request costs more than the rows.
        .prefetch_related(Prefetch("tags", to_attr="tag_list"))
        .order_by(*_ordering(filters.sort))[: limit + 1]
    )
    next_cursor = encode_cursor(rows[limit - 1], filters.sort) if len(rows) > limit else ""
    return RequestPage(items=rows[:limit], next_cursor=next_cursor)


def request_get(*, user: StaffUser, reference: str) -> Request:
    """The request, or 404 when it does not exist or the user may not see it (the same answer,
    so that references cannot be probed)."""
    request = (
        requests_for(user)
        .select_related("requester", "centre", "topic", "assignee", "municipality", "region")
        .filter(reference=reference)
        .first()
    )
    if request is None:
        raise Http404
    return request


def tracking_url(request: Request) -> str:
    """The citizen's private page of the request, as an absolute address."""
    return absolute_path_with("portal:tracking", request.public_token)


def request_timeline(*, request: Request, public_only: bool = False) -> list[Any]:
    """Interactions and events merged in time order (public view: public interactions only)."""
    interactions = request.interactions.select_related("author", "contact").prefetch_related(
        "attachments"
    )
    if public_only:
        return list(interactions.filter(visibility="public"))
    items: list[Interaction | TimelineEvent] = [
        *interactions,
        *request.events.select_related("actor"),
    ]
    return sorted(items, key=lambda item: (_when(item), item.pk))


def _when(item: Interaction | TimelineEvent) -> dt.datetime:
    return item.occurred_at if isinstance(item, Interaction) else item.created_at


def interaction_get(*, request: Request, pk: int) -> Interaction:
    """An interaction of `request` (which the caller got from `request_get`), or 404."""
    interaction = request.interactions.prefetch_related("attachments").filter(pk=pk).first()
    if interaction is None:
        raise Http404
    return interaction


# Inline (cid:) images shown from their attachment; anything else stays a download only.
INLINE_IMAGE_TYPES = frozenset({"image/png", "image/jpeg", "image/gif", "image/webp"})


@dataclass(frozen=True)
class FormattedMessage:
    html: SafeString
    remote_images: int  # how many <img> point at another server, loaded or not


def interaction_formatted(
    *, interaction: Interaction, remote_images: bool = False
) -> FormattedMessage:
    """The interaction's HTML (sanitised when it arrived) sanitised once more for showing.

    Inline images (`cid:`) point at their attachment on the staff page (same origin). Remote
    images are not requested unless `remote_images`: they become a text placeholder, like any
    image that cannot be shown, so that opening a message tells no tracker it was read.
    `interaction.request` and `interaction.attachments` are best already loaded.
    """
    reference = interaction.request.reference
    inline = {
        attachment.content_id: reverse("staff:attachment", args=[reference, attachment.pk])
        for attachment in interaction.attachments.all()
        if attachment.content_id and attachment.content_type in INLINE_IMAGE_TYPES
    }
    remote = 0

    def image_source(src: str) -> str | None:
        nonlocal remote
        scheme = url_scheme(src)
        if scheme == "cid":
            return inline.get(unquote(src.strip()[4:]).strip("<>"))
        if scheme in REMOTE_SCHEMES:
            remote += 1
            return src if remote_images else None
        return None

    html = sanitize_html(interaction.html, image_source=image_source)
    html = images_as_text(html, label=gettext("image"))
    return FormattedMessage(html=mark_safe(html), remote_images=remote)  # noqa: S308 — sanitised just above


# The network: transfers and consultations ------------------------------------------------------


@dataclass(frozen=True)
class ConsultationItem:
    consultation: Consultation
    can_answer: bool


@dataclass(frozen=True)
class RequestNetwork:
    """What the request page shows of the network, as one member of staff sees it."""

    centres: QuerySet[InformationCentre]  # where the request may go, or be asked about
    consultations: list[ConsultationItem]


def request_network(*, request: Request, user: StaffUser) -> RequestNetwork:
    centres = InformationCentre.objects.none()
    if permissions.can_work_request(user, request) and request.merged_into_id is None:
        centres = (
            InformationCentre.objects.filter(
                permissions.centres_to_move_to(user), region_id=request.region_id
            )
            .exclude(pk=request.centre_id or 0)
            .order_by("name")
        )
    consultations = [
        ConsultationItem(
            consultation=consultation,
            can_answer=consultation.is_open
            and permissions.can_answer_consultation(
                user, centre_id=consultation.to_centre_id, region_id=request.region_id
            ),
        )
        for consultation in request.consultations.select_related(
            "from_centre", "to_centre", "asked_by", "answered_by"
        )
    ]
    return RequestNetwork(centres=centres, consultations=consultations)


def request_transferred_from(*, request: Request) -> Transfer | None:
    """How the request came to its centre, if it was handed on (the latest transfer to it)."""
    return (
        request.transfers.filter(to_centre_id=request.centre_id or 0)
        .select_related("from_centre", "by")
        .order_by("-at", "-pk")
        .first()
    )


def consultations_open(*, user: StaffUser) -> list[Consultation]:
    """The unanswered questions the user may answer, oldest first."""
    return list(
        Consultation.objects.filter(
            permissions.consultations_answerable(user), answered_at__isnull=True
        )
        .select_related("request", "from_centre", "to_centre", "asked_by")
        .order_by("asked_at", "pk")
    )


def consultation_get(*, user: StaffUser, pk: int) -> Consultation:
    """A consultation the user may answer, or 404."""
    consultation = (
        Consultation.objects.filter(permissions.consultations_answerable(user), pk=pk)
        .select_related("request", "to_centre")
        .first()
    )
    if consultation is None:
        raise Http404
    return consultation


def requests_granted_to(centre_ids: Sequence[int]) -> list[int]:
    """The ids of the requests these centres read through an open grant (a transfer away, a
    consultation), ascending, each once. `permissions.requests_visible` asks it through the
    provider `ConversationsConfig.ready` registers: tenancy decides, conversations keeps the
    grants."""
    return list(
        RequestAccess.objects.filter(centre_id__in=centre_ids, revoked_at__isnull=True)
        .order_by("request_id")
        .values_list("request_id", flat=True)
        .distinct()
    )


def open_request_loads(agent_ids: Sequence[int]) -> Mapping[int, int]:
    """How many open requests each of the agents holds (agents without any are left out): the
    least-load assignment policy's measure."""
    return dict(
        Request.objects.filter(assignee_id__in=agent_ids, status__in=sorted(OPEN_STATUSES))
        .values("assignee_id")
        .annotate(load=Count("pk"))
        .values_list("assignee_id", "load")
    )


def with_statutory_provided_at(requests: QuerySet[Request]) -> QuerySet[Request]:
    """`requests` annotated with `statutory_provided_at`: when the information was provided
    (`vik.sla.statutory`): the last public reply a member of staff sent at or before the
    resolution, the extension notice not counted; the resolution itself without one; NULL while
    the request is not resolved. One subquery per row, for the reports of information requests
    (`vik.sla.statutory.request_statutory_outcome`)."""
    last_reply = (
        Interaction.objects.filter(
            request=OuterRef("pk"), direction=Direction.OUTBOUND, visibility=Visibility.PUBLIC,
            is_automatic=False, author__isnull=False, occurred_at__lte=OuterRef("resolved_at"),
        )
        .exclude(pk=Coalesce(OuterRef("statutory_extension_notice_id"), Value(0)))
        .order_by()
        .values("request")
        .annotate(last=Max("occurred_at"))
        .values("last")
    )  # fmt: skip
    return requests.annotate(
        statutory_provided_at=Case(
            When(resolved_at__isnull=True, then=None),
            default=Coalesce(Subquery(last_reply), F("resolved_at")),
        )
    )
