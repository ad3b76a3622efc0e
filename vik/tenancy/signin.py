"""Staff sign-in throttling with django-axes: an account is locked after
`VIK_LOGIN_FAILURE_LIMIT` failures from anywhere, an address after
`VIK_LOGIN_ADDRESS_FAILURE_LIMIT` failures on any accounts, both for
`VIK_LOGIN_COOLOFF_MINUTES` after the last failure.

Axes counts failures per (username, address, browser) row in the database and compares one
number with one limit. `AccountAndAddressHandler.get_failures` gives that number for two limits:
the account's failures times the address limit or the address's failures times the account limit,
whichever is larger, against the product of both limits (`failure_limit`); either count reaching
its own limit reaches it. The handler is axes' extension point (`AXES_HANDLER`): it also writes
the audit event at the moment a lock begins (`services.lockout_record`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Max, QuerySet, Sum
from django.http import HttpRequest
from django.utils import timezone

from . import services


def cooloff(request: HttpRequest | None = None) -> timedelta:
    return timedelta(minutes=settings.VIK_LOGIN_COOLOFF_MINUTES)


def failure_limit(request: HttpRequest | None = None, credentials: Any = None) -> int:
    return int(settings.VIK_LOGIN_FAILURE_LIMIT * settings.VIK_LOGIN_ADDRESS_FAILURE_LIMIT)


def recent_attempts() -> QuerySet[AccessAttempt]:
    """Failure rows whose last failure is within the cool-off: the ones that count."""
    rows: QuerySet[AccessAttempt] = AccessAttempt.objects.filter(
        attempt_time__gte=timezone.now() - cooloff()
    )
    return rows


@dataclass(frozen=True)
class Counts:
    account: int
    address: int
    last_failure: datetime | None

    @property
    def account_locked(self) -> bool:
        return self.account >= settings.VIK_LOGIN_FAILURE_LIMIT

    @property
    def address_locked(self) -> bool:
        return self.address >= settings.VIK_LOGIN_ADDRESS_FAILURE_LIMIT

    @property
    def locked_until(self) -> datetime | None:
        if self.last_failure is None or not (self.account_locked or self.address_locked):
            return None
        return self.last_failure + cooloff()


def failure_counts(*, username: str | None, ip_address: str | None) -> Counts:
    recent = recent_attempts()
    by_account = recent.filter(username=username) if username else recent.none()
    by_address = recent.filter(ip_address=ip_address) if ip_address else recent.none()
    account = by_account.aggregate(n=Sum("failures_since_start"), last=Max("attempt_time"))
    address = by_address.aggregate(n=Sum("failures_since_start"), last=Max("attempt_time"))
    lasts = [t for t in (account["last"], address["last"]) if t is not None]
    return Counts(
        account=account["n"] or 0, address=address["n"] or 0, last_failure=max(lasts, default=None)
    )


class AccountAndAddressHandler(AxesDatabaseHandler):  # type: ignore[misc]
    def get_failures(self, request: HttpRequest, credentials: dict[str, Any] | None = None) -> int:
        counts = failure_counts(
            username=get_client_username(request, credentials),
            ip_address=request.axes_ip_address,  # type: ignore[attr-defined]
        )
        return max(
            counts.account * settings.VIK_LOGIN_ADDRESS_FAILURE_LIMIT,
            counts.address * settings.VIK_LOGIN_FAILURE_LIMIT,
        )

    def user_login_failed(
        self,
        sender: Any,
        credentials: dict[str, Any],
        request: HttpRequest | None = None,
        **kwargs: Any,
    ) -> None:
        was_locked = bool(getattr(request, "axes_locked_out", False))
        super().user_login_failed(sender, credentials, request=request, **kwargs)
        if request is not None and not was_locked and getattr(request, "axes_locked_out", False):
            username = get_client_username(request, credentials)
            ip_address = request.axes_ip_address  # type: ignore[attr-defined]
            counts = failure_counts(username=username, ip_address=ip_address)
            services.lockout_record(
                request=request,
                username=username,
                ip_address=ip_address,
                account_locked=counts.account_locked,
                address_locked=counts.address_locked,
            )

    def reset_user_attempts(
        self, request: HttpRequest, credentials: dict[str, Any] | None = None
    ) -> int:
        """After a successful sign-in, forget the account's failures only: the address's count
        stays, or an attacker with one account of their own could clear it."""
        username = get_client_username(request, credentials)
        if not username:
            return 0
        count, _ = AccessAttempt.objects.filter(username=username).delete()
        return int(count)
