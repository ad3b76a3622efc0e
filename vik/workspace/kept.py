"""What the request list keeps in the cache (shared by the processes) per user: the saved views
each user sees and the columns each chose. Any save or delete of a saved view or a column
choice replaces a token that is part of every key (connected to the models' signals in
`WorkspaceConfig.ready`: cache invalidation, not domain flow), so that a view saved, renamed,
shared or deleted, or columns chosen, are on the next page of every process.

No models imported here: the app's `ready()` connects these before the models are loaded.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.core.cache import cache

VIEWS_TOKEN_KEY = "vik:saved-views:token"  # noqa: S105 - a cache key, not a secret
COLUMNS_TOKEN_KEY = "vik:list-columns:token"  # noqa: S105 - a cache key, not a secret
# How long a kept entry lives when nothing changes (a change replaces the token at once).
KEPT_SECONDS = 600


def saved_views_changed(**_signal: Any) -> None:
    """Forget every user's kept saved views (a new token; the old entries expire)."""
    cache.set(VIEWS_TOKEN_KEY, uuid.uuid4().hex, None)


def list_columns_changed(**_signal: Any) -> None:
    """Forget every user's kept columns."""
    cache.set(COLUMNS_TOKEN_KEY, uuid.uuid4().hex, None)


def token(key: str) -> str:
    """The current token under `key`; a new one when there is none (first use, or evicted:
    never an old token again)."""
    current = cache.get(key)
    if current is None:
        current = uuid.uuid4().hex
        if not cache.add(key, current, None):
            current = cache.get(key) or current
    return str(current)
