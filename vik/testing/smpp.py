"""A real SMPP server for the SMS tests and benchmark: npm `smpp` (`tools/node/smpp-server.mjs`)
as its own process on free loopback ports, with a small HTTP control channel (what it received,
send a deliver_sm, drop the connection mid-window, receipt modes).

Without node or `npm ci` in tools/node (`scripts/node-deps.sh`) the tests skip, and under
`CI=true` fail: a missing server never passes quietly.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

NODE_DIR = Path(__file__).resolve().parents[2] / "tools" / "node"
SCRIPT = NODE_DIR / "smpp-server.mjs"
SYSTEM_ID, PASSWORD = "vik", "s3cret"  # an SMPP password has at most 8 characters


def _in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in {"true", "1", "yes"}


class CannotStart(Exception):
    pass


@dataclass
class SmppServer:
    process: subprocess.Popen[str]
    port: int
    control: str

    def _call(self, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
        response = httpx.request(method, f"{self.control}{path}", json=body, timeout=10)
        response.raise_for_status()
        return response.json()

    def received(self) -> list[dict[str, Any]]:
        return list(self._call("GET", "/received"))

    def stats(self) -> dict[str, int]:
        return dict(self._call("GET", "/stats"))

    def reset(self) -> None:
        self._call("POST", "/reset")

    def mode(self, **mode: Any) -> None:
        self._call("POST", "/mode", mode)

    def drop_after(self, count: int) -> None:
        """The `count`-th next submit_sm is not answered, and the connection is closed."""
        self._call("POST", "/drop", {"after": count})

    def deliver(self, **body: Any) -> int:
        """A deliver_sm to every bound session; how many sessions got it."""
        return int(self._call("POST", "/deliver", body)["sessions"])

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def smpp_server_start() -> SmppServer:
    node = shutil.which("node")
    if node is None:
        raise CannotStart("`node` is not installed (scripts/node-deps.sh installs it)")
    if not (NODE_DIR / "node_modules" / "smpp").is_dir():
        raise CannotStart(f"run scripts/node-deps.sh (`npm ci` in {NODE_DIR})")
    errors = tempfile.TemporaryFile(mode="w+")  # noqa: SIM115 - lives as long as the process
    process = subprocess.Popen(
        [node, str(SCRIPT), "--system-id", SYSTEM_ID, "--password", PASSWORD],
        cwd=NODE_DIR, stdout=subprocess.PIPE, stderr=errors, text=True,
    )  # fmt: skip
    assert process.stdout is not None
    line = process.stdout.readline()
    if not line.startswith("READY "):
        process.kill()
        errors.seek(0)
        raise CannotStart(f"the SMPP server did not start: {line!r} {errors.read()[-2000:]}")
    _ready, smpp_port, http_port = line.split()
    return SmppServer(process, int(smpp_port), f"http://127.0.0.1:{http_port}")


@pytest.fixture(scope="session")
def smpp_server_process() -> Iterator[SmppServer]:
    try:
        server = smpp_server_start()
    except CannotStart as error:
        message = f"The SMPP server cannot start: {error}"
        if _in_ci():
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    yield server
    server.stop()


@pytest.fixture
def smpp_server(smpp_server_process: SmppServer) -> SmppServer:
    """The running SMPP server, forgotten what it received, in its default mode."""
    smpp_server_process.reset()
    return smpp_server_process
