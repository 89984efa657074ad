from __future__ import annotations

from django.urls import path

from monitoring import views

app_name = "monitoring"

urlpatterns = [
    path("demo/feeds/<slug:name>.xml", views.demo_feed, name="demo-feed"),
]
