from django.urls import path

from . import views

staff_urlpatterns = [
    path("login/code/", views.verify, name="mfa_verify"),
    path("account/security/", views.security, name="account_security"),
    path("account/security/setup/", views.enrol, name="mfa_enrol"),
    path("account/security/codes/", views.codes, name="mfa_codes"),
]
