"""What the quarantine and the spam review share: finding a payload in the user's queue, and
opening it (the view is audited, for it holds personal data; the raw body is previewed)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404, HttpRequest

from vik.audit.services import audit_record

from ..models import InboundPayload

PREVIEW_BYTES = 200_000


def payload_get(queue: QuerySet[InboundPayload], pk: int) -> InboundPayload:
    """The payload `pk` of `queue` (the user's quarantine or spam queue), or 404."""
    payload = queue.filter(pk=pk).first()
    if payload is None:
        raise Http404
    return payload


def payload_opened(request: HttpRequest, payload: InboundPayload) -> dict[str, Any]:
    """Audit that the user opened the payload; its page's context: the payload, the beginning
    of its raw body (`raw`, `truncated`) and its `size`."""
    audit_record(
        actor=request.user, action="inbound.view", target=payload, personal_data=True,
        request=request,
    )  # fmt: skip
    raw = bytes(payload.body)
    return {
        "payload": payload,
        "raw": raw[:PREVIEW_BYTES].decode("utf-8", errors="replace"),
        "truncated": len(raw) > PREVIEW_BYTES,
        "size": len(raw),
    }
