"""The knowledge centre's public search: what a citizen would find on the portal."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest
from django.urls import reverse
from ninja import Field, Query, Router, Schema

from vik.abuse.ratelimit import RateLimited, limit_request
from vik.knowledge import selectors, services
from vik.knowledge.choices import UsageWhere

router = Router(tags=["knowledge"])


class SearchParameters(Schema):
    q: str = Field(..., max_length=200, description="What the citizen is looking for")
    limit: int = Field(10, ge=1, le=selectors.SEARCH_LIMIT_MAX)


class SearchResult(Schema):
    id: int
    title: str
    kind: str
    url: str = Field(..., description="The article page on the portal")
    score: float = Field(..., description="Relevance in 0–1; compare within one answer")
    snippet: str = Field(..., description="HTML: escaped text, matched words in <mark>")


@router.get("/search", response=list[SearchResult], auth=None)
def search(request: HttpRequest, parameters: Query[SearchParameters]) -> list[SearchResult]:
    """Live public articles matching `q`, best first (never an article for staff). Limited per
    client address (`api_search` in VIK_RATE_LIMITS): over it, 429 with Retry-After."""
    verdict = limit_request(request, "api_search")
    if verdict.refused:
        raise RateLimited(verdict)
    hits = selectors.article_search(
        query=parameters.q, viewer=AnonymousUser(), limit=parameters.limit
    )
    services.search_usage_record(query=parameters.q, hits=hits, where=UsageWhere.API)
    return [
        SearchResult(
            id=hit.article.pk,
            title=hit.version.title,
            kind=hit.article.kind,
            url=request.build_absolute_uri(
                reverse("portal:knowledge_article", kwargs={"slug": hit.article.slug})
            ),
            score=hit.score,
            snippet=str(hit.snippet),
        )
        for hit in hits
    ]
