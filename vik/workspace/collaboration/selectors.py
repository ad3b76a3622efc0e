"""Reading how agents work together: macros (canned answers), mentions, presence."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from vik.contacts.choices import ContactKind
from vik.contacts.salutation import greeting
from vik.conversations.choices import Direction
from vik.conversations.models import Interaction, Request
from vik.conversations.selectors import tracking_url
from vik.core import clock
from vik.tenancy import permissions
from vik.tenancy.choices import Role
from vik.tenancy.models import InformationCentre, Membership, OpeningHours, User
from vik.territory.models import Region

from ..models import Macro, Presence

if TYPE_CHECKING:
    from vik.tenancy.types import StaffUser

# Macros --------------------------------------------------------------------------------------

PLACEHOLDER = re.compile(r"\{(\w+)\}")
CZECH_WEEKDAYS = ("Po", "Út", "St", "Čt", "Pá", "So", "Ne")


def _time(value: dt.time) -> str:
    return f"{value.hour}:{value.minute:02d}"


def opening_hours_text(hours: Iterable[OpeningHours]) -> str:
    """A centre's hours as a citizen reads them: "Po 8:00–17:00, Út 8:00–11:30 a 12:30–15:00"."""
    days: dict[int, list[str]] = {}
    for row in sorted(hours, key=lambda h: (h.weekday, h.opens)):
        days.setdefault(row.weekday, []).append(f"{_time(row.opens)}–{_time(row.closes)}")
    return ", ".join(f"{CZECH_WEEKDAYS[day]} {' a '.join(spans)}" for day, spans in days.items())


def _centre_hours(centre: InformationCentre | None) -> str:
    if centre is None:
        return ""
    return opening_hours_text(OpeningHours.objects.filter(centre=centre))


def _salutation(request: Request) -> str:
    """ "Dobrý den, pane Nováku," / "Dobrý den, paní Svobodová," / "Dobrý den," (uncertain)."""
    requester = request.requester
    return greeting(requester.name, is_person=requester.kind == ContactKind.PERSON)


def macro_render(*, macro: Macro, request: Request, agent: StaffUser) -> str:
    """The macro's text with its placeholders filled in for this request and agent.

    A placeholder VIK does not know, or a lone brace, stays as typed: the text is the agent's
    to correct before sending, and a typo must never cost the whole reply."""
    known: dict[str, Any] = {
        "name": lambda: request.requester.display_name,
        "jmeno": lambda: request.requester.display_name,
        "osloveni": lambda: _salutation(request),
        "salutation": lambda: _salutation(request),
        "reference": lambda: request.reference,
        "tracking_url": lambda: tracking_url(request),
        "centre": lambda: str(request.centre or ""),
        "opening_hours": lambda: _centre_hours(request.centre),
        "agent": lambda: agent.display_name,
    }
    # The Czech names of the same placeholders.
    known.update(
        cislo=known["reference"],
        odkaz=known["tracking_url"],
        centrum=known["centre"],
        hodiny=known["opening_hours"],
        pracovnik=known["agent"],
    )
    cache: dict[str, str] = {}

    def fill(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in known:
            return match.group(0)
        if name not in cache:
            cache[name] = str(known[name]())
        return cache[name]

    return PLACEHOLDER.sub(fill, macro.body)


def macros_for_request(*, user: StaffUser, request: Request) -> list[Macro]:
    """The macros offered on the request's reply form: its region's and its centre's."""
    return list(Macro.objects.filter(permissions.macros_available(user, request)))


def macro_get_for_request(*, user: StaffUser, request: Request, pk: int) -> Macro:
    """One macro offered on `request` (Macro.DoesNotExist otherwise)."""
    return Macro.objects.get(permissions.macros_available(user, request), pk=pk)


def macros_managed_list(*, user: StaffUser) -> QuerySet[Macro]:
    return Macro.objects.filter(permissions.macros_managed(user)).select_related("centre", "region")


def macro_scope_choices(user: StaffUser) -> list[tuple[str, str]]:
    """Where the user may put a macro: "region:<id>" for a region, "centre:<id>" for a centre."""
    scope = permissions.scope_for(user)
    if scope.is_superuser:
        regions = list(Region.objects.filter(centres__isnull=False).distinct())
        centres = list(InformationCentre.objects.filter(is_active=True))
    else:
        region_ids = scope.regions_with(permissions.WORKING_REGION_ROLES)
        regions = list(Region.objects.filter(pk__in=sorted(region_ids)))
        centres = list(
            InformationCentre.objects.filter(
                Q(region_id__in=sorted(region_ids))
                | Q(pk__in=sorted(scope.centres_with(permissions.MACRO_CENTRE_ROLES))),
                is_active=True,
            )
        )
    choices = [(f"region:{r.pk}", _("Whole region: %(name)s") % {"name": r}) for r in regions]
    choices += [(f"centre:{c.pk}", _("Centre: %(name)s") % {"name": c}) for c in centres]
    return choices


# Mentions ------------------------------------------------------------------------------------


def colleagues_for_request(*, request: Request, exclude: StaffUser | None = None) -> list[User]:
    """Who may be @mentioned on the request: active staff who may view it."""
    memberships = Membership.objects.filter(
        Q(
            centre_id=request.centre_id,
            role__in=sorted(permissions.VIEWING_CENTRE_ROLES),
        )
        | Q(
            centre__isnull=True,
            region_id=request.region_id,
            role__in=sorted(permissions.VIEWING_REGION_ROLES - {Role.ANALYST}),
        )
    ).values("user_id")
    users = User.objects.filter(pk__in=memberships, is_active=True).order_by("username")
    if exclude is not None:
        users = users.exclude(pk=exclude.pk)
    return list(users)


# Presence ------------------------------------------------------------------------------------

PRESENCE_FRESH = dt.timedelta(seconds=30)


def presence_others(*, request: Request, user: StaffUser) -> list[Presence]:
    """The others seen on the request within the last 30 seconds."""
    since = clock.now() - PRESENCE_FRESH
    return list(
        Presence.objects.filter(request=request, last_seen__gte=since)
        .exclude(user=user)
        .select_related("user")
        .order_by("user__username")
    )


def replied_meanwhile(*, request: Request, user: StaffUser, after_id: int | None) -> bool:
    """Whether somebody else added a reply or message after the interaction the page showed
    last (`after_id`)."""
    if after_id is None:
        return False
    return (
        Interaction.objects.filter(request=request, pk__gt=after_id)
        .exclude(direction=Direction.INTERNAL)
        .exclude(author=user)
        .exists()
    )


def last_interaction_id(timeline: Iterable[Any]) -> int:
    """The newest interaction the request page shows (its timeline is already loaded)."""
    ids = [entry.pk for entry in timeline if isinstance(entry, Interaction)]
    return max(ids, default=0)
