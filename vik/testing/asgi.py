"""Real ASGI servers for the chat's tests and benchmark: uvicorn processes serving
`config.asgi:application` on loopback ports, over a database of their own, with the demo's
network and staff loaded (`vik demo --no-serve --requests 0`).

pytest-django's test database is invisible to other processes on SQLite (it lives in memory)
and rolled back on PostgreSQL, so the site gets its own: a SQLite file, or a PostgreSQL database
made for it (the suite's server, `VIK_DATABASE_URL`) and dropped afterwards. Tests talk to it as
its users do: HTTP, WebSockets, the sign-in page; and read what it stored with `site.rows(sql)`.

With `layer_url` (a Redis database) several processes share one channel layer, as in
production; without, each process has its own in-memory layer (one process only).
"""

from __future__ import annotations

import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import httpx
from websockets.sync.client import ClientConnection, connect
from websockets.typing import Origin

ROOT = Path(__file__).resolve().parents[2]
DEMO_PASSWORD = "vik-demo-2026"  # noqa: S105 — the demo's, printed by `make demo`


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Database:
    url: str
    path: Path | None = None  # SQLite
    admin_url: str = ""  # PostgreSQL: where to drop it
    name: str = ""

    def rows(self, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        if self.path is not None:
            with sqlite3.connect(self.path, timeout=30) as connection:
                return list(connection.execute(sql, params).fetchall())
        import psycopg  # local import: only the PostgreSQL runs need it

        with psycopg.connect(self.url) as connection:
            return list(connection.execute(sql.replace("?", "%s"), params).fetchall())

    def drop(self) -> None:
        if self.admin_url:
            import psycopg  # local import: only the PostgreSQL runs need it
            from psycopg import sql  # local import: only the PostgreSQL runs need it

            with psycopg.connect(self.admin_url, autocommit=True) as connection:
                connection.execute(
                    sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
                        sql.Identifier(self.name)
                    )
                )


def database_create(directory: Path) -> Database:
    """A new empty database of the suite's kind (VIK_DATABASE_URL empty: SQLite)."""
    suite = os.environ.get("VIK_DATABASE_URL", "")
    if not suite.startswith("postgres"):
        path = directory / "site.sqlite3"
        return Database(f"sqlite:///{path}", path)
    import psycopg  # local import: only the PostgreSQL runs need it
    from psycopg import sql  # local import: only the PostgreSQL runs need it

    parts = urlsplit(suite)
    name = f"vik_site_{uuid.uuid4().hex[:10]}"
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    return Database(urlunsplit(parts._replace(path=f"/{name}")), admin_url=admin, name=name)


@dataclass
class AsgiSite:
    """uvicorn processes (one per port) over one database and, optionally, one Redis layer."""

    database: Database
    directory: Path
    layer_url: str = ""
    settings: dict[str, str] = field(default_factory=dict)
    ports: list[int] = field(default_factory=list)
    processes: list[subprocess.Popen[bytes] | None] = field(default_factory=list)
    worker: subprocess.Popen[bytes] | None = None
    # Fixed when the site is made: every process (and a restarted one) uses the same prefix.
    layer_prefix: str = field(default_factory=lambda: f"vik-test-{uuid.uuid4().hex[:12]}")

    @property
    def env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("VIK_", "DJANGO_"))}
        return {
            **env,
            "DJANGO_SETTINGS_MODULE": "config.settings.dev",
            "VIK_SECRET_KEY": "asgi-site-test",
            "VIK_DATABASE_URL": self.database.url,
            "VIK_VAR_DIR": str(self.directory / "var"),
            "VIK_MEDIA_ROOT": str(self.directory / "media"),
            "VIK_EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "VIK_EMAIL_FILE_PATH": str(self.directory / "mail"),
            "VIK_CACHE_URL": "",
            "VIK_LOG_LEVEL": "WARNING",
            "VIK_MFA_REQUIRED_ROLES": "",
            "VIK_CHAT_OPENING_HOURS": "false",
            "VIK_SITE_URL": self.url(0) if self.ports else "http://127.0.0.1",
            "PYTHONUNBUFFERED": "1",
            **(
                {
                    "VIK_CHANNEL_LAYER_URL": self.layer_url,
                    # Sites of parallel test processes share the Redis database, not its keys.
                    "VIK_CHANNEL_LAYER_PREFIX": self.layer_prefix,
                }
                if self.layer_url
                else {}
            ),
            **self.settings,
        }

    def url(self, index: int = 0) -> str:
        return f"http://127.0.0.1:{self.ports[index]}"

    def ws_url(self, index: int = 0, path: str = "/ws/chat/") -> str:
        return f"ws://127.0.0.1:{self.ports[index]}{path}"

    def console(self, username: str, index: int = 0) -> ClientConnection:
        """An agent's console socket on process `index`, signed in through the sign-in page."""
        cookie = self.login(username, index=index)
        return connect(
            self.ws_url(index, "/ws/chat/staff/"), origin=Origin(self.url(index)),
            additional_headers={"Cookie": f"sessionid={cookie}"},
        )  # fmt: skip

    def citizen(self, index: int = 0) -> ClientConnection:
        """A widget's socket on process `index` (no Origin: any site may embed the widget)."""
        return connect(self.ws_url(index))

    def manage(self, *args: str, timeout: float = 300) -> str:
        """Run `vik <args>` against the site's database; its output."""
        done = subprocess.run(
            [sys.executable, "-m", "vik.cli", *args], cwd=ROOT, env=self.env,
            capture_output=True, text=True, timeout=timeout, check=False,
        )  # fmt: skip
        if done.returncode:
            raise RuntimeError(f"vik {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
        return done.stdout

    def python(self, code: str, timeout: float = 120) -> str:
        """Run Django code against the site's database (`django.setup()` done); its stdout."""
        program = "import django\ndjango.setup()\n" + code
        done = subprocess.run(
            [sys.executable, "-c", program], cwd=ROOT, env=self.env, capture_output=True,
            text=True, timeout=timeout, check=False,
        )  # fmt: skip
        if done.returncode:
            raise RuntimeError(f"python failed:\n{done.stdout}\n{done.stderr}")
        return done.stdout

    def rows(self, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        return self.database.rows(sql, params)

    def start(self, index: int | None = None) -> int:
        """Start a process (again, on its own port when `index` is given); returns its index."""
        if index is None:
            self.ports.append(free_port())
            self.processes.append(None)
            index = len(self.ports) - 1
        log = (self.directory / f"uvicorn-{index}.log").open("ab")
        process = subprocess.Popen(
            [sys.executable, "-m", "uvicorn", "config.asgi:application", "--host", "127.0.0.1",
             "--port", str(self.ports[index]), "--log-level", "warning", "--no-access-log"],
            cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
        self.processes[index] = process
        self._wait_ready(index, process)
        return index

    def _wait_ready(self, index: int, process: subprocess.Popen[bytes]) -> None:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if process.poll() is not None:
                log = (self.directory / f"uvicorn-{index}.log").read_text(errors="replace")
                raise RuntimeError(f"uvicorn exited with {process.returncode}:\n{log[-3000:]}")
            try:
                if httpx.get(f"{self.url(index)}/healthz", timeout=2).status_code < 500:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        raise RuntimeError("uvicorn did not answer within 60 s")

    def kill(self, index: int = 0) -> None:
        """SIGKILL: the process dies without closing anything (a crash, a power cut)."""
        process = self.processes[index]
        if process is not None and process.poll() is None:
            process.send_signal(signal.SIGKILL)
            process.wait(10)
        self.processes[index] = None

    def stop(self) -> None:
        for index, process in enumerate(self.processes):
            if process is not None and process.poll() is None:
                process.terminate()
                try:
                    process.wait(10)
                except subprocess.TimeoutExpired:
                    process.kill()
            self.processes[index] = None
        if self.worker is not None and self.worker.poll() is None:
            self.worker.terminate()
            try:
                self.worker.wait(15)
            except subprocess.TimeoutExpired:
                self.worker.kill()

    def start_worker(self) -> None:
        """`vik worker`: processes what the site stored (a message left offline)."""
        log = (self.directory / "worker.log").open("ab")
        self.worker = subprocess.Popen(
            [sys.executable, "-m", "vik.cli", "worker"], cwd=ROOT, env=self.env, stdout=log,
            stderr=subprocess.STDOUT,
        )  # fmt: skip

    def mails(self) -> list[str]:
        """The e-mails the site sent (the file backend's messages)."""
        folder = self.directory / "mail"
        if not folder.exists():
            return []
        return [path.read_text(errors="replace") for path in sorted(folder.iterdir())]

    def login(self, username: str, password: str = DEMO_PASSWORD, index: int = 0) -> str:
        """Sign in through the real sign-in page; the session cookie's value."""
        with httpx.Client(base_url=self.url(index), follow_redirects=False, timeout=20) as client:
            page = client.get("/staff/login/")
            token = client.cookies.get("csrftoken", "")
            answer = client.post(
                "/staff/login/",
                data={"username": username, "password": password, "csrfmiddlewaretoken": token},
                headers={"Referer": f"{self.url(index)}/staff/login/"},
            )
            if answer.status_code != 302 or "sessionid" not in client.cookies:
                raise RuntimeError(f"sign-in of {username} failed: {answer.status_code} {page}")
            return str(client.cookies["sessionid"])

    def new_agent(self, centre_slug: str = "vys-jihlava") -> str:
        """A new agent of the centre (a name of their own: tests do not share agents' chats);
        signs in with the demo password. Returns the username."""
        username = f"agent-{uuid.uuid4().hex[:8]}"
        self.python(
            "from vik.tenancy.models import InformationCentre, Membership, User\n"
            f"centre = InformationCentre.objects.get(slug={centre_slug!r})\n"
            f"user = User.objects.create_user({username!r}, password={DEMO_PASSWORD!r},"
            f" first_name='Test', last_name={username!r})\n"
            "Membership.objects.create(user=user, region=centre.region, centre=centre,"
            " role='agent')\n"
        )
        return username


def asgi_site(
    directory: Path, *, processes: int = 1, layer_url: str = "", **settings: str
) -> AsgiSite:
    """A started site: the database made and loaded, `processes` uvicorn processes answering."""
    database = database_create(directory)
    site = AsgiSite(database=database, directory=directory, layer_url=layer_url, settings=settings)
    try:
        site.manage("demo", "--no-serve", "--requests", "0", timeout=600)
        for _ in range(processes):
            site.start()
    except BaseException:
        site.stop()
        database.drop()
        raise
    return site


def asgi_site_cleanup(site: AsgiSite) -> None:
    site.stop()
    site.database.drop()


def site_fixture(directory: Path, **options: Any) -> Iterator[AsgiSite]:
    site = asgi_site(directory, **options)
    try:
        yield site
    finally:
        asgi_site_cleanup(site)
