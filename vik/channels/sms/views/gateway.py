"""The inbound webhook of HTTP SMS gateways: `POST /api/v1/sms/inbound`.

    Authorization: Bearer <the account's gateway token>
    Content-Type: application/json
    {"id": "gateway's message id", "from": "+420777123456", "to": "+420700100200",
     "text": "Dobrý den, …", "received_at": "2026-03-01T10:00:00+01:00" (optional)}

200 {"stored": true} once the raw body is stored (false: that id was stored before, nothing
changed); 401 without a valid token; 422 with the reason for a body that is not that; 429 over
the rate (`sms_gateway`). The token is never logged. See docs/channels/sms.md.
"""

from __future__ import annotations

import json
from typing import Any

from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from vik.abuse.ratelimit import rate_limited
from vik.contacts.choices import IdentityKind
from vik.contacts.identities import InvalidIdentity, normalise

from .. import selectors, services

MAX_TEXT = 10_000  # a 255-part UCS-2 SMS holds 17,085 units; no gateway sends more than this
MAX_BODY = 64 * 1024


def _problem(status: int, detail: str) -> JsonResponse:
    return JsonResponse({"detail": detail}, status=status)


def _invalid(body: Any) -> str:
    if not isinstance(body, dict):
        return "the body must be a JSON object"
    for name in ("id", "from", "text"):
        if not isinstance(body.get(name), str) or (name != "text" and not body[name].strip()):
            return (
                f"'{name}' must be a non-empty string"
                if name != "text"
                else "'text' must be a string"
            )
    if len(body["id"]) > 200:
        return "'id' is longer than 200 characters"
    if len(body["text"]) > MAX_TEXT:
        return f"'text' is longer than {MAX_TEXT} characters"
    for name in ("to", "received_at"):
        if name in body and not isinstance(body[name], str):
            return f"'{name}' must be a string"
    try:
        normalise(IdentityKind.PHONE, body["from"])
    except InvalidIdentity:
        return "'from' is not a phone number"
    return ""


@csrf_exempt
@require_POST
@rate_limited("sms_gateway", api=True)
def gateway_inbound(request: HttpRequest) -> JsonResponse:
    scheme, _sep, token = request.headers.get("Authorization", "").partition(" ")
    account = selectors.account_by_token(token.strip()) if scheme.lower() == "bearer" else None
    if account is None:
        response = _problem(401, "a valid gateway token is required (Authorization: Bearer …)")
        response["WWW-Authenticate"] = 'Bearer realm="vik-sms"'
        return response
    raw = request.body
    if len(raw) > MAX_BODY:
        return _problem(422, f"the body is larger than {MAX_BODY} bytes")
    try:
        body = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        return _problem(422, "the body is not JSON")
    problem = _invalid(body)
    if problem:
        return _problem(422, problem)
    _payload, created = services.gateway_store(account=account, message_id=body["id"], raw=raw)
    return JsonResponse({"stored": created})
