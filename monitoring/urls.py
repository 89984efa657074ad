from __future__ import annotations

from django.urls import path

from monitoring import views

app_name = "monitoring"

urlpatterns = [
    path("demo/feeds/<slug:name>.xml", views.demo_feed, name="demo-feed"),
    path("sources/", views.source_list, name="source-list"),
    path("sources/add/", views.source_add, name="source-add"),
    path("sources/<int:source_id>/", views.source_detail, name="source-detail"),
    path("sources/<int:source_id>/poll/", views.source_poll_now, name="source-poll"),
    path("sources/<int:source_id>/resume/", views.source_resume, name="source-resume"),
    path("sources/<int:source_id>/rename/", views.source_rename, name="source-rename"),
    path("sources/<int:source_id>/interval/", views.source_interval, name="source-interval"),
    path("sources/<int:source_id>/address/", views.source_address, name="source-address"),
    path("sources/<int:source_id>/pause/", views.source_pause, name="source-pause"),
    path("sources/<int:source_id>/retire/", views.source_retire, name="source-retire"),
    path("sources/<int:source_id>/restore/", views.source_restore, name="source-restore"),
    path("sources/watch-terms/", views.watch_terms, name="watch-terms"),
    path("mentions/add/", views.mention_quick_add, name="mention-quick-add"),
    path("help/google-alerts/", views.help_google_alerts, name="help-google-alerts"),
]
