from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TriageConfig(AppConfig):
    name = "inbox.triage"
    label = "triage"
    verbose_name = _("Triage")

    def ready(self) -> None:
        from inbox.triage import handover
        from webcare.events import NOW, subscribe

        # In the absence's own transaction: the cases and mentions move with it, or none does.
        for name in ("playbook.absence_added", "playbook.absence_removed"):
            subscribe(name, when=NOW)(handover.absence_changed)
