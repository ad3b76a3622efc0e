from django.contrib import admin

from .models import Article, ArticleAttachment, ArticleFeedback, ArticleVersion, Tag, UsageEvent


class ArticleVersionInline(admin.TabularInline[ArticleVersion, Article]):
    model = ArticleVersion
    fields = ["number", "language", "title", "author", "note", "created_at"]
    readonly_fields = ["number", "language", "title", "author", "note", "created_at"]
    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False  # versions are written by the services only


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin[Article]):
    list_display = ["slug", "kind", "audience", "state", "region", "centre", "review_by"]
    list_filter = ["kind", "audience", "state", "region"]
    search_fields = ["slug", "versions__title"]
    # Publishing, audience and scope change through the services (permissions, search index).
    readonly_fields = [
        "kind", "audience", "region", "centre", "variant_of", "state", "published_version",
        "published_version_en", "published_at",
    ]  # fmt: skip
    raw_id_fields = ["related", "owners"]
    inlines = [ArticleVersionInline]


@admin.register(ArticleFeedback)
class ArticleFeedbackAdmin(admin.ModelAdmin[ArticleFeedback]):
    list_display = ["article", "is_helpful", "created_at", "query"]
    list_filter = ["is_helpful"]
    readonly_fields = ["article", "version", "is_helpful", "comment", "query", "language"]


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin[Tag]):
    search_fields = ["name"]


@admin.register(UsageEvent)
class UsageEventAdmin(admin.ModelAdmin[UsageEvent]):
    """Read only: the usage metrics are counts that only VIK writes (and prunes)."""

    list_display = ["created_at", "kind", "where", "article", "centre", "query"]
    list_filter = ["kind", "where"]
    search_fields = ["query"]
    date_hierarchy = "created_at"
    list_select_related = ["article", "centre"]

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


@admin.register(ArticleAttachment)
class ArticleAttachmentAdmin(admin.ModelAdmin[ArticleAttachment]):
    """Read only: files are attached and deleted on the article's staff pages (permissions,
    audit log)."""

    list_display = ["filename", "title", "article", "size", "uploaded_by", "uploaded_at"]
    search_fields = ["filename", "title", "article__slug"]
    list_select_related = ["article", "uploaded_by"]

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False
