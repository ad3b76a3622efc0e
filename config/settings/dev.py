"""Settings for the embedded demo (`make demo`): debug on, mail to the console."""

from .base import *  # noqa: F403
from .base import INSTALLED_APPS, STATIC_ROOT, with_demo
from .env import env_bool, env_list, env_str

INSTALLED_APPS = with_demo(INSTALLED_APPS)
DEBUG = env_bool("VIK_DEBUG", True)
WHITENOISE_USE_FINDERS = True
VIK_LOGIN_HINT = env_str(
    "VIK_LOGIN_HINT",
    "Ukázka: přihlaste se jako agent.jihlava (pracovník centra v Jihlavě), koordinator (celý "
    "kraj) nebo admin; heslo všech ukázkových účtů je vik-demo-2026. Druhý faktor se tu "
    "nevyžaduje: vyzkoušíte ho pod svým jménem (vpravo nahoře) → Nastavit druhý faktor, nebo "
    "spusťte ukázku s VIK_MFA_REQUIRED_ROLES=administrator,region_coordinator,analyst.",
)
# The demo logins stay one step for a newcomer: nobody is forced to set up a second factor
# (production requires it of administrators, region coordinators and analysts).
VIK_MFA_REQUIRED_ROLES = env_list("VIK_MFA_REQUIRED_ROLES", [])
EMAIL_BACKEND = env_str("VIK_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")

# WhiteNoise serves from the finders here, but warns when STATIC_ROOT does not exist.
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
# The demo has no SMSC: outbound SMS are written to the log and marked sent (docs/channels/sms.md).
VIK_SMS_TRANSPORT = env_str("VIK_SMS_TRANSPORT", "console")
# The demo's chat can be tried at any hour, not only in the centres' opening hours.
VIK_CHAT_OPENING_HOURS = env_bool("VIK_CHAT_OPENING_HOURS", False)
