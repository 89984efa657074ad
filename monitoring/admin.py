from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from monitoring.models import FetchLog, Mention, Sighting, SignalPhrase, Source, SourceEvent, WatchTerms


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


class SightingInline(admin.TabularInline):
    model = Sighting
    extra = 0
    readonly_fields = ["source", "external_id", "url", "seen_at"]
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Mention | None = None) -> bool:
        return False


@admin.register(Mention)
class MentionAdmin(admin.ModelAdmin):
    list_display = ["title", "source", "platform", "suggested_category", "published_at"]
    list_filter = ["suggested_category", "platform", "language", "source"]
    search_fields = ["title", "snippet", "author"]
    date_hierarchy = "published_at"
    # Triage goes through the inbox, which audits every change; here it is only shown.
    readonly_fields = [
        "organisation",
        "source",
        "canonical_url",
        "fetched_at",
        "signal_reasons",
        "flags",
        "status",
        "category",
        "ignore_reason",
        "assignee",
        "version",
    ]
    inlines = [SightingInline]

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


@admin.register(SignalPhrase)
class SignalPhraseAdmin(admin.ModelAdmin):
    list_display = ["phrase", "category", "weight", "flag", "is_active"]
    list_filter = ["category", "flag", "is_active"]
    list_editable = ["weight", "is_active"]
    search_fields = ["phrase"]


@admin.register(WatchTerms)
class WatchTermsAdmin(admin.ModelAdmin):
    list_display = ["organisation", "updated_at"]


@admin.register(FetchLog)
class FetchLogAdmin(admin.ModelAdmin):
    list_display = ["started_at", "source", "status", "found", "new", "duration_ms", "error"]
    list_filter = ["source"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: FetchLog | None = None) -> bool:
        return False
