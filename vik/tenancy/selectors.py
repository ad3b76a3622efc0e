"""Reading the network (which centre is competent for a topic in a municipality) and the
sign-in lockouts a viewer may release."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.db.models import Count, Max, Q, QuerySet, Sum

from vik.core.memo import remembered
from vik.territory.models import Municipality, Region
from vik.topics.models import Topic

from . import permissions, signin
from .choices import Role
from .models import Competence, InformationCentre, PortalIdentity, User
from .types import Viewer


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


@dataclass(frozen=True)
class AccountLockout:
    username: str
    user: User | None
    failures: int
    last_failure: datetime
    last_address: str | None
    locked_until: datetime


@dataclass(frozen=True)
class AddressLockout:
    ip_address: str
    failures: int
    accounts: int
    last_failure: datetime
    locked_until: datetime


def account_lockouts(viewer: Viewer) -> list[AccountLockout]:
    """Accounts locked now whose lock the viewer may release (an account name nobody has:
    superusers only), the most recent first."""
    rows = (
        signin.recent_attempts()
        .exclude(username=None)
        .values("username")
        .annotate(failures=Sum("failures_since_start"), last=Max("attempt_time"))
        .filter(failures__gte=settings.VIK_LOGIN_FAILURE_LIMIT)
        .order_by("-last")
    )
    locked = list(rows)
    users = {
        u.username: u
        for u in User.objects.filter(username__in=[r["username"] for r in locked]).filter(
            permissions.lockout_accounts_managed(viewer)
        )
    }
    unknown_visible = permissions.can_release_address(viewer)
    known = set(
        User.objects.filter(username__in=[r["username"] for r in locked]).values_list(
            "username", flat=True
        )
    )
    result = []
    for row in locked:
        name = row["username"]
        if name not in users and (name in known or not unknown_visible):
            continue
        last_row = signin.recent_attempts().filter(username=name).order_by("-attempt_time").first()
        result.append(
            AccountLockout(
                username=name,
                user=users.get(name),
                failures=row["failures"],
                last_failure=row["last"],
                last_address=last_row.ip_address if last_row else None,
                locked_until=row["last"] + signin.cooloff(),
            )
        )
    return result


def address_lockouts(viewer: Viewer) -> list[AddressLockout]:
    """Addresses locked now; only a superuser sees (and releases) them."""
    if not permissions.can_release_address(viewer):
        return []
    rows = (
        signin.recent_attempts()
        .exclude(ip_address=None)
        .values("ip_address")
        .annotate(
            failures=Sum("failures_since_start"),
            accounts=Count("username", distinct=True),
            last=Max("attempt_time"),
        )
        .filter(failures__gte=settings.VIK_LOGIN_ADDRESS_FAILURE_LIMIT)
        .order_by("-last")
    )
    return [
        AddressLockout(
            ip_address=row["ip_address"],
            failures=row["failures"],
            accounts=row["accounts"],
            last_failure=row["last"],
            locked_until=row["last"] + signin.cooloff(),
        )
        for row in rows
    ]


def portal_regions(user: Viewer) -> QuerySet[Region]:
    """The regions whose portal identity the user edits, by name."""
    return Region.objects.filter(permissions.portal_regions_edited(user)).order_by("name")


def portal_identity_of(region: Region) -> PortalIdentity:
    """The region's own portal identity; a new one named after the region if it has none yet."""
    identity = PortalIdentity.objects.filter(region=region).first()
    return identity or PortalIdentity(region=region, name=region.name)
