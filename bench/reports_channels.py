"""The calls, chats, knowledge, workload and audit reports on PostgreSQL at the size issue 17
names: p50 and p95 of building each report for a coordinator (the whole region, 12 months) and
a lead (one centre, 12 months), each from the raw tables (`VIK_REPORTS_DAILY_COUNTS` off) and
from the daily counts (`vik.reports.daily`, rebuilt first and timed), whether both give the same
numbers, and the ratio of their p95.

    .venv/bin/python bench/reports_channels.py [--requests N] [--samples N] [--keep] [--reuse]

A fresh database (`--database-url`, default vik_reports_bench; dropped at the end unless
`--keep`) gets the demo, `--requests` requests (1M) bulk-inserted as bench/intake.py does, five
interactions per request (5M: the citizen's message, two replies, a note, an automatic
acknowledgement), first responses, resolutions and assignees on them, and a year of calls
(300k), chats (50k), knowledge usage events (1M) and audit events (2M). The builders run in
this process (no HTTP: what is measured is the report's queries and their assembly).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from intake import Database, log, percentile, populate, run_vik, territory

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/vik_reports_bench"

FILL = [
    # Assignees: the agents of each request's centre (the demo has one per centre).
    """UPDATE conversations_request r SET assignee_id = m.user_id,
         first_response_at = CASE WHEN r.id %% 10 < 8
           THEN r.created_at + (5 + (r.id %% 600)) * interval '1 minute' END,
         resolved_at = CASE WHEN r.status IN ('resolved', 'closed')
           THEN r.created_at + (1 + (r.id %% 72)) * interval '1 hour' END
       FROM tenancy_membership m
       WHERE m.centre_id = r.centre_id AND m.role = 'agent' AND r.reference LIKE 'BENCH-%%'""",
    """INSERT INTO conversations_interaction (request_id, direction, visibility, channel,
         author_id, subject, text, html, is_automatic, occurred_at, created_at)
       SELECT r.id, d.direction, d.visibility, r.origin_channel,
         CASE WHEN d.direction = 'inbound' OR d.automatic THEN NULL ELSE r.assignee_id END,
         '', 'x', '', d.automatic, r.created_at + (d.n * 37) * interval '1 minute',
         -- written when it occurred, as in service (now() put every reply inside the
         -- overlap of the refresher, so that its first run recounted every reply day)
         r.created_at + (d.n * 37) * interval '1 minute'
       FROM conversations_request r,
         (VALUES (0, 'inbound', 'public', false), (1, 'outbound', 'public', true),
                 (2, 'outbound', 'public', false), (3, 'internal', 'internal', false),
                 (4, 'outbound', 'public', false)) AS d(n, direction, visibility, automatic)
       WHERE r.reference LIKE 'BENCH-%%'""",
    """INSERT INTO phone_channel_call (created_at, updated_at, account_id, region_id, centre_id, call_id,
         direction, from_number, to_number, citizen_number, state, started_at, answered_at,
         ended_at, duration_seconds, cause, queue, users, agent_id, decision, recording_url,
         summary)
       SELECT s.started, least(now(), s.started + (200) * interval '1 second'), a.id,
         a.region_id, c.id, 'bench-' || g,
         CASE WHEN g %% 10 = 0 THEN 'out' ELSE 'in' END, '+420603000000', '800100200', '',
         CASE WHEN g %% 5 = 1 THEN 'missed' ELSE 'ended' END, s.started,
         CASE WHEN g %% 5 = 1 THEN NULL ELSE s.started + (5 + g %% 90) * interval '1 second' END,
         s.started + (200) * interval '1 second', CASE WHEN g %% 5 = 1 THEN NULL ELSE 120 + g %% 300 END,
         '', '', '[]', m.user_id, '{}', '', ''
       FROM generate_series(1, %(calls)s) g
         CROSS JOIN LATERAL (SELECT now() - ((g::bigint * 7919) %% 525600) * interval '1 minute' AS started) s
         JOIN (SELECT id, region_id FROM channels_channelaccount WHERE kind = 'phone' LIMIT 1) a ON true
         JOIN LATERAL (SELECT id FROM tenancy_informationcentre WHERE region_id = a.region_id
                       ORDER BY id OFFSET (g %% 16) LIMIT 1) c ON true
         LEFT JOIN LATERAL (SELECT user_id FROM tenancy_membership WHERE centre_id = c.id
                            AND role = 'agent' ORDER BY id LIMIT 1) m ON true""",
    """INSERT INTO chat_channel_chatsession (request_id, token, centre_id, state, agent_id, language,
         queued_at, accepted_at, closed_at, last_seq, citizen_read_seq, agent_read_seq, rating,
         rating_comment, offered_articles, page_url)
       SELECT r.id, 'bench-' || r.id, r.centre_id, 'closed',
         CASE WHEN r.id %% 6 = 0 THEN NULL ELSE r.assignee_id END, 'cs', r.created_at,
         CASE WHEN r.id %% 6 = 0 THEN NULL ELSE r.created_at + (10 + r.id %% 200) * interval '1 second' END,
         r.created_at + (15) * interval '1 minute', 3, 3, 3,
         CASE WHEN r.id %% 3 = 0 THEN 1 + r.id %% 5 END, '', '[]', ''
       FROM conversations_request r
       WHERE r.reference LIKE 'BENCH-%%' AND NOT EXISTS
         (SELECT 1 FROM chat_channel_chatsession s WHERE s.request_id = r.id)
       ORDER BY r.id LIMIT %(chats)s""",
    """INSERT INTO knowledge_usageevent (kind, "where", article_id, query, centre_id, topic_id,
         created_at)
       SELECT (ARRAY['article_view','article_view','article_view','search','search_empty',
                     'helpful','not_helpful','used_in_reply','deflected'])[1 + g %% 9],
         'portal', (SELECT id FROM knowledge_article ORDER BY id OFFSET (g %% 30) LIMIT 1),
         CASE WHEN g %% 9 = 4 THEN 'hledani ' || (g %% 500) ELSE '' END,
         (SELECT id FROM tenancy_informationcentre ORDER BY id OFFSET (g %% 16) LIMIT 1), NULL,
         now() - ((g::bigint * 7919) %% 525600) * interval '1 minute'
       FROM generate_series(1, %(usage)s) g""",
    """INSERT INTO audit_auditevent (created_at, actor_id, actor_label, action, object_type,
         object_id, region_id, personal_data, details)
       SELECT now() - ((g::bigint * 7919) %% 525600) * interval '1 minute', m.user_id, 'bench',
         (ARRAY['request.view','contact.view','request.search','request.list',
                'routing.rule_update','knowledge.publish'])[1 + g %% 6],
         'conversations.request', g::text, m.region_id, g %% 6 < 4, '{}'
       FROM generate_series(1, %(audit)s) g
         JOIN LATERAL (SELECT user_id, region_id FROM tenancy_membership
                       ORDER BY id OFFSET (g %% 8) LIMIT 1) m ON true""",
]
REPORTS = ("calls", "chats", "knowledge", "workload", "audit")
TABLES = (
    "conversations_request, conversations_interaction, phone_channel_call, chat_channel_chatsession, "
    "knowledge_usageevent, audit_auditevent"
)


def fill(db: Database, sizes: dict[str, int], first: int = 0) -> None:
    with db.connect() as conn:
        for statement in FILL[first:]:
            started = time.monotonic()
            conn.execute(statement, sizes)
            log(
                f"  {statement.split()[0]} {statement.split()[2]}: {time.monotonic() - started:.0f} s"
            )
        conn.execute(f"VACUUM (ANALYZE) {TABLES}")


def measure(samples: int, slugs: Sequence[str] = REPORTS) -> dict[str, Any]:
    # local import: Django is set up only now, once the environment names the bench database
    import django

    django.setup()
    # local import: these models load after django.setup()
    from django.conf import settings
    from django.utils import translation

    from vik.core import clock
    from vik.reports import daily
    from vik.reports.filters import ReportFilters, Scope
    from vik.reports.registry import report_get
    from vik.tenancy.models import InformationCentre
    from vik.territory.models import Region

    started = time.perf_counter()
    cells = daily.daily_rebuild(clock.now())
    log(f"daily counts rebuilt: {cells:,} cells in {time.perf_counter() - started:.1f} s")
    # The periodic refresh after a call was saved, a usage event and a personal-data read were
    # written (copies of the latest: today's days and the month's usage sums recounted).
    from vik.audit.models import AuditEvent
    from vik.channels.phone.models import Call
    from vik.knowledge.models import UsageEvent
    from vik.reports.models import DAILY_COUNTS, RollupWatermark

    RollupWatermark.objects.filter(name=DAILY_COUNTS).update(changes_until=clock.now())
    event = UsageEvent.objects.order_by("-created_at").first()
    read = AuditEvent.objects.filter(personal_data=True).order_by("-created_at").first()
    call = Call.objects.order_by("-started_at").first()
    assert event is not None and read is not None and call is not None
    event.pk, event.created_at = None, clock.now()
    event.save()
    read.pk = None
    read.save()
    call.save()
    started = time.perf_counter()
    cells = daily.daily_refresh(clock.now())
    log(f"daily counts refreshed (a call, a usage event, a read today): {cells:,} cells in "
        f"{(time.perf_counter() - started) * 1000:.0f} ms")  # fmt: skip
    region = Region.objects.get(code="3107")
    centre = InformationCentre.objects.get(slug="vys-jihlava")
    today = clock.today()
    filters = ReportFilters(date_from=today - dt.timedelta(days=364), date_to=today)
    readers = {
        "coordinator": Scope(region_id=region.pk, sees_data_access=True),
        "lead": Scope(region_id=region.pk, centre_ids=frozenset({centre.pk})),
    }
    figures: dict[str, Any] = {}
    with translation.override("cs"):
        for slug in slugs:
            spec = report_get(slug)
            assert spec is not None
            for reader, scope in readers.items():
                found: dict[str, Any] = {}
                documents = {}
                # The raw tables (the daily counts off), then the daily counts.
                for variant, counts in (("raw", False), ("counts", True)):
                    settings.VIK_REPORTS_DAILY_COUNTS = counts
                    times = []
                    for index in range(samples + 2):
                        started = time.perf_counter()
                        document = spec.build(filters, scope)
                        if index >= 2:  # two untimed warm-up builds
                            times.append((time.perf_counter() - started) * 1000)
                    documents[variant] = [
                        (section.slug, section.rows, section.totals)
                        for section in document.sections
                    ]
                    found[variant] = {
                        "p50": round(statistics.median(times)),
                        "p95": round(percentile(times, 0.95)),
                    }
                found["same"] = documents["raw"] == documents["counts"]
                figures[f"{slug}/{reader}"] = found
                log(f"{slug:10} {reader:12} raw p50 {found['raw']['p50']:5} p95 "
                    f"{found['raw']['p95']:5} ms | counts p50 {found['counts']['p50']:5} p95 "
                    f"{found['counts']['p95']:5} ms | p95 ratio "
                    f"{found['raw']['p95'] / max(found['counts']['p95'], 1):.1f}x | same numbers: "
                    f"{'yes' if found['same'] else 'NO'}")  # fmt: skip
    return figures


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=DEFAULT_URL)
    parser.add_argument("--requests", type=int, default=1_000_000)
    parser.add_argument("--samples", type=int, default=20)
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument("--reuse", action="store_true", help="measure a kept database again")
    parser.add_argument("--refill", action="store_true", help="a kept database: fill, measure")
    parser.add_argument("--fill-from", type=int, default=0, help="skip the first fill steps")
    parser.add_argument(
        "--reports", default=",".join(REPORTS), help="the reports measured (comma-separated)"
    )
    args = parser.parse_args(argv)
    db = Database(args.database_url)
    env = {
        **os.environ,
        "VIK_DATABASE_URL": args.database_url,
        "DJANGO_SETTINGS_MODULE": "config.settings.base",
        "VIK_DEMO_ENABLED": "true",
        "VIK_DEBUG": "false",
        "VIK_SECRET_KEY": "bench",
        "VIK_ALLOWED_HOSTS": "127.0.0.1",
    }
    os.environ.update(env)
    try:
        if not args.reuse and not args.refill:
            db.recreate()
            run_vik(env, "demo", "--no-serve", "--requests", "0")
            places = territory(db)
            log(f"populating {args.requests:,} requests")
            populate(db, places, args.requests)
        run_vik(env, "migrate")  # a kept database: the daily counts' table
        if not args.reuse:
            fill(
                db,
                {
                    "calls": args.requests * 3 // 10,
                    "chats": args.requests // 20,
                    "usage": args.requests,
                    "audit": args.requests * 2,
                },
                args.fill_from,
            )
        measure(args.samples, args.reports.split(","))
    finally:
        if not args.keep:
            db.drop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
