"""One SMPP 3.4 transceiver bind to an SMSC, on `smpplib`: bind with backoff, several submit_sm
in flight (a window), enquire_link when idle, and every deliver_sm handed to a callback.

smpplib is synchronous and has no window of its own: `submit` sends up to `window` submit_sm,
reads answers (`read_once`) and sends more as answers come. When the connection drops, the
submit_sm without an answer are sent again after a new bind; those answered are never sent
again. (A real SMSC may have accepted a PDU whose answer the drop swallowed: SMPP cannot tell,
so such a part may arrive twice; it is never lost.)
"""

from __future__ import annotations

import logging
import select
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import smpplib.client
import smpplib.consts
import smpplib.exceptions
import smpplib.smpp

log = logging.getLogger(__name__)

TON_INTERNATIONAL, NPI_ISDN, TON_ALPHANUMERIC = 1, 1, 5


@dataclass(frozen=True)
class SmppConfig:
    host: str
    port: int
    system_id: str
    password: str
    system_type: str = ""
    window: int = 10
    timeout: float = 10.0
    enquire_link_seconds: float = 30.0
    bind_attempts: int = 5
    backoff_seconds: float = 0.2


@dataclass(frozen=True)
class Submission:
    key: int  # the caller's id of this short message (an SmsPart)
    source: str
    destination: str  # E.164 without '+'
    payload: bytes  # UDH + encoded text
    data_coding: int
    esm_class: int


@dataclass(frozen=True)
class Deliver:
    """A deliver_sm: an SMS from a phone, or a delivery receipt (`is_receipt`)."""

    source: str
    destination: str
    data_coding: int
    esm_class: int
    short_message: bytes
    receipted_message_id: str = ""
    message_state: int | None = None

    @property
    def is_receipt(self) -> bool:
        return (self.esm_class & 0x3C) in (0x04, 0x08)


class SmppUnavailable(Exception):
    """No bind could be made (the SMSC is down, refuses the password, or does not answer)."""


@dataclass
class _Window:
    queue: list[Submission]
    inflight: dict[int, Submission] = field(default_factory=dict)
    results: dict[int, str | Exception] = field(default_factory=dict)


def _text(value: Any) -> str:
    if isinstance(value, bytes):
        return value.decode("ascii", "replace").rstrip("\x00")
    return "" if value is None else str(value)


def _address(value: str) -> tuple[int, int, str]:
    """(ton, npi, address): digits are an international number, anything else alphanumeric."""
    digits = value.lstrip("+")
    if digits.isdigit():
        return TON_INTERNATIONAL, NPI_ISDN, digits
    return TON_ALPHANUMERIC, 0, value


class SmppSession:
    def __init__(self, config: SmppConfig, on_deliver: Callable[[Deliver], None]) -> None:
        self.config = config
        self.on_deliver = on_deliver
        self.client: smpplib.client.Client | None = None
        self.last_activity = 0.0
        self._window: _Window | None = None
        self.binds = 0
        self.partial: dict[int, str | Exception] = {}

    # --- the bind --------------------------------------------------------------------------

    @property
    def bound(self) -> bool:
        return self.client is not None

    def open(self) -> None:
        """Bind, trying `bind_attempts` times with a doubling pause; raises SmppUnavailable."""
        if self.client is not None:
            return
        problem = ""
        for attempt in range(self.config.bind_attempts):
            if attempt:
                time.sleep(min(self.config.backoff_seconds * 2 ** (attempt - 1), 30.0))
            try:
                self._bind()
                return
            except (OSError, smpplib.exceptions.ConnectionError, smpplib.exceptions.PDUError) as e:
                problem = f"{type(e).__name__}: {e}"
                log.warning("SMPP bind to %s:%s failed: %s", self.config.host, self.config.port,
                            problem)  # fmt: skip
                self._drop()
        raise SmppUnavailable(f"no SMPP bind to {self.config.host}:{self.config.port}: {problem}")

    def _bind(self) -> None:
        client = smpplib.client.Client(
            self.config.host, self.config.port, timeout=self.config.timeout,
            allow_unknown_opt_params=True, logger_name="vik.sms.smpplib",
        )  # fmt: skip
        client.set_message_received_handler(self._received)
        client.set_message_sent_handler(self._answered)
        client.set_error_pdu_handler(self._error_pdu)
        self.client = client
        client.connect()
        client.bind_transceiver(
            system_id=self.config.system_id, password=self.config.password,
            system_type=self.config.system_type,
        )  # fmt: skip
        self.binds += 1
        self.last_activity = time.monotonic()

    def _drop(self) -> None:
        client, self.client = self.client, None
        if client is not None:
            try:
                client.disconnect()
            except Exception:
                log.debug("SMPP disconnect failed", exc_info=True)
            client._socket = None  # smpplib warns in __del__ about a socket it still holds

    def close(self) -> None:
        if self.client is None:
            return
        try:
            self.client.unbind()
        except Exception:
            log.debug("SMPP unbind failed", exc_info=True)
        self._drop()

    # --- what the SMSC sends ---------------------------------------------------------------

    def _received(self, pdu: Any, **_kwargs: Any) -> int | None:
        self.last_activity = time.monotonic()
        if pdu.command != "deliver_sm":
            return None
        state = getattr(pdu, "message_state", None)
        self.on_deliver(
            Deliver(
                source=_text(pdu.source_addr), destination=_text(pdu.destination_addr),
                data_coding=int(pdu.data_coding or 0), esm_class=int(pdu.esm_class or 0),
                short_message=bytes(pdu.short_message or b""),
                receipted_message_id=_text(getattr(pdu, "receipted_message_id", "")),
                message_state=int(state) if state is not None else None,
            )
        )  # fmt: skip
        return None  # ESME_ROK: stored (on_deliver raises when it cannot store: no answer then)

    def _answered(self, pdu: Any, **_kwargs: Any) -> None:
        self.last_activity = time.monotonic()
        window = self._window
        if window is None:
            return
        submission = window.inflight.pop(pdu.sequence, None)
        if submission is None:
            return
        status = int(pdu.status or 0)
        if status == smpplib.consts.SMPP_ESME_ROK:
            window.results[submission.key] = _text(pdu.message_id)
        elif status in (smpplib.consts.SMPP_ESME_RTHROTTLED, smpplib.consts.SMPP_ESME_RMSGQFUL):
            window.queue.append(submission)  # the SMSC asks to slow down: again, later
            time.sleep(0.05)
        else:
            description = smpplib.consts.DESCRIPTIONS.get(status, "unknown status")
            window.results[submission.key] = SubmitRefused(status, description)

    def _error_pdu(self, pdu: Any) -> None:
        if pdu.command == "submit_sm_resp":
            return  # `_answered` records it
        raise smpplib.exceptions.PDUError(
            f"({pdu.status}) {pdu.command}: "
            f"{smpplib.consts.DESCRIPTIONS.get(pdu.status, 'Unknown status')}",
            int(pdu.status),
        )

    # --- sending ---------------------------------------------------------------------------

    def submit(self, submissions: Sequence[Submission]) -> dict[int, str | Exception]:
        """Send every submission, `window` at a time; per key, the SMSC's message id or why it
        was refused. After a dropped connection, binds again (with backoff) and sends what was
        not answered. Raises SmppUnavailable when no bind can be made: the caller keeps the
        results it got from `partial` (what was answered before)."""
        window = _Window(queue=list(reversed(submissions)))
        self._window = window
        drops = 0
        try:
            while window.queue or window.inflight:
                try:
                    self.open()
                    self._pump(window)
                except (OSError, smpplib.exceptions.ConnectionError) as error:
                    log.warning("SMPP connection lost with %s in flight: %s",
                                len(window.inflight), error)  # fmt: skip
                    window.queue.extend(reversed(list(window.inflight.values())))
                    window.inflight.clear()
                    self._drop()
                    drops += 1
                    if drops >= self.config.bind_attempts:  # it binds, then drops, every time
                        raise SmppUnavailable(
                            f"the SMSC dropped the connection {drops} times: {error}"
                        ) from error
        except SmppUnavailable:
            self.partial = dict(window.results)
            raise
        finally:
            self._window = None
        return window.results

    def _pump(self, window: _Window) -> None:
        client = self.client
        assert client is not None
        deadline = time.monotonic() + self.config.timeout
        while window.queue or window.inflight:
            while window.queue and len(window.inflight) < self.config.window:
                item = window.queue.pop()
                ton, npi, source = _address(item.source)
                pdu = client.send_message(
                    source_addr_ton=ton, source_addr_npi=npi, source_addr=source,
                    dest_addr_ton=TON_INTERNATIONAL, dest_addr_npi=NPI_ISDN,
                    destination_addr=item.destination, short_message=item.payload,
                    data_coding=item.data_coding, esm_class=item.esm_class,
                    registered_delivery=1,
                )  # fmt: skip
                window.inflight[pdu.sequence] = item
            before = len(window.inflight) + len(window.results)
            self._read(wait=self.config.timeout)
            if len(window.inflight) + len(window.results) != before:
                deadline = time.monotonic() + self.config.timeout
            elif time.monotonic() > deadline:
                raise smpplib.exceptions.ConnectionError("no submit_sm_resp in time")

    def _read(self, *, wait: float) -> None:
        """Read one PDU, waiting at most `wait` seconds; then whatever else is already there."""
        client = self.client
        assert client is not None
        sock = client._socket
        readable, _w, _x = select.select([sock], [], [], wait)
        while readable:
            client.read_once(auto_send_enquire_link=False)
            readable, _w, _x = select.select([sock], [], [], 0)

    # --- the receiver ----------------------------------------------------------------------

    def listen(self, seconds: float) -> None:
        """Hold the bind for `seconds`: read what the SMSC sends, enquire_link when idle, and
        bind again (with backoff) when the connection drops."""
        end = time.monotonic() + seconds
        while (left := end - time.monotonic()) > 0:
            try:
                self.open()
                idle = time.monotonic() - self.last_activity
                if idle >= self.config.enquire_link_seconds:
                    assert self.client is not None
                    self.client.send_pdu(smpplib.smpp.make_pdu("enquire_link", client=self.client))
                    self.last_activity = time.monotonic()
                wait = min(left, max(self.config.enquire_link_seconds - idle, 0.05))
                self._read(wait=wait)
            except (TimeoutError, OSError, smpplib.exceptions.ConnectionError) as error:
                log.warning("SMPP connection lost: %s", error)
                self._drop()
            except SmppUnavailable as error:  # bind attempts used up: a longer pause, then again
                log.error("%s", error)
                time.sleep(min(max(end - time.monotonic(), 0.0), 30.0))


class SubmitRefused(Exception):
    """The SMSC refused a submit_sm (submit_sm_resp with an error status)."""

    def __init__(self, status: int, description: str) -> None:
        super().__init__(f"SMSC refused the message: {description} (0x{status:08x})")
        self.status = status
