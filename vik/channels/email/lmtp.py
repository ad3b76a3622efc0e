"""Delivery by LMTP (RFC 2033): the mail server hands messages to a long-running `vik lmtp`.

The pipe (`vik ingest-mail`) starts Python and Django for every message, about half a second
of CPU each; an LMTP receiver starts once and stores a message in a few milliseconds. The
guarantee is the pipe's: a recipient is answered `250` only once the raw message is committed
for its account, and `451` (try again later) when it cannot be stored, so that the mail server
keeps the message and retries. A recipient that no e-mail account receives is refused at RCPT
with `550`, and the mail server returns the message to its sender.

Which account receives an address: an active account of kind `email` or `fax` whose settings
list it in `addresses`, or whose `smtp.from` is that address (the address its replies come
from is the one citizens write to). Compared case-insensitively.

The database work runs on one thread of its own: the server answers other sessions meanwhile,
and a message is stored in the order it arrived.

Logs carry no personal data at INFO: one line per delivery (its size, how many recipients,
each account's outcome), a refused recipient with its address masked; the sender's and the
recipients' addresses only at DEBUG. aiosmtpd's own `mail.log` (peer, every command line with
its addresses) is kept at WARNING by the settings' LOGGING.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import logging
from email.utils import parseaddr
from typing import Any

from django.db import close_old_connections, connections

from vik.channels.core.choices import ChannelKind
from vik.channels.core.models import ChannelAccount
from vik.channels.core.services import inbound_accept
from vik.channels.mail.parser import idempotency_key
from vik.core.memo import configured
from vik.core.text import mask_address

from .adapter import RAW_CONTENT_TYPE

log = logging.getLogger(__name__)

DEFAULT_MAX_BYTES = 64 * 1024 * 1024
LINE_LENGTH_LIMIT = 1024 * 1024


def account_addresses() -> dict[str, int]:
    """address (lower case) -> account id, for every active e-mail and fax account."""
    found: dict[str, int] = {}
    accounts = ChannelAccount.objects.filter(
        is_active=True, kind__in=[ChannelKind.EMAIL, ChannelKind.FAX]
    ).order_by("pk")
    for account in accounts:
        config = account.settings if isinstance(account.settings, dict) else {}
        smtp = config.get("smtp")
        smtp = smtp if isinstance(smtp, dict) else {}
        listed = config.get("addresses") or []
        for address in [*(listed if isinstance(listed, list) else [listed]), smtp.get("from")]:
            if isinstance(address, str) and "@" in address:
                found.setdefault(parseaddr(address)[1].strip().lower(), account.pk)
    return found


def account_for(address: str) -> int | None:
    """The id of the account that receives `address`, or None."""
    addresses = configured("lmtp-addresses", account_addresses)
    return addresses.get(parseaddr(address)[1].strip().lower())


def deliver(raw: bytes, recipients: list[str], sender: str | None) -> list[str]:
    """Store `raw` once for each account among `recipients`; one LMTP reply per recipient,
    in their order."""
    close_old_connections()  # a connection the database closed meanwhile is opened again
    log.debug("LMTP: message from %s to %s", sender, ", ".join(recipients))
    key = idempotency_key(raw)
    replies: list[str] = []
    done: dict[int, str] = {}  # account id -> its reply: two of its addresses, one payload
    outcomes: dict[str, str] = {}  # what the log says: account name (or a count) -> outcome
    for address in recipients:
        try:
            account_id = account_for(address)
            if account_id is None:  # the account went away between RCPT and the data
                replies.append(f"550 5.1.1 <{address}>: no VIK mailbox receives this address")
                outcomes[mask_address(address)] = "refused"
                continue
            if account_id not in done:
                account = ChannelAccount.objects.get(pk=account_id)
                payload, created = inbound_accept(
                    account=account,
                    idempotency_key=key,
                    body=raw,
                    content_type=RAW_CONTENT_TYPE,
                    metadata={"source": "lmtp", "envelope_to": address, "envelope_from": sender},
                )
                state = "stored" if created else "already stored"
                done[account_id] = f"{state} as payload {payload.pk}"
                outcomes[account.name] = done[account_id]
            replies.append(f"250 2.0.0 <{address}> {done[account_id]}")
        except Exception as error:  # the database is down, the disk is full, …
            log.exception("LMTP: cannot store a message for %s", mask_address(address))
            replies.append(f"451 4.3.0 <{address}> cannot store the message now ({error!s:.80})")
            outcomes[mask_address(address)] = "deferred (451)"
            close_old_connections()
    log.info(
        "LMTP: %s bytes for %s recipient(s): %s",
        len(raw), len(recipients), "; ".join(f"{k} {v}" for k, v in outcomes.items()),
    )  # fmt: skip
    return replies


class Receiver:
    """The aiosmtpd handler: recipients checked at RCPT, the message stored at the end of DATA.

    Every database call runs on `executor` (one thread), never on the event loop.
    """

    def __init__(self, executor: concurrent.futures.Executor) -> None:
        self.executor = executor

    async def _run(self, function: Any, *args: Any) -> Any:
        return await asyncio.get_running_loop().run_in_executor(self.executor, function, *args)

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, options: list[str]
    ) -> str:
        try:
            account_id = await self._run(_account_for_now, address)
        except Exception as error:
            log.exception("LMTP: cannot look up %s", mask_address(address))
            return f"451 4.3.0 cannot look up <{address}> now ({error!s:.80})"
        if account_id is None:
            log.info("LMTP: refused %s: no VIK mailbox receives it", mask_address(address))
            log.debug("LMTP: refused <%s>", address)
            return f"550 5.1.1 <{address}>: no VIK mailbox receives this address"
        envelope.rcpt_tos.append(address)
        return "250 2.1.5 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        raw = bytes(envelope.original_content or b"")
        replies = await self._run(deliver, raw, list(envelope.rcpt_tos), envelope.mail_from)
        # LMTP answers the data once per accepted recipient (RFC 2033 §4.2), line by line.
        return "\r\n".join(replies)


def _account_for_now(address: str) -> int | None:
    close_old_connections()
    return account_for(address)


def server_factory(executor: concurrent.futures.Executor, max_bytes: int) -> Any:
    """What `loop.create_server` calls for each connection: an LMTP session storing into VIK."""
    from aiosmtpd.lmtp import LMTP  # local import: only the `vik lmtp` process speaks LMTP

    class Session(LMTP):
        # RFC 5321 allows 1,000 bytes a line, but real mail (HTML on one line) has longer
        # ones, and refusing them would return a citizen's message to its sender.
        line_length_limit = LINE_LENGTH_LIMIT

    receiver = Receiver(executor)

    def factory() -> Any:
        return Session(
            receiver,
            data_size_limit=max_bytes,
            enable_SMTPUTF8=True,
            decode_data=False,
            ident="VIK LMTP",
        )

    return factory


async def serve(listen: str, *, max_bytes: int = DEFAULT_MAX_BYTES, ready: Any = None) -> None:
    """Serve LMTP on `listen` (`HOST:PORT`, or `unix:/path/to/socket`) until cancelled.
    `ready(address)` is called once the socket listens."""
    executor = concurrent.futures.ThreadPoolExecutor(max_workers=1, thread_name_prefix="vik-lmtp")
    loop = asyncio.get_running_loop()
    factory = server_factory(executor, max_bytes)
    if listen.startswith("unix:"):
        server = await loop.create_unix_server(factory, path=listen.removeprefix("unix:"))
    else:
        host, _colon, port = listen.rpartition(":")
        server = await loop.create_server(factory, host=host.strip("[]") or "127.0.0.1",
                                          port=int(port))  # fmt: skip
    bound = server.sockets[0].getsockname() if server.sockets else listen
    log.info("LMTP: listening on %s", bound)
    if ready is not None:
        ready(bound)
    try:
        async with server:
            await server.serve_forever()
    finally:
        # A message being stored is committed (or not) first; then the thread's connection goes.
        executor.submit(connections.close_all)
        executor.shutdown(wait=True)
