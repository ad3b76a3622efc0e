"""The staff workspace: the request list and the request page with its actions."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.http import FileResponse, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_POST

from vik.channels.registry import registered_kinds
from vik.core.errors import VikError
from vik.core.htmx import render_page_or_partial
from vik.core.middleware import content_security_policy
from vik.knowledge import selectors as knowledge
from vik.knowledge.choices import Audience
from vik.knowledge.rendering import version_plain_text
from vik.tenancy import permissions
from vik.tenancy.decorators import staff_member_required
from vik.tenancy.models import InformationCentre
from vik.tenancy.selectors import assignable_users

from .. import selectors, services
from ..choices import Direction
from ..forms import (
    AssignForm,
    CentreForm,
    NoteForm,
    ReplyForm,
    RequestFilterForm,
    StatusForm,
    TopicForm,
)
from ..models import Attachment, Interaction, Request
from .common import attachment_response


@staff_member_required
def request_list(request: HttpRequest) -> HttpResponse:
    centres = InformationCentre.objects.filter(permissions.centres_visible(request.user))
    form = RequestFilterForm(request.GET or None, centres=centres)
    data: dict[str, Any] = form.cleaned_data if form.is_valid() else {}
    filters = selectors.RequestFilters(
        status=data.get("status") or "",
        centre_id=data["centre"].pk if data.get("centre") else None,
        channel=data.get("channel") or "",
        topic_id=data["topic"].pk if data.get("topic") else None,
        assignee=data.get("assignee") or "",
        text=data.get("text") or "",
    )
    page = selectors.request_page(
        user=request.user, filters=filters, cursor=request.GET.get("after", "")
    )
    query = request.GET.copy()
    query.pop("after", None)
    context = {"form": form, "page": page, "query": query.urlencode()}
    return render_page_or_partial(request, "conversations/request_list.html", "rows", context)


KNOWLEDGE_SUGGESTIONS = 5
KNOWLEDGE_QUERY_LENGTH = 500  # the subject and the start of the question say what it is about


@dataclass(frozen=True)
class KnowledgeSuggestion:
    """An article that may answer the request. Only a public one may go into a public reply:
    `public_url` and `text` are empty for staff and coordinators' articles."""

    hit: knowledge.SearchHit
    url: str
    public_url: str
    text: str

    @property
    def is_public(self) -> bool:
        return self.hit.article.audience == Audience.PUBLIC


def _knowledge_suggestions(request: HttpRequest, item: Request) -> list[KnowledgeSuggestion]:
    """The best articles for the request's subject and first message, as its agent reads them."""
    first = (
        Interaction.objects.filter(request=item, direction=Direction.INBOUND)
        .order_by("occurred_at", "pk")
        .values_list("text", flat=True)
        .first()
    )
    query = f"{item.subject}\n{first or ''}".strip()[:KNOWLEDGE_QUERY_LENGTH]
    if not query:
        return []
    hits = knowledge.article_search(
        query=query,
        viewer=request.user,
        limit=KNOWLEDGE_SUGGESTIONS,
        territory=knowledge.territory_for_staff(request.user),
    )
    suggestions = []
    for hit in hits:
        staff_url = reverse("staff:knowledge_detail", kwargs={"pk": hit.article.pk})
        if hit.article.audience != Audience.PUBLIC:
            suggestions.append(KnowledgeSuggestion(hit=hit, url=staff_url, public_url="", text=""))
            continue
        public_url = request.build_absolute_uri(
            reverse("portal:knowledge_article", kwargs={"slug": hit.article.slug})
        )
        text = f"{hit.version.title}\n{version_plain_text(hit.version.content())}"
        suggestions.append(
            KnowledgeSuggestion(hit=hit, url=public_url, public_url=public_url, text=text)
        )
    return suggestions


def _detail_context(request: HttpRequest, item: Request) -> dict[str, Any]:
    can_work = permissions.can_work_request(request.user, item)
    images = request.GET.get("images", "")
    centres = InformationCentre.objects.filter(permissions.centres_to_move_to(request.user))
    return {
        "item": item,
        "timeline": selectors.request_timeline(request=item),
        "can_work": can_work,
        "reply_form": ReplyForm(current_status=item.status),
        "note_form": NoteForm(),
        "status_form": StatusForm(current_status=item.status),
        "assign_form": AssignForm(
            assignees=assignable_users(centre_id=item.centre_id, region_id=item.region_id),
            initial={"assignee": item.assignee_id},
        ),
        "topic_form": TopicForm(initial={"topic": item.topic_id}),
        "centre_form": CentreForm(centres=centres, initial={"centre": item.centre_id}),
        "identities": list(item.requester.identities.all()),
        "delivers_replies": item.origin_account is not None
        and item.origin_account.kind in registered_kinds(),
        # The interaction whose remote images the agent asked to see (?images=<id>).
        "images_shown": int(images) if images.isdigit() else None,
        "knowledge_suggestions": _knowledge_suggestions(request, item),
    }


@staff_member_required
def request_detail(request: HttpRequest, reference: str) -> HttpResponse:
    item = selectors.request_get(user=request.user, reference=reference)
    services.request_viewed(request=item, by=request.user, http_request=request)
    return render(request, "conversations/request_detail.html", _detail_context(request, item))


# The formatted message in its own document: no script at all, framed by VIK's pages only.
MESSAGE_POLICY = content_security_policy(
    script_src="'none'", frame_ancestors="'self'", form_action="'none'", base_uri="'none'"
)
MESSAGE_WITH_IMAGES_POLICY = content_security_policy(
    script_src="'none'", frame_ancestors="'self'", form_action="'none'", base_uri="'none'",
    img_src="'self' data: https: http:",
)  # fmt: skip


@staff_member_required
@xframe_options_sameorigin
def interaction_html(request: HttpRequest, reference: str, pk: int) -> HttpResponse:
    """One interaction's formatted message as a page of its own, for the sandboxed frame on the
    request page; with `?images=1` its remote images load. Only this response allows them (a
    policy applies per document), and it never allows a script."""
    item = selectors.request_get(user=request.user, reference=reference)
    interaction = selectors.interaction_get(request=item, pk=pk)
    remote_images = request.GET.get("images") == "1"
    services.request_viewed(request=item, by=request.user, http_request=request)
    formatted = selectors.interaction_formatted(
        interaction=interaction, remote_images=remote_images
    )
    response = render(
        request,
        "conversations/interaction_html.html",
        {"item": item, "interaction": interaction, "formatted": formatted},
    )
    response.headers["Content-Security-Policy"] = (
        MESSAGE_WITH_IMAGES_POLICY if remote_images else MESSAGE_POLICY
    )
    response.headers["Referrer-Policy"] = "no-referrer"  # the image servers learn nothing more
    return response


def _action(
    form_class: Callable[..., Any], perform: Callable[[Request, dict[str, Any], Any], Any]
) -> Callable[..., HttpResponseBase]:
    """A POST on the request page: validate one small form, call one service, go back."""

    @staff_member_required
    @require_POST
    def view(request: HttpRequest, reference: str) -> HttpResponse:
        item = selectors.request_get(user=request.user, reference=reference)
        form = form_class(request.POST, **_form_kwargs(form_class, item, request))
        if not form.is_valid():
            for errors in form.errors.values():
                for error in errors:
                    messages.error(request, error)
            return redirect("staff:request_detail", reference=reference)
        try:
            perform(item, form.cleaned_data, request.user)
        except VikError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("Saved."))
        return redirect("staff:request_detail", reference=reference)

    return view


def _form_kwargs(form_class: Any, item: Request, request: HttpRequest) -> dict[str, Any]:
    if form_class in (ReplyForm, StatusForm):
        return {"current_status": item.status}
    if form_class is AssignForm:
        return {"assignees": assignable_users(centre_id=item.centre_id, region_id=item.region_id)}
    if form_class is CentreForm:
        return {
            "centres": InformationCentre.objects.filter(
                permissions.centres_to_move_to(request.user)
            )
        }
    return {}


request_reply = _action(
    ReplyForm,
    lambda item, data, user: services.request_reply(
        request=item, by=user, text=data["text"], status=data["status"] or None
    ),
)
request_note = _action(
    NoteForm,
    lambda item, data, user: services.request_note(request=item, by=user, text=data["text"]),
)
request_status = _action(
    StatusForm,
    lambda item, data, user: services.request_set_status(
        request=item, status=data["status"], by=user
    ),
)
request_assign = _action(
    AssignForm,
    lambda item, data, user: services.request_assign(
        request=item, assignee=data["assignee"], by=user
    ),
)
request_topic = _action(
    TopicForm,
    lambda item, data, user: services.request_set_topic(request=item, topic=data["topic"], by=user),
)
request_centre = _action(
    CentreForm,
    lambda item, data, user: services.request_move(request=item, centre=data["centre"], by=user),
)


@staff_member_required
def attachment_download(request: HttpRequest, reference: str, pk: int) -> FileResponse:
    """Attachments are always downloaded, never shown inline: a citizen's HTML or SVG file must
    not run in the workspace's origin."""
    item = selectors.request_get(user=request.user, reference=reference)
    attachment = get_object_or_404(Attachment, pk=pk, interaction__request=item)
    return attachment_response(attachment)


@staff_member_required
@require_POST
def request_take(request: HttpRequest, reference: str) -> HttpResponse:
    item = selectors.request_get(user=request.user, reference=reference)
    try:
        services.request_assign(request=item, assignee=request.user, by=request.user)
    except VikError as error:
        messages.error(request, str(error))
    return redirect("staff:request_detail", reference=reference)
