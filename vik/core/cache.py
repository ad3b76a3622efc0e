"""The file-based cache of one machine (`VIK_CACHE_URL` unset or file://), without the cost Django's
own puts on every write.

Django's `FileBasedCache` lists its whole directory at every `set` and `add`, to know whether to
cull. The rate limits (`vik.abuse.ratelimit`) write a file per address, e-mail and window on
every public post, so each post listed more files than the one before: the form's post cost
7 ms of CPU with 300 files and 12 ms with 600, and the files of ended windows stay until the
directory reaches `MAX_ENTRIES`. Here a process looks at the directory at most once per
`CULL_SECONDS`, and then also removes the entries that have expired (as Django does when one
is read), before Django's own culling past `MAX_ENTRIES`.
"""

from __future__ import annotations

import contextlib
import threading
import time
from typing import Any

from django.core.cache.backends.filebased import FileBasedCache

CULL_SECONDS = 60.0


class FileCache(FileBasedCache):
    def __init__(self, dir: str, params: dict[str, Any]) -> None:
        super().__init__(dir, params)
        self._next_cull = 0.0
        self._cull_lock = threading.Lock()

    # The stubs do not know FileBasedCache's private methods.
    def _cull(self) -> None:
        now = time.monotonic()
        with self._cull_lock:
            if now < self._next_cull:
                return
            self._next_cull = now + CULL_SECONDS
        for name in self._list_cache_files():  # type: ignore[attr-defined]
            with contextlib.suppress(FileNotFoundError), open(name, "rb") as file:
                self._is_expired(file)  # type: ignore[attr-defined]  # deletes it if expired
        super()._cull()  # type: ignore[misc]
