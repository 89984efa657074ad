"""One shape for every audit table, and one writer.

Each app keeps its own table (who changed a mention, a case, a source, the playbook, a person), and each
table has this shape: who (``actor``, empty for the product itself), when, what (``action``, a code), the
object (the table's own foreign key) and before → after as codes or ids. Audit rows hold no personal data: an
e-mail address or a reply's text changes, the row says that it changed, not what it is, so that erasing a
person never has to rewrite history.

``AuditRow.record`` writes a row and publishes the change as a domain event (``webcare.events``) named
``<app label>.<action>``, which routing, notifications and live updates subscribe to.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self

from django.conf import settings
from django.db import models
from django.utils import timezone

from webcare.events import DomainEvent, publish


class AuditRow(models.Model):
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    action = models.CharField(max_length=50)
    from_value = models.TextField(blank=True)
    to_value = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        abstract = True
        ordering = ["-created_at", "-id"]

    @classmethod
    def record(
        cls,
        *,
        actor: Any,
        action: str,
        about: str,
        organisation_id: int | None,
        from_value: object = "",
        to_value: object = "",
        data: Mapping[str, Any] | None = None,
        **fields: Any,
    ) -> Self:
        """Write one row (``fields`` name the object and what the table adds) and publish the change."""
        row = cls.objects.create(  # type: ignore[attr-defined]
            actor=actor, action=action, from_value=str(from_value), to_value=str(to_value), **fields
        )
        publish(
            DomainEvent(
                name=f"{cls._meta.app_label}.{action}",
                organisation_id=organisation_id,
                actor_id=getattr(actor, "pk", None),
                subject=about,
                data=dict(data or {}),
            )
        )
        return row
