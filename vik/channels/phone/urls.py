from django.urls import path

from .views import cti, portal, staff

# Before the API's own URLs (config/urls.py): Zammad's path, answered by a plain view.
cti_urlpatterns = [path("api/v1/cti/<str:token>", cti.cti_webhook, name="cti_webhook")]

staff_urlpatterns = [
    path("calls/", staff.call_log, name="call_log"),
    path("calls/rows", staff.call_log_rows, name="call_log_rows"),
    path("calls/popup", staff.call_popup, name="call_popup"),
    path("calls/<int:pk>/", staff.call_detail, name="call_detail"),
    path("calls/<int:pk>/record", staff.call_record, name="call_record"),
    path("calls/lines/", staff.line_list, name="phone_line_list"),
    path("calls/lines/<int:pk>/rotate-token", staff.line_token_rotate, name="phone_token_rotate"),
    path("callbacks/", staff.callback_list, name="callback_list"),
    path("callbacks/<int:pk>/try", staff.callback_try, name="callback_try"),
]

portal_urlpatterns = [
    path("zavolejte-mi/", portal.callback_form, name="callback_form"),
    path("zavolejte-mi/odeslano/", portal.callback_sent, name="callback_sent"),
]
