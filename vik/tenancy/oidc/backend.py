"""The code flow of mozilla-django-oidc, with VIK's rule for who may sign in."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import SuspiciousOperation
from django.http import HttpRequest
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.utils import import_from_settings

from .. import permissions
from ..models import User
from .config import OidcConfig, library_settings

# Why a person the provider vouched for does not get in (also the audit's "reason").
UNKNOWN = "unknown"
AMBIGUOUS = "ambiguous"
INACTIVE = "inactive"
NO_MEMBERSHIP = "no_membership"
CLAIM_MISSING = "claim_missing"


class OidcRefusal(Exception):
    """The provider signed the person in, but VIK does not let them in."""

    def __init__(self, reason: str, *, identity: str, user: User | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.identity = identity
        self.user = user


class VikOIDCBackend(OIDCAuthenticationBackend):  # type: ignore[misc]  # untyped library
    """Exchanges the code, checks the ID token (signature against the provider's keys, nonce,
    expiry, audience, issuer) and matches the claim to one active VIK user with a membership.

    Never creates a user; a refusal is an `OidcRefusal`, a forged or broken answer of the
    provider a `SuspiciousOperation` (or the HTTP/JWT library's error)."""

    def __init__(self, config: OidcConfig) -> None:
        self.config = config
        self._library = library_settings(config)
        self.claims: dict[str, Any] = {}
        super().__init__()

    def get_settings(self, attr: str, *args: Any) -> Any:
        if attr in self._library:
            return self._library[attr]
        return import_from_settings(attr, *args)

    def verify_token(self, token: str, **kwargs: Any) -> dict[str, Any]:
        payload: dict[str, Any] = super().verify_token(token, **kwargs)
        audience = payload.get("aud")
        audiences = [audience] if isinstance(audience, str) else list(audience or [])
        if self.config.client_id not in audiences:
            raise SuspiciousOperation("The ID token was issued for another client.")
        if self.config.issuer and payload.get("iss") != self.config.issuer:
            raise SuspiciousOperation("The ID token was issued by another provider.")
        return payload

    def get_or_create_user(self, access_token: str, id_token: str, payload: dict[str, Any]) -> User:
        userinfo: dict[str, Any] = {}
        if self.config.userinfo_endpoint:
            userinfo = self.get_userinfo(access_token, id_token, payload)
            if userinfo.get("sub", payload.get("sub")) != payload.get("sub"):
                raise SuspiciousOperation("The userinfo answer is about another subject.")
        # ADFS puts the claims in the ID token only; Keycloak and Entra ID in both.
        self.claims = {**payload, **userinfo}
        return self.match(self.claims)

    def match(self, claims: dict[str, Any]) -> User:
        value = claims.get(self.config.match_claim)
        identity = value.strip() if isinstance(value, str) else ""
        if not identity:
            raise OidcRefusal(CLAIM_MISSING, identity=str(claims.get("sub") or ""))
        lookup = {f"{self.config.match_field}__iexact": identity}
        users = list(User.objects.filter(**lookup).order_by("pk")[:2])
        if not users:
            raise OidcRefusal(UNKNOWN, identity=identity)
        if len(users) > 1:
            raise OidcRefusal(AMBIGUOUS, identity=identity)
        user = users[0]
        if not user.is_active:
            raise OidcRefusal(INACTIVE, identity=identity, user=user)
        if not permissions.can_sign_in_by_oidc(user):
            raise OidcRefusal(NO_MEMBERSHIP, identity=identity, user=user)
        return user

    def authenticate(self, request: HttpRequest | None, **kwargs: Any) -> User | None:
        user: User | None = super().authenticate(request, **kwargs)
        return user
