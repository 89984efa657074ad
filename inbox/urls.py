"""The inbox's addresses. Each part of the inbox keeps its views; the names stay in the one ``inbox`` namespace."""

from __future__ import annotations

from django.urls import path

from inbox.activity import views as activity
from inbox.cases import views as cases
from inbox.notifications import views as notifications
from inbox.playbook import views as playbook
from inbox.privacy import views as privacy
from inbox.reports import exportviews as reports_export
from inbox.reports import views as reports
from inbox.targets import views as targets
from inbox.team import views as team
from inbox.triage import views as triage

app_name = "inbox"

urlpatterns = [
    path("", triage.mention_list, name="mention-list"),
    path("filters/", triage.mention_facets, name="mention-facets"),
    path("newer/", triage.mention_newer, name="mention-newer"),
    path("bulk/", triage.mention_bulk, name="mention-bulk"),
    path("undo/", triage.triage_undo, name="triage-undo"),
    path("m/<int:mention_id>/", triage.mention_detail, name="mention-detail"),
    path("m/<int:mention_id>/category/", triage.mention_categorise, name="mention-categorise"),
    path("m/<int:mention_id>/ignore/", triage.mention_ignore, name="mention-ignore"),
    path("m/<int:mention_id>/restore/", triage.mention_restore, name="mention-restore"),
    path("m/<int:mention_id>/assign/", triage.mention_assign, name="mention-assign"),
    path("m/<int:mention_id>/note/", triage.mention_note, name="mention-note"),
    path("m/<int:mention_id>/case/", triage.mention_case, name="mention-case"),
    path("m/<int:mention_id>/presence/", triage.mention_presence, name="mention-presence"),
    path("due/", triage.due_list, name="due"),
    path("cases/", cases.case_list, name="case-list"),
    path("cases/improvements/", cases.improvement_list, name="improvement-list"),
    path("cases/improvements/<int:improvement_id>/", cases.improvement_update, name="improvement-update"),
    path("cases/<int:case_id>/", cases.case_detail, name="case-detail"),
    path("cases/<int:case_id>/presence/", cases.case_presence, name="case-presence"),
    path("cases/<int:case_id>/details/", cases.case_update, name="case-update"),
    path("cases/<int:case_id>/private/", cases.case_private, name="case-private"),
    path("cases/<int:case_id>/resolve/", cases.case_resolve, name="case-resolve"),
    path("cases/<int:case_id>/close/", cases.case_close, name="case-close"),
    path("cases/<int:case_id>/reopen/", cases.case_reopen, name="case-reopen"),
    path("cases/<int:case_id>/waiting/", cases.case_wait, name="case-wait"),
    path("cases/<int:case_id>/resume/", cases.case_resume, name="case-resume"),
    path("cases/<int:case_id>/note/", cases.case_note, name="case-note"),
    path("cases/<int:case_id>/replies/", cases.reply_add, name="reply-add"),
    path("cases/<int:case_id>/improvements/", cases.improvement_add, name="improvement-add"),
    path("cases/<int:case_id>/removal/", cases.removal_add, name="removal-add"),
    path("removals/<int:request_id>/outcome/", cases.removal_outcome, name="removal-outcome"),
    path("replies/<int:reply_id>/approval/", cases.reply_request_approval, name="reply-request-approval"),
    path("replies/<int:reply_id>/review/", cases.reply_review, name="reply-approve"),
    path("replies/<int:reply_id>/posted/", cases.reply_posted, name="reply-posted"),
    path("playbook/", playbook.playbook, name="playbook"),
    path("playbook/templates/", playbook.playbook_template, name="playbook-template"),
    path("playbook/<str:kind>/", playbook.playbook_add, name="playbook-add"),
    path("playbook/<str:kind>/<int:item_id>/remove/", playbook.playbook_remove, name="playbook-remove"),
    path("team/", team.team, name="team"),
    path("team/roster/", team.team_roster, name="team-roster"),
    path("team/absences/", team.team_absence_add, name="team-absence-add"),
    path("team/absences/<int:absence_id>/remove/", team.team_absence_remove, name="team-absence-remove"),
    path("privacy/people/", privacy.privacy_people, name="privacy-people"),
    path("privacy/people/export/", privacy.privacy_export, name="privacy-export"),
    path("privacy/people/erase/", privacy.privacy_erase, name="privacy-erase"),
    path("targets/", targets.targets, name="targets"),
    path("targets/settings/", targets.targets_update, name="targets-update"),
    path("targets/hours/", targets.targets_block_add, name="targets-block-add"),
    path("targets/hours/<int:block_id>/remove/", targets.targets_block_remove, name="targets-block-remove"),
    path("targets/holidays/", targets.targets_holidays, name="targets-holidays"),
    path("targets/closed/", targets.targets_closed_add, name="targets-closed-add"),
    path("targets/closed/<int:closed_day_id>/remove/", targets.targets_closed_remove, name="targets-closed-remove"),
    path("targets/overrides/", targets.targets_override_add, name="targets-override-add"),
    path(
        "targets/overrides/<int:override_id>/remove/",
        targets.targets_override_remove,
        name="targets-override-remove",
    ),
    path(
        "team/appointments/<int:appointment_id>/withdraw/",
        team.team_appointment_withdraw,
        name="team-appointment-withdraw",
    ),
    path("activity/", activity.activity, name="activity"),
    path("reports/", reports.report_page, name="reports"),
    path("reports/cases/", reports.report_cases, name="report-cases"),
    path("reports/mentions/", reports.report_mentions, name="report-mentions"),
    path("reports/export/<str:kind>.<str:fmt>", reports_export.report_export, name="report-export"),
    path("privacy/", privacy.privacy, name="privacy"),
    path("privacy/retention/", privacy.privacy_retention, name="privacy-retention"),
    path("privacy/statement/<str:language>/", privacy.privacy_statement_update, name="privacy-statement-update"),
    path("notifications/", notifications.notification_list, name="notification-list"),
    path("notifications/read/", notifications.notification_read, name="notification-read"),
    path("notifications/badge/", notifications.notification_badge, name="notification-badge"),
    path("notifications/settings/", notifications.notification_settings, name="notification-settings"),
    path(
        "notifications/unsubscribe/<str:token>/",
        notifications.notification_unsubscribe,
        name="notification-unsubscribe",
    ),
]
