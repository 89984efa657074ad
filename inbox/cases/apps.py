from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "inbox.cases"
    label = "cases"
    verbose_name = _("Cases")

    def ready(self) -> None:
        from inbox.cases import handover
        from webcare.events import NOW, subscribe

        # In the absence's own transaction: the cases move with it, or neither does.
        for name in ("playbook.absence_added", "playbook.absence_removed"):
            subscribe(name, when=NOW)(handover.absence_changed)
