"""Writes of tenancy: the audit of sign-in lockouts and their release; a region's portal
identity."""

from __future__ import annotations

from datetime import timedelta

from axes.models import AccessAttempt
from django.conf import settings
from django.db import models, transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from vik.audit.services import audit_record
from vik.core.errors import PermissionDenied, ValidationFailed

from . import permissions
from .models import PortalIdentity, User
from .types import StaffUser


def _lock_target(
    *, username: str | None, ip_address: str | None, account: bool = True
) -> models.Model | None:
    """What the audit event is about: the locked account if it exists, else the failure row."""
    user = User.objects.filter(username=username).first() if username and account else None
    if user is not None:
        return user
    rows = AccessAttempt.objects.filter(ip_address=ip_address)
    if username:
        rows = rows.filter(username=username)
    row: models.Model | None = rows.order_by("-attempt_time").first()
    return row


def lockout_record(
    *,
    request: HttpRequest,
    username: str | None,
    ip_address: str | None,
    account_locked: bool,
    address_locked: bool,
) -> None:
    """Audit the moment a sign-in lock begins (called by the axes handler, `signin`): of the
    account (the event is about the user) or of the address (about the failure row)."""
    target = _lock_target(username=username, ip_address=ip_address, account=account_locked)
    if target is None:
        return
    audit_record(
        actor=None,
        action="auth.lockout",
        target=target,
        request=request,
        details={
            "username": username or "",
            "ip_address": ip_address or "",
            "locked": [
                kind
                for kind, locked in (("account", account_locked), ("address", address_locked))
                if locked
            ],
            "path": request.path,
            "cooloff_minutes": settings.VIK_LOGIN_COOLOFF_MINUTES,
            "until": (
                timezone.now() + timedelta(minutes=settings.VIK_LOGIN_COOLOFF_MINUTES)
            ).isoformat(),
        },
    )


@transaction.atomic
def lockout_release(
    *,
    by: StaffUser,
    request: HttpRequest | None,
    username: str | None = None,
    ip_address: str | None = None,
) -> int:
    """Forget the sign-in failures of one account (`username`) or one address (`ip_address`),
    which lifts its lock; returns how many failure rows went. Audited."""
    if bool(username) == bool(ip_address):
        raise ValidationFailed("Release either an account or an address.")
    if username:
        account = User.objects.filter(username=username).first()
        allowed = (
            permissions.can_release_account(by, account)
            if account is not None
            else permissions.can_release_address(by)  # an unknown name: superusers
        )
        rows = AccessAttempt.objects.filter(username=username)
    else:
        account = None
        allowed = permissions.can_release_address(by)
        rows = AccessAttempt.objects.filter(ip_address=ip_address)
    if not allowed:
        raise PermissionDenied("You may not release this lock.")
    target = account or rows.order_by("-attempt_time").first()
    count, _ = rows.delete()
    if target is not None:
        audit_record(
            actor=by,
            action="auth.lockout_release",
            target=target,
            request=request,
            details={"username": username or "", "ip_address": ip_address or "", "rows": count},
        )
    return int(count)


# The public portal's identity ------------------------------------------------------------------


@transaction.atomic
def portal_identity_update(
    *, identity: PortalIdentity, by: StaffUser, changed: list[str]
) -> PortalIdentity:
    """Save a region's portal identity as its coordinator or administrator edited it (a new
    one: the region's first), and audit which fields changed, as other configuration."""
    if not permissions.can_edit_portal(by, identity.region_id):
        raise PermissionDenied(_("You may not edit the portal of this region."))
    created = identity.pk is None
    identity.save()
    audit_record(
        actor=by,
        action="portal.identity_create" if created else "portal.identity_update",
        target=identity,
        region_id=identity.region_id,
        details={"name": identity.name[:200], "fields": sorted(changed)},
    )
    return identity
