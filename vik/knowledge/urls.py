from django.urls import path

from .views import portal, search_tools, staff

staff_urlpatterns = [
    path("knowledge/", staff.article_list, name="knowledge_list"),
    path("knowledge/new/", staff.article_create, name="knowledge_create"),
    path("knowledge/review/", staff.review_list, name="knowledge_review"),
    path("knowledge/metrics/", staff.usage_metrics, name="knowledge_metrics"),
    path("knowledge/suggestions/", staff.suggestion_list, name="knowledge_suggestions"),
    path(
        "knowledge/suggestions/<int:pk>/accept",
        staff.suggestion_accept,
        name="knowledge_suggestion_accept",
    ),
    path(
        "knowledge/suggestions/<int:pk>/dismiss",
        staff.suggestion_dismiss,
        name="knowledge_suggestion_dismiss",
    ),
    path("knowledge/synonyms/", search_tools.synonym_list, name="knowledge_synonyms"),
    path("knowledge/synonyms/<int:pk>/", search_tools.synonym_edit, name="knowledge_synonym_edit"),
    path(
        "knowledge/synonyms/<int:pk>/delete",
        search_tools.synonym_delete,
        name="knowledge_synonym_delete",
    ),
    path("knowledge/search-debug/", search_tools.search_debug, name="knowledge_search_debug"),
    path("knowledge/<int:pk>/", staff.article_detail, name="knowledge_detail"),
    path("knowledge/<int:pk>/edit/", staff.article_edit, name="knowledge_edit"),
    path("knowledge/<int:pk>/variant/", staff.variant_create, name="knowledge_variant"),
    path("knowledge/<int:pk>/submit", staff.article_submit, name="knowledge_submit"),
    path("knowledge/<int:pk>/publish", staff.article_publish, name="knowledge_publish"),
    path("knowledge/<int:pk>/return", staff.article_return, name="knowledge_return"),
    path("knowledge/<int:pk>/archive", staff.article_archive, name="knowledge_archive"),
    path("knowledge/<int:pk>/restore", staff.article_restore, name="knowledge_restore"),
    path("knowledge/<int:pk>/diff/", staff.article_diff, name="knowledge_diff"),
    path(
        "knowledge/<int:pk>/attachments/",
        staff.attachment_upload,
        name="knowledge_attachment_upload",
    ),
    path(
        "knowledge/<int:pk>/attachments/<int:attachment_pk>/",
        staff.attachment_download,
        name="knowledge_attachment",
    ),
    path(
        "knowledge/<int:pk>/attachments/<int:attachment_pk>/delete",
        staff.attachment_delete,
        name="knowledge_attachment_delete",
    ),
]

portal_urlpatterns = [
    path("znalosti/", portal.home, name="knowledge_home"),
    path("znalosti/hledat/", portal.search, name="knowledge_search"),
    path("znalosti/clanek/<slug:slug>/", portal.article, name="knowledge_article"),
    path("znalosti/clanek/<slug:slug>/hodnoceni", portal.feedback, name="knowledge_feedback"),
    path(
        "znalosti/clanek/<slug:slug>/priloha/<int:pk>/",
        portal.attachment,
        name="knowledge_attachment",
    ),
]
