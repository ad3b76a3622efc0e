"""The staff's notifications: the list, the bell in the header, and what to be told how."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from vik.tenancy.decorators import staff_member_required

from .. import selectors, services
from ..choices import NotificationKind

if TYPE_CHECKING:
    from vik.tenancy.types import StaffRequest


@staff_member_required
def notification_list(request: StaffRequest) -> HttpResponse:
    items = selectors.notification_list(user=request.user)
    unread = sum(1 for item in items if item.read_at is None)
    return render(request, "notifications/notifications.html", {"items": items, "unread": unread})


@staff_member_required
@require_POST
def notification_read(request: StaffRequest, pk: int) -> HttpResponse:
    services.notification_mark_read(user=request.user, notification_id=pk)
    return redirect("staff:notification_list")


@staff_member_required
@require_POST
def notification_read_all(request: StaffRequest) -> HttpResponse:
    services.notification_mark_read(user=request.user)
    return redirect("staff:notification_list")


@staff_member_required
def notification_bell(request: StaffRequest) -> HttpResponse:
    """The bell in the header with the unread count (polled by htmx)."""
    count = selectors.notification_unread_count(user=request.user)
    return render(
        request, "notifications/_notification_bell.html", {"unread": count, "polled": True}
    )


@staff_member_required
@require_http_methods(["GET", "POST"])
def notification_settings(request: StaffRequest) -> HttpResponse:
    if request.method == "POST":
        choices = {
            kind: (f"{kind}-in_app" in request.POST, f"{kind}-by_email" in request.POST)
            for kind in NotificationKind.values
        }
        services.notification_preferences_set(user=request.user, choices=choices)
        messages.success(request, _("Saved."))
        return redirect("staff:notification_settings")
    preferences = selectors.notification_preferences(user=request.user)
    return render(
        request,
        "notifications/notification_settings.html",
        {"preferences": preferences, "has_email": bool(request.user.email)},
    )
