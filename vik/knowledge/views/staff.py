"""The knowledge centre in the staff workspace: list and search, write, review, history."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import get_language, gettext_noop
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from vik.core import clock
from vik.core.errors import VikError
from vik.tenancy import permissions
from vik.tenancy.decorators import staff_member_required
from vik.tenancy.models import InformationCentre
from vik.topics.models import Topic

from .. import learning, selectors, services
from ..choices import LIFE_SITUATION_SECTIONS, ArticleState, Language, UsageKind, UsageWhere
from ..forms import (
    ArchiveForm,
    ArticleCreateForm,
    ArticleEditForm,
    ArticleTextForm,
    AttachmentForm,
    DiffForm,
    MetricsFilterForm,
    RestoreForm,
    ReturnForm,
    StaffFilterForm,
    VariantCreateForm,
    scope_choices,
)
from ..models import Article, ArticleAttachment, QueryAssociation
from ..rendering import markdown_html
from ..services.attachments import ATTACHMENT_TYPES

if TYPE_CHECKING:
    from vik.tenancy.types import StaffRequest, StaffUser


@staff_member_required
def article_list(request: StaffRequest) -> HttpResponse:
    form = StaffFilterForm(request.GET or None)
    data: dict[str, Any] = form.cleaned_data if form.is_valid() else {}
    query = (data.get("q") or "").strip()
    context: dict[str, Any] = {"form": form, "query": query}
    if query:
        context["hits"] = selectors.article_search(
            query=query,
            viewer=request.user,
            limit=50,
            territory=selectors.territory_for_staff(request.user),
            language=get_language() or "cs",
        )
        services.search_usage_record(
            query=query,
            hits=context["hits"],
            where=UsageWhere.STAFF,
            centre_id=_staff_centre_id(request.user),
        )
    else:
        context["articles"] = selectors.article_staff_list(
            user=request.user,
            state=data.get("state") or "",
            kind=data.get("kind") or "",
            mine=bool(data.get("mine")),
        )
    context["may_create"] = bool(scope_choices(request.user))
    context["may_see_metrics"] = permissions.can_view_knowledge_metrics(request.user)
    context["may_tune_search"] = permissions.can_tune_search(request.user)
    return render(request, "knowledge/staff_list.html", context)


def _staff_centre_id(user: StaffUser) -> int | None:
    """For the usage metrics: the (first) centre of a member of staff, none for a region's."""
    centres = permissions.scope_for(user).centre_roles
    return min(centres) if centres else None


@staff_member_required
def article_create(request: StaffRequest) -> HttpResponse:
    form = ArticleCreateForm(request.POST or None, user=request.user)
    if not form.fields["scope"].choices:  # type: ignore[attr-defined]
        raise PermissionDenied
    preview = _preview(request)
    if preview is not None:
        return render(
            request,
            "knowledge/staff_form.html",
            {"form": form, "creating": True, "preview": preview},
        )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        region, centre = data["scope"]
        try:
            article = services.article_create(
                by=request.user,
                kind=data["kind"],
                audience=data["audience"],
                region=region,
                centre=centre,
                topic=_topic(data["topic"]),
                tags=data["tags"],
                source_url=data["source_url"] or "",
                review_by=data["review_by"],
                **form.text(),
            )
        except VikError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The draft is saved."))
            return redirect("staff:knowledge_detail", pk=article.pk)
    return render(request, "knowledge/staff_form.html", {"form": form, "creating": True})


def _topic(pk: int | None) -> Topic | None:
    return Topic.objects.filter(pk=pk).first() if pk else None


def _variant_centres(request: StaffRequest, shared: Article) -> Any:
    """The centres the user may write a local variant for (none has one yet)."""
    candidates = InformationCentre.objects.filter(
        permissions.centres_visible(request.user), is_active=True
    ).exclude(pk__in=shared.variants.values("centre_id"))
    if shared.region_id is not None:
        candidates = candidates.filter(region_id=shared.region_id)
    allowed = [
        centre.pk
        for centre in candidates
        if permissions.can_author_article(
            request.user, region_id=centre.region_id, centre_id=centre.pk
        )
    ]
    return InformationCentre.objects.filter(pk__in=allowed)


@staff_member_required
def variant_create(request: StaffRequest, pk: int) -> HttpResponse:
    shared = selectors.article_get_for_staff(user=request.user, pk=pk)
    centres = _variant_centres(request, shared)
    if not centres.exists():
        raise PermissionDenied
    initial = ArticleTextForm.initial_from(
        shared.published_version or selectors.latest_version(article=shared)
    )
    form = VariantCreateForm(request.POST or None, centres=centres, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            article = services.article_create(
                by=request.user,
                kind=shared.kind,
                variant_of=shared,
                centre=form.cleaned_data["centre"],
                **form.text(),
            )
        except VikError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The draft is saved."))
            return redirect("staff:knowledge_detail", pk=article.pk)
    return render(
        request, "knowledge/staff_form.html", {"form": form, "creating": True, "shared": shared}
    )


@staff_member_required
def article_detail(request: StaffRequest, pk: int) -> HttpResponse:
    article = selectors.article_get_for_staff(user=request.user, pk=pk)
    if article.is_live:  # reading an article, not working on a draft
        services.usage_record(
            kind=UsageKind.ARTICLE_VIEW,
            where=UsageWhere.STAFF,
            article=article,
            centre_id=_staff_centre_id(request.user),
        )
        query = request.GET.get("q", "").strip()[:300]
        if query:  # opened from the results of a staff search: the query led here
            learning.learning_record(
                query=query,
                article=article,
                actor=learning.actor_key(user_id=request.user.pk),
                kind=learning.CLICK,
            )
    language = request.GET.get("language", Language.CZECH)
    language = language if language in Language.values else Language.CZECH
    shown = (
        article.published_version_en if language == Language.ENGLISH else article.published_version
    )
    drafts = services.pending_drafts(article)
    version = drafts.get(language) or shown or selectors.latest_version(article=article)
    versions = selectors.article_versions(article=article)
    may_author = permissions.can_author_article(
        request.user, region_id=article.region_id, centre_id=article.centre_id
    )
    may_review = permissions.can_review_article(
        request.user, region_id=article.region_id, centre_id=article.centre_id
    )
    # Four eyes: a reviewer who wrote the waiting draft leaves publishing it to another.
    four_eyes = (
        may_review
        and article.state in {ArticleState.DRAFT, ArticleState.IN_REVIEW}
        and services.own_draft_publish_refused(article, request.user)
    )
    context = {
        "article": article,
        "version": version,
        "is_draft": version is not None and version in drafts.values(),
        "drafts": drafts,
        "body": markdown_html(version.body) if version else "",
        "sections": [
            (label, markdown_html(version.sections[key]))
            for key, label in LIFE_SITUATION_SECTIONS
            if version and version.sections.get(key, "").strip()
        ],
        "versions": versions,
        "published_ids": {article.published_version_id, article.published_version_en_id},
        "language": language,
        "may_author": may_author,
        "may_review": may_review,
        "may_submit": may_author and article.state == ArticleState.DRAFT and bool(drafts),
        "may_publish": may_review
        and article.state in {ArticleState.DRAFT, ArticleState.IN_REVIEW}
        and bool(drafts)
        and not four_eyes,
        "four_eyes": four_eyes,
        "may_return": may_review and article.state == ArticleState.IN_REVIEW,
        "return_form": ReturnForm(),
        "returned": article.state == ArticleState.DRAFT and article.returned_at is not None,
        "may_archive": may_review and article.state != ArticleState.ARCHIVED,
        "may_add_variant": article.variant_of_id is None
        and article.centre_id is None
        and _variant_centres(request, article).exists(),
        "variants": list(article.variants.select_related("centre", "published_version")),
        "attachments": selectors.article_attachments(
            article=article, drafts=_sees_draft_files(request, article)
        ),
        "attachment_form": AttachmentForm(),
        "max_megabytes": _max_megabytes(),
        "suggestions": learning.suggestions(articles=[article.pk]) if may_author else [],
        "archive_form": ArchiveForm(),
        "diff_form": DiffForm(
            initial={
                "old": versions[1].number if len(versions) > 1 else 1,
                "new": versions[0].number if versions else 1,
            }
        ),
    }
    return render(request, "knowledge/staff_detail.html", context)


@staff_member_required
def article_edit(request: StaffRequest, pk: int) -> HttpResponse:
    article = selectors.article_get_for_staff(user=request.user, pk=pk)
    if not permissions.can_author_article(
        request.user, region_id=article.region_id, centre_id=article.centre_id
    ):
        raise PermissionDenied
    language = request.GET.get("language") or request.POST.get("language") or Language.CZECH
    language = language if language in Language.values else Language.CZECH
    source = selectors.latest_version(article=article, language=language)
    if source is None:  # a new translation starts from the Czech text
        source = selectors.latest_version(article=article)
    initial = {
        **ArticleTextForm.initial_from(source),
        "language": language,
        "audience": article.audience,
        "topic": article.topic_id,
        "tags": ", ".join(article.tags.values_list("name", flat=True)),
        "source_url": article.source_url,
        "review_by": article.review_by,
        "related": ", ".join(article.related.values_list("slug", flat=True)),
    }
    form = ArticleEditForm(request.POST or None, initial=initial)
    preview = _preview(request)
    if preview is None and request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.article_edit(
                article=article,
                by=request.user,
                audience=data["audience"],
                topic=_topic(data["topic"]),
                tags=data["tags"],
                source_url=data["source_url"] or "",
                review_by=data["review_by"],
                related=data["related"],
                **form.text(),
            )
        except VikError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Saved."))
            return redirect("staff:knowledge_detail", pk=article.pk)
    return render(
        request,
        "knowledge/staff_form.html",
        {
            "form": form,
            "article": article,
            "may_author": True,
            "attachments": selectors.article_attachments(article=article, drafts=True),
            "attachment_form": AttachmentForm(),
            "max_megabytes": _max_megabytes(),
            "preview": preview,
        },
    )


def _preview(request: StaffRequest) -> dict[str, Any] | None:
    """The "Preview" button of the editor: the text as readers will see it (the same sanitised
    Markdown rendering as the article page), nothing saved. None for any other request."""
    if request.method != "POST" or request.POST.get("action") != "preview":
        return None
    post = request.POST
    return {
        "title": post.get("title", "").strip(),
        "summary": post.get("summary", "").strip(),
        "question": post.get("question", "").strip(),
        "body": markdown_html(post.get("body", "")),
        "sections": [
            (label, markdown_html(post.get(f"section_{key}", "")))
            for key, label in LIFE_SITUATION_SECTIONS
            if post.get(f"section_{key}", "").strip()
        ],
    }


def _max_megabytes() -> str:
    return f"{settings.VIK_KNOWLEDGE_ATTACHMENT_MAX_BYTES / 1024 / 1024:g}"


def _back(request: StaffRequest, article: Article) -> HttpResponse:
    """Back to the page the attachment form was on: the article's edit page or its page."""
    if request.POST.get("back") == "edit":
        return redirect("staff:knowledge_edit", pk=article.pk)
    return redirect("staff:knowledge_detail", pk=article.pk)


def _require_files_author(request: StaffRequest, article: Article) -> None:
    if not permissions.can_change_article_files(
        request.user, region_id=article.region_id, centre_id=article.centre_id
    ):
        raise PermissionDenied


def _sees_draft_files(request: StaffRequest, article: Article) -> bool:
    return permissions.can_see_draft_files(
        request.user, region_id=article.region_id, centre_id=article.centre_id
    )


@staff_member_required
@require_POST
def attachment_upload(request: StaffRequest, pk: int) -> HttpResponse:
    article = selectors.article_get_for_staff(user=request.user, pk=pk)
    _require_files_author(request, article)
    form = AttachmentForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Choose a file to attach."))
        return _back(request, article)
    try:
        services.attachment_add(
            article=article,
            by=request.user,
            upload=form.cleaned_data["file"],
            title=form.cleaned_data["title"],
        )
    except VikError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            _("The file is attached to the draft; readers get it when the article is published.")
            if article.is_live
            else _("The file is attached; readers get it when the article is published."),
        )
    return _back(request, article)


@staff_member_required
@require_POST
def attachment_delete(request: StaffRequest, pk: int, attachment_pk: int) -> HttpResponse:
    article = selectors.article_get_for_staff(user=request.user, pk=pk)
    _require_files_author(request, article)
    attachment = selectors.attachment_get(article=article, pk=attachment_pk, drafts=True)
    try:
        services.attachment_delete(attachment=attachment, by=request.user)
    except VikError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            _("The file is removed in the draft; readers keep it until the article is published.")
            if attachment.pk is not None and attachment.remove_on_publish
            else _("The attachment is deleted."),
        )
    return _back(request, article)


@staff_member_required
def attachment_download(request: StaffRequest, pk: int, attachment_pk: int) -> FileResponse:
    article = selectors.article_get_for_staff(user=request.user, pk=pk)
    return attachment_response(
        selectors.attachment_get(
            article=article, pk=attachment_pk, drafts=_sees_draft_files(request, article)
        )
    )


SERVED_TYPES = frozenset(content_type for content_type, _signatures in ATTACHMENT_TYPES.values())


def attachment_response(attachment: ArticleAttachment) -> FileResponse:
    """Always a download, never inline (as conversations' attachments): not even an image or a
    PDF runs or renders in our origin. Served as what it is (a form is `application/pdf`, so
    the reader's system opens it in the right program): the type was checked against the file's
    first bytes at upload and is one of `ATTACHMENT_TYPES`, none of which a browser runs."""
    response = FileResponse(
        attachment.file.open("rb"), as_attachment=True, filename=attachment.filename
    )
    response["Content-Type"] = (
        attachment.content_type
        if attachment.content_type in SERVED_TYPES
        else "application/octet-stream"
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _action(
    perform: Callable[[Article, StaffRequest], Any], done: str
) -> Callable[..., HttpResponseBase]:
    """A POST on the article page: call one service, say how it went, go back."""

    @staff_member_required
    @require_POST
    def view(request: StaffRequest, pk: int) -> HttpResponse:
        article = selectors.article_get_for_staff(user=request.user, pk=pk)
        try:
            perform(article, request)
        except VikError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _(done))
        return redirect("staff:knowledge_detail", pk=pk)

    return view


def _archive(article: Article, request: StaffRequest) -> None:
    form = ArchiveForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    services.article_archive(article=article, by=request.user, note=note)


def _restore(article: Article, request: StaffRequest) -> None:
    form = RestoreForm(request.POST)
    if not form.is_valid():
        raise VikError(_("Choose a version to restore."))
    version = selectors.version_get(article=article, number=form.cleaned_data["number"])
    services.article_restore(article=article, version=version, by=request.user)


article_submit = _action(
    lambda article, request: services.article_submit(article=article, by=request.user),
    gettext_noop("Submitted for review."),
)
article_publish = _action(
    lambda article, request: services.article_publish(article=article, by=request.user),
    gettext_noop("Published."),
)
article_archive = _action(_archive, gettext_noop("Archived."))


def _return(article: Article, request: StaffRequest) -> None:
    form = ReturnForm(request.POST)
    if not form.is_valid():
        raise VikError(_("Write what the author should change."))
    services.article_return(article=article, by=request.user, comment=form.cleaned_data["comment"])


article_return = _action(_return, gettext_noop("Returned to the author with your comments."))
article_restore = _action(_restore, gettext_noop("A new draft has the text of that version."))


@staff_member_required
def article_diff(request: StaffRequest, pk: int) -> HttpResponse:
    article = selectors.article_get_for_staff(user=request.user, pk=pk)
    form = DiffForm(request.GET)
    if not form.is_valid():
        messages.error(request, _("Choose two versions to compare."))
        return redirect("staff:knowledge_detail", pk=pk)
    old = selectors.version_get(article=article, number=form.cleaned_data["old"])
    new = selectors.version_get(article=article, number=form.cleaned_data["new"])
    return render(
        request,
        "knowledge/staff_diff.html",
        {
            "article": article,
            "old": old,
            "new": new,
            "rows": selectors.version_diff(old=old, new=new),
        },
    )


@staff_member_required
def review_list(request: StaffRequest) -> HttpResponse:
    return render(
        request,
        "knowledge/staff_review.html",
        {
            "lapsed": selectors.articles_lapsed(user=request.user),
            "due": selectors.articles_due_for_review(user=request.user),
            "in_review": selectors.articles_awaiting_review(user=request.user),
        },
    )


@staff_member_required
def usage_metrics(request: StaffRequest) -> HttpResponse:
    """The knowledge centre's usage per period, topic and centre (knowledge editors,
    coordinators, analysts)."""
    if not permissions.can_view_knowledge_metrics(request.user):
        raise PermissionDenied
    form = MetricsFilterForm(request.GET or None, user=request.user)
    data: dict[str, Any] = form.cleaned_data if form.is_valid() else {}
    start, end = form.bounds(clock.today())
    metrics = selectors.usage_metrics(
        user=request.user,
        start=start,
        end=end,
        topic=_topic(data.get("topic")),
        centre=data.get("centre"),
    )
    return render(
        request,
        "knowledge/staff_metrics.html",
        {"form": form, "metrics": metrics, "start": start, "last_day": end - dt.timedelta(days=1)},
    )


@staff_member_required
def suggestion_list(request: StaffRequest) -> HttpResponse:
    """The phrasings that learning from use suggests for the articles the user may write."""
    return render(
        request,
        "knowledge/staff_suggestions.html",
        {
            "suggestions": learning.suggestions(
                articles=Article.objects.filter(permissions.articles_authored(request.user)),
                limit=100,
            )
        },
    )


def _suggestion_action(accepting: bool) -> Callable[..., HttpResponseBase]:
    @staff_member_required
    @require_POST
    def view(request: StaffRequest, pk: int) -> HttpResponse:
        association = (
            QueryAssociation.objects.filter(
                pk=pk,
                article__in=Article.objects.filter(permissions.articles_authored(request.user)),
            )
            .select_related("article")
            .first()
        )
        if association is None:
            raise PermissionDenied
        try:
            if accepting:
                services.suggestion_accept(association=association, by=request.user)
            else:
                services.suggestion_dismiss(association=association, by=request.user)
        except VikError as error:
            messages.error(request, str(error))
        else:
            messages.success(
                request,
                _(
                    "“%(text)s” is a phrasing of the article's draft; "
                    "it is searched once the draft is published."
                )
                % {"text": association.query_text}
                if accepting
                else _("The suggestion is dismissed."),
            )
        if request.POST.get("back") == "list":
            return redirect("staff:knowledge_suggestions")
        return redirect("staff:knowledge_detail", pk=association.article_id)

    return view


suggestion_accept = _suggestion_action(accepting=True)
suggestion_dismiss = _suggestion_action(accepting=False)
