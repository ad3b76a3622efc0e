"""Single sign-on: `/staff/oidc/start/` sends the person to the identity provider, which sends
them back to `/staff/oidc/callback/`; VIK signs them in as the matched user or says why not on
the login page. Both answer 404 while `VIK_OIDC_CLIENT_ID` is not set."""

from __future__ import annotations

import logging
from typing import Any

import jwt
import requests
from django.conf import settings
from django.contrib import auth, messages
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import SuspiciousOperation
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, resolve_url
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.cache import never_cache
from mozilla_django_oidc.utils import import_from_settings
from mozilla_django_oidc.views import OIDCAuthenticationRequestView

from ..oidc import backend as oidc_backend
from ..oidc.backend import OidcRefusal, VikOIDCBackend
from ..oidc.config import OidcConfig, OidcUnavailable, current, enabled, library_settings
from ..oidc.config import provider_name as configured_provider_name
from ..oidc.services import oidc_refusal_record, oidc_sign_in_record

logger = logging.getLogger(__name__)

LOGIN_METHOD_KEY = "vik_login_method"
INVALID = "invalid"
INVALID_STATE = "invalid_state"
PROVIDER_ERROR = "provider_error"
UNAVAILABLE = "unavailable"


def _session_backend() -> str:
    """The backend that holds an SSO session: the first ModelBackend configured (its `get_user`
    re-checks `is_active` on every request)."""
    for path in settings.AUTHENTICATION_BACKENDS:
        if issubclass(import_string(path), ModelBackend):
            return str(path)
    return "django.contrib.auth.backends.ModelBackend"


def _refused(request: HttpRequest, text: str) -> HttpResponse:
    messages.error(request, text)
    return redirect("staff:login")


def _unavailable(request: HttpRequest, error: OidcUnavailable) -> HttpResponse:
    logger.error("Single sign-on unavailable: %s", error)
    return _refused(
        request,
        _(
            "Signing in through %(provider)s is not available right now. Please try again "
            "later or log in with your VIK password."
        )
        % {"provider": configured_provider_name()},
    )


class OidcStartView(OIDCAuthenticationRequestView):  # type: ignore[misc]  # untyped library
    """The authorization request (state, nonce and PKCE kept in the session), made by
    mozilla-django-oidc."""

    http_method_names = ["get"]
    config: OidcConfig

    def __init__(self, **kwargs: Any) -> None:
        # The library reads its settings here; VIK reads them (and discovers) in dispatch.
        View.__init__(self, **kwargs)

    def get_settings(self, attr: str, *args: Any) -> Any:
        values = library_settings(self.config)
        return values[attr] if attr in values else import_from_settings(attr, *args)

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not enabled():
            raise Http404
        try:
            self.config = current()
        except OidcUnavailable as error:
            return _unavailable(request, error)
        self.OIDC_OP_AUTH_ENDPOINT = self.config.authorization_endpoint
        self.OIDC_RP_CLIENT_ID = self.config.client_id
        response: HttpResponseBase = super().dispatch(request, *args, **kwargs)
        return response


def _refusal_text(refusal: OidcRefusal, config: OidcConfig) -> str:
    values = {
        "identity": refusal.identity,
        "provider": configured_provider_name(),
        "claim": config.match_claim,
    }
    texts = {
        oidc_backend.UNKNOWN: _(
            "Your account “%(identity)s” is not set up in VIK; please contact your administrator."
        ),
        oidc_backend.AMBIGUOUS: _(
            "More than one VIK account matches “%(identity)s”; please contact your administrator."
        ),
        oidc_backend.INACTIVE: _(
            "Your account “%(identity)s” is disabled in VIK; please contact your administrator."
        ),
        oidc_backend.NO_MEMBERSHIP: _(
            "Your account “%(identity)s” has no role in VIK; please contact your administrator."
        ),
        oidc_backend.CLAIM_MISSING: _(
            "%(provider)s did not send the “%(claim)s” claim VIK recognises accounts by; please "
            "contact your administrator."
        ),
    }
    return texts[refusal.reason] % values


@never_cache
def oidc_callback(request: HttpRequest) -> HttpResponse:
    """The provider's answer: the code is exchanged and the person signed in, or refused."""
    if not enabled():
        raise Http404
    provider = configured_provider_name()
    not_verified = _("Signing in through %(provider)s could not be verified. Please try again.") % {
        "provider": provider
    }
    state = request.GET.get("state", "")
    pending: dict[str, dict[str, Any]] = request.session.get("oidc_states") or {}
    entry = pending.pop(state, None) if state else None
    if entry is not None:  # a state is used once, whatever the outcome
        request.session["oidc_states"] = pending
    issuer = str(settings.VIK_OIDC_ISSUER)

    error = request.GET.get("error", "")
    if error:
        oidc_refusal_record(request=request, reason=PROVIDER_ERROR, issuer=issuer, error=error)
        return _refused(
            request,
            _("%(provider)s did not sign you in (%(error)s). Please try again.")
            % {"provider": provider, "error": error[:100]},
        )
    if entry is None or not request.GET.get("code"):
        oidc_refusal_record(request=request, reason=INVALID_STATE, issuer=issuer)
        return _refused(request, not_verified)
    try:
        config = current()
    except OidcUnavailable as unavailable:
        oidc_refusal_record(
            request=request, reason=UNAVAILABLE, issuer=issuer, error=str(unavailable)
        )
        return _unavailable(request, unavailable)

    backend = VikOIDCBackend(config)
    try:
        user = backend.authenticate(
            request, nonce=entry.get("nonce"), code_verifier=entry.get("code_verifier")
        )
    except OidcRefusal as refusal:
        logger.info("Single sign-on refused: %s", refusal.reason)
        oidc_refusal_record(
            request=request,
            reason=refusal.reason,
            issuer=config.issuer,
            identity=refusal.identity,
            user=refusal.user,
            claim=config.match_claim,
        )
        return _refused(request, _refusal_text(refusal, config))
    except (
        SuspiciousOperation,
        requests.RequestException,
        jwt.PyJWTError,
        KeyError,
        ValueError,
    ) as exc:
        logger.warning("Single sign-on not verified: %s: %s", type(exc).__name__, exc)
        oidc_refusal_record(
            request=request,
            reason=INVALID,
            issuer=config.issuer,
            error=f"{type(exc).__name__}: {exc}",
        )
        return _refused(request, not_verified)
    if user is None:
        oidc_refusal_record(request=request, reason=INVALID, issuer=config.issuer)
        return _refused(request, not_verified)

    next_url = request.session.pop("oidc_login_next", None) or ""
    auth.login(request, user, backend=_session_backend())
    request.session[LOGIN_METHOD_KEY] = "oidc"
    oidc_sign_in_record(
        user=user,
        request=request,
        issuer=config.issuer,
        claims=backend.claims,
        claim=config.match_claim,
    )
    return redirect(next_url or resolve_url(settings.LOGIN_REDIRECT_URL))
