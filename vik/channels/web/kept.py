"""The files of a form that failed for another reason, kept so that the citizen does not have
to pick them again.

The portal has no session: the files are stored under `web-kept/` in the default storage and
the page carries a signed token that lists them (id, name, type, size). Only a token VIK signed
can name a stored file, and only for VIK_WEB_FORM_KEPT_FILES_HOURS; `kept_files_prune` (a
periodic job) deletes what is older.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile, UploadedFile

from vik.core import clock

log = logging.getLogger(__name__)

FOLDER = "web-kept"
SALT = "vik.channels.web.kept-files"
_ID = re.compile(r"^[0-9a-f]{32}$")


@dataclass(frozen=True)
class KeptFile:
    id: str
    name: str
    content_type: str
    size: int

    @property
    def path(self) -> str:
        return f"{FOLDER}/{self.id}"


class KeptFileGone(LookupError):
    """A kept file is no longer stored (the token outlived it, or it was pruned)."""

    def __init__(self, kept: KeptFile) -> None:
        super().__init__(kept.name)
        self.kept = kept


def kept_files_store(uploads: list[UploadedFile]) -> list[KeptFile]:
    """Store uploads that passed every check, for the next submission of the same form."""
    kept = []
    for upload in uploads:
        upload.seek(0)
        item = KeptFile(
            id=uuid.uuid4().hex,
            name=upload.name or "příloha",
            content_type=upload.content_type or "application/octet-stream",
            size=upload.size or 0,
        )
        default_storage.save(item.path, ContentFile(upload.read()))
        upload.seek(0)
        kept.append(item)
    return kept


def kept_files_token(kept: list[KeptFile]) -> str:
    if not kept:
        return ""
    return signing.dumps(
        [[k.id, k.name, k.content_type, k.size] for k in kept], salt=SALT, compress=True
    )


def kept_files_read(token: str) -> list[KeptFile]:
    """The files a token names; [] for no token, a forged one or one too old."""
    if not token:
        return []
    try:
        rows = signing.loads(token, salt=SALT, max_age=_lifetime())
    except signing.BadSignature:
        return []
    return [
        KeptFile(id=str(row[0]), name=str(row[1]), content_type=str(row[2]), size=int(row[3]))
        for row in rows
        if _ID.match(str(row[0]))
    ]


def kept_file_upload(kept: KeptFile) -> UploadedFile:
    """A kept file as an upload again; raises KeptFileGone if it is no longer stored."""
    try:
        with default_storage.open(kept.path, "rb") as handle:
            content = handle.read()
    except FileNotFoundError as error:
        raise KeptFileGone(kept) from error
    return SimpleUploadedFile(kept.name, content, kept.content_type)


def kept_files_prune() -> int:
    """Delete kept files older than their tokens live (a periodic job). Returns how many."""
    if not default_storage.exists(FOLDER):
        return 0
    before = clock.now() - _lifetime()
    removed = 0
    for name in default_storage.listdir(FOLDER)[1]:
        path = f"{FOLDER}/{name}"
        if default_storage.get_modified_time(path) < before:
            default_storage.delete(path)
            removed += 1
    if removed:
        log.info("kept web-form files: %s deleted", removed)
    return removed


def _lifetime() -> dt.timedelta:
    return dt.timedelta(hours=settings.VIK_WEB_FORM_KEPT_FILES_HOURS)
