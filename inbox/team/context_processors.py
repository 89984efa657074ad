"""The banner on every page: who answers for the organisation right now, and for whom."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils import timezone
from django.utils.functional import SimpleLazyObject

from accounts.selectors import organisation_of


def responsible(request: HttpRequest) -> dict[str, object]:
    """``responsible``: the ``Banner`` of who answers for the reader's organisation now (None: nobody), read only
    when a page shows it; ``responsible_known``: whether the reader works for an organisation and reads the inbox."""

    user = getattr(request, "user", None)  # an error page for a refused request has no signed-in user
    if user is None or not user.is_authenticated:
        return {"responsible_known": False}

    def found() -> object:
        from inbox.team.selectors import responsible_now
        from inbox.team.wording import banner_for

        organisation = organisation_of(user)
        responsible = responsible_now(organisation) if organisation is not None else None
        # Worked out as the page is rendered, in the reader's language; the answer itself is kept a minute.
        return banner_for(responsible, timezone.now()) if responsible is not None else None

    known = user.organisation_id is not None and user.has_perm("monitoring.view_mention")
    return {"responsible": SimpleLazyObject(found), "responsible_known": known}
