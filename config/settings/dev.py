"""Settings for the embedded demo (`make demo`): debug on, mail to the console."""

from .base import *  # noqa: F403
from .env import env_bool, env_str

DEBUG = env_bool("VIK_DEBUG", True)
WHITENOISE_USE_FINDERS = True
EMAIL_BACKEND = env_str("VIK_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
