"""Reading notifications: the user's list and unread count, their preferences, and who a note
mentions."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

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


class Mentionable(Protocol):
    pk: Any
    username: str

    def get_full_name(self) -> str: ...


U = TypeVar("U", bound=Mentionable)


def mention_first_words(text: str) -> list[str]:
    """The word after each @ ("@Jana Nováková" → "Jana"): who may be meant, to read from the
    database before `mentioned_users` decides."""
    return mentioned_usernames(text)


def mentioned_users(text: str, candidates: Iterable[U]) -> list[U]:
    """The candidates a note @mentions, by user name ("@jnovakova") or full name, several words
    ("@Jana Nováková"), case aside. At each @ the longest name that the text continues wins
    ("@Jana Nováková" over "@Jana"); when two people share that longest name, the mention is
    ambiguous and notifies neither."""
    names: list[tuple[str, U]] = []
    for user in candidates:
        for name in {user.username, user.get_full_name().strip()}:
            if name:
                names.append((" ".join(name.split()).casefold(), user))
    found: dict[Any, U] = {}
    for match in _AT.finditer(text):
        rest = _SPACES.sub(" ", text[match.end() : match.end() + 200]).casefold()
        best: list[U] = []
        best_length = 0
        for name, user in names:
            if not rest.startswith(name):
                continue
            after = rest[len(name) : len(name) + 1]
            if after and (after.isalnum() or after == "_"):
                continue  # "@Jana" inside "@Janaki"
            if len(name) > best_length:
                best, best_length = [user], len(name)
            elif len(name) == best_length and all(u.pk != user.pk for u in best):
                best.append(user)
        if len(best) == 1:
            found.setdefault(best[0].pk, best[0])
    return list(found.values())


_AT = re.compile(r"(?<![\w@.+-])@(?=\w)")
_SPACES = re.compile(r"[ \t\u00a0]+")


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
