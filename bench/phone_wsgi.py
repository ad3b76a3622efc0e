"""The phone benchmark's WSGI entry point: VIK's own application plus the ceiling, a bare
`{}` answered without Django (`POST /bench/empty`), in the same gunicorn process.

Run with gunicorn only by `bench/phone.py`; never deployed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from config.wsgi import application as vik_application

CEILING_PATH = "/bench/empty"

StartResponse = Callable[..., Any]


def application(environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
    if environ.get("PATH_INFO") == CEILING_PATH:
        length = int(environ.get("CONTENT_LENGTH") or 0)
        if length:
            environ["wsgi.input"].read(length)
        start_response("200 OK", [("Content-Type", "application/json"), ("Content-Length", "2")])
        return [b"{}"]
    return vik_application(environ, start_response)
