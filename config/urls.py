"""URL wiring: `/staff/` for the workspace, `/` for the public portal; each app lists its own."""

from django.contrib import admin
from django.urls import include, path

from vik.abuse import urls as abuse_urls
from vik.api.v1 import api as api_v1
from vik.channels.chat import urls as chat_urls
from vik.channels.core import urls as channels_urls
from vik.channels.counter import urls as counter_urls
from vik.channels.phone import urls as phone_urls
from vik.channels.sms import urls as sms_urls
from vik.channels.web import urls as web_urls
from vik.core import views as core_views
from vik.gdpr import urls as gdpr_urls
from vik.knowledge import urls as knowledge_urls
from vik.mfa import urls as mfa_urls
from vik.notifications import urls as notifications_urls
from vik.opendata import urls as opendata_urls
from vik.reports import urls as reports_urls
from vik.routing import urls as routing_urls
from vik.satisfaction import urls as satisfaction_urls
from vik.sla import urls as sla_urls
from vik.surveys import urls as surveys_urls
from vik.tenancy import urls as tenancy_urls
from vik.training import urls as training_urls
from vik.workspace import urls as workspace_urls

staff_urlpatterns = [
    *tenancy_urls.staff_urlpatterns,
    *mfa_urls.staff_urlpatterns,
    *workspace_urls.staff_urlpatterns,
    *channels_urls.staff_urlpatterns,
    *counter_urls.staff_urlpatterns,
    *knowledge_urls.staff_urlpatterns,
    *routing_urls.staff_urlpatterns,
    *sla_urls.staff_urlpatterns,
    *notifications_urls.staff_urlpatterns,
    *gdpr_urls.staff_urlpatterns,
    *phone_urls.staff_urlpatterns,
    *chat_urls.staff_urlpatterns,
    *sms_urls.staff_urlpatterns,
    *surveys_urls.staff_urlpatterns,
    *training_urls.staff_urlpatterns,
    *reports_urls.staff_urlpatterns,
    *satisfaction_urls.staff_urlpatterns,
]
portal_urlpatterns = [
    *web_urls.portal_urlpatterns,
    *knowledge_urls.portal_urlpatterns,
    *abuse_urls.portal_urlpatterns,
    *phone_urls.portal_urlpatterns,
    *chat_urls.portal_urlpatterns,
    *opendata_urls.portal_urlpatterns,
    *satisfaction_urls.portal_urlpatterns,
    *tenancy_urls.portal_urlpatterns,
]

urlpatterns = [
    path("healthz", core_views.healthz, name="healthz"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/v1/sms/", include((sms_urls.urlpatterns, "sms"))),
    *phone_urls.cti_urlpatterns,  # Zammad's CTI path, before the API's own
    path("api/v1/", api_v1.urls),
    path("staff/", include((staff_urlpatterns, "staff"))),
    path("", include((portal_urlpatterns, "portal"))),
]

handler400 = "vik.core.error_pages.bad_request"
handler403 = "vik.core.error_pages.permission_denied"
handler404 = "vik.core.error_pages.page_not_found"
handler500 = "vik.core.error_pages.server_error"
