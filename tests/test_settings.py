"""Which settings install the demo: production (`config.settings.base`) only when asked.

Each case imports a settings module in a fresh interpreter, with an environment of its own.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def clean_env(tmp_path: Path, **env: str) -> dict[str, str]:
    """This process's environment without VIK's and Django's variables, plus `env`."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("VIK_", "DJANGO_"))}
    return {**clean, "VIK_SECRET_KEY": "x", "VIK_VAR_DIR": str(tmp_path), **env}


def demo_installed(module: str, tmp_path: Path, **env: str) -> bool:
    code = f"import {module} as s; print('vik.demo' in s.INSTALLED_APPS)"
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=clean_env(tmp_path, **env),
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout.strip() == "True"


@pytest.mark.parametrize(
    ("module", "env", "expected"),
    [
        ("config.settings.base", {}, False),
        ("config.settings.base", {"VIK_DEMO_ENABLED": "false"}, False),
        ("config.settings.base", {"VIK_DEMO_ENABLED": "true"}, True),
        ("config.settings.dev", {}, True),
        ("config.settings.test", {}, True),
    ],
)
def test_demo_installed_only_where_wanted(
    module: str, env: dict[str, str], expected: bool, tmp_path: Path
) -> None:
    assert demo_installed(module, tmp_path, **env) is expected


def test_vik_demo_under_production_settings_says_how_to_run_it(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "vik", "demo", "--no-serve"],
        cwd=ROOT,
        env=clean_env(tmp_path),
        capture_output=True,
        text=True,
    )
    assert result.returncode == 1
    assert "config.settings.dev" in result.stderr
    assert "VIK_DEMO_ENABLED=true" in result.stderr


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({}, ["administrator", "region_coordinator", "analyst"]),
        ({"VIK_MFA_REQUIRED_ROLES": ""}, []),  # "nobody is forced", as .env.example says
        ({"VIK_MFA_REQUIRED_ROLES": "administrator"}, ["administrator"]),
    ],
)
def test_who_must_use_a_second_factor_comes_from_the_environment(
    tmp_path: Path, env: dict[str, str], expected: list[str]
) -> None:
    code = "import config.settings.base as s; print(','.join(s.VIK_MFA_REQUIRED_ROLES))"
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=clean_env(tmp_path, **env),
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    assert [role for role in result.stdout.strip().split(",") if role] == expected
