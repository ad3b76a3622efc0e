"""The checks `/healthz` reports, each registered by the app that owns what it checks.

Core knows no domain: an app registers its checks in its `AppConfig.ready()`, e.g.

    register_check("inbound", inbound_payloads)

and `/healthz` reports each under its name, in the order the apps registered them (the order
of `INSTALLED_APPS`). A check that raises makes `/healthz` answer 503, as a failing database
does: the checks read the database, so that is usually what failed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class HealthResult:
    """What a check reports (`report`, shown under the check's name), and whether the state
    needs someone's attention (`degraded`: the whole answer says "degraded")."""

    report: dict[str, object] = field(default_factory=dict)
    degraded: bool = False


HealthCheck = Callable[[], HealthResult]

_checks: dict[str, HealthCheck] = {}


def register_check(name: str, check: HealthCheck) -> None:
    """Report `check()` under `name` in `/healthz`; registering a name again replaces it."""
    _checks[name] = check


def run_checks() -> dict[str, HealthResult]:
    """Every registered check's result by name, in the order of registration."""
    return {name: check() for name, check in _checks.items()}
