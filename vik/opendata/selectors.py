"""The region's statistics, aggregated for publication, and the published snapshots.

`statistics_compute` reads requests, ratings and the knowledge centre's usage and returns
what may be published: counts per month (the last 24 complete months and the current month to
date) by channel and by top-level topic, the median time to the first response in the centre's
working time, satisfaction, and the most-read public guides. No name, address or text of a
request leaves this module; every count under `VIK_OPENDATA_MIN_CELL` is None (suppressed), and
so is a median or an average computed from fewer requests or ratings.

Requests merged into another are left out (the one they were merged into counts); spam never
becomes a request (it is held as a raw payload, `vik.abuse`).
"""

from __future__ import annotations

import datetime as dt
import math
import statistics
from collections import Counter, defaultdict
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from vik.channels.core.choices import ChannelKind
from vik.conversations.models import Request
from vik.core import clock
from vik.core.memo import batch_memo
from vik.knowledge.choices import UsageKind, UsageWhere
from vik.knowledge.models import Article, UsageEvent
from vik.satisfaction.models import Rating
from vik.sla import calendar
from vik.sla.services import hours_for
from vik.tenancy import permissions
from vik.tenancy.models import InformationCentre
from vik.territory.models import Region
from vik.topics.models import Topic

from .models import Snapshot

PAYLOAD_VERSION = 1
COMPLETE_MONTHS = 24
YEAR_MONTHS = 12
TOP_GUIDES = 10
NO_TOPIC = "bez-tematu"
NO_TOPIC_LABEL = _("no topic")


# Months ------------------------------------------------------------------------------------


def month_key(moment: dt.datetime) -> str:
    """ "2026-11": the Prague month of an aware moment."""
    return moment.astimezone(clock.PRAGUE).strftime("%Y-%m")


def months_back(first: dt.date, count: int) -> dt.date:
    """The first day of the month `count` months before `first` (a first day)."""
    index = first.year * 12 + first.month - 1 - count
    return dt.date(index // 12, index % 12 + 1, 1)


def window_months(today: dt.date) -> list[str]:
    """The published months, oldest first: 24 complete ones and the current one."""
    current = today.replace(day=1)
    return [months_back(current, back).strftime("%Y-%m") for back in range(COMPLETE_MONTHS, -1, -1)]


def _start_of(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(), tzinfo=clock.PRAGUE)


# Suppression -------------------------------------------------------------------------------


def minimum_cell() -> int:
    return int(settings.VIK_OPENDATA_MIN_CELL)


def shown(count: int) -> int | None:
    """The count, or None when it is under the minimum cell (suppressed)."""
    return count if count >= minimum_cell() else None


def _half_up(value: float) -> int:
    return math.floor(value + 0.5)


# The figures -------------------------------------------------------------------------------


def _requests(region: Region, start: dt.datetime) -> list[dict[str, Any]]:
    return [
        dict(row)
        for row in Request.objects.filter(
            region=region, created_at__gte=start, merged_into__isnull=True
        )
        .order_by()
        .values("created_at", "origin_channel", "topic_id", "first_response_at", "centre_id")
    ]


def _top_topics() -> tuple[dict[int, int], dict[int, Topic]]:
    """Each topic's top-level ancestor, and the topics by id."""
    topics = {topic.pk: topic for topic in Topic.objects.all()}
    top: dict[int, int] = {}
    for topic_id, topic in topics.items():
        current, seen = topic, set()
        while current.parent_id is not None and current.parent_id not in seen:
            seen.add(current.pk)
            current = topics[current.parent_id]
        top[topic_id] = current.pk
    return top, topics


def _labels(value: Any) -> dict[str, str]:
    """A lazy label in Czech and English."""
    result = {}
    for language in ("cs", "en"):
        with translation.override(language):
            result[language] = str(value)
    return result


def _channel_categories(codes: Iterable[str]) -> list[dict[str, str]]:
    present = set(codes)
    return [
        {"code": kind.value, **_labels(kind.label)} for kind in ChannelKind if kind.value in present
    ]


def _topic_categories(codes: Iterable[str], topics: dict[int, Topic]) -> list[dict[str, str]]:
    present = set(codes)
    found = sorted(
        (topic for topic in topics.values() if topic.slug in present),
        key=lambda topic: (topic.position, topic.name_cs),
    )
    categories = [
        {"code": topic.slug, "cs": topic.name_cs, "en": topic.name_en or topic.name_cs}
        for topic in found
    ]
    if NO_TOPIC in present:
        categories.append({"code": NO_TOPIC, **_labels(NO_TOPIC_LABEL)})
    return categories


def _cells(
    months: list[str], categories: list[dict[str, str]], counts: Counter[tuple[str, str]]
) -> list[dict[str, Any]]:
    return [
        {
            "month": month,
            "code": category["code"],
            "count": shown(counts[(month, category["code"])]),
        }
        for month in months
        for category in categories
    ]


def _year_totals(
    year: list[str], categories: list[dict[str, str]], counts: Counter[tuple[str, str]]
) -> list[dict[str, Any]]:
    totals = [
        (category["code"], sum(counts[(month, category["code"])] for month in year))
        for category in categories
    ]
    totals.sort(key=lambda item: -item[1])
    return [{"code": code, "count": shown(total)} for code, total in totals]


def _response_times(rows: list[dict[str, Any]], months: list[str]) -> list[dict[str, Any]]:
    """Per month of receipt: the requests answered so far, and the median of their working
    minutes from receipt to the first response (the centre's opening hours, public holidays
    off)."""
    minutes: dict[str, list[int]] = defaultdict(list)
    for row in rows:
        if row["first_response_at"] is None:
            continue
        minutes[month_key(row["created_at"])].append(
            calendar.working_minutes_between(
                row["created_at"], row["first_response_at"], hours_for(row["centre_id"])
            )
        )
    result = []
    for month in months:
        values = minutes.get(month, [])
        enough = len(values) >= minimum_cell()
        result.append(
            {
                "month": month,
                "answered": shown(len(values)),
                "median_minutes": _half_up(statistics.median(values)) if enough else None,
            }
        )
    return result


def _satisfaction(region: Region, start: dt.datetime, months: list[str]) -> list[dict[str, Any]]:
    """Per month of the rating: how many, the share of 4 and 5, the average score."""
    scores: dict[str, list[int]] = defaultdict(list)
    ratings = Rating.objects.filter(
        request__region=region, request__merged_into__isnull=True, answered_at__gte=start
    ).values_list("answered_at", "score")
    for answered_at, score in ratings:
        scores[month_key(answered_at)].append(score)
    result = []
    for month in months:
        values = scores.get(month, [])
        enough = len(values) >= minimum_cell()
        satisfied = sum(1 for score in values if score >= 4)
        result.append(
            {
                "month": month,
                "ratings": shown(len(values)),
                "satisfied_share": round(satisfied / len(values), 4) if enough else None,
                "average": round(sum(values) / len(values), 2) if enough else None,
            }
        )
    return result


def _guides(region: Region, since: dt.datetime) -> list[dict[str, Any]]:
    """The public guides of the region (shared ones included) read most on the portal since
    `since`, by portal readers of the region's centres or of no known centre."""
    public = Article.objects.filter(permissions.articles_readable(AnonymousUser())).filter(
        Q(region__isnull=True) | Q(region=region)
    )
    reads = (
        UsageEvent.objects.filter(
            kind=UsageKind.ARTICLE_VIEW,
            where=UsageWhere.PORTAL,
            created_at__gte=since,
            article__in=public,
        )
        .filter(
            Q(centre__isnull=True) | Q(centre__in=InformationCentre.objects.filter(region=region))
        )
        .values("article_id")
        .annotate(reads=Count("pk"))
        .filter(reads__gte=minimum_cell())
        .order_by("-reads", "article_id")[:TOP_GUIDES]
    )
    counted = {row["article_id"]: row["reads"] for row in reads}
    articles = Article.objects.filter(pk__in=list(counted)).select_related(
        "published_version", "published_version_en"
    )
    by_id = {article.pk: article for article in articles}
    guides = []
    for rank, (article_id, count) in enumerate(counted.items(), start=1):
        article = by_id[article_id]
        assert article.published_version is not None  # readable: live
        title = article.published_version.title
        english = article.published_version_en.title if article.published_version_en else title
        path = reverse("portal:knowledge_article", args=[article.slug])
        guides.append(
            {
                "rank": rank,
                "cs": title,
                "en": english,
                "url": f"{settings.SITE_URL}{path}",
                "reads": count,
            }
        )
    return guides


def statistics_compute(*, region: Region) -> dict[str, Any]:
    """What /statistiky/ publishes for the region today (the snapshot's payload)."""
    now = clock.now()
    today = clock.today()
    months = window_months(today)
    current = months[-1]
    year = months[-1 - YEAR_MONTHS : -1]
    start = _start_of(dt.date.fromisoformat(f"{months[0]}-01"))
    top, topics = _top_topics()
    with batch_memo():
        rows = _requests(region, start)
        by_month: Counter[str] = Counter()
        by_channel: Counter[tuple[str, str]] = Counter()
        by_topic: Counter[tuple[str, str]] = Counter()
        for row in rows:
            month = month_key(row["created_at"])
            topic_id = row["topic_id"]
            topic = topics[top[topic_id]].slug if topic_id in top else NO_TOPIC
            by_month[month] += 1
            by_channel[(month, row["origin_channel"])] += 1
            by_topic[(month, topic)] += 1
        channels = _channel_categories(code for _month, code in by_channel)
        topic_categories = _topic_categories((code for _month, code in by_topic), topics)
        response_times = _response_times(rows, months)
    guides_since = _start_of(dt.date.fromisoformat(f"{year[0]}-01"))
    return {
        "version": PAYLOAD_VERSION,
        "region": {
            "code": region.code,
            "name": region.name,
            "abbreviation": region.abbreviation,
            "ruian_code": region.ruian_code,
        },
        "date": today.isoformat(),
        "generated_at": now.isoformat(),
        "min_cell": minimum_cell(),
        "months": [{"month": month, "complete": month != current} for month in months],
        "year": {"first": year[0], "last": year[-1]},
        "channels": channels,
        "topics": topic_categories,
        "by_month": [{"month": month, "count": shown(by_month[month])} for month in months],
        "by_channel": _cells(months, channels, by_channel),
        "by_topic": _cells(months, topic_categories, by_topic),
        "channel_year": _year_totals(year, channels, by_channel),
        "topic_year": _year_totals(year, topic_categories, by_topic),
        "response_time": response_times,
        "satisfaction": _satisfaction(region, start, months),
        "guides": _guides(region, guides_since),
        "guides_period": {"first": year[0], "last": current},
    }


# Published snapshots -----------------------------------------------------------------------


def published_regions() -> list[Region]:
    """The regions whose statistics are published: those with an information centre."""
    return list(Region.objects.filter(centres__isnull=False).distinct().order_by("name"))


def region_find(text: str) -> Region | None:
    """A region by its ČSÚ code or abbreviation (?kraj=3107, ?kraj=VYS)."""
    text = text.strip()[:8]
    if not text:
        return None
    return Region.objects.filter(Q(code=text) | Q(abbreviation__iexact=text)).first()


def default_region() -> Region | None:
    """The region /statistiky/ shows without ?kraj=: VIK_OPENDATA_REGION, else the first
    published one."""
    configured = region_find(settings.VIK_OPENDATA_REGION)
    if configured is not None:
        return configured
    regions = published_regions()
    return regions[0] if regions else None


def snapshot_latest(*, region: Region) -> Snapshot | None:
    return Snapshot.objects.filter(region=region).order_by("-date").first()


def regions_without_snapshot(*, day: dt.date) -> list[Region]:
    """Published regions that have no snapshot of `day` yet (one query)."""
    return list(
        Region.objects.filter(centres__isnull=False)
        .exclude(pk__in=Snapshot.objects.filter(date=day).values("region_id"))
        .distinct()
        .order_by("name")
    )
