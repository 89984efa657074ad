from __future__ import annotations

from django.urls import path

from inbox import activity, views

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
    path("cases/", views.case_list, name="case-list"),
    path("cases/improvements/", views.improvement_list, name="improvement-list"),
    path("cases/improvements/<int:improvement_id>/", views.improvement_update, name="improvement-update"),
    path("cases/<int:case_id>/", views.case_detail, name="case-detail"),
    path("cases/<int:case_id>/presence/", views.case_presence, name="case-presence"),
    path("cases/<int:case_id>/details/", views.case_update, name="case-update"),
    path("cases/<int:case_id>/private/", views.case_private, name="case-private"),
    path("cases/<int:case_id>/resolve/", views.case_resolve, name="case-resolve"),
    path("cases/<int:case_id>/close/", views.case_close, name="case-close"),
    path("cases/<int:case_id>/reopen/", views.case_reopen, name="case-reopen"),
    path("cases/<int:case_id>/note/", views.case_note, name="case-note"),
    path("cases/<int:case_id>/replies/", views.reply_add, name="reply-add"),
    path("cases/<int:case_id>/improvements/", views.improvement_add, name="improvement-add"),
    path("cases/<int:case_id>/removal/", views.removal_add, name="removal-add"),
    path("removals/<int:request_id>/outcome/", views.removal_outcome, name="removal-outcome"),
    path("replies/<int:reply_id>/approval/", views.reply_request_approval, name="reply-request-approval"),
    path("replies/<int:reply_id>/review/", views.reply_review, name="reply-approve"),
    path("replies/<int:reply_id>/posted/", views.reply_posted, name="reply-posted"),
    path("playbook/", views.playbook, name="playbook"),
    path("playbook/roster/", views.playbook_roster, name="playbook-roster"),
    path("playbook/templates/", views.playbook_template, name="playbook-template"),
    path("playbook/<str:kind>/", views.playbook_add, name="playbook-add"),
    path("playbook/<str:kind>/<int:item_id>/remove/", views.playbook_remove, name="playbook-remove"),
    path("activity/", activity.activity, name="activity"),
    path("notifications/", views.notification_list, name="notification-list"),
    path("notifications/badge/", views.notification_badge, name="notification-badge"),
]
