"""The limits of a staff session: `VIK_SESSION_MAX_HOURS` after sign-in and
`VIK_SESSION_IDLE_MINUTES` after the user's last request of their own, enforced here on the
server (the warning in the page, `vik/static/vik/session.js`, only announces it).

Requests the page makes by itself (the notification bell's and the presence box's polls, the
warning's own status check) are not activity: otherwise an open tab would never go idle.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.urls import reverse

SESSION_STARTED = "vik_session_started"
LAST_ACTIVITY = "vik_last_activity"
LOGOUT_REASON = "vik_logout_reason"
# Requests a page makes on its own, by URL name.
PASSIVE_URL_NAMES = frozenset(
    {
        "staff:notification_bell",
        "staff:request_presence",
        "staff:session_status",
        "staff:call_popup",
        "staff:call_log_rows",
    }
)
# Activity is written to the session at most this often (seconds): not a write per click.
ACTIVITY_GRANULARITY = 15


def session_limits(session: Any, now: float) -> tuple[float, str]:
    """Seconds left of the session, and which limit ends it ("idle" or "max")."""
    started = float(session.get(SESSION_STARTED, now))
    last = float(session.get(LAST_ACTIVITY, now))
    idle_left = last + settings.VIK_SESSION_IDLE_MINUTES * 60 - now
    max_left = started + settings.VIK_SESSION_MAX_HOURS * 3600 - now
    return (idle_left, "idle") if idle_left <= max_left else (max_left, "max")


class SessionLimitsMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and SESSION_STARTED not in request.session:
            now = time.time()  # the sign-in itself (any login view), or a session from before
            request.session[SESSION_STARTED] = now
            request.session[LAST_ACTIVITY] = now
            request.session.pop(LOGOUT_REASON, None)
        return response

    def process_view(
        self,
        request: HttpRequest,
        view_func: Callable[..., Any],
        view_args: tuple[Any, ...],
        view_kwargs: dict[str, Any],
    ) -> HttpResponseBase | None:
        if not request.user.is_authenticated or SESSION_STARTED not in request.session:
            return None
        now = time.time()
        left, limit = session_limits(request.session, now)
        if left <= 0:
            logout(request)
            request.session[LOGOUT_REASON] = limit
            if request.headers.get("HX-Request"):
                # A poll or a partial: send the whole page to the login page, not the fragment.
                response = HttpResponse(status=200)
                response["HX-Redirect"] = f"{reverse('staff:login')}?reason={limit}"
                return response
            return None  # the view runs for an anonymous visitor (staff pages ask to sign in)
        match = request.resolver_match
        if match is not None and match.view_name in PASSIVE_URL_NAMES:
            return None
        if now - float(request.session.get(LAST_ACTIVITY, 0)) >= ACTIVITY_GRANULARITY:
            request.session[LAST_ACTIVITY] = now
        return None
