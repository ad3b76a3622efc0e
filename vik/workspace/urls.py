"""URLs of the workspace app (mounted under /staff/ by config/urls.py)."""

from django.urls import URLPattern, path

from .audit import views as audit
from .collaboration import views as collaboration
from .contacts import views as contacts
from .requests import new_views as new_requests
from .requests import panel as request_panel
from .requests import reply_views
from .requests import views as requests
from .routing import views as routing_editor
from .saved_views import views as saved_views

# The request list, the request page and its actions (requests/views.py).
staff_urlpatterns: list[URLPattern] = [
    path("requests/", requests.request_list, name="request_list"),
    path("requests/bulk", requests.request_bulk, name="request_bulk"),
    path("requests/columns", requests.request_list_columns, name="request_list_columns"),
    # Recording a request a person brought in, before `requests/<reference>/` (new_views.py).
    path("requests/new/", new_requests.request_new, name="request_new"),
    path("requests/new/contacts", new_requests.request_new_contacts, name="request_new_contacts"),
    path(
        "requests/new/municipalities",
        new_requests.request_new_municipalities,
        name="request_new_municipalities",
    ),
    path(
        "requests/<str:reference>/receipt/",
        new_requests.request_receipt,
        name="request_receipt",
    ),
    path(
        "requests/<str:reference>/receipt.pdf",
        new_requests.request_receipt_pdf,
        name="request_receipt_pdf",
    ),
    path(
        "requests/<str:reference>/receipt/send",
        new_requests.request_receipt_send,
        name="request_receipt_send",
    ),
    path("requests/<str:reference>/", requests.request_detail, name="request_detail"),
    path("requests/<str:reference>/reply", reply_views.request_reply, name="request_reply"),
    path(
        "requests/<str:reference>/reply/draft",
        reply_views.request_reply_draft,
        name="request_reply_draft",
    ),
    path(
        "requests/<str:reference>/reply/preview",
        reply_views.request_reply_preview,
        name="request_reply_preview",
    ),
    path(
        "requests/<str:reference>/timeline/updates",
        reply_views.request_timeline_updates,
        name="request_timeline_updates",
    ),
    path("signature/", reply_views.reply_signatures, name="reply_signatures"),
    path("requests/<str:reference>/note", requests.request_note, name="request_note"),
    path("requests/<str:reference>/status", requests.request_status, name="request_status"),
    path("requests/<str:reference>/fields", request_panel.request_fields, name="request_fields"),
    path("requests/<str:reference>/assign", requests.request_assign, name="request_assign"),
    path("requests/<str:reference>/take", requests.request_take, name="request_take"),
    path("requests/<str:reference>/topic", requests.request_topic, name="request_topic"),
    path("requests/<str:reference>/centre", requests.request_centre, name="request_centre"),
    path("requests/<str:reference>/transfer", requests.request_transfer, name="request_transfer"),
    path("requests/<str:reference>/consult", requests.request_consult, name="request_consult"),
    path("requests/<str:reference>/merge", requests.request_merge, name="request_merge"),
    path(
        "requests/<str:reference>/statutory/extend",
        requests.request_statutory_extend,
        name="request_statutory_extend",
    ),
    path(
        "requests/<str:reference>/statutory/notice",
        requests.request_statutory_notice,
        name="request_statutory_notice",
    ),
    path(
        "requests/<str:reference>/interactions/<int:pk>/split",
        requests.request_split,
        name="request_split",
    ),
    path("consultations/", requests.consultation_list, name="consultation_list"),
    path("consultations/<int:pk>/answer", requests.consultation_answer, name="consultation_answer"),
    path(
        "requests/<str:reference>/interactions/<int:pk>/html",
        requests.interaction_html,
        name="interaction_html",
    ),
    path(
        "requests/<str:reference>/attachments/<int:pk>",
        requests.attachment_download,
        name="attachment",
    ),
    path(
        "requests/<str:reference>/interactions/<int:pk>/raw",
        requests.interaction_raw,
        name="interaction_raw",
    ),
]

# The contact page: who the person is and their requests (contacts/views.py).
staff_urlpatterns += [
    path("contacts/<int:pk>/", contacts.contact_detail, name="contact_detail"),
]

# The audit log of the data-protection officer (audit/views.py).
staff_urlpatterns += [
    path("audit/", audit.audit_log, name="audit_log"),
]

# Canned answers, mentions, presence (collaboration/views.py).
staff_urlpatterns += [
    path("macros/", collaboration.macro_list, name="macro_list"),
    path("macros/new/", collaboration.macro_create, name="macro_create"),
    path("macros/<int:pk>/edit/", collaboration.macro_edit, name="macro_edit"),
    path("macros/<int:pk>/delete", collaboration.macro_delete, name="macro_delete"),
    path("requests/<str:reference>/macros/apply", collaboration.macro_apply, name="macro_apply"),
    path(
        "requests/<str:reference>/macros/<int:pk>",
        collaboration.macro_rendered,
        name="macro_rendered",
    ),
    path(
        "requests/<str:reference>/presence", collaboration.request_presence, name="request_presence"
    ),
    path(
        "requests/<str:reference>/colleagues",
        collaboration.mention_colleagues,
        name="mention_colleagues",
    ),
]

# Saved views of the request list (saved_views/views.py).
staff_urlpatterns += [
    path("views/", saved_views.saved_view_list, name="saved_view_list"),
    path("views/new", saved_views.saved_view_create, name="saved_view_create"),
    path("views/counts", saved_views.view_counts, name="view_counts"),
    path("views/<int:pk>/rename", saved_views.saved_view_rename, name="saved_view_rename"),
    path("views/<int:pk>/delete", saved_views.saved_view_delete, name="saved_view_delete"),
]

# The routing rule editor, whose preview reads requests (routing/views.py); the rest
# of routing's pages are vik.routing.urls.
staff_urlpatterns += [
    path("routing/new/", routing_editor.rule_create, name="routing_rule_create"),
    path("routing/<int:pk>/", routing_editor.rule_edit, name="routing_rule_edit"),
    path(
        "routing/municipalities",
        routing_editor.rule_municipalities,
        name="routing_rule_municipalities",
    ),
]
