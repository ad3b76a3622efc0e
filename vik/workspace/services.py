"""Writing the agent's day: notifications, canned answers (macros), mentions, presence."""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, NamedTuple

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import translation
from django.utils.translation import gettext as _

from vik.core import clock
from vik.core.db import rows_update
from vik.core.errors import PermissionDenied, ValidationFailed
from vik.core.links import absolute_path_with, path_of
from vik.core.tasks import backoff, enqueue_on_commit, stale_claim, tasks_waiting_since
from vik.tenancy import permissions

from . import selectors_collab
from .choices import MacroScope, NotificationKind, PresenceState
from .models import Macro, Notification, NotificationPreference, Presence

log = logging.getLogger(__name__)


class NotificationDraft(NamedTuple):
    """One notification to write: to whom, of which kind, what it says, about which request."""

    user: Any
    kind: str
    text: str
    request: Any = None


def notification_send(*, user: Any, kind: str, text: str, request: Any = None) -> Notification:
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
    wanted = selectors_collab.notification_preferences_of(
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
        from .tasks import notification_emails_task

        enqueue_on_commit(notification_emails_task, emailed)
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
    from django.core.mail import EmailMessage, get_connection

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
    from .tasks import notification_emails_task

    now = clock.now()
    due = Notification.objects.filter(emailed_at__isnull=True, email_due_at__lte=now)
    if tasks_waiting_since(now - stale_claim()):
        due = due.filter(email_attempts__gt=0)
    ids = list(due.order_by("email_due_at").values_list("pk", flat=True)[:500])
    if ids:
        notification_emails_task.enqueue(ids)
    return len(ids)


def _notification_message(notification: Notification, message_class: Any, connection: Any) -> Any:
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


def notification_mark_read(*, user: Any, notification_id: int | None = None) -> int:
    """Mark one of the user's notifications read, or (no id) all of them. Returns how many."""
    unread = Notification.objects.filter(user=user, read_at__isnull=True)
    if notification_id is not None:
        unread = unread.filter(pk=notification_id)
    return unread.update(read_at=clock.now())


def notification_preferences_set(*, user: Any, choices: Mapping[str, tuple[bool, bool]]) -> None:
    """Store the user's (in the workspace, by e-mail) choice per kind."""
    for kind, (in_app, by_email) in choices.items():
        if kind not in NotificationKind.values:
            continue
        NotificationPreference.objects.update_or_create(
            user=user, kind=kind, defaults={"in_app": in_app, "by_email": by_email}
        )


# Citizen replies and mentions ----------------------------------------------------------------


def request_citizen_replied_notify(*, request: Any) -> Notification | None:
    """Tell the assignee that the citizen wrote again on their request."""
    notifications = requests_citizen_replied_notify(requests=[request])
    return notifications[0] if notifications else None


def requests_citizen_replied_notify(*, requests: Sequence[Any]) -> list[Notification]:
    """`request_citizen_replied_notify` for a batch of replies: one notification per reply
    to an assigned request, written together."""
    drafts = []
    with translation.override(settings.LANGUAGE_CODE):
        for request in requests:
            if request.assignee_id is None:
                continue
            text = _("%(reference)s: the citizen replied") % {"reference": request.reference}
            drafts.append(
                NotificationDraft(
                    request.assignee, NotificationKind.CITIZEN_REPLIED, text, request=request
                )
            )
    return notifications_send(drafts)


def note_mentions_notify(*, note: Any, by: Any) -> list[Notification]:
    """Notify the colleagues @mentioned in an internal note, if they may view its request.
    Unknown names, the author and colleagues without access are ignored."""
    from vik.tenancy.models import User

    names = selectors_collab.mentioned_usernames(note.text)
    if not names:
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
    for user in User.objects.filter(username__in=names, is_active=True).exclude(pk=by.pk):
        if permissions.can_view_request(user, request):
            sent.append(
                notification_send(
                    user=user, kind=NotificationKind.MENTION, text=text, request=request
                )
            )
    return sent


# Canned answers (macros) ---------------------------------------------------------------------


def _macro_fields_check(macro: Macro) -> None:
    if macro.scope == MacroScope.REGION:
        macro.centre = None
    elif macro.centre is None:
        raise ValidationFailed("A centre's macro needs its centre.")
    else:
        macro.region_id = macro.centre.region_id
    if macro.set_status:
        from vik.conversations.choices import Status

        if macro.set_status not in Status.values:
            raise ValidationFailed("Unknown status.")
    macro.add_tags = sorted({str(t).strip()[:64] for t in macro.add_tags if str(t).strip()})


@transaction.atomic
def macro_save(*, macro: Macro, by: Any) -> Macro:
    """Create or change a macro; the user must manage its scope (and, when changing, the scope
    it had)."""
    _macro_fields_check(macro)
    if macro.pk is not None:
        before = Macro.objects.select_for_update().get(pk=macro.pk)
        if not permissions.can_manage_macro(
            by, region_id=before.region_id, centre_id=before.centre_id
        ):
            raise PermissionDenied("You may not change this macro.")
    if not permissions.can_manage_macro(by, region_id=macro.region_id, centre_id=macro.centre_id):
        raise PermissionDenied("You may not manage macros there.")
    if macro.pk is None:
        macro.created_by = by
    macro.save()
    return macro


@transaction.atomic
def macro_delete(*, macro: Macro, by: Any) -> None:
    if not permissions.can_manage_macro(by, region_id=macro.region_id, centre_id=macro.centre_id):
        raise PermissionDenied("You may not delete this macro.")
    macro.delete()


@transaction.atomic
def macro_apply(
    *,
    macro: Macro,
    request: Any,
    by: Any,
    text: str | None = None,
    status: str | None = None,
    articles: Iterable[int] = (),
) -> Any:
    """Send a reply from a macro and apply its status and tags.

    `text` is what the agent finally wrote (default: the macro rendered for this request);
    `status` is the agent's own choice on the reply form, which wins over the macro's. The
    macro's status is left out when the request already has it. Returns the reply."""
    from vik.conversations import services as conversations

    if not Macro.objects.filter(permissions.macros_available(by, request), pk=macro.pk).exists():
        raise PermissionDenied("This macro is not offered on this request.")
    if text is None:
        text = selectors_collab.macro_render(macro=macro, request=request, agent=by)
    wanted = status or (macro.set_status if macro.set_status != request.status else "") or None
    reply = conversations.request_reply(
        request=request, by=by, text=text, status=wanted, articles=articles
    )
    if macro.add_tags:
        conversations.request_tags_change(request=request, add=macro.add_tags, by=by)
    return reply


def reply_send(
    *,
    request: Any,
    by: Any,
    text: str,
    status: str | None = None,
    articles: Iterable[int] = (),
    macro_id: int | None = None,
) -> Any:
    """The reply form: a plain reply, or (a macro chosen) `macro_apply` with the agent's text."""
    from vik.conversations import services as conversations

    if macro_id:
        try:
            macro = selectors_collab.macro_get_for_request(user=by, request=request, pk=macro_id)
        except Macro.DoesNotExist:
            raise ValidationFailed("This macro is not offered on this request.") from None
        return macro_apply(
            macro=macro, request=request, by=by, text=text, status=status, articles=articles
        )
    return conversations.request_reply(
        request=request, by=by, text=text, status=status, articles=articles
    )


# Presence ------------------------------------------------------------------------------------

PRESENCE_KEPT = dt.timedelta(minutes=10)


def presence_record(*, request: Any, user: Any, state: str) -> None:
    """The user has the request open (and is writing, if `state` says so): one upsert."""
    if state not in PresenceState.values:
        state = PresenceState.VIEWING
    Presence.objects.bulk_create(
        [Presence(request=request, user=user, state=state, last_seen=clock.now())],
        update_conflicts=True,
        unique_fields=["request", "user"],
        update_fields=["state", "last_seen"],
    )


def presence_prune() -> int:
    """A periodic job (`VIK_PERIODIC_JOBS`): forget who had a request open long ago."""
    deleted, _by_model = Presence.objects.filter(last_seen__lt=clock.now() - PRESENCE_KEPT).delete()
    return deleted


# Saved views of the request list -------------------------------------------------------------


def saved_view_create(
    *,
    by: Any,
    name: str,
    filters: Mapping[str, str],
    sort: str = "received",
    centre: Any = None,
    region: Any = None,
) -> Any:
    """Save the list's filters as a view: personal (no centre, no region) or shared with a
    centre or a region, which needs `permissions.can_share_view`."""
    from vik.conversations.selectors import FILTER_PARAMETERS, SORTS

    from .models import SavedView

    name = " ".join(name.split())[:100]
    if not name:
        raise ValidationFailed(_("A view needs a name."))
    shared = centre is not None or region is not None
    if shared and not permissions.can_share_view(
        by, getattr(centre, "pk", None), None if centre is not None else region.pk
    ):
        raise PermissionDenied(_("You may not share views there."))
    kept = {key: str(filters[key]) for key in FILTER_PARAMETERS if filters.get(key)}
    last = SavedView.objects.filter(owner=None if shared else by).count()
    return SavedView.objects.create(
        name=name,
        owner=None if shared else by,
        centre=centre,
        region=region if centre is None else None,
        created_by=by,
        filters=kept,
        sort=sort if sort in SORTS else "received",
        position=last,
    )


def saved_view_rename(*, view: Any, by: Any, name: str) -> Any:
    if not permissions.can_change_view(by, view):
        raise PermissionDenied(_("You may not change this view."))
    name = " ".join(name.split())[:100]
    if not name:
        raise ValidationFailed(_("A view needs a name."))
    view.name = name
    view.save(update_fields=["name"])
    return view


def saved_view_delete(*, view: Any, by: Any) -> None:
    if not permissions.can_change_view(by, view):
        raise PermissionDenied(_("You may not delete this view."))
    view.delete()
