from django.urls import path
from django.views.generic import RedirectView

from .views import oidc, portal, staff

staff_urlpatterns = [
    path("", RedirectView.as_view(pattern_name="staff:request_list"), name="home"),
    path("login/", staff.LoginView.as_view(), name="login"),
    path("logout/", staff.LogoutView.as_view(), name="logout"),
    path("password/", staff.PasswordChangeView.as_view(), name="password_change"),
    path("password/done/", staff.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("oidc/start/", oidc.OidcStartView.as_view(), name="oidc_start"),
    path("oidc/callback/", oidc.oidc_callback, name="oidc_callback"),
    path("security/lockouts/", staff.lockout_list, name="lockout_list"),
    path("security/lockouts/release", staff.lockout_release, name="lockout_release"),
    path("session/", staff.session_status, name="session_status"),
    path("session/extend", staff.session_extend, name="session_extend"),
    path("portal/", staff.portal_identity_edit, name="portal_identity"),
]

portal_urlpatterns = [
    path(
        "prohlaseni-o-pristupnosti/",
        portal.accessibility_statement,
        name="accessibility_statement",
    ),
    path("osobni-udaje/", portal.privacy_notice, name="privacy_notice"),
]
