"""Settings for the embedded demo (`make demo`): debug on, mail to the console."""

from .base import *  # noqa: F403
from .base import INSTALLED_APPS, STATIC_ROOT, with_demo
from .env import env_bool, env_str

INSTALLED_APPS = with_demo(INSTALLED_APPS)
DEBUG = env_bool("VIK_DEBUG", True)
WHITENOISE_USE_FINDERS = True
VIK_LOGIN_HINT = env_str(
    "VIK_LOGIN_HINT",
    "Demo: log in as agent.jihlava (an agent of the Jihlava centre), koordinator (the whole "
    "region) or admin; the password of every demo account is vik-demo-2026.",
)
EMAIL_BACKEND = env_str("VIK_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")

# WhiteNoise serves from the finders here, but warns when STATIC_ROOT does not exist.
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
