from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "inbox.cases"
    label = "cases"
    verbose_name = _("Cases")

    def ready(self) -> None:
        from inbox.cases import subscribers

        subscribers.connect()
        from inbox.cases import digest  # noqa: F401  # its sections join the daily digest
