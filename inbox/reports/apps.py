from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "inbox.reports"
    label = "reports"
    verbose_name = _("Reports")

    def ready(self) -> None:
        from inbox.reports.days import zone_changed_receive
        from inbox.targets.services import zone_changed

        zone_changed.connect(zone_changed_receive, dispatch_uid="reports-days-zone")
