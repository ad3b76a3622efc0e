"""Reading trainings: the lists, a person's training record, a centre's overview."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet

from vik.knowledge.models import Article
from vik.tenancy import permissions
from vik.tenancy.choices import CENTRE_ROLES
from vik.tenancy.models import InformationCentre, User
from vik.topics.models import Topic

from .choices import Attendance
from .models import Training, TrainingInvitation

if TYPE_CHECKING:
    from vik.tenancy.types import StaffUser, Viewer


def trainings_visible(*, user: StaffUser) -> QuerySet[Training]:
    """The trainings the user was invited to, organises, or oversees (their centres' overview)."""
    visible = Q(invitations__user=user)
    organised = permissions.training_centres_organised(user)
    overseen = permissions.training_centres_overseen(user)
    if organised is None or overseen is None:
        visible = Q()
    else:
        regions = organised[0] | overseen[0]
        centres = organised[1] | overseen[1]
        visible |= Q(region_id__in=sorted(regions)) | Q(centre_id__in=sorted(centres))
        visible |= Q(audience_centres__in=sorted(centres))
    return (
        Training.objects.filter(pk__in=Training.objects.filter(visible).values("pk"))
        .select_related("centre", "topic")
        .order_by("-starts_at", "-pk")
    )


def can_view_training(*, user: StaffUser, training: Training) -> bool:
    return trainings_visible(user=user).filter(pk=training.pk).exists()


def invitations_of(*, training: Training) -> list[TrainingInvitation]:
    return list(
        TrainingInvitation.objects.filter(training=training).select_related("user", "centre")
    )


def materials_readable(*, training: Training, viewer: Viewer) -> QuerySet[Article]:
    """The training's materials the viewer may read in the knowledge centre."""
    return (
        training.materials.filter(permissions.articles_readable(viewer))
        .select_related("published_version")
        .order_by("slug")
    )


def training_record(*, person: User) -> list[TrainingInvitation]:
    """The person's trainings, latest first, with their attendance."""
    return list(
        TrainingInvitation.objects.filter(user=person)
        .select_related("training__topic")
        .order_by("-training__starts_at", "-training_id")
    )


def centre_people(*, centre: InformationCentre) -> list[User]:
    """The centre's staff (its agents, leads and knowledge editors), by name."""
    return list(
        User.objects.filter(
            is_active=True,
            memberships__centre=centre,
            memberships__role__in=sorted(CENTRE_ROLES),
        )
        .distinct()
        .order_by("last_name", "first_name", "username")
    )


@dataclass
class OverviewRow:
    person: User
    cells: list[str]  # one per training: an `Attendance` value, "" when not invited
    is_trained: bool  # attended a training of the chosen topic (True when none chosen)


def centre_overview(
    *, centre: InformationCentre, topic: Topic | None = None, title: str = ""
) -> tuple[list[Training], list[OverviewRow]]:
    """The matrix of the centre's people × the trainings for the centre, and, when a subject is
    chosen (a topic of the taxonomy, or a training's title: the same training held again),
    only its trainings and for each person whether they attended any training of it (anywhere:
    a person trained by another centre's training counts as trained)."""
    subject = Q()
    if topic is not None:
        subject = Q(topic=topic)
    elif title:
        subject = Q(title__iexact=title)
    trainings = Training.objects.filter(subject, audience_centres=centre)
    trainings_list = list(trainings.order_by("starts_at", "pk"))
    people = centre_people(centre=centre)
    marks = {
        (user_id, training_id): attendance
        for user_id, training_id, attendance in TrainingInvitation.objects.filter(
            training__in=trainings_list, user__in=people
        ).values_list("user_id", "training_id", "attendance")
    }
    trained: set[int] | None = None
    if topic is not None or title:
        trained = set(
            TrainingInvitation.objects.filter(
                user__in=people,
                training__in=Training.objects.filter(subject),
                attendance=Attendance.ATTENDED,
            ).values_list("user_id", flat=True)
        )
    rows = [
        OverviewRow(
            person=person,
            cells=[marks.get((person.pk, training.pk), "") for training in trainings_list],
            is_trained=trained is None or person.pk in trained,
        )
        for person in people
    ]
    return trainings_list, rows


def centres_overseen(*, user: Viewer) -> QuerySet[InformationCentre]:
    overseen = permissions.training_centres_overseen(user)
    centres = InformationCentre.objects.filter(is_active=True)
    if overseen is not None:
        regions, own = overseen
        centres = centres.filter(Q(region_id__in=sorted(regions)) | Q(pk__in=sorted(own)))
    return centres.order_by("name")


def training_subjects(*, centre: InformationCentre) -> list[tuple[str, str]]:
    """The subjects of the centre's overview, as (value, label): the topics its trainings are
    on, then the titles of its trainings."""
    trainings = Training.objects.filter(audience_centres=centre)
    topics = Topic.objects.filter(pk__in=trainings.values("topic_id")).order_by(
        "position", "name_cs"
    )
    titles = sorted(set(trainings.values_list("title", flat=True)), key=str.casefold)
    return [(f"topic:{topic.pk}", topic.path) for topic in topics] + [
        (f"title:{title}", title) for title in titles
    ]
