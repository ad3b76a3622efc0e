"""VIK routing benchmark: `routing_decide` with 500 rules of one region.

Builds Kraj Vysočina's network (the demo's 16 centres with their competences), 500 realistic
routing rules (municipality, ORP and topic rules, channel and requester rules, account and
language rules, keyword rules; most match few requests) and 20,000 varied facts of requests
about to be created, then measures `vik.routing.services.routing_decide`:

(a) warm: the rules compiled once (one long `batch_memo`), as within one intake batch;
(b) cold per batch of 50: a fresh `batch_memo` every 50 decisions, as the intake loop runs, so
    every batch reads and compiles the rules and the competences again.

Prints decisions per second and p50/p95 microseconds per decision for both, the compile time
and how many rules matched. Bar: warm p95 <= 500 µs. See bench/README.md.

On PostgreSQL it then measures the staff list with 1M requests and 50 saved views counted
(bench/list_views.py, in a database of its own: `<name>_list`; `--list-requests 0` skips it).

    .venv/bin/python bench/routing.py [--database-url URL] [--rules N] [--decisions N] [--keep]

SQLite by default (a temporary file); PostgreSQL when VIK_DATABASE_URL (or --database-url)
points to it: the benchmark then uses its own throwaway database next to the one named there
(`<name>_bench_routing`; --database-url is used as given), created fresh and dropped at the end.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import random
import re
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
OUT = ROOT / "var" / "bench" / "routing.json"
SUFFIX = "_bench_routing"
WARM_P95_BAR_US = 500.0
BATCH = 50

SUBJECTS = (
    "Poplatek za komunální odpad", "Nový občanský průkaz", "Příspěvek na péči",
    "Stavební povolení na garáž", "Změna trvalého pobytu", "Nesvítí veřejné osvětlení",
    "Stížnost na hluk z hospody", "Kácení stromu na zahradě", "Zápis do mateřské školy",
    "Parkovací karta pro rezidenty", "Dotaz na svatební obřad", "Žádost o informace",
)  # fmt: skip
TEXTS = (
    "Dobrý den, chtěla bych se zeptat, do kdy musím zaplatit poplatek za komunální odpad a "
    "jestli je možné platit převodem. Děkuji, s pozdravem",
    "Dobrý den, potřebuji si vyřídit nový občanský průkaz, protože mi platnost končí příští "
    "měsíc. Musím se objednat předem, nebo stačí přijít v úřední hodiny?",
    "Zdravím, chci se informovat o stavebním povolení na garáž u rodinného domu. Stačí "
    "ohlášení, nebo musím žádat o povolení? Pozemek je v obci, kde bydlím.",
    "Dobrý den, v naší ulici nesvítí už týden veřejné osvětlení. Komu to mám nahlásit?",
    "Podávám stížnost na hluk z restaurace na náměstí, hudba hraje každý víkend do dvou do rána.",
    "Dobrý den, prosím o informaci podle zákona 106/1999 Sb., kolik obec zaplatila za opravu "
    "místní komunikace v roce 2025 a kdo zakázku provedl.",
    "Hello, I moved to Jihlava and need to register my permanent residence. What documents "
    "do I need to bring to the office? Thank you.",
    "Chtěl bych pokácet starou břízu na své zahradě, potřebuji k tomu povolení od obce?",
)
# Rare words and phrases for the keyword rules: most requests contain none of them.
RARE_WORDS = (
    "vodovodní přípojka", "kanalizace", "hřbitov", "hrobové místo", "rybářský lístek",
    "lovecký lístek", "živnostenský list", "czech point", "výpis z rejstříku", "ověření podpisu",
    "legalizace", "vidimace", "datová schránka", "exekuce", "insolvence", "dotace", "grant",
    "územní plán", "kotlíková", "povodeň", "sucho", "kůrovec", "myslivost", "včelař", "pes",
    "poplatek ze psa", "rušení nočního klidu", "černá skládka", "bioodpad", "kontejner",
    "sběrný dvůr", "azbest", "hluk z dálnice", "cyklostezka", "chodník", "přechod",
    "zimní údržba", "posyp", "sněh", "autobus", "jízdní řád", "školní jídelna", "družina",
)  # fmt: skip


class BenchError(RuntimeError):
    pass


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


def percentile(values: Sequence[float], fraction: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))
    return ordered[index]


# The database ----------------------------------------------------------------------------------


def throwaway_url(explicit: str | None) -> str:
    """The benchmark's database: as given, else next to VIK_DATABASE_URL's (PostgreSQL), else a
    temporary SQLite file."""
    if explicit:
        return explicit
    configured = os.environ.get("VIK_DATABASE_URL", "")
    if configured.startswith(("postgres://", "postgresql://")):
        parts = urlsplit(configured)
        return urlunsplit(parts._replace(path=parts.path.rstrip("/") + SUFFIX))
    return f"sqlite:///{tempfile.mkdtemp(prefix='vik-bench-routing-')}/bench.sqlite3"


@contextlib.contextmanager
def database(url: str, *, keep: bool) -> Iterator[None]:
    """A fresh database for the run (PostgreSQL: dropped and created; SQLite: a new file)."""
    postgres = url.startswith(("postgres://", "postgresql://"))
    if postgres:
        import psycopg
        from psycopg import sql

        parts = urlsplit(url)
        name = parts.path.lstrip("/")
        if not re.fullmatch(r"[A-Za-z0-9_]+", name):
            raise BenchError(f"unsupported database name in {url!r}")
        admin_url = urlunsplit(parts._replace(path="/postgres"))
        with psycopg.connect(admin_url, autocommit=True) as admin:
            admin.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )
            admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    os.environ["VIK_DATABASE_URL"] = url
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.test"
    try:
        yield
    finally:
        if postgres and not keep:
            from django.db import connections

            connections.close_all()
            with psycopg.connect(admin_url, autocommit=True) as admin:
                admin.execute(
                    sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
                )
        elif not postgres and not keep:
            path = Path(urlsplit(url).path)
            for file in path.parent.glob(path.name + "*"):
                file.unlink()
            with contextlib.suppress(OSError):
                path.parent.rmdir()


# The data --------------------------------------------------------------------------------------


def build_world(rng: random.Random) -> dict[str, Any]:
    """Kraj Vysočina with the demo's centres and competences, and a few channel accounts."""
    from django.core.management import call_command

    from vik.channels.core.choices import ChannelKind
    from vik.channels.core.models import ChannelAccount
    from vik.demo.services import REGION_CODE, DemoReport, build_network
    from vik.territory.models import Region
    from vik.territory.services import territory_load
    from vik.topics.services import topics_seed

    call_command("migrate", verbosity=0)
    territory_load()
    topics_seed()
    region = Region.objects.get(code=REGION_CODE)
    centres = build_network(region, DemoReport())
    ChannelAccount.objects.get_or_create(
        name="web-vysocina", defaults={"region": region, "kind": ChannelKind.WEB}
    )
    for kind in (ChannelKind.DATABOX, ChannelKind.SMS, ChannelKind.PHONE):
        ChannelAccount.objects.get_or_create(
            name=f"{kind}-vysocina", defaults={"region": region, "kind": kind}
        )
    return {"region": region, "centres": centres}


def rule_specs(count: int, rng: random.Random, world: dict[str, Any]) -> list[dict[str, Any]]:
    """`count` rules in a realistic mix; conditions mostly narrow, so that most do not match."""
    from vik.channels.core.choices import ChannelKind
    from vik.channels.core.models import ChannelAccount
    from vik.contacts.choices import RequesterType
    from vik.conversations.choices import RequestKind
    from vik.routing.models import Queue
    from vik.territory.models import Municipality, Orp
    from vik.topics.models import Topic

    region = world["region"]
    municipalities = list(Municipality.objects.filter(region=region).values_list("code", flat=True))
    orps = list(Orp.objects.filter(region=region).values_list("code", flat=True))
    topics = list(Topic.objects.values_list("pk", flat=True))
    accounts = list(ChannelAccount.objects.filter(region=region).values_list("pk", flat=True))
    centres = [c.pk for c in world["centres"].values()]
    queues = [
        Queue.objects.get_or_create(centre_id=centre, name=name)[0]
        for centre in centres[:6]
        for name in ("Stavební", "Sociální", "Eskalace")
    ]

    def actions() -> dict[str, Any]:
        action: dict[str, Any] = {"tags": [f"štítek-{rng.randrange(60)}"]}
        roll = rng.random()
        if roll < 0.4:
            action["centre"] = rng.choice(centres)
        elif roll < 0.55:
            queue = rng.choice(queues)
            action["centre"], action["queue"] = queue.centre_id, queue.pk
        if rng.random() < 0.3:
            action["priority"] = rng.choice((1, 3, 4))
        return action

    kinds = [
        ("municipalities", 0.30), ("topics+orps", 0.20), ("keywords", 0.16),
        ("channels+requester", 0.12), ("accounts", 0.08), ("languages", 0.06),
        ("kinds+keywords", 0.08),
    ]  # fmt: skip
    specs = []
    for number in range(count):
        mix = rng.choices([k for k, _ in kinds], weights=[w for _, w in kinds])[0]
        conditions: dict[str, Any]
        if mix == "municipalities":
            conditions = {"municipalities": rng.sample(municipalities, rng.randint(1, 4))}
            if rng.random() < 0.3:
                conditions["kinds"] = [rng.choice(RequestKind.values)]
        elif mix == "topics+orps":
            conditions = {"topics": rng.sample(topics, rng.randint(1, 2)),
                          "orps": rng.sample(orps, rng.randint(1, 2))}  # fmt: skip
        elif mix == "keywords":
            conditions = {"keywords": rng.sample(RARE_WORDS, rng.randint(1, 4))}
        elif mix == "channels+requester":
            conditions = {
                "channels": [rng.choice(ChannelKind.values)],
                "requester_types": [rng.choice(RequesterType.values)],
            }
        elif mix == "accounts":
            conditions = {"accounts": [rng.choice(accounts)], "orps": [rng.choice(orps)]}
        elif mix == "languages":
            conditions = {"languages": [rng.choice(("de", "uk", "pl", "vi", "sk"))]}
        else:
            conditions = {"kinds": [rng.choice(RequestKind.values)],
                          "keywords": rng.sample(RARE_WORDS, 2)}  # fmt: skip
        specs.append(
            {
                "name": f"Pravidlo {number + 1} ({mix})",
                "conditions": conditions,
                "actions": actions(),
                "stops": rng.random() < 0.7,
            }
        )
    return specs


def create_rules(specs: list[dict[str, Any]], region: Any) -> None:
    """Validated as the editor does (`rule_validate`), then inserted in one statement."""
    from vik.routing.models import RoutingRule
    from vik.routing.services import rule_validate

    rules = []
    for position, spec in enumerate(specs):
        conditions, actions = rule_validate(
            region_id=region.pk, conditions=spec["conditions"], actions=spec["actions"]
        )
        rules.append(
            RoutingRule(region=region, position=position, name=spec["name"],
                        conditions=conditions, actions=actions, stops=spec["stops"])
        )  # fmt: skip
    RoutingRule.objects.bulk_create(rules)


def varied_facts(count: int, rng: random.Random, region: Any) -> list[Any]:
    from vik.channels.core.models import ChannelAccount
    from vik.contacts.choices import RequesterType
    from vik.conversations.choices import RequestKind
    from vik.routing.services import RoutingFacts
    from vik.territory.models import Municipality
    from vik.topics.models import Topic

    municipalities = list(Municipality.objects.filter(region=region).select_related("orp"))
    topics: list[Any] = [*Topic.objects.all(), None, None]
    accounts = list(ChannelAccount.objects.filter(region=region).select_related("centre"))
    facts = []
    for _ in range(count):
        account = rng.choice(accounts)
        text = rng.choice(TEXTS)
        if rng.random() < 0.05:
            text += " Týká se to také " + rng.choice(RARE_WORDS) + "."
        facts.append(
            RoutingFacts(
                region=region, topic=rng.choice(topics),
                municipality=rng.choice(municipalities) if rng.random() < 0.9 else None,
                account=account, channel=account.kind,
                kind=rng.choices(RequestKind.values, weights=[70, 8, 12, 6, 4])[0],
                language="en" if "Hello" in text else rng.choices(["cs", "sk", "de"], [96, 2, 2])[0],
                subject=rng.choice(SUBJECTS), text=text,
                requester_type=rng.choices(RequesterType.values, weights=[85, 8, 3, 4])[0],
            )
        )  # fmt: skip
    return facts


# Measuring -------------------------------------------------------------------------------------


def timed(facts: Sequence[Any], batch: int | None) -> tuple[list[float], float, list[int]]:
    """Per-decision microseconds, total seconds, and rules matched per decision."""
    from vik.core.memo import batch_memo
    from vik.routing.services import routing_decide

    per_decision: list[float] = []
    matched: list[int] = []
    size = batch or len(facts)
    started = time.perf_counter()
    for offset in range(0, len(facts), size):
        with batch_memo():
            for item in facts[offset : offset + size]:
                begin = time.perf_counter_ns()
                decision = routing_decide(item)
                per_decision.append((time.perf_counter_ns() - begin) / 1000)
                matched.append(len(decision.rule_ids))
    return per_decision, time.perf_counter() - started, matched


def figures(per_decision: list[float], seconds: float) -> dict[str, float]:
    return {
        "decisions_per_second": round(len(per_decision) / seconds),
        "p50_us": round(percentile(per_decision, 0.5), 1),
        "p95_us": round(percentile(per_decision, 0.95), 1),
        "mean_us": round(statistics.fmean(per_decision), 1),
    }


def bench_routing(*, rules: int = 500, decisions: int = 20_000, seed: int = 2026) -> dict[str, Any]:
    """Build the region and its rules in the current database, then measure (a) and (b)."""
    from django.db import connection

    from vik.routing.services import region_rules

    rng = random.Random(seed)
    log("building Kraj Vysočina (territory, topics, 16 centres)")
    world = build_world(rng)
    region = world["region"]
    log(f"creating {rules} rules")
    create_rules(rule_specs(rules, rng, world), region)
    log(f"generating {decisions} facts")
    facts = varied_facts(decisions, rng, region)

    compile_ms = []
    for _ in range(5):
        begin = time.perf_counter()
        compiled = region_rules(region.pk)  # outside a batch: compiled every time
        compile_ms.append(1000 * (time.perf_counter() - begin))
    log(
        f"compiled {len(compiled.rules)} rules; {len(compiled.unindexed)} without an indexed condition"
    )

    timed(facts[:500], None)  # warm-up
    warm, warm_seconds, matched = timed(facts, None)
    log("warm run done")
    cold, cold_seconds, _matched = timed(facts, BATCH)
    log("cold-per-batch run done")
    result: dict[str, Any] = {
        "database": connection.vendor,
        "rules": rules,
        "decisions": decisions,
        "compile_ms_median": round(statistics.median(compile_ms), 1),
        "warm": figures(warm, warm_seconds),
        f"cold_per_batch_of_{BATCH}": figures(cold, cold_seconds),
        "decisions_with_a_matching_rule": round(sum(1 for m in matched if m) / len(matched), 3),
        "mean_rules_matched": round(statistics.fmean(matched), 2),
        "machine": f"{platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}",
    }
    result["bar_warm_p95_us"] = WARM_P95_BAR_US
    result["bar_passed"] = result["warm"]["p95_us"] <= WARM_P95_BAR_US
    return result


def report(result: dict[str, Any]) -> None:
    cold_key = f"cold_per_batch_of_{BATCH}"
    print()
    print(f"Routing benchmark ({result['database']}, {result['rules']} rules, "
          f"{result['decisions']:,} decisions; {result['machine']})")  # fmt: skip
    print(f"  compiling the region's rules:     {result['compile_ms_median']} ms (median of 5)")
    for label, key in (
        ("warm (rules compiled once)", "warm"),
        (f"cold per batch of {BATCH}", cold_key),
    ):
        item = result[key]
        print(f"  {label:<32}  {item['decisions_per_second']:>8,} decisions/s   "
              f"p50 {item['p50_us']:>7} µs   p95 {item['p95_us']:>7} µs")  # fmt: skip
    print(f"  decisions with a matching rule:   {100 * result['decisions_with_a_matching_rule']:.1f} %"
          f" (mean {result['mean_rules_matched']} rules matched)")  # fmt: skip
    verdict = "PASS" if result["bar_passed"] else "FAIL"
    print(f"  bar: warm p95 <= {result['bar_warm_p95_us']:.0f} µs: {verdict}")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", help="default: next to VIK_DATABASE_URL, else SQLite")
    parser.add_argument("--rules", type=int, default=500)
    parser.add_argument("--decisions", type=int, default=20_000)
    parser.add_argument("--keep", action="store_true", help="keep the database")
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument(
        "--list-requests", type=int, default=1_000_000,
        help="requests for the list part (PostgreSQL only; 0 skips it)",
    )  # fmt: skip
    parser.add_argument("--list-samples", type=int, default=200, help="GETs per list page")
    args = parser.parse_args(argv)
    url = throwaway_url(args.database_url)
    try:
        with database(url, keep=args.keep):
            import django

            django.setup()
            result = bench_routing(rules=args.rules, decisions=args.decisions)
    except BenchError as error:
        print(f"routing benchmark failed: {error}", file=sys.stderr)
        return 2
    report(result)
    if args.list_requests and url.startswith(("postgres://", "postgresql://")):
        # The list page with 1M requests and 50 saved views: bench/list_views.py, in a database
        # of its own next to this one.
        import list_views

        config = list_views.Config.from_args(
            ["--database-url", f"{url}_list", "--requests", str(args.list_requests),
             "--samples", str(args.list_samples)] + (["--keep"] if args.keep else [])
        )  # fmt: skip
        try:
            result["list"] = list_views.bench_list(config)
        except list_views.BenchError as error:
            print(f"list benchmark failed: {error}", file=sys.stderr)
            return 2
        print("\n".join(list_views.report(result["list"])))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
    return 0 if result["bar_passed"] else 1


if __name__ == "__main__":
    sys.exit(main())
