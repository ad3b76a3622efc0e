"""Login, logout and password change for staff, in VIK's own layout; the page a locked-out
sign-in gets, the lockouts a lead releases, the session's status for the idle warning, and a
region's portal identity, which its coordinators edit."""

from __future__ import annotations

import math
import time
from typing import Any

from axes.helpers import get_client_username
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from vik.core import errors

from .. import permissions, selectors, services, signin
from ..decorators import staff_member_required
from ..forms import PortalIdentityForm
from ..middleware import LAST_ACTIVITY, LOGOUT_REASON, session_limits
from ..types import StaffRequest

LOGOUT_REASONS = {
    "idle": lambda: (
        _("You were signed out after %(minutes)d minutes without activity. Sign in again.")
        % {"minutes": settings.VIK_SESSION_IDLE_MINUTES}
    ),
    "max": lambda: (
        _("You were signed out: a session lasts at most %(hours)d hours. Sign in again.")
        % {"hours": settings.VIK_SESSION_MAX_HOURS}
    ),
}


class LoginView(auth_views.LoginView):
    template_name = "tenancy/login.html"
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        # Kept until the next sign-in: the page may be loaded twice (a poll and the warning
        # both send the page here when the session ends). The address says it too (`reason`),
        # for the page that comes with another session cookie than the one that was ended.
        reason = self.request.session.get(LOGOUT_REASON) or self.request.GET.get("reason")
        return {
            **super().get_context_data(**kwargs),
            "login_hint": settings.VIK_LOGIN_HINT,
            "logout_reason": LOGOUT_REASONS[reason]() if reason in LOGOUT_REASONS else "",
        }


class LogoutView(auth_views.LogoutView):
    pass


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "tenancy/password_change.html"
    success_url = reverse_lazy("staff:password_change_done")


class PasswordChangeDoneView(auth_views.PasswordChangeDoneView):
    template_name = "tenancy/password_change_done.html"


def locked_out(
    request: HttpRequest, original_response: HttpResponse | None = None, credentials: Any = None
) -> HttpResponse:
    """What a sign-in refused by a lock gets (axes' AXES_LOCKOUT_CALLABLE, on the staff and the
    admin login): 429, how long to wait, whom to ask."""
    counts = signin.failure_counts(
        username=get_client_username(request, credentials),
        ip_address=getattr(request, "axes_ip_address", None),
    )
    until = counts.locked_until or timezone.now() + signin.cooloff()
    seconds = max(0.0, (until - timezone.now()).total_seconds())
    minutes = max(1, math.ceil(seconds / 60))
    response = TemplateResponse(
        request,
        "tenancy/locked_out.html",
        {
            "minutes": minutes,
            "until": until,
            "account_locked": counts.account_locked,
            "address_locked": counts.address_locked,
        },
        status=429,
    )
    response["Retry-After"] = str(math.ceil(seconds) or 60)
    return response.render()


@staff_member_required
@require_GET
def lockout_list(request: StaffRequest) -> HttpResponse:
    if not permissions.can_manage_lockouts(request.user):
        raise PermissionDenied
    return TemplateResponse(
        request,
        "tenancy/lockout_list.html",
        {
            "accounts": selectors.account_lockouts(request.user),
            "addresses": selectors.address_lockouts(request.user),
            "releases_addresses": permissions.can_release_address(request.user),
            "account_limit": settings.VIK_LOGIN_FAILURE_LIMIT,
            "address_limit": settings.VIK_LOGIN_ADDRESS_FAILURE_LIMIT,
            "cooloff_minutes": settings.VIK_LOGIN_COOLOFF_MINUTES,
        },
    )


@staff_member_required
@require_POST
def lockout_release(request: StaffRequest) -> HttpResponse:
    username = request.POST.get("username", "").strip() or None
    ip_address = request.POST.get("ip_address", "").strip() or None
    try:
        services.lockout_release(
            by=request.user, request=request, username=username, ip_address=ip_address
        )
    except errors.PermissionDenied as error:
        raise PermissionDenied from error
    except errors.ValidationFailed:
        return HttpResponse(status=400)
    messages.success(
        request,
        _("The lock of %(who)s was released; they can sign in again.")
        % {"who": username or ip_address},
    )
    return redirect("staff:lockout_list")


def _session_state(request: HttpRequest) -> JsonResponse:
    if not request.user.is_authenticated:
        reason = request.session.get(LOGOUT_REASON)
        return JsonResponse(
            {"signed_in": False, "login_url": reverse("staff:login"), "ends": reason or ""}
        )
    left, limit = session_limits(request.session, time.time())
    return JsonResponse(
        {"signed_in": True, "seconds_left": max(0, int(left)), "ends": limit},
        headers={"Cache-Control": "no-store"},
    )


@require_GET
def session_status(request: HttpRequest) -> JsonResponse:
    """How long the session has left (a passive request: it does not count as activity)."""
    return _session_state(request)


@require_POST
def session_extend(request: HttpRequest) -> JsonResponse:
    """ "Stay signed in": the request itself is activity; the idle clock starts again."""
    if request.user.is_authenticated:
        request.session[LAST_ACTIVITY] = time.time()
    return _session_state(request)


@staff_member_required
def portal_identity_edit(request: StaffRequest) -> HttpResponse:
    """A region's portal identity (name, logo, colour, the texts the law requires), edited by
    its coordinators and administrators; `?region=<id>` for one who edits several."""
    if not permissions.can_edit_any_portal(request.user):
        raise PermissionDenied
    regions = selectors.portal_regions(request.user)
    chosen = request.POST.get("region") or request.GET.get("region") or ""
    region = regions.filter(pk=chosen).first() if chosen.isdigit() else regions.first()
    # A region the user does not edit (another region's) is refused, never swapped for theirs.
    if region is None:
        raise PermissionDenied
    identity = selectors.portal_identity_of(region)
    form = PortalIdentityForm(request.POST or None, request.FILES or None, instance=identity)
    if request.method == "POST" and form.is_valid():
        changed = ["logo" if name == "logo_remove" else name for name in form.changed_data]
        try:
            services.portal_identity_update(
                identity=form.save(commit=False), by=request.user, changed=changed
            )
        except errors.PermissionDenied as error:
            raise PermissionDenied from error
        messages.success(request, _("The portal's identity was saved."))
        return redirect(f"{reverse('staff:portal_identity')}?region={region.pk}")
    return TemplateResponse(
        request,
        "tenancy/portal_identity_form.html",
        {"form": form, "identity": identity, "region": region, "regions": regions},
        status=400 if form.errors else 200,
    )
