"""The chat's HTTP side: the widget's script, its small JSON API (whether anyone can chat, start
a chat, leave a message, send a file, article suggestions), the file downloads, the sample
municipal page `/chat/demo/` and the agents' console `/staff/chat/`.

The API is called from other sites (a municipality's own pages): it answers any origin, but never
with credentials; a chat's token, not a cookie, names the conversation. Every endpoint is
rate-limited per address like the portal's forms.
"""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import Any
from urllib.parse import quote

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBase,
    JsonResponse,
)
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import translation
from django.utils.html import strip_tags
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from vik.abuse.ratelimit import limit_request
from vik.audit.services import client_ip
from vik.channels.core.services import inbound_accept
from vik.conversations import services as conversations
from vik.conversations.models import Attachment
from vik.conversations.selectors import request_network
from vik.core import clock
from vik.core.downloads import attachment_response
from vik.core.filetypes import uploads_check
from vik.core.middleware import content_security_policy
from vik.knowledge.choices import UsageKind, UsageWhere
from vik.knowledge.models import Article
from vik.knowledge.selectors import article_search
from vik.knowledge.services import search_usage_record, usage_record
from vik.tenancy import permissions
from vik.tenancy.decorators import staff_member_required
from vik.tenancy.types import StaffRequest
from vik.topics.models import Topic
from vik.workspace.collaboration.selectors import macros_for_request
from vik.workspace.requests.views import knowledge_suggestions

from . import selectors, services
from .adapter import PAYLOAD_CONTENT_TYPE, payload_body
from .models import ChatMessage, ChatSession
from .services import ChatError, Target

WIDGET_JS = Path(__file__).parent / "static" / "chat" / "widget.js"
SUGGESTIONS = 3
# The sample page holds itself to what a careful municipality's site would send: no inline
# script or style at all (the widget styles its shadow root with a constructable stylesheet).
DEMO_POLICY = content_security_policy(
    style_src="'self'", connect_src="'self' ws: wss:", img_src="'self' data:"
)
# The page that continues a chat from the tracking link: VIK's own policy, and its socket.
CONTINUE_POLICY = content_security_policy(connect_src="'self' ws: wss:")


def _cors(response: HttpResponseBase) -> HttpResponseBase:
    response["Access-Control-Allow-Origin"] = "*"
    response["Access-Control-Allow-Methods"] = "GET, POST, OPTIONS"
    response["Access-Control-Allow-Headers"] = "Content-Type"
    response["Access-Control-Max-Age"] = "600"
    response["Vary"] = "Origin"
    return response


def _json(data: dict[str, Any], status: int = 200) -> HttpResponseBase:
    return _cors(JsonResponse(data, status=status, json_dumps_params={"ensure_ascii": False}))


def _error(code: str, reason: str, status: int = 422, **extra: Any) -> HttpResponseBase:
    return _json({"error": code, "reason": reason, **extra}, status=status)


def _limited(request: HttpRequest, scope: str) -> HttpResponseBase | None:
    verdict = limit_request(request, scope)
    if not verdict.refused:
        return None
    response = _error(
        "rate_limited", _("Too many requests; try again in a while."), status=429,
        retry_after=verdict.retry_after,
    )  # fmt: skip
    response["Retry-After"] = str(verdict.retry_after)
    return response


def _body(request: HttpRequest) -> dict[str, Any]:
    try:
        data = json.loads(request.body.decode("utf-8") or "{}")
    except (UnicodeDecodeError, ValueError):
        raise ChatError(_("The request is not valid JSON."), code="bad_request") from None
    if not isinstance(data, dict):
        raise ChatError(_("The request is not valid JSON."), code="bad_request")
    return data


def _str(data: dict[str, Any], key: str, limit: int = 200) -> str:
    value = data.get(key, "")
    return value.strip()[:limit] if isinstance(value, str) else ""


def _target(data: dict[str, Any]) -> Target:
    target = selectors.target_find(
        centre=_str(data, "centre", 80),
        region=_str(data, "region", 16),
        municipality=_str(data, "municipality", 8),
    )
    if target is None:
        raise ChatError(_("This chat is not set up (unknown centre or region)."), code="target")
    return target


def _language(data: dict[str, Any]) -> str:
    language = _str(data, "language", 8)
    return language if language in ("cs", "en") else "cs"


def _api(view: Any) -> Any:
    """JSON in, JSON out, any origin; preflight answered; a ChatError is a 422 with its code."""

    @csrf_exempt  # no cookie authenticates these calls: the chat's token does
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if request.method == "OPTIONS":
            return _cors(HttpResponse(status=204))
        data = request.GET.dict() if request.method == "GET" else {}
        language = _language(data) if data else "cs"
        try:
            if request.method == "POST" and request.content_type == "application/json":
                data = _body(request)
                language = _language(data)
            with translation.override(language):
                return view(request, data, *args, **kwargs)  # type: ignore[no-any-return]
        except ChatError as refused:
            with translation.override(language):
                return _error(refused.code, str(refused))

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return wrapped


@require_http_methods(["GET", "OPTIONS"])
@_api
def status(request: HttpRequest, data: dict[str, Any]) -> HttpResponseBase:
    """Whether anyone can chat now, and the topics to choose from."""
    if limited := _limited(request, "chat_status"):
        return limited
    target = _target(data)
    available = selectors.availability(target)
    topics = Topic.objects.filter(is_active=True).order_by("name_cs")[:50]
    english = translation.get_language() == "en"
    return _json(
        {
            "online": available.online,
            "reason": available.reason,
            "topics": [
                {
                    "id": topic.pk,
                    "name": (topic.name_en if english and topic.name_en else topic.name_cs),
                }
                for topic in topics
            ],
            "max_chars": settings.VIK_CHAT_MESSAGE_MAX_CHARS,
            "max_file_bytes": settings.VIK_ATTACHMENT_MAX_BYTES,
        }
    )


@require_http_methods(["POST", "OPTIONS"])
@_api
def start(request: HttpRequest, data: dict[str, Any]) -> HttpResponseBase:
    """Start a chat: 201 with its token; 409 `offline` when no one can answer (the widget then
    offers to leave a message, with what the citizen wrote)."""
    if limited := _limited(request, "chat_start"):
        return limited
    target = _target(data)
    available = selectors.availability(target)
    if not available.online:
        return _error("offline", available.reason, status=409)
    topic = _topic(data)
    articles = [a for a in data.get("articles", []) if isinstance(a, int)][:10]
    session = services.chat_start(
        target=target, text=_str(data, "text", settings.VIK_CHAT_MESSAGE_MAX_CHARS + 1),
        name=_str(data, "name"), email=_str(data, "email", 254), topic=topic,
        language=_language(data), page_url=_str(data, "page", 500), offered_articles=articles,
        client_id=_str(data, "id", 64) or uuid.uuid4().hex, visitor=_str(data, "visitor", 128),
    )  # fmt: skip
    transaction.on_commit(lambda: _queue_changed(session.centre_id))
    return _json(
        {
            "token": session.token,
            "chat": session.pk,
            "reference": session.request.reference,
            "tracking": f"{settings.SITE_URL}/sledovani/{session.request.public_token}/",
        },
        status=201,
    )


def _topic(data: dict[str, Any]) -> Topic | None:
    topic_id = data.get("topic")
    if isinstance(topic_id, str) and topic_id.isdigit():
        topic_id = int(topic_id)
    if not isinstance(topic_id, int):
        return None
    return Topic.objects.filter(pk=topic_id, is_active=True).first()


def _queue_changed(centre_id: int | None) -> None:
    layer = get_channel_layer()
    if layer is not None and centre_id is not None:
        async_to_sync(layer.group_send)(f"chat-c-{centre_id}", {"type": "queue.changed"})


@require_http_methods(["POST", "OPTIONS"])
@_api
def offline(request: HttpRequest, data: dict[str, Any]) -> HttpResponseBase:
    """Leave a message when no one can chat: stored as a raw payload of the chat account and
    made a request by the workers; the answer comes by e-mail."""
    if limited := _limited(request, "chat_offline"):
        return limited
    target = _target(data)
    text = _str(data, "text", settings.VIK_CHAT_MESSAGE_MAX_CHARS + 1)
    email = _str(data, "email", 254)
    problems: dict[str, str] = {}
    if not text:
        problems["text"] = _("Write your question.")
    elif len(text) > settings.VIK_CHAT_MESSAGE_MAX_CHARS:
        problems["text"] = _("The message is too long (at most %(limit)d characters).") % {
            "limit": settings.VIK_CHAT_MESSAGE_MAX_CHARS
        }
    try:
        validate_email(email)
    except ValidationError:
        problems["email"] = _("Enter the e-mail address the answer should go to.")
    if problems:
        return _error("invalid", _("Check the highlighted fields."), fields=problems)
    account = services.chat_account(target.region)
    if account is None:
        return _error("unavailable", _("This office takes no messages here."), status=503)
    topic = _topic(data)
    body = payload_body(
        {
            "kind": "offline",
            "name": _str(data, "name"),
            "email": email,
            "message": text,
            "topic_id": topic.pk if topic else None,
            "municipality_code": target.municipality.code if target.municipality else "",
            "centre": target.centre.slug if target.centre else "",
            "language": _language(data),
            "page": _str(data, "page", 500),
            "submitted_at": clock.now().isoformat(),
        }
    )
    key = _str(data, "id", 64) or uuid.uuid4().hex
    payload, _created = inbound_accept(
        account=account, idempotency_key=f"offline:{key}", body=body,
        content_type=PAYLOAD_CONTENT_TYPE, metadata={"client_ip": client_ip(request)},
    )  # fmt: skip
    return _json({"received": True, "id": payload.pk}, status=202)


@require_http_methods(["GET", "OPTIONS"])
@_api
def suggest(request: HttpRequest, data: dict[str, Any]) -> HttpResponseBase:
    """Knowledge articles for what the citizen is typing (read as the public)."""
    if limited := _limited(request, "suggestions"):
        return limited
    query = _str(data, "q", 500)
    if len(query) < 3:
        return _json({"articles": []})
    hits = article_search(
        query=query, viewer=AnonymousUser(), limit=SUGGESTIONS,
        language=translation.get_language() or "cs",
    )  # fmt: skip
    search_usage_record(query=query, hits=hits, where=UsageWhere.FORM_SUGGESTIONS)
    return _json(
        {
            "articles": [
                {
                    "id": hit.article.pk,
                    "title": hit.version.title,
                    "snippet": strip_tags(hit.snippet),
                    "url": settings.SITE_URL
                    + reverse("portal:knowledge_article", args=[hit.article.slug])
                    + f"?q={quote(query[:300])}",
                }
                for hit in hits
            ]
        }
    )


@require_http_methods(["POST", "OPTIONS"])
@_api
def deflected(request: HttpRequest, data: dict[str, Any]) -> HttpResponseBase:
    """The citizen opened a suggested article and left the widget satisfied without chatting:
    a deflection in the knowledge metrics (docs/knowledge.md), as on the portal. The widget
    sends it once per visit; the rate limit keeps a script from inflating the figure."""
    if limited := _limited(request, "chat_deflected"):
        return limited
    article_id = data.get("article")
    article = (
        Article.objects.filter(permissions.articles_readable(AnonymousUser()), pk=article_id)
        .only("pk", "topic_id", "centre_id")
        .first()
        if isinstance(article_id, int) and not isinstance(article_id, bool)
        else None
    )
    if article is None:
        return _error("unknown_article", _("This article does not exist."), status=404)
    target = selectors.target_find(
        centre=_str(data, "centre", 80),
        region=_str(data, "region", 16),
        municipality=_str(data, "municipality", 8),
    )
    centre_id = target.centre.pk if target is not None and target.centre else article.centre_id
    usage_record(
        kind=UsageKind.DEFLECTED, where=UsageWhere.FORM_SUGGESTIONS, article=article,
        centre_id=centre_id,
    )  # fmt: skip
    return _json({"counted": True}, status=202)


@require_http_methods(["POST", "OPTIONS"])
@_api
def upload(request: HttpRequest, data: dict[str, Any]) -> HttpResponseBase:
    """A file in the conversation (multipart: `token`, `id`, `file`), by the web form's checks."""
    if limited := _limited(request, "chat_upload"):
        return limited
    session = ChatSession.objects.filter(token=request.POST.get("token", "")).first()
    if session is None:
        return _error("unknown_chat", _("This chat does not exist."), status=404)
    files = request.FILES.getlist("file")
    with translation.override(session.language if session.language in ("cs", "en") else "cs"):
        # A multipart post names no language: the refusal speaks the chat's.
        if len(files) != 1:
            return _error("bad_request", _("Send one file."))
        accepted, problems = uploads_check(files)
        if problems:
            return _error("file_refused", problems[0])
    message = services.file_post(
        session=session, upload=accepted[0], client_id=request.POST.get("id", "")[:64]
    )
    _publish(message)
    return _json({"seq": message.seq, "id": message.client_id}, status=201)


def _publish(message: ChatMessage) -> None:
    layer = get_channel_layer()
    if layer is None:
        return
    async_to_sync(layer.group_send)(
        f"chat-s-{message.session_id}",
        {
            "type": "chat.message",
            "chat": message.session_id,
            "citizen": selectors.message_frame(message, for_citizen=True),
            "staff": selectors.message_frame(message, for_citizen=False),
        },
    )


@require_GET
def file_download(request: HttpRequest, chat: int, pk: int) -> HttpResponseBase:
    """A file of the conversation: for the citizen by the chat's token (`?t=`), for staff who
    may see the request."""
    session = get_object_or_404(ChatSession.objects.select_related("request"), pk=chat)
    attachment = get_object_or_404(Attachment, pk=pk, interaction__request_id=session.request_id)
    token = request.GET.get("t", "")
    if token:
        if token != session.token:
            raise Http404
    elif not (
        request.user.is_authenticated
        and permissions.can_view_request(request.user, session.request)
    ):
        raise Http404
    else:
        conversations.request_attachment_downloaded(
            request=session.request, attachment=attachment, by=request.user, http_request=request
        )
    response: FileResponse = attachment_response(attachment)
    return response


@require_GET
def widget_js(request: HttpRequest) -> HttpResponse:
    """The one script a municipal site embeds; cached for an hour, any origin may load it."""
    response = HttpResponse(WIDGET_JS.read_bytes(), content_type="text/javascript; charset=utf-8")
    response["Cache-Control"] = "public, max-age=3600"
    response["Access-Control-Allow-Origin"] = "*"
    response["Cross-Origin-Resource-Policy"] = "cross-origin"
    return response


@require_GET
def demo(request: HttpRequest) -> HttpResponse:
    """A sample municipal page with the widget, under a strict Content-Security-Policy."""
    centre = request.GET.get("centre", settings.VIK_CHAT_DEMO_CENTRE)[:80]
    language = request.GET.get("lang", "")
    response = render(
        request,
        "chat/demo.html",
        {"centre": centre, "language": language if language in ("cs", "en") else ""},
    )
    response["Content-Security-Policy"] = DEMO_POLICY
    return response


@require_GET
def resume(request: HttpRequest, token: str) -> HttpResponse:
    """Continue a chat later from its request's tracking link: the widget opens on that chat
    (a message in an ended chat opens it again). The page carries the chat's token, so no
    copy of it is kept on the way."""
    session = get_object_or_404(
        ChatSession.objects.select_related("request", "centre"), request__public_token=token
    )
    response = render(
        request,
        "chat/resume.html",
        {
            "item": session.request,
            "token": session.token,
            "centre": session.centre.slug if session.centre else "",
            "language": session.language if session.language in ("cs", "en") else "cs",
        },
    )
    response["Content-Security-Policy"] = CONTINUE_POLICY
    response["Cache-Control"] = "no-store"
    response["Referrer-Policy"] = "no-referrer"
    return response


@staff_member_required
def console(request: StaffRequest) -> HttpResponse:
    """The agents' chat console: the queue, my chats, live chats of the centres for leads.
    The page is a shell; `static/chat/console.js` fills it from the console's WebSocket."""
    if not permissions.can_record_any_request(request.user):
        raise Http404
    return render(
        request,
        "chat/console.html",
        {
            "max_chats": settings.VIK_CHAT_MAX_PER_AGENT,
            "supervisor": selectors.supervises_chats(request.user),
            "live": _live_rows(request),
            "is_absent": request.user.is_absent,
            "strings": _console_strings(),
        },
    )


def _console_strings() -> dict[str, str]:
    """The console script's words, translated here (`%s` is filled in by the script)."""
    return {
        "connected": _("Connected."),
        "reconnecting": _("The connection dropped; connecting again…"),
        "signed_out": _("You are signed out: sign in again and reload the page."),
        "accept": _("Accept"),
        "waiting": _("waiting %s"),
        "new_chat": _("New chat"),
        "citizen_typing": _("The citizen is typing…"),
        "colleague_typing": _("A colleague is typing…"),
        "read": _("The citizen has read your messages."),
        "delivered": _("Delivered, not read yet."),
        "internal": _("Internal note"),
        "pending": _("Sending…"),
        "citizen": _("Citizen"),
        "system": _("System"),
        "unread": _("%s unread"),
        "watching": _("watching"),
        "guest": _("invited"),
        "hide": _("Hide"),
        "insert_link": _("Insert link"),
        "insert_text": _("Insert text"),
        "no_articles": _("No article matches the last message."),
        "internal_article": _("internal, not for the reply"),
        "invited": _("The colleague was invited."),
        "transferred": _("The chat was transferred."),
        "load": _("My chats: %s of %s"),
        "state_waiting": _("waiting"),
        "state_active": _("in conversation"),
        "state_closed": _("ended"),
        "request": _("Request"),
        "file": _("File"),
        "choose_target": _("Choose a colleague or a centre."),
    }


def _live_rows(request: StaffRequest) -> list[selectors.LiveChat]:
    if not selectors.supervises_chats(request.user):
        return []
    return selectors.live_chat_rows(request.user)


@staff_member_required
@require_GET
def console_live(request: StaffRequest) -> HttpResponse:
    """The supervisor's "Live chats" table, reloaded by the console when a queue changes."""
    if not selectors.supervises_chats(request.user):
        raise Http404
    return render(request, "chat/_live.html", {"live": _live_rows(request)})


@staff_member_required
@require_GET
def console_aids(request: StaffRequest, chat: int) -> HttpResponse:
    """What the console offers beside one chat: canned answers (the request page's macros),
    articles for the citizen's last message ("Guides and answers"), the colleagues to hand the
    chat to or invite, and the centres to transfer it to."""
    session = get_object_or_404(
        ChatSession.objects.select_related("request", "request__municipality", "centre"), pk=chat
    )
    if not services.may_see(request.user, session):
        raise Http404
    item = session.request
    last = (
        session.messages.filter(sender="citizen")
        .exclude(text="")
        .order_by("-seq")
        .values_list("text", flat=True)
        .first()
    )
    # The citizen's last message says what they ask now; when no article matches it (a short
    # "and on Saturday?"), the request's subject and first message as on the request page.
    suggestions = knowledge_suggestions(request, item, last) if last else []
    if not suggestions:
        suggestions = knowledge_suggestions(request, item)
    return JsonResponse(
        {
            "chat": session.pk,
            "macros": [
                {"id": macro.pk, "name": macro.name}
                for macro in macros_for_request(user=request.user, request=item)
            ],
            "macro_url": reverse("staff:macro_rendered", args=[item.reference, 0]),
            "articles": [
                {
                    "id": s.hit.article.pk,
                    "title": s.hit.version.title,
                    "url": s.url,
                    "public_url": s.public_url,
                    "text": s.text,
                    "public": s.is_public,
                    "snippet": strip_tags(s.hit.snippet),
                }
                for s in suggestions
            ],
            "colleagues": [
                {"id": person.pk, "name": person.display_name}
                for person in selectors.colleagues(request.user, session)
            ],
            "centres": [
                {"id": centre.pk, "name": centre.name}
                for centre in request_network(request=item, user=request.user).centres
            ],
        },
        json_dumps_params={"ensure_ascii": False},
    )
