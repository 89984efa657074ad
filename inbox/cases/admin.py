from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from inbox.cases.models import Case, CaseEvent, CaseMention, ImprovementAction, RemovalRequest, Reply


class NeverDeleted(admin.ModelAdmin):
    """Cases and the audit trail are kept: a complaint that disappears comes back louder."""

    def has_delete_permission(self, request: HttpRequest, obj: object | None = None) -> bool:
        return False


class CaseMentionInline(admin.TabularInline):
    model = CaseMention
    extra = 0
    readonly_fields = ["mention", "added_by", "added_at"]
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Case | None = None) -> bool:
        return False


@admin.register(Case)
class CaseAdmin(NeverDeleted):
    list_display = ["id", "title", "status", "assignee", "created_at"]
    list_filter = ["status"]
    search_fields = ["title"]
    readonly_fields = ["organisation", "created_by", "created_at", "status"]
    inlines = [CaseMentionInline]


@admin.register(CaseEvent)
class CaseEventAdmin(NeverDeleted):
    list_display = ["created_at", "case", "action", "actor", "to_value"]
    list_filter = ["action"]
    list_select_related = ["case", "actor"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: CaseEvent | None = None) -> bool:
        return False


@admin.register(Reply)
class ReplyAdmin(NeverDeleted):
    list_display = ["created_at", "case", "channel", "state", "author"]
    list_filter = ["channel", "state"]
    list_select_related = ["case", "author"]

    # Read only: approval and posting go through the case page, which keeps the four-eyes rule and the history.
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Reply | None = None) -> bool:
        return False


@admin.register(ImprovementAction)
class ImprovementActionAdmin(NeverDeleted):
    list_display = ["created_at", "case", "state", "owner"]
    list_filter = ["state"]
    list_select_related = ["case", "owner"]
    readonly_fields = ["case", "created_at"]


@admin.register(RemovalRequest)
class RemovalRequestAdmin(NeverDeleted):
    list_display = ["requested_at", "case", "reason", "platform", "outcome"]
    list_filter = ["reason", "outcome"]
    list_select_related = ["case"]
    readonly_fields = ["case", "requested_by", "requested_at"]
