"""`vik check --deploy` under the production settings (the environment .env.example gives for
production) prints no warning; the one silenced check is security.W021 (HSTS preload, see
config/settings/base.py)."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

PRODUCTION = {
    "VIK_SECRET_KEY": secrets.token_urlsafe(50),
    "VIK_DEBUG": "false",
    "VIK_ALLOWED_HOSTS": "vik.kr-vysocina.cz",
    "VIK_SITE_URL": "https://vik.kr-vysocina.cz",
    "VIK_CSRF_TRUSTED_ORIGINS": "https://vik.kr-vysocina.cz",
    "VIK_PROXY_SSL_HEADER": "X-Forwarded-Proto",
    "VIK_TRUSTED_PROXY_COUNT": "1",
}


def run(tmp_path: Path, code: list[str], **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("VIK_", "DJANGO_"))}
    return subprocess.run(
        [sys.executable, *code],
        cwd=ROOT,
        env={**clean, "PYTHONPATH": str(ROOT), "VIK_VAR_DIR": str(tmp_path), **env},
        capture_output=True,
        text=True,
    )


def test_check_deploy_is_clean_with_the_production_environment(tmp_path):
    result = run(
        tmp_path, ["-m", "vik", "check", "--deploy", "--fail-level", "WARNING"], **PRODUCTION
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (1 silenced)." in result.stdout
    assert "WARNINGS" not in result.stdout + result.stderr


def test_the_production_environment_turns_on_transport_security(tmp_path):
    code = (
        "import config.settings.base as s; print(s.SECURE_HSTS_SECONDS, s.SECURE_SSL_REDIRECT, "
        "s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_PROXY_SSL_HEADER, "
        "s.SESSION_COOKIE_AGE)"
    )
    result = run(tmp_path, ["-c", code], **PRODUCTION)
    assert result.stdout.split() == [
        "31536000",
        "True",
        "True",
        "True",
        "('HTTP_X_FORWARDED_PROTO',",
        "'https')",
        "36000",
    ]


def test_without_https_the_check_complains(tmp_path):
    """The test above can fail: the same check on a plain-HTTP configuration warns."""
    env = {**PRODUCTION, "VIK_SITE_URL": "http://vik.kr-vysocina.cz"}
    result = run(tmp_path, ["-m", "vik", "check", "--deploy", "--fail-level", "WARNING"], **env)
    assert result.returncode != 0
    assert "security.W004" in result.stderr + result.stdout
    assert "security.W008" in result.stderr + result.stdout
