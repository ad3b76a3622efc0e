from django.urls import path

from .views import staff

staff_urlpatterns = [
    path("reports/", staff.report_index, name="report_index"),
    path("reports/schedules/", staff.schedule_list, name="report_schedules"),
    path("reports/schedules/<int:pk>/delete", staff.schedule_delete, name="report_schedule_delete"),
    path("reports/<slug:slug>/", staff.report_detail, name="report_detail"),
    path(
        "reports/<slug:slug>/export.<str:file_format>",
        staff.report_export,
        name="report_export",
    ),
    path("reports/<slug:slug>/schedule", staff.schedule_create, name="report_schedule_create"),
]
