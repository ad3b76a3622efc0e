"""Reading requests: the staff list with filters and keyset pagination, one request by reference."""

from __future__ import annotations

import base64
import binascii
import datetime as dt
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote

from django.conf import settings
from django.db.models import Q, QuerySet
from django.http import Http404
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from vik.contacts.models import Identity
from vik.core.text import REMOTE_SCHEMES, fold, images_as_text, sanitize_html, url_scheme
from vik.tenancy import permissions

from .models import Interaction, Request, TimelineEvent

PAGE_SIZE = 50


@dataclass(frozen=True)
class RequestFilters:
    status: str = ""
    centre_id: int | None = None
    channel: str = ""
    topic_id: int | None = None
    assignee: str = ""  # "", "me", "none" or a user id
    text: str = ""


@dataclass(frozen=True)
class RequestPage:
    items: list[Request]
    next_cursor: str


def encode_cursor(request: Request) -> str:
    raw = f"{request.created_at.isoformat()}|{request.pk}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[dt.datetime, int] | None:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        stamp, pk = raw.split("|")
        return dt.datetime.fromisoformat(stamp), int(pk)
    except (ValueError, binascii.Error, UnicodeDecodeError):
        return None


def requests_for(user: Any) -> QuerySet[Request]:
    return Request.objects.filter(permissions.requests_visible(user))


def _apply_filters(queryset: QuerySet[Request], filters: RequestFilters, user: Any) -> QuerySet:
    if filters.status == "active":
        queryset = queryset.exclude(status__in=["resolved", "closed"])
    elif filters.status:
        queryset = queryset.filter(status=filters.status)
    if filters.centre_id:
        queryset = queryset.filter(centre_id=filters.centre_id)
    if filters.channel:
        queryset = queryset.filter(origin_channel=filters.channel)
    if filters.topic_id:
        queryset = queryset.filter(
            Q(topic_id=filters.topic_id) | Q(topic__parent_id=filters.topic_id)
        )
    if filters.assignee == "me":
        queryset = queryset.filter(assignee_id=user.pk)
    elif filters.assignee == "none":
        queryset = queryset.filter(assignee__isnull=True)
    elif filters.assignee.isdigit():
        queryset = queryset.filter(assignee_id=int(filters.assignee))
    text = filters.text.strip()
    if text:
        queryset = queryset.filter(
            Q(reference__iexact=text)
            | Q(subject__icontains=text)
            | Q(requester__name__icontains=text)
            | Q(requester_id__in=Identity.objects.filter(value=text.lower()).values("contact_id"))
            | Q(municipality__search_name__startswith=fold(text))
        )
    return queryset


def request_page(
    *, user: Any, filters: RequestFilters, cursor: str = "", limit: int = PAGE_SIZE
) -> RequestPage:
    """One page of the requests the user may see, newest first, continuing after `cursor`.

    Keyset pagination: the page costs the same at the millionth row as at the first.
    """
    queryset = _apply_filters(requests_for(user), filters, user)
    position = decode_cursor(cursor) if cursor else None
    if position is not None:
        created_at, pk = position
        queryset = queryset.filter(
            Q(created_at__lt=created_at) | Q(created_at=created_at, pk__lt=pk)
        )
    rows = list(
        queryset.select_related(
            "requester", "centre", "topic", "assignee", "municipality"
        ).order_by("-created_at", "-pk")[: limit + 1]
    )
    next_cursor = encode_cursor(rows[limit - 1]) if len(rows) > limit else ""
    return RequestPage(items=rows[:limit], next_cursor=next_cursor)


def request_get(*, user: Any, reference: str) -> Request:
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
    return settings.SITE_URL + reverse("portal:tracking", args=[request.public_token])


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
