"""The Django CPU time of one GET of the staff list, in process: what the page costs besides
its SQL (issue 19), without gunicorn or the machine's other load in the figure.

    PYTHONPATH=$PWD .venv/bin/python bench/list_cpu.py \
        --database-url postgres://postgres@127.0.0.1:5432/<name>_list [--gets 40] [--profile]

On a database `bench/list_views.py --keep` left (any size: fifty rows and the page around
them cost the same at 20,000 requests as at a million), as the coordinator and the agent of
that benchmark, with its settings (base, DEBUG off): `--warmup` untimed GETs of `--path`,
then `--gets` timed ones; prints per user the median, p90 and least `time.process_time()` of
a GET (the SQL's own time is in PostgreSQL's process, the client's wait for it is not CPU)
and the statements one GET sends. `--profile` adds the functions that took the most of ten
GETs (cProfile, CPU time).
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
USERS = ("koordinator", "agent.jihlava")  # bench/intake.py: COORDINATOR, AGENT


class _Counter:
    """A database execute wrapper that notes each statement."""

    def __init__(self, statements: list[str]) -> None:
        self.statements = statements

    def __call__(self, execute: Any, sql: str, *rest: Any) -> Any:
        self.statements.append(sql)
        return execute(sql, *rest)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--path", default="/staff/requests/")
    parser.add_argument("--gets", type=int, default=40)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()
    os.environ.update(
        VIK_DATABASE_URL=args.database_url,
        DJANGO_SETTINGS_MODULE="config.settings.base",
        VIK_DEMO_ENABLED="true",
        VIK_DEBUG="false",
        VIK_ALLOWED_HOSTS="127.0.0.1,localhost",
        VIK_SECRET_KEY="bench",
        VIK_MFA_REQUIRED_ROLES="",
    )
    sys.path.insert(0, str(ROOT))
    import django  # local import: Django is set up for the database given above

    django.setup()
    from django.db import connection  # local import: after django.setup()
    from django.test import Client  # local import: after django.setup()

    from vik.tenancy.models import User  # local import: after django.setup()

    for username in USERS:
        client = Client(HTTP_HOST="127.0.0.1")
        client.force_login(User.objects.get(username=username))
        for _ in range(args.warmup):
            assert client.get(args.path).status_code == 200
        statements: list[str] = []

        with connection.execute_wrapper(_Counter(statements)):
            client.get(args.path)
        times = []
        for _ in range(args.gets):
            began = time.process_time()
            client.get(args.path)
            times.append((time.process_time() - began) * 1000)
        times.sort()
        print(
            f"{username}: CPU per GET median {statistics.median(times):.1f} ms, "
            f"p90 {times[max(0, round(0.9 * len(times)) - 1)]:.1f} ms, least {times[0]:.1f} ms; "
            f"{len(statements)} statements"
        )
        if args.profile:
            profile = cProfile.Profile(time.process_time)
            profile.enable()
            for _ in range(10):
                client.get(args.path)
            profile.disable()
            out = io.StringIO()
            pstats.Stats(profile, stream=out).sort_stats("cumulative").print_stats(40)
            print(out.getvalue())
    return 0


if __name__ == "__main__":
    sys.exit(main())
