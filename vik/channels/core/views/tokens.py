"""The page on which those who manage a channel's accounts rotate the secret a peer system
uses to reach VIK (the PBX's CTI token, an SMS gateway's token): each account with the end of
its current secret, a button that needs a confirmation, and the new secret shown once on the
page the button answers with (never stored, never logged). Each channel kind keeps its secret
and its URLs; this is the page they share."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.cache import add_never_cache_headers

from ..models import ChannelAccount


@dataclass(frozen=True)
class TokenTexts:
    """What the page says, in the words of the channel's peer system."""

    title: str
    intro: str
    confirm: str  # the checkbox the clerk ticks before rotating
    secret_label: str  # above the new secret
    secret_help: str  # below it: copy it now, and where to put it
    back_url: str
    back_label: str
    none: str  # no account to manage


@dataclass(frozen=True)
class TokenLine:
    account: ChannelAccount
    has_token: bool
    hint: str  # the last characters of the current token ('' when not known)
    rotated_at: dt.datetime | None
    rotate_url: str


def token_page(
    request: HttpRequest,
    *,
    texts: TokenTexts,
    lines: Sequence[TokenLine],
    rotated: ChannelAccount | None = None,
    secret: str = "",
) -> HttpResponse:
    response = render(
        request,
        "channels/token_rotation.html",
        {"texts": texts, "lines": lines, "rotated": rotated, "secret": secret},
    )
    add_never_cache_headers(response)  # the new secret must not stay in a cache
    return response
