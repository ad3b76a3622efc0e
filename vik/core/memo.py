"""Remembering lookups for the length of one batch of work, or a few seconds of batches.

A worker that processes a batch of inbound payloads asks the same questions again and again
(which centre is competent for this topic here, which municipality has this code). Inside
`batch_memo()` such lookups are answered once per batch; outside it they always query.

Lookups of configuration (`lasting=True`: the routing rules, the competences, the service
levels) are also kept across batches, for `VIK_CONFIG_MEMO_SECONDS`: a burst of small batches
does not read and compile the same rules for every five messages. A change of configuration
is seen by the batches that start that many seconds later at the latest, and at once in the
process that made it (any save or delete of a model of a configuration app forgets them). Which
apps and models are configuration is told by the apps themselves, in their `AppConfig.ready()`:
`forget_on_change_of("routing")`.
"""

from __future__ import annotations

import contextlib
import contextvars
import threading
import time
from collections.abc import Callable, Hashable, Iterator
from typing import Any, TypeVar

from django.conf import settings

_memo: contextvars.ContextVar[dict[Hashable, Any] | None] = contextvars.ContextVar(
    "vik_batch_memo", default=None
)

T = TypeVar("T")


@contextlib.contextmanager
def batch_memo() -> Iterator[None]:
    reset = _memo.set({}) if _memo.get() is None else None
    try:
        yield
    finally:
        if reset is not None:
            _memo.reset(reset)


# key -> (monotonic time computed, answer); shared by the threads of a process.
_lasting: dict[Hashable, tuple[float, Any]] = {}
_lasting_lock = threading.Lock()
# The app labels and model labels ("app_label.modelname") that are configuration: saving or
# deleting any of their rows forgets the lasting answers of this process.
_configuration: set[str] = set()


def forget_on_change_of(label: str) -> None:
    """Count the app `label` (or one model, by its lower-case "app_label.modelname") as
    configuration: a save or delete of its rows forgets what this process remembered across
    batches."""
    _configuration.add(label)


def remembered(key: Hashable, compute: Callable[[], T], *, lasting: bool = False) -> T:
    """`compute()`, or what it returned for `key` earlier in the same batch (`lasting`: or in
    an earlier batch less than `VIK_CONFIG_MEMO_SECONDS` ago)."""
    memo = _memo.get()
    if memo is None:
        return compute()
    if key not in memo:
        memo[key] = _lasting_answer(key, compute) if lasting else compute()
    return memo[key]  # type: ignore[no-any-return]


def configured(key: Hashable, compute: Callable[[], T], *, seconds: float | None = None) -> T:
    """Configuration on a hot path outside batches (the web form's accounts and places):
    `compute()` at most once per `seconds` (default `VIK_CONFIG_MEMO_SECONDS`) per process,
    forgotten at once when this process changes configuration."""
    return _lasting_answer(key, compute, seconds)


def _lasting_answer(key: Hashable, compute: Callable[[], T], seconds: float | None = None) -> T:
    seconds = settings.VIK_CONFIG_MEMO_SECONDS if seconds is None else seconds
    now = time.monotonic()
    with _lasting_lock:
        kept = _lasting.get(key)
    if kept is not None and now - kept[0] < seconds:
        return kept[1]  # type: ignore[no-any-return]
    answer = compute()
    if seconds > 0:
        with _lasting_lock:
            _lasting[key] = (now, answer)
    return answer


def forget_lasting(**_signal: Any) -> None:
    """Forget the configuration remembered across batches (connected to the save and delete
    signals of the configuration apps' models, and used between tests)."""
    if _signal and _signal.get("sender") is not None:
        meta = _signal["sender"]._meta
        if meta.app_label not in _configuration and meta.label_lower not in _configuration:
            return
    with _lasting_lock:
        _lasting.clear()


def remember_all(answers: dict[Hashable, Any]) -> None:
    """Answers for `remembered` known in advance, e.g. read for a whole batch in one query.
    Outside `batch_memo()` nothing is kept."""
    memo = _memo.get()
    if memo is not None:
        memo.update(answers)
