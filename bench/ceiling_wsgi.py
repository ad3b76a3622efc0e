"""The benchmark's WSGI entry point: VIK's own application plus one bare view, the ceiling.

`POST /bench/insert` stores the request body with one INSERT into `bench_ceiling` (a table the
benchmark creates; it is no part of the product's schema) through Django's `connection`, in the
same gunicorn process and with the same database settings as the product's views. No
middleware, no form, no CSRF check, no template: it is what a request that only has to land in
the database costs on this server. Every other path goes to `config.wsgi.application` unchanged.

Run with gunicorn only by `bench/intake.py`; never deployed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.db import close_old_connections, connection

from config.wsgi import application as vik_application

CEILING_PATH = "/bench/insert"
INSERT = "INSERT INTO bench_ceiling (body, created_at) VALUES (%s, now())"

StartResponse = Callable[..., Any]


def _read_body(environ: dict[str, Any]) -> bytes:
    try:
        length = int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    return environ["wsgi.input"].read(length) if length > 0 else b""


def ceiling(environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
    """One INSERT per request, with Django's connection handling around it (as the request
    signals do: reuse the persistent connection, drop it when too old or broken)."""
    body = _read_body(environ)
    close_old_connections()
    try:
        with connection.cursor() as cursor:
            cursor.execute(INSERT, [body.decode("utf-8", "replace")])
    finally:
        close_old_connections()
    start_response("204 No Content", [("Content-Length", "0")])
    return [b""]


def application(environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
    if environ.get("PATH_INFO") == CEILING_PATH and environ.get("REQUEST_METHOD") == "POST":
        return ceiling(environ, start_response)
    return vik_application(environ, start_response)  # type: ignore[no-any-return]
