"""The request list and the request page with its actions (moved here from conversations:
the clerk's screens sit above the requests they show)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, QueryDict
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_POST

from vik.conversations import selectors, services
from vik.conversations.choices import Direction
from vik.conversations.models import Attachment, Interaction, Request
from vik.core import clock
from vik.core.downloads import attachment_response
from vik.core.errors import ValidationFailed, VikError
from vik.core.htmx import render_page_or_partial
from vik.core.middleware import content_security_policy
from vik.knowledge import selectors as knowledge
from vik.knowledge.choices import ArticleKind, Audience
from vik.knowledge.rendering import version_reply_text
from vik.tenancy import permissions
from vik.tenancy.decorators import staff_member_required
from vik.tenancy.models import InformationCentre
from vik.tenancy.selectors import assignable_users

from ..collaboration.replies import reply_draft_text
from ..saved_views import selectors as saved_views
from ..saved_views.forms import SavedViewForm
from ..saved_views.tabs import view_tabs_html
from .downloads import dangerous_attachment_page, raw_mail_response
from .forms import (
    AssignForm,
    BulkActionForm,
    CentreForm,
    ConsultationAnswerForm,
    ConsultForm,
    MergeForm,
    NoteForm,
    ReplyForm,
    RequestFilterForm,
    StatusForm,
    StatutoryExtensionForm,
    TopicForm,
    TransferForm,
    quick_widgets,
)
from .message_facts import attachment_is_dangerous, message_facts
from .panel import panel_context, panel_undo_offer
from .rows import COLUMNS, columns_choose, columns_of, filter_chips, list_rows, rows_html
from .selectors import bulk_choices, filter_choices, filter_sets, sees_one_centre

if TYPE_CHECKING:
    from vik.tenancy.types import StaffRequest, StaffUser

    from ..saved_views.selectors import ListView

# The list's query parameters that are filters (a `view` with none of them shows the view's own).
_LIST_FILTER_NAMES = (*selectors.FILTER_PARAMETERS, "sort")


def _list_params(request: StaffRequest, view: ListView | None) -> QueryDict:
    """The filters the list applies: the query's, or the chosen view's when the query has none
    (the filter form then shows the view's filters, and changing one leaves the view)."""
    if view is None or any(request.GET.get(name) for name in _LIST_FILTER_NAMES):
        return request.GET
    params = QueryDict(mutable=True)
    params.update(view.params)
    if view.sort != "received":
        params["sort"] = view.sort
    return params


# The filters always in sight (besides the search box); the others are behind "More filters".
_MAIN_FILTERS = ("status", "assignee", "sort")


@staff_member_required
def request_list(request: StaffRequest) -> HttpResponse:
    user = request.user
    views = saved_views.list_views_for(user)
    active_view = saved_views.list_view_find(views, request.GET.get("view", ""))
    params = _list_params(request, active_view)
    sets = filter_sets(user)
    form = RequestFilterForm(
        params or None, centres=sets.centres, queues=sets.queues, tags=sets.tags
    )
    filters = (
        selectors.request_filters_from_params(params)
        if form.is_valid()
        else selectors.RequestFilters()
    )
    page = selectors.request_page(user=user, filters=filters, cursor=request.GET.get("after", ""))
    # One audit event per page shown, with what was asked (the search text too) and what it showed.
    services.requests_listed(
        by=user,
        http_request=request,
        filters={name: params.get(name, "") for name in _LIST_FILTER_NAMES},
        references=[item.reference for item in page.items],
        view=str(active_view.key) if active_view is not None else "",
        more=bool(request.GET.get("after")),
    )
    query = request.GET.copy()
    query.pop("after", None)
    # The centre column and filter only when the user sees more than one centre.
    single_centre = sees_one_centre(user)
    columns = [c for c in columns_of(user) if not (single_centre and c == "centre")]
    rows = list_rows(page.items)
    context: dict[str, Any] = {
        "form": form,
        "page": page,
        "rows": rows,
        "rows_html": rows_html(rows, columns),
        "query": query.urlencode(),
        "chips": filter_chips(form, params),
        "columns": columns,
        "column_count": len(columns) + 3,
        **{f"show_{name}": name in columns for name, _label in COLUMNS},
    }
    htmx = getattr(request, "htmx", None)
    if not htmx or htmx.boosted:  # the whole page, not only more rows
        # The counts come after the page (`staff:view_counts`): the list never waits for them.
        hidden_more = {"centre"} if single_centre else set()
        form.use_choices(filter_choices(user))
        save_form = SavedViewForm(share_choices=saved_views.view_share_choices_kept(user))
        quick_widgets(save_form)
        context.update(
            views=[(view, None) for view in views],
            view_tabs=view_tabs_html(views, active_view),
            active_view=active_view,
            save_form=save_form,
            bulk=bulk_choices(user),
            main_fields=[form[name] for name in _MAIN_FILTERS],
            more_fields=[
                field
                for field in form.visible_fields()
                if field.name not in {"text", *_MAIN_FILTERS, *hidden_more}
            ],
            more_active=sum(
                1 for chip in context["chips"] if chip.name not in {"text", *_MAIN_FILTERS}
            ),
            column_choices=[(name, label, name in columns) for name, label in COLUMNS
                            if not (single_centre and name == "centre")],
        )  # fmt: skip
    # The filter bar swaps the chips and the table; "More requests" only appends rows.
    partial = "results" if htmx and htmx.target == "request-results" else "rows"
    return render_page_or_partial(request, "workspace/request_list.html", partial, context)


@staff_member_required
@require_POST
def request_list_columns(request: StaffRequest) -> HttpResponse:
    """The columns the user chose for the list (kept for them), then back to the list."""
    columns_choose(user=request.user, columns=request.POST.getlist("columns"))
    back = request.POST.get("next", "")
    if not back.startswith("/staff/requests/"):
        back = reverse("staff:request_list")
    return redirect(back)


@staff_member_required
@require_POST
def request_bulk(request: StaffRequest) -> HttpResponse:
    """The list's action bar: one action on the ticked requests (each checked on its own)."""
    form = BulkActionForm(request.POST)
    back = request.POST.get("next", "")
    if not back.startswith("/staff/requests/"):
        back = reverse("staff:request_list")
    references = request.POST.getlist("references")
    if not form.is_valid() or not references:
        messages.error(request, _("Tick some requests and choose an action."))
        return redirect(back)
    action = form.cleaned_data["action"]
    field_of_value = {"assign": "assignee", "status": "status", "tag": "tag", "transfer": "centre"}
    result = services.requests_bulk_apply(
        user=request.user,
        references=references,
        action=action,
        value=request.POST.get(field_of_value[action], ""),
        reason=form.cleaned_data.get("reason") or "",
    )
    parts = []
    if result.done:
        count = len(result.done)
        parts.append(
            ngettext("Done for %(count)d request", "Done for %(count)d requests", count)
            % {"count": count}
        )
    if result.failed:
        reasons = "; ".join(f"{reference}: {why}" for reference, why in result.failed.items())
        count = len(result.failed)
        parts.append(
            ngettext("%(count)d failed: %(reasons)s", "%(count)d failed: %(reasons)s", count)
            % {"count": count, "reasons": reasons}
        )
    level = messages.SUCCESS if not result.failed else messages.WARNING
    if not result.done:
        level = messages.ERROR
    messages.add_message(request, level, "; ".join(parts))
    return redirect(back)


KNOWLEDGE_SUGGESTIONS = 5
KNOWLEDGE_SUGGESTIONS_CUTOFF = 0.25  # share of the best hit's score
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


def knowledge_suggestions(
    request: StaffRequest, item: Request, text: str | None = None
) -> list[KnowledgeSuggestion]:
    """The best articles for the request's subject and first message (or `text`: the chat
    console asks with the citizen's last message) that its agent may read, for the request's
    territory (its municipality's and centre's local variants come first)."""
    if text is None:
        first = (
            Interaction.objects.filter(request=item, direction=Direction.INBOUND)
            .order_by("occurred_at", "pk")
            .values_list("text", flat=True)
            .first()
        )
        # A subject cut from the message itself would say its words twice.
        subject = "" if first and first.startswith(item.subject.rstrip("…")) else item.subject
        query = f"{subject}\n{first or ''}".strip()[:KNOWLEDGE_QUERY_LENGTH]
    else:
        query = text.strip()[:KNOWLEDGE_QUERY_LENGTH]
    if not query:
        return []
    hits = knowledge.article_search(
        query=query,
        viewer=request.user,
        limit=KNOWLEDGE_SUGGESTIONS,
        # Related guidance helps a clerk: a lower relevance cut-off than the citizen's search.
        cutoff_relative=KNOWLEDGE_SUGGESTIONS_CUTOFF,
        territory=knowledge.territory_for_request(
            region_id=item.region_id, centre_id=item.centre_id, municipality=item.municipality
        ),
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
        text = version_reply_text(hit.version.content(), is_faq=hit.article.kind == ArticleKind.FAQ)
        suggestions.append(
            KnowledgeSuggestion(hit=hit, url=public_url, public_url=public_url, text=text)
        )
    return suggestions


def _detail_context(request: StaffRequest, item: Request) -> dict[str, Any]:
    can_work = permissions.can_work_request(request.user, item)
    images = request.GET.get("images", "")
    routes = services.reply_routes(item) if can_work else []
    timeline = selectors.request_timeline(request=item)
    return {
        "item": item,
        "timeline": timeline,
        # The page asks for what is newer than its newest entry (`request_timeline_updates`).
        "timeline_since": max(
            [clock.now() - dt.timedelta(minutes=1)]
            + [getattr(entry, "occurred_at", None) or entry.created_at for entry in timeline]
        ),
        "attachment_max_count": settings.VIK_ATTACHMENT_MAX_COUNT,
        "attachment_max_bytes": settings.VIK_ATTACHMENT_MAX_BYTES,
        "can_work": can_work,
        "reply_form": ReplyForm(
            current_status=item.status,
            routes=routes,
            initial={"text": reply_draft_text(request=item, user=request.user)} if can_work else {},
        ),
        "reply_routes": routes,
        "note_form": NoteForm(),
        **panel_context(item, request.user),
        **panel_undo_offer(request, item),
        "identities": list(item.requester.identities.all()),
        # The interaction whose remote images the agent asked to see (?images=<id>).
        "images_shown": int(images) if images.isdigit() else None,
        "knowledge_suggestions": knowledge_suggestions(request, item),
    }


def _with_message_facts(context: dict[str, Any]) -> dict[str, Any]:
    return {**context, "message_facts": message_facts(context["timeline"])}


@staff_member_required
def request_detail(request: StaffRequest, reference: str) -> HttpResponse:
    item = selectors.request_get(user=request.user, reference=reference)
    services.request_viewed(request=item, by=request.user, http_request=request)
    context = _with_message_facts(_detail_context(request, item))
    return render(request, "workspace/request_detail.html", context)


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
def interaction_html(request: StaffRequest, reference: str, pk: int) -> HttpResponse:
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
        "workspace/interaction_html.html",
        {"item": item, "interaction": interaction, "formatted": formatted},
    )
    response.headers["Content-Security-Policy"] = (
        MESSAGE_WITH_IMAGES_POLICY if remote_images else MESSAGE_POLICY
    )
    response.headers["Referrer-Policy"] = "no-referrer"  # the image servers learn nothing more
    return response


def _action(
    form_class: Callable[..., Any], perform: Callable[[Request, dict[str, Any], StaffUser], object]
) -> Callable[..., HttpResponseBase]:
    """A POST on the request page: validate one small form, call one service, go back."""

    @staff_member_required
    @require_POST
    def view(request: StaffRequest, reference: str) -> HttpResponse:
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
            # A transfer (or a merge) can take the request out of the user's sight.
            permissions.forget_scope(request.user)
            item.refresh_from_db()
            if not permissions.can_view_request(request.user, item):
                return redirect("staff:request_list")
        return redirect("staff:request_detail", reference=reference)

    return view


def _form_kwargs(form_class: Any, item: Request, request: StaffRequest) -> dict[str, Any]:
    if form_class is StatusForm:
        return {"current_status": item.status}
    if form_class is AssignForm:
        return {"assignees": assignable_users(centre_id=item.centre_id, region_id=item.region_id)}
    if form_class is StatutoryExtensionForm:
        return {"routes": services.statutory_notice_routes(item), "prefix": "statutory"}
    if form_class in (TransferForm, ConsultForm):
        return {"centres": selectors.request_network(request=item, user=request.user).centres}
    if form_class is CentreForm:
        return {
            "centres": InformationCentre.objects.filter(
                permissions.centres_to_move_to(request.user)
            )
        }
    return {}


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


request_statutory_extend = _action(
    StatutoryExtensionForm,
    lambda item, data, user: services.request_statutory_extend(
        request=item, days=data["days"], reason=data["reason"], text=data["text"],
        route=data["route"] or None, by=user,
    ),
)  # fmt: skip


@staff_member_required
def request_statutory_notice(request: StaffRequest, reference: str) -> HttpResponse:
    """The extension form's notice for the days and the reason chosen (htmx swaps it in)."""
    item = selectors.request_get(user=request.user, reference=reference)
    if not permissions.can_extend_statutory_deadline(request.user, item):
        raise PermissionDenied
    days = request.GET.get("statutory-days", "")
    form = StatutoryExtensionForm(
        routes=[],
        prefix="statutory",
        initial={
            "text": services.statutory_extension_notice_text(
                item,
                days=min(max(int(days), 1), 10) if days.isdigit() else 10,
                reason=request.GET.get("statutory-reason", ""),
            )
        },
    )
    return render(request, "workspace/_statutory_notice.html", {"field": form["text"]})


@staff_member_required
def attachment_download(request: StaffRequest, reference: str, pk: int) -> HttpResponseBase:
    """Attachments are always downloaded, never shown inline: a citizen's HTML or SVG file must
    not run in the workspace's origin. One of a dangerous type only after a confirmation."""
    item = selectors.request_get(user=request.user, reference=reference)
    attachment = get_object_or_404(Attachment, pk=pk, interaction__request=item)
    if request.method != "POST" and attachment_is_dangerous(attachment):
        return dangerous_attachment_page(request, item, attachment)
    services.request_attachment_downloaded(
        request=item, attachment=attachment, by=request.user, http_request=request
    )
    return attachment_response(attachment)


@staff_member_required
def interaction_raw(request: StaffRequest, reference: str, pk: int) -> HttpResponse:
    """The raw e-mail a message was made of (.eml), e.g. when the parser had to shorten it."""
    item = selectors.request_get(user=request.user, reference=reference)
    return raw_mail_response(request, item, selectors.interaction_get(request=item, pk=pk))


@staff_member_required
@require_POST
def request_take(request: StaffRequest, reference: str) -> HttpResponse:
    item = selectors.request_get(user=request.user, reference=reference)
    try:
        services.request_assign(request=item, assignee=request.user, by=request.user)
    except VikError as error:
        messages.error(request, str(error))
    return redirect("staff:request_detail", reference=reference)


# The network: transfer, consultations, merge and split ------------------------------------------


@staff_member_required
@require_POST
def request_transfer(request: StaffRequest, reference: str) -> HttpResponse:
    """Transfer the request; the message says where it went. The page then shows it read-only
    when the user's centre keeps access, else the list: never a page that is gone."""
    item = selectors.request_get(user=request.user, reference=reference)
    form = TransferForm(request.POST, **_form_kwargs(TransferForm, item, request))
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
        return redirect("staff:request_detail", reference=reference)
    centre = form.cleaned_data["centre"]
    try:
        services.request_transfer(
            request=item, centre=centre, reason=form.cleaned_data["reason"], by=request.user
        )
    except VikError as error:
        messages.error(request, str(error))
        return redirect("staff:request_detail", reference=reference)
    permissions.forget_scope(request.user)
    item.refresh_from_db()
    if permissions.can_view_request(request.user, item):
        if permissions.can_work_request(request.user, item):
            messages.success(
                request,
                _("Request transferred to the centre %(centre)s.") % {"centre": centre.name},
            )
        else:
            messages.success(
                request,
                _("Request transferred to the centre %(centre)s. Your centre can still read it.")
                % {"centre": centre.name},
            )
        return redirect("staff:request_detail", reference=reference)
    messages.success(
        request,
        _("Request %(reference)s transferred to the centre %(centre)s.")
        % {"reference": item.reference, "centre": centre.name},
    )
    return redirect("staff:request_list")


request_consult = _action(
    ConsultForm,
    lambda item, data, user: services.consultation_ask(
        request=item, centre=data["centre"], question=data["question"], by=user
    ),
)


def _merge(item: Request, data: dict[str, Any], user: StaffUser) -> Request:
    reference = data["target"].strip().upper()
    target = selectors.requests_for(user).filter(reference=reference).first()
    if target is None:
        raise ValidationFailed(_("No request %(reference)s.") % {"reference": reference})
    return services.request_merge(source=item, target=target, by=user)


request_merge = _action(MergeForm, _merge)


@staff_member_required
@require_POST
def request_split(request: StaffRequest, reference: str, pk: int) -> HttpResponse:
    item = selectors.request_get(user=request.user, reference=reference)
    interaction = selectors.interaction_get(request=item, pk=pk)
    try:
        new = services.request_split(interaction=interaction, by=request.user)
    except VikError as error:
        messages.error(request, str(error))
        return redirect("staff:request_detail", reference=reference)
    messages.success(
        request, _("The message is now request %(reference)s.") % {"reference": new.reference}
    )
    return redirect("staff:request_detail", reference=new.reference)


@staff_member_required
def consultation_list(request: StaffRequest) -> HttpResponse:
    """The questions other centres asked the user's centres, still unanswered."""
    consultations = list(selectors.consultations_open(user=request.user))
    services.requests_listed(
        by=request.user,
        http_request=request,
        filters={},
        references=[consultation.request.reference for consultation in consultations],
        page="consultations",
    )
    return render(request, "workspace/consultation_list.html", {"consultations": consultations})


@staff_member_required
@require_POST
def consultation_answer(request: StaffRequest, pk: int) -> HttpResponse:
    consultation = selectors.consultation_get(user=request.user, pk=pk)
    form = ConsultationAnswerForm(request.POST)
    reference = consultation.request.reference
    if not form.is_valid():
        messages.error(request, _("An answer cannot be empty."))
        return redirect("staff:request_detail", reference=reference)
    try:
        services.consultation_answer(
            consultation=consultation, answer=form.cleaned_data["answer"], by=request.user
        )
    except VikError as error:
        messages.error(request, str(error))
        return redirect("staff:request_detail", reference=reference)
    messages.success(request, _("The answer is on the request's timeline."))
    # The consulted centre may read the request no longer: back to its questions then.
    if permissions.can_view_request(request.user, consultation.request):
        return redirect("staff:request_detail", reference=reference)
    return redirect("staff:consultation_list")
