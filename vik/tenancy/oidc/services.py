"""The audit records of single sign-on: every sign-in and every refusal."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from vik.audit.services import audit_record

from ..models import User
from ..types import StaffUser

SIGNED_IN = "staff.login_oidc"
REFUSED = "staff.login_oidc_refused"


def oidc_sign_in_record(
    *, user: StaffUser, request: HttpRequest, issuer: str, claims: dict[str, Any], claim: str
) -> None:
    audit_record(
        actor=user,
        action=SIGNED_IN,
        target=user,
        request=request,
        details={
            "method": "oidc",
            "issuer": issuer,
            "sub": str(claims.get("sub") or ""),
            "claim": claim,
            "identity": str(claims.get(claim) or ""),
        },
    )


def oidc_refusal_record(
    *,
    request: HttpRequest,
    reason: str,
    issuer: str,
    identity: str = "",
    user: StaffUser | None = None,
    claim: str = "",
    error: str = "",
) -> None:
    """Refused by VIK after the provider vouched for the person, or a broken or forged answer.

    With no matching account the target is the identity itself (object id "None")."""
    details = {"method": "oidc", "reason": reason, "issuer": issuer, "identity": identity}
    if claim:
        details["claim"] = claim
    if error:
        details["error"] = error[:200]
    audit_record(
        actor=None,
        action=REFUSED,
        target=user if user is not None else User(username=identity[:150]),
        request=request,
        details=details,
    )
