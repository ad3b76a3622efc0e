"""Reading notifications: the user's list and unread count, their preferences, and who a note
mentions."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .choices import EMAILED_BY_DEFAULT, NotificationKind
from .models import Notification, NotificationPreference

if TYPE_CHECKING:
    from vik.tenancy.types import StaffUser

# Mentions ------------------------------------------------------------------------------------

# Django usernames are letters, digits and @.+-_; a mention ends before a trailing full stop.
MENTION = re.compile(r"(?<![\w@.+-])@([\w.+-]*\w)")


def mentioned_usernames(text: str) -> list[str]:
    seen: dict[str, None] = {}
    for match in MENTION.finditer(text):
        seen.setdefault(match.group(1), None)
    return list(seen)


# Notifications -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Preference:
    kind: str
    label: str
    in_app: bool
    by_email: bool


def notification_preferences(*, user: StaffUser) -> list[Preference]:
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
    *, users: Sequence[StaffUser], kinds: set[str]
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


def notification_preference(*, user: StaffUser, kind: str) -> tuple[bool, bool]:
    """(in the workspace, by e-mail) for one kind."""
    row = NotificationPreference.objects.filter(user=user, kind=kind).first()
    if row is None:
        return True, kind in EMAILED_BY_DEFAULT
    return row.in_app, row.by_email


NOTIFICATIONS_SHOWN = 100


def notification_list(*, user: StaffUser) -> list[Notification]:
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


def notification_unread_count(*, user: StaffUser) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).count()
