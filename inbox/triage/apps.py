from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TriageConfig(AppConfig):
    name = "inbox.triage"
    label = "triage"
    verbose_name = _("Triage")

    def ready(self) -> None:
        from inbox.triage import handover, routing
        from monitoring.services.store import MENTIONS_STORED
        from webcare.events import COMMITTED, NOW, subscribe

        # In the absence's own transaction: the cases and mentions move with it, or none does.
        for name in ("playbook.absence_added", "playbook.absence_removed"):
            subscribe(name, when=NOW)(handover.absence_changed)
        # Once the poll's mentions are committed: routing them never holds up or rolls back storing them.
        subscribe(MENTIONS_STORED, when=COMMITTED)(routing.mentions_stored)
