"""A real OpenID Connect provider for the single sign-on tests: npm `oidc-provider`
(`tools/node/oidc-op.mjs`) as its own process on a free loopback port, started once the
`live_server` URL is known (the client's redirect URI must match it exactly).

A test names the provider's accounts by overriding the `oidc_accounts` fixture
(`{login: {"password": …, "claims": {"email": …}}}`); `oidc_provider` starts the provider with a
client for VIK and points the `VIK_OIDC_*` settings at it (the endpoints by discovery).
Without node or `npm ci` in tools/node (`scripts/node-deps.sh`) the tests skip, and under
`CI=true` fail: a missing provider never passes quietly.
"""

from __future__ import annotations

import json
import os
import secrets
import selectors
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

import httpx
import pytest

NODE_DIR = Path(__file__).resolve().parents[2] / "tools" / "node"
OP_SCRIPT = NODE_DIR / "oidc-op.mjs"
START_SECONDS = 20.0
PROVIDER_NAME = "Testovací IdP"


def _in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in {"true", "1", "yes"}


def _cannot_start(message: str) -> None:
    message = f"The OpenID Connect provider cannot start: {message}"
    if _in_ci():
        pytest.fail(message, pytrace=False)
    pytest.skip(message)


@dataclass
class OidcProvider:
    issuer: str
    client_id: str
    client_secret: str
    rp_url: str

    def start(self, browser: httpx.Client, next_path: str = "") -> httpx.Response:
        """VIK's login button: the answer is the provider's login form."""
        query = f"?next={next_path}" if next_path else ""
        return browser.get(f"{self.rp_url}/staff/oidc/start/{query}", follow_redirects=True)

    def sign_in(self, browser: httpx.Client, login: str, password: str) -> httpx.Response:
        """The whole sign-in as a person does it, redirects followed: VIK's page at the end."""
        form = self.start(browser)
        assert 'name="password"' in form.text, form.text[:500]
        return browser.post(
            str(form.url), data={"login": login, "password": password}, follow_redirects=True
        )

    def to_callback(self, browser: httpx.Client, response: httpx.Response) -> str:
        """Follows redirects by hand up to (not into) VIK's callback; returns its URL."""
        for _ in range(10):
            location = response.headers.get("location")
            assert location, f"no redirect at {response.url}: {response.status_code}"
            url: str = urljoin(str(response.url), str(location))
            if url.startswith(f"{self.rp_url}/staff/oidc/callback/"):
                return url
            response = browser.get(url)
        raise AssertionError("the provider never sent the browser back to VIK")


@pytest.fixture
def oidc_accounts() -> dict[str, dict[str, Any]]:
    """The provider's accounts; tests override this fixture."""
    return {}


@pytest.fixture
def oidc_provider(
    live_server: Any, settings: Any, oidc_accounts: dict[str, dict[str, Any]]
) -> Iterator[OidcProvider]:
    node = shutil.which("node")
    if node is None:
        _cannot_start("`node` is not installed (scripts/node-deps.sh installs it)")
    if not (NODE_DIR / "node_modules" / "oidc-provider").is_dir():
        _cannot_start(f"run scripts/node-deps.sh (`npm ci` in {NODE_DIR})")
    client_id, client_secret = "vik", secrets.token_urlsafe(24)
    config = {
        "clients": [
            {
                "client_id": client_id,
                "client_secret": client_secret,
                "redirect_uris": [f"{live_server.url}/staff/oidc/callback/"],
                "token_endpoint_auth_method": "client_secret_post",
            }
        ],
        "accounts": oidc_accounts,
    }
    with tempfile.TemporaryFile(mode="w+") as errors:
        process = subprocess.Popen(
            [str(node), str(OP_SCRIPT), "--port", "0", "--host", "127.0.0.1"],
            cwd=NODE_DIR,
            env={**os.environ, "OIDC_OP_CONFIG": json.dumps(config)},
            stdout=subprocess.PIPE,
            stderr=errors,
            text=True,
        )
        try:
            issuer = _wait_ready(process)
            if issuer is None:
                _stop(process)
                errors.seek(0)
                _cannot_start(f"no `ready` line within {START_SECONDS} s; stderr: {errors.read()}")
            assert issuer is not None
            settings.VIK_OIDC_CLIENT_ID = client_id
            settings.VIK_OIDC_CLIENT_SECRET = client_secret
            settings.VIK_OIDC_ISSUER = issuer
            settings.VIK_OIDC_PROVIDER_NAME = PROVIDER_NAME
            yield OidcProvider(
                issuer=issuer,
                client_id=client_id,
                client_secret=client_secret,
                rp_url=live_server.url,
            )
        finally:
            _stop(process)


def _stop(process: subprocess.Popen[str]) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(5)
    if process.stdout is not None:
        process.stdout.close()


def _wait_ready(process: subprocess.Popen[str]) -> str | None:
    """The issuer from the provider's `ready <issuer>` line, or None if it did not come."""
    assert process.stdout is not None
    deadline = time.monotonic() + START_SECONDS
    with selectors.DefaultSelector() as selector:
        selector.register(process.stdout, selectors.EVENT_READ)
        while time.monotonic() < deadline:
            if not selector.select(timeout=max(0.0, deadline - time.monotonic())):
                break
            line = process.stdout.readline()
            if not line:
                return None  # the process ended
            if line.startswith("ready "):
                return line.split()[1].rstrip("/")
    return None
