from __future__ import annotations

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.generic import RedirectView

from accounts import views as accounts_views
from inbox.privacy import views as privacy_views
from webcare import views

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="inbox:mention-list"), name="home"),
    path("inbox/", include("inbox.urls")),
    # The short address people type or remember for the manager's report; the selection travels along.
    path("reports/", RedirectView.as_view(pattern_name="inbox:reports", query_string=True), name="reports"),
    path("", include("monitoring.urls")),
    path("account/login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("account/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("account/password/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path("account/people/", include("accounts.urls")),
    path("account/password/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    # The language can be chosen on the sign-in page too; a signed-in person's choice is remembered.
    path("i18n/setlang/", accounts_views.language_set, name="set_language"),
    # The privacy statement is public: complainants follow its link from a reply.
    path("privacy/", privacy_views.privacy_statement, name="privacy-statement"),
    path("healthz", views.healthz, name="healthz"),
    path("admin/", admin.site.urls),
]

handler500 = "webcare.views.server_error"
