"""Pages of the accounts app that Django's own auth views don't cover."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import ngettext


def sign_in_locked(request: HttpRequest, response: HttpResponse | None = None, credentials: Any = None) -> HttpResponse:
    """The sign-in page, refused for a while after too many failures for this name from this address.

    django-axes calls this instead of checking the password; the name typed stays in the form.
    """
    username = str(request.POST.get("username", ""))[:150]
    form = AuthenticationForm(request, initial={"username": username})
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    refusal = ngettext(
        "Too many failed sign-ins for this name from your address. Try again in %(minutes)d minute.",
        "Too many failed sign-ins for this name from your address. Try again in %(minutes)d minutes.",
        minutes,
    ) % {"minutes": minutes}
    context = {"form": form, "next": request.POST.get("next", ""), "refusal": refusal}
    return render(request, "registration/login.html", context, status=429)
