from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TeamConfig(AppConfig):
    name = "inbox.team"
    label = "team"
    verbose_name = _("Team")

    def ready(self) -> None:
        from inbox.team import subscribers

        subscribers.connect()
