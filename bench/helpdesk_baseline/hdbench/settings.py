"""Settings of the smallest Django project that runs django-helpdesk, for bench/email_ingest.py.

INSTALLED_APPS as django-helpdesk's installation guide lists them, without the optional team
support (pinax-teams, an extra the package does not install: HELPDESK_TEAMS_MODE_ENABLED =
False). PostgreSQL (a database of its own on VIK's server) from HDBENCH_DATABASE_URL;
attachments under HDBENCH_MEDIA_ROOT; outgoing mail (the submitter's notification) goes to
Django's dummy backend, as VIK's acknowledgements do in the benchmark.
"""

import os
from pathlib import Path
from urllib.parse import unquote, urlsplit

BASE_DIR = Path(__file__).resolve().parent.parent
_db = urlsplit(
    os.environ.get(
        "HDBENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/vik_bench_email_helpdesk"
    )
)

SECRET_KEY = "django-helpdesk-baseline-bench-only"  # a local benchmark: nothing to protect
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sites",  # helpdesk: the domain in e-mail links
    "django.contrib.humanize",  # helpdesk: elapsed-time formatting
    "rest_framework",  # helpdesk's API
    "helpdesk",
    "hdbench",  # the benchmark's own management commands
]
HELPDESK_TEAMS_MODE_ENABLED = False
SITE_ID = 1

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
]
ROOT_URLCONF = "hdbench.urls"
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ]
        },
    }
]

DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": _db.path.lstrip("/"),
        "USER": unquote(_db.username or ""),
        "PASSWORD": unquote(_db.password or ""),
        "HOST": _db.hostname or "",
        "PORT": str(_db.port or ""),
        "CONN_MAX_AGE": 60,
    }
}
DEFAULT_AUTO_FIELD = "django.db.models.AutoField"

LANGUAGE_CODE = "cs"
TIME_ZONE = "Europe/Prague"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
MEDIA_URL = "/media/"
MEDIA_ROOT = os.environ.get("HDBENCH_MEDIA_ROOT", str(BASE_DIR / "media"))

EMAIL_BACKEND = "django.core.mail.backends.dummy.EmailBackend"
DEFAULT_FROM_EMAIL = "podatelna@jihlava-city.cz"
SERVER_EMAIL = DEFAULT_FROM_EMAIL

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"stderr": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["stderr"], "level": "WARNING"},
}
