"""VIK live chat benchmark (issue 16): citizens' messages to agents' consoles over WebSockets, on
two uvicorn processes behind one Redis channel layer, stored in PostgreSQL before delivered.

(a) VIK: 500 citizens (POST /chat/api/start, then /ws/chat/ and `hello`), 20 agents (signed in,
    /ws/chat/staff/, each accepting 25 chats), citizens and agents spread over both processes.
    Each citizen sends a `message` every few seconds for a minute (`--interval`, `--duration`);
    the latency is from the citizen's send to the `message` frame on the agent's console (both
    ends in this process, one clock). Before that minute (so that its backlog, if any, does
    not spill into them) the rate is stepped up from `--step-start` (10/s, ×`--step-factor` 1.6
    every `--step-seconds`, 10 s) until p95 passes 100 ms: the saturation rate.
(b) Ceiling: a bare Channels echo of the same shape (bench/chat_echo_asgi.py: citizen socket →
    group_send through Redis → agent socket, nothing stored) on two fresh uvicorn processes of the
    same site, the same Redis database, the same connection counts and the same rate steps.

Prints p50/p95, errors (error frames, closed sockets, messages never delivered), memory per
connection (RSS of the server processes), the CPU of each part, both saturation rates and their
ratio. Goals: (a) p95 ≤ 50 ms and no errors.

    PYTHONPATH=$PWD .venv/bin/python bench/chat.py [--quick] [--database-url URL] [--keep]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

import httpx
import redis
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed
from websockets.typing import Origin

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from vik.testing.asgi import AsgiSite, asgi_site, asgi_site_cleanup  # noqa: E402

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/vik_bench_chat"
LAYER_URL = "redis://127.0.0.1:6379/15"
TEXT = "Dobrý den, kdy je otevřen sběrný dvůr a co tam mohu odvézt?"
GOAL_P95_MS = 50.0
SATURATION_MS = 100.0
NEVER_S = 10.0  # a message not on the agent's console after this long is lost (an error)


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def percentile(values: Sequence[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(fraction * len(ordered)) - 1))]


# --- the machine: RSS and CPU from /proc ----------------------------------------------------

TICK = os.sysconf("SC_CLK_TCK")


def rss_mb(pids: Sequence[int]) -> float:
    total = 0
    for pid in pids:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                total += int(line.split()[1])
    return total / 1024


def cpu_seconds(pid: int) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / TICK


def postgres_pids(database: str) -> list[int]:
    """The PostgreSQL backends serving `database` (their title names it)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError):
                title = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
                if title.startswith("postgres: ") and f" {database} " in title:
                    found.append(int(entry.name))
    return found


def machine_busy() -> float:
    values = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:8]]
    return (sum(values) - values[3] - values[4]) / TICK  # all but idle and iowait


class CpuMeter:
    """CPU seconds of each part during a phase: the servers, Redis, PostgreSQL, this client,
    everything else on the machine."""

    def __init__(self, servers: Sequence[int], redis_pid: int, database: str) -> None:
        self.parts = {"server": list(servers), "redis": [redis_pid], "client": [os.getpid()]}
        self.database = database

    def sample(self) -> dict[str, Any]:
        parts = {k: {p: cpu_seconds(p) for p in pids} for k, pids in self.parts.items()}
        parts["postgres"] = {p: cpu_seconds(p) for p in postgres_pids(self.database)}
        return {"parts": parts, "busy": machine_busy(), "at": time.monotonic()}

    @staticmethod
    def share(before: dict[str, Any], after: dict[str, Any]) -> dict[str, float]:
        """Per cent of one core, by part, between two samples."""
        elapsed = after["at"] - before["at"]
        used = {
            part: sum(t - before["parts"][part].get(p, 0.0) for p, t in pids.items())
            for part, pids in after["parts"].items()
        }
        used["other"] = max(0.0, after["busy"] - before["busy"] - sum(used.values()))
        return {part: round(100 * seconds / elapsed, 1) for part, seconds in used.items()}


# --- the clients ------------------------------------------------------------------------------


@dataclass
class Run:
    """What the clients share: the current rate, messages in flight, latencies, errors."""

    citizens: int
    rate: float = 0.0  # messages per second from all citizens together; 0: silent
    pending: dict[str, float] = field(default_factory=dict)  # id → when sent
    delivered: list[tuple[float, float]] = field(default_factory=list)  # (sent, latency s)
    errors: Counter[str] = field(default_factory=Counter)
    closing: bool = False
    counter: int = 0

    def window(self, start: float, end: float) -> dict[str, Any]:
        """The messages sent in [start, end): latency figures, those never delivered count as
        infinitely late."""
        latencies = [lat for sent, lat in self.delivered if start <= sent < end]
        missing = sum(1 for sent in self.pending.values() if start <= sent < end)
        values = [lat * 1000 for lat in latencies] + [float("inf")] * missing
        if not values:
            return {"messages": 0, "p50_ms": 0.0, "p95_ms": 0.0, "rate": 0.0, "missing": 0}
        return {
            "messages": len(values),
            "rate": round(len(values) / (end - start), 1),
            "p50_ms": round(percentile(values, 0.50), 2),
            "p95_ms": round(percentile(values, 0.95), 2),
            "p99_ms": round(percentile(values, 0.99), 2),
            "max_ms": round(max(values), 2),
            "mean_ms": round(statistics.fmean(latencies) * 1000, 2) if latencies else 0.0,
            "missing": missing,
        }


async def reader(socket: ClientConnection, run: Run, side: str, on_frame: Any = None) -> None:
    """Every frame a socket receives: a `message` the run waits for is timed, an `error` frame
    counted; a socket closed before the end is an error."""
    try:
        async for raw in socket:
            frame = json.loads(raw)
            kind = frame.get("type")
            if kind == "message" and side == "agent":
                sent = run.pending.pop(str(frame.get("id")), None)
                if sent is not None:
                    now = time.perf_counter()
                    run.delivered.append((sent, now - sent))
            elif kind == "error":
                run.errors[f"{side} error frame {frame.get('code')}"] += 1
            if on_frame is not None:
                on_frame(frame)
    except ConnectionClosed as closed:
        if not run.closing:
            run.errors[f"{side} socket closed {closed.rcvd.code if closed.rcvd else ''}"] += 1


async def sender(sockets: list[ClientConnection], chats: list[int], run: Run) -> None:
    """The citizens' messages as one Poisson process of `run.rate` a second, each from a citizen
    drawn at random; on an absolute schedule, so a late wake-up catches up, and a new rate
    holds from the next message on."""
    due = time.perf_counter()
    while not run.closing:
        if run.rate <= 0:
            await asyncio.sleep(0.02)
            due = time.perf_counter()
            continue
        due += random.expovariate(run.rate)
        delay = due - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        if run.rate <= 0 or run.closing:
            continue
        j = random.randrange(len(sockets))
        run.counter += 1
        client_id = f"b{j}-{run.counter}"
        run.pending[client_id] = time.perf_counter()
        with contextlib.suppress(ConnectionClosed):  # counted by the socket's reader
            await sockets[j].send(json.dumps({"type": "message", "id": client_id, "text": TEXT,
                                              "chat": chats[j]}))  # fmt: skip


async def gather_limited(jobs: Sequence[Callable[[], Awaitable[Any]]], limit: int) -> list[Any]:
    gate = asyncio.Semaphore(limit)

    async def one(job: Callable[[], Awaitable[Any]]) -> Any:
        async with gate:
            return await job()

    return await asyncio.gather(*(one(job) for job in jobs))


@dataclass
class Connections:
    citizens: list[ClientConnection] = field(default_factory=list)
    chats: list[int] = field(default_factory=list)
    agents: list[ClientConnection] = field(default_factory=list)
    tasks: list[asyncio.Task[Any]] = field(default_factory=list)
    rss: dict[str, float] = field(default_factory=dict)

    async def close(self, run: Run) -> None:
        run.closing = True
        for task in self.tasks:
            task.cancel()
        await asyncio.gather(*self.tasks, return_exceptions=True)
        await asyncio.gather(
            *(s.close() for s in self.citizens + self.agents), return_exceptions=True
        )


# --- (a) VIK's chat -----------------------------------------------------------------------------


async def connect_vik(site: AsgiSite, indexes: list[int], args: Any, run: Run) -> Connections:
    """Agents signed in and on their consoles, chats started, citizens connected (RSS
    measured before, at half and after), every chat accepted by its agent."""
    pids = [site.processes[i].pid for i in indexes]  # type: ignore[union-attr]
    slugs = json.loads(site.python(
        "import json\nfrom vik.tenancy.models import InformationCentre\n"
        "print(json.dumps(list(InformationCentre.objects.filter(is_active=True)"
        ".order_by('slug').values_list('slug', flat=True))))"
    ))  # fmt: skip
    centres = slugs[: min(args.centres, args.agents)]
    agent_centre = [centres[a % len(centres)] for a in range(args.agents)]
    usernames = site.new_agents(agent_centre)
    # The pages and the chat's HTTP API: a process of their own, as production serves them from
    # gunicorn. Under uvicorn each HTTP request runs in a thread of its own, and with persistent
    # database connections (VIK_DB_CONN_MAX_AGE, 60 s) they pile up: 500 chat starts ran out of
    # PostgreSQL's 100 connections after ~290.
    web = site.start(settings={"VIK_DB_CONN_MAX_AGE": "0"})
    cookies = [site.login(u, index=web) for u in usernames]
    done = Connections()
    accepted: dict[int, asyncio.Future[dict[str, Any]]] = {}

    def on_console(frame: dict[str, Any]) -> None:
        waiting = accepted.get(frame.get("chat", -1))
        if frame.get("type") == "chat" and waiting is not None and not waiting.done():
            waiting.set_result(frame)

    async def console(a: int) -> ClientConnection:
        index = indexes[a % 2]
        socket = await connect(
            site.ws_url(index, "/ws/chat/staff/"), origin=Origin(site.url(index)),
            additional_headers={"Cookie": f"sessionid={cookies[a]}"}, max_queue=None,
        )  # fmt: skip
        hello = json.loads(await socket.recv())
        assert hello["type"] == "hello", hello
        return socket

    done.rss["before"] = rss_mb(pids)
    done.agents = list(await asyncio.gather(*(console(a) for a in range(args.agents))))
    done.tasks += [asyncio.create_task(reader(s, run, "agent", on_console)) for s in done.agents]
    done.tasks += [asyncio.create_task(beats(s)) for s in done.agents]
    done.rss["agents"] = rss_mb(pids)

    def process_of(j: int) -> int:
        return indexes[int(j // args.agents) % 2]  # each agent has citizens on both processes

    async with httpx.AsyncClient(timeout=60) as http:

        async def start(j: int) -> dict[str, Any]:
            answer = await http.post(
                f"{site.url(web)}/chat/api/start",
                json={"centre": agent_centre[j % args.agents], "text": TEXT,
                      "name": f"Občan {j}", "id": f"start-{j}"},
            )  # fmt: skip
            if answer.status_code != 201:
                raise RuntimeError(f"chat start {j}: {answer.status_code} {answer.text}")
            return dict(answer.json())

        log(f"starting {args.citizens} chats (POST /chat/api/start) …")
        started = await gather_limited(
            [partial(start, j) for j in range(args.citizens)], 8
        )  # fmt: skip
    done.chats = [s["chat"] for s in started]

    async def citizen(j: int) -> ClientConnection:
        socket = await connect(site.ws_url(process_of(j)), max_queue=None)
        await socket.send(json.dumps({"type": "hello", "token": started[j]["token"]}))
        state = json.loads(await socket.recv())
        assert state["type"] == "state" and state["state"] == "waiting", state
        return socket

    half = args.citizens // 2
    log(f"connecting {args.citizens} citizens …")
    done.citizens = list(await gather_limited([partial(citizen, j) for j in range(half)], 20))
    done.rss["half"] = rss_mb(pids)
    done.citizens += await gather_limited(
        [partial(citizen, j) for j in range(half, args.citizens)], 20
    )  # fmt: skip
    done.rss["citizens"] = rss_mb(pids)
    done.tasks += [asyncio.create_task(reader(s, run, "citizen")) for s in done.citizens]

    async def accept_all(a: int) -> None:
        for j in range(a, args.citizens, args.agents):
            chat = done.chats[j]
            accepted[chat] = asyncio.get_running_loop().create_future()
            await done.agents[a].send(json.dumps({"type": "accept", "chat": chat}))
            frame = await asyncio.wait_for(accepted[chat], 30)
            if frame.get("state") != "active":
                raise RuntimeError(f"accept of chat {chat}: {frame.get('state')}")

    log("agents accepting the chats …")
    await asyncio.gather(*(accept_all(a) for a in range(args.agents)))
    done.rss["accepted"] = rss_mb(pids)
    site.terminate(web)
    await asyncio.sleep(1)
    done.tasks.append(asyncio.create_task(sender(done.citizens, done.chats, run)))
    return done


async def beats(socket: ClientConnection) -> None:
    """The console's beat every 20 s (keeps its agent available, as the console does)."""
    with contextlib.suppress(ConnectionClosed):
        while True:
            await asyncio.sleep(20)
            await socket.send(json.dumps({"type": "beat"}))


# --- (b) the ceiling ----------------------------------------------------------------------------


async def connect_echo(site: AsgiSite, indexes: list[int], args: Any, run: Run) -> Connections:
    pids = [site.processes[i].pid for i in indexes]  # type: ignore[union-attr]
    done = Connections(chats=list(range(1, args.citizens + 1)))
    done.rss["before"] = rss_mb(pids)

    async def agent(a: int) -> ClientConnection:
        socket = await connect(site.ws_url(indexes[a % 2], "/ws/echo/agent/"), max_queue=None)
        mine = [done.chats[j] for j in range(a, args.citizens, args.agents)]
        await socket.send(json.dumps({"type": "join", "chats": mine}))
        assert json.loads(await socket.recv())["type"] == "joined"
        return socket

    async def citizen(j: int) -> ClientConnection:
        index = indexes[(j // args.agents) % 2]
        return await connect(site.ws_url(index, f"/ws/echo/?g={done.chats[j]}"), max_queue=None)

    done.agents = list(await asyncio.gather(*(agent(a) for a in range(args.agents))))
    done.rss["agents"] = rss_mb(pids)
    half = args.citizens // 2
    done.citizens = list(await gather_limited([partial(citizen, j) for j in range(half)], 20))
    done.rss["half"] = rss_mb(pids)
    done.citizens += await gather_limited(
        [partial(citizen, j) for j in range(half, args.citizens)], 20
    )  # fmt: skip
    done.rss["citizens"] = rss_mb(pids)
    done.rss["accepted"] = done.rss["citizens"]
    done.tasks += [asyncio.create_task(reader(s, run, "agent")) for s in done.agents]
    done.tasks += [asyncio.create_task(reader(s, run, "citizen")) for s in done.citizens]
    await asyncio.sleep(1)
    done.tasks.append(asyncio.create_task(sender(done.citizens, done.chats, run)))
    return done


# --- one side measured ------------------------------------------------------------------------


async def drain(run: Run, seconds: float) -> None:
    """Wait (sending nothing) until every message sent is delivered, at most `seconds`."""
    rate, run.rate = run.rate, 0.0
    deadline = time.monotonic() + seconds
    while run.pending and time.monotonic() < deadline:
        await asyncio.sleep(0.05)
    run.rate = rate


async def phase(run: Run, meter: CpuMeter, rate: float, seconds: float) -> dict[str, Any]:
    """Send at `rate` for `seconds`, then let what is in flight arrive (up to 5 s)."""
    before = meter.sample()
    start = time.perf_counter()
    run.rate = rate
    await asyncio.sleep(seconds)
    end = time.perf_counter()
    run.rate = 0.0
    after = meter.sample()
    await drain(run, 5)
    return {"target_rate": round(rate, 1), **run.window(start, end),
            "cpu_percent": CpuMeter.share(before, after)}  # fmt: skip


async def settle(meter: CpuMeter, label: str, limit: float = 120) -> None:
    """Wait until the servers are idle (under 10 % of a core for a second): what the setup
    left them (500 accepts tell the citizens, the consoles and the queues) is done."""
    started = time.monotonic()
    while time.monotonic() - started < limit:
        before = meter.sample()
        await asyncio.sleep(1)
        if CpuMeter.share(before, meter.sample())["server"] < 10:
            break
    log(f"{label}: servers idle after {time.monotonic() - started:.0f} s")


async def measure(
    label: str, site: AsgiSite, indexes: list[int], args: Any, meter: CpuMeter,
    setup: Callable[[AsgiSite, list[int], Any, Run], Awaitable[Connections]],
) -> dict[str, Any]:  # fmt: skip
    run = Run(citizens=args.citizens)
    started = time.monotonic()
    connections = await setup(site, indexes, args, run)
    log(f"{label}: {args.citizens} citizens and {args.agents} agents connected in "
        f"{time.monotonic() - started:.0f} s")  # fmt: skip
    rss = connections.rss
    connected = args.citizens - args.citizens // 2
    memory = {
        "rss_mb": {k: round(v, 1) for k, v in rss.items()},
        "kb_per_citizen_connection": round((rss["citizens"] - rss["half"]) * 1024 / connected, 1),
        "kb_per_connection_overall": round(
            (rss["accepted"] - rss["before"]) * 1024 / (args.citizens + args.agents), 1
        ),
    }
    await settle(meter, label)
    steps: list[dict[str, Any]] = []
    rate, retried = args.step_start, False
    for step in range(1, args.max_steps + 1):
        result = await phase(run, meter, rate, args.step_seconds)
        steps.append({**result, "step": step})
        log(f"{label}: step {step}: target {rate:.0f}/s, sent {result['rate']}/s, p50 "
            f"{result['p50_ms']} ms, p95 {result['p95_ms']} ms, server CPU "
            f"{result['cpu_percent']['server']} %")  # fmt: skip
        if result["p95_ms"] > SATURATION_MS:
            if retried:
                break
            retried = True  # once more at the same rate: one disturbed step is not the end
            continue
        retried = False
        rate *= args.step_factor
    await drain(run, 3 * NEVER_S)  # the last step's backlog, before the steady minute
    # Messages of the steps past saturation still unseen: the overload the steps look for, not
    # an error of the steady minute (each was stored and acknowledged; shown on a resync).
    overload = len(run.pending)
    run.pending.clear()
    step_errors = dict(run.errors)
    run.errors.clear()
    steady_rate = args.citizens / args.interval
    log(f"{label}: steady {steady_rate:.0f} messages/s for {args.duration:.0f} s …")
    steady = await phase(run, meter, steady_rate, args.duration)
    log(f"{label}: steady p50 {steady['p50_ms']} ms, p95 {steady['p95_ms']} ms")
    await drain(run, NEVER_S)
    lost = len(run.pending)
    errors = dict(run.errors)
    if lost:
        errors["not delivered within 10 s"] = lost
    await connections.close(run)
    return {
        "memory": memory,
        "steady": steady,
        "steps": steps,
        "saturation": saturation(steps),
        "errors": errors,  # of the steady minute: the goal's
        "error_count": sum(errors.values()),
        "overload": {"not delivered within 10 s": overload, **step_errors},
    }


def saturation(steps: list[dict[str, Any]]) -> dict[str, Any]:
    """The rate at which p95 crosses 100 ms: interpolated between the fastest step under it and
    the last step (over it twice in a row; sent rates); not crossed when the last is under."""
    last = steps[-1]
    if last["p95_ms"] <= SATURATION_MS:
        return {"crossed": False, "rate": None, "above": last["rate"]}
    under = [s for s in steps if s["p95_ms"] <= SATURATION_MS and s["rate"] < last["rate"]]
    if not under:
        return {"crossed": True, "rate": last["rate"], "first_over": last["rate"]}
    low = max(under, key=lambda s: s["rate"])
    p95_high = min(last["p95_ms"], 10 * SATURATION_MS)  # an infinite p95: a bound
    fraction = (SATURATION_MS - low["p95_ms"]) / max(p95_high - low["p95_ms"], 1e-9)
    rate = low["rate"] + fraction * (last["rate"] - low["rate"])
    return {"crossed": True, "rate": round(rate, 1), "last_under": low["rate"],
            "first_over": last["rate"]}  # fmt: skip


# --- the run --------------------------------------------------------------------------------


def arguments(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--quick", action="store_true",
                        help="smoke run: 50 citizens, 5 agents, 10 s, 5 s steps")  # fmt: skip
    parser.add_argument("--citizens", type=int)
    parser.add_argument("--agents", type=int)
    parser.add_argument("--centres", type=int, default=10, help="agents spread over this many")
    parser.add_argument(
        "--interval",
        type=float,
        default=5.0,
        help="mean seconds between one citizen's messages (steady phase)",
    )
    parser.add_argument("--duration", type=float, help="seconds of the steady phase (60)")
    parser.add_argument("--step-seconds", type=float, help="seconds of each rate step (10)")
    parser.add_argument("--step-start", type=float, default=10.0, help="first step's rate")
    parser.add_argument("--step-factor", type=float, default=1.6)
    parser.add_argument("--max-steps", type=int, default=14)
    parser.add_argument("--processes", type=int, default=2)
    parser.add_argument("--database-url", default=DEFAULT_URL)
    parser.add_argument("--layer-url", default=LAYER_URL, help="Redis database (flushed)")
    parser.add_argument("--out", default=str(ROOT / "var" / "bench" / "chat.json"))
    parser.add_argument("--keep", action="store_true", help="keep the database and the logs")
    args = parser.parse_args(argv)
    quick = args.quick
    args.citizens = args.citizens or (50 if quick else 500)
    args.agents = args.agents or (5 if quick else 20)
    args.duration = args.duration or (10.0 if quick else 60.0)
    args.step_seconds = args.step_seconds or (5.0 if quick else 10.0)
    return args


def report(args: argparse.Namespace, vik: dict[str, Any], echo: dict[str, Any]) -> bool:
    vendor = "PostgreSQL" if args.database_url.startswith("postgres") else "SQLite"
    print(f"\nLive chat: {args.citizens} citizens, {args.agents} agents, {args.processes} "
          f"uvicorn processes, Redis layer, {vendor}; one client process (asyncio), "
          f"{os.cpu_count()} CPUs shared by all")  # fmt: skip
    for name, side in (("(a) VIK chat (stored, then delivered)", vik),
                       ("(b) ceiling: bare echo via Redis", echo)):  # fmt: skip
        steady, memory = side["steady"], side["memory"]
        print(f"  {name}:")
        print(f"    steady {steady['rate']}/s for {args.duration:.0f} s: p50 {steady['p50_ms']} ms, "
              f"p95 {steady['p95_ms']} ms, p99 {steady['p99_ms']} ms, max {steady['max_ms']} ms")  # fmt: skip
        print(f"    errors in the steady minute: {side['error_count']} {side['errors'] or ''}")
        print(f"    past saturation (the rate steps' overload): {side['overload']}")
        print(f"    memory per citizen connection: {memory['kb_per_citizen_connection']} kB "
              f"(all connections, warm-up included: {memory['kb_per_connection_overall']} kB); "
              f"RSS of the servers {memory['rss_mb']['before']} → {memory['rss_mb']['accepted']} MB")  # fmt: skip
        print(f"    CPU % of one core during steady: {steady['cpu_percent']}")
        for step in side["steps"]:
            print(f"    step {step['step']}: {step['rate']:7.1f}/s  p50 {step['p50_ms']:8.2f} ms  "
                  f"p95 {step['p95_ms']:8.2f} ms  server CPU {step['cpu_percent']['server']} %  "
                  f"client {step['cpu_percent']['client']} %")  # fmt: skip
        sat = side["saturation"]
        if sat["crossed"]:
            print(f"    p95 crosses {SATURATION_MS:.0f} ms at about {sat['rate']}/s")
        else:
            print(f"    p95 stayed under {SATURATION_MS:.0f} ms up to {sat['above']}/s")
    a, b = vik["saturation"], echo["saturation"]
    if a["crossed"] and b["crossed"]:
        print(f"  saturation ratio (a)/(b): {a['rate'] / b['rate']:.2f}")
    else:
        print("  saturation ratio: not measured (a side did not cross 100 ms; raise --max-steps)")
    met = bool(vik["steady"]["p95_ms"] <= GOAL_P95_MS and vik["error_count"] == 0)
    print(f"  goal (a) p95 ≤ {GOAL_P95_MS:.0f} ms and no errors: {'met' if met else 'NOT met'}")
    return met


async def bench(args: argparse.Namespace, site: AsgiSite, redis_pid: int) -> dict[str, Any]:
    database = site.database.name or "site.sqlite3"
    chat = list(range(args.processes))
    meter = CpuMeter([site.processes[i].pid for i in chat], redis_pid, database)  # type: ignore[union-attr]
    vik = await measure("VIK", site, chat, args, meter, connect_vik)
    for index in chat:  # the ceiling gets fresh processes of its own, VIK's are stopped
        site.terminate(index)
    echo_indexes = [site.start() for _ in range(args.processes)]
    meter = CpuMeter([site.processes[i].pid for i in echo_indexes], redis_pid, database)  # type: ignore[union-attr]
    echo = await measure("echo", site, echo_indexes, args, meter, connect_echo)
    return {"vik": vik, "ceiling": echo}


def main(argv: Sequence[str] | None = None) -> int:
    args = arguments(argv)
    layer = redis.Redis.from_url(args.layer_url)
    layer.flushdb()  # the benchmark's own Redis database only
    redis_pid = int(layer.info("server")["process_id"])
    directory = Path(tempfile.mkdtemp(prefix="vik-bench-chat-"))
    log(f"loading the demo into {args.database_url} and starting {args.processes} uvicorn "
        f"processes (logs in {directory}) …")  # fmt: skip
    began = time.monotonic()
    load = os.getloadavg()
    site = asgi_site(
        directory, processes=args.processes, layer_url=args.layer_url,
        database_url=args.database_url, application="bench.chat_echo_asgi:application",
        debug=False, VIK_CHAT_MAX_PER_AGENT="30",
        VIK_RATE_LIMITS="chat_start=100000/m,chat_connect=100000/m,chat_status=100000/m",
        # the flood guard is not what is measured: a citizen may send faster than a person
        VIK_CHAT_RATE_PER_SECOND="1000", VIK_CHAT_BURST="1000",
    )  # fmt: skip
    try:
        with contextlib.suppress(ImportError):
            import uvloop  # local import: optional, the servers use it too

            asyncio.set_event_loop_policy(uvloop.EventLoopPolicy())
        results = asyncio.run(bench(args, site, redis_pid))
    except Exception as failed:
        log(f"FAILED: {failed!r} (the servers' logs: {directory})")
        asgi_site_cleanup(site) if not args.keep else site.stop()
        return 2
    logs = ROOT / "var" / "bench" / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    for server_log in directory.glob("uvicorn-*.log"):
        shutil.copy(server_log, logs / f"chat-{server_log.name}")
    if args.keep:
        site.stop()
    else:
        asgi_site_cleanup(site)
        layer.flushdb()
        shutil.rmtree(directory, ignore_errors=True)
    results["load_average"] = [round(load[0], 1), round(os.getloadavg()[0], 1)]
    met = report(args, results["vik"], results["ceiling"])
    print(f"  load average (1 min): {results['load_average'][0]} at the start, "
          f"{results['load_average'][1]} at the end (other sessions share the machine)")  # fmt: skip
    sat_a, sat_b = results["vik"]["saturation"], results["ceiling"]["saturation"]
    results.update(
        config={k: v for k, v in vars(args).items() if k != "out"},
        ratio=round(sat_a["rate"] / sat_b["rate"], 3)
        if sat_a["crossed"] and sat_b["crossed"] else None,
        goal_met=met, total_seconds=round(time.monotonic() - began),
    )  # fmt: skip
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, indent=2))
    print(f"  total {results['total_seconds']} s; figures in {out}")
    return 0 if met else 1


if __name__ == "__main__":
    raise SystemExit(main())
