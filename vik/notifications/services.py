"""Telling staff something: in the workspace and by e-mail (each e-mail waits in its
notification's outbox until sent or given up), the citizen's replies and @mentions."""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, NamedTuple

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.core.mail.backends.base import BaseEmailBackend
from django.db import transaction
from django.db.models import F, Q
from django.utils import translation
from django.utils.translation import gettext as _

from vik.core import clock
from vik.core.db import rows_update
from vik.core.links import absolute_path_with, path_of
from vik.core.tasks import backoff, enqueue_on_commit, stale_claim, tasks_waiting_since
from vik.tenancy import permissions
from vik.tenancy.models import User

from . import selectors, tasks
from .choices import NotificationKind
from .models import Notification, NotificationPreference

if TYPE_CHECKING:
    from vik.conversations.models import Interaction, Request
    from vik.tenancy.types import StaffUser

log = logging.getLogger(__name__)


class NotificationDraft(NamedTuple):
    """One notification to write: to whom, of which kind, what it says, about which request."""

    user: StaffUser
    kind: str
    text: str
    request: Request | None = None


def notification_send(
    *, user: StaffUser, kind: str, text: str, request: Request | None = None
) -> Notification:
    """Tell a member of staff something in the workspace (and by e-mail, per their settings).

    Precondition: inside the transaction of the change it reports; the e-mail leaves after
    the commit.
    """
    [notification] = notifications_send([NotificationDraft(user, kind, text, request)])
    return notification


def notifications_send(drafts: Sequence[NotificationDraft]) -> list[Notification]:
    """`notification_send` for many at once (a batch of requests assigned by a policy): the
    users' preferences read in one query, the rows written in one, and one task e-mails
    those wanted by e-mail, over one connection to the mail server."""
    if not drafts:
        return []
    wanted = selectors.notification_preferences_of(
        users=[draft.user for draft in drafts], kinds={draft.kind for draft in drafts}
    )
    now = clock.now()
    # An e-mail's first attempt is its task, enqueued below; should the task be lost (a crash
    # between the commit and the enqueue), the sweeper sends it once the lease has passed.
    lease = now + stale_claim()
    notifications = Notification.objects.bulk_create(
        Notification(
            user=draft.user, kind=draft.kind, text=draft.text[:500], request=draft.request,
            created_at=now,
            # Wanted by e-mail only: kept as a record, but not waiting in the workspace.
            read_at=None if wanted[draft.user.pk, draft.kind][0] else now,
            email_due_at=lease if _emailed(draft, wanted) else None,
        )
        for draft in drafts
    )  # fmt: skip
    emailed = [n.pk for n in notifications if n.email_due_at is not None]
    if emailed:
        enqueue_on_commit(tasks.notification_emails_task, emailed)
    return notifications


def _emailed(draft: NotificationDraft, wanted: Mapping[tuple[int, str], tuple[bool, bool]]) -> bool:
    return bool(wanted[draft.user.pk, draft.kind][1] and draft.user.email)


def notification_email(*, notification_id: int) -> bool:
    """E-mail one notification to its user, once. Returns whether it sent."""
    return bool(notification_emails(notification_ids=[notification_id]))


def notification_emails(*, notification_ids: Sequence[int]) -> int:
    """E-mail notifications to their users over one connection, each once if all goes well,
    and never lost: every e-mail waits in its notification's outbox (`email_due_at`) until it
    is sent or given up.

    - The rows due are claimed together (one UPDATE, committed before sending) with a lease of
      the stale-claim time, so a repeated task, or another worker's, sends nothing again.
    - What was sent is recorded once, after the batch. One that could not be sent waits for
      its backoff (`backoff`) and the sweeper's next look (`notification_emails_sweep`); after
      `VIK_OUTBOUND_MAX_ATTEMPTS` it is given up, with the error kept in `email_error`.
    - A worker killed while sending records nothing: after the lease the sweeper sends the
      whole claim again, so some of its e-mails may arrive twice, but none is lost.

    Returns how many were sent now.
    """
    now = clock.now()
    with transaction.atomic():
        claimed = list(
            Notification.objects.select_for_update(skip_locked=True)
            .filter(pk__in=notification_ids, emailed_at__isnull=True)
            .filter(_email_due(now))
            .values_list("pk", flat=True)
        )
        Notification.objects.filter(pk__in=claimed).update(
            email_due_at=now + stale_claim(), email_attempts=F("email_attempts") + 1
        )
    notifications = (
        Notification.objects.filter(pk__in=claimed)
        .select_related("user", "request")
        .only("text", "email_attempts", "user__email", "request__reference")  # what is needed
        .order_by("pk")
    )
    sent: list[int] = []
    nobody: list[int] = []  # the address was removed since: nothing to send it to
    failed: list[tuple[Notification, Exception]] = []
    connection = None
    unreachable: Exception | None = None  # the mail server: then every e-mail waits
    try:
        for notification in notifications:
            if not notification.user.email:
                nobody.append(notification.pk)
                continue
            if connection is None:
                connection = get_connection()
                try:
                    connection.open()
                except Exception as error:
                    unreachable = error
            if unreachable is not None:
                failed.append((notification, unreachable))
                continue
            try:
                _notification_message(notification, EmailMessage, connection).send()
            except Exception as error:
                failed.append((notification, error))
                continue
            sent.append(notification.pk)
    finally:
        if connection is not None:
            with contextlib.suppress(Exception):
                connection.close()
        _emails_record(sent=sent, nobody=nobody, failed=failed, now=clock.now())
    return len(sent)


def _email_due(now: dt.datetime) -> Q:
    """An e-mail that may be claimed now: never tried (its own task, whenever it runs), or due
    again (a backoff or a lease that passed)."""
    return Q(email_due_at__isnull=False) & (Q(email_attempts=0) | Q(email_due_at__lte=now))


def _emails_record(
    *,
    sent: list[int],
    nobody: list[int],
    failed: list[tuple[Notification, Exception]],
    now: dt.datetime,
) -> None:
    if sent:
        Notification.objects.filter(pk__in=sent).update(
            emailed_at=now, email_due_at=None, email_error=""
        )
    if nobody:
        Notification.objects.filter(pk__in=nobody).update(email_due_at=None)
    for notification, error in failed:
        given_up = notification.email_attempts >= settings.VIK_OUTBOUND_MAX_ATTEMPTS
        notification.email_due_at = None if given_up else now + backoff(notification.email_attempts)
        notification.email_error = f"{type(error).__name__}: {error}"[:300]
        (log.error if given_up else log.warning)(
            "notification %s not e-mailed (attempt %s%s): %s",
            notification.pk, notification.email_attempts, ", given up" if given_up else "",
            notification.email_error,
        )  # fmt: skip
    rows_update([n for n, _error in failed], ["email_due_at", "email_error"])


def notification_emails_sweep() -> int:
    """A periodic job (`VIK_PERIODIC_JOBS`): send the notification e-mails that are due again
    (a failure's backoff passed) or whose task was lost (a crash before its enqueue, a worker
    killed while sending: the lease passed). Never-tried ones are left alone while the task
    queue holds tasks older than the lease: their own task is then most likely waiting for its
    turn. Returns how many it handed to a task."""
    now = clock.now()
    due = Notification.objects.filter(emailed_at__isnull=True, email_due_at__lte=now)
    if tasks_waiting_since(now - stale_claim()):
        due = due.filter(email_attempts__gt=0)
    ids = list(due.order_by("email_due_at").values_list("pk", flat=True)[:500])
    if ids:
        tasks.notification_emails_task.enqueue(ids)
    return len(ids)


def _notification_message(
    notification: Notification, message_class: type[EmailMessage], connection: BaseEmailBackend
) -> EmailMessage:
    with translation.override(settings.LANGUAGE_CODE):
        lines = [notification.text, ""]
        if notification.request is not None:
            reference = notification.request.reference
            lines.append(f"{reference}: {absolute_path_with('staff:request_detail', reference)}")
        lines += [
            "",
            _("You can choose what VIK e-mails you about at %(url)s")
            % {"url": settings.SITE_URL + path_of("staff:notification_settings")},
        ]
        subject = "VIK: " + " ".join(notification.text.split())[:120]
    return message_class(
        subject=subject,
        body="\n".join(lines),
        to=[notification.user.email],
        connection=connection,
    )


def notification_mark_read(*, user: StaffUser, notification_id: int | None = None) -> int:
    """Mark one of the user's notifications read, or (no id) all of them. Returns how many."""
    unread = Notification.objects.filter(user=user, read_at__isnull=True)
    if notification_id is not None:
        unread = unread.filter(pk=notification_id)
    return unread.update(read_at=clock.now())


def notification_preferences_set(
    *, user: StaffUser, choices: Mapping[str, tuple[bool, bool]]
) -> None:
    """Store the user's (in the workspace, by e-mail) choice per kind."""
    for kind, (in_app, by_email) in choices.items():
        if kind not in NotificationKind.values:
            continue
        NotificationPreference.objects.update_or_create(
            user=user, kind=kind, defaults={"in_app": in_app, "by_email": by_email}
        )


# Citizen replies and mentions ----------------------------------------------------------------


def request_citizen_replied_notify(*, request: Request) -> Notification | None:
    """Tell the assignee that the citizen wrote again on their request."""
    notifications = requests_citizen_replied_notify(requests=[request])
    return notifications[0] if notifications else None


def requests_citizen_replied_notify(*, requests: Sequence[Request]) -> list[Notification]:
    """`request_citizen_replied_notify` for a batch of replies: one notification per reply
    to an assigned request, written together."""
    drafts = []
    with translation.override(settings.LANGUAGE_CODE):
        for request in requests:
            assignee = request.assignee  # None without a query when unassigned
            if assignee is None:
                continue
            text = _("%(reference)s: the citizen replied") % {"reference": request.reference}
            drafts.append(
                NotificationDraft(assignee, NotificationKind.CITIZEN_REPLIED, text, request=request)
            )
    return notifications_send(drafts)


def note_mentions_notify(*, note: Interaction, by: StaffUser) -> list[Notification]:
    """Notify the colleagues @mentioned in an internal note, if they may view its request.
    Unknown names, the author and colleagues without access are ignored."""
    words = selectors.mention_first_words(note.text)
    if not words:
        return []
    # Who the words may begin: a user name, or a first name ("@Jana Nováková").
    who = Q(username__in=words)
    for word in words[:50]:
        who |= Q(first_name__iexact=word)
    candidates = User.objects.filter(who, is_active=True).exclude(pk=by.pk)
    mentioned = selectors.mentioned_users(note.text, candidates)
    if not mentioned:
        return []
    request = note.request
    first_line = next((line.strip() for line in note.text.splitlines() if line.strip()), "")
    with translation.override(settings.LANGUAGE_CODE):
        text = _("%(author)s mentioned you on %(reference)s: %(line)s") % {
            "author": by.display_name,
            "reference": request.reference,
            "line": first_line,
        }
    sent = []
    for user in mentioned:
        if permissions.can_view_request(user, request):
            sent.append(
                notification_send(
                    user=user, kind=NotificationKind.MENTION, text=text, request=request
                )
            )
    return sent
