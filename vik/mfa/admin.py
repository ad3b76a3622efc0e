"""django-otp registers admin pages for its devices: they show the TOTP keys and the recovery
codes in clear and delete devices without an audit record. VIK takes them out; an
administrator resets a user's second factor on the staff security page (audited)."""

from django.contrib import admin
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

for model in (TOTPDevice, StaticDevice):
    if admin.site.is_registered(model):
        admin.site.unregister(model)
