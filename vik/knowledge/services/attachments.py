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
from vik.core.errors import InvalidTransition, ValidationFailed

from .. import events
from ..choices import ArticleState, Language
from ..models import Article, ArticleAttachment, ArticleVersion
from .articles import attachment_remove, new_version, pending_drafts
from .guards import article_locked, recorded_author, require_files_author

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


def files_draft(article: Article, *, by: StaffUser | None, what: str) -> ArticleVersion | None:
    """The draft a change of a live article's files belongs to: the pending draft, joined, or
    a new version with the published text (only the files change), so that the article waits
    for a reviewer as after an edit of its text. None for an article readers do not see: its
    files wait for its first publication anyway.

    Precondition: inside a transaction that holds the article's row lock."""
    if not article.is_live:
        return None
    drafts = pending_drafts(article)
    draft = drafts.get(Language.CZECH) or next(iter(drafts.values()), None)
    if draft is None:
        published = article.published_version
        assert published is not None  # is_live
        draft = new_version(
            article, content=published.content(), language=Language.CZECH, by=by, note=what
        )
    if article.state == ArticleState.PUBLISHED:
        article.state = ArticleState.DRAFT
        article.save(update_fields=["state", "updated_at"])
    return draft


@transaction.atomic
def attachment_add(
    *, article: Article, by: StaffUser | None, upload: Any, title: str = ""
) -> ArticleAttachment:
    """Attach a file (a Django UploadedFile) to the article's draft. Readers get it when a
    reviewer publishes the article (`attachments_publish`), not before."""
    article = article_locked(article)
    require_files_author(by, article)
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
        draft = files_draft(article, by=by, what=_("File added: %(name)s") % {"name": filename})
        events.attachment_added(article=article, attachment=attachment, by=by, draft=draft)
    except BaseException:
        attachment.file.storage.delete(attachment.file.name)  # no file without its row
        raise
    return attachment


@transaction.atomic
def attachment_delete(*, attachment: ArticleAttachment, by: StaffUser | None) -> None:
    """Remove an attachment in the article's draft. A file readers never got goes at once; a
    public one stays public until a reviewer publishes the draft."""
    article = article_locked(attachment.article)
    require_files_author(by, article)
    attachment.refresh_from_db()
    if attachment.remove_on_publish:
        raise InvalidTransition(_("The file is removed in the draft already."))
    if not attachment.is_public or not article.is_live:
        events.attachment_deleted(article=article, attachment=attachment, by=by, draft=None)
        attachment_remove(attachment)
        return
    draft = files_draft(
        article, by=by, what=_("File removed: %(name)s") % {"name": attachment.filename}
    )
    attachment.remove_on_publish = True
    attachment.save(update_fields=["remove_on_publish"])
    events.attachment_deleted(article=article, attachment=attachment, by=by, draft=draft)
