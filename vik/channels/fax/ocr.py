"""The text of a fax document (PDF or TIFF), read with Tesseract OCR in Czech.

A fax is a picture of paper: the office can only read and search it once its pages are turned
into text. PDF pages are rendered by Poppler's `pdftoppm` (one page at a time, grey), TIFF pages
are read with Pillow; each page goes through `tesseract -l ces`.

Resolution: a page is read at the resolution it was scanned at (a fax: 204 dpi), kept within
150–300 dpi; a PDF page without a scanned image at 300 dpi. Scaling a 1-bit fax up to 300 dpi
reads worse, not better (measured on fax-like pages: 0.92–0.95 of the words at 300 dpi against
0.98–0.99 at 204 dpi for "normal" resolution, and it takes longer). Fax "normal" resolution is
204 × 98 dpi: read as it is, every letter is half as tall as it should be, so pages are
stretched to square pixels first (for a PDF, Poppler does it from the page size).

OCR never loses a fax: `document_text` does not raise. What it could not read is said in the
text itself (in the interaction's language), and the caller keeps the document as an
attachment. It is bounded: at most `max_pages` pages, `seconds` in all, `page_seconds` per
page; PDF pages are rendered with at most MAX_PAGE_PIXELS, and larger TIFF pages are not read.
"""

from __future__ import annotations

import io
import logging
import math
import os
import re
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _

log = logging.getLogger(__name__)

LANGUAGE = "ces"
DPI = 300  # for a page that has no scanned image (a PDF made from text)
MIN_DPI, MAX_DPI = 150, 300  # the scan's own resolution is kept within these
MAX_PAGES = 50
SECONDS = 90.0  # for the whole document: processing runs under a lease of 120 s
PAGE_SECONDS = 60.0
MAX_PAGE_PIXELS = 40_000_000  # an A3 page at 300 dpi has 17.4 M; A4 8.7 M
TOOL_SECONDS = 30.0  # pdfinfo, pdfimages

PDF, TIFF = "pdf", "tiff"
PDF_TYPES = frozenset({"application/pdf", "application/x-pdf", "application/acrobat"})
TIFF_TYPES = frozenset({"image/tiff", "image/tif", "image/x-tiff", "image/x-tif"})
GENERIC_TYPES = frozenset(
    {"", "application/octet-stream", "application/binary", "application/x-download", "binary"}
)


@dataclass(frozen=True)
class OcrResult:
    """The recognised text (pages separated by a marker line) and what happened on the way."""

    text: str
    pages: int  # pages of the document, as far as they could be counted (0: unreadable)
    recognised: int = 0  # pages whose text was read
    notes: tuple[str, ...] = ()  # what could not be read, and why (also in `text`)
    seconds: float = 0.0
    page_seconds: tuple[float, ...] = field(default=(), repr=False)


def document_kind(content_type: str, filename: str = "", content: bytes = b"") -> str | None:
    """'pdf', 'tiff' or None: by the declared type, and for a generic type (or none) by the
    file name's extension and the content's first bytes."""
    declared = content_type.split(";", 1)[0].strip().lower()
    if declared in PDF_TYPES:
        return PDF
    if declared in TIFF_TYPES:
        return TIFF
    if declared not in GENERIC_TYPES:
        return None
    name = filename.lower().rstrip()
    if name.endswith(".pdf") or content.startswith(b"%PDF-"):
        return PDF
    if name.endswith((".tif", ".tiff")) or content[:4] in (b"II*\x00", b"MM\x00*"):
        return TIFF
    return None


def document_text(
    content: bytes,
    content_type: str,
    *,
    max_pages: int = MAX_PAGES,
    seconds: float = SECONDS,
    page_seconds: float = PAGE_SECONDS,
) -> OcrResult:
    """The text of a PDF or TIFF fax document. Never raises: see the module's docstring."""
    started = time.monotonic()
    kind = document_kind(content_type, content=content)
    reader = _pdf_pages if kind == PDF else _tiff_pages if kind == TIFF else None
    if reader is None:
        note = _("The text could not be recognised: %(reason)s") % {
            "reason": _("%(type)s is neither PDF nor TIFF") % {"type": content_type or "?"}
        }
        return OcrResult(text=note, pages=0, notes=(note,))
    deadline = started + max(seconds, 1.0)
    _limit_openmp_threads()
    state = _Pages(
        deadline=deadline, page_seconds=max(page_seconds, 5.0), max_pages=max(max_pages, 1)
    )
    try:
        with tempfile.TemporaryDirectory(prefix="vik-fax-ocr-") as tmp:
            reader(content, Path(tmp), state)
    except _Unreadable as error:
        state.fail_document(str(error))
    except Exception as error:  # OCR must never lose the fax: say what went wrong instead
        log.exception("OCR of a %s document failed", kind)
        state.fail_document(f"{type(error).__name__}: {error}")
    return state.result(time.monotonic() - started)


# --- the pages ------------------------------------------------------------------------------


class _Unreadable(Exception):
    """The document as a whole cannot be read (a broken PDF, no Tesseract)."""


@dataclass
class _Pages:
    """The pages read so far, the notes on what could not be read, and the time left."""

    deadline: float
    page_seconds: float
    max_pages: int
    total: int = 0
    texts: list[tuple[int, str]] = field(default_factory=list)  # (page number, text or note)
    notes: list[str] = field(default_factory=list)  # about the document (shown first)
    page_notes: list[str] = field(default_factory=list)  # about one page (shown on the page)
    recognised: int = 0
    durations: list[float] = field(default_factory=list)

    def budget(self) -> float:
        """Seconds the next page may take; <= 0 when the document's time is up."""
        return min(self.page_seconds, self.deadline - time.monotonic())

    def pages_to_read(self, total: int) -> int:
        self.total = total
        if total > self.max_pages:
            self.notes.append(
                _(
                    "Only the first %(limit)d of %(total)d pages were read; the rest are in the "
                    "attached document."
                )
                % {"limit": self.max_pages, "total": total}
            )
        return min(total, self.max_pages)

    def out_of_time(self, number: int) -> bool:
        if self.budget() > 1.0:
            return False
        last = min(self.total, self.max_pages)
        if last > number:
            note = _(
                "Pages %(first)d to %(last)d were not read: the time for reading a fax is up. "
                "They are in the attached document."
            ) % {"first": number, "last": last}
        else:
            note = _(
                "Page %(number)d was not read: the time for reading a fax is up. It is in the "
                "attached document."
            ) % {"number": number}
        self.notes.append(note)
        return True

    def read(self, number: int, image: Any, dpi: int) -> None:
        """OCR one page (a Pillow image or a file name); a failure is noted on the page."""
        started = time.monotonic()
        try:
            text = _tesseract(image, dpi, self.budget())
        except _Unreadable:
            raise
        except Exception as error:
            self.page_failed(number, _tesseract_error(error))
            return
        finally:
            self.durations.append(time.monotonic() - started)
        self.texts.append((number, normalise_whitespace(text)))
        self.recognised += 1

    def page_failed(self, number: int, reason: str) -> None:
        note = _("Page %(number)d: the text could not be recognised: %(reason)s") % {
            "number": number,
            "reason": reason,
        }
        self.page_notes.append(note)
        self.texts.append((number, f"[{note}]"))

    def fail_document(self, reason: str) -> None:
        self.notes.append(_("The text could not be recognised: %(reason)s") % {"reason": reason})

    def result(self, elapsed: float) -> OcrResult:
        if self.total <= 1:  # one page needs no page markers
            pages = [text for _number, text in self.texts if text]
        else:
            pages = [_page_block(number, text) for number, text in self.texts]
        return OcrResult(
            text="\n\n".join([*self.notes, *pages]).strip(),
            pages=self.total,
            recognised=self.recognised,
            notes=(*self.notes, *self.page_notes),
            seconds=round(elapsed, 3),
            page_seconds=tuple(round(d, 3) for d in self.durations),
        )


def _page_block(number: int, text: str) -> str:
    marker = "--- " + _("Page %(number)d") % {"number": number} + " ---"
    return f"{marker}\n{text}" if text else marker


# --- PDF: pdfinfo and pdftoppm --------------------------------------------------------------

_PAGES = re.compile(r"^Pages:\s+(\d+)\s*$", re.MULTILINE)
_PAGE_SIZE = re.compile(r"^Page\s+(\d+)\s+size:\s+([\d.]+)\s+x\s+([\d.]+)\s+pts", re.MULTILINE)


def _pdf_pages(content: bytes, tmp: Path, state: _Pages) -> None:
    source = tmp / "fax.pdf"
    source.write_bytes(content)
    info = _run(["pdfinfo", str(source)], TOOL_SECONDS)
    found = _PAGES.search(info)
    if not found or int(found.group(1)) < 1:
        raise _Unreadable(_("the PDF has no pages"))
    count = state.pages_to_read(int(found.group(1)))
    sizes = {
        int(m.group(1)): (float(m.group(2)), float(m.group(3)))
        for m in _PAGE_SIZE.finditer(
            _run(["pdfinfo", "-f", "1", "-l", str(count), str(source)], TOOL_SECONDS)
        )
    }
    scanned = _scan_resolutions(source, count)
    for number in range(1, count + 1):
        if state.out_of_time(number):
            return
        width, height = sizes.get(number, (595.0, 842.0))  # A4 when pdfinfo did not say
        dpi = _dpi_for(width / 72, height / 72, scanned.get(number, DPI))
        # One page per call with -singlefile: the output name is known (no -1/-01 guessing),
        # one page at a time is on disk, and the time budget is checked between pages.
        prefix = tmp / f"page-{number}"
        budget = state.budget()
        try:
            _run(
                ["pdftoppm", "-r", str(dpi), "-gray", "-png", "-f", str(number), "-l", str(number),
                 "-singlefile", str(source), str(prefix)],
                budget,
            )  # fmt: skip
        except _Unreadable as error:
            if number == 1:
                raise
            state.page_failed(number, str(error))
            continue
        image = prefix.with_suffix(".png")
        state.read(number, str(image), dpi)
        image.unlink(missing_ok=True)


def _dpi_for(width_inches: float, height_inches: float, scanned: int) -> int:
    """The scan's resolution within MIN_DPI–MAX_DPI, less for a page so large that it would
    exceed MAX_PAGE_PIXELS."""
    area = max(width_inches * height_inches, 0.01)
    wanted = max(MIN_DPI, min(MAX_DPI, scanned))
    return max(30, min(wanted, int(math.sqrt(MAX_PAGE_PIXELS / area))))


def _scan_resolutions(source: Path, count: int) -> dict[int, int]:
    """Page → the highest resolution (pixels per inch) of the images on it, by `pdfimages
    -list`; {} when it cannot tell (the pages are then read at DPI)."""
    try:
        listing = _run(
            ["pdfimages", "-list", "-f", "1", "-l", str(count), str(source)], TOOL_SECONDS
        )
    except _Unreadable:
        return {}
    found: dict[int, int] = {}
    for line in listing.splitlines()[2:]:
        columns = line.split()
        try:  # page num type width height color comp bpc enc interp object ID x-ppi y-ppi …
            page, x_ppi, y_ppi = int(columns[0]), int(columns[12]), int(columns[13])
        except (IndexError, ValueError):
            continue
        found[page] = max(found.get(page, 0), x_ppi, y_ppi)
    return found


def _run(command: list[str], timeout: float) -> str:
    """Run a Poppler tool; its output, or _Unreadable with the reason."""
    try:
        done = subprocess.run(command, capture_output=True, timeout=max(timeout, 1.0), check=False)
    except FileNotFoundError as error:
        raise _Unreadable(
            _("%(tool)s is not installed (Debian package poppler-utils)") % {"tool": command[0]}
        ) from error
    except subprocess.TimeoutExpired as error:
        raise _Unreadable(
            _("%(tool)s did not finish within %(seconds)d s")
            % {"tool": command[0], "seconds": round(timeout)}
        ) from error
    if done.returncode != 0:
        detail = _first_line(done.stderr.decode("utf-8", "replace")) or f"exit {done.returncode}"
        raise _Unreadable(_("the PDF cannot be read (%(detail)s)") % {"detail": detail})
    return done.stdout.decode("utf-8", "replace")


# --- TIFF: Pillow ---------------------------------------------------------------------------


def _tiff_pages(content: bytes, tmp: Path, state: _Pages) -> None:
    from PIL import Image, UnidentifiedImageError  # local import: only TIFF faxes need Pillow

    try:  # reads the header only; each page's size is checked before it is decoded
        document = Image.open(io.BytesIO(content), formats=["TIFF"])
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError) as error:
        detail = _OBJECT_REPR.sub("", str(error)) or type(error).__name__
        raise _Unreadable(_("the TIFF cannot be read (%(detail)s)") % {"detail": detail}) from error
    with document:
        count = state.pages_to_read(max(int(getattr(document, "n_frames", 1)), 1))
        for number, page in zip(range(1, count + 1), _frames(document), strict=False):
            if state.out_of_time(number):
                return
            try:
                image, dpi = _square_page(page)
            except Exception as error:
                state.page_failed(number, _("the page cannot be read (%(detail)s)") % {
                    "detail": error
                })  # fmt: skip
                continue
            state.read(number, image, dpi)


def _frames(document: Any) -> Iterator[Any]:
    """The pages of a TIFF; a page that cannot be reached ends the document."""
    number = 0
    while True:
        try:
            document.seek(number)
        except (EOFError, OSError, ValueError):
            return
        yield document
        number += 1


def _square_page(page: Any) -> tuple[Any, int]:
    """A grey page with square pixels at its higher resolution (204 × 98 dpi → 204 × 204),
    within MIN_DPI–MAX_DPI and MAX_PAGE_PIXELS; and that resolution."""
    from PIL import Image  # local import: only TIFF faxes need Pillow

    width, height = page.size
    if width * height > MAX_PAGE_PIXELS:
        raise ValueError(f"{width} × {height} pixels is too large for a fax page")
    x_dpi, y_dpi = _resolution(page)
    image = page.convert("L")
    target = max(MIN_DPI, min(MAX_DPI, max(x_dpi, y_dpi)))
    scale_x, scale_y = target / x_dpi, target / y_dpi
    target_w, target_h = max(int(width * scale_x), 1), max(int(height * scale_y), 1)
    shrink = math.sqrt(MAX_PAGE_PIXELS / (target_w * target_h))
    if shrink < 1:
        target_w, target_h = max(int(target_w * shrink), 1), max(int(target_h * shrink), 1)
    if (target_w, target_h) != (width, height):
        image = image.resize((target_w, target_h), Image.Resampling.BICUBIC)
    return image, round(target_w / (width / x_dpi))


def _resolution(page: Any) -> tuple[float, float]:
    """The page's (x, y) dots per inch; fax fine resolution (204 × 196) when it does not say."""
    dpi = page.info.get("dpi")
    try:
        x_dpi, y_dpi = (float(dpi[0]), float(dpi[1])) if dpi else (0.0, 0.0)
    except (TypeError, ValueError, IndexError):
        x_dpi = y_dpi = 0.0
    if not (50 <= x_dpi <= 1200 and 50 <= y_dpi <= 1200):
        return 204.0, 196.0
    return x_dpi, y_dpi


# --- Tesseract ------------------------------------------------------------------------------


def _limit_openmp_threads() -> None:
    """Tesseract uses OpenMP; on a busy small server its threads fight each other and with the
    workers. One thread per page unless the administrator set OMP_THREAD_LIMIT. (pytesseract
    passes the process environment to tesseract.)"""
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")


def _tesseract(image: Any, dpi: int, timeout: float) -> str:
    import pytesseract  # local import: OCR engine, loaded only when a fax arrives

    if timeout <= 1.0:
        raise TimeoutError(_("no time left"))
    try:
        text = pytesseract.image_to_string(
            image, lang=LANGUAGE, config=f"--psm 3 --dpi {dpi}", timeout=timeout
        )
    except pytesseract.TesseractNotFoundError as error:
        raise _Unreadable(
            _("Tesseract is not installed (Debian packages tesseract-ocr and tesseract-ocr-ces)")
        ) from error
    except pytesseract.TesseractError as error:
        if "Failed loading language" in str(error) or "ces.traineddata" in str(error):
            raise _Unreadable(
                _("Tesseract has no Czech language data (Debian package tesseract-ocr-ces)")
            ) from error
        raise
    return str(text)


def _tesseract_error(error: Exception) -> str:
    message = str(error)
    if isinstance(error, RuntimeError) and "timeout" in message.lower():
        return _("Tesseract did not finish in time")
    if isinstance(error, TimeoutError):
        return _("the time for reading a fax is up")
    return _first_line(message) or type(error).__name__


# --- text -----------------------------------------------------------------------------------

_OBJECT_REPR = re.compile(r"\s*<[^<>]* object at 0x[0-9a-f]+>")
_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200a\u202f\u3000]+")
_BLANK_LINES = re.compile(r"\n{3,}")


def normalise_whitespace(text: str) -> str:
    """Single spaces within lines, at most one blank line between paragraphs, no form feeds
    (Tesseract ends each page with one and adds blank lines of its own)."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\x0c", "\n")
    lines = [_SPACES.sub(" ", line).strip() for line in text.split("\n")]
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()


def _first_line(text: str) -> str:
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    return lines[0][:300] if lines else ""
