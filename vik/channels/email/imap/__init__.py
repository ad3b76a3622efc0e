"""Fetching e-mail channel accounts' mail over IMAP, once per message, without losing any.

`mailbox_poll(account=…)` reads one account's folder (settings in `account.settings["imap"]`,
see docs/channels/email.md) and stores every new message, a fetched group at a time, with
`inbound_accept_many`; the parsing happens later, in the inbound task.
`mailboxes_poll_due()` is the worker's periodic job.

The rules that keep a message from being lost or stored twice:
- a message is fetched with BODY.PEEK[] (it stays unread for the people sharing the mailbox);
- nothing is done to it on the server (flag, move) until its group is committed; nothing is
  ever deleted or expunged except the messages a server without MOVE leaves behind after
  copying them;
- the position (`MailboxState.last_uid`) advances after each group, and past any message only
  when everything before it is stored, so a worker killed in the middle fetches at most that
  group again, and the idempotency key (the normalised Message-ID, else a hash of the message)
  makes the second store a no-op;
- a message flagged `$VIKStored` is known to be stored and is skipped, whatever the position
  says (a lost or reset MailboxState, a changed UIDVALIDITY);
- a failure (server down, bad password, timeout, TLS) never raises out of the poll: it is
  recorded on the MailboxState, and the next poll simply tries again.

The modules: `settings` (an account's IMAP settings, read and checked), `session` (one
connection: log in, fetch what is new, store it, flag or move it, and the error messages) and
`polling` (`mailbox_poll` with the mailbox's recorded state, and the periodic job).
"""

from .polling import mailbox_poll, mailboxes_poll_due
from .session import PollReport
from .settings import ImapSettings, ImapSettingsError, imap_settings

__all__ = [
    "ImapSettings",
    "ImapSettingsError",
    "PollReport",
    "imap_settings",
    "mailbox_poll",
    "mailboxes_poll_due",
]
