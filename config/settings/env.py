"""Typed helpers that read settings from the environment.

Every variable VIK reads is listed in `.env.example`. A secret can also be given as a file:
`NAME_FILE=/run/secrets/name` reads the value from that file (Docker and systemd credentials).
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path


def env_str(name: str, default: str = "") -> str:
    """The variable's value; unset and empty both mean the default."""
    file_name = os.environ.get(f"{name}_FILE")
    if file_name:
        return Path(file_name).read_text(encoding="utf-8").strip()
    return os.environ.get(name) or default


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value not in (None, "") else default


def env_float(name: str, default: float) -> float:
    value = os.environ.get(name)
    return float(value) if value not in (None, "") else default


def env_list(name: str, default: list[str], *, empty_is_none: bool = False) -> list[str]:
    """A comma-separated list; unset gives `default`. Set but empty gives `default` too, unless
    `empty_is_none`: then it is the empty list (a setting where "nobody" is a choice)."""
    value = os.environ.get(name)
    if value is not None and not value.strip() and empty_is_none:
        return []
    if not value:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


def env_secret(name: str, generated_into: Path) -> str:
    """Return the secret from the environment, or one generated once into `generated_into`.

    The generated file serves the embedded demo only; production sets the variable.
    """
    value = env_str(name)
    if value:
        return value
    if generated_into.exists():
        return generated_into.read_text(encoding="utf-8").strip()
    generated_into.parent.mkdir(parents=True, exist_ok=True)
    value = secrets.token_urlsafe(50)
    generated_into.write_text(value, encoding="utf-8")
    generated_into.chmod(0o600)
    return value
