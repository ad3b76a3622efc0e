"""The editors' tools for the knowledge search: the synonyms (/staff/knowledge/synonyms/) and
the search debug view, which shows why each result ranked where it did."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from vik.core.errors import VikError
from vik.tenancy import permissions
from vik.tenancy.decorators import staff_member_required

from .. import lexicon, selectors, services
from ..forms import SynonymForm, scope_from_choice
from ..models import Synonym

if TYPE_CHECKING:
    from vik.tenancy.types import StaffRequest, StaffUser

DEBUG_MODES = ("fused", "lexical", "semantic")


def _visible(user: StaffUser) -> Any:
    scope = permissions.scope_for(user)
    rows = Synonym.objects.select_related("region", "created_by")
    if scope.is_superuser:
        return rows
    return rows.filter(Q(region__isnull=True) | Q(region_id__in=sorted(scope.region_ids)))


def _scope_value(synonym: Synonym) -> str:
    return f"region:{synonym.region_id}" if synonym.region_id else "all"


@staff_member_required
def synonym_list(request: StaffRequest) -> HttpResponse:
    """The synonyms the user's searches use, and a form to add one."""
    if not permissions.can_tune_search(request.user):
        raise PermissionDenied
    form = SynonymForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        region, _centre = scope_from_choice(form.cleaned_data["scope"])
        try:
            services.synonym_save(
                by=request.user,
                region=region,
                term=form.cleaned_data["term"],
                expansion=form.cleaned_data["expansion"],
            )
        except VikError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The synonym is saved; the next search uses it."))
            return redirect("staff:knowledge_synonyms")
    synonyms = list(_visible(request.user))
    for synonym in synonyms:
        synonym.may_edit = permissions.can_edit_synonyms(request.user, region_id=synonym.region_id)
    return render(
        request,
        "knowledge/staff_synonyms.html",
        {
            "form": form,
            "synonyms": synonyms,
            "may_add": bool(form.fields["scope"].choices),  # type: ignore[attr-defined]
            "shipped": len(lexicon.shipped()),
        },
    )


@staff_member_required
def synonym_edit(request: StaffRequest, pk: int) -> HttpResponse:
    synonym = get_object_or_404(_visible(request.user), pk=pk)
    if not permissions.can_edit_synonyms(request.user, region_id=synonym.region_id):
        raise PermissionDenied
    form = SynonymForm(
        request.POST or None,
        user=request.user,
        initial={
            "term": synonym.term,
            "expansion": synonym.expansion,
            "scope": _scope_value(synonym),
        },
    )
    if request.method == "POST" and form.is_valid():
        region, _centre = scope_from_choice(form.cleaned_data["scope"])
        try:
            services.synonym_save(
                by=request.user,
                region=region,
                term=form.cleaned_data["term"],
                expansion=form.cleaned_data["expansion"],
                synonym=synonym,
            )
        except VikError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The synonym is saved; the next search uses it."))
            return redirect("staff:knowledge_synonyms")
    return render(request, "knowledge/staff_synonym_form.html", {"form": form, "synonym": synonym})


@require_POST
@staff_member_required
def synonym_delete(request: StaffRequest, pk: int) -> HttpResponse:
    synonym = get_object_or_404(_visible(request.user), pk=pk)
    try:
        services.synonym_delete(by=request.user, synonym=synonym)
    except VikError as error:
        raise PermissionDenied(str(error)) from error
    messages.success(request, _("The synonym is deleted."))
    return redirect("staff:knowledge_synonyms")


@staff_member_required
def search_debug(request: StaffRequest) -> HttpResponse:
    """The staff search with every part of every score: the query's words after lemmas and
    folding, the lexicon's and the editors' expansions, typo corrections, per result the words
    matched in which field, the semantic cosine, the fused score, the learned boost, and the
    cut-off line."""
    if not permissions.can_tune_search(request.user):
        raise PermissionDenied
    query = request.GET.get("q", "").strip()[:300]
    mode = request.GET.get("mode", "fused")
    mode = mode if mode in DEBUG_MODES else "fused"
    explanation = None
    titles: dict[int, str] = {}
    if query:
        _hits, explanation = selectors.article_search_explained(
            query=query,
            viewer=request.user,
            limit=20,
            territory=selectors.territory_for_staff(request.user),
            language=get_language() or "cs",
            mode=mode,
        )
        titles = selectors.article_titles(
            [hit.article_id for hit in explanation.ranked], language=get_language() or "cs"
        )
    rows = []
    if explanation is not None:
        above = True
        for position, hit in enumerate(explanation.ranked, start=1):
            line = above and hit.score < explanation.cutoff
            above = above and not line
            rows.append(
                {
                    "position": position,
                    "hit": hit,
                    "title": titles.get(hit.article_id, str(hit.article_id)),
                    "cutoff_before": line,
                }
            )
    return render(
        request,
        "knowledge/staff_search_debug.html",
        {
            "query": query,
            "mode": mode,
            "modes": DEBUG_MODES,
            "explanation": explanation,
            "rows": rows,
        },
    )
