"""/statistiky/ and its open data: the page, the CSV files, their CSVW metadata and the
DCAT-AP-CZ catalogue records. Public, no login; served from the region's latest snapshot
(`vik opendata publish`, the daily job), rate-limited per address and cacheable for an hour."""

from __future__ import annotations

import json
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.cache import patch_cache_control
from django.utils.http import http_date

from vik.abuse.ratelimit import rate_limited
from vik.territory.models import Region

from .. import datasets, presentation, selectors
from ..models import Snapshot

CACHE_SECONDS = 3600
JSON_LD = "application/ld+json; charset=utf-8"


def _region(request: HttpRequest) -> Region:
    wanted = request.GET.get("kraj", "")
    region = selectors.region_find(wanted) if wanted else selectors.default_region()
    if region is None:
        raise Http404("no such region")
    return region


def _snapshot(request: HttpRequest) -> tuple[Region, Snapshot | None]:
    region = _region(request)
    return region, selectors.snapshot_latest(region=region)


def _cached(response: HttpResponse, snapshot: Snapshot | None) -> HttpResponse:
    patch_cache_control(response, public=True, max_age=CACHE_SECONDS)
    if snapshot is not None:
        response["Last-Modified"] = http_date(snapshot.generated_at.timestamp())
    return response


def _dataset(slug: str) -> datasets.Dataset:
    dataset = datasets.DATASETS.get(slug)
    if dataset is None:
        raise Http404("no such dataset")
    return dataset


def _published(request: HttpRequest) -> Snapshot:
    _region_found, snapshot = _snapshot(request)
    if snapshot is None:
        raise Http404("not published yet")
    return snapshot


@rate_limited("opendata")
def statistics(request: HttpRequest) -> HttpResponse:
    region, snapshot = _snapshot(request)
    context: dict[str, Any] = {
        "region": region,
        "regions": [other for other in selectors.published_regions() if other.pk != region.pk],
        "snapshot": snapshot,
    }
    if snapshot is not None:
        context.update(presentation.page_context(snapshot.payload))
    return _cached(render(request, "opendata/statistics.html", context), snapshot)


@rate_limited("opendata")
def dataset_csv(request: HttpRequest, slug: str) -> HttpResponse:
    dataset = _dataset(slug)
    snapshot = _published(request)
    response = HttpResponse(
        datasets.csv_text(dataset, snapshot.payload), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'inline; filename="{dataset.slug}.csv"'
    # CSV on the Web: where the metadata is (the client need not guess "-metadata.json").
    metadata = datasets.metadata_url(dataset, snapshot.payload["region"]["code"])
    response["Link"] = f'<{metadata}>; rel="describedby"; type="application/csvm+json"'
    return _cached(response, snapshot)


def _json(data: dict[str, Any], content_type: str, snapshot: Snapshot) -> HttpResponse:
    response = HttpResponse(
        json.dumps(data, ensure_ascii=False, indent=2), content_type=content_type
    )
    return _cached(response, snapshot)


@rate_limited("opendata")
def dataset_csv_metadata(request: HttpRequest, slug: str) -> HttpResponse:
    dataset = _dataset(slug)
    snapshot = _published(request)
    return _json(
        datasets.csvw_metadata(dataset, snapshot.payload),
        "application/csvm+json; charset=utf-8",
        snapshot,
    )


@rate_limited("opendata")
def dataset_record(request: HttpRequest, slug: str) -> HttpResponse:
    dataset = _dataset(slug)
    snapshot = _published(request)
    return _json(datasets.dataset_record(dataset, snapshot.payload), JSON_LD, snapshot)


@rate_limited("opendata")
def catalogue(request: HttpRequest) -> HttpResponse:
    snapshot = _published(request)
    return _json(datasets.catalogue_record(snapshot.payload), JSON_LD, snapshot)
