"""Version 1 of the API, mounted at /api/v1/ (the schema at /api/v1/openapi.json)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI

from vik.abuse.ratelimit import RateLimited, refused_json

from . import knowledge

api = NinjaAPI(
    title="VIK API",
    version="1",
    urls_namespace="api-v1",
    description="The public API of the virtual information office.",
)
api.add_router("/knowledge", knowledge.router)


@api.exception_handler(RateLimited)
def rate_limited(request: HttpRequest, error: RateLimited) -> HttpResponse:
    """429 with a JSON error and Retry-After (vik.abuse.ratelimit)."""
    return refused_json(error.verdict)
