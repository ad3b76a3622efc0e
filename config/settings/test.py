"""Settings for the test suite; the database comes from VIK_DATABASE_URL as everywhere."""

import os

from .base import *  # noqa: F403
from .base import INSTALLED_APPS, STATIC_ROOT, VAR_DIR, with_demo

INSTALLED_APPS = with_demo(INSTALLED_APPS)
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
MEDIA_ROOT = VAR_DIR / "test-media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
TASKS = {
    "default": {
        "BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
        "QUEUES": ["default", "inbound", "outbound"],
    },
    "database": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
        "QUEUES": ["default", "inbound", "outbound"],
    },
}
LANGUAGE_CODE = "cs"
# The personas sign in with a password only; the second factor's tests require it themselves.
VIK_MFA_REQUIRED_ROLES = []

# WhiteNoise serves from the finders here, but warns when STATIC_ROOT does not exist.
STATIC_ROOT.mkdir(parents=True, exist_ok=True)

# django-axes needs the request in authenticate(), which the test client's `login()` does not
# pass; the tests of sign-in throttling turn it on (vik/tenancy/tests/test_signin.py).
AXES_ENABLED = False
# One cache per test process (pytest-xdist runs several; each test starts by clearing it): the
# rate-limit tests count exactly. The tests of a shared cache set CACHES themselves (Redis, and
# the file-based default across processes). VIK_CACHE_URL=redis://… runs the suite on Redis.
if not os.environ.get("VIK_CACHE_URL"):
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Tests that post the form many times from one address would otherwise meet the ALTCHA; the
# tests of the ALTCHA set the mode themselves.
VIK_ALTCHA_MODE = "off"
# A browser driven by a test fills the form in less time than a person can; the spam tests set
# their own minimum.
VIK_SPAM_MIN_SECONDS = 0
