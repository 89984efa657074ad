from __future__ import annotations

from django.urls import path

from accounts import views

app_name = "accounts"

urlpatterns = [
    path("", views.people, name="people"),
    path("new/", views.person_add, name="person-add"),
    path("<int:user_id>/", views.person_update, name="person-update"),
    path("<int:user_id>/deactivate/", views.person_deactivate, name="person-deactivate"),
    path("<int:user_id>/reactivate/", views.person_reactivate, name="person-reactivate"),
]
