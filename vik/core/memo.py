"""Remembering lookups for the length of one batch of work.

A worker that processes a batch of inbound payloads asks the same questions again and again
(which centre is competent for this topic here, which municipality has this code). Inside
`batch_memo()` such lookups are answered once per batch; outside it they always query, so a
change of configuration is seen by the next batch at the latest.
"""

from __future__ import annotations

import contextlib
import contextvars
from collections.abc import Callable, Hashable, Iterator
from typing import Any, TypeVar

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


def remembered(key: Hashable, compute: Callable[[], T]) -> T:
    """`compute()`, or what it returned for `key` earlier in the same batch."""
    memo = _memo.get()
    if memo is None:
        return compute()
    if key not in memo:
        memo[key] = compute()
    return memo[key]  # type: ignore[no-any-return]


def remember_all(answers: dict[Hashable, Any]) -> None:
    """Answers for `remembered` known in advance, e.g. read for a whole batch in one query.
    Outside `batch_memo()` nothing is kept."""
    memo = _memo.get()
    if memo is not None:
        memo.update(answers)
