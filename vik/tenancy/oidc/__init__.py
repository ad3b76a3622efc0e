"""Single sign-on by OpenID Connect (issue 14): an identity provider (Keycloak, Entra ID, ADFS)
says who the person is; VIK matches them to an existing account and keeps giving the roles.

- `config`: the `VIK_OIDC_*` settings, with the endpoints from the issuer's discovery document;
- `backend`: mozilla-django-oidc's code flow (state, nonce, PKCE, the ID token's signature against
  the provider's keys) with VIK's matching rule; it never creates a user;
- `services`: the audit records of every sign-in and every refusal.

The backend is not in AUTHENTICATION_BACKENDS: only the callback view (`views.oidc`) calls it,
so the password form can never reach it, and the session it opens is held by the ModelBackend
like any other (which re-checks `is_active` on every request).
"""
