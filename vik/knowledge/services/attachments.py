"""Attachments: forms to download, "Formuláře ke stažení".

The type is decided by the file name's extension and confirmed by the file's first bytes, never
by what the browser says; downloads are always attachments (`views`), so that not even an image
is shown inline in our origin.
"""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext as _

from vik.core import clock
from vik.core.errors import ValidationFailed

from .. import events
from ..models import Article, ArticleAttachment
from .guards import article_locked, recorded_author, require_author

if TYPE_CHECKING:
    from vik.tenancy.types import StaffUser

_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # the old Office formats (.doc, .xls)
_ZIP = b"PK\x03\x04"  # the Office Open XML and OpenDocument formats
ATTACHMENT_TYPES: dict[str, tuple[str, tuple[bytes, ...]]] = {
    "pdf": ("application/pdf", (b"%PDF-",)),
    "doc": ("application/msword", (_OLE,)),
    "docx": (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        (_ZIP,),
    ),
    "odt": ("application/vnd.oasis.opendocument.text", (_ZIP,)),
    "xls": ("application/vnd.ms-excel", (_OLE,)),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", (_ZIP,)),
    "ods": ("application/vnd.oasis.opendocument.spreadsheet", (_ZIP,)),
    "png": ("image/png", (b"\x89PNG\r\n\x1a\n",)),
    "jpg": ("image/jpeg", (b"\xff\xd8\xff",)),
    "jpeg": ("image/jpeg", (b"\xff\xd8\xff",)),
    "gif": ("image/gif", (b"GIF87a", b"GIF89a")),
    "webp": ("image/webp", (b"RIFF",)),
}


def _safe_filename(name: str) -> str:
    """The last part of what the browser sent, without control characters, at most 255."""
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if ch.isprintable()).strip().strip(".")
    if len(name) > 255:
        stem, dot, extension = name.rpartition(".")
        name = f"{stem[: 254 - len(extension)]}{dot}{extension}" if dot else name[:255]
    return name


def _attachment_type(filename: str, head: bytes) -> str:
    extension = filename.rpartition(".")[2].lower() if "." in filename else ""
    if extension not in ATTACHMENT_TYPES:
        raise ValidationFailed(
            _("Only PDF, Word, Excel, OpenDocument files and images can be attached.")
        )
    content_type, signatures = ATTACHMENT_TYPES[extension]
    if not any(head.startswith(signature) for signature in signatures):
        raise ValidationFailed(
            _("The file is not what its name says (%(extension)s).") % {"extension": extension}
        )
    return content_type


@transaction.atomic
def attachment_add(
    *, article: Article, by: StaffUser | None, upload: Any, title: str = ""
) -> ArticleAttachment:
    """Attach a file (a Django UploadedFile) to the article. Readers of the live article can
    download it at once: attachments are not versioned and go through no review."""
    article = article_locked(article)
    require_author(by, article.region_id, article.centre_id)
    filename = _safe_filename(getattr(upload, "name", "") or "")
    if not filename:
        raise ValidationFailed(_("The file has no name."))
    limit = settings.VIK_KNOWLEDGE_ATTACHMENT_MAX_BYTES
    too_large = ValidationFailed(
        _("The file is larger than %(megabytes)s MB.") % {"megabytes": f"{limit / 1024 / 1024:g}"}
    )
    if (upload.size or 0) > limit:
        raise too_large
    digest = hashlib.sha256()
    content = bytearray()
    for chunk in upload.chunks():  # what arrived, whatever the upload says its size is
        content += chunk
        if len(content) > limit:
            raise too_large
        digest.update(chunk)
    if not content:
        raise ValidationFailed(_("The file is empty."))
    size, head = len(content), bytes(content[:16])
    content_type = _attachment_type(filename, head)
    attachment = ArticleAttachment(
        article=article,
        filename=filename,
        content_type=content_type,
        size=size,
        sha256=digest.hexdigest(),
        title=" ".join(title.split())[:300],
        uploaded_by=recorded_author(by),
        uploaded_at=clock.now(),
    )
    attachment.file.save(filename, ContentFile(bytes(content)), save=False)
    try:
        attachment.save()
        events.attachment_added(article=article, attachment=attachment, by=by)
    except BaseException:
        attachment.file.storage.delete(attachment.file.name)  # no file without its row
        raise
    return attachment


@transaction.atomic
def attachment_delete(*, attachment: ArticleAttachment, by: StaffUser | None) -> None:
    """Remove an attachment; its file goes after the commit."""
    article = article_locked(attachment.article)
    require_author(by, article.region_id, article.centre_id)
    storage, name = attachment.file.storage, attachment.file.name
    events.attachment_deleted(article=article, attachment=attachment, by=by)
    attachment.delete()
    transaction.on_commit(lambda: storage.delete(name))
