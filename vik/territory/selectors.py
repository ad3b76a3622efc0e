"""Reading the territory: the municipality chooser and resolving what a citizen typed."""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.db.models import QuerySet

from vik.core.memo import configured
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


# The territory changes only when `vik territory load` brings a new code list.
PLACES_SECONDS = 300.0


@dataclass(frozen=True)
class _Places:
    by_code: dict[str, Municipality]
    by_name: dict[str, list[Municipality]]  # folded name -> municipalities of that name


def _places(region_ids: list[int] | None) -> _Places:
    """The active municipalities (of the regions), indexed for `municipality_resolve`: read
    once per `PLACES_SECONDS` per process, since every submitted form resolves one."""

    def load() -> _Places:
        base = Municipality.objects.filter(is_active=True).select_related("orp", "region")
        if region_ids is not None:
            base = base.filter(region_id__in=region_ids)
        by_code: dict[str, Municipality] = {}
        by_name: dict[str, list[Municipality]] = {}
        for municipality in base.order_by("name", "pk"):
            by_code[municipality.code] = municipality
            by_name.setdefault(municipality.search_name, []).append(municipality)
        return _Places(by_code, by_name)

    key = ("territory.places", None if region_ids is None else tuple(sorted(region_ids)))
    return configured(key, load, seconds=PLACES_SECONDS)


def municipality_resolve(
    *, text: str, region_ids: list[int] | None = None
) -> tuple[Municipality | None, list[Municipality]]:
    """Turn what the chooser submitted into one municipality.

    Accepts a ČSÚ code, the chooser's label "Name (okres District)", or a bare name. Returns
    (the municipality, []) when it is unambiguous, else (None, the candidates to choose from).
    """
    text = text.strip()
    places = _places(region_ids)
    if text.isdigit():
        found = places.by_code.get(text)
        return (found, []) if found else (None, [])
    match = _LABEL.match(text)
    if match:
        district = match["district"].strip().casefold()
        candidates = [
            m
            for m in places.by_name.get(fold(match["name"]), [])
            if m.district_name.casefold() == district
        ]
    else:
        candidates = list(places.by_name.get(fold(text), []))
    if len(candidates) == 1:
        return candidates[0], []
    return None, candidates
