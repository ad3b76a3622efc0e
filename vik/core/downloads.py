"""Serving a stored file that a citizen or a colleague uploaded."""

from __future__ import annotations

from typing import Protocol

from django.db.models.fields.files import FieldFile
from django.http import FileResponse


class StoredAttachment(Protocol):
    """A model row with an uploaded `file` and the `filename` it was sent with."""

    @property
    def file(self) -> FieldFile: ...

    @property
    def filename(self) -> str: ...


def attachment_response(attachment: StoredAttachment) -> FileResponse:
    """Always a download, never inline: a citizen's HTML or SVG must not run in our origin."""
    response = FileResponse(
        attachment.file.open("rb"), as_attachment=True, filename=attachment.filename
    )
    response["Content-Type"] = "application/octet-stream"
    response["X-Content-Type-Options"] = "nosniff"
    return response
