from __future__ import annotations

from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_save
from django.utils.translation import gettext_lazy as _


class PlaybookConfig(AppConfig):
    name = "inbox.playbook"
    label = "playbook"
    verbose_name = _("Playbook")

    def ready(self) -> None:
        from accounts.models import Organisation

        post_save.connect(_organisation_created, sender=Organisation, dispatch_uid="inbox-organisation-defaults")


def _organisation_created(sender: type, instance: Any, created: bool, raw: bool = False, **kwargs: Any) -> None:
    """A new organisation starts with the default playbook; the service does the work."""
    if created and not raw:
        from inbox.playbook.services import organisation_defaults_seed

        organisation_defaults_seed(organisation_id=instance.id)
