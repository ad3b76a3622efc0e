"""One IMAP session of one poll: connect and log in, find what is new since the recorded
position, fetch it a group at a time, store each group, and only then flag or move it on the
server; failures phrased for the account page."""

from __future__ import annotations

import contextlib
import hashlib
import imaplib
import logging
import ssl
import time
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from imapclient import IMAPClient
from imapclient.exceptions import CapabilityError, LoginError

from vik.channels.core.models import ChannelAccount
from vik.channels.core.services import (
    Arrival,
    inbound_accept,
    inbound_accept_many,
    inbound_quarantine,
)
from vik.channels.mail.parser import idempotency_key

from ..models import MailboxState
from .settings import ImapSettings

log = logging.getLogger(__name__)

STORED_KEYWORD = b"$VIKStored"
FLAGGED = b"\\Flagged"
DELETED = b"\\Deleted"
CONTENT_TYPE = "message/rfc822"
OVERSIZED_CONTENT_TYPE = "text/rfc822-headers"  # RFC 6522: the header section of a message
HEADER_LIMIT = 64 * 1024  # bytes of header kept for an oversized message
BODY_GROUP_BYTES = 8 * 1024 * 1024  # messages fetched in one FETCH, up to this many bytes
BODY_GROUP_COUNT = 50


@dataclass
class PollReport:
    """What one poll of one mailbox did."""

    account_id: int
    folder: str
    ok: bool = False
    error: str = ""
    uidvalidity: int | None = None
    uidvalidity_changed: bool = False
    fetched: int = 0  # message bodies downloaded
    stored: int = 0  # new payloads
    duplicates: int = 0  # downloaded, but already stored (same idempotency key)
    skipped: int = 0  # flagged $VIKStored: not downloaded
    oversized: int = 0  # over max_bytes: a quarantined placeholder stored instead
    more: bool = False  # the time budget ran out with messages left
    seconds: float = 0.0


class _Failure(Exception):
    """A poll failure, already phrased for the account page."""


def _connect(settings: ImapSettings) -> IMAPClient:
    context = ssl.create_default_context(cafile=settings.ca_file or None)
    if settings.security == "tls":
        return IMAPClient(
            settings.host, port=settings.port, ssl=True, ssl_context=context,
            timeout=settings.timeout,
        )  # fmt: skip
    client = IMAPClient(settings.host, port=settings.port, ssl=False, timeout=settings.timeout)
    if settings.security == "starttls":
        try:
            client.starttls(context)
        except CapabilityError:
            client.shutdown()
            raise _Failure(
                f"{settings.address} does not offer STARTTLS; VIK does not log in without TLS"
            ) from None
        except Exception:
            client.shutdown()
            raise
    return client


def _poll(
    account: ChannelAccount,
    settings: ImapSettings,
    state: MailboxState,
    report: PollReport,
    *,
    deadline: float,
) -> None:
    phase = "connect"
    try:
        client = _connect(settings)
        with client:
            phase = "login"
            client.login(settings.username, settings.password)
            phase = "select"
            folder = _server_name(client, settings.folder)
            info = client.select_folder(folder, readonly=False)
            phase = "fetch"
            _fetch_new(client, info, account, settings, state, report, deadline=deadline)
    except _Failure:
        raise
    except Exception as error:
        raise _Failure(_phrase(error, phase, settings)) from error


def _fetch_new(
    client: IMAPClient,
    info: dict[bytes, Any],
    account: ChannelAccount,
    settings: ImapSettings,
    state: MailboxState,
    report: PollReport,
    *,
    deadline: float,
) -> None:
    uidvalidity = int(info[b"UIDVALIDITY"])
    report.uidvalidity = uidvalidity
    if state.uidvalidity != uidvalidity:
        # A new UIDVALIDITY means the UIDs we counted up to no longer name the same messages
        # (the folder was recreated, restored from a backup, moved to another server), so
        # `last_uid` says nothing any more. We cannot tell old from new by UID, so we go
        # through the whole folder again, but without storing anything twice: messages we
        # flagged `$VIKStored` are skipped without being downloaded, and for the others the
        # idempotency key (Message-ID, else a hash of the message) makes `inbound_accept`
        # return the payload already stored. The cost is one download of the unflagged part
        # of the folder, spread over polls by the time budget.
        report.uidvalidity_changed = state.uidvalidity is not None
        if report.uidvalidity_changed:
            log.warning(
                "IMAP %s/%s: UIDVALIDITY changed from %s to %s; re-reading the folder",
                account.name, settings.folder, state.uidvalidity, uidvalidity,
            )  # fmt: skip
        MailboxState.objects.filter(pk=state.pk).update(uidvalidity=uidvalidity, last_uid=0)
        state.uidvalidity, state.last_uid = uidvalidity, 0
    permanent = info.get(b"PERMANENTFLAGS", ())
    keyword = b"\\*" in permanent or STORED_KEYWORD in permanent
    uidnext = info.get(b"UIDNEXT")
    if uidnext is not None and int(uidnext) <= state.last_uid + 1:
        return  # nothing new: the server says so without a SEARCH
    # `UID n:*` always matches the last message, even when n is beyond it: filter.
    uids = sorted(
        u for u in client.search(["UID", f"{state.last_uid + 1}:*"]) if u > state.last_uid
    )
    if not uids:
        return
    target = ""
    if settings.after_processing == "move":
        target = _ensure_folder(client, settings.move_to)
    # Fetched, not yet stored: stored together, then changed on the server, then the position
    # saved, before anything after them is dealt with (a later UID is only ever passed when
    # everything before it is stored).
    pending: list[tuple[int, bytes]] = []

    def store_pending() -> None:
        if not pending:
            return
        created = inbound_accept_many(
            account=account,
            arrivals=[
                Arrival(
                    idempotency_key=idempotency_key(raw),
                    body=raw,
                    content_type=CONTENT_TYPE,
                    metadata={
                        "source": "imap",
                        "uid": uid,
                        "uidvalidity": uidvalidity,
                        "folder": settings.folder,
                    },
                )
                for uid, raw in pending
            ],
        )
        report.stored += sum(created)
        report.duplicates += len(created) - sum(created)
        # The raw messages are committed: only now may the server's copies change.
        stored_uids = [uid for uid, _raw in pending]
        _after_processing(client, settings, stored_uids, keyword=keyword, target=target)
        _advance(state, stored_uids[-1])
        pending.clear()

    for start in range(0, len(uids), settings.batch):
        chunk = uids[start : start + settings.batch]
        meta = client.fetch(chunk, ["RFC822.SIZE", "FLAGS"])
        bodies: dict[int, bytes] = {}
        for index, uid in enumerate(chunk):
            if time.monotonic() > deadline:
                store_pending()
                report.more = True
                return
            item = meta.get(uid)
            raw = bodies.pop(uid, None)
            if raw is None and item is not None and _wanted(item, settings):
                store_pending()  # the group before is stored before the next one is fetched
                bodies = _fetch_bodies(client, chunk[index:], meta, settings)
                raw = bodies.pop(uid, None)
            if raw is not None:
                report.fetched += 1
                pending.append((uid, raw))
                continue
            store_pending()
            if item is not None and STORED_KEYWORD in item.get(b"FLAGS", ()):
                report.skipped += 1
            elif item is not None and int(item.get(b"RFC822.SIZE", 0)) > settings.max_bytes:
                size = int(item.get(b"RFC822.SIZE", 0))
                _store_oversized(client, account, settings, uid, size, report)
            # else: expunged by someone else since the SEARCH or the FETCH
            _advance(state, uid)
    store_pending()


def _wanted(item: dict[bytes, Any], settings: ImapSettings) -> bool:
    """Whether a message's body is to be downloaded and stored: not stored before (flagged),
    not over the account's size limit."""
    if STORED_KEYWORD in item.get(b"FLAGS", ()):
        return False
    return int(item.get(b"RFC822.SIZE", 0)) <= settings.max_bytes


def _fetch_bodies(
    client: IMAPClient, uids: list[int], meta: dict[int, Any], settings: ImapSettings
) -> dict[int, bytes]:
    """BODY.PEEK[] (never sets \\Seen) of the next few messages to store, in one FETCH."""
    group: list[int] = []
    total = 0
    for uid in uids:
        item = meta.get(uid)
        if item is None or not _wanted(item, settings):
            continue
        size = int(item.get(b"RFC822.SIZE", 0))
        if group and (total + size > BODY_GROUP_BYTES or len(group) >= BODY_GROUP_COUNT):
            break
        group.append(uid)
        total += size
    fetched = client.fetch(group, ["BODY.PEEK[]"])
    return {uid: data[b"BODY[]"] for uid, data in fetched.items() if b"BODY[]" in data}


def _store_oversized(
    client: IMAPClient,
    account: ChannelAccount,
    settings: ImapSettings,
    uid: int,
    size: int,
    report: PollReport,
) -> None:
    """Store the header of a message over the account's limit, quarantined with the reason.

    The message itself stays on the server, untouched (not flagged, not moved, still unread),
    where a person can deal with it; the quarantine entry says where.
    """
    fetched = client.fetch([uid], [f"BODY.PEEK[HEADER]<0.{HEADER_LIMIT}>"]).get(uid, {})
    header = next((v for k, v in fetched.items() if k.startswith(b"BODY[HEADER]")), b"") or b""
    reason = (
        f"message of {size} bytes exceeds the account limit of {settings.max_bytes} bytes; "
        f"it was left on the server in {settings.folder} (UID {uid})"
    )
    key = f"oversized:{idempotency_key(header)}"
    if len(key) > 255:
        key = f"oversized:sha256:{hashlib.sha256(key.encode()).hexdigest()}"
    with transaction.atomic():
        payload, created = inbound_accept(
            account=account,
            idempotency_key=key,
            body=header,
            content_type=OVERSIZED_CONTENT_TYPE,
            metadata={
                "source": "imap", "uid": uid, "uidvalidity": report.uidvalidity,
                "folder": settings.folder, "oversized": True, "size": size,
                "max_bytes": settings.max_bytes, "reason": reason,
            },
        )  # fmt: skip
        if created:
            # In the same transaction: the processing task, enqueued on commit, finds it
            # quarantined and leaves it alone.
            inbound_quarantine(payload=payload, reason=reason)
    report.oversized += 1
    if created:
        log.warning("IMAP %s/%s: %s", account.name, settings.folder, reason)


def _after_processing(
    client: IMAPClient, settings: ImapSettings, uids: list[int], *, keyword: bool, target: str
) -> None:
    """Flag or move messages whose raw copies are committed, with one command each."""
    if settings.after_processing == "keep":
        return
    if settings.after_processing == "flag":
        client.add_flags(uids, [FLAGGED, STORED_KEYWORD] if keyword else [FLAGGED], silent=True)
        return
    if keyword:  # the moved copy carries it: if it ever comes back, it is not stored again
        client.add_flags(uids, [STORED_KEYWORD], silent=True)
    if client.has_capability("MOVE"):
        client.move(uids, target)
        return
    client.copy(uids, target)
    client.add_flags(uids, [DELETED], silent=True)
    if client.has_capability("UIDPLUS"):
        client.uid_expunge(uids)  # these messages only
    # Without UIDPLUS an EXPUNGE would also remove what others marked \Deleted: the copy left
    # behind stays marked \Deleted (and $VIKStored), for the mail client to expunge.


def _advance(state: MailboxState, uid: int) -> None:
    """The message `uid` is dealt with: the next poll starts after it."""
    MailboxState.objects.filter(pk=state.pk, last_uid__lt=uid).update(last_uid=uid)
    state.last_uid = max(state.last_uid, uid)


def _server_name(client: IMAPClient, name: str) -> str:
    """A folder path written with "/" in the settings, in the server's hierarchy delimiter."""
    if "/" not in name:
        return name
    listing = client.list_folders("", "")
    delimiter = listing[0][1] if listing and listing[0][1] else b"/"
    text = delimiter.decode() if isinstance(delimiter, bytes) else str(delimiter)
    return name.replace("/", text)


def _ensure_folder(client: IMAPClient, name: str) -> str:
    folder = _server_name(client, name)
    if not client.folder_exists(folder):
        client.create_folder(folder)
        with contextlib.suppress(imaplib.IMAP4.error):
            client.subscribe_folder(folder)  # so that mail clients show it
    return folder


# Error messages ------------------------------------------------------------------------------


def _text(error: BaseException) -> str:
    """An exception as a person would say it (imaplib puts bytes reprs in its messages)."""
    if isinstance(error, OSError) and error.strerror:
        return error.strerror
    text = str(error).strip()
    for prefix in ("b'", 'b"'):
        if text.startswith(prefix) and text.endswith(text[1]):
            text = text[2:-1]
    return text or type(error).__name__


def _phrase(error: Exception, phase: str, settings: ImapSettings) -> str:
    where = settings.address
    if isinstance(error, ssl.SSLCertVerificationError):
        return f"TLS certificate of {where} not accepted: {error.verify_message or _text(error)}"
    if isinstance(error, ssl.SSLError):
        return f"TLS error with {where}: {error.reason or _text(error)}"
    if isinstance(error, TimeoutError):
        return f"no answer from {where} within {settings.timeout:g} s ({phase})"
    if phase == "connect" and isinstance(error, OSError):
        return f"cannot connect to {where}: {_text(error)}"
    if isinstance(error, LoginError):
        return f"login as {settings.username} refused by {where}: {_text(error)}"
    if phase == "select" and isinstance(error, imaplib.IMAP4.error):
        return f"cannot open folder {settings.folder!r} on {where}: {_text(error)}"
    if isinstance(error, imaplib.IMAP4.abort | ConnectionError | EOFError):
        return f"connection to {where} lost ({phase}): {_text(error)}"
    if isinstance(error, imaplib.IMAP4.error):
        return f"IMAP error from {where} ({phase}): {_text(error)}"
    if isinstance(error, OSError):
        return f"network error with {where} ({phase}): {_text(error)}"
    return f"{type(error).__name__} while reading {where} ({phase}): {error}"
