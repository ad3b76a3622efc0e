"""Trainings in the workspace: the list, a training with its invitations and attendance, a
person's training record, a centre's overview."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from vik.core.errors import VikError
from vik.knowledge.models import Article
from vik.tenancy import permissions
from vik.tenancy.decorators import staff_member_required
from vik.tenancy.models import InformationCentre, User
from vik.topics.models import Topic

from .. import selectors, services
from ..forms import AttendanceForm, FeedbackForm, TrainingForm
from ..models import Training

if TYPE_CHECKING:
    from vik.tenancy.types import StaffRequest


@staff_member_required
def training_list(request: StaffRequest) -> HttpResponse:
    user = request.user
    context: dict[str, Any] = {
        "trainings": list(selectors.trainings_visible(user=user)[:100]),
        "may_organise": permissions.can_organise_any_training(user),
        "centres": list(selectors.centres_overseen(user=user)),
    }
    return render(request, "training/list.html", context)


def _organised_centres(request: StaffRequest) -> Any:
    organised = permissions.training_centres_organised(request.user)
    centres = InformationCentre.objects.filter(is_active=True)
    if organised is not None:
        regions, own = organised
        centres = centres.filter(Q(region_id__in=sorted(regions)) | Q(pk__in=sorted(own)))
    return centres.order_by("name")


@staff_member_required
def training_create(request: StaffRequest) -> HttpResponseBase:
    if not permissions.can_organise_any_training(request.user):
        raise PermissionDenied
    centres = _organised_centres(request)
    articles = Article.objects.filter(permissions.articles_readable(request.user)).select_related(
        "published_version"
    )
    form = TrainingForm(request.POST or None, centres=centres, articles=articles)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        audience = list(data["audience_centres"])
        regions = {centre.region_id for centre in audience}
        # A training of one centre is that centre's; of several, their region's (coordinators).
        centre = audience[0] if len(audience) == 1 else None
        region = audience[0].region
        if len(regions) != 1 or not permissions.can_organise_training(
            request.user, region_id=region.pk, centre_id=centre.pk if centre else None
        ):
            form.add_error("audience_centres", _("You may organise trainings of one centre only."))
        else:
            try:
                training = services.training_create(
                    title=data["title"], topic=data["topic"], description=data["description"],
                    starts_at=data["starts_at"], ends_at=data["ends_at"], place=data["place"],
                    online_url=data["online_url"], trainer=data["trainer"],
                    trainer_name=data["trainer_name"], materials=list(data["materials"]),
                    region=region, centre=centre, audience_centres=audience, by=request.user,
                )  # fmt: skip
            except VikError as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, _("The training was saved. Invite its staff."))
                return redirect("staff:training_detail", training.pk)
    return render(request, "training/training_form.html", {"form": form})


def _may_organise(request: StaffRequest, training: Training) -> bool:
    return permissions.can_organise_training(
        request.user, region_id=training.region_id, centre_id=training.centre_id
    )


def _training_organised(request: StaffRequest, pk: int) -> Training:
    training = get_object_or_404(Training, pk=pk)
    if not _may_organise(request, training):
        raise PermissionDenied
    return training


@staff_member_required
def training_detail(request: StaffRequest, pk: int) -> HttpResponse:
    training = get_object_or_404(
        Training.objects.select_related("topic", "trainer", "centre", "feedback_round"), pk=pk
    )
    if not selectors.can_view_training(user=request.user, training=training):
        raise PermissionDenied
    may_organise = _may_organise(request, training)
    invitations = selectors.invitations_of(training=training)
    context: dict[str, Any] = {
        "training": training,
        "materials": list(selectors.materials_readable(training=training, viewer=request.user)),
        "audience": list(training.audience_centres.order_by("name")),
        "may_organise": may_organise,
        "invitations": invitations,
        "mine": next((i for i in invitations if i.user_id == request.user.pk), None),
    }
    if may_organise:
        attendance_form = AttendanceForm(people=_people(invitations))
        context["attendance_rows"] = list(zip(invitations, attendance_form, strict=True))
        context["feedback_form"] = FeedbackForm()
    round = training.feedback_round
    context["may_see_feedback"] = round is not None and permissions.can_view_survey_results(
        request.user, region_id=training.region_id
    )
    return render(request, "training/detail.html", context)


def _people(invitations: list[Any]) -> list[tuple[int, str, str]]:
    return [(i.user_id, i.user.display_name, i.attendance) for i in invitations]


@require_POST
@staff_member_required
def training_invite(request: StaffRequest, pk: int) -> HttpResponseBase:
    training = _training_organised(request, pk)
    count = services.training_invite(training=training, by=request.user)
    messages.success(request, _("Invited: %(count)s.") % {"count": count})
    return redirect("staff:training_detail", training.pk)


@require_POST
@staff_member_required
def training_attendance(request: StaffRequest, pk: int) -> HttpResponseBase:
    training = _training_organised(request, pk)
    form = AttendanceForm(request.POST, people=_people(selectors.invitations_of(training=training)))
    if form.is_valid():
        services.attendance_mark(training=training, marks=form.marks(), by=request.user)
        messages.success(request, _("The attendance was saved."))
    else:
        messages.error(request, _("Choose the attendance of every person from the list."))
    return redirect("staff:training_detail", training.pk)


@require_POST
@staff_member_required
def training_feedback(request: StaffRequest, pk: int) -> HttpResponseBase:
    training = _training_organised(request, pk)
    form = FeedbackForm(request.POST)
    if form.is_valid():
        try:
            services.training_feedback_send(
                training=training, closes_on=form.cleaned_data["closes_on"], by=request.user
            )
        except VikError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("The feedback form was sent to those who attended."))
    else:
        messages.error(request, _("Enter the date until which the form is open."))
    return redirect("staff:training_detail", training.pk)


@staff_member_required
def training_me(request: StaffRequest) -> HttpResponse:
    return _record(request, request.user)


@staff_member_required
def training_person(request: StaffRequest, pk: int) -> HttpResponse:
    person = get_object_or_404(User, pk=pk)
    if not permissions.can_view_training_record(request.user, person_id=person.pk):
        raise PermissionDenied
    return _record(request, person)


def _record(request: StaffRequest, person: User) -> HttpResponse:
    context = {
        "person": person,
        "is_me": person.pk == request.user.pk,
        "invitations": selectors.training_record(person=person),
    }
    return render(request, "training/record.html", context)


@staff_member_required
def training_centre(request: StaffRequest, pk: int) -> HttpResponse:
    centre = get_object_or_404(InformationCentre, pk=pk)
    if not permissions.can_view_centre_training(
        request.user, region_id=centre.region_id, centre_id=centre.pk
    ):
        raise PermissionDenied
    subjects = selectors.training_subjects(centre=centre)
    chosen = request.GET.get("subject", "")
    label = dict(subjects).get(chosen, "")
    topic: Topic | None = None
    title = ""
    if label and chosen.startswith("topic:"):
        topic = Topic.objects.get(pk=int(chosen.removeprefix("topic:")))
    elif label:
        title = chosen.removeprefix("title:")
    trainings, rows = selectors.centre_overview(centre=centre, topic=topic, title=title)
    context = {
        "centre": centre,
        "subjects": subjects,
        "chosen": chosen if label else "",
        "subject_label": label,
        "trainings": trainings,
        "rows": rows,
        "not_trained": [row.person for row in rows if not row.is_trained],
    }
    return render(request, "training/centre.html", context)
