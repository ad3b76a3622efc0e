"""Reads of the second factor: a user's devices, the codes left, whether a session passed it."""

from __future__ import annotations

import base64
import re
from typing import TYPE_CHECKING

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.db.models import Q
from django.http import HttpRequest
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from vik.tenancy import permissions
from vik.tenancy.models import User

if TYPE_CHECKING:
    from vik.tenancy.types import StaffUser, Viewer

# The session key the single sign-on sets to "oidc" (vik.tenancy / the OIDC backend).
LOGIN_METHOD_SESSION_KEY = "vik_login_method"


def totp_device(user: StaffUser, *, confirmed: bool = True) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=confirmed).order_by("pk").first()


def has_second_factor(user: Viewer) -> bool:
    """The user has a confirmed device (an authenticator app, or recovery codes): one query,
    asked by the middleware on every request of a session that has not entered a code."""
    if not user.is_authenticated:
        return False
    confirmed = Q(totpdevice__confirmed=True) | Q(staticdevice__confirmed=True)
    return User.objects.filter(pk=user.pk).filter(confirmed).exists()


def recovery_codes_left(user: StaffUser) -> int:
    return int(StaticToken.objects.filter(device__user=user, device__confirmed=True).count())


def session_verified(request: HttpRequest) -> bool:
    """This session passed the second factor: a code was entered (django-otp's OTPMiddleware
    sets `is_verified`), or the user came through single sign-on and the identity provider
    enforces its own second factor (`VIK_OIDC_PROVIDER_MFA`)."""
    is_verified = getattr(request.user, "is_verified", None)
    if is_verified is not None and is_verified():
        return True
    return bool(
        settings.VIK_OIDC_PROVIDER_MFA and request.session.get(LOGIN_METHOD_SESSION_KEY) == "oidc"
    )


def second_factor_pending(request: HttpRequest) -> bool:
    """The user signed in with a password but must still enter a code or enrol."""
    user = request.user
    if not user.is_authenticated or session_verified(request):
        return False
    return has_second_factor(user) or permissions.requires_second_factor(user)


def base32_secret(device: TOTPDevice) -> str:
    """The device's key as authenticator apps take it, in groups of four for typing."""
    secret = base64.b32encode(device.bin_key).decode("ascii").rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def qr_code_svg(device: TOTPDevice) -> str:
    """The `otpauth://` URL of the device as an inline SVG QR code, drawn here (no third party)."""
    image = qrcode.make(
        device.config_url, image_factory=qrcode.image.svg.SvgPathImage, box_size=8, border=2
    )
    svg = re.sub(r"^<\?xml[^>]*\?>\s*", "", image.to_string(encoding="unicode"))
    # A fixed size in pixels (the library gives millimetres); the label is set by the template.
    return re.sub(r'width="[^"]*" height="[^"]*"', 'width="232" height="232"', svg, count=1)
