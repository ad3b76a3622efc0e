"""Storing the files of interactions."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

from django.core.files.base import ContentFile

from vik.channels.core.base import (
    InboundAttachment,
)

from ..models import (
    Attachment,
    Interaction,
)


def interaction_attachments_store(
    interaction: Interaction, attachments: Iterable[InboundAttachment]
) -> None:
    attachments_store([(interaction, attachments)])


def attachments_store(
    items: Iterable[tuple[Interaction, Iterable[InboundAttachment]]],
) -> None:
    """Store the attachments of saved interactions: each file in the storage, the rows with
    one INSERT."""
    Attachment.objects.bulk_create(
        Attachment(
            interaction=interaction,
            file=ContentFile(item.content, name=item.filename),
            filename=item.filename,
            content_type=item.content_type,
            size=len(item.content),
            sha256=hashlib.sha256(item.content).hexdigest(),
            content_id=item.content_id,
        )
        for interaction, attachments in items
        for item in attachments
    )
