"""A real Dovecot IMAP server for the e-mail channel's tests (docs/RECIPES.md, section 2).

One server per test session, that is per xdist worker: started in the foreground (we own its
PID), on free loopback ports, with a private base_dir, config and TLS certificate in a temp dir;
nothing from /etc/dovecot is read. Every user name logs in with the one password (a static
passdb), so each test takes a new name and gets a new, empty mailbox: tests never see each
other's mail. Without the `dovecot` binary the tests are skipped, except in CI (CI=true),
where they fail: `scripts/system-deps.sh` installs it.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from imapclient import IMAPClient

MAIL_UID = 65534  # nobody/nogroup: Dovecot refuses to run mail processes as root

CONFIG = """\
instance_name = dovecot-vik-test-{port}
base_dir = {d}/run
state_dir = {d}/state
log_path = {d}/dovecot.log
info_log_path = {d}/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = yes
ssl_cert = <{d}/cert.pem
ssl_key = <{d}/key.pem
disable_plaintext_auth = no
auth_mechanisms = plain login
auth_failure_delay = 0
mail_location = maildir:~/Maildir
first_valid_uid = {uid}
first_valid_gid = {uid}
passdb {{
  driver = static
  args = password={password}
}}
userdb {{
  driver = static
  args = uid={uid} gid={uid} home={d}/mail/%u
}}
# No growing delay after the bad-password test (Dovecot's documented way to turn it off).
service anvil {{
  unix_listener anvil-auth-penalty {{
    mode = 0
  }}
}}
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    address = 127.0.0.1
    port = {tls_port}
  }}
}}
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class MailUser:
    """One mailbox on the test server."""

    server: DovecotServer
    username: str
    password: str

    @contextlib.contextmanager
    def client(self) -> Iterator[IMAPClient]:
        with IMAPClient("127.0.0.1", port=self.server.port, ssl=False, timeout=10) as client:
            client.login(self.username, self.password)
            yield client

    def append(
        self, messages: list[bytes], folder: str = "INBOX", flags: tuple[bytes, ...] = ()
    ) -> None:
        with self.client() as client:
            if not client.folder_exists(folder):
                client.create_folder(folder)
            for raw in messages:
                client.append(folder, raw, flags=flags)

    def flags(self, folder: str = "INBOX") -> dict[int, tuple[bytes, ...]]:
        with self.client() as client:
            if not client.folder_exists(folder):
                return {}
            client.select_folder(folder, readonly=True)
            return {uid: tuple(f) for uid, f in client.get_flags(client.search("ALL")).items()}

    def imap_settings(self, **overrides: Any) -> dict[str, Any]:
        """The `settings["imap"]` of a channel account reading this mailbox in plain text."""
        return {
            "host": "127.0.0.1",
            "port": self.server.port,
            "security": "none",
            "username": self.username,
            "password": self.password,
            "folder": "INBOX",
            "after_processing": "flag",
            "timeout": 10,
            **overrides,
        }


@dataclass
class DovecotServer:
    binary: str
    directory: Path
    port: int
    tls_port: int
    password: str = field(default_factory=lambda: secrets.token_urlsafe(12))
    process: subprocess.Popen[bytes] | None = None
    users: int = 0

    @property
    def ca_file(self) -> str:
        return str(self.directory / "cert.pem")

    def log(self) -> str:
        path = self.directory / "dovecot.log"
        return path.read_text(errors="replace")[-4000:] if path.exists() else "(no log)"

    def start(self) -> None:
        conf = self.directory / "dovecot.conf"
        self.process = subprocess.Popen([self.binary, "-F", "-c", str(conf)])
        deadline = time.monotonic() + 15
        while True:
            if self.process.poll() is not None:
                raise RuntimeError(f"dovecot exited with {self.process.returncode}:\n{self.log()}")
            with (
                contextlib.suppress(OSError),
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2),
            ):
                return
            if time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"dovecot did not listen on {self.port}:\n{self.log()}")
            time.sleep(0.02)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(5)
        self.process = None

    def add_user(self) -> MailUser:
        """A new, empty mailbox: Dovecot creates it at the first login."""
        self.users += 1
        return MailUser(self, f"u{self.users}@example.com", self.password)


def _binary(name: str) -> str:
    """The path of a program; Debian puts dovecot in /usr/sbin, not on a user's PATH."""
    found = shutil.which(name) or shutil.which(name, path="/usr/sbin:/usr/local/sbin")
    if found is None:
        reason = f"{name} is not installed (scripts/system-deps.sh installs it)"
        if os.environ.get("CI", "").lower() in {"1", "true", "yes"}:
            pytest.fail(reason, pytrace=False)
        pytest.skip(reason)
    return found


@pytest.fixture(scope="session")
def dovecot() -> Iterator[DovecotServer]:
    dovecot, openssl = _binary("dovecot"), _binary("openssl")
    # Not under pytest's tmp_path: its parents are 0700, and the mail processes run as nobody.
    directory = Path(tempfile.mkdtemp(prefix="vik-dovecot-"))
    directory.chmod(0o755)
    server = DovecotServer(dovecot, directory, port=free_port(), tls_port=free_port())
    try:
        subprocess.run(
            [
                openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1",
                "-keyout", str(directory / "key.pem"), "-out", str(directory / "cert.pem"),
            ],
            check=True, capture_output=True,
        )  # fmt: skip
        (directory / "mail").mkdir()
        os.chown(directory / "mail", MAIL_UID, MAIL_UID)
        config = CONFIG.format(
            d=directory, port=server.port, tls_port=server.tls_port, uid=MAIL_UID,
            password=server.password,
        )  # fmt: skip
        (directory / "dovecot.conf").write_text(config)
        server.start()
        yield server
    finally:
        server.stop()
        shutil.rmtree(directory, ignore_errors=True)


@pytest.fixture
def imap_user(dovecot: DovecotServer) -> MailUser:
    """A new, empty mailbox on the session's Dovecot."""
    return dovecot.add_user()


@pytest.fixture
def mailbox(world: Any) -> Any:
    """The e-mail account of centre A (Jihlava), acknowledging new requests, sending by SMTP."""
    from vik.channels.core.choices import ChannelKind
    from vik.channels.core.models import ChannelAccount

    return ChannelAccount.objects.create(
        region=world.region,
        centre=world.centre_a,
        kind=ChannelKind.EMAIL,
        name="podatelna-jihlava",
        settings={"smtp": {"from": "podatelna@jihlava.example"}},
    )
