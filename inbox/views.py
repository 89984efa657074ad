from __future__ import annotations

from django.contrib.auth.decorators import permission_required
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import render
from django.views.decorators.http import require_safe
from django.views.decorators.vary import vary_on_headers
from django_htmx.middleware import HtmxDetails

from accounts.models import User
from inbox import selectors
from inbox.forms import MentionPageForm


class AppRequest(HttpRequest):
    user: User
    htmx: HtmxDetails


@require_safe
@permission_required("monitoring.view_mention", raise_exception=True)
@vary_on_headers("HX-Request")
def mention_list(request: AppRequest) -> HttpResponse:
    """The inbox list, newest first; HTMX asks for the list alone or for the next page of rows."""
    form = MentionPageForm(request.GET)
    if not form.is_valid():
        return HttpResponseBadRequest(form.errors["before"].as_text())
    before = form.cleaned_data["before"]
    page = selectors.mention_page(user=request.user, before=before)
    template_name = "inbox/mention_list.html"
    if request.htmx:
        template_name += "#mention-more" if before else "#mention-list"
    return render(request, template_name, {"page": page})
