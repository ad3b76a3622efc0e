"""Reading the collaboration parts of the workspace: macros, notifications, presence.

(Kept apart from `selectors.py`, which holds the saved views.)"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet

from vik.conversations.choices import Direction
from vik.conversations.models import Interaction, Request
from vik.core import clock
from vik.tenancy import permissions
from vik.tenancy.models import InformationCentre, Membership, OpeningHours, User

from .choices import EMAILED_BY_DEFAULT, NotificationKind
from .models import Macro, Notification, NotificationPreference, Presence

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


def macro_render(*, macro: Macro, request: Request, agent: Any) -> str:
    """The macro's text with its placeholders filled in for this request and agent.

    A placeholder VIK does not know, or a lone brace, stays as typed: the text is the agent's
    to correct before sending, and a typo must never cost the whole reply."""
    from vik.conversations.selectors import tracking_url

    known: dict[str, Any] = {
        "name": lambda: request.requester.display_name,
        "jmeno": lambda: request.requester.display_name,
        "reference": lambda: request.reference,
        "tracking_url": lambda: tracking_url(request),
        "centre": lambda: str(request.centre or ""),
        "opening_hours": lambda: _centre_hours(request.centre),
        "agent": lambda: getattr(agent, "display_name", ""),
    }
    cache: dict[str, str] = {}

    def fill(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in known:
            return match.group(0)
        if name not in cache:
            cache[name] = str(known[name]())
        return cache[name]

    return PLACEHOLDER.sub(fill, macro.body)


def macros_for_request(*, user: Any, request: Request) -> list[Macro]:
    """The macros offered on the request's reply form: its region's and its centre's."""
    return list(Macro.objects.filter(permissions.macros_available(user, request)))


def macro_get_for_request(*, user: Any, request: Request, pk: int) -> Macro:
    """One macro offered on `request` (Macro.DoesNotExist otherwise)."""
    return Macro.objects.get(permissions.macros_available(user, request), pk=pk)


def macros_managed_list(*, user: Any) -> QuerySet[Macro]:
    return Macro.objects.filter(permissions.macros_managed(user)).select_related("centre", "region")


def macro_scope_choices(user: Any) -> list[tuple[str, str]]:
    """Where the user may put a macro: "region:<id>" for a region, "centre:<id>" for a centre."""
    from django.utils.translation import gettext as _

    from vik.territory.models import Region

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

# Django usernames are letters, digits and @.+-_; a mention ends before a trailing full stop.
MENTION = re.compile(r"(?<![\w@.+-])@([\w.+-]*\w)")


def mentioned_usernames(text: str) -> list[str]:
    seen: dict[str, None] = {}
    for match in MENTION.finditer(text):
        seen.setdefault(match.group(1), None)
    return list(seen)


def colleagues_for_request(*, request: Request, exclude: Any = None) -> list[User]:
    """Who may be @mentioned on the request: active staff who may view it."""
    from vik.tenancy.choices import Role

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


# Notifications -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Preference:
    kind: str
    label: str
    in_app: bool
    by_email: bool


def notification_preferences(*, user: Any) -> list[Preference]:
    """The user's choice for every kind, the defaults where they chose nothing."""
    stored = {p.kind: p for p in NotificationPreference.objects.filter(user=user)}
    result = []
    for kind in NotificationKind:
        row = stored.get(kind.value)
        result.append(
            Preference(
                kind=kind.value,
                label=str(kind.label),
                in_app=row.in_app if row else True,
                by_email=row.by_email if row else kind in EMAILED_BY_DEFAULT,
            )
        )
    return result


def notification_preferences_of(
    *, users: Sequence[Any], kinds: set[str]
) -> dict[tuple[int, str], tuple[bool, bool]]:
    """(in the workspace, by e-mail) for each of the users and kinds, in one query."""
    stored = {
        (row.user_id, row.kind): (row.in_app, row.by_email)
        for row in NotificationPreference.objects.filter(
            user_id__in={user.pk for user in users}, kind__in=kinds
        )
    }
    return {
        (user.pk, kind): stored.get((user.pk, kind), (True, kind in EMAILED_BY_DEFAULT))
        for user in users
        for kind in kinds
    }


def notification_preference(*, user: Any, kind: str) -> tuple[bool, bool]:
    """(in the workspace, by e-mail) for one kind."""
    row = NotificationPreference.objects.filter(user=user, kind=kind).first()
    if row is None:
        return True, kind in EMAILED_BY_DEFAULT
    return row.in_app, row.by_email


NOTIFICATIONS_SHOWN = 100


def notification_list(*, user: Any) -> list[Notification]:
    """The user's latest notifications, unread first."""
    unread = list(
        Notification.objects.filter(user=user, read_at__isnull=True).select_related("request")[
            :NOTIFICATIONS_SHOWN
        ]
    )
    read = list(
        Notification.objects.filter(user=user, read_at__isnull=False).select_related("request")[
            : max(NOTIFICATIONS_SHOWN - len(unread), 0)
        ]
    )
    return unread + read


def notification_unread_count(*, user: Any) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


# Presence ------------------------------------------------------------------------------------

PRESENCE_FRESH = dt.timedelta(seconds=30)


def presence_others(*, request: Request, user: Any) -> list[Presence]:
    """The others seen on the request within the last 30 seconds."""
    since = clock.now() - PRESENCE_FRESH
    return list(
        Presence.objects.filter(request=request, last_seen__gte=since)
        .exclude(user=user)
        .select_related("user")
        .order_by("user__username")
    )


def replied_meanwhile(*, request: Request, user: Any, after_id: int | None) -> bool:
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
