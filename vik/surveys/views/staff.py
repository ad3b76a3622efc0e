"""Staff surveys in the workspace: my invitations, composing and sending, answering, results."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from vik.core.errors import VikError
from vik.tenancy import permissions
from vik.tenancy.decorators import staff_member_required
from vik.territory.models import Region

from .. import selectors, services
from ..choices import SurveyPurpose
from ..forms import AnswerForm, QuestionFormSet, RoundForm, SurveyForm
from ..models import Round, Survey

if TYPE_CHECKING:
    from vik.tenancy.types import StaffRequest


@staff_member_required
def survey_home(request: StaffRequest) -> HttpResponse:
    user = request.user
    context: dict[str, Any] = {
        "invitations": list(selectors.invitations_open(user=user)),
        "may_compose": permissions.can_compose_any_survey(user),
        "may_see_results": permissions.can_view_any_survey_results(user),
    }
    if context["may_compose"]:
        context["surveys"] = list(selectors.surveys_composed(user=user))
    if context["may_see_results"]:
        context["rounds"] = list(selectors.rounds_with_results(user=user)[:50])
    return render(request, "surveys/home.html", context)


def _composed_regions(request: StaffRequest) -> Any:
    regions = permissions.survey_regions_composed(request.user)
    if regions is None:
        return Region.objects.all()
    return Region.objects.filter(pk__in=sorted(regions))


@staff_member_required
def survey_create(request: StaffRequest) -> HttpResponseBase:
    if not permissions.can_compose_any_survey(request.user):
        raise PermissionDenied
    regions = _composed_regions(request)
    form = SurveyForm(request.POST or None, regions=regions)
    questions = QuestionFormSet(request.POST or None, prefix="questions")
    if request.method == "POST" and form.is_valid() and questions.is_valid():
        drafts = [draft for q in questions.forms if (draft := q.draft()) is not None]
        try:
            survey = services.survey_create(
                title=form.cleaned_data["title"],
                description=form.cleaned_data["description"],
                region=form.cleaned_data["region"],
                questions=drafts,
                by=request.user,
            )
        except VikError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The survey was saved. Send it to its first round."))
            return redirect("staff:survey_detail", survey.pk)
    return render(request, "surveys/survey_form.html", {"form": form, "questions": questions})


def _survey_composed(request: StaffRequest, pk: int) -> Survey:
    survey = get_object_or_404(Survey.objects.select_related("region"), pk=pk)
    if not permissions.can_compose_survey(request.user, region_id=survey.region_id):
        raise PermissionDenied
    return survey


@staff_member_required
def survey_detail(request: StaffRequest, pk: int) -> HttpResponse:
    survey = _survey_composed(request, pk)
    rounds = [
        (round, *selectors.round_participation(round=round), selectors.audience_labels(round=round))
        for round in survey.rounds.order_by("-number")
    ]
    context = {
        "survey": survey,
        "questions": list(survey.questions.all()),
        "rounds": rounds,
        "round_form": RoundForm(region=survey.region),
        "may_send": survey.purpose == SurveyPurpose.STAFF,
    }
    return render(request, "surveys/survey_detail.html", context)


@require_POST
@staff_member_required
def survey_round_send(request: StaffRequest, pk: int) -> HttpResponseBase:
    survey = _survey_composed(request, pk)
    if survey.purpose != SurveyPurpose.STAFF:
        raise PermissionDenied
    form = RoundForm(request.POST, region=survey.region)
    if form.is_valid():
        try:
            round = services.round_send(
                survey=survey,
                centres=list(form.cleaned_data["centres"]),
                regions=list(form.cleaned_data["regions"]),
                closes_on=form.cleaned_data["closes_on"],
                by=request.user,
            )
        except VikError as error:
            messages.error(request, str(error))
        else:
            invited, _answered = selectors.round_participation(round=round)
            messages.success(
                request,
                _("Round %(number)s was sent to %(count)s people.")
                % {"number": round.number, "count": invited},
            )
    else:
        for problems in form.errors.values():
            for problem in problems:
                messages.error(request, str(problem))
    return redirect("staff:survey_detail", survey.pk)


def _round_composed(request: StaffRequest, pk: int) -> Round:
    round = get_object_or_404(Round.objects.select_related("survey"), pk=pk)
    if not permissions.can_compose_survey(request.user, region_id=round.survey.region_id):
        raise PermissionDenied
    return round


@require_POST
@staff_member_required
def survey_round_remind(request: StaffRequest, pk: int) -> HttpResponseBase:
    round = _round_composed(request, pk)
    try:
        count = services.round_remind(round=round, by=request.user)
    except VikError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Reminded: %(count)s.") % {"count": count})
    return redirect("staff:survey_detail", round.survey_id)


@require_POST
@staff_member_required
def survey_round_close(request: StaffRequest, pk: int) -> HttpResponseBase:
    round = _round_composed(request, pk)
    services.round_close(round=round, by=request.user)
    messages.success(request, _("The round was closed."))
    return redirect("staff:survey_detail", round.survey_id)


@staff_member_required
def survey_answer(request: StaffRequest, pk: int) -> HttpResponseBase:
    round = get_object_or_404(Round.objects.select_related("survey"), pk=pk)
    invitation = selectors.invitation_of(round=round, user=request.user)
    if invitation is None:
        raise PermissionDenied
    questions = list(round.survey.questions.all())
    form = AnswerForm(request.POST or None, questions=questions)
    if request.method == "POST" and not invitation.is_answered and form.is_valid():
        try:
            services.response_submit(round=round, user=request.user, answers=form.answers())
        except VikError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Thank you, your answers were recorded anonymously."))
            return redirect("staff:survey_home")
    context = {"round": round, "survey": round.survey, "form": form, "invitation": invitation}
    return render(request, "surveys/answer.html", context)


@staff_member_required
def survey_results(request: StaffRequest, pk: int) -> HttpResponse:
    round = get_object_or_404(Round.objects.select_related("survey"), pk=pk)
    if not permissions.can_view_survey_results(request.user, region_id=round.survey.region_id):
        raise PermissionDenied
    invited, answered = selectors.round_participation(round=round)
    context = {
        "round": round,
        "survey": round.survey,
        "groups": selectors.round_results(round=round, viewer=request.user),
        "invited": invited,
        "answered": answered,
        "minimum": selectors.min_group(),
        "audience": selectors.audience_labels(round=round),
    }
    return render(request, "surveys/results.html", context)


@staff_member_required
def survey_compare(request: StaffRequest, pk: int) -> HttpResponse:
    survey = get_object_or_404(Survey, pk=pk)
    if not permissions.can_view_survey_results(request.user, region_id=survey.region_id):
        raise PermissionDenied
    rounds, comparisons = selectors.survey_comparison(survey=survey, viewer=request.user)
    context = {
        "survey": survey,
        "rounds": rounds,
        "comparisons": comparisons,
        "minimum": selectors.min_group(),
    }
    return render(request, "surveys/compare.html", context)
