"""Recording a request a person brought in (`/staff/requests/new/`), and its receipt.

The form opens prefilled from its query: `channel`, `phone`, `email`, `name` and `call` (the
phone system's call id; the phone pop-up links here). The call id travels as a hidden field and
is kept on the request's "created" timeline event (`conversations.services.recording`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.db.models import QuerySet
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from vik.channels.core.choices import ChannelKind
from vik.contacts.models import Contact
from vik.contacts.selectors import contacts_for
from vik.conversations import selectors, services
from vik.conversations.models import Request
from vik.core.errors import VikError
from vik.tenancy import permissions
from vik.tenancy.decorators import staff_member_required
from vik.tenancy.models import InformationCentre
from vik.territory.selectors import municipality_search

from .new_forms import CHANNEL_CHOICES, ReceiptSendForm, RecordRequestForm
from .receipt import receipt_pdf
from .selectors import contact_matches

if TYPE_CHECKING:
    from vik.tenancy.types import StaffRequest

PREFILLED = ("channel", "phone", "email", "name", "call")


def _centres(request: StaffRequest) -> QuerySet[InformationCentre]:
    """The centres the user records for: those they work in first, by name."""
    return (
        InformationCentre.objects.filter(permissions.centres_recording(request.user))
        .filter(is_active=True)
        .select_related("region")
        .order_by("name")
    )


def _ordered(request: StaffRequest, centres: QuerySet[InformationCentre]) -> list[int]:
    mine = permissions.member_centres(request.user) or []
    return sorted((c.pk for c in centres), key=lambda pk: (pk not in mine, pk))


def _form(request: StaffRequest, centres: QuerySet[InformationCentre]) -> RecordRequestForm:
    contacts: QuerySet[Contact] = contacts_for(request.user)
    if request.method == "POST":
        return RecordRequestForm(request.POST, request.FILES, centres=centres, contacts=contacts)
    initial: dict[str, Any] = {
        name: request.GET[name] for name in PREFILLED if request.GET.get(name, "").strip()
    }
    if initial.get("channel") not in dict(CHANNEL_CHOICES):
        initial.pop("channel", None)
    order = _ordered(request, centres)
    if order:
        initial["centre"] = order[0]
    return RecordRequestForm(initial=initial, centres=centres, contacts=contacts)


@staff_member_required
def request_new(request: StaffRequest) -> HttpResponse:
    """The form; on success the new request's page (or its receipt, when routing took it to a
    centre the clerk does not see)."""
    if not permissions.can_record_any_request(request.user):
        raise Http404
    centres = _centres(request)
    form = _form(request, centres)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            item = services.request_record(
                by=request.user, centre=data["centre"], channel=data["channel"],
                contact=form.chosen_contact, name=data["name"], phone=data["phone"],
                email=data["email"], municipality=data["municipality"], topic=data["topic"],
                kind=data["kind"], subject=data["subject"], text=data["text"],
                received_at=data["received_at"], attachments=data["attachments"],
                answer=data["answer"], call_id=data["call"], http_request=request,
            )  # fmt: skip
        except VikError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request, _("Request %(reference)s recorded.") % {"reference": item.reference}
            )
            permissions.forget_scope(request.user)
            if permissions.can_view_request(request.user, item):
                return redirect("staff:request_detail", reference=item.reference)
            return redirect("staff:request_receipt", reference=item.reference)
    query = form["phone"].value() or form["email"].value() or form["name"].value() or ""
    return render(
        request,
        "workspace/request_new.html",
        {
            "form": form,
            "contact_query": query if request.method == "GET" else "",
            "chosen": form.chosen_contact,
        },
    )


@staff_member_required
def request_new_contacts(request: StaffRequest) -> HttpResponse:
    """The contacts matching what the clerk typed (the form's combobox asks as they type)."""
    query = request.GET.get("contact_query", "")
    return render(
        request,
        "workspace/_contact_matches.html",
        {"matches": contact_matches(user=request.user, query=query), "query": query.strip()},
    )


@staff_member_required
def request_new_municipalities(request: StaffRequest) -> HttpResponse:
    """The portal's municipality chooser, for the regions of the clerk's centres."""
    regions = sorted({c.region_id for c in _centres(request)})
    found = municipality_search(query=request.GET.get("municipality", ""), region_ids=regions)
    return render(request, "workspace/_municipality_options.html", {"municipalities": found})


def _receipt_request(request: StaffRequest, reference: str) -> Request:
    item = (
        Request.objects.select_related("requester", "centre", "region")
        .filter(reference=reference)
        .first()
    )
    if item is None or not permissions.can_give_receipt(
        request.user, item, recorded_by_id=services.recorded_by(item)
    ):
        raise Http404
    return item


def _receipt_context(
    item: Request, form: ReceiptSendForm | None = None, *, can_view: bool = False
) -> dict[str, Any]:
    accounts = services.receipt_accounts(item)
    identities = {i.kind: i.value for i in item.requester.identities.all()}
    return {
        "item": item,
        "tracking_url": selectors.tracking_url(item),
        "email_account": accounts.get(ChannelKind.EMAIL),
        "sms_account": accounts.get(ChannelKind.SMS),
        "email": identities.get("email", ""),
        "phone": identities.get("phone", ""),
        "form": form,
        "can_view": can_view,
    }


@staff_member_required
def request_receipt(request: StaffRequest, reference: str) -> HttpResponse:
    """The receipt: its reference and tracking link, to print or to send."""
    item = _receipt_request(request, reference)
    can_view = permissions.can_view_request(request.user, item)
    return render(
        request, "workspace/request_receipt.html", _receipt_context(item, can_view=can_view)
    )


@staff_member_required
def request_receipt_pdf(request: StaffRequest, reference: str) -> HttpResponse:
    item = _receipt_request(request, reference)
    response = HttpResponse(receipt_pdf(_receipt_context(item)), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="potvrzeni-{item.reference}.pdf"'
    return response


@require_POST
@staff_member_required
def request_receipt_send(request: StaffRequest, reference: str) -> HttpResponse:
    item = _receipt_request(request, reference)
    form = ReceiptSendForm(request.POST)
    if form.is_valid():
        try:
            services.request_receipt_send(
                request=item, by=request.user, kind=form.cleaned_data["via"],
                recipient=form.cleaned_data["recipient"],
            )  # fmt: skip
        except VikError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request,
                _("The receipt goes to %(recipient)s.")
                % {"recipient": form.cleaned_data["recipient"]},
            )
            return redirect("staff:request_receipt", reference=item.reference)
    context = _receipt_context(
        item, form, can_view=permissions.can_view_request(request.user, item)
    )
    return render(request, "workspace/request_receipt.html", context, status=400)
