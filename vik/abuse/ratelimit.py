"""One rate-limit mechanism for every public endpoint: fixed-window counters on Django's cache.

A scope names an endpoint ("form", "feedback", …) and has a rate, "count/period": its default
here, replaced per scope by `VIK_RATE_LIMITS` ("form=20/10m,search=100/m"). Each request counts
once per key it is limited by: the client's address (`vik.audit.services.client_ip`, which knows
the proxy), and where the endpoint has one, the e-mail address or the tracked request
(`<scope>_email`, `<scope>_request` scopes of their own). Keys are hashed: no address is stored
in the cache in clear.

The counters live in the shared cache (`CACHES`, `VIK_CACHE_URL`): Redis in production, where
`add` and `incr` are atomic; the file-based default is shared by the processes of one machine.

A new public endpoint uses `rate_limited("scope")` (a view decorator: 429 with the generic
Czech page and the text kept, or JSON for an API) or, for a form re-rendered with everything
kept, `limit_request(...)` and its own 429 page. See docs/security/rate-limits.md.
"""

from __future__ import annotations

import functools
import hashlib
import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from django.conf import settings
from django.core.cache import cache, caches
from django.core.cache.backends.redis import RedisCache
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from vik.audit.services import client_ip
from vik.core import clock

DEFAULT_RATES = {
    "form": "10/10m",  # the public form, per address (an office or a library shares one)
    "form_email": "5/h",  # the public form, per e-mail address given
    "form_soft": "3/10m",  # past this the form asks for the ALTCHA (VIK_ALTCHA_MODE=after_limit)
    "follow_up": "10/10m",  # the tracking page's reply, per address
    "follow_up_tracked": "10/h",  # the tracking page's reply, per tracked request
    "feedback": "30/10m",  # "Was this helpful?", per address
    "search": "60/m",  # the portal's search page, per address
    "api_search": "60/m",  # GET /api/v1/knowledge/search, per address
    "altcha": "30/m",  # the ALTCHA challenge endpoint, per address
    "suggestions": "120/m",  # the form's article suggestions while typing (htmx), per address
    "municipalities": "300/m",  # the form's municipality chooser while typing (htmx)
    "sms_gateway": "600/m",  # POST /api/v1/sms/inbound, an HTTP SMS gateway, per address
    "cti": "6000/m",  # the phone system's CTI events, per token (a busy line: 100 calls a second)
    "cti_refused": "30/m",  # CTI events with a wrong token, per address
    "callback": "5/10m",  # the portal's "call me back", per address
    "callback_soft": "2/10m",  # past this the form asks for the ALTCHA (after_limit)
    "chat_status": "120/m",  # the widget asks whether anyone can chat, per address
    "chat_start": "10/10m",  # new chats, per address
    "chat_offline": "5/10m",  # messages left when no one can chat, per address
    "chat_upload": "20/10m",  # files sent in chats, per address
    "chat_connect": "120/m",  # the widget's WebSocket connections, per address
    "chat_transcript": "3/h",  # transcripts e-mailed, per chat
    "chat_deflected": "10/10m",  # the widget's "a suggested article answered me", per address
    "opendata": "120/m",  # /statistiky/, its CSV files and catalogue records, per address
    "rating": "20/10m",  # the satisfaction rating page's answers, per address
    "rating_tracked": "20/h",  # the satisfaction rating page's answers, per request
    "tracking_find": "10/10m",  # "find my request" (the tracking link again), per address
    "tracking_find_email": "3/h",  # "find my request", e-mails per address given
}
UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
RATE = re.compile(r"^\s*(\d+)\s*/\s*(\d*)\s*([smhd])\s*$")


@dataclass(frozen=True)
class Rate:
    count: int
    seconds: int


@dataclass(frozen=True)
class Verdict:
    """The outcome of counting one request: refused when over a limit, and when to retry."""

    refused: bool
    retry_after: int = 0
    scope: str = ""

    @property
    def wait_text(self) -> str:
        """How long to wait, for people: "2 minuty", "45 sekund"."""
        if self.retry_after < 60:
            seconds = max(self.retry_after, 1)
            return ngettext("%(n)d second", "%(n)d seconds", seconds) % {"n": seconds}
        minutes = math.ceil(self.retry_after / 60)
        return ngettext("%(n)d minute", "%(n)d minutes", minutes) % {"n": minutes}


ALLOWED = Verdict(refused=False)


class RateLimited(Exception):
    def __init__(self, verdict: Verdict) -> None:
        super().__init__(f"rate limit {verdict.scope}: retry after {verdict.retry_after} s")
        self.verdict = verdict


def rate_parse(text: str) -> Rate:
    match = RATE.match(text)
    if match is None:
        raise ImproperlyConfigured(f"A rate is 'count/period' (10/m, 5/h, 20/10m), not {text!r}.")
    count, multiple, unit = match.groups()
    return Rate(count=int(count), seconds=int(multiple or 1) * UNITS[unit])


@functools.cache
def _rates(configured: str) -> dict[str, Rate]:
    texts = dict(DEFAULT_RATES)
    for item in filter(None, (part.strip() for part in configured.split(","))):
        scope, separator, rate = item.partition("=")
        if not separator:
            raise ImproperlyConfigured(f"VIK_RATE_LIMITS: {item!r} is not 'scope=count/period'.")
        texts[scope.strip()] = rate
    return {scope: rate_parse(text) for scope, text in texts.items()}


def scope_known(scope: str) -> bool:
    return scope in _rates(settings.VIK_RATE_LIMITS)


def rate_for(scope: str) -> Rate:
    rates = _rates(settings.VIK_RATE_LIMITS)
    if scope not in rates:
        raise ImproperlyConfigured(f"No rate limit for the scope {scope!r} (DEFAULT_RATES).")
    return rates[scope]


def _key(scope: str, value: str, rate: Rate) -> tuple[str, int]:
    """The cache key of the current window and the seconds left in it."""
    now = clock.now().timestamp()
    window = int(now // rate.seconds)
    digest = hashlib.sha256(f"{scope}\0{value}".encode()).hexdigest()[:32]
    left = max(math.ceil((window + 1) * rate.seconds - now), 1)
    return f"vik:rl:{scope}:{digest}:{rate.seconds}:{window}", left


def limit_hit(scope: str, value: str) -> Verdict:
    """Count one request of `value` (an address, an e-mail) in `scope`; refused past the rate."""
    return _hits([(scope, value)])[0]


def _hits(counted: list[tuple[str, str]]) -> list[Verdict]:
    """Count one request of each (scope, value): one cache round trip on Redis for them all."""
    windows = []
    for scope, value in counted:
        rate = rate_for(scope)
        key, left = _key(scope, value, rate)
        windows.append((scope, rate, key, left))
    counts = _counts([(key, left + 1, rate) for _scope, rate, key, left in windows])
    return [
        Verdict(refused=True, retry_after=left, scope=scope) if count > rate.count else ALLOWED
        for (scope, rate, _unused, left), count in zip(windows, counts, strict=True)
    ]


def _counts(windows: list[tuple[str, int, Rate]]) -> list[int]:
    """One more in each window's counter (key, timeout, rate), and the counts. On Redis one
    round trip for all (INCR and EXPIRE sent together: every public request pays it); elsewhere
    add, then incr, per key."""
    backend = caches["default"]
    if isinstance(backend, RedisCache):
        # Django's RedisCache has no atomic "incr or create" (its incr asks EXISTS first): its
        # client, with the keys made as the cache makes them, so that `cache.get` reads a count.
        names = [backend.make_and_validate_key(key) for key, _timeout, _rate in windows]
        client = backend._cache.get_client(names[0], write=True)  # type: ignore[attr-defined]
        pipeline = client.pipeline(transaction=False)
        for name, (_unused, timeout, _rate) in zip(names, windows, strict=True):
            pipeline.incr(name)
            pipeline.expire(name, timeout)
        return [int(count) for count in pipeline.execute()[::2]]
    return [_count(key, timeout, rate) for key, timeout, rate in windows]


def _count(key: str, timeout: int, rate: Rate) -> int:
    cache.add(key, 0, timeout=timeout)
    try:
        return int(cache.incr(key))
    except ValueError:  # the window ended between add and incr
        cache.set(key, 1, timeout=rate.seconds + 1)
        return 1


def limit_reached(scope: str, value: str) -> bool:
    """Whether `value` has used up `scope`'s rate in this window (nothing is counted)."""
    rate = rate_for(scope)
    key, _left = _key(scope, value, rate)
    return int(cache.get(key) or 0) >= rate.count


def address(request: HttpRequest) -> str:
    return client_ip(request) or "unknown"


def limit_request(request: HttpRequest, scope: str, **keys: str) -> Verdict:
    """Count the request in `scope` per client address, and per each other key given
    (`email="…"` counts in the scope `<scope>_email`); the first refusal wins, but every key is
    counted, so that switching addresses does not reset the e-mail's count."""
    counted = [(scope, address(request))]
    counted += [(f"{scope}_{name}", value) for name, value in keys.items() if value]
    verdicts = _hits(counted)
    refused = [verdict for verdict in verdicts if verdict.refused]
    return max(refused, key=lambda verdict: verdict.retry_after) if refused else ALLOWED


def refused_response(
    request: HttpRequest, verdict: Verdict, *, kept: str = "", back_url: str = ""
) -> HttpResponse:
    """The portal's 429 page: how long to wait, and what the citizen wrote, kept to copy."""
    if not url_has_allowed_host_and_scheme(back_url, allowed_hosts={request.get_host()}):
        back_url = ""
    response = render(
        request,
        "abuse/429.html",
        {"verdict": verdict, "kept": kept, "back_url": back_url},
        status=429,
    )
    response["Retry-After"] = str(verdict.retry_after)
    return response


def refused_json(verdict: Verdict) -> JsonResponse:
    """An API's 429: a JSON error and Retry-After."""
    response = JsonResponse(
        {
            "detail": _("Too many requests. Try again in %(wait)s.") % {"wait": verdict.wait_text},
            "retry_after": verdict.retry_after,
        },
        status=429,
    )
    response["Retry-After"] = str(verdict.retry_after)
    return response


View = TypeVar("View", bound=Callable[..., HttpResponse])


def rate_limited(
    scope: str,
    *,
    kept: Callable[[HttpRequest], str] | None = None,
    api: bool = False,
) -> Callable[[View], View]:
    """Limit a public view per client address: over the rate, a 429 page that shows what
    `kept(request)` returns (the citizen's text), or a JSON error with `api=True`."""

    def decorate(view: View) -> View:
        @functools.wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            verdict = limit_request(request, scope)
            if verdict.refused:
                if api:
                    return refused_json(verdict)
                text = kept(request) if kept is not None else ""
                return refused_response(
                    request, verdict, kept=text, back_url=request.headers.get("Referer", "")
                )
            return view(request, *args, **kwargs)

        return wrapped  # type: ignore[return-value]

    return decorate
