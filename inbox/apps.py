from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InboxConfig(AppConfig):
    """The inbox's URL map, and the history of its tables: the migrations that made them before each part of the
    inbox became an app of its own (``inbox.triage``, ``inbox.cases``, ``inbox.playbook``, ``inbox.team``,
    ``inbox.notifications``, ``inbox.activity``). Those apps own the models now; the tables kept their names."""

    name = "inbox"
    verbose_name = _("Inbox")
