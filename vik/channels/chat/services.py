"""The chat's writes: starting a chat (a request of the chat channel), storing each message before
anyone hears of it, taking, transferring and closing a chat, what each side has read, the
citizen's rating, and the agents' open consoles.

Everything here is synchronous ORM work; the consumers (`consumers.py`) call it through
`database_sync_to_async` and tell the other side only after it returned, so that a message is
stored before its sender's acknowledgement and before its delivery."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, connection, transaction
from django.utils.translation import gettext as _

from vik.abuse.ratelimit import limit_hit
from vik.channels.core.base import InboundAttachment
from vik.channels.core.choices import ChannelKind
from vik.channels.core.models import ChannelAccount
from vik.channels.core.selectors import sending_accounts
from vik.contacts.choices import IdentityKind
from vik.contacts.identities import InvalidIdentity, normalise_chat, normalise_email
from vik.contacts.services import contact_resolve
from vik.conversations import events
from vik.conversations import services as conversations
from vik.conversations.choices import Status
from vik.conversations.models import Request
from vik.core import clock
from vik.core.errors import VikError
from vik.satisfaction.services import RatingRefused, rating_record
from vik.tenancy import permissions
from vik.tenancy.models import InformationCentre, User
from vik.tenancy.types import StaffUser
from vik.territory.models import Municipality, Region
from vik.topics.models import Topic

from .models import ChatMessage, ChatPresence, ChatSession, ChatState, Sender


class ChatError(VikError):
    """A chat action that cannot be done; `code` is what the socket's error frame says."""

    def __init__(self, message: str, *, code: str) -> None:
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class Target:
    """Where a widget's chats go: a centre, else a municipality's, else a region's routing."""

    region: Region
    centre: InformationCentre | None = None
    municipality: Municipality | None = None


@dataclass(frozen=True)
class Posted:
    message: ChatMessage
    created: bool  # False: the sender sent it before (a retry), it is answered as stored


def chat_account(region: Region) -> ChannelAccount | None:
    return (
        ChannelAccount.objects.filter(region=region, kind=ChannelKind.CHAT, is_active=True)
        .order_by("pk")
        .first()
    )


@transaction.atomic
def chat_start(
    *,
    target: Target,
    text: str,
    name: str = "",
    email: str = "",
    topic: Topic | None = None,
    language: str = "cs",
    page_url: str = "",
    offered_articles: list[int] | None = None,
    client_id: str = "",
    visitor: str = "",
) -> ChatSession:
    """A citizen's new chat: their contact (by the e-mail they gave, else a new one), the request
    routed like any other (the widget's centre, else the routing rules), and their first message
    stored. `visitor`: the widget's id of the browser, an identity of the contact. The chat
    waits in its centre's queue for an agent."""
    text = text.strip()
    if not text:
        raise ChatError(_("Write your question first."), code="empty")
    identities: list[tuple[str, str]] = []
    try:
        if email.strip():
            identities.append((IdentityKind.EMAIL, normalise_email(email)))
        if visitor.strip():  # the widget's id of this browser: the same person's next chat
            identities.append((IdentityKind.CHAT, normalise_chat(visitor)))
    except InvalidIdentity as error:
        raise ChatError(str(error), code="email") from error
    contact = contact_resolve(region=target.region, identities=identities, name=name[:200])
    account = chat_account(target.region)
    now = clock.now()
    request = conversations.request_open(
        region=target.region, requester=contact, subject=text[:80], channel=ChannelKind.CHAT,
        account=account, topic=topic, municipality=target.municipality, centre=target.centre,
        language=language, opened_at=now, text=text,
    )  # fmt: skip
    session = ChatSession.objects.create(
        request=request, centre=request.centre, language=language, queued_at=now,
        page_url=page_url[:500], offered_articles=offered_articles or [],
    )  # fmt: skip
    message_post(session=session, sender=Sender.CITIZEN, text=text, client_id=client_id or "start")
    return session


def seq_next(session: ChatSession, *, read_by: str = "") -> int:
    """Take the conversation's next number in one UPDATE … RETURNING (the pattern of
    `reference_allocate`): the row stays locked until the commit, so that two processes never
    give one number twice. `read_by` (a sender): that side has read up to it, in the same
    statement. The session object learns the number, the chat's state and its centre as stored
    now (the caller's copy may be old: a widget's, loaded when it said hello)."""
    table = ChatSession._meta.db_table
    marks: dict[str, str] = {
        Sender.CITIZEN: "citizen_read_seq = last_seq + 1, ",
        Sender.AGENT: "agent_read_seq = last_seq + 1, ",
    }
    read = marks.get(read_by, "")
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET {read}last_seq = last_seq + 1 "  # noqa: S608 (own table, own SQL)
            "WHERE id = %s RETURNING last_seq, state, centre_id",
            [session.pk],
        )
        row = cursor.fetchone()
    if row is None:
        raise ChatError(_("This chat does not exist."), code="unknown_chat")
    session.last_seq, session.state, session.centre_id = int(row[0]), str(row[1]), row[2]
    if read_by == Sender.CITIZEN:
        session.citizen_read_seq = session.last_seq
    elif read_by == Sender.AGENT:
        session.agent_read_seq = session.last_seq
    return session.last_seq


def message_post(
    *,
    session: ChatSession,
    sender: str,
    text: str,
    client_id: str,
    author: StaffUser | None = None,
    internal: bool = False,
) -> Posted:
    """Store one message (and its interaction) before anyone is told; the same `client_id` from
    the same side again returns the stored message (a retry after a lost acknowledgement)."""
    text = text.strip()
    limit = settings.VIK_CHAT_MESSAGE_MAX_CHARS
    if not text:
        raise ChatError(_("The message is empty."), code="empty")
    if len(text) > limit:
        raise ChatError(
            _("The message is too long (at most %(limit)d characters).") % {"limit": limit},
            code="too_long",
        )
    if not client_id or len(client_id) > 64:
        raise ChatError(_("The message has no valid id."), code="bad_frame")
    try:  # a known id breaks the unique constraint: cheaper than asking first on every message
        with transaction.atomic():
            return Posted(_store(session, sender, text, client_id, author, internal), created=True)
    except IntegrityError:  # a retry, or the same message from a second socket at once
        existing = _stored(session, sender, client_id)
        if existing is None:
            raise
        return Posted(existing, created=False)


def _stored(session: ChatSession, sender: str, client_id: str) -> ChatMessage | None:
    return ChatMessage.objects.filter(session=session, sender=sender, client_id=client_id).first()


def _store(
    session: ChatSession,
    sender: str,
    text: str,
    client_id: str,
    author: StaffUser | None,
    internal: bool,
) -> ChatMessage:
    # The session's row first (as chat_accept and chat_close lock it): its number and its state
    # as stored now.
    seq = seq_next(session, read_by=sender)
    request = Request.objects.select_related("origin_account", "requester").get(
        pk=session.request_id
    )
    now = clock.now()
    interaction = None
    if sender != Sender.SYSTEM:
        interaction = conversations.chat_interaction_record(
            request=request, account=request.origin_account, text=text, occurred_at=now,
            agent=author if sender == Sender.AGENT else None, internal=internal,
        )  # fmt: skip
    message = ChatMessage.objects.create(
        session=session, seq=seq, sender=sender, author=author, client_id=client_id, text=text,
        internal=internal, interaction=interaction, created_at=now,
    )  # fmt: skip
    if sender == Sender.CITIZEN and session.state == ChatState.CLOSED:
        # The citizen came back from the tracking link: the chat queues again.
        session.state, session.agent, session.closed_at = ChatState.WAITING, None, None
        session.queued_at, session.accepted_at = now, None
        session.save(update_fields=["state", "agent", "closed_at", "queued_at", "accepted_at"])
        session.__dict__["_reopened"] = True
    return message


def reopened(session: ChatSession) -> bool:
    """Whether the last message stored on this session object queued the ended chat again."""
    return bool(session.__dict__.get("_reopened"))


def system_post(session: ChatSession, text: str, key: str) -> ChatMessage:
    """A line of VIK itself in the conversation ("Jana has joined"), stored like a message; the
    session remembers it for the caller to announce (`announced`)."""
    message = message_post(session=session, sender=Sender.SYSTEM, text=text, client_id=key).message
    session.__dict__.setdefault("_announced", []).append(message.pk)
    return message


def announced(session: ChatSession) -> list[int]:
    """The system lines the last service call on this session object wrote."""
    return list(session.__dict__.get("_announced", []))


def _agent_load(user: StaffUser) -> int:
    return ChatSession.objects.filter(agent=user, state=ChatState.ACTIVE).count()


def can_take_more(user: StaffUser) -> bool:
    return _agent_load(user) < settings.VIK_CHAT_MAX_PER_AGENT


@transaction.atomic
def chat_accept(*, session_id: int, agent: StaffUser) -> ChatSession:
    """The agent takes a waiting chat: the first to accept has it, up to their maximum."""
    session = _for_update(session_id)
    _require_work(agent, session)
    if session.state != ChatState.WAITING:
        if session.agent_id == agent.pk and session.state == ChatState.ACTIVE:
            return session
        raise ChatError(_("A colleague has already taken this chat."), code="taken")
    if not can_take_more(agent):
        raise ChatError(
            _("You have as many chats as you can take (%(limit)d).")
            % {"limit": settings.VIK_CHAT_MAX_PER_AGENT},
            code="full",
        )
    session.state, session.agent, session.accepted_at = ChatState.ACTIVE, agent, clock.now()
    session.save(update_fields=["state", "agent", "accepted_at"])
    request = session.request
    if request.assignee_id != agent.pk and permissions.can_be_assigned(agent, request):
        conversations.request_assign(request=request, assignee=agent, by=agent)
    system_post(
        session, _("%(name)s has joined the chat.") % {"name": agent_name(agent)},
        key=f"accept:{session.accepted_at.timestamp()}",
    )  # fmt: skip
    return session


def agent_name(agent: StaffUser) -> str:
    """What the citizen sees of the agent: the first name (staff are not named in full)."""
    return agent.first_name or agent.display_name


def _for_update(session_id: int) -> ChatSession:
    try:
        return (
            ChatSession.objects.select_for_update(of=("self",))
            .select_related("request", "agent")
            .get(pk=session_id)
        )
    except ChatSession.DoesNotExist:
        raise ChatError(_("This chat does not exist."), code="unknown_chat") from None


def _require_work(user: StaffUser, session: ChatSession) -> None:
    if not permissions.can_work_request(user, session.request):
        raise ChatError(_("You may not work on this chat."), code="forbidden")


def may_see(user: StaffUser, session: ChatSession) -> bool:
    return bool(
        session.agent_id == user.pk
        or session.guests.filter(pk=user.pk).exists()
        or permissions.can_view_request(user, session.request)
    )


@transaction.atomic
def chat_close(*, session_id: int, by: StaffUser | None) -> ChatSession:
    """End the chat. An agent closing it resolves its request; the citizen leaving only ends the
    conversation (an unanswered question stays in the centre's queue)."""
    session = _for_update(session_id)
    if session.state == ChatState.CLOSED:
        return session
    if by is not None:
        _require_work(by, session)
    session.state, session.closed_at = ChatState.CLOSED, clock.now()
    session.save(update_fields=["state", "closed_at"])
    request = session.request
    if by is None:
        system_post(session, _("The citizen has left the chat."), key=f"left:{session.closed_at}")
        return session
    system_post(session, _("The chat has ended."), key=f"closed:{session.closed_at}")
    if request.status in (Status.NEW, Status.OPEN, Status.WAITING_CITIZEN, Status.WAITING_OFFICE):
        conversations.request_set_status(request=request, status=Status.RESOLVED, by=by)
    return session


@transaction.atomic
def chat_transfer(
    *,
    session_id: int,
    by: StaffUser,
    to_user: StaffUser | None = None,
    to_centre: InformationCentre | None = None,
    reason: str = "",
) -> ChatSession:
    """Hand the chat to a colleague (it becomes theirs at once) or to another centre (it waits
    in that centre's queue, with the whole history; the request moves there too)."""
    session = _for_update(session_id)
    _require_work(by, session)
    if session.state == ChatState.CLOSED:
        raise ChatError(_("The chat has ended."), code="closed")
    request = session.request
    if to_centre is not None and to_centre.pk != request.centre_id:
        if not permissions.can_transfer_request_to(by, request, to_centre):
            raise ChatError(_("You may not transfer this chat there."), code="forbidden")
        conversations.request_transfer(
            request=request, centre=to_centre, reason=reason or _("Chat transferred."), by=by
        )
        session.centre, session.agent, session.state = to_centre, None, ChatState.WAITING
        session.queued_at, session.accepted_at = clock.now(), None
        session.save(update_fields=["centre", "agent", "state", "queued_at", "accepted_at"])
        system_post(
            session, _("You are being transferred to %(centre)s.") % {"centre": to_centre.name},
            key=f"transfer:{session.queued_at.timestamp()}",
        )  # fmt: skip
        return session
    if to_user is None:
        raise ChatError(_("Choose a colleague or a centre."), code="bad_frame")
    if not permissions.can_be_assigned(to_user, request):
        raise ChatError(_("This colleague cannot take the chat."), code="forbidden")
    session.agent, session.state = to_user, ChatState.ACTIVE
    session.accepted_at = clock.now()
    session.save(update_fields=["agent", "state", "accepted_at"])
    conversations.request_assign(request=request, assignee=to_user, by=by)
    system_post(
        session, _("%(name)s has taken over the chat.") % {"name": agent_name(to_user)},
        key=f"handover:{session.accepted_at.timestamp()}",
    )  # fmt: skip
    return session


@transaction.atomic
def chat_invite(*, session_id: int, by: StaffUser, guest: StaffUser) -> ChatSession:
    session = _for_update(session_id)
    _require_work(by, session)
    if not permissions.can_view_request(guest, session.request):
        raise ChatError(_("This colleague may not see the request."), code="forbidden")
    session.guests.add(guest)
    events.note_added(request=session.request, by=by)
    return session


def read_mark(*, session: ChatSession, side: str, seq: int) -> int:
    """What one side has read, up to `seq` (never backwards); returns the mark kept."""
    field = "citizen_read_seq" if side == Sender.CITIZEN else "agent_read_seq"
    ChatSession.objects.filter(pk=session.pk, last_seq__gte=seq, **{f"{field}__lt": seq}).update(
        **{field: seq}
    )
    kept: int = ChatSession.objects.values_list(field, flat=True).get(pk=session.pk)
    return kept


@transaction.atomic
def chat_rate(*, session: ChatSession, score: int, comment: str = "") -> None:
    """The citizen's rating at the end of the chat: kept with the chat, and recorded as the
    request's satisfaction rating (vik.satisfaction, channel chat), so that the citizen is
    not asked again when the request is resolved. Rating again changes it (idempotent)."""
    if not 1 <= score <= 5:
        raise ChatError(_("Rate from 1 to 5."), code="bad_frame")
    try:
        rating_record(
            request=session.request, score=score, comment=comment, channel=ChannelKind.CHAT,
            while_open=True,
        )  # fmt: skip
    except RatingRefused as error:
        raise ChatError(str(error), code="bad_frame") from error
    session.rating, session.rating_comment = score, comment.strip()[:2000]
    session.save(update_fields=["rating", "rating_comment"])


def presence_beat(*, user: User, channel_name: str) -> None:
    now = clock.now()
    updated = ChatPresence.objects.filter(channel_name=channel_name).update(seen_at=now)
    if not updated:
        ChatPresence.objects.create(user=user, channel_name=channel_name, seen_at=now)


def presence_leave(*, channel_name: str) -> None:
    ChatPresence.objects.filter(channel_name=channel_name).delete()


def presence_sweep(now: dt.datetime | None = None) -> int:
    cutoff = (now or clock.now()) - dt.timedelta(seconds=settings.VIK_CHAT_PRESENCE_SECONDS)
    deleted, _kinds = ChatPresence.objects.filter(seen_at__lt=cutoff).delete()
    return deleted


def transcript_text(session: ChatSession) -> str:
    """The conversation as the citizen saw it, for the e-mail they asked for."""
    lines = [
        _("Chat %(reference)s") % {"reference": session.request.reference},
        _("Follow it at %(url)s")
        % {"url": f"{settings.SITE_URL}/sledovani/{session.request.public_token}/"},
        "",
    ]
    for message in session.messages.filter(internal=False).select_related("author"):
        who = {
            str(Sender.CITIZEN): _("You"),
            str(Sender.AGENT): agent_name(message.author) if message.author else _("Office"),
            str(Sender.SYSTEM): "VIK",
        }[message.sender]
        at = message.created_at.astimezone(clock.PRAGUE)
        lines.append(f"[{at:%H:%M}] {who}: {message.text}")
    return "\n".join(lines)


@transaction.atomic
def transcript_send(*, session_id: int, email: str) -> str:
    """E-mail the transcript to the citizen (to `email`, else the address they gave), through
    the centre's (else the region's) e-mail account; returns the address."""
    session = _for_update(session_id)
    request = session.request
    address = ""
    try:
        if email.strip():
            address = normalise_email(email)
    except InvalidIdentity as error:
        raise ChatError(str(error), code="email") from error
    if not address:
        known = request.requester.identities.filter(kind=IdentityKind.EMAIL).order_by("pk").first()
        address = known.value if known else ""
    if not address:
        raise ChatError(_("Enter the e-mail address for the transcript."), code="email")
    account = sending_accounts(
        region_id=request.region_id, centre_id=request.centre_id, kinds=[ChannelKind.EMAIL]
    ).get(ChannelKind.EMAIL)
    if account is None:
        raise ChatError(_("The office cannot send e-mail now."), code="unavailable")
    limit = limit_hit("chat_transcript", str(session.pk))
    if limit.refused:
        raise ChatError(_("The transcript has been sent already; wait a moment."), code="flood")
    conversations.request_text_queue(
        request=request, account=account, recipient=address, text=transcript_text(session)
    )
    return address


@transaction.atomic
def file_post(*, session: ChatSession, upload: UploadedFile, client_id: str) -> ChatMessage:
    """The citizen's file (checked already, `vik.core.filetypes.uploads_check`): a message whose
    text is the file's name, with the file attached to its interaction."""
    name = upload.name or _("attachment")
    posted = message_post(
        session=session, sender=Sender.CITIZEN, text=name, client_id=client_id or f"file:{name}"
    )
    message = posted.message
    if not posted.created or message.interaction is None:
        return message
    content = upload.read()
    conversations.attachments_store(
        [
            (
                message.interaction,
                [
                    InboundAttachment(
                        filename=name,
                        content_type=upload.content_type or "application/octet-stream",
                        content=content,
                    )
                ],
            )
        ]
    )
    message.attachment = message.interaction.attachments.order_by("-pk").first()
    message.save(update_fields=["attachment"])
    return message
