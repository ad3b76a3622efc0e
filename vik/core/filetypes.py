"""Which files a citizen may send, in one place: the web form refuses the others, and the
request page flags them when they came another way (e-mail, fax) and were kept; the chat takes
files by the same checks (`uploads_check`)."""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from pathlib import PurePath

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

# Documents and pictures. An allow list: a type nobody thought of (.scr, .hta, .lnk, .iso) is
# refused, or flagged, without anyone having to know it is dangerous.
ALLOWED_EXTENSIONS = frozenset({
    "pdf", "jpg", "jpeg", "png", "gif", "tif", "tiff", "heic", "webp", "txt", "rtf", "csv",
    "doc", "docx", "odt", "xls", "xlsx", "ods", "ppt", "pptx", "odp", "zfo", "xml", "isdoc",
})  # fmt: skip
# Windows, Linux and macOS executables and scripts, whatever their name says.
EXECUTABLE_MAGIC = (b"MZ", b"\x7fELF", b"#!", b"\xca\xfe\xba\xbe", b"\xcf\xfa\xed\xfe")
HEAD_BYTES = 4  # enough for every signature above
# Shown to citizens as what they may attach (the two data-box formats would only puzzle them).
ALLOWED_SHOWN = ", ".join(sorted(ALLOWED_EXTENSIONS - {"isdoc", "zfo"}))
NAME_MAX_CHARS = 120
# Most file systems allow 255 bytes per name: four-byte characters (emoji) must not pass it.
NAME_MAX_BYTES = 240


def extension(name: str) -> str:
    return PurePath(name).suffix.lower().lstrip(".")


def is_refused_type(name: str, head: bytes) -> bool:
    """True for a file the web form refuses: not a document or picture by its name, or an
    executable by its first bytes (`head`, at least HEAD_BYTES of them)."""
    return extension(name) not in ALLOWED_EXTENSIONS or head.startswith(EXECUTABLE_MAGIC)


def shortened_name(name: str, limit: int = NAME_MAX_CHARS) -> str:
    """`name` without directories and control characters, at most `limit` characters with its
    extension kept: "žádost … .pdf" rather than a refusal of a name a phone made up."""
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C")
    name = unicodedata.normalize("NFC", " ".join(name.split()).strip(" ."))
    if len(name) <= limit and len(name.encode()) <= NAME_MAX_BYTES:
        return name
    suffix = PurePath(name).suffix
    if len(suffix) > 16:  # not an extension, just a dot in a long name
        suffix = ""
    stem = name[: len(name) - len(suffix)][: limit - len(suffix) - 1]
    while len((stem + "…" + suffix).encode()) > NAME_MAX_BYTES:
        stem = stem[:-1]
    return stem.rstrip(" .") + "…" + suffix


def too_big(name: str, size: int) -> str:
    return _("The file “%(name)s” has %(size)s; the limit is %(limit)s per file.") % {
        "name": name,
        "size": filesizeformat(size),
        "limit": filesizeformat(settings.VIK_ATTACHMENT_MAX_BYTES),
    }


def refused_type(name: str) -> str:
    return _("The file “%(name)s” is not allowed. Attach documents or pictures (%(types)s).") % {
        "name": name,
        "types": ALLOWED_SHOWN,
    }


def uploads_check(uploads: Sequence[UploadedFile]) -> tuple[list[UploadedFile], list[str]]:
    """(the uploads that pass, a message for each one that does not), by size and type."""
    accepted: list[UploadedFile] = []
    problems: list[str] = []
    for upload in uploads:
        upload.name = shortened_name(upload.name or "") or _("attachment")
        if upload.size and upload.size > settings.VIK_ATTACHMENT_MAX_BYTES:
            problems.append(too_big(upload.name, upload.size))
            continue
        head = upload.read(HEAD_BYTES)
        upload.seek(0)
        if is_refused_type(upload.name, head):
            problems.append(refused_type(upload.name))
            continue
        accepted.append(upload)
    return accepted, problems
