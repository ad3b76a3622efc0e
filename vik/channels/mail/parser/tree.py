"""The MIME tree of a raw message, as the stdlib's `email` parser builds it with
`policy=compat32`: `_TreeBuilder` builds the same tree several times faster, and leaves
anything unusual to the stdlib parser itself."""

from __future__ import annotations

import bisect
import contextlib
import email.parser
import email.policy
import io
import itertools
import re
from email import errors
from email.message import Message
from typing import cast

_LEADING_BLANK_LINES = re.compile(rb"\A(?:[ \t]*\r?\n)+")


def _parse_tree(data: bytes, defects: list[str]) -> Message | None:
    """The MIME tree, as the stdlib's `compat32` parser builds it (see `_TreeBuilder`, also for
    the one way it reads a malformed boundary parameter better); headers only when the
    structure is nested too deeply for the parser's recursion."""
    with contextlib.suppress(Exception):  # _Unsupported, or a bug: the stdlib parser decides
        return _TreeBuilder(data.decode("ascii", "surrogateescape")).parse()
    try:
        return email.parser.BytesParser(policy=_COMPAT32).parsebytes(data)
    except RecursionError:
        defects.append("MIME structure nested too deeply for the parser; body not read")
    except Exception as exc:  # the stdlib raises assorted types on hostile headers
        defects.append(f"e-mail parser failed ({type(exc).__name__}: {exc}); retried"[:300])
    try:
        return email.parser.BytesParser(policy=_COMPAT32).parsebytes(data, headersonly=True)
    except Exception:
        return None


_COMPAT32 = email.policy.compat32
#: email.feedparser's line patterns: a header or continuation line, and a bare line break.
_HEADER_LINE = re.compile(r"^(From |[\041-\071\073-\176]*:|[\t ])")
_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_LINE_ENDS = frozenset({"", "\n", "\r", "\r\n"})
#: Deeper structures are left to the stdlib parser, which decides when its recursion fails.
_MAX_TREE_DEPTH = 100


def _modern_boundary(msg: Message, fallback: str | None) -> str | None:
    """The boundary as `email.policy.default` reads it (`fallback` if its parser raises)."""
    probe = Message(policy=email.policy.default)
    probe._headers = msg._headers  # type: ignore[attr-defined]
    try:
        return probe.get_boundary()
    except Exception:  # the modern header parser on hostile input
        return fallback


class _Unsupported(Exception):
    """A state the tree builder leaves to the stdlib parser (it never occurs in real mail)."""


def _eol_length(line: str) -> int:
    """Length of the line break that ends `line` (feedparser's `NLCRE_eol`, without its scan
    of the whole string)."""
    if line.endswith("\r\n"):
        return 2
    return 1 if line.endswith(("\n", "\r")) else 0


def _boundary(line: str, separator: str) -> tuple[bool, str] | None:
    """feedparser's `boundaryre.match(line)` for `separator` ('--' + boundary), without
    compiling a regular expression per boundary: `(is the close boundary, line break)`."""
    if not line.startswith(separator):
        return None
    rest = line[len(separator) :]
    if rest.startswith("--"):
        tail = rest[2:].lstrip(" \t")
        if tail in _LINE_ENDS:
            return True, tail
        return None
    tail = rest.lstrip(" \t")
    return (False, tail) if tail in _LINE_ENDS else None


class _TreeBuilder:
    """`email.parser.BytesParser(policy=compat32).parsebytes()` for a complete message.

    The same tree, headers, payloads, preambles, epilogues and defects as CPython 3.11's
    `email.feedparser.FeedParser` (its `_parsegen` and `BufferedSubFile`, mirrored step by step
    below), without what makes that parser slow on whole messages: a generator resumed per
    line, every line tested against every enclosing boundary, a regular expression compiled
    per boundary and an end-of-line search over each whole payload. Here the input is split
    into lines once and a body is sliced up to the next line that can end it (only lines that
    begin with '--' can be a boundary). States real mail never reaches raise `_Unsupported`,
    and the caller then runs the stdlib parser itself.

    One deliberate difference: where compat32's reading of a malformed `boundary` parameter
    finds no part, the modern header parser's reading (`email.policy.default`, what VIK used
    before) is taken, so that the body is split wherever either of them can split it.
    """

    def __init__(self, text: str) -> None:
        # StringIO(newline="") splits at \r\n, \r and \n, as BufferedSubFile does.
        self._lines = io.StringIO(text, newline="").readlines()
        self._pos = 0
        self._pushed: list[str] = []  # unread lines that are not the previous line
        self._eof: list[str | None] = []  # separators; None: a blank line (delivery-status)
        self._dashes: list[int] | None = None  # indices of the lines that begin with '--'
        self._stack: list[Message] = []
        self._cur: Message | None = None
        self._last: Message | None = None
        self._depth = 0

    def parse(self) -> Message:
        self._parsegen()
        root = self._pop_message()
        if root.get_content_maintype() == "multipart" and not root.is_multipart():
            root.defects.append(errors.MultipartInvariantViolationDefect())
        return root

    # --- BufferedSubFile ---

    def _at_eof(self, line: str) -> bool:
        for separator in self._eof:
            if separator is None:
                if line.startswith(("\r", "\n")):
                    return True
            elif _boundary(line, separator) is not None:
                return True
        return False

    def _readline(self) -> str:
        if self._pushed:
            line = self._pushed.pop()
            if self._eof and self._at_eof(line):
                self._pushed.append(line)
                return ""
            return line
        if self._pos >= len(self._lines):
            return ""
        line = self._lines[self._pos]
        if self._eof and self._at_eof(line):
            return ""
        self._pos += 1
        return line

    def _unreadline(self, line: str) -> None:
        if not self._pushed and self._pos and self._lines[self._pos - 1] == line:
            self._pos -= 1
        else:
            self._pushed.append(line)

    def _scan(self, separator: str | None = None) -> int:
        """Index of the next line that is an EOF or (given) a `separator` boundary."""
        lines, start = self._lines, self._pos
        if not self._eof and separator is None:
            return len(lines)
        if None in self._eof:
            for index in range(start, len(lines)):
                line = lines[index]
                if self._at_eof(line) or (separator and _boundary(line, separator)):
                    return index
            return len(lines)
        if self._dashes is None:
            dashed = map(str.startswith, lines, itertools.repeat("--"))
            self._dashes = list(itertools.compress(itertools.count(), dashed))
        dashes = self._dashes
        for k in range(bisect.bisect_left(dashes, start), len(dashes)):
            line = lines[dashes[k]]
            if self._at_eof(line) or (separator and _boundary(line, separator)):
                return dashes[k]
        return len(lines)

    def _read_rest(self) -> list[str]:
        """Every line up to the (false) EOF: `for line in BufferedSubFile`."""
        out: list[str] = []
        while self._pushed:
            line = self._readline()
            if line == "":
                return out
            out.append(line)
        end = self._scan()
        out.extend(self._lines[self._pos : end])
        self._pos = end
        return out

    # --- FeedParser ---

    def _new_message(self) -> Message:
        msg = Message(policy=_COMPAT32)
        if self._cur and self._cur.get_content_type() == "multipart/digest":
            msg.set_default_type("message/rfc822")
        if self._stack:
            self._stack[-1].attach(msg)
        self._stack.append(msg)
        self._cur = msg
        self._last = msg
        return msg

    def _pop_message(self) -> Message:
        msg = self._stack.pop()
        self._cur = self._stack[-1] if self._stack else None
        return msg

    def _parsegen(self) -> None:
        self._depth += 1
        if self._depth > _MAX_TREE_DEPTH:
            raise _Unsupported("nested too deeply")
        msg = self._new_message()
        headers: list[str] = []
        while True:
            line = self._readline()
            if line == "":
                break
            if not _HEADER_LINE.match(line):
                if not _LINE_BREAK.match(line):
                    msg.defects.append(errors.MissingHeaderBodySeparatorDefect())
                    self._unreadline(line)
                break
            headers.append(line)
        self._parse_headers(msg, headers)
        ctype = msg.get_content_type()
        if ctype == "message/delivery-status":
            self._delivery_status()
        elif ctype.partition("/")[0] == "message":
            self._parsegen()
            self._pop_message()
        elif ctype.partition("/")[0] == "multipart":
            self._multipart(msg)
        else:
            msg.set_payload("".join(self._read_rest()))
        self._depth -= 1

    def _delivery_status(self) -> None:
        while True:
            self._eof.append(None)
            self._parsegen()
            self._pop_message()
            self._eof.pop()
            self._readline()
            line = self._readline()
            if line == "":
                break
            self._unreadline(line)

    def _opens(self, separator: str) -> bool:
        """Whether the loop of `_multipart` would meet a first boundary `separator` (and not a
        close boundary or the end of the part before it)."""
        for line in reversed(self._pushed):
            if line == "" or (self._eof and self._at_eof(line)):
                return False
            match = _boundary(line, separator)
            if match is not None:
                return not match[0]
        end = self._scan(separator)
        if end >= len(self._lines) or self._at_eof(self._lines[end]):
            return False
        match = _boundary(self._lines[end], separator)
        return match is not None and not match[0]

    def _multipart(self, msg: Message) -> None:
        boundary = msg.get_boundary()
        if boundary is None or not self._opens("--" + boundary):
            # compat32 and the modern header parser read a malformed parameter differently:
            # compat32 keeps `boundary=----=_Part_1` whole, the modern parser drops a comment
            # after it. Where compat32's reading finds no part, the modern one decides.
            boundary = _modern_boundary(msg, boundary)
        if boundary is None:
            msg.defects.append(errors.NoBoundaryInMultipartDefect())
            msg.set_payload("".join(self._read_rest()))
            return
        if str(msg.get("content-transfer-encoding", "8bit")).lower() not in (
            "7bit",
            "8bit",
            "binary",
        ):
            msg.defects.append(errors.InvalidMultipartContentTransferEncodingDefect())
        separator = "--" + boundary
        capturing_preamble = True
        preamble: list[str] = []
        linesep = ""
        close_boundary_seen = False
        while True:
            if capturing_preamble and not self._pushed:
                end = self._scan(separator)
                preamble.extend(self._lines[self._pos : end])
                self._pos = end
            line = self._readline()
            if line == "":
                break
            match = _boundary(line, separator)
            if match is None:
                if not capturing_preamble:
                    raise _Unsupported("feedparser asserts here")
                preamble.append(line)
                continue
            if match[0]:
                close_boundary_seen = True
                linesep = match[1]
                break
            if capturing_preamble:
                if preamble:
                    cut = _eol_length(preamble[-1])
                    if cut:
                        preamble[-1] = preamble[-1][:-cut]
                    msg.preamble = "".join(preamble)
                capturing_preamble = False
                self._unreadline(line)
                continue
            while True:  # repeated boundary lines make no parts
                line = self._readline()
                if _boundary(line, separator) is None:
                    self._unreadline(line)
                    break
            self._eof.append(separator)
            self._parsegen()
            last = cast(Message, self._last)
            if last.get_content_maintype() == "multipart":
                epilogue = last.epilogue
                if epilogue == "":
                    last.epilogue = None
                elif epilogue is not None:
                    cut = _eol_length(epilogue)
                    if cut:
                        last.epilogue = epilogue[:-cut]
            elif isinstance(last._payload, str):  # type: ignore[attr-defined]
                cut = _eol_length(last._payload)  # type: ignore[attr-defined]
                if cut:
                    last._payload = last._payload[:-cut]  # type: ignore[attr-defined]
            self._eof.pop()
            self._pop_message()
            self._last = self._cur
        if capturing_preamble:
            msg.defects.append(errors.StartBoundaryNotFoundDefect())
            msg.set_payload("".join(preamble))
            self._read_rest()
            msg.epilogue = ""
            return
        if not close_boundary_seen:
            msg.defects.append(errors.CloseBoundaryNotFoundDefect())
            return
        epilogue_lines = [""] if linesep else []
        epilogue_lines.extend(self._read_rest())
        if epilogue_lines:
            first = epilogue_lines[0]
            match_break = _LINE_BREAK.match(first)
            if match_break:
                epilogue_lines[0] = first[match_break.end() :]
        msg.epilogue = "".join(epilogue_lines)

    def _parse_headers(self, msg: Message, lines: list[str]) -> None:
        lastheader = ""
        lastvalue: list[str] = []
        for lineno, line in enumerate(lines):
            if line[0] in " \t":
                if not lastheader:
                    msg.defects.append(errors.FirstHeaderLineIsContinuationDefect(line))
                    continue
                lastvalue.append(line)
                continue
            if lastheader:
                msg.set_raw(*_COMPAT32.header_source_parse(lastvalue))
                lastheader, lastvalue = "", []
            if line.startswith("From "):
                if lineno == 0:
                    cut = _eol_length(line)
                    msg.set_unixfrom(line[:-cut] if cut else line)
                    continue
                if lineno == len(lines) - 1:
                    self._unreadline(line)
                    return
                msg.defects.append(errors.MisplacedEnvelopeHeaderDefect(line))
                continue
            colon = line.find(":")
            if colon == 0:
                msg.defects.append(errors.InvalidHeaderDefect("Missing header name."))
                continue
            if colon < 0:
                raise _Unsupported("feedparser asserts here")
            lastheader = line[:colon]
            lastvalue = [line]
        if lastheader:
            msg.set_raw(*_COMPAT32.header_source_parse(lastvalue))
