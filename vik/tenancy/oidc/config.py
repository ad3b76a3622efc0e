"""The provider VIK signs in with: the `VIK_OIDC_*` settings, completed by discovery."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import requests
from django.conf import settings
from django.core.cache import cache

DISCOVERY_PATH = "/.well-known/openid-configuration"
DISCOVERY_CACHE_SECONDS = 3600
# Callback URL name; the provider must allow https://<host>/staff/oidc/callback/.
CALLBACK_URL_NAME = "staff:oidc_callback"


class OidcUnavailable(Exception):
    """The provider's discovery document could not be read, or an endpoint is not configured."""


@dataclass(frozen=True)
class OidcConfig:
    client_id: str
    client_secret: str
    issuer: str
    authorization_endpoint: str
    token_endpoint: str
    userinfo_endpoint: str
    jwks_endpoint: str
    sign_algo: str
    scopes: str
    match_claim: str
    match_field: str
    use_pkce: bool
    timeout: float


def enabled() -> bool:
    return bool(settings.VIK_OIDC_CLIENT_ID)


def provider_name() -> str:
    return str(settings.VIK_OIDC_PROVIDER_NAME)


def _discovery(issuer: str, timeout: float) -> dict[str, Any]:
    key = f"vik:oidc:discovery:{issuer}"
    document: dict[str, Any] | None = cache.get(key)
    if document is None:
        try:
            response = requests.get(issuer + DISCOVERY_PATH, timeout=timeout)
            response.raise_for_status()
            document = response.json()
        except (requests.RequestException, ValueError) as error:
            raise OidcUnavailable(f"discovery at {issuer}{DISCOVERY_PATH}: {error}") from error
        if not isinstance(document, dict):
            raise OidcUnavailable(f"discovery at {issuer}{DISCOVERY_PATH}: not a JSON object")
        cache.set(key, document, DISCOVERY_CACHE_SECONDS)
    return document


def current() -> OidcConfig:
    """The settings; an endpoint left empty comes from the issuer's discovery document."""
    timeout = float(settings.VIK_OIDC_TIMEOUT_SECONDS)
    issuer = str(settings.VIK_OIDC_ISSUER).rstrip("/")
    endpoints = {
        "authorization_endpoint": str(settings.VIK_OIDC_AUTHORIZATION_ENDPOINT),
        "token_endpoint": str(settings.VIK_OIDC_TOKEN_ENDPOINT),
        "userinfo_endpoint": str(settings.VIK_OIDC_USERINFO_ENDPOINT),
        "jwks_uri": str(settings.VIK_OIDC_JWKS_ENDPOINT),
    }
    if issuer and not all(endpoints.values()):
        document = _discovery(issuer, timeout)
        endpoints = {
            name: value or str(document.get(name) or "") for name, value in endpoints.items()
        }
    missing = [
        name
        for name in ("authorization_endpoint", "token_endpoint", "jwks_uri")
        if not endpoints[name]
    ]
    if missing:
        raise OidcUnavailable(f"not configured: {', '.join(missing)} (set VIK_OIDC_ISSUER)")
    match_field = str(settings.VIK_OIDC_MATCH_FIELD)
    if match_field not in {"email", "username"}:
        raise OidcUnavailable(
            f"VIK_OIDC_MATCH_FIELD must be email or username, not {match_field!r}"
        )
    return OidcConfig(
        client_id=str(settings.VIK_OIDC_CLIENT_ID),
        client_secret=str(settings.VIK_OIDC_CLIENT_SECRET),
        issuer=issuer,
        authorization_endpoint=endpoints["authorization_endpoint"],
        token_endpoint=endpoints["token_endpoint"],
        userinfo_endpoint=endpoints["userinfo_endpoint"],
        jwks_endpoint=endpoints["jwks_uri"],
        sign_algo=str(settings.VIK_OIDC_SIGN_ALGO),
        scopes=str(settings.VIK_OIDC_SCOPES),
        match_claim=str(settings.VIK_OIDC_MATCH_CLAIM),
        match_field=match_field,
        use_pkce=bool(settings.VIK_OIDC_USE_PKCE),
        timeout=timeout,
    )


def library_settings(config: OidcConfig) -> dict[str, Any]:
    """The names mozilla-django-oidc reads, from VIK's one configuration."""
    return {
        "OIDC_RP_CLIENT_ID": config.client_id,
        "OIDC_RP_CLIENT_SECRET": config.client_secret,
        "OIDC_OP_AUTHORIZATION_ENDPOINT": config.authorization_endpoint,
        "OIDC_OP_TOKEN_ENDPOINT": config.token_endpoint,
        "OIDC_OP_USER_ENDPOINT": config.userinfo_endpoint,
        "OIDC_OP_JWKS_ENDPOINT": config.jwks_endpoint,
        "OIDC_RP_SIGN_ALGO": config.sign_algo,
        "OIDC_RP_IDP_SIGN_KEY": None,
        "OIDC_RP_SCOPES": config.scopes,
        "OIDC_USE_PKCE": config.use_pkce,
        "OIDC_USE_NONCE": True,
        "OIDC_TIMEOUT": config.timeout,
        "OIDC_VERIFY_SSL": True,
        "OIDC_PROXY": None,
        "OIDC_CREATE_USER": False,
        "OIDC_STORE_ID_TOKEN": False,
        "OIDC_STORE_ACCESS_TOKEN": False,
        "OIDC_AUTHENTICATION_CALLBACK_URL": CALLBACK_URL_NAME,
        "OIDC_REDIRECT_FIELD_NAME": "next",
        "OIDC_AUTH_REQUEST_EXTRA_PARAMS": {},
    }
