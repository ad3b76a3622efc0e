"""The ALTCHA proof of work (protocol v2 of PyPI `altcha`; the widget is vendored in
vik/static/vendor/altcha/): the browser spends a fraction of a second on a signed challenge;
no cookie, no third party.

Challenges are signed with `VIK_ALTCHA_HMAC_KEY` and expire after `VIK_ALTCHA_EXPIRY_SECONDS`.
Verification is stateless in the library, so a solution is accepted once: its challenge's
signature is stored in the shared cache until the challenge expires (replay protection).
"""

from __future__ import annotations

import enum
import time
from typing import Any

import altcha
from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from .ratelimit import rate_limited

ALGORITHM = "PBKDF2/SHA-256"
FIELD = "altcha"  # the hidden input the widget fills


class Outcome(enum.StrEnum):
    VERIFIED = "verified"
    MISSING = "missing"
    INVALID = "invalid"
    EXPIRED = "expired"
    REPLAYED = "replayed"


def challenge_create() -> dict[str, Any]:
    challenge = altcha.create_challenge(
        ALGORITHM,
        settings.VIK_ALTCHA_COST,
        hmac_secret=settings.VIK_ALTCHA_HMAC_KEY,
        expires_at=int(time.time()) + settings.VIK_ALTCHA_EXPIRY_SECONDS,
    )
    return challenge.to_dict()


def solution_verify(payload: str) -> Outcome:
    """Check the widget's payload; a verified one is used up (a second use is REPLAYED)."""
    if not payload.strip():
        return Outcome.MISSING
    result = altcha.verify_solution(payload.strip(), settings.VIK_ALTCHA_HMAC_KEY)
    if result.expired:
        return Outcome.EXPIRED
    if not result.verified:
        return Outcome.INVALID
    signature = altcha.Payload.from_base64(payload.strip()).challenge.signature
    if not cache.add(
        f"vik:altcha:used:{signature}", 1, timeout=settings.VIK_ALTCHA_EXPIRY_SECONDS + 60
    ):
        return Outcome.REPLAYED
    return Outcome.VERIFIED


@require_GET
@never_cache
@rate_limited("altcha", api=True)
def challenge(request: HttpRequest) -> JsonResponse:
    """A fresh challenge for the widget (GET /altcha/challenge/)."""
    return JsonResponse(challenge_create())
