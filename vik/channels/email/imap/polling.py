"""Polling a mailbox: `mailbox_poll` runs one session and records how it went on the
mailbox's state (and tells the centre after repeated failures); `mailboxes_poll_due`, the
worker's periodic job, picks the mailboxes that are due."""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Iterator

from django.db.models import F

from vik.channels.core.choices import ChannelKind
from vik.channels.core.models import ChannelAccount
from vik.channels.core.services import account_failure_notify
from vik.core import clock

from ..models import MailboxState
from .session import PollReport, _Failure, _poll
from .settings import ImapSettings, ImapSettingsError, _folder_of, imap_settings

log = logging.getLogger(__name__)

ROUND_SECONDS = 40.0  # `mailboxes_poll_due` starts no further poll after this (worker heartbeat)

# Accounts whose last poll stopped with messages left (its time budget ran out): the next
# round polls them again without waiting for `poll_seconds`. Process-local on purpose: when
# it is lost, the backlog is only fetched a little later.
_backlog: set[int] = set()


# After this many failed polls in a row the centre's lead is told (once per outage): one failure
# is often a blip, three at the default interval are three minutes without mail.
NOTICE_AFTER = 3


def mailbox_poll(*, account: ChannelAccount) -> PollReport:
    """Fetch the new messages of one account's folder and store them. Never raises.

    Precondition: not inside a transaction (each group of messages is committed on its own,
    before the server's copies change).
    """
    started = time.monotonic()
    report = PollReport(account_id=account.pk, folder=_folder_of(account))
    state: MailboxState | None = None
    try:
        state, _ = MailboxState.objects.get_or_create(account=account, folder=report.folder)
        MailboxState.objects.filter(pk=state.pk).update(last_attempt_at=clock.now())
        settings = ImapSettings.from_account(account)
        _poll(account, settings, state, report, deadline=started + settings.max_seconds)
    except Exception as error:
        report.error = _describe(error)
        if not isinstance(error, _Failure | ImapSettingsError):
            log.exception("IMAP poll of %s failed unexpectedly", account.name)
    report.ok = not report.error
    report.seconds = round(time.monotonic() - started, 3)
    if report.more:
        _backlog.add(account.pk)
    else:
        _backlog.discard(account.pk)
    _record(account, state, report)
    return report


def _record(account: ChannelAccount, state: MailboxState | None, report: PollReport) -> None:
    if state is None:
        return  # the database itself failed; the exception is logged
    try:
        rows = MailboxState.objects.filter(pk=state.pk)
        if report.ok:
            rows.update(last_success_at=clock.now(), last_error="", consecutive_failures=0)
        else:
            rows.update(
                last_error=report.error[:2000],
                consecutive_failures=F("consecutive_failures") + 1,
            )
            if rows.values_list("consecutive_failures", flat=True).first() == NOTICE_AFTER:
                account_failure_notify(account=account, problem=report.error)
    except Exception:
        log.exception("cannot record the IMAP poll of %s", account.name)
    if report.ok:
        if report.stored or report.duplicates or report.oversized or report.uidvalidity_changed:
            log.info(
                "IMAP %s/%s: %s stored, %s already stored, %s skipped, %s oversized%s (%.2f s)",
                account.name, report.folder, report.stored, report.duplicates, report.skipped,
                report.oversized, ", more left" if report.more else "", report.seconds,
            )  # fmt: skip
    else:
        log.warning("IMAP %s/%s: %s", account.name, report.folder, report.error)


def _describe(error: Exception) -> str:
    if isinstance(error, _Failure | ImapSettingsError):
        return str(error)
    return f"{type(error).__name__}: {error}"


# The periodic job ----------------------------------------------------------------------------


def _due(account: ChannelAccount, state: MailboxState, now: dt.datetime) -> bool:
    if account.pk in _backlog or state.last_attempt_at is None:
        return True
    raw = imap_settings(account) or {}
    try:
        interval = int(raw.get("poll_seconds", 60))
    except (TypeError, ValueError):
        interval = 60
    return state.last_attempt_at <= now - dt.timedelta(seconds=interval)


def _mailboxes() -> Iterator[ChannelAccount]:
    accounts = ChannelAccount.objects.filter(
        kind__in=[ChannelKind.EMAIL, ChannelKind.FAX], is_active=True
    )
    for account in accounts.order_by("pk"):
        if imap_settings(account) is not None:
            yield account


def mailboxes_poll_due() -> int:
    """Poll every active e-mail or fax account whose mailbox is due (`poll_seconds` after its last
    attempt, or at once when its last poll left messages); returns how many were polled.

    The worker's housekeeping runs it every 15 s. It starts no new poll after ROUND_SECONDS,
    so that the worker's heartbeat stays fresh; the oldest attempts go first, so no mailbox
    waits for ever. Several workers may run it at once: a conditional update of
    `last_attempt_at` lets one of them take each mailbox.
    """
    started = time.monotonic()
    now = clock.now()
    due: list[tuple[dt.datetime, ChannelAccount, MailboxState]] = []
    for account in _mailboxes():
        try:
            state, _ = MailboxState.objects.get_or_create(
                account=account, folder=_folder_of(account)
            )
            if _due(account, state, now):
                oldest = state.last_attempt_at or dt.datetime.min.replace(tzinfo=dt.UTC)
                due.append((oldest, account, state))
        except Exception:
            log.exception("cannot check whether mailbox %s is due", account.name)
    polled = 0
    for _, account, state in sorted(due, key=lambda item: item[0]):
        if time.monotonic() - started > ROUND_SECONDS:
            break
        try:
            claimed = MailboxState.objects.filter(
                pk=state.pk, last_attempt_at=state.last_attempt_at
            ).update(last_attempt_at=clock.now())
            if not claimed:
                continue  # another worker took it
            mailbox_poll(account=account)
            polled += 1
        except Exception:
            log.exception("IMAP poll of %s failed", account.name)
    return polled
