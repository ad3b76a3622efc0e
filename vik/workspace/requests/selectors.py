"""Reading what the request list offers besides its rows, and the contacts a clerk recording a
request may choose."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db.models import Q, QuerySet
from django.utils.translation import get_language

from vik.contacts.choices import IdentityKind
from vik.contacts.identities import InvalidIdentity, normalise_email, normalise_phone
from vik.contacts.models import Contact
from vik.contacts.selectors import contacts_for
from vik.conversations.choices import Status
from vik.conversations.models import Request, Tag
from vik.conversations.states import OPEN_STATUSES
from vik.core.memo import configured
from vik.core.text import html_join
from vik.routing.models import Queue
from vik.tenancy import permissions
from vik.tenancy.models import InformationCentre, User
from vik.topics.models import Topic

if TYPE_CHECKING:
    from django.utils.safestring import SafeString

    from vik.tenancy.types import StaffUser

WORKING_CENTRE = permissions.WORKING_CENTRE_ROLES
WORKING_REGION = permissions.WORKING_REGION_ROLES


@dataclass(frozen=True)
class BulkChoices:
    """What the list's action bar offers, each as the `<option>`s of its drop-down (printed
    once when remembered: a template loop over a region's colleagues cost every page)."""

    assignee_options: SafeString
    status_options: SafeString
    centre_options: SafeString


def bulk_choices(user: StaffUser) -> BulkChoices:
    """What the action bar offers (`_bulk_choices`), remembered per user, scope and language
    for VIK_CONFIG_MEMO_SECONDS in this process (`vik.core.memo.configured`): the colleagues
    and centres are configuration (tenancy), forgotten at once when this process changes it,
    seen by the other processes within those seconds."""
    key = ("vik.workspace.bulk_choices", user.pk, permissions.scope_for(user).key, get_language())
    return configured(key, lambda: _bulk_choices(user))


def _bulk_choices(user: StaffUser) -> BulkChoices:
    """Colleagues of the user's centres (and the region's coordinators), the statuses, and the
    centres requests may be transferred to (two queries)."""
    scope = permissions.scope_for(user)
    centres = permissions.member_centres(user) or []
    colleagues = (
        User.objects.filter(is_active=True)
        .filter(
            Q(memberships__centre_id__in=centres, memberships__role__in=sorted(WORKING_CENTRE))
            | Q(
                memberships__region_id__in=sorted(scope.region_ids),
                memberships__centre__isnull=True,
                memberships__role__in=sorted(WORKING_REGION),
            )
        )
        .exclude(pk=user.pk)
        .distinct()
        .order_by("last_name", "first_name", "username")
    )
    targets = InformationCentre.objects.filter(permissions.centres_to_move_to(user)).only(
        "pk", "name"
    )
    option = '<option value="{}">{}</option>'
    return BulkChoices(
        assignee_options=html_join(
            "", option, ((colleague.pk, colleague.display_name) for colleague in colleagues)
        ),
        status_options=html_join("", option, Status.choices),
        centre_options=html_join("", option, ((centre.pk, centre.name) for centre in targets)),
    )


# Finding the contact of a request a clerk records ---------------------------------------------

CONTACT_MATCHES = 8


@dataclass(frozen=True)
class ContactMatch:
    """A contact the clerk may choose, with their identities and open requests."""

    contact: Contact
    identities: list[str]
    open_requests: list[Request]


def _identity_query(query: str) -> Q | None:
    """The identity a typed phone number or e-mail address is stored as (any Czech notation of a
    number: "+420 777 123 456", "777123456", "00420777123456"), or None for a name."""
    digits = sum(ch.isdigit() for ch in query)
    if "@" in query:
        try:
            return Q(identities__kind=IdentityKind.EMAIL, identities__value=normalise_email(query))
        except InvalidIdentity:
            return Q(identities__kind=IdentityKind.EMAIL, identities__value__icontains=query)
    if digits >= 6 and not any(ch.isalpha() for ch in query):
        try:
            return Q(identities__kind=IdentityKind.PHONE, identities__value=normalise_phone(query))
        except InvalidIdentity:
            return Q(
                identities__kind=IdentityKind.PHONE,
                identities__value__contains="".join(ch for ch in query if ch.isdigit()),
            )
    return None


def contact_matches(*, user: StaffUser, query: str) -> list[ContactMatch]:
    """The contacts the user may see whose phone number, e-mail address or name matches what
    they typed (at least 2 characters), with the open requests of each that the user sees."""
    query = query.strip()
    if len(query) < 2:
        return []
    wanted = _identity_query(query) or Q(name__icontains=query)
    ids = list(
        contacts_for(user)
        .filter(wanted, merged_into__isnull=True)
        .order_by("name", "pk")
        .values_list("pk", flat=True)[:CONTACT_MATCHES]
    )
    contacts = (
        Contact.objects.filter(pk__in=ids).prefetch_related("identities").order_by("name", "pk")
    )
    open_requests: dict[int, list[Request]] = {}
    for request in (
        Request.objects.filter(permissions.requests_visible(user))
        .filter(requester_id__in=ids, status__in=sorted(OPEN_STATUSES), merged_into__isnull=True)
        .order_by("-created_at")
        .only("pk", "reference", "subject", "status", "requester_id", "created_at")
    ):
        open_requests.setdefault(request.requester_id, []).append(request)
    return [
        ContactMatch(
            contact=contact,
            identities=[identity.value for identity in contact.identities.all()],
            open_requests=open_requests.get(contact.pk, [])[:5],
        )
        for contact in contacts
    ]


def sees_one_centre(user: StaffUser) -> bool:
    """Whether everything the user sees belongs to one centre (an agent of one centre): the
    list's centre column and filter could not differ from row to row. No query: the user's scope
    is read once per request."""
    scope = permissions.scope_for(user)
    return (
        not scope.is_superuser
        and not scope.regions_with(permissions.VIEWING_REGION_ROLES)
        and len(scope.centres_with(permissions.VIEWING_CENTRE_ROLES)) == 1
    )


# The list's filter drop-downs read from the database --------------------------------------


@dataclass(frozen=True)
class FilterSets:
    """What the list's model drop-downs offer the user (querysets, not read yet)."""

    centres: QuerySet[InformationCentre]
    queues: QuerySet[Queue]
    tags: QuerySet[Tag]


def filter_sets(user: StaffUser) -> FilterSets:
    centres = InformationCentre.objects.filter(permissions.centres_visible(user))
    return FilterSets(
        centres=centres,
        queues=Queue.objects.filter(centre__in=centres).select_related("centre"),
        tags=Tag.objects.filter(region_id__in=centres.values("region_id")),
    )


def topic_label(topic: Topic) -> str:
    return f"{topic.parent.name} › {topic.name}" if topic.parent_id and topic.parent else topic.name


def topics_for_filter() -> QuerySet[Topic]:
    return Topic.objects.select_related("parent").order_by("parent__position", "position")


def filter_choices(user: StaffUser) -> dict[str, list[tuple[Any, str]]]:
    """The options of the list's model drop-downs (centre, queue, tag, topic) as (id, label),
    remembered per scope and language for VIK_CONFIG_MEMO_SECONDS in this process: four
    queries and a few hundred model instances a page before. Centres, queues and topics are
    configuration; the tags are counted as such too (`WorkspaceConfig.ready`): a change made in
    this process is seen at once, in the others within those seconds."""
    key = ("vik.workspace.filter_choices", permissions.scope_for(user).key, get_language())

    def read() -> dict[str, list[tuple[Any, str]]]:
        sets = filter_sets(user)
        return {
            "centre": [(centre.pk, str(centre)) for centre in sets.centres],
            "queue": [(queue.pk, str(queue)) for queue in sets.queues],
            "tag": [(tag.pk, str(tag)) for tag in sets.tags],
            "topic": [(topic.pk, topic_label(topic)) for topic in topics_for_filter()],
        }

    return configured(key, read)
