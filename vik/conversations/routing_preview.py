"""Reading requests for the routing editor's preview: what an (unsaved) rule would change.

The rule is evaluated by `vik.routing`'s engine; the requests are conversations' to read.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, TypedDict

from django.db.models import OuterRef, Subquery

from vik.routing.models import Queue, RoutingRule
from vik.routing.services import RoutingDecision, RoutingFacts, rules_compile, rules_evaluate
from vik.tenancy.models import InformationCentre

from .choices import Direction, Priority
from .models import Interaction, Request

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

PREVIEW_REQUESTS = 100


class _FirstText(TypedDict):
    first_text: str | None  # the request's first inbound message's text


@dataclass
class PreviewRow:
    request: Request
    centre_before: InformationCentre | None
    centre_after: InformationCentre | None = None
    queue_after: Queue | None = None
    priority_before: int = 0
    priority_after: int | None = None
    tags_added: list[str] = field(default_factory=list)

    @property
    def priority_after_label(self) -> str:
        return str(Priority(self.priority_after).label) if self.priority_after else ""

    @property
    def changes_anything(self) -> bool:
        return bool(self.centre_after or self.queue_after or self.priority_after or self.tags_added)


@dataclass
class Preview:
    examined: int
    rows: list[PreviewRow]


def requests_rule_preview(*, rule: RoutingRule, limit: int = PREVIEW_REQUESTS) -> Preview:
    """The (unsaved) rule tested alone against the region's last `limit` requests: which match
    and what the rule would change there. Reads only; nothing is changed."""
    compiled = rules_compile([rule])
    first_text = Interaction.objects.filter(
        request=OuterRef("pk"), direction=Direction.INBOUND
    ).order_by("occurred_at", "pk")
    requests = list(
        Request.objects.filter(region_id=rule.region_id)
        .select_related("topic", "municipality", "requester", "origin_account", "centre", "region")
        .prefetch_related("tags")
        .annotate(first_text=Subquery(first_text.values("text")[:1]))
        .order_by("-created_at", "-pk")[:limit]
    )
    rows = []
    for request in requests:
        decision = RoutingDecision()
        rules_evaluate(compiled, _routing_facts(request), decision)
        if not decision.rule_names:
            continue
        row = PreviewRow(
            request=request, centre_before=request.centre, priority_before=request.priority
        )
        if decision.centre is not None and decision.centre.pk != request.centre_id:
            row.centre_after = decision.centre
        if decision.queue is not None and decision.queue.pk != request.queue_id:
            row.queue_after = decision.queue
        if decision.priority is not None and decision.priority != request.priority:
            row.priority_after = decision.priority
        present = {tag.name for tag in request.tags.all()}
        row.tags_added = [t for t in decision.tags if t not in present]
        rows.append(row)
    return Preview(examined=len(requests), rows=rows)


def _routing_facts(request: WithAnnotations[Request, _FirstText]) -> RoutingFacts:
    return RoutingFacts(
        region=request.region, topic=request.topic, municipality=request.municipality,
        account=request.origin_account, channel=request.origin_channel, kind=request.kind,
        language=request.language, subject=request.subject, text=request.first_text or "",
        requester_type=request.requester.requester_type,
    )  # fmt: skip
