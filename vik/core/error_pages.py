"""The error pages (400, 403, 404, 429, 500 and the CSRF failure): in the staff layout under
/staff/ and the portal's elsewhere, in the visitor's language, each saying what to do next.

The 500 page is rendered without the request's context processors and without a user, so that
it needs no database: the error may be the database. `error_response` serves any app that
refuses with one of these statuses (the 429 of a rate limit, with its own text).
"""

from __future__ import annotations

import math
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.template import loader

STAFF_PREFIXES = ("/staff/", "/admin/")
# Form fields never shown back on the CSRF page.
HIDDEN_FIELDS = ("csrfmiddlewaretoken", "password", "token", "secret", "otp")


def layout_for(request: HttpRequest | None) -> str:
    path = request.path if request is not None else ""
    return "base_staff.html" if path.startswith(STAFF_PREFIXES) else "base_portal.html"


def error_response(
    request: HttpRequest,
    status: int,
    *,
    context: dict[str, Any] | None = None,
    template: str | None = None,
    retry_after_seconds: int | None = None,
) -> HttpResponse:
    """The error page for `status` (`<status>.html` unless `template`), in the request's layout."""
    staff = layout_for(request) == "base_staff.html"
    full = {
        "layout": layout_for(request),
        "staff": staff,
        "status": status,
        "next_path": request.get_full_path(),
        **(context or {}),
    }
    if retry_after_seconds is not None:
        full.setdefault("retry_minutes", max(1, math.ceil(retry_after_seconds / 60)))
    body = loader.render_to_string(template or f"{status}.html", full, request=request)
    response = HttpResponse(body, status=status)
    if retry_after_seconds is not None:
        response["Retry-After"] = str(retry_after_seconds)
    return response


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return error_response(request, 400)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return error_response(request, 403)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return error_response(request, 404)


def server_error(request: HttpRequest) -> HttpResponse:
    """No context processors, no user, no session: nothing that could need the database."""
    context = {"layout": layout_for(request), "staff": layout_for(request) == "base_staff.html"}
    return HttpResponse(loader.render_to_string("500.html", context), status=500)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """The form was sent with an expired or missing security token: say so, and show back the
    text the visitor wrote so that nothing is lost."""
    written = [
        value
        for name, values in request.POST.lists()
        for value in values
        if value.strip()
        and not any(hidden in name.lower() for hidden in HIDDEN_FIELDS)
        and (len(value) >= 20 or "\n" in value)
    ]
    return error_response(request, 403, template="403_csrf.html", context={"written": written})
