from __future__ import annotations

from .models import Topic


def topic_choices() -> list[tuple[int, str]]:
    """Active topics in taxonomy order, children indented under their parent."""
    topics = list(Topic.objects.filter(is_active=True).select_related("parent"))
    roots = [t for t in topics if t.parent_id is None]
    children: dict[int, list[Topic]] = {}
    for topic in topics:
        if topic.parent_id is not None:
            children.setdefault(topic.parent_id, []).append(topic)
    result: list[tuple[int, str]] = []
    for root in roots:
        result.append((root.pk, root.name))
        result.extend((child.pk, f"— {child.name}") for child in children.get(root.pk, []))
    return result
