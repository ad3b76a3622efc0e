"""Requests deflected by the knowledge centre: a citizen who found an article through the
portal's search or the web form's suggestions, answered "helpful: yes" and did not submit the
form in that browser session (docs/knowledge.md).

A signed cookie that lives for the browser session remembers the flow: `found` when the citizen
opens an article from a search or a suggestion, `deflected` once the deflection is counted (at
most once per session); submitting the web form removes it. It holds no personal data.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponseBase

COOKIE = "vik_knowledge_flow"
SALT = "vik.knowledge.deflection"
FOUND = "found"
DEFLECTED = "deflected"


def flow_state(request: HttpRequest) -> str:
    """'' (no flow), FOUND or DEFLECTED; a tampered cookie reads as none."""
    value = request.get_signed_cookie(COOKIE, default="", salt=SALT)
    return value if value in (FOUND, DEFLECTED) else ""


def flow_set(response: HttpResponseBase, state: str) -> None:
    """No max_age: the cookie ends with the browser session."""
    response.set_signed_cookie(
        COOKIE,
        state,
        salt=SALT,
        httponly=True,
        samesite="Lax",
        secure=settings.SESSION_COOKIE_SECURE,
    )


def flow_end(response: HttpResponseBase) -> None:
    """The citizen submitted the web form: what they found did not answer them."""
    response.delete_cookie(COOKIE, samesite="Lax")
