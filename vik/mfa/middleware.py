"""The one place the second factor is enforced: every resolved URL except the sign-in steps and
the public portal. Installed after AuthenticationMiddleware and django-otp's OTPMiddleware."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode

from vik.tenancy import permissions

from . import selectors

# URL names (namespace:name) an unverified user may still open: the steps of signing in, the
# language switch and the health check. The public portal (namespace "portal") is open too.
EXEMPT_URL_NAMES = frozenset(
    {
        "staff:login",
        "staff:logout",
        "staff:mfa_verify",
        "staff:mfa_enrol",
        "admin:logout",
        "set_language",
        "healthz",
    }
)
EXEMPT_NAMESPACES = frozenset({"portal"})
# The API answers an unverified user as it answers the anonymous (its public endpoints work).
API_NAMESPACES = frozenset({"api-v1"})


class SecondFactorMiddleware:
    """A signed-in user who has a device, or whose role requires one, and whose session has not
    passed the second factor, is sent to enter a code (or to enrol) before any page: the staff
    workspace, the admin (its own login included) and any future URL."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self,
        request: HttpRequest,
        view_func: Callable[..., Any],
        view_args: tuple[Any, ...],
        view_kwargs: dict[str, Any],
    ) -> HttpResponse | None:
        match = request.resolver_match
        if match is None or not request.user.is_authenticated:
            return None
        if match.view_name in EXEMPT_URL_NAMES or EXEMPT_NAMESPACES & set(match.namespaces):
            return None
        if selectors.session_verified(request):
            return None
        has_device = selectors.has_second_factor(request.user)
        if not has_device and not permissions.requires_second_factor(request.user):
            return None
        if API_NAMESPACES & set(match.namespaces):
            request.user = AnonymousUser()
            return None
        step = "staff:mfa_verify" if has_device else "staff:mfa_enrol"
        return redirect(f"{reverse(step)}?{urlencode({'next': request.get_full_path()})}")
