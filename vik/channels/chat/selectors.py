"""What the chat reads: the widget's target, whether anyone can answer now, a waiting chat's
place in the queue, the messages after a given number, and the console's lists."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import Avg, DurationField, ExpressionWrapper, F, Q, QuerySet
from django.utils.translation import gettext as _

from vik.core import clock
from vik.routing.services import RoutingFacts, routing_decide
from vik.tenancy import permissions
from vik.tenancy.choices import Role
from vik.tenancy.models import InformationCentre, Membership, OpeningHours, User
from vik.tenancy.types import StaffUser
from vik.territory.models import Municipality, Region

from .models import ChatMessage, ChatPresence, ChatSession, ChatState, Sender
from .services import Target, agent_name

DEFAULT_WAIT = dt.timedelta(minutes=2)  # the expected wait before any chat was answered


def target_find(*, centre: str = "", region: str = "", municipality: str = "") -> Target | None:
    """The widget's `data-centre` (a centre's slug), `data-municipality` (a ČSÚ code) or
    `data-region` (a region's abbreviation or code); None when it names nothing known."""
    if centre:
        found = _centre_by_slug(centre)
        return Target(region=found.region, centre=found) if found else None
    if municipality:
        place = Municipality.objects.filter(code=municipality).select_related("orp").first()
        region_found = _region_of(place)
        return Target(region=region_found, municipality=place) if place and region_found else None
    if region:
        found_region = Region.objects.filter(
            Q(abbreviation__iexact=region) | Q(code=region)
        ).first()
        return Target(region=found_region) if found_region else None
    return None


def _centre_by_slug(slug: str) -> InformationCentre | None:
    """The centre's slug ("vys-jihlava"), or its last part when only one centre has it
    ("jihlava"): what a municipality's web editor would write."""
    centres = InformationCentre.objects.filter(is_active=True).select_related("region")
    found = centres.filter(slug=slug).first()
    if found is not None:
        return found
    matching = list(centres.filter(slug__endswith=f"-{slug}")[:2])
    return matching[0] if len(matching) == 1 else None


def _region_of(place: Municipality | None) -> Region | None:
    if place is None:
        return None
    return Region.objects.filter(orps__municipalities=place).first()


def target_centres(target: Target) -> list[InformationCentre]:
    """The centres whose agents would answer the widget's chats: its centre; the centre the
    routing rules give a municipality; a region's centres."""
    if target.centre is not None:
        return [target.centre]
    if target.municipality is not None:
        decision = routing_decide(
            RoutingFacts(
                region=target.region,
                topic=None,
                municipality=target.municipality,
                account=None,
                channel="chat",
                kind="inquiry",
                language="cs",
                subject="",
                text="",
                requester_type="citizen",
            )
        )
        if decision.centre is not None:
            return [decision.centre]
    return list(InformationCentre.objects.filter(region=target.region, is_active=True))


def _fresh(now: dt.datetime) -> dt.datetime:
    return now - dt.timedelta(seconds=settings.VIK_CHAT_PRESENCE_SECONDS)


def agents_online(centre_ids: list[int], now: dt.datetime | None = None) -> list[int]:
    """Agents with an open console who work for one of the centres and are not absent."""
    now = now or clock.now()
    online = set(
        ChatPresence.objects.filter(seen_at__gte=_fresh(now)).values_list("user_id", flat=True)
    )
    if not online:
        return []
    members = Membership.objects.filter(
        user_id__in=online, centre_id__in=centre_ids, user__is_absent=False,
        role__in=permissions.WORKING_CENTRE_ROLES, user__is_active=True,
    )  # fmt: skip
    return sorted(set(members.values_list("user_id", flat=True)))


def is_open(centre: InformationCentre, now: dt.datetime | None = None) -> bool:
    """Within the centre's opening hours (Prague time); a centre without any is always open."""
    if not settings.VIK_CHAT_OPENING_HOURS:
        return True
    hours = list(OpeningHours.objects.filter(centre=centre))
    if not hours:
        return True
    local = (now or clock.now()).astimezone(clock.PRAGUE)
    weekday, time = local.isoweekday(), local.time()
    return any(h.weekday == weekday and h.opens <= time < h.closes for h in hours)


@dataclass(frozen=True)
class Availability:
    online: bool
    reason: str  # why not, in the citizen's language ('' when online)
    centres: list[int]


def availability(target: Target, now: dt.datetime | None = None) -> Availability:
    centres = target_centres(target)
    open_centres = [c.pk for c in centres if is_open(c, now)]
    if not open_centres:
        return Availability(False, _("The office is closed now."), [c.pk for c in centres])
    if not agents_online(open_centres, now):
        return Availability(False, _("No one can answer the chat right now."), open_centres)
    return Availability(True, "", open_centres)


def queue_place(session: ChatSession) -> tuple[int, int]:
    """A waiting chat's place in its centre's queue (1: next) and the expected wait in seconds,
    from how long the centre's last chats waited."""
    ahead = ChatSession.objects.filter(
        centre_id=session.centre_id, state=ChatState.WAITING, queued_at__lt=session.queued_at
    ).count()
    recent = ChatSession.objects.filter(
        centre_id=session.centre_id, accepted_at__isnull=False
    ).order_by("-accepted_at")[:20]
    waited = ChatSession.objects.filter(pk__in=list(recent.values_list("pk", flat=True))).aggregate(
        wait=Avg(ExpressionWrapper(F("accepted_at") - F("queued_at"), output_field=DurationField()))
    )["wait"]
    per_chat = waited if isinstance(waited, dt.timedelta) else DEFAULT_WAIT
    agents = max(len(agents_online([session.centre_id] if session.centre_id else [])), 1)
    expected = per_chat * (ahead + 1) / agents
    return ahead + 1, int(expected.total_seconds())


def messages_after(session: ChatSession, seq: int, *, for_citizen: bool) -> QuerySet[ChatMessage]:
    messages = session.messages.filter(seq__gt=seq).select_related("author", "attachment")
    if for_citizen:
        messages = messages.filter(internal=False)
    return messages.order_by("seq")


def message_frame(message: ChatMessage, *, for_citizen: bool) -> dict[str, Any]:
    """A message as both sides receive it. The citizen sees an agent by first name only."""
    name = ""
    if message.sender == Sender.AGENT and message.author is not None:
        name = agent_name(message.author) if for_citizen else message.author.display_name
    frame: dict[str, Any] = {
        "type": "message", "seq": message.seq, "id": message.client_id, "from": message.sender,
        "name": name, "text": message.text, "at": message.created_at.isoformat(),
    }  # fmt: skip
    if message.internal:
        frame["internal"] = True
    if message.attachment is not None:
        frame["file"] = {
            "name": message.attachment.filename,
            "size": message.attachment.size,
            "url": f"/chat/file/{message.session_id}/{message.attachment_id}/",
        }
    return frame


def citizen_state(session: ChatSession) -> dict[str, Any]:
    """The frame that tells the widget where its chat is."""
    frame: dict[str, Any] = {
        "type": "state", "state": session.state, "reference": session.request.reference,
        "last_seq": session.last_seq, "agent_read": session.agent_read_seq,
        "tracking": f"/sledovani/{session.request.public_token}/",
    }  # fmt: skip
    if session.state == ChatState.WAITING:
        position, wait = queue_place(session)
        frame |= {"position": position, "wait_seconds": wait}
        if not agents_online([session.centre_id] if session.centre_id else []):
            frame["offline"] = True
    elif session.agent is not None:
        frame["agent"] = agent_name(session.agent)
    if session.rating:
        frame["rating"] = session.rating
    return frame


def agent_sessions(user: StaffUser) -> QuerySet[ChatSession]:
    """The chats the agent is in: theirs and those they were invited to, not ended."""
    return (
        ChatSession.objects.filter(Q(agent=user) | Q(guests=user))
        .exclude(state=ChatState.CLOSED)
        .select_related("request", "request__requester", "agent", "centre")
        .distinct()
    )


def console_centres(user: StaffUser) -> list[int]:
    """The centres whose waiting chats the console offers the user."""
    return list(
        InformationCentre.objects.filter(permissions.centres_recording(user)).values_list(
            "pk", flat=True
        )
    )


def waiting_chats(centre_ids: list[int]) -> QuerySet[ChatSession]:
    return (
        ChatSession.objects.filter(centre_id__in=centre_ids, state=ChatState.WAITING)
        .select_related("request", "request__requester", "request__topic", "centre")
        .order_by("queued_at")
    )


def live_chats(user: StaffUser) -> QuerySet[ChatSession]:
    """A supervisor's view: every chat not ended in the centres they see."""
    centres = InformationCentre.objects.filter(permissions.centres_visible(user))
    return (
        ChatSession.objects.filter(centre__in=centres)
        .exclude(state=ChatState.CLOSED)
        .select_related("request", "request__requester", "agent", "centre")
        .order_by("state", "queued_at")
    )


def supervises_chats(user: StaffUser) -> bool:
    """Centre leads, the region's coordinators and administrators: the "Live chats" section."""
    scope = permissions.scope_for(user)
    return scope.is_superuser or bool(
        scope.regions_with(permissions.WORKING_REGION_ROLES)
        or scope.centres_with({Role.CENTRE_LEAD})
    )


@dataclass(frozen=True)
class LiveChat:
    """A row of the supervisor's table: how long it has waited, or been answered."""

    session: ChatSession
    seconds: int  # waiting: since it was queued; active: since it was accepted


def live_chat_rows(user: StaffUser) -> list[LiveChat]:
    now = clock.now()
    return [
        LiveChat(
            session,
            int((now - (session.accepted_at or session.queued_at)).total_seconds()),
        )
        for session in live_chats(user)[:200]
    ]


def colleagues(user: StaffUser, session: ChatSession) -> list[User]:
    """Whom the agent may hand the chat to or invite: agents of the chat's centre."""
    if session.centre_id is None:
        return []
    ids = Membership.objects.filter(
        centre_id=session.centre_id, role__in=permissions.WORKING_CENTRE_ROLES
    ).values_list("user_id", flat=True)
    people = User.objects.filter(pk__in=ids, is_active=True, is_absent=False)
    return list(people.exclude(pk=user.pk).order_by("last_name", "first_name"))


def _waiting_frame(session: ChatSession, now: dt.datetime) -> dict[str, Any]:
    request = session.request
    return {
        "chat": session.pk, "reference": request.reference,
        "name": request.requester.name or _("Anonymous citizen"),
        "topic": request.topic.name if request.topic else "",
        "centre": session.centre.name if session.centre else "",
        "subject": request.subject,
        "waiting_seconds": int((now - session.queued_at).total_seconds()),
    }  # fmt: skip


def console_queue(user: StaffUser) -> dict[str, Any]:
    """The waiting chats of the agent's centres, longest waiting first."""
    now = clock.now()
    waiting = waiting_chats(console_centres(user))[:100]
    return {
        "type": "queue",
        "waiting": [_waiting_frame(session, now) for session in waiting],
        "mine": ChatSession.objects.filter(agent=user, state=ChatState.ACTIVE).count(),
        "max": settings.VIK_CHAT_MAX_PER_AGENT,
        "absent": bool(getattr(user, "is_absent", False)),
    }


def console_chat(user: StaffUser, session: ChatSession, *, history: bool = True) -> dict[str, Any]:
    """One chat as the console shows it: who, where, its state and (with `history`) messages."""
    request = session.request
    frame: dict[str, Any] = {
        "type": "chat", "chat": session.pk, "state": session.state,
        "reference": request.reference, "request_url": f"/staff/requests/{request.reference}/",
        "name": request.requester.name or _("Anonymous citizen"),
        "contact_url": f"/staff/contacts/{request.requester_id}/",
        "topic": request.topic.name if request.topic else "",
        "municipality": request.municipality.name if request.municipality else "",
        "centre": session.centre.name if session.centre else "",
        "agent": session.agent.display_name if session.agent else "",
        "mine": session.agent_id == user.pk,
        "last_seq": session.last_seq, "citizen_read": session.citizen_read_seq,
        "page": session.page_url,
        "waiting_seconds": int((clock.now() - session.queued_at).total_seconds()),
    }  # fmt: skip
    if history:
        frame["messages"] = [
            message_frame(message, for_citizen=False)
            for message in messages_after(session, 0, for_citizen=False)[:500]
        ]
    return frame


def console_hello(user: StaffUser) -> dict[str, Any]:
    """What the console gets when it connects: its queue and the agent's chats with history."""
    return {
        "type": "hello",
        "user": user.pk,
        "queue": console_queue(user),
        "chats": [console_chat(user, session) for session in agent_sessions(user)],
    }
