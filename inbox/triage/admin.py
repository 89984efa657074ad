from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from inbox.cases.admin import NeverDeleted
from inbox.triage.models import MentionEvent


@admin.register(MentionEvent)
class MentionEventAdmin(NeverDeleted):
    list_display = ["created_at", "mention", "action", "actor", "to_value"]
    list_filter = ["action"]
    list_select_related = ["mention", "actor"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: MentionEvent | None = None) -> bool:
        return False
