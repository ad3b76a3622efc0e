"""Writes of the second factor: enrol an authenticator app, check a code, recovery codes, remove
and reset. Every success and every failure is audited (`mfa.*` events on the user)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

import django_otp
from django.contrib.auth import authenticate
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest
from django_otp.models import Device, VerifyNotAllowed
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from vik.audit.services import audit_record
from vik.tenancy import permissions

if TYPE_CHECKING:
    from vik.tenancy.types import StaffUser

RECOVERY_CODE_COUNT = 10


@dataclass(frozen=True)
class Verification:
    """The outcome of a code: the device that took it, or when the next try is allowed (None:
    at once). `throttled` means the code was not even checked: the user tried too often."""

    device: Device | None = None
    retry_at: datetime | None = None
    throttled: bool = False

    @property
    def ok(self) -> bool:
        return self.device is not None


def normalised_code(code: str) -> str:
    return "".join(code.split()).replace("-", "").lower()


def retry_at(device: Device) -> datetime | None:
    allowed, info = device.verify_is_allowed()
    if allowed or not info or info.get("reason") != VerifyNotAllowed.N_FAILED_ATTEMPTS:
        return None
    locked_until: datetime | None = info.get("locked_until")
    return locked_until


def _check(devices: list[Device], code: str) -> Verification:
    """Try the code on the devices (locked for update by the caller's transaction)."""
    found_retry_at = None
    for device in devices:
        locked_until = retry_at(device)
        if locked_until is not None:
            return Verification(retry_at=locked_until, throttled=True)
        if device.verify_token(code):
            return Verification(device=device)
        found_retry_at = retry_at(device) or found_retry_at
    return Verification(retry_at=found_retry_at)


def _confirmed_devices_for(user: StaffUser, code: str) -> list[Device]:
    """Six digits are a code of the authenticator app; anything else a recovery code."""
    model: type[Device] = TOTPDevice if code.isdigit() and len(code) == 6 else StaticDevice
    return list(model.objects.filter(user=user, confirmed=True).select_for_update())


def second_factor_verify(*, user: StaffUser, code: str, request: HttpRequest) -> Verification:
    """Check the code after the password; on success the session is verified (django-otp)."""
    code = normalised_code(code)
    with transaction.atomic():
        result = _check(_confirmed_devices_for(user, code), code) if code else Verification()
    if result.device is not None:
        request.session.cycle_key()  # a new session key for the now fully signed-in session
        django_otp.login(request, result.device)
        recovery = isinstance(result.device, StaticDevice)
        details: dict[str, object] = {"method": "recovery_code" if recovery else "totp"}
        if recovery:
            details["recovery_codes_left"] = StaticToken.objects.filter(
                device=result.device
            ).count()
        audit_record(actor=user, action="mfa.verify", target=user, request=request, details=details)
    else:
        audit_record(
            actor=user,
            action="mfa.fail",
            target=user,
            request=request,
            details={"throttled": result.throttled},
        )
    return result


def totp_device_start(*, user: StaffUser) -> TOTPDevice:
    """The unconfirmed authenticator device the enrolment page shows (the same one on reload)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="authenticator", confirmed=False)
    return device


def _recovery_codes_create(user: StaffUser) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name="recovery codes", confirmed=True)
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=c) for c in codes])
    return codes


def totp_device_confirm(
    *, user: StaffUser, code: str, request: HttpRequest
) -> tuple[list[str] | None, Verification]:
    """Confirm the enrolment with a code from the app: the device counts from now on, the
    session is verified, and the 10 new recovery codes are returned (to be shown once).
    No codes: the code was wrong, or the user must wait (the verification says until when)."""
    code = normalised_code(code)
    with transaction.atomic():
        devices: list[Device] = list(
            TOTPDevice.objects.filter(user=user, confirmed=False).select_for_update()
        )
        result = _check(devices, code) if code else Verification()
        if result.device is None:
            audit_record(
                actor=user,
                action="mfa.fail",
                target=user,
                request=request,
                details={"throttled": result.throttled, "enrolment": True},
            )
            return None, result
        TOTPDevice.objects.filter(user=user).exclude(pk=result.device.pk).delete()
        result.device.confirmed = True
        result.device.save(update_fields=["confirmed"])
        codes = _recovery_codes_create(user)
        audit_record(actor=user, action="mfa.enrol", target=user, request=request)
    request.session.cycle_key()
    django_otp.login(request, result.device)
    return codes, result


def recovery_codes_regenerate(*, user: StaffUser, request: HttpRequest) -> list[str]:
    """New recovery codes; the old ones stop working."""
    with transaction.atomic():
        codes = _recovery_codes_create(user)
        audit_record(
            actor=user, action="mfa.recovery_codes_regenerate", target=user, request=request
        )
    return codes


def identity_confirm(*, user: StaffUser, secret: str, request: HttpRequest) -> bool:
    """Before a change of the second factor: the user's password (through `authenticate`, so
    that the sign-in throttling counts a wrong one), or a current code."""
    if secret and authenticate(request, username=user.get_username(), password=secret) == user:
        return True
    code = normalised_code(secret)
    if code:
        with transaction.atomic():
            if _check(_confirmed_devices_for(user, code), code).ok:
                return True
    audit_record(
        actor=user,
        action="mfa.fail",
        target=user,
        request=request,
        details={"reauthenticate": True},
    )
    return False


def _devices_delete(user: StaffUser) -> None:
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()


def second_factor_remove(*, user: StaffUser, request: HttpRequest) -> None:
    """The user removes their own app and recovery codes (after `identity_confirm`). A user whose
    role requires the second factor is sent to enrol again at once."""
    with transaction.atomic():
        _devices_delete(user)
        audit_record(actor=user, action="mfa.remove", target=user, request=request)


def second_factor_reset(
    *, user: StaffUser, by: StaffUser | None, request: HttpRequest | None
) -> None:
    """An administrator resets another user's second factor (a lost phone): the user signs in
    with the password and enrols again (if their role requires it). `by` None: an operator at
    the server's console (`vik mfa reset`), recorded as "system"."""
    if by is not None and not permissions.can_reset_second_factor(by, user):
        raise PermissionDenied
    with transaction.atomic():
        _devices_delete(user)
        audit_record(
            actor=by,
            action="mfa.reset",
            target=user,
            request=request,
            details={"user": user.get_username(), **({} if by else {"via": "command line"})},
        )
