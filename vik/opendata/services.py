"""Publishing the statistics: today's snapshot of a region, and the daily job."""

from __future__ import annotations

import logging

from django.db import IntegrityError, transaction

from vik.core import clock
from vik.territory.models import Region

from . import selectors
from .models import Snapshot

logger = logging.getLogger(__name__)


def snapshot_publish(*, region: Region) -> Snapshot:
    """Compute the region's statistics and store them as today's snapshot (replacing one
    already published today: `vik opendata publish` refreshes it on demand)."""
    payload = selectors.statistics_compute(region=region)
    snapshot, _created = Snapshot.objects.update_or_create(
        region=region,
        date=clock.today(),
        defaults={"payload": payload, "generated_at": clock.now()},
    )
    return snapshot


def snapshots_publish_due() -> int:
    """A periodic job (`VIK_PERIODIC_JOBS`, every 15 s in every worker): today's snapshot of
    each published region that has none yet; one query when all are there. Two workers that
    race on a region: the unique (region, date) keeps one snapshot, the other gives way."""
    published = 0
    today = clock.today()
    for region in selectors.regions_without_snapshot(day=today):
        payload = selectors.statistics_compute(region=region)
        try:
            with transaction.atomic():
                Snapshot.objects.create(
                    region=region, date=today, payload=payload, generated_at=clock.now()
                )
        except IntegrityError:
            continue  # another worker published it meanwhile
        logger.info("opendata: published the statistics of %s for %s", region.code, today)
        published += 1
    return published
