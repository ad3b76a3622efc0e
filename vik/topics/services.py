"""Seeding the shared topic taxonomy."""

from __future__ import annotations

from django.db import transaction

from .models import Topic
from .seed import TOPICS


@transaction.atomic
def topics_seed() -> int:
    """Create or update the seed taxonomy; idempotent. Returns the number of topics."""
    by_slug: dict[str, Topic] = {}
    for position, item in enumerate(TOPICS):
        topic, _ = Topic.objects.update_or_create(
            slug=item["slug"],
            defaults={
                "name_cs": item["name_cs"],
                "name_en": item["name_en"],
                "parent": by_slug.get(item["parent"]) if item["parent"] else None,
                "position": position,
            },
        )
        by_slug[topic.slug] = topic
    return len(by_slug)
