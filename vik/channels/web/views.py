"""The public portal's form, its confirmation, the municipality chooser, and the citizen's
private tracking page with its follow-up form."""

from __future__ import annotations

import datetime as dt
import uuid

from django.contrib import messages
from django.contrib.auth.models import AnonymousUser
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from vik.abuse.guard import Guard, form_guard, form_guard_post, spam_reasons
from vik.abuse.ratelimit import limit_hit, rate_limited
from vik.audit.services import client_ip
from vik.channels.core.models import InboundPayload
from vik.conversations import selectors as conversations
from vik.conversations.choices import Status, Visibility
from vik.conversations.models import Attachment, Request
from vik.conversations.services import request_close_by_citizen
from vik.conversations.states import OPEN_STATUSES
from vik.core.downloads import attachment_response
from vik.knowledge import deflection
from vik.knowledge.choices import UsageWhere
from vik.knowledge.selectors import SearchHit, article_search
from vik.knowledge.services import search_usage_record
from vik.satisfaction.forms import RatingForm
from vik.satisfaction.services import rating_offer_ensure
from vik.territory.selectors import municipality_search

from .forms import FollowUpForm, RequestForm, TrackingFindForm
from .services import (
    tracking_link_resend,
    web_accounts,
    web_follow_up_submit,
    web_request_submit,
)
from .uploads import reads_citizen_body, refused_uploads

SUGGESTIONS = 3
SUGGESTION_QUERY_LENGTH = 500  # the start of a long message says what it is about


def _suggestions(text: str) -> list[SearchHit]:
    """The best public articles for what the citizen wrote: the portal reads as the public."""
    text = text.strip()[:SUGGESTION_QUERY_LENGTH]
    if not text:
        return []
    hits = article_search(
        query=text, viewer=AnonymousUser(), limit=SUGGESTIONS, language=get_language() or "cs"
    )
    search_usage_record(query=text, hits=hits, where=UsageWhere.FORM_SUGGESTIONS)
    return hits


def _region_ids() -> list[int]:
    return sorted({account.region_id for account in web_accounts()})


@reads_citizen_body  # no input of the citizen's ends in a bare 400; their words stay
def request_form(request: HttpRequest) -> HttpResponse:
    accounts = {account.region_id: account for account in web_accounts()}
    region_ids = sorted(accounts)
    if request.method == "POST":
        form = RequestForm(
            request.POST,
            request.FILES,
            region_ids=region_ids,
            refused_uploads=refused_uploads(request),
        )
        guard = form_guard_post(
            request, "form", email=request.POST.get("email", "").strip().lower()
        )
        if not guard.refused and form.is_valid():
            data = form.cleaned_data
            municipality = data["municipality"]
            web_request_submit(
                account=accounts[municipality.region_id],  # the chooser offers only these
                submission_id=data["submission_id"],
                name=data["name"],
                email=data["email"],
                phone=data["phone"],
                municipality=municipality,
                topic=data["topic"],
                message=data["message"],
                files=data["attachments"],
                language=get_language() or "cs",
                client_ip=client_ip(request),
                # the honeypot, too fast, too many links: kept, held for review (vik.abuse)
                spam_reasons=spam_reasons(request, honeypot=data["website"], text=data["message"]),
            )
            response = redirect("portal:submitted", submission_id=data["submission_id"])
            deflection.flow_end(response)  # the citizen did not find the answer
            return response
        form.keep_accepted()  # the files that were fine need not be chosen again
        message = request.POST.get("message", "")
    else:
        message = request.GET.get("q", "")
        form = RequestForm(region_ids=region_ids, initial={"message": message})
        guard = form_guard(request, "form")
    return _form_page(request, form, message, guard)


def _form_page(request: HttpRequest, form: RequestForm, message: str, guard: Guard) -> HttpResponse:
    response = render(
        request,
        "web/request_form.html",
        {
            "form": form,
            "suggestions": _suggestions(message),
            "suggestion_query": message.strip(),
            "guard": guard,
        },
        status=guard.status,
    )
    if guard.retry_after:
        response["Retry-After"] = str(guard.retry_after)
    return response


@rate_limited("suggestions")  # over it htmx swaps nothing in: the form works on
def suggestions(request: HttpRequest) -> HttpResponse:
    """The articles that may answer the question being typed into the form (htmx)."""
    message = request.GET.get("message", "")
    return render(
        request,
        "web/suggestions.html",
        {"suggestions": _suggestions(message), "suggestion_query": message.strip()},
    )


def submitted(request: HttpRequest, submission_id: uuid.UUID) -> HttpResponse:
    """The confirmation: the reference and tracking link once the worker has made the request.

    The submission id is a random UUID only the submitter's browser knows.
    """
    payload = (
        InboundPayload.objects.filter(idempotency_key=str(submission_id), account__kind="web")
        .select_related("interaction__request")
        .first()
    )
    tracked: Request | None = None
    if payload is not None and hasattr(payload, "interaction"):
        tracked = payload.interaction.request
    return render(
        request,
        "web/submitted.html",
        {"payload": payload, "tracked": tracked, "submission_id": submission_id},
    )


@rate_limited("municipalities")
def municipality_options(request: HttpRequest) -> HttpResponse:
    """The chooser's <option>s for what the citizen typed so far (htmx)."""
    found = municipality_search(query=request.GET.get("municipality", ""), region_ids=_region_ids())
    return render(request, "web/municipality_options.html", {"municipalities": found})


# The citizen's private tracking page: status, public replies, and a follow-up form -------------


@reads_citizen_body
def tracking(request: HttpRequest, token: str) -> HttpResponse:
    item = (
        Request.objects.select_related("centre", "topic", "municipality")
        .filter(public_token=token)
        .first()
    )
    if item is None:
        raise Http404
    request.portal_region_id = item.region_id  # type: ignore[attr-defined]  # its portal's look
    guard = Guard()
    if request.method == "POST":
        form = FollowUpForm(request.POST, request.FILES, refused_uploads=refused_uploads(request))
        guard = form_guard_post(request, "follow_up", challenge=False, tracked=token)
        if not guard.refused and form.is_valid():
            web_follow_up_submit(
                request=item,
                submission_id=form.cleaned_data["submission_id"],
                message=form.cleaned_data["message"],
                files=form.cleaned_data["attachments"],
                client_ip=client_ip(request),
            )
            messages.success(request, _("Thank you, we have received your message."))
            return redirect("portal:tracking", token=token)
        form.keep_accepted()
    else:
        form = FollowUpForm()
    # once resolved: "How did we help you?" (vik.satisfaction), or the rating given
    offer = rating_offer_ensure(request=item)
    rating = offer.rating if offer else None
    return render(
        request,
        "web/tracking.html",
        {
            "item": item,
            "timeline": conversations.request_timeline(request=item, public_only=True),
            "form": form,
            "is_closed": item.status == Status.CLOSED,
            "guard": guard,
            "offer": offer,
            "rating_form": RatingForm(
                initial={"score": rating.score, "comment": rating.comment} if rating else None
            ),
            "source": "tracking",
            "expected_answer": _expected_answer(item),
            "can_close": item.status != Status.CLOSED and item.merged_into_id is None,
        },
        status=guard.status,
    )


def attachment_download(request: HttpRequest, token: str, pk: int) -> FileResponse:
    """A public attachment of the citizen's own request (never an internal note's)."""
    attachment = get_object_or_404(
        Attachment,
        pk=pk,
        interaction__request__public_token=token,
        interaction__visibility=Visibility.PUBLIC,
    )
    return attachment_response(attachment)


def _expected_answer(item: Request) -> dt.date | None:
    """When the citizen may expect the answer: the statutory deadline of an information
    request, else the resolution target; none once answered."""
    if item.status not in OPEN_STATUSES:
        return None
    if item.statutory_due_on is not None:
        return item.statutory_due_on
    due = item.resolution_due_at or item.due_at
    return timezone.localdate(due) if due is not None else None


def _tracked(token: str) -> Request:
    item = Request.objects.filter(public_token=token).first()
    if item is None:
        raise Http404
    return item


def tracking_close(request: HttpRequest, token: str) -> HttpResponse:
    """The citizen closes their request: a confirmation page, then the tracking page offers
    the rating."""
    item = _tracked(token)
    request.portal_region_id = item.region_id  # type: ignore[attr-defined]
    if request.method == "POST" and item.status != Status.CLOSED:
        request_close_by_citizen(request=item)
        messages.success(
            request, _("Your request is closed. Thank you; tell us how we helped you.")
        )
        return redirect(reverse("portal:tracking", kwargs={"token": token}) + "#rating-heading")
    if item.status == Status.CLOSED:
        return redirect("portal:tracking", token=token)
    return render(request, "web/tracking_close.html", {"item": item})


@rate_limited("tracking_find", kept=lambda request: request.POST.get("reference", ""))
def tracking_find(request: HttpRequest) -> HttpResponse:
    """ "Find my request": the reference and the e-mail send the tracking link again. The page
    answers the same whether or not they matched (no one learns which exist); each e-mail
    address is limited too."""
    sent = False
    if request.method == "POST":
        form = TrackingFindForm(request.POST)
        if form.is_valid():
            email = form.cleaned_data["email"]
            if not limit_hit("tracking_find_email", email).refused:
                tracking_link_resend(reference=form.cleaned_data["reference"], email=email)
            sent = True
    else:
        form = TrackingFindForm()
    return render(request, "web/tracking_find.html", {"form": form, "sent": sent})
