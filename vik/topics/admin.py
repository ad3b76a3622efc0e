from django.contrib import admin

from .models import Topic


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin[Topic]):
    list_display = ["name_cs", "name_en", "slug", "parent", "position", "is_active"]
    list_filter = ["is_active", "parent"]
    search_fields = ["name_cs", "name_en", "slug"]
    prepopulated_fields = {"slug": ("name_en",)}
