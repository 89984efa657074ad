"""The audit of what people did to mentions in the inbox."""

from __future__ import annotations

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _

from inbox.team.wording import routing_reason
from monitoring.models import Mention
from webcare.audit import AuditRow


class MentionEvent(AuditRow):
    """One audited change to a mention: who, what, from → to, when. The activity history is read from these.

    Changes made together (one bulk action) share a ``batch``, which is what "undo" takes back.
    """

    class Action(models.TextChoices):
        CATEGORISE = "categorise", _("set the category")
        IGNORE = "ignore", _("ignored")
        RESTORE = "restore", _("took back into the inbox")
        ASSIGN = "assign", _("assigned")
        NOTE = "note", _("added a note")
        CASE_OPEN = "case_open", _("opened a case")
        CASE_ATTACH = "case_attach", _("added to a case")
        UNDO = "undo", _("undid")
        HANDED_OVER = "handed_over", _("handed over while its handler is away")
        HANDED_BACK = "handed_back", _("handed back: its handler returned")
        ROUTED = "routed", _("assigned to whoever handles complaints now")

    mention = models.ForeignKey(Mention, on_delete=models.PROTECT, related_name="events")
    action = models.CharField(max_length=50, choices=Action.choices)
    before = models.JSONField(default=dict, blank=True)  # the fields this change set, as they were: for undo
    note = models.TextField(blank=True)
    batch = models.UUIDField(default=uuid.uuid4, db_index=True)
    version = models.PositiveIntegerField(default=0)  # the mention's version after this change

    class Meta(AuditRow.Meta):
        db_table = "inbox_mentionevent"
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["mention", "-created_at"], name="mentionevent_recent_idx"),
            models.Index(fields=["actor", "-created_at"], name="mentionevent_actor_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.action} {self.mention_id}"

    @property
    def routing_text(self) -> str:
        """Why a ``routed`` mention went to whom, in plain words: "assigned to Sanne: Piet is away". The row
        holds where in the chain the handler was found, their name, and in ``note`` the names passed over (one a
        line)."""
        return routing_reason(self.from_value, self.to_value, self.note.splitlines())

    @property
    def from_label(self) -> str:
        return self._label(self.from_value)

    @property
    def to_label(self) -> str:
        return self._label(self.to_value)

    def _label(self, value: str) -> str:
        """A stored value in the reader's language: codes are kept, their labels looked up when shown."""
        choices: dict[str, object] = {}
        if self.action == self.Action.CATEGORISE:
            choices = dict(Mention.Category.choices)
        elif self.action == self.Action.IGNORE:
            choices = dict(Mention.IgnoreReason.choices)
        elif self.action == self.Action.UNDO:
            choices = dict(self.Action.choices)
        elif self.action in (self.Action.RESTORE, self.Action.CASE_OPEN, self.Action.CASE_ATTACH):
            choices = dict(Mention.Status.choices) if value in Mention.Status.values else {}
        return str(choices.get(value, value))
