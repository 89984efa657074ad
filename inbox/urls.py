from __future__ import annotations

from django.urls import path

from inbox import views

app_name = "inbox"

urlpatterns = [
    path("", views.mention_list, name="mention-list"),
    path("filters/", views.mention_facets, name="mention-facets"),
    path("newer/", views.mention_newer, name="mention-newer"),
    path("bulk/", views.mention_bulk, name="mention-bulk"),
    path("undo/", views.triage_undo, name="triage-undo"),
    path("m/<int:mention_id>/", views.mention_detail, name="mention-detail"),
    path("m/<int:mention_id>/category/", views.mention_categorise, name="mention-categorise"),
    path("m/<int:mention_id>/ignore/", views.mention_ignore, name="mention-ignore"),
    path("m/<int:mention_id>/restore/", views.mention_restore, name="mention-restore"),
    path("m/<int:mention_id>/assign/", views.mention_assign, name="mention-assign"),
    path("m/<int:mention_id>/note/", views.mention_note, name="mention-note"),
    path("m/<int:mention_id>/case/", views.mention_case, name="mention-case"),
    path("m/<int:mention_id>/presence/", views.mention_presence, name="mention-presence"),
]
