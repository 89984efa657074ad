"""Pages of the accounts app that Django's own auth views don't cover."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required, permission_required
from django.contrib.auth.forms import AuthenticationForm
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST, require_safe
from django.views.i18n import set_language

from accounts import selectors, services
from accounts.exceptions import InvalidPassword, UserNotFound, UserRefused
from accounts.forms import UserCreateForm, UserUpdateForm
from accounts.models import User


class AppRequest(HttpRequest):
    user: User


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


@login_not_required
def language_set(request: HttpRequest) -> HttpResponse:
    """Django's ``set_language``, which also remembers the choice of a signed-in person for their next
    sessions (``accounts.middleware``). Open to everyone: the sign-in page has the same choice."""
    response = set_language(request)
    language = request.POST.get("language", "")
    if request.method == "POST" and request.user.is_authenticated and language in dict(settings.LANGUAGES):
        services.user_language_set(user=request.user, language=language)  # type: ignore[arg-type]
    return response


# The board's page of people -----------------------------------------------------------------------------


@require_safe
@permission_required("accounts.change_user", raise_exception=True)
def people(request: AppRequest) -> HttpResponse:
    """Everybody with an account, their role and whether they can sign in."""
    return render(request, "accounts/people.html", {"people": selectors.people_list(actor=request.user)})


@require_http_methods(["GET", "HEAD", "POST"])
@permission_required("accounts.add_user", raise_exception=True)
def person_add(request: AppRequest) -> HttpResponse:
    """Add a person with a role and an initial password; a refused form comes back with what was typed."""
    form = UserCreateForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        try:
            user = services.user_create(
                actor=request.user, organisation=selectors.organisation_or_404(request.user), **form.cleaned_data
            )
        except InvalidPassword as exc:
            for message in exc.messages:
                form.add_error("password", message)
        except UserRefused as exc:
            form.add_error(exc.field, exc.message)
        else:
            messages.success(request, _("%(name)s is added and can sign in now.") % {"name": user})
            return redirect("accounts:people")
    return render(request, "accounts/person_add.html", {"form": form})


@require_http_methods(["GET", "HEAD", "POST"])
@permission_required("accounts.change_user", raise_exception=True)
def person_update(request: AppRequest, user_id: int) -> HttpResponse:
    """One person: their name, e-mail address and role, and whether they can sign in."""
    person = selectors.person_detail(actor=request.user, user_id=user_id)
    if person is None:
        raise Http404(_("This user does not exist."))
    user = person.user
    initial = {"first_name": user.first_name, "last_name": user.last_name, "email": user.email}
    initial["role"] = person.roles[0].value if person.roles else ""
    form = UserUpdateForm(request.POST if request.method == "POST" else None, initial=initial)
    if form.is_valid():
        try:
            changed = services.user_update(
                actor=request.user,
                organisation=selectors.organisation_or_404(request.user),
                user_id=user.pk,
                **form.cleaned_data,
            )
        except UserRefused as exc:
            form.add_error(exc.field, exc.message)
        else:
            if changed.actions:
                messages.success(request, _("The changes to %(name)s are saved.") % {"name": changed.user})
            return redirect("accounts:people")
    context = {"form": form, "person": person, "is_self": user.pk == request.user.pk}
    return render(request, "accounts/person_update.html", context)


@require_POST
@permission_required("accounts.change_user", raise_exception=True)
def person_deactivate(request: AppRequest, user_id: int) -> HttpResponse:
    """Stop a person from signing in (never a deletion: what they did stays, with their name)."""
    try:
        done = services.user_deactivate(
            actor=request.user, organisation=selectors.organisation_or_404(request.user), user_id=user_id
        )
    except UserNotFound as exc:
        raise Http404(_("This user does not exist.")) from exc
    except UserRefused as exc:
        messages.error(request, exc.message)
        return redirect("accounts:person-update", user_id=user_id)
    text = _("%(name)s is deactivated and can no longer sign in. What they did stays in the history.")
    text %= {"name": done.user}
    if "owner" in done.appointments:
        text += " " + _("They are still the webcare owner: appoint someone else on the playbook page.")
    if "deputy" in done.appointments:
        text += " " + _("They are still the deputy: appoint someone else on the playbook page.")
    (messages.warning if done.appointments else messages.success)(request, text)
    return redirect("accounts:people")


@require_POST
@permission_required("accounts.change_user", raise_exception=True)
def person_reactivate(request: AppRequest, user_id: int) -> HttpResponse:
    """Let a deactivated person sign in again, with the role they had."""
    try:
        user = services.user_reactivate(
            actor=request.user, organisation=selectors.organisation_or_404(request.user), user_id=user_id
        )
    except UserNotFound as exc:
        raise Http404(_("This user does not exist.")) from exc
    messages.success(request, _("%(name)s can sign in again.") % {"name": user})
    return redirect("accounts:people")
