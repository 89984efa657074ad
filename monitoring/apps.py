from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def _load_language_model(**_: object) -> None:
    # Loaded once in the worker's main process, before it forks its pool, so the children share the
    # model's memory instead of each loading ~100 MB on their first entry.
    from monitoring.feeds.enrich import detect_language

    detect_language("warm up")


class MonitoringConfig(AppConfig):
    name = "monitoring"
    verbose_name = _("Monitoring")

    def ready(self) -> None:
        from celery.signals import worker_init

        worker_init.connect(_load_language_model, dispatch_uid="monitoring-language-model")
