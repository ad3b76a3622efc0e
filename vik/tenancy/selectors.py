"""Reading the network: which centre is competent for a topic in a municipality."""

from __future__ import annotations

from django.db.models import Q, QuerySet

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
    territory beats a wider one. Topic matching also accepts the topic's parent.
    """
    topic_ids = [t for t in (topic.pk if topic else None, topic.parent_id if topic else None) if t]
    territory = Q(municipality__isnull=True, orp__isnull=True)
    if municipality is not None:
        territory |= Q(municipality=municipality) | Q(orp_id=municipality.orp_id)
    candidates = list(
        Competence.objects.filter(centre__region=region, centre__is_active=True)
        .filter(Q(topic__isnull=True) | Q(topic_id__in=topic_ids))
        .filter(territory)
        .select_related("centre")
    )

    def rank(competence: Competence) -> tuple[int, int]:
        territory = 0 if competence.municipality_id else 1 if competence.orp_id else 2
        topic_rank = 0 if competence.topic_id else 1
        return (territory, topic_rank)

    if candidates:
        return min(candidates, key=lambda c: (*rank(c), c.centre_id)).centre
    return (
        InformationCentre.objects.filter(region=region, is_regional=True, is_active=True)
        .order_by("pk")
        .first()
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
