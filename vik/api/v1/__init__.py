"""Version 1 of the API, mounted at /api/v1/ (the schema at /api/v1/openapi.json)."""

from __future__ import annotations

from ninja import NinjaAPI

from . import knowledge

api = NinjaAPI(
    title="VIK API",
    version="1",
    urls_namespace="api-v1",
    description="The public API of the virtual information office.",
)
api.add_router("/knowledge", knowledge.router)
