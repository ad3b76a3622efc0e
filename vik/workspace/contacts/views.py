"""The contact page: who the person is and every request of theirs the user may see."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render

from vik.audit.services import audit_record
from vik.contacts.models import Contact
from vik.contacts.selectors import contacts_for
from vik.conversations.selectors import requests_for
from vik.tenancy import permissions
from vik.tenancy.decorators import staff_member_required
from vik.tenancy.permissions.gdpr import contacts_gdpr_visible

from ..audit.selectors import contact_data_access

if TYPE_CHECKING:
    from vik.tenancy.types import StaffRequest


@staff_member_required
def contact_detail(request: StaffRequest, pk: int) -> HttpResponse:
    contact = contacts_for(request.user).filter(pk=pk).first()
    if contact is None:
        # The data-protection officer of the region opens it for the GDPR tasks (vik.gdpr).
        contact = Contact.objects.filter(contacts_gdpr_visible(request.user), pk=pk).first()
    if contact is None:
        raise Http404
    if contact.merged_into_id:
        return redirect("staff:contact_detail", pk=contact.merged_into_id)
    audit_record(
        actor=request.user, action="contact.view", target=contact, personal_data=True,
        request=request,
    )  # fmt: skip
    requests = (
        requests_for(request.user)
        .filter(requester=contact)
        .select_related("centre", "topic")
        .order_by("-created_at")
    )
    # "Who saw this person's data": the data-protection officer only; reading it is audited.
    data_access = None
    if permissions.can_see_data_access(request.user, region_id=contact.region_id):
        data_access = contact_data_access(contact=contact)
        audit_record(
            actor=request.user, action="audit.read", target=contact, personal_data=True,
            request=request, details={"page": "contact", "shown": len(data_access)},
        )  # fmt: skip
    return render(
        request,
        "workspace/contact_detail.html",
        {
            "contact": contact,
            "identities": contact.identities.all(),
            "requests": requests,
            "data_access": data_access,
        },
    )
