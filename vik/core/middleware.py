"""Czech first (the language is Czech unless the visitor chose another with the switch), a strict
Content-Security-Policy, and no caching of pages with personal data."""

from __future__ import annotations

import re
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation


class ChosenLanguageMiddleware:
    """Like Django's LocaleMiddleware, but ignores the browser's Accept-Language: a public
    office's site speaks Czech to everyone until they ask for English (the switch sets the
    language cookie)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.supported = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request: HttpRequest) -> HttpResponse:
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        language = chosen if chosen in self.supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        response.headers.setdefault("Vary", "Cookie")
        return response


POLICY_DIRECTIVES = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self' 'unsafe-inline'",
    "img-src": "'self' data:",
    "font-src": "'self'",
    "connect-src": "'self'",
    # The ALTCHA widget (vik/static/vendor/altcha/) starts its proof-of-work workers from blob:
    # URLs; scripts themselves stay 'self' only.
    "worker-src": "'self' blob:",
    "frame-ancestors": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
    "object-src": "'none'",
}


def content_security_policy(**overrides: str) -> str:
    """The strict policy, with some directives replaced: `img_src="'self' https:"`."""
    directives = POLICY_DIRECTIVES | {
        name.replace("_", "-"): value for name, value in overrides.items()
    }
    return "; ".join(f"{name} {value}" for name, value in directives.items())


class ContentSecurityPolicyMiddleware:
    """A strict Content-Security-Policy on every page: only VIK's own scripts run and no remote
    image loads (a tracking pixel in a citizen's HTML stays dark even if a sanitiser missed it).
    Inline styles stay allowed: htmx inserts its indicator style. A view may send its own policy
    (built with `content_security_policy`): the formatted message whose remote images the agent
    asked for does."""

    POLICY = content_security_policy()

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if not request.path.startswith("/admin/"):  # the admin has its own inline scripts
            response.headers.setdefault("Content-Security-Policy", self.POLICY)
        return response


class NoStoreMiddleware:
    """`Cache-Control: no-store` on the pages matching `VIK_NO_STORE_PATHS` (the workspace, the
    admin, a citizen's tracking page): neither the browser (its back button, its disk) nor a
    proxy keeps a copy of personal data once the page is left."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.paths = [re.compile(pattern) for pattern in settings.VIK_NO_STORE_PATHS]

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if any(path.match(request.path) for path in self.paths):
            response.headers["Cache-Control"] = "no-store"
        return response
