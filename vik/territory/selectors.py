"""Reading the territory: the municipality chooser and resolving what a citizen typed."""

from __future__ import annotations

import re

from django.db.models import QuerySet

from vik.core.text import fold

from .models import Municipality

_LABEL = re.compile(r"^\s*(?P<name>.+?)\s*\(okres (?P<district>.+)\)\s*$")


def municipality_search(
    *, query: str, region_ids: list[int] | None = None, limit: int = 15
) -> list[Municipality]:
    """Municipalities whose name starts with (then contains) the folded query."""
    folded = fold(query.strip())
    if not folded:
        return []
    base: QuerySet[Municipality] = Municipality.objects.filter(is_active=True)
    if region_ids is not None:
        base = base.filter(region_id__in=region_ids)
    prefix = list(base.filter(search_name__startswith=folded).order_by("search_name")[:limit])
    if len(prefix) < limit:
        seen = [m.pk for m in prefix]
        prefix += list(
            base.filter(search_name__contains=folded)
            .exclude(pk__in=seen)
            .order_by("search_name")[: limit - len(prefix)]
        )
    return prefix


def municipality_resolve(
    *, text: str, region_ids: list[int] | None = None
) -> tuple[Municipality | None, list[Municipality]]:
    """Turn what the chooser submitted into one municipality.

    Accepts a ČSÚ code, the chooser's label "Name (okres District)", or a bare name. Returns
    (the municipality, []) when it is unambiguous, else (None, the candidates to choose from).
    """
    text = text.strip()
    base = Municipality.objects.filter(is_active=True).select_related("orp", "region")
    if region_ids is not None:
        base = base.filter(region_id__in=region_ids)
    if text.isdigit():
        found = base.filter(code=text).first()
        return (found, []) if found else (None, [])
    match = _LABEL.match(text)
    if match:
        candidates = list(
            base.filter(
                search_name=fold(match["name"]), district_name__iexact=match["district"].strip()
            )
        )
    else:
        candidates = list(base.filter(search_name=fold(text)))
    if len(candidates) == 1:
        return candidates[0], []
    return None, candidates
