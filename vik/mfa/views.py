"""The second factor's pages: the code after the password, enrolment, recovery codes, and the
account's security page (regenerate codes, remove the app, an administrator's reset)."""

from __future__ import annotations

import math
from datetime import datetime
from typing import TYPE_CHECKING, cast

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache

from vik.tenancy import permissions
from vik.tenancy.decorators import staff_member_required
from vik.tenancy.models import User

from . import selectors, services
from .forms import CodeForm, EnrolForm, IdentityForm, ResetForm

if TYPE_CHECKING:
    from vik.tenancy.types import StaffRequest

# The recovery codes just made, kept in the session until the page that shows them once.
NEW_CODES_SESSION_KEY = "vik_mfa_new_codes"
NEXT_SESSION_KEY = "vik_mfa_next"


def _next_url(request: HttpRequest, value: str | None = None) -> str:
    url = value if value is not None else request.POST.get("next") or request.GET.get("next", "")
    if url and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return url
    return reverse("staff:home")


def _wait_message(retry_at: datetime | None, *, throttled: bool) -> str:
    first = _("Too many wrong codes.") if throttled else _("The code is not correct.")
    if retry_at is None:
        return first
    seconds = max(1, math.ceil((retry_at - timezone.now()).total_seconds()))
    wait = ngettext(
        "You can try again in %(seconds)d second.",
        "You can try again in %(seconds)d seconds.",
        seconds,
    ) % {"seconds": seconds}
    return f"{first} {wait}"


@never_cache
def verify(request: HttpRequest) -> HttpResponseBase:
    """Step two of signing in: the code from the app or a recovery code."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    user = request.user
    next_url = _next_url(request)
    if selectors.session_verified(request) or not selectors.has_second_factor(user):
        return redirect(next_url)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        result = services.second_factor_verify(
            user=user, code=form.cleaned_data["code"], request=request
        )
        if result.ok:
            return redirect(next_url)
        form.add_error("code", _wait_message(result.retry_at, throttled=result.throttled))
    return render(request, "mfa/verify.html", {"form": form, "next": next_url})


@never_cache
def enrol(request: HttpRequest) -> HttpResponseBase:
    """Set up an authenticator app: a QR code and the secret, confirmed with a code."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    user = request.user
    next_url = _next_url(request)
    if selectors.has_second_factor(user):
        # Only from a verified session, and only after removing the old one (with a code).
        if selectors.session_verified(request):
            return redirect("staff:account_security")
        return redirect(f"{reverse('staff:mfa_verify')}?{urlencode({'next': next_url})}")
    device = services.totp_device_start(user=user)
    form = EnrolForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        new_codes, result = services.totp_device_confirm(
            user=user, code=form.cleaned_data["code"], request=request
        )
        if new_codes is not None:
            request.session[NEW_CODES_SESSION_KEY] = new_codes
            request.session[NEXT_SESSION_KEY] = next_url
            return redirect("staff:mfa_codes")
        form.add_error("code", _wait_message(result.retry_at, throttled=result.throttled))
    context = {
        "form": form,
        "next": next_url,
        "qr_svg": selectors.qr_code_svg(device),
        "secret": selectors.base32_secret(device),
        "required": permissions.requires_second_factor(user),
    }
    return render(request, "mfa/enrol.html", context)


@never_cache
@staff_member_required
def codes(request: StaffRequest) -> HttpResponse:
    """The new recovery codes, shown once (to print or download); a reload shows them no more."""
    new_codes = request.session.pop(NEW_CODES_SESSION_KEY, None)
    next_url = _next_url(request, request.session.pop(NEXT_SESSION_KEY, ""))
    if not new_codes:
        messages.info(request, _("Recovery codes are shown only once. You can make new ones."))
        return cast(HttpResponse, redirect("staff:account_security"))
    text = "\n".join(
        [
            _("VIK recovery codes for %(user)s") % {"user": request.user.get_username()},
            "",
            *new_codes,
        ]
    )
    context = {"codes": new_codes, "codes_text": text, "next": next_url}
    return render(request, "mfa/codes.html", context)


def _security_post(request: StaffRequest) -> HttpResponseBase | None:
    action = request.POST.get("action")
    if action in {"regenerate", "remove"}:
        form = IdentityForm(request.POST)
        if not form.is_valid() or not services.identity_confirm(
            user=request.user, secret=form.cleaned_data["secret"], request=request
        ):
            messages.error(request, _("The password or code is not correct. Nothing changed."))
            return redirect("staff:account_security")
        if action == "regenerate":
            request.session[NEW_CODES_SESSION_KEY] = services.recovery_codes_regenerate(
                user=request.user, request=request
            )
            request.session[NEXT_SESSION_KEY] = reverse("staff:account_security")
            return redirect("staff:mfa_codes")
        services.second_factor_remove(user=request.user, request=request)
        messages.success(request, _("The second factor has been removed from your account."))
        return redirect("staff:account_security")
    if action == "reset":
        reset = ResetForm(request.POST)
        target = (
            User.objects.filter(username=reset.cleaned_data["username"]).first()
            if reset.is_valid()
            else None
        )
        if target is None or not permissions.can_reset_second_factor(request.user, target):
            # The same answer for a user who does not exist and one of another region.
            messages.error(request, _("You cannot reset the second factor of this user."))
            return redirect("staff:account_security")
        services.second_factor_reset(user=target, by=request.user, request=request)
        messages.success(
            request,
            _("The second factor of %(user)s has been reset. They will set it up again.")
            % {"user": target.get_username()},
        )
        return redirect("staff:account_security")
    return None


@never_cache
@staff_member_required
def security(request: StaffRequest) -> HttpResponseBase:
    """The account's security page: the state of the second factor and what to do with it."""
    if request.method == "POST":
        response = _security_post(request)
        if response is not None:
            return response
        raise PermissionDenied
    user = request.user
    context = {
        "device": selectors.totp_device(user),
        "codes_left": selectors.recovery_codes_left(user),
        "required": permissions.requires_second_factor(user),
        "may_reset": permissions.can_reset_any_second_factor(user),
        "identity_form": IdentityForm(),
        "reset_form": ResetForm(),
    }
    return render(request, "mfa/security.html", context)
