from __future__ import annotations

from django.http import FileResponse

from ..models import Attachment


def attachment_response(attachment: Attachment) -> FileResponse:
    """Always a download, never inline: a citizen's HTML or SVG must not run in our origin."""
    response = FileResponse(
        attachment.file.open("rb"), as_attachment=True, filename=attachment.filename
    )
    response["Content-Type"] = "application/octet-stream"
    response["X-Content-Type-Options"] = "nosniff"
    return response
