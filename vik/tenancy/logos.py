"""What a portal logo may be: a PNG, or an SVG without active content.

An SVG is a document: opened on its own (its `/media/` address) it runs its scripts in the
portal's origin. The portal shows the logo in an `<img>`, where nothing runs, but a citizen
can still open the address; so an SVG with scripts, event handlers, embedded HTML, entities
or references outside itself is refused, with a clear message, rather than silently altered.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

LOGO_TYPES = {".png", ".svg"}
LOGO_MAX_BYTES = 512 * 1024
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"

_ACTIVE_SVG = re.compile(
    rb"<\s*script|<\s*foreignObject|<!ENTITY|<!DOCTYPE|\bon[a-z]+\s*=|javascript:"
    rb"|<\s*(?:iframe|embed|object|use)\b"
    # A reference is allowed only within the document (#id) or to an embedded raster image.
    rb"|href\s*=\s*[\"'](?!#|data:image/(?:png|jpeg|gif|webp);)",
    re.IGNORECASE,
)


def validate_logo(file: Any) -> None:
    """Raise ValidationError unless `file` is a PNG or an SVG without active content, at most
    LOGO_MAX_BYTES."""
    suffix = Path(file.name or "").suffix.lower()
    if suffix not in LOGO_TYPES:
        raise ValidationError(_("The logo must be an SVG or PNG file."), code="type")
    if file.size is not None and file.size > LOGO_MAX_BYTES:
        raise ValidationError(_("The logo may have at most 512 kB."), code="size")
    position = file.tell() if hasattr(file, "tell") else 0
    file.seek(0)
    data = file.read(LOGO_MAX_BYTES + 1)
    file.seek(position)
    if suffix == ".png":
        if not data.startswith(PNG_SIGNATURE):
            raise ValidationError(_("The file is not a PNG image."), code="type")
        return
    if b"<svg" not in data[:4096].lower() or _ACTIVE_SVG.search(data):
        raise ValidationError(
            _("The SVG logo must be a plain drawing: no scripts, event handlers or links."),
            code="active",
        )
