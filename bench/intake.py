"""VIK intake benchmark: a real gunicorn server, real task workers, PostgreSQL.

(a) public-form submissions per second, counted until the request exists (the worker made it);
(b) the staff request list's latency (median, p95) at 10k and at 1M requests in the database,
    for a region coordinator and for the agent of one centre;
(c) the ceiling: the same server's bare view doing one INSERT per request, driven exactly as (a).

Bars: a/c >= 0.7, and p95 at 1M <= 1.5 x p95 at 10k. See bench/README.md.

    .venv/bin/python bench/intake.py [--quick] [--submissions N] [--keep]
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import datetime as dt
import json
import os
import platform
import re
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import traceback
import uuid
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import httpx
import psycopg
from psycopg import sql

ROOT = Path(__file__).resolve().parent.parent
BIN = ROOT / ".venv" / "bin"
VAR = ROOT / "var" / "bench"
LOG_DIR = VAR / "logs"
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/vik_bench"
DEMO_PASSWORD = "vik-demo-2026"
COORDINATOR = "koordinator"
AGENT = "agent.jihlava"
REGION_ABBREVIATION = "VYS"
CEILING_PATH = "/bench/insert"
PAGE_ROWS = 50  # the staff list's page size

BAR_RATIO = 0.7
BAR_P95_GROWTH = 1.5

CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
SHOWN_INPUT = re.compile(r'name="vik_shown" value="([^"]+)"')  # the form's signed render time
SUBMITTED_LOCATION = re.compile(r"^/podani/([0-9a-f-]{36})/$")
LIST_ROW = re.compile(r'href="/staff/requests/(?!new/)[^/"]+/"')  # a request's page, not /new/

MESSAGES = (
    "Dobrý den, chtěla bych se zeptat, do kdy musím zaplatit poplatek za komunální odpad "
    "a jestli je možné platit převodem. Děkuji, s pozdravem",
    "Dobrý den, potřebuji si vyřídit nový občanský průkaz, protože mi platnost končí příští "
    "měsíc. Musím se objednat předem, nebo stačí přijít v úřední hodiny?",
    "Dobrý den, kde si mohu požádat o příspěvek na péči pro maminku? Jaké doklady budu "
    "potřebovat a jak dlouho trvá vyřízení? Děkuji za odpověď.",
    "Zdravím, chci se informovat o stavebním povolení na garáž u rodinného domu. Stačí ohlášení, "
    "nebo musím žádat o povolení? Pozemek je v obci, kde bydlím.",
    "Dobrý den, přestěhoval jsem se a potřebuji změnit adresu trvalého pobytu. Jak mám postupovat "
    "a co si mám vzít s sebou na úřad?",
    "Dobrý den, v naší ulici nesvítí už týden veřejné osvětlení. Komu to mám nahlásit? Děkuji.",
)
FIRST_NAMES = ("Jana", "Petr", "Marie", "Jiří", "Eva", "Tomáš", "Lucie", "Pavel", "Hana", "Martin")
SURNAMES = ("Novák", "Svoboda", "Dvořák", "Černý", "Procházka", "Kučera", "Veselý", "Horák")
SUBJECTS = (
    "Poplatek za komunální odpad",
    "Nový občanský průkaz",
    "Příspěvek na péči",
    "Stavební povolení na garáž",
    "Změna trvalého pobytu",
    "Nesvítí veřejné osvětlení",
    "Dotace na výměnu kotle",
    "Rybářský lístek",
    "Ověření podpisu",
    "Výpis z rejstříku trestů",
)
STATUSES = ("new", "open", "waiting_citizen", "waiting_office", "resolved", "closed", "closed")
KINDS = ("inquiry", "inquiry", "inquiry", "information_request", "complaint", "suggestion")
CHANNELS = ("web", "web", "email", "phone", "databox")

# Rate-limit scopes opened for the load (vik.abuse.ratelimit.DEFAULT_RATES).
BENCH_UNLIMITED = (
    "form", "form_email", "form_soft", "follow_up", "follow_up_tracked", "feedback", "search",
    "api_search", "altcha", "suggestions", "municipalities",
)  # fmt: skip


class BenchError(RuntimeError):
    """The measurement could not be made (the app or the harness misbehaved)."""


# Configuration ---------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Config:
    database_url: str
    submissions: int
    clients: int
    workers: int
    server_workers: int
    worker_interval: float
    small: int
    large: int
    samples: int
    warmup: int
    attempts: int
    keep: bool
    quick: bool
    out: Path

    @classmethod
    def from_args(cls, argv: Sequence[str] | None = None) -> Config:
        parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else "")
        parser.add_argument("--database-url", default=DEFAULT_URL, help="created fresh, dropped")
        parser.add_argument("--quick", action="store_true", help="200 submissions, 10k/100k rows")
        parser.add_argument("--submissions", type=int, help="form submissions in (a) and (c)")
        parser.add_argument("--clients", type=int, default=8, help="concurrent HTTP clients")
        parser.add_argument("--workers", type=int, default=2, help="`vik worker` processes")
        parser.add_argument("--server-workers", type=int, default=2, help="gunicorn workers")
        parser.add_argument(
            "--worker-interval",
            type=float,
            default=0.5,
            help="the workers' poll interval (default: `vik worker`'s own, 0.5 s)",
        )
        parser.add_argument("--small", type=int, default=10_000, help="requests for (b) small")
        parser.add_argument("--large", type=int, help="requests for (b) large (1M; quick 100k)")
        parser.add_argument("--samples", type=int, default=200, help="list GETs per user")
        parser.add_argument("--warmup", type=int, default=20, help="list GETs not counted")
        parser.add_argument(
            "--attempts", type=int, default=3, help="measure a phase again when disturbed"
        )
        parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
        parser.add_argument("--out", type=Path, default=VAR / "intake.json")
        args = parser.parse_args(argv)
        submissions = args.submissions or (200 if args.quick else 1000)
        large = args.large or (100_000 if args.quick else 1_000_000)
        if large < args.small:
            parser.error("--large must not be below --small")
        return cls(
            database_url=args.database_url,
            submissions=submissions,
            clients=args.clients,
            workers=args.workers,
            server_workers=args.server_workers,
            worker_interval=args.worker_interval,
            small=args.small,
            large=large,
            samples=args.samples,
            warmup=args.warmup,
            attempts=max(1, args.attempts),
            keep=args.keep,
            quick=args.quick,
            out=args.out,
        )


def log(message: str) -> None:
    stamp = dt.datetime.now().strftime("%H:%M:%S")
    print(f"[{stamp}] {message}", flush=True)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def percentile(values: Sequence[float], fraction: float) -> float:
    """Nearest-rank percentile (p95 of 200 samples is the 190th smallest)."""
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * fraction // 1))
    return ordered[int(rank) - 1]


# Database --------------------------------------------------------------------------------------


class Database:
    """The benchmark's own database: created fresh, dropped at the end."""

    def __init__(self, url: str) -> None:
        parts = urlsplit(url)
        self.url = url
        self.name = parts.path.lstrip("/")
        if not self.name or not re.fullmatch(r"[A-Za-z0-9_]+", self.name):
            raise BenchError(f"unsupported database name in {url!r}")
        self.admin_url = urlunsplit(parts._replace(path="/postgres"))

    def recreate(self) -> None:
        with psycopg.connect(self.admin_url, autocommit=True) as admin:
            name = sql.Identifier(self.name)
            admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(name))
            admin.execute(sql.SQL("CREATE DATABASE {}").format(name))

    def drop(self) -> None:
        with psycopg.connect(self.admin_url, autocommit=True) as admin:
            admin.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(self.name))
            )

    @contextlib.contextmanager
    def connect(self) -> Iterator[psycopg.Connection[Any]]:
        with psycopg.connect(self.url, autocommit=True) as conn:
            yield conn

    def scalar(self, query: str, params: Sequence[Any] | None = None) -> Any:
        with self.connect() as conn:
            return value(conn, query, params)


def value(conn: psycopg.Connection[Any], query: str, params: Sequence[Any] | None = None) -> Any:
    """The first column of the first row (no params: the query is sent as it is)."""
    row = conn.execute(query, params).fetchone()  # type: ignore[arg-type]
    return row[0] if row else None


# Processes -------------------------------------------------------------------------------------


class Processes:
    """gunicorn and the task workers: started here, stopped here, logs in var/bench/logs."""

    def __init__(self, env: dict[str, str]) -> None:
        self.env = env
        self.server: subprocess.Popen[bytes] | None = None
        self.workers: list[subprocess.Popen[bytes]] = []
        self.port = 0
        LOG_DIR.mkdir(parents=True, exist_ok=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def _spawn(self, command: list[str], log_name: str) -> subprocess.Popen[bytes]:
        with (LOG_DIR / log_name).open("wb") as output:
            return subprocess.Popen(
                command,
                cwd=ROOT,
                env=self.env,
                stdout=output,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def start_server(self, workers: int) -> None:
        self.port = free_port()
        self.server = self._spawn(
            [
                str(BIN / "gunicorn"),
                "--workers", str(workers),
                "--bind", f"127.0.0.1:{self.port}",
                "--chdir", str(ROOT),
                "--no-control-socket",
                "--timeout", "120",
                "--backlog", "512",
                "bench.ceiling_wsgi:application",
            ],
            "gunicorn.log",
        )  # fmt: skip
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.server.poll() is not None:
                raise BenchError(f"gunicorn exited; see {LOG_DIR / 'gunicorn.log'}")
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(f"{self.base_url}/healthz", timeout=2).status_code < 600:
                    return
            time.sleep(0.2)
        raise BenchError("gunicorn did not answer within 60 s")

    def server_pids(self) -> list[int]:
        if self.server is None:
            return []
        return [self.server.pid, *children(self.server.pid)]

    def start_workers(self, count: int, interval: float) -> None:
        for index in range(count):
            self.workers.append(
                self._spawn(
                    [str(BIN / "vik"), "worker", "--interval", str(interval)],
                    f"worker-{index + 1}.log",
                )
            )
        time.sleep(1.0)
        for worker in self.workers:
            if worker.poll() is not None:
                raise BenchError(f"a worker exited at once; see {LOG_DIR}/worker-*.log")

    def worker_pids(self) -> list[int]:
        return [worker.pid for worker in self.workers if worker.poll() is None]

    def stop_workers(self) -> None:
        for worker in self.workers:
            stop(worker)
        self.workers = []

    def stop_all(self) -> None:
        self.stop_workers()
        if self.server is not None:
            stop(self.server)
            self.server = None


def stop(process: subprocess.Popen[bytes], timeout: float = 15) -> None:
    if process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(5)


def children(pid: int) -> list[int]:
    found: list[int] = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        with contextlib.suppress(OSError, IndexError, ValueError):
            stat = (entry / "stat").read_text()
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry.name))
    return found


def cpu_times(pids: Sequence[int]) -> dict[int, float]:
    """user + system CPU seconds of each process (its own, not its children's)."""
    ticks = os.sysconf("SC_CLK_TCK")
    times: dict[int, float] = {}
    for pid in pids:
        with contextlib.suppress(OSError, IndexError, ValueError):
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            times[pid] = (int(fields[11]) + int(fields[12])) / ticks
    return times


def postgres_pids(database: str) -> list[int]:
    """The PostgreSQL backends serving `database` (their process title names it)."""
    pids = []
    marker = f" {database} "
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError):
                title = (entry / "cmdline").read_bytes().decode(errors="replace")
                if title.startswith("postgres:") and marker in title:
                    pids.append(int(entry.name))
    return pids


def machine_busy() -> float:
    """CPU seconds the whole machine has been busy since boot (all cores), from /proc/stat."""
    values = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:8]]
    return (sum(values) - values[3] - values[4]) / os.sysconf("SC_CLK_TCK")


class CpuMeter:
    """CPU seconds each part of the system used while a phase ran, and what everything else on
    the machine used meanwhile (a concurrent test suite disturbs the figures; this shows it)."""

    def __init__(self, processes: Processes, database: str) -> None:
        self.processes = processes
        self.database = database
        self.start: dict[str, dict[int, float]] = {}
        self.machine_start = 0.0
        self.started_at = 0.0
        self.used: dict[str, float] = {}

    def _sample(self) -> dict[str, dict[int, float]]:
        usage = os.times()
        return {
            "server": cpu_times(self.processes.server_pids()),
            "workers": cpu_times(self.processes.worker_pids()),
            "postgres": cpu_times(postgres_pids(self.database)),
            "client": {0: usage.user + usage.system},
        }

    def __enter__(self) -> CpuMeter:
        self.start = self._sample()
        self.machine_start = machine_busy()
        self.started_at = time.monotonic()
        return self

    def __exit__(self, *exc: object) -> None:
        end = self._sample()
        busy = machine_busy() - self.machine_start
        wall = time.monotonic() - self.started_at
        for group, times in end.items():
            before = self.start.get(group, {})
            self.used[group] = round(sum(t - before.get(pid, 0.0) for pid, t in times.items()), 2)
        mine = sum(self.used.values())
        cores = os.cpu_count() or 1
        self.used["other"] = round(max(0.0, busy - mine), 2)
        self.used["machine_busy_pct"] = round(100 * busy / (wall * cores), 1) if wall else 0.0
        self.used["wall_s"] = round(wall, 2)
        self.used["cores"] = cores


def disturbed(cpu: dict[str, float]) -> bool:
    """Other processes took more than a tenth of the machine while the phase ran."""
    return cpu["other"] > 0.1 * cpu["wall_s"] * cpu["cores"]


def steady(label: str, attempts: int, measure: Callable[[], dict[str, Any]]) -> dict[str, Any]:
    """Measure; while other processes disturbed the phase, measure again (up to `attempts`
    times) and keep the least disturbed attempt. The machine may be shared with test suites."""
    tried: list[dict[str, Any]] = []
    for _ in range(attempts):
        result = measure()
        tried.append(result)
        cpu = result["cpu_s"]
        if not disturbed(cpu):
            break
        log(f"    {label}: other processes used {cpu['other']:.1f} CPU-s meanwhile")
    best = min(tried, key=lambda r: r["cpu_s"]["other"] / max(r["cpu_s"]["wall_s"], 1e-9))
    best["attempts"] = len(tried)
    return best


# HTTP clients ----------------------------------------------------------------------------------


def csrf_token(html: str) -> str:
    match = CSRF_INPUT.search(html)
    if match is None:
        raise BenchError("the page has no csrfmiddlewaretoken input")
    return match.group(1)


def form_data(index: int, token: str, municipality: str, run: str) -> dict[str, str]:
    first = FIRST_NAMES[index % len(FIRST_NAMES)]
    last = SURNAMES[index // len(FIRST_NAMES) % len(SURNAMES)]
    return {
        "csrfmiddlewaretoken": token,
        "submission_id": str(uuid.uuid4()),
        "name": f"{first} {last}",
        "email": f"obcan.{run}.{index}@example.cz",
        "phone": f"+420 731 {index % 1_000_000:06d}" if index % 4 == 0 else "",
        "municipality": municipality,
        "topic": "",
        "message": MESSAGES[index % len(MESSAGES)],
        "consent": "on",
        "website": "",
    }


@dataclasses.dataclass
class DriveResult:
    sent: int = 0
    failures: list[str] = dataclasses.field(default_factory=list)
    first_post: float = float("inf")  # time.time()
    last_answer: float = 0.0
    post_latencies: list[float] = dataclasses.field(default_factory=list)
    get_latencies: list[float] = dataclasses.field(default_factory=list)


def drive(
    base_url: str,
    *,
    total: int,
    clients: int,
    municipalities: Sequence[str],
    ceiling: bool,
    run: str,
) -> DriveResult:
    """`clients` threads, each with its own httpx.Client, share `total` GET / + POST pairs.

    (a) POSTs the form to `/` and expects 302 to /podani/<submission_id>/; (c) POSTs the same
    body to the bare view and expects 204.
    """
    result = DriveResult()
    lock = threading.Lock()
    counter = iter(range(total))
    start = threading.Barrier(clients)

    def next_index() -> int | None:
        with lock:
            return next(counter, None)

    def client_loop() -> None:
        try:
            with httpx.Client(base_url=base_url, timeout=60, follow_redirects=False) as client:
                start.wait()
                while (index := next_index()) is not None:
                    submit(client, index)
        except Exception as error:  # recorded, so that the run stops with the reason
            with lock:
                result.failures.append(f"client error: {type(error).__name__}: {error}")

    def submit(client: httpx.Client, index: int) -> None:
        began = time.perf_counter()
        page = client.get("/")
        got = time.perf_counter()
        if page.status_code != 200:
            with lock:
                result.failures.append(f"GET / answered {page.status_code}")
            return
        municipality = municipalities[index % len(municipalities)]
        data = form_data(index, csrf_token(page.text), municipality, run)
        if shown := SHOWN_INPUT.search(page.text):
            data["vik_shown"] = shown.group(1)
        sent = time.time()
        answer = client.post(CEILING_PATH if ceiling else "/", data=data)
        answered = time.time()
        done = time.perf_counter()
        problem = ""
        if ceiling and answer.status_code != 204:
            problem = f"POST {CEILING_PATH} answered {answer.status_code}"
        elif not ceiling:
            location = answer.headers.get("location", "")
            match = SUBMITTED_LOCATION.match(location)
            if answer.status_code != 302 or not match:
                problem = f"POST / answered {answer.status_code} {location!r}: " + (
                    form_errors(answer.text) if answer.status_code == 200 else ""
                )
            elif match.group(1) != data["submission_id"]:
                problem = f"POST / redirected to another submission: {location}"
        with lock:
            result.sent += 1
            result.first_post = min(result.first_post, sent)
            result.last_answer = max(result.last_answer, answered)
            result.get_latencies.append(got - began)
            result.post_latencies.append(done - got)
            if problem:
                result.failures.append(problem)

    threads = [threading.Thread(target=client_loop, name=f"client-{i}") for i in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return result


def form_errors(html: str) -> str:
    errors = re.findall(r'class="[^"]*error[^"]*"[^>]*>(.*?)<', html, flags=re.S)
    return "; ".join(e.strip() for e in errors if e.strip())[:300] or "(form re-rendered)"


def staff_client(base_url: str, username: str) -> httpx.Client:
    client = httpx.Client(base_url=base_url, timeout=60, follow_redirects=False)
    page = client.get("/staff/login/")
    answer = client.post(
        "/staff/login/",
        data={
            "csrfmiddlewaretoken": csrf_token(page.text),
            "username": username,
            "password": DEMO_PASSWORD,
        },
    )
    if answer.status_code != 302:
        client.close()
        raise BenchError(f"login as {username} answered {answer.status_code}, not 302")
    return client


def list_latency(client: httpx.Client, *, samples: int, warmup: int) -> dict[str, Any]:
    """`warmup` untimed, then `samples` timed GETs of the first page, one after the other; every
    answer must be 200 with a full page (50 requests)."""
    durations: list[float] = []
    rows = 0
    for index in range(warmup + samples):
        began = time.perf_counter()
        answer = client.get("/staff/requests/")
        elapsed = time.perf_counter() - began
        rows = len(LIST_ROW.findall(answer.text))
        if answer.status_code != 200 or rows != PAGE_ROWS:
            raise BenchError(
                f"GET /staff/requests/ answered {answer.status_code} with {rows} rows, "
                f"not 200 with {PAGE_ROWS}"
            )
        if index >= warmup:
            durations.append(elapsed)
    return {
        "median_ms": round(statistics.median(durations) * 1000, 2),
        "p95_ms": round(percentile(durations, 0.95) * 1000, 2),
        "mean_ms": round(statistics.fmean(durations) * 1000, 2),
        "max_ms": round(max(durations) * 1000, 2),
        "samples": len(durations),
        "rows_on_page": rows,
    }


# Phases ----------------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Territory:
    region_id: int
    centre_ids: list[int]
    municipality_ids: list[int]
    labels: list[str]
    topic_ids: list[int]
    agent_centre_id: int


def territory(db: Database) -> Territory:
    with db.connect() as conn:
        row = conn.execute(
            "SELECT id FROM territory_region WHERE abbreviation = %s", [REGION_ABBREVIATION]
        ).fetchone()
        if row is None:
            raise BenchError("the demo did not load Kraj Vysočina")
        region_id = int(row[0])
        centre_ids = [
            int(r[0])
            for r in conn.execute(
                "SELECT id FROM tenancy_informationcentre WHERE region_id = %s ORDER BY id",
                [region_id],
            )
        ]
        # Labels the chooser offers, "Name (okres District)"; only unambiguous ones.
        municipalities = conn.execute(
            """SELECT min(id), min(name), district_name FROM territory_municipality
               WHERE region_id = %s AND is_active GROUP BY search_name, district_name
               HAVING count(*) = 1 ORDER BY min(name)""",
            [region_id],
        ).fetchall()
        topic_ids = [int(r[0]) for r in conn.execute("SELECT id FROM topics_topic ORDER BY id")]
        agent = conn.execute(
            """SELECT m.centre_id FROM tenancy_membership m JOIN tenancy_user u ON u.id = m.user_id
               WHERE u.username = %s AND m.centre_id IS NOT NULL""",
            [AGENT],
        ).fetchone()
    if len(centre_ids) != 16 or not municipalities or not topic_ids or agent is None:
        raise BenchError(
            f"unexpected demo data: {len(centre_ids)} centres, {len(municipalities)} "
            f"municipalities, agent centre {agent}"
        )
    labels = [f"{name} (okres {district})" for _id, name, district in municipalities]
    jihlava = "Jihlava (okres Jihlava)"
    if jihlava in labels:  # the label from the brief goes first
        labels.remove(jihlava)
        labels.insert(0, jihlava)
    return Territory(
        region_id=region_id,
        centre_ids=centre_ids,
        municipality_ids=[int(m[0]) for m in municipalities],
        labels=labels,
        topic_ids=topic_ids,
        agent_centre_id=int(agent[0]),
    )


def diagnose_intake(db: Database, since_payload: int) -> str:
    with db.connect() as conn:
        states = conn.execute(
            "SELECT state, count(*) FROM channels_inboundpayload WHERE id > %s GROUP BY state",
            [since_payload],
        ).fetchall()
        errors = conn.execute(
            """SELECT left(last_error, 300), left(quarantine_reason, 300)
               FROM channels_inboundpayload
               WHERE id > %s AND (last_error <> '' OR quarantine_reason <> '') LIMIT 3""",
            [since_payload],
        ).fetchall()
        tasks = conn.execute(
            "SELECT status, count(*) FROM django_tasks_database_dbtaskresult GROUP BY status"
        ).fetchall()
        failed = conn.execute(
            """SELECT exception_class_path, right(traceback, 600)
               FROM django_tasks_database_dbtaskresult WHERE status = 'FAILED' LIMIT 1"""
        ).fetchall()
    lines = [f"payload states: {dict(states)}", f"task states: {dict(tasks)}"]
    lines += [f"payload error: {e!r} quarantine: {q!r}" for e, q in errors]
    lines += [f"failed task {cls}:\n{tb}" for cls, tb in failed]
    for path in sorted(LOG_DIR.glob("worker-*.log")):
        tail = path.read_text(errors="replace").splitlines()[-15:]
        lines.append(f"--- {path.name} (last lines)\n" + "\n".join(tail))
    return "\n".join(lines)


def measure_intake(
    config: Config, db: Database, processes: Processes, places: Territory
) -> dict[str, Any]:
    """(a): submissions per second, from the first POST until the last request exists."""
    base_request = int(db.scalar("SELECT coalesce(max(id), 0) FROM conversations_request"))
    base_payload = int(db.scalar("SELECT coalesce(max(id), 0) FROM channels_inboundpayload"))
    run = uuid.uuid4().hex[:6]
    total = config.submissions
    outcome: dict[str, DriveResult] = {}

    def clients() -> None:
        outcome["drive"] = drive(
            processes.base_url,
            total=total,
            clients=config.clients,
            municipalities=places.labels,
            ceiling=False,
            run=run,
        )

    count_payloads = (
        "SELECT count(*), max(processed_at) FROM channels_inboundpayload "
        "WHERE id > %s AND state = 'processed'"
    )
    with CpuMeter(processes, db.name) as cpu, db.connect() as conn:
        sender = threading.Thread(target=clients, name="clients")
        sender.start()
        processed, last_processed = 0, None
        progress_at, last_seen = time.monotonic(), -1
        while True:
            row = conn.execute(count_payloads, [base_payload]).fetchone()
            assert row is not None
            processed, last_processed = row
            if not sender.is_alive():
                drive_result = outcome.get("drive")
                if drive_result is None:
                    raise BenchError("the client threads failed")
                if drive_result.failures:
                    raise BenchError(
                        f"{len(drive_result.failures)} of {drive_result.sent} submissions "
                        f"failed, e.g. {drive_result.failures[0]}; see {LOG_DIR / 'gunicorn.log'}"
                    )
                if processed >= drive_result.sent:
                    break
            if processed != last_seen:
                progress_at, last_seen = time.monotonic(), processed
            elif time.monotonic() - progress_at > 90:
                raise BenchError(
                    f"the workers made no progress for 90 s ({processed} of {total} processed)\n"
                    + diagnose_intake(db, base_payload)
                )
            time.sleep(0.05)
        sender.join()
    result = outcome["drive"]
    created = int(
        db.scalar("SELECT count(*) FROM conversations_request WHERE id > %s", [base_request])
    )
    if created != result.sent:
        raise BenchError(
            f"{result.sent} submissions made {created} requests\n"
            + diagnose_intake(db, base_payload)
        )
    assert last_processed is not None
    elapsed = last_processed.timestamp() - result.first_post
    accept_elapsed = result.last_answer - result.first_post
    return {
        "submissions": result.sent,
        "requests_created": created,
        "elapsed_s": round(elapsed, 3),
        "submissions_per_s": round(result.sent / elapsed, 2),
        "accepted_per_s": round(result.sent / accept_elapsed, 2),
        "drain_after_last_post_s": round(last_processed.timestamp() - result.last_answer, 3),
        "get_median_ms": round(statistics.median(result.get_latencies) * 1000, 2),
        "post_median_ms": round(statistics.median(result.post_latencies) * 1000, 2),
        "post_p95_ms": round(percentile(result.post_latencies, 0.95) * 1000, 2),
        "cpu_s": cpu.used,
    }


def measure_ceiling(config: Config, db: Database, processes: Processes) -> dict[str, Any]:
    """(c): the same clients and pairs, the POST answered by one bare INSERT."""
    before = int(db.scalar("SELECT count(*) FROM bench_ceiling"))
    with CpuMeter(processes, db.name) as cpu:
        result = drive(
            processes.base_url,
            total=config.submissions,
            clients=config.clients,
            municipalities=["Jihlava (okres Jihlava)"],
            ceiling=True,
            run="ceiling",
        )
    if result.failures:
        raise BenchError(f"ceiling: {len(result.failures)} failed, e.g. {result.failures[0]}")
    inserted = int(db.scalar("SELECT count(*) FROM bench_ceiling")) - before
    if inserted != result.sent:
        raise BenchError(f"ceiling: {result.sent} POSTs inserted {inserted} rows")
    elapsed = result.last_answer - result.first_post
    return {
        "submissions": result.sent,
        "rows_inserted": inserted,
        "elapsed_s": round(elapsed, 3),
        "submissions_per_s": round(result.sent / elapsed, 2),
        "get_median_ms": round(statistics.median(result.get_latencies) * 1000, 2),
        "post_median_ms": round(statistics.median(result.post_latencies) * 1000, 2),
        "cpu_s": cpu.used,
    }


POPULATE_CONTACTS = """
INSERT INTO contacts_contact (created_at, updated_at, kind, requester_type, name, note, region_id)
SELECT now(), now(), 'person', 'citizen',
       (%(first)s::text[])[1 + g %% cardinality(%(first)s::text[])] || ' ' ||
       (%(last)s::text[])[1 + (g / 7) %% cardinality(%(last)s::text[])],
       '', %(region)s
FROM generate_series(1, %(count)s) AS g
"""

POPULATE_REQUESTS = """
INSERT INTO conversations_request (
    created_at, updated_at, reference, subject, kind, status, priority, origin_channel,
    language, public_token, last_activity_at, region_id, centre_id, municipality_id,
    requester_id, topic_id, statutory_extension_reason, statutory_notified_channel)
SELECT ts, ts,
       'BENCH-' || lpad((%(offset)s + g)::text, 9, '0'),
       (%(subjects)s::text[])[1 + g %% cardinality(%(subjects)s::text[])],
       (%(kinds)s::text[])[1 + (g / 3) %% cardinality(%(kinds)s::text[])],
       (%(statuses)s::text[])[1 + (g / 5) %% cardinality(%(statuses)s::text[])],
       1 + (g / 11) %% 4,
       (%(channels)s::text[])[1 + (g / 13) %% cardinality(%(channels)s::text[])],
       'cs',
       encode(sha256(convert_to('vik-bench-' || (%(offset)s + g)::text, 'UTF8')), 'hex'),
       ts, %(region)s,
       (%(centres)s::bigint[])[1 + g %% cardinality(%(centres)s::bigint[])],
       (%(municipalities)s::bigint[])[1 + (g / 17) %% cardinality(%(municipalities)s::bigint[])],
       %(contact_low)s + g %% %(contacts)s,
       CASE WHEN g %% 3 = 0 THEN NULL
            ELSE (%(topics)s::bigint[])[1 + (g / 19) %% cardinality(%(topics)s::bigint[])] END,
       '', ''
FROM (
    SELECT g, now() - random() * interval '365 days' AS ts
    FROM generate_series(1, %(count)s) AS g
) AS rows
"""


def populate(db: Database, places: Territory, target: int, batch: int = 100_000) -> dict[str, Any]:
    """Bulk-insert requests (and their requesters, one contact per two requests) until the
    database holds `target`, spread over the region's 16 centres and the past year; then
    VACUUM ANALYZE the two tables."""
    started = time.monotonic()
    existing = int(db.scalar("SELECT count(*) FROM conversations_request"))
    missing = max(0, target - existing)
    done = 0
    with db.connect() as conn:
        conn.execute("SELECT setseed(0.42)")
        offset = int(
            value(conn, "SELECT count(*) FROM conversations_request WHERE reference LIKE 'BENCH-%'")
        )
        while done < missing:
            count = min(batch, missing - done)
            contacts = max(1, count // 2)
            with conn.transaction():
                before = int(value(conn, "SELECT coalesce(max(id), 0) FROM contacts_contact"))
                conn.execute(
                    POPULATE_CONTACTS,
                    {
                        "first": list(FIRST_NAMES),
                        "last": list(SURNAMES),
                        "region": places.region_id,
                        "count": contacts,
                    },
                )
                low, high, made = conn.execute(
                    "SELECT min(id), max(id), count(*) FROM contacts_contact WHERE id > %s",
                    [before],
                ).fetchone()  # type: ignore[misc]
                if made != contacts or high - low + 1 != contacts:
                    raise BenchError("bulk contacts did not get consecutive ids")
                conn.execute(
                    POPULATE_REQUESTS,
                    {
                        "offset": offset + done,
                        "subjects": list(SUBJECTS),
                        "kinds": list(KINDS),
                        "statuses": list(STATUSES),
                        "channels": list(CHANNELS),
                        "region": places.region_id,
                        "centres": places.centre_ids,
                        "municipalities": places.municipality_ids,
                        "contact_low": low,
                        "contacts": contacts,
                        "topics": places.topic_ids,
                        "count": count,
                    },
                )
            done += count
            if missing > batch:
                log(f"  … {existing + done:,} requests")
        conn.execute("VACUUM (ANALYZE) conversations_request, contacts_contact")
    total = int(db.scalar("SELECT count(*) FROM conversations_request"))
    return {
        "requests": total,
        "inserted": done,
        "seconds": round(time.monotonic() - started, 1),
    }


def list_plans(db: Database, places: Territory) -> dict[str, str]:
    """The plans of the two list queries (without the joins), to show which index serves them."""
    queries = {
        "coordinator": "WHERE region_id = %s",
        "agent": "WHERE centre_id IN (%s)",
    }
    plans: dict[str, str] = {}
    with db.connect() as conn:
        for who, where in queries.items():
            param = places.region_id if who == "coordinator" else places.agent_centre_id
            rows = conn.execute(
                "EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY ON) SELECT * FROM "
                f"conversations_request {where} ORDER BY created_at DESC, id DESC LIMIT 51",
                [param],
            ).fetchall()
            plans[who] = " | ".join(str(r[0]).strip() for r in rows)
    return plans


def measure_list(
    config: Config, db: Database, processes: Processes, places: Territory
) -> dict[str, Any]:
    result: dict[str, Any] = {
        "requests": int(db.scalar("SELECT count(*) FROM conversations_request"))
    }
    for who, username in (("coordinator", COORDINATOR), ("agent", AGENT)):
        client = staff_client(processes.base_url, username)

        def timed(client: httpx.Client = client) -> dict[str, Any]:
            with CpuMeter(processes, db.name) as cpu:
                timing = list_latency(client, samples=config.samples, warmup=config.warmup)
            timing["cpu_s"] = cpu.used
            return timing

        try:
            result[who] = steady(f"{who} list", config.attempts, timed)
        finally:
            client.close()
    result["agent"]["centre_requests"] = int(
        db.scalar(
            "SELECT count(*) FROM conversations_request WHERE centre_id = %s",
            [places.agent_centre_id],
        )
    )
    result["plans"] = list_plans(db, places)
    return result


# Setup and report ------------------------------------------------------------------------------


def run_vik(env: dict[str, str], *args: str) -> None:
    log(f"vik {' '.join(args)}")
    done = subprocess.run(
        [str(BIN / "vik"), *args], cwd=ROOT, env=env, capture_output=True, text=True
    )
    if done.returncode != 0:
        raise BenchError(
            f"vik {' '.join(args)} failed:\n{done.stdout[-2000:]}{done.stderr[-4000:]}"
        )


def warm_up(processes: Processes, db: Database, places: Territory) -> None:
    """Let both gunicorn workers import and compile what they need, and the task workers too:
    a few form GETs and submissions (processed before the measurement starts)."""
    base = int(db.scalar("SELECT coalesce(max(id), 0) FROM channels_inboundpayload"))
    warm = drive(
        processes.base_url,
        total=8,
        clients=4,
        municipalities=places.labels[:8],
        ceiling=False,
        run="warmup",
    )
    if warm.failures:
        raise BenchError(
            f"warm-up submission failed: {warm.failures[0]}; see {LOG_DIR / 'gunicorn.log'}"
        )
    # The demo's own tasks go first too (the knowledge articles' embeddings, ~15 s of CPU), so
    # that the measurement sees the workers doing intake only.
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        done = int(
            db.scalar(
                "SELECT count(*) FROM channels_inboundpayload WHERE id > %s AND state = %s",
                [base, "processed"],
            )
        )
        waiting = int(
            db.scalar(
                "SELECT count(*) FROM django_tasks_database_dbtaskresult "
                "WHERE status IN ('READY', 'RUNNING')"
            )
        )
        if done >= warm.sent and not waiting:
            return
        time.sleep(0.1)
    raise BenchError(
        "the workers did not finish the warm-up and the demo's tasks\n" + diagnose_intake(db, base)
    )


def verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def cpu_per_submission(data: dict[str, Any]) -> float:
    """CPU seconds the server, the workers, PostgreSQL and the client spent per submission."""
    cpu = data["cpu_s"]
    used = cpu["server"] + cpu["workers"] + cpu["postgres"] + cpu["client"]
    return float(used) / data["submissions"]


def cpu_lines(label: str, data: dict[str, Any]) -> list[str]:
    cpu = data["cpu_s"]
    server_side = (cpu["server"] + cpu["workers"] + cpu["postgres"]) * 1000 / data["submissions"]
    lines = [
        f"    {label} server {cpu['server']:.1f}, workers {cpu['workers']:.1f}, postgres "
        f"{cpu['postgres']:.1f}, client {cpu['client']:.1f}, other processes {cpu['other']:.1f} "
        f"(machine {cpu['machine_busy_pct']:.0f}% busy over {cpu['wall_s']:.1f} s); "
        f"{server_side:.1f} ms server-side CPU per submission"
    ]
    if disturbed(cpu):
        lines.append(
            f"    WARNING: other processes used {cpu['other']:.1f} CPU-s during {label} (best of "
            f"{data.get('attempts', 1)} attempts): the machine was shared, the figure is disturbed"
        )
    return lines


def report(config: Config, results: dict[str, Any]) -> bool:
    intake, ceiling = results["intake"], results["ceiling"]
    small, large = results["list_small"], results["list_large"]
    ratio = intake["submissions_per_s"] / ceiling["submissions_per_s"]
    growth = {who: large[who]["p95_ms"] / small[who]["p95_ms"] for who in ("coordinator", "agent")}
    cpu_ratio = cpu_per_submission(ceiling) / cpu_per_submission(intake)
    ratio_ok = ratio >= BAR_RATIO
    growth_ok = all(g <= BAR_P95_GROWTH for g in growth.values())
    small_label, large_label = f"{small['requests']:,}", f"{large['requests']:,}"
    lines = [
        "",
        f"VIK intake benchmark ({'quick' if config.quick else 'full'}; "
        f"{config.clients} clients, gunicorn {config.server_workers} workers, "
        f"{config.workers} task workers, {os.cpu_count()} CPUs)",
        "",
        f"(a) form submissions until the request exists: {intake['submissions_per_s']:.1f}/s "
        f"({intake['submissions']} in {intake['elapsed_s']:.2f} s; POSTs accepted at "
        f"{intake['accepted_per_s']:.1f}/s, backlog drained "
        f"{intake['drain_after_last_post_s']:.2f} s after the last POST)",
        f"(c) ceiling, GET / + bare INSERT POST:        {ceiling['submissions_per_s']:.1f}/s "
        f"({ceiling['submissions']} in {ceiling['elapsed_s']:.2f} s)",
        f"    a/c = {ratio:.3f}; from CPU per submission (robust to other load): "
        f"{cpu_ratio:.3f} ({cpu_per_submission(intake) * 1000:.1f} vs "
        f"{cpu_per_submission(ceiling) * 1000:.1f} ms)",
        f"    median GET / {intake['get_median_ms']:.1f} ms, "
        f"POST / {intake['post_median_ms']:.1f} ms (a); "
        f"GET / {ceiling['get_median_ms']:.1f} ms, POST {CEILING_PATH} "
        f"{ceiling['post_median_ms']:.1f} ms (c), under load",
        *cpu_lines("(a)", intake),
        *cpu_lines("(c)", ceiling),
        "",
        "(b) GET /staff/requests/, sequential      median ms    p95 ms",
    ]
    for label, data in ((small_label, small), (large_label, large)):
        for who in ("coordinator", "agent"):
            lines.append(
                f"    {who:<12} at {label:>10} requests {data[who]['median_ms']:>11.1f} "
                f"{data[who]['p95_ms']:>9.1f}"
            )
    for label, data in ((small_label, small), (large_label, large)):
        for who in ("coordinator", "agent"):
            if disturbed(data[who]["cpu_s"]):
                lines.append(
                    f"    WARNING: other processes used {data[who]['cpu_s']['other']:.1f} CPU-s "
                    f"while the {who} list was timed at {label} (best of "
                    f"{data[who].get('attempts', 1)} attempts): p95 is disturbed"
                )
    lines += [
        f"    p95 ratio {large_label}/{small_label}: coordinator {growth['coordinator']:.2f}, "
        f"agent {growth['agent']:.2f}",
        "",
        f"bar a/c ≥ {BAR_RATIO}: {ratio:.3f} → {verdict(ratio_ok)}",
        f"bar p95 at {large_label} ≤ {BAR_P95_GROWTH} × p95 at {small_label}: "
        f"coordinator {growth['coordinator']:.2f}, agent {growth['agent']:.2f} → "
        f"{verdict(growth_ok)}",
    ]
    if config.quick:
        lines.append(f"(quick run: the list bar compares {small_label} with {large_label}, not 1M)")
    print("\n".join(lines), flush=True)
    results["ratio_a_c"] = round(ratio, 4)
    results["ratio_a_c_from_cpu"] = round(cpu_ratio, 4)
    results["p95_ratio"] = {who: round(g, 3) for who, g in growth.items()}
    results["bars"] = {
        "a_over_c_ge_0_7": {"value": round(ratio, 4), "pass": ratio_ok},
        "p95_large_le_1_5x_small": {
            "value": {who: round(g, 3) for who, g in growth.items()},
            "pass": growth_ok,
        },
    }
    return ratio_ok and growth_ok


def environment(db: Database) -> dict[str, Any]:
    model = ""
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    return {
        "cpus": os.cpu_count(),
        "cpu_model": model,
        "python": platform.python_version(),
        "postgres": db.scalar("SHOW server_version"),
        "host": platform.node(),
    }


class MailSink:
    """The mail server of the run (aiosmtpd on loopback): the demo's centres hand requests
    out by round robin, and the assignees are e-mailed, as in production."""

    def __init__(self) -> None:
        from aiosmtpd.controller import Controller

        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = int(probe.getsockname()[1])
        self.received = 0
        self._controller = Controller(self, hostname="127.0.0.1", port=self.port)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.received += 1
        return "250 OK"

    def start(self) -> int:
        self._controller.start()
        return self.port

    def stop(self) -> None:
        with contextlib.suppress(Exception):
            self._controller.stop()


def main(argv: Sequence[str] | None = None) -> int:
    config = Config.from_args(argv)
    started = time.monotonic()
    db = Database(config.database_url)
    mail = MailSink()
    env = {
        "VIK_SMTP_HOST": "127.0.0.1",
        "VIK_SMTP_PORT": str(mail.start()),
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
    }
    processes = Processes(env)
    results: dict[str, Any] = {
        "config": {
            key: str(value) if isinstance(value, Path) else value
            for key, value in dataclasses.asdict(config).items()
        },
        "started_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
    }
    passed = False
    try:
        log(f"database {db.name}: drop if it exists, create")
        db.recreate()
        run_vik(env, "collectstatic", "--noinput")
        run_vik(env, "demo", "--no-serve", "--requests", "0")
        with db.connect() as conn:
            conn.execute(
                "CREATE TABLE bench_ceiling (id bigserial PRIMARY KEY, body text NOT NULL, "
                "created_at timestamptz NOT NULL)"
            )
        results["environment"] = environment(db)
        places = territory(db)
        processes.start_server(config.server_workers)
        log(f"gunicorn on {processes.base_url} ({config.server_workers} workers)")
        processes.start_workers(config.workers, config.worker_interval)
        log(f"{config.workers} workers (poll every {config.worker_interval} s); warming up")
        warm_up(processes, db, places)

        log(f"(a) {config.submissions} form submissions from {config.clients} clients")
        results["intake"] = steady(
            "(a)", config.attempts, lambda: measure_intake(config, db, processes, places)
        )
        log(f"    {results['intake']['submissions_per_s']} submissions/s")
        processes.stop_workers()

        log(f"(c) ceiling: {config.submissions} GET / + POST {CEILING_PATH}")
        drive(
            processes.base_url,
            total=16,
            clients=4,
            municipalities=places.labels[:1],
            ceiling=True,
            run="warmup",
        )
        results["ceiling"] = steady(
            "(c)", config.attempts, lambda: measure_ceiling(config, db, processes)
        )
        log(f"    {results['ceiling']['submissions_per_s']} submissions/s")

        for key, target in (("list_small", config.small), ("list_large", config.large)):
            log(f"(b) populating up to {target:,} requests")
            results[f"populate_{key.split('_')[1]}"] = populate(db, places, target)
            log(f"(b) GET /staff/requests/ x {config.warmup}+{config.samples}, two users")
            results[key] = measure_list(config, db, processes, places)

        results["assignment_emails_received"] = mail.received
        passed = report(config, results)
        results["total_seconds"] = round(time.monotonic() - started, 1)
        config.out.parent.mkdir(parents=True, exist_ok=True)
        config.out.write_text(json.dumps(results, indent=2, ensure_ascii=False, default=str))
        log(f"figures written to {config.out}; took {results['total_seconds']:.0f} s")
    except BenchError as error:
        print(f"\nBENCHMARK FAILED: {error}", file=sys.stderr, flush=True)
        return 2
    except Exception:
        traceback.print_exc()
        print("\nBENCHMARK FAILED (harness error, above)", file=sys.stderr, flush=True)
        return 2
    finally:
        processes.stop_all()
        mail.stop()
        if config.keep:
            log(f"keeping database {db.name}")
        else:
            with contextlib.suppress(psycopg.Error):
                db.drop()
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
