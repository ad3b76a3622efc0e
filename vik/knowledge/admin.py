from django.contrib import admin

from .models import Article, ArticleFeedback, ArticleVersion, Tag


class ArticleVersionInline(admin.TabularInline):
    model = ArticleVersion
    fields = ["number", "language", "title", "author", "note", "created_at"]
    readonly_fields = ["number", "language", "title", "author", "note", "created_at"]
    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False  # versions are written by the services only


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
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
class ArticleFeedbackAdmin(admin.ModelAdmin):
    list_display = ["article", "is_helpful", "created_at", "query"]
    list_filter = ["is_helpful"]
    readonly_fields = ["article", "version", "is_helpful", "comment", "query", "language"]


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    search_fields = ["name"]
