"""The data-protection officer's buttons on a contact's page: the subject-access ZIP and the
erasure (with a confirmation step). Anyone else is refused with 403 and nothing happens."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from vik.contacts.models import Contact
from vik.core import clock
from vik.tenancy.decorators import staff_member_required
from vik.tenancy.permissions.gdpr import contact_gdpr_allowed

from . import selectors, services

if TYPE_CHECKING:
    from vik.tenancy.types import StaffRequest


def _contact(request: StaffRequest, pk: int) -> Contact:
    """The contact if the user is the DPO of its region; 403 otherwise (for a contact that
    does not exist as well, so that the answer says nothing of it)."""
    contact = selectors.contacts_for_gdpr(request.user).select_related("region").filter(pk=pk)
    found = contact.first()
    if found is None or not contact_gdpr_allowed(request.user, found):
        raise PermissionDenied
    return found


@staff_member_required
@require_POST
def contact_export(request: StaffRequest, pk: int) -> HttpResponse:
    contact = _contact(request, pk)
    data = services.contact_export(contact=contact, actor=request.user, request=request)
    response = HttpResponse(data, content_type="application/zip")
    name = f"gdpr-contact-{contact.pk}-{clock.today():%Y-%m-%d}.zip"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "no-store"
    return response


@staff_member_required
@require_http_methods(["GET", "POST"])
def contact_anonymise(request: StaffRequest, pk: int) -> HttpResponse:
    contact = _contact(request, pk)
    family = selectors.contact_family(contact)
    requests = list(selectors.person_requests(family).select_related("topic"))
    archived = [item for item in requests if item.kind in selectors.ARCHIVED_KINDS]
    error = ""
    if request.method == "POST" and not archived:
        if request.POST.get("confirm") != "yes":
            error = _("Tick the box to confirm that the data will be removed for good.")
        else:
            services.contact_anonymise(contact=contact, actor=request.user, request=request)
            messages.success(
                request,
                _("The contact was anonymised; the statistics of their requests stay."),
            )
            return redirect("staff:contact_detail", pk=contact.pk)
    return render(
        request,
        "gdpr/contact_anonymise_confirm.html",
        {
            "contact": contact,
            "requests": requests,
            "archived": archived,
            "anonymised": selectors.is_anonymised(contact),
            "contacts_merged": len(family) - 1,
            "error": error,
        },
        status=400 if error else 200,
    )
