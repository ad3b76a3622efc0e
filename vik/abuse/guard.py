"""What stands in front of a public form: the rate limit, the ALTCHA when the setting asks for
it, and the spam signals that send a submission to the review queue instead of the clerks.

A view calls `form_guard(request, scope)` to render the form (the context variable `guard`,
read by abuse/_guard_message.html and abuse/_guard_widget.html), `form_guard_post(...)` before
it accepts a post (refused: render the same bound form with `guard`, status `guard.status`), and
`spam_reasons(...)` on the cleaned data (non-empty: store the payload held for review).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.http import HttpRequest
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from vik.core import clock

from . import altcha
from .ratelimit import address, limit_reached, limit_request, scope_known

STAMP_FIELD = "vik_shown"  # the signed time the form was shown
STAMP_SALT = "vik.abuse.form-shown"
LINK = re.compile(r"https?://|www\.", re.IGNORECASE)


@dataclass(frozen=True)
class Guard:
    altcha: bool = False  # the form shows the ALTCHA widget and a post needs its solution
    stamp: str = ""
    message: str = ""  # why the post was refused (shown above the form; role=alert)
    status: int = 200
    retry_after: int = 0

    @property
    def refused(self) -> bool:
        return self.status != 200


def altcha_required(request: HttpRequest, scope: str) -> bool:
    """Whether the form of `scope` asks for the ALTCHA now (`VIK_ALTCHA_MODE`)."""
    mode = settings.VIK_ALTCHA_MODE
    if mode == "always":
        return True
    if mode == "after_limit":
        return limit_reached(f"{scope}_soft", address(request))
    return False


def stamp_make(shown_at: dt.datetime | None = None) -> str:
    """The signed time the form is shown (a hidden input; no cookie)."""
    return signing.dumps(int((shown_at or clock.now()).timestamp()), salt=STAMP_SALT)


def form_guard(request: HttpRequest, scope: str) -> Guard:
    """For rendering the form (GET, or a post refused for a reason of the form itself)."""
    return Guard(altcha=altcha_required(request, scope), stamp=stamp_make())


def form_guard_post(
    request: HttpRequest, scope: str, *, challenge: bool = True, **keys: str
) -> Guard:
    """Count the post (per address and per `keys`, e.g. `email=`), then check the ALTCHA if
    `challenge` and the setting requires it. `refused`: nothing may be stored; re-render the
    bound form with this guard."""
    # Count first, then decide on the count that came back: posts that arrive together each
    # get their own number (an atomic increment), so none slips past the ALTCHA on a count
    # read before the others were added (the attack replay found that race).
    soft = f"{scope}_soft"
    past_soft = scope_known(soft) and limit_request(request, soft).refused
    mode = settings.VIK_ALTCHA_MODE
    needs_altcha = challenge and (mode == "always" or (mode == "after_limit" and past_soft))
    verdict = limit_request(request, scope, **keys)
    files_again = (
        " " + _("Files cannot be kept by the browser: attach them again, please.")
        if request.FILES
        else ""
    )
    if verdict.refused:
        return Guard(
            altcha=needs_altcha,
            stamp=stamp_make(),
            status=429,
            retry_after=verdict.retry_after,
            message=_(
                "Too many messages were sent from your address or e-mail in a short time. "
                "Nothing was sent. Everything you wrote is kept below: send it again in %(wait)s."
            )
            % {"wait": verdict.wait_text}
            + files_again,
        )
    if needs_altcha:
        outcome = altcha.solution_verify(request.POST.get(altcha.FIELD, ""))
        if outcome != altcha.Outcome.VERIFIED:
            message = (
                _(
                    "Please confirm that you are not a robot: tick “I am not a robot” at the end "
                    "of the form (it needs JavaScript) and send the form again."
                )
                if outcome == altcha.Outcome.MISSING
                else _(
                    "The check that you are not a robot did not pass or has expired. Run it "
                    "again at the end of the form and send the form again."
                )
            )
            return Guard(
                altcha=True,
                stamp=stamp_make(),
                status=400,
                message=message + " " + _("Everything you wrote is kept.") + files_again,
            )
    return Guard(altcha=needs_altcha, stamp=stamp_make())


@dataclass(frozen=True)
class SpamReason:
    """Why a submission looks like spam: a code and its figure, shown to staff in their
    language (`label`); `str()` is the English kept with the payload."""

    code: str
    value: str = ""

    def label(self) -> str:
        return str(SPAM_LABELS[self.code]) % {"value": self.value}

    def __str__(self) -> str:
        with translation.override("en"):
            return self.label()

    def as_dict(self) -> dict[str, str]:
        return {"code": self.code, "value": self.value}


SPAM_LABELS = {
    "honeypot": gettext_lazy("the hidden field was filled in"),
    "no_stamp": gettext_lazy("the form was not shown by VIK (no valid time stamp)"),
    "too_fast": gettext_lazy("sent %(value)s s after the form was shown"),
    "links": gettext_lazy("%(value)s links in the text"),
}


def spam_labels(stored: object) -> list[str]:
    """The labels of reasons stored as `SpamReason.as_dict()` (a payload's metadata["spam"])."""
    items = stored if isinstance(stored, list) else []
    return [
        SpamReason(item["code"], str(item.get("value", ""))).label()
        for item in items
        if isinstance(item, dict) and item.get("code") in SPAM_LABELS
    ]


def spam_reasons(request: HttpRequest, *, honeypot: str, text: str) -> list[SpamReason]:
    """Why a valid submission looks like spam (empty: it does not)."""
    reasons = []
    if honeypot.strip():
        reasons.append(SpamReason("honeypot"))
    try:
        shown = signing.loads(request.POST.get(STAMP_FIELD, ""), salt=STAMP_SALT)
    except signing.BadSignature:
        reasons.append(SpamReason("no_stamp"))
    else:
        seconds = clock.now().timestamp() - int(shown)
        if seconds < settings.VIK_SPAM_MIN_SECONDS:
            reasons.append(SpamReason("too_fast", f"{max(seconds, 0):.1f}"))
    links = len(LINK.findall(text))
    if links > settings.VIK_SPAM_MAX_LINKS:
        reasons.append(SpamReason("links", str(links)))
    return reasons
