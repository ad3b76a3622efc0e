"""The SMS gateways page: who manages an SMS account rotates its HTTP gateway's token."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib import messages
from django.core.exceptions import PermissionDenied as Forbidden
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from vik.channels.core.choices import ChannelKind
from vik.channels.core.models import ChannelAccount
from vik.channels.core.views.tokens import TokenLine, TokenTexts, token_page
from vik.core.errors import PermissionDenied
from vik.tenancy import permissions
from vik.tenancy.decorators import staff_member_required

from .. import selectors, services

if TYPE_CHECKING:
    from vik.tenancy.types import StaffRequest


def _texts() -> TokenTexts:
    return TokenTexts(
        title=_("SMS gateways"),
        intro=_(
            "An HTTP SMS gateway sends VIK the SMS it receives with a secret token "
            "(Authorization: Bearer …). A new token stops the old one at once, so the gateway "
            "must get the new one."
        ),
        confirm=_(
            "I will enter the new token in the SMS gateway; until then it cannot deliver SMS."
        ),
        secret_label=_("The gateway's new token"),
        secret_help=_(
            "Copy it now (select it and press Ctrl+C) and enter it in the SMS gateway: it is "
            "shown only this once and VIK does not keep it."
        ),
        back_url=reverse("staff:quarantine_list"),
        back_label=_("Quarantine"),
        none=_("You manage no SMS account."),
    )


def _page(
    request: StaffRequest, rotated: ChannelAccount | None = None, token: str = ""
) -> HttpResponse:
    lines = []
    for account in selectors.gateways_managed(request.user):
        has_token, hint, made = selectors.gateway_token_made(account)
        lines.append(
            TokenLine(
                account=account,
                has_token=has_token,
                hint=hint,
                rotated_at=made,
                rotate_url=reverse("staff:sms_token_rotate", args=[account.pk]),
            )
        )
    return token_page(request, texts=_texts(), lines=lines, rotated=rotated, secret=token)


@staff_member_required
@require_GET
def gateway_list(request: StaffRequest) -> HttpResponse:
    if not permissions.can_review_quarantine(request.user):
        raise Forbidden
    return _page(request)


@staff_member_required
@require_POST
def gateway_token_rotate(request: StaffRequest, pk: int) -> HttpResponse:
    """A new gateway token, shown once on the page this answers with (never stored, never
    logged: the audit log keeps its last characters)."""
    account = ChannelAccount.objects.filter(pk=pk, kind=ChannelKind.SMS).first()
    if account is None:
        raise Http404
    if request.POST.get("confirm") != "1":
        messages.error(request, _("Confirm that the SMS gateway gets the new token first."))
        return redirect("staff:sms_gateway_list")
    try:
        token = services.gateway_token_rotate(account=account, by=request.user)
    except PermissionDenied as error:
        raise Forbidden from error
    return _page(request, account, token)
