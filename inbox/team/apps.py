from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TeamConfig(AppConfig):
    name = "inbox.team"
    label = "team"
    verbose_name = _("Team")

    def ready(self) -> None:
        from inbox.notifications.services import cover_with
        from inbox.team import subscribers
        from inbox.team.selectors import covering_for

        subscribers.connect()
        # A notification for somebody who is away goes to whoever stands in for them.
        cover_with(covering_for)
