from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from monitoring.models import Mention, Source, SourceEvent


@admin.register(Source)
class SourceAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "is_active", "last_polled_at", "last_status", "consecutive_failures"]
    list_filter = ["kind", "is_active"]
    search_fields = ["name", "url"]
    readonly_fields = [
        "etag",
        "last_modified",
        "last_polled_at",
        "last_success_at",
        "last_status",
        "last_error",
        "last_error_at",
        "consecutive_failures",
    ]


@admin.register(Mention)
class MentionAdmin(admin.ModelAdmin):
    list_display = ["title", "source", "published_at"]
    list_filter = ["source"]
    search_fields = ["title", "snippet", "author"]
    date_hierarchy = "published_at"
    readonly_fields = ["source", "external_id", "fetched_at"]

    def has_delete_permission(self, request: HttpRequest, obj: Mention | None = None) -> bool:
        # Mentions are never deleted: a complaint that disappears comes back louder.
        return False


@admin.register(SourceEvent)
class SourceEventAdmin(admin.ModelAdmin):
    list_display = ["created_at", "source", "action", "actor"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: SourceEvent | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: SourceEvent | None = None) -> bool:
        return False
