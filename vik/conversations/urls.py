from django.urls import path

from .views import portal, staff

staff_urlpatterns = [
    path("requests/", staff.request_list, name="request_list"),
    path("requests/bulk", staff.request_bulk, name="request_bulk"),
    path("requests/<str:reference>/", staff.request_detail, name="request_detail"),
    path("requests/<str:reference>/reply", staff.request_reply, name="request_reply"),
    path("requests/<str:reference>/note", staff.request_note, name="request_note"),
    path("requests/<str:reference>/status", staff.request_status, name="request_status"),
    path("requests/<str:reference>/assign", staff.request_assign, name="request_assign"),
    path("requests/<str:reference>/take", staff.request_take, name="request_take"),
    path("requests/<str:reference>/topic", staff.request_topic, name="request_topic"),
    path("requests/<str:reference>/centre", staff.request_centre, name="request_centre"),
    path("requests/<str:reference>/transfer", staff.request_transfer, name="request_transfer"),
    path("requests/<str:reference>/consult", staff.request_consult, name="request_consult"),
    path("requests/<str:reference>/merge", staff.request_merge, name="request_merge"),
    path(
        "requests/<str:reference>/interactions/<int:pk>/split",
        staff.request_split,
        name="request_split",
    ),
    path("consultations/", staff.consultation_list, name="consultation_list"),
    path("consultations/<int:pk>/answer", staff.consultation_answer, name="consultation_answer"),
    path(
        "requests/<str:reference>/interactions/<int:pk>/html",
        staff.interaction_html,
        name="interaction_html",
    ),
    path(
        "requests/<str:reference>/attachments/<int:pk>",
        staff.attachment_download,
        name="attachment",
    ),
]

portal_urlpatterns = [
    path("sledovani/<str:token>/", portal.tracking, name="tracking"),
    path("sledovani/<str:token>/prilohy/<int:pk>", portal.attachment_download, name="attachment"),
]
