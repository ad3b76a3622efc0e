"""`POST /api/v1/cti/<token>`: Zammad's generic CTI webhook, answered as Zammad answers it.

Plain Django, not the API's django-ninja router: a PBX bridge posts form-encoded or JSON
bodies and reads exactly `{}`, `{"action": "reject", "reason": "busy"}` or
`{"action": "dial", "number": …, "caller_id": …}`; errors are `{"error": …}` with 401 (wrong
token), 422 (what is wrong with the input) or 429 (too many events for this token).

The token is part of the URL: nothing here logs it, and the request log of the WSGI server
(`vik/core/logformat.py`) is told to mask it.
"""

from __future__ import annotations

import logging

from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt

from vik.abuse.ratelimit import address, limit_hit, refused_json

from ..cti import CtiInputError, cti_input_read, token_digest
from ..selectors import account_for_token
from ..services import cti_event_receive

log = logging.getLogger(__name__)


def _error(status: int, text: str) -> JsonResponse:
    return JsonResponse({"error": text}, status=status)


@csrf_exempt
def cti_webhook(request: HttpRequest, token: str) -> JsonResponse:
    if request.method != "POST":
        response = _error(405, "Only POST is accepted.")
        response["Allow"] = "POST"
        return response
    verdict = limit_hit("cti", token_digest(token))
    if verdict.refused:
        return refused_json(verdict)
    account = account_for_token(token)
    if account is None:
        refused = limit_hit("cti_refused", address(request))
        if refused.refused:
            return refused_json(refused)
        log.warning("phone: a CTI event with an unknown token from %s", address(request))
        return _error(401, "Invalid token, please contact your admin!")
    body = request.body
    content_type = request.content_type or "application/x-www-form-urlencoded"
    try:
        multipart = content_type.startswith("multipart/")
        data = cti_input_read(body, content_type, request.POST if multipart else None)
    except CtiInputError as error:
        return _error(422, str(error))
    answer = cti_event_receive(account=account, data=data, body=body, content_type=content_type)
    return JsonResponse(answer)
