"""Reading the public form's body so that no input of the citizen's makes it fail.

Django refuses a body whose text fields pass DATA_UPLOAD_MAX_MEMORY_SIZE, or that has too
many fields or files, with a bare "400 Bad Request", and everything the citizen typed is lost.
The portal's forms read their multipart body here instead: text fields are cut to a size no
honest form reaches, a file over the per-file limit is read past (its size counted, nothing
stored), and past VIK_WEB_FORM_MAX_BODY_BYTES nothing more is read. The form then says what
it refused, on the same page, with the text kept.
"""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import TemporaryUploadedFile
from django.core.files.uploadhandler import FileUploadHandler
from django.http import HttpRequest, HttpResponse, QueryDict
from django.http.multipartparser import FIELD, FILE, ChunkIter, LazyStream, Parser
from django.utils.datastructures import MultiValueDict
from django.utils.encoding import force_str
from django.views.decorators.csrf import csrf_exempt, csrf_protect

from vik.core.filetypes import shortened_name

CHUNK_BYTES = 64 * 1024
# The longest field is the message, 20,000 characters: 80 kB in UTF-8 at most.
FIELD_MAX_BYTES = 256 * 1024
FIELDS_MAX = 200

TOO_BIG = "too_big"
TOO_MANY = "too_many"
NOT_READ = "not_read"  # came after VIK_WEB_FORM_MAX_BODY_BYTES


@dataclass(frozen=True)
class RefusedUpload:
    """A file the body reader did not keep, and why (TOO_BIG, TOO_MANY, NOT_READ)."""

    name: str
    reason: str
    size: int = 0


class CitizenBodyHandler(FileUploadHandler):
    """Parses the whole multipart body itself (`handle_raw_input`), with the limits above."""

    def __init__(self, request: HttpRequest | None = None) -> None:
        super().__init__(request)
        self.refused: list[RefusedUpload] = []
        self.cut_off = False  # the body was longer than VIK_WEB_FORM_MAX_BODY_BYTES

    def handle_raw_input(
        self,
        input_data: Any,
        META: dict[str, Any],
        content_length: int,
        boundary: str,  # bytes at run time; the stubs say str
        encoding: str | None = None,
    ) -> tuple[QueryDict, MultiValueDict[str, Any]]:
        encoding = encoding or settings.DEFAULT_CHARSET
        stream = LazyStream(ChunkIter(input_data, CHUNK_BYTES))
        post = QueryDict(mutable=True, encoding=encoding)
        files: MultiValueDict[str, Any] = MultiValueDict()
        body_limit = settings.VIK_WEB_FORM_MAX_BODY_BYTES
        fields = kept_files = 0
        separator = boundary if isinstance(boundary, bytes) else boundary.encode("ascii")
        for item_type, meta, part in Parser(stream, separator):
            if stream.tell() > body_limit:
                self._cut_off(item_type, meta, encoding)
                break
            try:
                disposition = meta["content-disposition"][1]
                name = force_str(disposition["name"].strip(), encoding, errors="replace")
            except (KeyError, IndexError, AttributeError):
                _drain(part)
                continue
            if item_type == FIELD:
                fields += 1
                data = part.read(FIELD_MAX_BYTES)
                _drain(part)
                if fields <= FIELDS_MAX:
                    post.appendlist(name, force_str(data, encoding, errors="replace"))
            elif item_type == FILE:
                filename = shortened_name(
                    force_str(disposition.get("filename") or "", encoding, errors="replace")
                )
                if not filename:  # an empty file input
                    _drain(part)
                    continue
                # Twice the count the form allows are read, so that the form can name the
                # extra ones; more than that is not stored at all.
                if kept_files >= 2 * settings.VIK_ATTACHMENT_MAX_COUNT:
                    _drain(part)
                    self.refused.append(RefusedUpload(filename, TOO_MANY))
                    continue
                content_type = meta.get("content-type", ("", {}))[0].strip()
                upload = self._receive(part, filename, content_type, body_limit, stream)
                if upload is not None:
                    files.appendlist(name, upload)
                    kept_files += 1
                if self.cut_off:
                    break
            else:
                _drain(part)
        post._mutable = False
        return post, files

    def _receive(
        self, part: Any, filename: str, content_type: str, body_limit: int, stream: LazyStream
    ) -> TemporaryUploadedFile | None:
        limit = settings.VIK_ATTACHMENT_MAX_BYTES
        content_type = content_type or "application/octet-stream"
        upload = TemporaryUploadedFile(filename, content_type, 0, None)
        size = 0
        for chunk in part:
            size += len(chunk)
            if stream.tell() > body_limit:
                upload.close()
                self.cut_off = True
                self.refused.append(RefusedUpload(filename, NOT_READ))
                return None
            if size <= limit:
                upload.write(chunk)
        if size > limit:
            upload.close()  # deletes the temporary file
            self.refused.append(RefusedUpload(filename, TOO_BIG, size))
            return None
        upload.seek(0)
        upload.size = size
        return upload

    def _cut_off(self, item_type: str, meta: dict[str, Any], encoding: str) -> None:
        """The body passed VIK_WEB_FORM_MAX_BODY_BYTES before this part: name it if a file."""
        self.cut_off = True
        if item_type == FILE:
            filename = meta.get("content-disposition", ("", {}))[1].get("filename") or ""
            name = shortened_name(force_str(filename, encoding, errors="replace"))
            if name:
                self.refused.append(RefusedUpload(name, NOT_READ))

    # The methods every handler has; never called, since `handle_raw_input` parses it all.
    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes | None:
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None


def _drain(part: Any) -> None:
    """Read a part to its end without keeping it (what the parser needs to go on)."""
    for _chunk in part:
        pass


def refused_uploads(request: HttpRequest) -> list[RefusedUpload]:
    """The files of this request's body that were not kept (see `reads_citizen_body`)."""
    for handler in request.upload_handlers:
        if isinstance(handler, CitizenBodyHandler):
            return list(handler.refused)
    return []


def reads_citizen_body(
    view: Callable[..., HttpResponse],
) -> Callable[..., HttpResponse]:
    """A public form view whose multipart body `CitizenBodyHandler` reads.

    The handler must be in place before anything reads request.POST; the CSRF middleware does
    so for every view it protects, so the check moves inside (Django's documented way).
    """
    protected = csrf_protect(view)

    @functools.wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        # Something before the view (a middleware) read the body already: it is parsed as
        # Django parses it, and this reader cannot help any more.
        with contextlib.suppress(AttributeError):
            request.upload_handlers = [CitizenBodyHandler(request)]
        return protected(request, *args, **kwargs)

    return csrf_exempt(wrapped)
