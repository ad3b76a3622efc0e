"""Reading the network: which centre is competent for a topic in a municipality."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from vik.core.memo import remembered
from vik.territory.models import Municipality, Region
from vik.topics.models import Topic

from .choices import Role
from .models import Competence, InformationCentre, User


def centre_competent(
    *, region: Region, municipality: Municipality | None, topic: Topic | None
) -> InformationCentre | None:
    """The territorial default: the centre competent for the topic in the municipality, else
    the centre of its ORP, else the regional centre.

    A competence for the exact topic beats one for all topics at the same territory; a narrower
    territory beats a wider one. Topic matching also accepts the topic's parent. The region's
    competences are read once per batch of work (`vik.core.memo`).
    """
    topic_ids = {t for t in (topic.pk if topic else None, topic.parent_id if topic else None) if t}

    def applies(competence: Competence) -> bool:
        if competence.topic_id is not None and competence.topic_id not in topic_ids:
            return False
        if competence.municipality_id is None and competence.orp_id is None:
            return True
        return municipality is not None and (
            competence.municipality_id == municipality.pk
            or competence.orp_id == municipality.orp_id
        )

    def rank(competence: Competence) -> tuple[int, int, int]:
        territory = 0 if competence.municipality_id else 1 if competence.orp_id else 2
        topic_rank = 0 if competence.topic_id else 1
        return (territory, topic_rank, competence.centre_id)

    candidates = [c for c in _region_competences(region.pk) if applies(c)]
    if candidates:
        return min(candidates, key=rank).centre
    return remembered(
        ("regional_centre", region.pk),
        InformationCentre.objects.filter(region=region, is_regional=True, is_active=True)
        .order_by("pk")
        .first,
        lasting=True,
    )


def _region_competences(region_id: int) -> list[Competence]:
    return remembered(
        ("competences", region_id),
        lambda: list(
            Competence.objects.filter(centre__region_id=region_id, centre__is_active=True)
            .select_related("centre")
            .order_by("pk")
        ),
        lasting=True,
    )


def assignable_users(*, centre_id: int | None, region_id: int) -> QuerySet[User]:
    """Agents and leads of the centre, and the region's coordinators and administrators."""
    return (
        User.objects.filter(is_active=True)
        .filter(
            Q(
                memberships__centre_id=centre_id,
                memberships__role__in=[Role.AGENT, Role.CENTRE_LEAD],
            )
            | Q(
                memberships__region_id=region_id,
                memberships__centre__isnull=True,
                memberships__role__in=[Role.REGION_COORDINATOR, Role.ADMINISTRATOR],
            )
        )
        .distinct()
        .order_by("last_name", "first_name", "username")
    )
