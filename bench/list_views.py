"""The staff request list with saved views on PostgreSQL: p95 of the page that counts 50 views.

Part of `bench/routing.py` (issue 5: "the list page p95 with 1M requests and 50 saved views
counted"); runs alone too:

    .venv/bin/python bench/list_views.py [--quick] [--requests N] [--samples N]

A fresh database gets the demo, then `--requests` requests (1M; quick 100k) bulk-inserted the
way bench/intake.py does, with SLA targets on the open ones so that "most urgent first" has
work to do; then 50 saved views (personal ones of the coordinator and the agent, shared ones of
the region and of the agent's centre, each a different mix of the list's filters and sorts).
gunicorn serves the list; one client per user GETs

- `/staff/requests/` — the default view: one keyset page of 50 requests;
- `/staff/requests/?view=<id>` — a view sorted by urgency;
- `/staff/views/counts` — what the tabs fetch right after the page: the counts of all the
  user's views (50 saved + 4 built-in), uncached (VIK_VIEW_COUNTS_CACHE_SECONDS=0).

Every answer must be 200 with a full page of requests / every count. Figures: median and p95
per page and user.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import json
import logging
import os
import re
import statistics
import subprocess
import sys
import time
import traceback
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import httpx
import psycopg

sys.path.insert(0, str(Path(__file__).resolve().parent))

from intake import (
    AGENT,
    BIN,
    COORDINATOR,
    DEFAULT_URL,
    ROOT,
    VAR,
    BenchError,
    Database,
    Processes,
    log,
    percentile,
    populate,
    run_vik,
    staff_client,
    territory,
)

VIEWS = 50
PAGE_ROWS = 50
BAR_P95_MS = 500.0  # no bar in the issue: the figure is reported; this marks a slow page
ROW = re.compile(r'<tr data-row="[^"]+"')

# Open requests get SLA targets around now (some overdue), a few pause; closed ones none.
DEADLINES = """
UPDATE conversations_request
SET due_at = now() + (((id * 7919) % 14400) - 2400) * interval '1 minute',
    first_response_due_at = created_at + interval '8 hours',
    resolution_due_at = created_at + interval '5 days'
WHERE status IN ('new', 'open', 'waiting_office') AND reference LIKE 'BENCH-%'
"""

# (name, filters, sort) — a saved view each; cycled with different centres/channels to 50.
VIEW_SHAPES: tuple[tuple[str, dict[str, str], str], ...] = (
    ("Nevyřízené", {"status": "active"}, "due"),
    ("Nové", {"status": "new"}, "received"),
    ("Čeká na občana", {"status": "waiting_citizen"}, "received"),
    ("Nepřiřazené", {"assignee": "none", "status": "active"}, "due"),
    ("Po termínu", {"due": "overdue"}, "due"),
    ("Do konce dne", {"due": "today"}, "due"),
    ("Tento týden", {"due": "week"}, "due"),
    ("Urgentní", {"priority": "4", "status": "active"}, "due"),
    ("Vysoká priorita", {"priority": "3"}, "priority"),
    ("Stížnosti", {"kind": "complaint", "status": "active"}, "due"),
    ("Žádosti 106", {"kind": "information_request"}, "due"),
    ("E-mail", {"channel": "email", "status": "active"}, "received"),
    ("Datové schránky", {"channel": "databox"}, "received"),
    ("Telefon", {"channel": "phone"}, "received"),
    ("Webový formulář", {"channel": "web", "status": "active"}, "due"),
    ("Vyřešené", {"status": "resolved"}, "received"),
    ("Moje", {"assignee": "me"}, "due"),
)

# Rate-limit scopes opened for the load (vik.abuse.ratelimit.DEFAULT_RATES).
BENCH_UNLIMITED = (
    "form", "form_email", "form_soft", "follow_up", "follow_up_tracked", "feedback", "search",
    "api_search", "altcha", "suggestions", "municipalities",
)  # fmt: skip


@dataclasses.dataclass(frozen=True)
class Config:
    database_url: str
    requests: int
    samples: int
    warmup: int
    server_workers: int
    keep: bool
    reuse: bool
    counts: bool
    out: Path

    @classmethod
    def from_args(cls, argv: Sequence[str] | None = None) -> Config:
        parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else "")
        parser.add_argument(
            "--database-url", default=DEFAULT_URL.replace("vik_bench", "vik_bench_list")
        )
        parser.add_argument("--quick", action="store_true", help="100k requests, 50 samples")
        parser.add_argument("--requests", type=int, help="requests in the database (1M)")
        parser.add_argument("--samples", type=int, help="timed GETs per page and user (200)")
        parser.add_argument("--warmup", type=int, default=10, help="GETs not counted")
        parser.add_argument("--server-workers", type=int, default=2, help="gunicorn workers")
        parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
        parser.add_argument(
            "--reuse", action="store_true",
            help="use the database a --keep run left (migrated, its saved views made anew)",
        )  # fmt: skip
        parser.add_argument(
            "--no-counts", action="store_true",
            help="time only the list pages, not the views' counts the tabs fetch after them",
        )  # fmt: skip
        parser.add_argument("--out", type=Path, default=VAR / "list_views.json")
        args = parser.parse_args(argv)
        return cls(
            database_url=args.database_url,
            requests=args.requests or (100_000 if args.quick else 1_000_000),
            samples=args.samples or (50 if args.quick else 200),
            warmup=args.warmup,
            server_workers=args.server_workers,
            keep=args.keep or args.reuse,
            reuse=args.reuse,
            counts=not args.no_counts,
            out=args.out,
        )


def saved_views_create(db: Database, places: Any) -> dict[str, int]:
    """Views so that each user sees VIEWS of them: the coordinator 25 personal + 25 shared with
    the region; the agent those 25 + 13 shared with the centre + 12 personal. Returns the id of
    a view sorted by urgency for each user."""
    with db.connect() as conn:
        users = dict(
            conn.execute(
                "SELECT username, id FROM tenancy_user WHERE username IN (%s, %s)",
                [COORDINATOR, AGENT],
            ).fetchall()
        )
        if len(users) != 2:
            raise BenchError(f"the demo lacks {COORDINATOR} or {AGENT}")
        plan = [
            ("coordinator", "owner_id", users[COORDINATOR], 25),
            ("both", "region_id", places.region_id, 25),
            ("agent", "centre_id", places.agent_centre_id, 13),
            ("agent", "owner_id", users[AGENT], 12),
        ]
        urgent: dict[str, int] = {}
        made = 0
        for who, column, owner, count in plan:
            for _index in range(count):
                name, filters, sort = VIEW_SHAPES[made % len(VIEW_SHAPES)]
                filters = dict(filters)
                if made % 3 == 1:
                    filters["centre"] = str(places.centre_ids[made % len(places.centre_ids)])
                row = conn.execute(
                    f"INSERT INTO workspace_savedview (name, {column}, created_by_id, filters, "
                    "sort, position, created_at) VALUES (%s, %s, %s, %s, %s, %s, now()) "
                    "RETURNING id",
                    [f"{name} {made + 1}", owner, users[COORDINATOR], json.dumps(filters), sort,
                     made],
                ).fetchone()  # fmt: skip
                if row is None:
                    raise BenchError("a saved view was not inserted")
                if sort == "due" and "centre" not in filters:
                    for user in ("coordinator", "agent") if who == "both" else (who,):
                        urgent.setdefault(user, int(row[0]))
                made += 1
    if set(urgent) != {"coordinator", "agent"}:
        raise BenchError(f"no urgency view for each user: {urgent}")
    return urgent


def page_latency(client: httpx.Client, path: str, *, samples: int, warmup: int) -> dict[str, Any]:
    """The page must come with a full page of rows; the counts fragment with every view's count
    (views + the 4 built-in ones)."""
    durations: list[float] = []
    rows = counts = 0
    for index in range(warmup + samples):
        began = time.perf_counter()
        answer = client.get(path)
        elapsed = time.perf_counter() - began
        if path == COUNTS_PATH:
            counts = len(COUNT.findall(answer.text))
            if answer.status_code != 200 or counts != VIEWS + 4:
                raise BenchError(f"GET {path} answered {answer.status_code} with {counts} counts")
        else:
            rows = len(ROW.findall(answer.text))
            if answer.status_code != 200 or rows != PAGE_ROWS:
                raise BenchError(f"GET {path} answered {answer.status_code} with {rows} rows")
        if index >= warmup:
            durations.append(elapsed)
    return {
        "median_ms": round(statistics.median(durations) * 1000, 2),
        "p95_ms": round(percentile(durations, 0.95) * 1000, 2),
        "max_ms": round(max(durations) * 1000, 2),
        "samples": len(durations),
        "views_counted": counts,
    }


FORGET_KEPT_VIEWS = "from vik.workspace.kept import saved_views_changed; saved_views_changed()"
COUNTS_PATH = "/staff/views/counts"
COUNT = re.compile(r'id="view-count-[^"]+"[^>]*>\s*(?:\d+\+?|–)\s*<')


# Run in `vik shell` with the bench's settings: the statements one GET of the page sends to the
# database (its session, the user, the rows, the audit event), with their values bound.
CAPTURE = """
import json, os
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from vik.tenancy.models import User
client = Client(HTTP_HOST="127.0.0.1")
client.force_login(User.objects.get(username=os.environ["BENCH_USER"]))
client.get(os.environ["BENCH_PATH"])  # warm: the per-process caches the server has too
with CaptureQueriesContext(connection) as captured:
    answer = client.get(os.environ["BENCH_PATH"])
assert answer.status_code == 200, answer.status_code
print("SQL-JSON" + json.dumps([query["sql"] for query in captured.captured_queries]))
"""
# Transaction control belongs to the request, not to the page's reading.
_NOT_TIMED = re.compile(r"^\s*(SAVEPOINT|RELEASE SAVEPOINT|ROLLBACK|BEGIN|COMMIT|CLOSE)\b", re.I)
# `.iterator()` reads through a server-side cursor (DECLARE … FOR SELECT …, then FETCH): the
# SELECT alone reads the same rows.
_DECLARE = re.compile(
    r"^\s*DECLARE\s+\S+\s+.*?CURSOR\s+(?:WITH(?:OUT)?\s+HOLD\s+)?FOR\s+", re.I | re.S
)


def page_statements(env: dict[str, str], username: str, path: str) -> list[str]:
    done = subprocess.run(
        [str(BIN / "vik"), "shell", "-c", CAPTURE],
        cwd=ROOT,
        env={**env, "BENCH_USER": username, "BENCH_PATH": path},
        capture_output=True,
        text=True,
    )
    marker = next((line for line in done.stdout.splitlines() if line.startswith("SQL-JSON")), "")
    if done.returncode != 0 or not marker:
        raise BenchError(f"capturing the SQL of {path} failed:\n{done.stderr[-3000:]}")
    statements = [_DECLARE.sub("", sql) for sql in json.loads(marker[len("SQL-JSON") :])]
    return [sql for sql in statements if not _NOT_TIMED.match(sql) and not sql.startswith("FETCH")]


def sql_latency(
    db: Database, statements: list[str], *, samples: int, warmup: int
) -> dict[str, Any]:
    """The page's statements sent one after the other on one open connection, all rows
    fetched: what the page would cost if rendering were free."""
    durations: list[float] = []
    with db.connect() as conn:
        conn.autocommit = True
        for index in range(warmup + samples):
            began = time.perf_counter()
            for sql in statements:
                cursor = conn.execute(sql)  # no parameters: a % is a %
                if cursor.description is not None:
                    cursor.fetchall()
            elapsed = time.perf_counter() - began
            if index >= warmup:
                durations.append(elapsed)
    return {
        "median_ms": round(statistics.median(durations) * 1000, 2),
        "p95_ms": round(percentile(durations, 0.95) * 1000, 2),
        "statements": len(statements),
        "samples": len(durations),
    }


def measure_sql(
    config: Config, env: dict[str, str], db: Database, urgent: dict[str, int]
) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for who, username in (("coordinator", COORDINATOR), ("agent", AGENT)):
        for page, path in (("default", "/staff/requests/"),
                           ("urgent_view", f"/staff/requests/?view={urgent[who]}")):  # fmt: skip
            statements = page_statements(env, username, path)
            log(f"  {who}: the bare SQL of {path} ({len(statements)} statements)")
            result[f"{who}_{page}_sql"] = sql_latency(
                db, statements, samples=config.samples, warmup=config.warmup
            )
    return result


def measure(config: Config, processes: Processes, urgent: dict[str, int]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for who, username in (("coordinator", COORDINATOR), ("agent", AGENT)):
        client = staff_client(processes.base_url, username)
        try:
            pages = [
                ("default", "/staff/requests/"),
                ("urgent_view", f"/staff/requests/?view={urgent[who]}"),
            ]
            if config.counts:
                pages.append(("counts", COUNTS_PATH))
            for page, path in pages:
                log(f"  {who}: GET {path} x {config.warmup}+{config.samples}")
                result[f"{who}_{page}"] = page_latency(
                    client, path, samples=config.samples, warmup=config.warmup
                )
        finally:
            client.close()
    return result


def bench_list(config: Config) -> dict[str, Any]:
    # Run from bench/routing.py, Django's logging is set up: one line per GET is noise.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    db = Database(config.database_url)
    env = {
        **os.environ,
        "VIK_DATABASE_URL": config.database_url,
        "DJANGO_SETTINGS_MODULE": "config.settings.base",
        "VIK_DEMO_ENABLED": "true",  # production settings plus `vik demo`
        "VIK_DEBUG": "false",
        # The load of many citizens comes from one address, as fast as the machine takes
        # it: the public endpoints' rate limits, the ALTCHA and the "sent too fast" spam
        # signal would refuse it, and the staff logins have no second factor to enter.
        "VIK_RATE_LIMITS": ",".join(f"{scope}=1000000/1m" for scope in BENCH_UNLIMITED),
        "VIK_ALTCHA_MODE": "off",
        "VIK_SPAM_MIN_SECONDS": "0",
        "VIK_MFA_REQUIRED_ROLES": "",
        "VIK_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "VIK_SECRET_KEY": "bench",
        "PYTHONUNBUFFERED": "1",
        "VIK_VIEW_COUNTS_CACHE_SECONDS": "0",  # every GET of the counts counts
    }
    processes = Processes(env)
    try:
        if config.reuse:
            log(f"database {db.name}: reused, migrated")
            run_vik(env, "migrate", "--noinput")
            with db.connect() as conn:
                conn.execute("DELETE FROM workspace_savedview")
            places = territory(db)
            filled = {"requests": int(db.scalar("SELECT count(*) FROM conversations_request"))}
        else:
            log(f"database {db.name}: drop if it exists, create")
            db.recreate()
            run_vik(env, "collectstatic", "--noinput")
            run_vik(env, "demo", "--no-serve", "--requests", "0")
            places = territory(db)
            log(f"populating {config.requests:,} requests")
            filled = populate(db, places, config.requests)
            with db.connect() as conn:
                conn.execute(DEADLINES)
                conn.execute("VACUUM (ANALYZE) conversations_request")
        urgent = saved_views_create(db, places)
        # The views were written in SQL, past the models' signals: the users' views kept in
        # the cache (vik/workspace/kept.py, of an earlier run) are forgotten here.
        run_vik(env, "shell", "-c", FORGET_KEPT_VIEWS)
        processes.start_server(config.server_workers)
        log(f"gunicorn on {processes.base_url}")
        figures = measure(config, processes, urgent)
        processes.stop_all()
        figures.update(measure_sql(config, env, db, urgent))
        figures["requests"] = filled["requests"]
        figures["saved_views"] = VIEWS
        return figures
    finally:
        processes.stop_all()
        if not config.keep:
            with contextlib.suppress(psycopg.Error):
                db.drop()


def report(figures: dict[str, Any]) -> list[str]:
    lines = [
        f"List page with {figures['requests']:,} requests and {figures['saved_views']} saved "
        "views counted (p95 over the samples; median in brackets):"
    ]
    for key, label in (
        ("coordinator_default", "coordinator, the list (default view)"),
        ("coordinator_urgent_view", "coordinator, a view sorted by urgency"),
        ("coordinator_counts", "coordinator, the counts of all views"),
        ("agent_default", "agent, the list (default view)"),
        ("agent_urgent_view", "agent, a view sorted by urgency"),
        ("agent_counts", "agent, the counts of all views"),
    ):
        data = figures.get(key)
        if data is None:
            continue
        counted = f"; {data['views_counted']} views counted" if data["views_counted"] else ""
        sql = figures.get(f"{key}_sql")
        if sql:
            counted += (
                f"; its bare SQL p95 {sql['p95_ms']:.1f} ms ({sql['statements']} statements): "
                f"the page is {data['p95_ms'] / sql['p95_ms']:.1f}× its SQL"
            )
        lines.append(
            f"  {label:<40} p95 {data['p95_ms']:7.1f} ms  (median {data['median_ms']:.1f} ms"
            f"{counted})"
        )
    lines.append(
        "  (the page renders without the counts; the tabs fetch them right after it, uncached "
        "here: VIK_VIEW_COUNTS_CACHE_SECONDS=0)"
    )
    return lines


def main(argv: Sequence[str] | None = None) -> int:
    config = Config.from_args(argv)
    try:
        figures = bench_list(config)
    except BenchError as error:
        print(f"\nBENCHMARK FAILED: {error}", file=sys.stderr, flush=True)
        return 2
    except Exception:
        traceback.print_exc()
        return 2
    print("\n".join(report(figures)), flush=True)
    config.out.parent.mkdir(parents=True, exist_ok=True)
    config.out.write_text(json.dumps(figures, indent=2, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
