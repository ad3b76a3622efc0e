"""Attachments that need more than their bytes: an attached message kept as an .eml file,
and Outlook's winmail.dat (TNEF), unpacked in a child process with a budget."""

from __future__ import annotations

import contextlib
import email.generator
import email.policy
import io
import mimetypes
import multiprocessing
import os
import resource
from email.message import EmailMessage, Message
from typing import Any, cast

from ..charsets import to_bytes
from ..mime import body_text, clean_text, safe_filename
from .headers import _raw_header_block
from .results import MailAttachment, _Walk

try:  # optional: unpacks Outlook's winmail.dat when installed
    from tnefparse import TNEF
except ImportError:  # pragma: no cover - depends on the environment
    TNEF = None


def _serialise(msg: Message, defects: list[str]) -> bytes:
    buffer = io.BytesIO()
    try:
        generator = email.generator.BytesGenerator(buffer, mangle_from_=False, policy=_SERIALISE)
        generator.flatten(cast(EmailMessage, msg))
    except Exception as exc:  # the generator re-reads headers and can trip on broken ones
        defects.append(f"attached message could not be re-serialised ({type(exc).__name__})")
        payload = getattr(msg, "_payload", "")
        return (_raw_header_block(msg) + "\n\n").encode("ascii", "surrogateescape") + to_bytes(
            payload if isinstance(payload, str) else ""
        )
    return buffer.getvalue()


_SERIALISE = email.policy.default.clone(
    cte_type="8bit", refold_source="none", linesep="\n", max_line_length=0
)
_FORWARDED_TYPES = frozenset({"message/rfc822", "message/global", "message/news"})
_TNEF_TYPES = frozenset({"application/ms-tnef", "application/vnd.ms-tnef"})


# tnefparse trusts the lengths and counts inside the file: a damaged 8 KB winmail.dat made it
# allocate 24 GB for minutes. It therefore runs in a child process with a memory and time
# budget; winmail.dat is rare enough that the fork does not matter.
TNEF_MEMORY_BYTES = 512 * 1024 * 1024
TNEF_MEMORY_PER_BYTE = 20
TNEF_SECONDS = 20.0

_TnefResult = tuple[list[tuple[Any, bytes]], Any, Any]


class TnefTooCostly(Exception):
    """Unpacking the winmail.dat exceeded its memory or time budget."""


def _tnef_unpack(data: bytes) -> _TnefResult:
    """(attachments as (long file name, content), body, HTML body) of a winmail.dat, decoded
    by tnefparse in a forked child limited to a memory and a time budget."""
    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)
    budget = max(TNEF_MEMORY_BYTES, TNEF_MEMORY_PER_BYTE * len(data))
    child = context.Process(target=_tnef_child, args=(data, sender, budget), daemon=True)
    child.start()
    sender.close()
    try:
        if not receiver.poll(TNEF_SECONDS):
            raise TnefTooCostly(f"no result within {TNEF_SECONDS:.0f} s")
        outcome, *result = receiver.recv()
    except EOFError as error:  # the child died (out of memory, killed)
        raise TnefTooCostly("the decoder died") from error
    finally:
        receiver.close()
        if child.is_alive():
            child.kill()
        child.join()
    if outcome != "ok":
        raise TnefTooCostly(str(result[0]))
    items, body, html_body = result
    return items, body, html_body


def _tnef_child(data: bytes, sender: Any, budget: int) -> None:
    try:
        resource.setrlimit(resource.RLIMIT_AS, (_address_space() + budget,) * 2)
        tnef = TNEF(data, do_checksum=False)
        items = [(item.long_filename(), bytes(item.data or b"")) for item in tnef.attachments]
        sender.send(("ok", items, tnef.body, tnef.htmlbody))
    except BaseException as error:  # MemoryError included: report it, never raise in a fork
        with contextlib.suppress(Exception):
            sender.send(("error", f"{type(error).__name__}: {error}"[:300]))
    finally:
        sender.close()
        os._exit(0)


def _address_space() -> int:
    """This process's current virtual memory size in bytes (the child's limit adds to it)."""
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[0]) * resource.getpagesize()


def _tnef(data: bytes, filename: str, state: _Walk) -> None:
    """Outlook's winmail.dat: unpacked with tnefparse when it is installed, else kept whole."""
    name = filename or "winmail.dat"
    if TNEF is None:
        state.defects.append("winmail.dat (TNEF) kept as a file: tnefparse is not installed")
        state.attachments.append(MailAttachment(name, "application/ms-tnef", data, "", False))
        return
    try:
        items, raw_body, raw_html = _tnef_unpack(data)
        found: list[MailAttachment] = []
        for index, (raw_name, content) in enumerate(items, start=1):
            item_name = safe_filename(_any_text(raw_name, state.defects), state.defects)
            item_name = item_name or _default_name(index, "application/octet-stream")
            guessed = mimetypes.guess_type(item_name)[0] or "application/octet-stream"
            found.append(MailAttachment(item_name, guessed, content, "", False))
        body = _any_text(raw_body, state.defects)
        html_body = _any_text(raw_html, state.defects)
    except Exception as exc:  # third-party decoder on hostile input
        state.defects.append(f"winmail.dat (TNEF) could not be unpacked ({type(exc).__name__})")
        state.attachments.append(MailAttachment(name, "application/ms-tnef", data, "", False))
        return
    if not (found or body or html_body):  # nothing readable: never drop what the sender sent
        state.defects.append("winmail.dat (TNEF) had nothing readable; kept as a file")
        state.attachments.append(MailAttachment(name, "application/ms-tnef", data, "", False))
        return
    state.attachments.extend(found)
    if body and not state.plain:
        state.plain.append(body)
    if html_body and not state.html:
        state.html.append(html_body)


def _any_text(value: object, defects: list[str]) -> str:
    if isinstance(value, bytes | bytearray):
        return body_text(bytes(value), "", defects, "winmail.dat").strip("\x00")
    return clean_text(str(value)) if value else ""


def _default_name(index: int, content_type: str) -> str:
    extension = mimetypes.guess_extension(content_type, strict=False) or ".bin"
    return f"priloha-{index}{extension}"
