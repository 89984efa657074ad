"""What the cases hear of: changes to the opening hours and targets, after which the running cases' due times are
worked out again by a worker."""

from __future__ import annotations

from inbox.targets.services import CHANGES
from webcare.events import COMMITTED, DomainEvent, subscribe


def targets_changed(event: DomainEvent) -> None:
    from inbox.cases.tasks import cases_due_refresh

    if event.organisation_id is not None:
        cases_due_refresh.delay(event.organisation_id)


def connect() -> None:
    for name in CHANGES:
        subscribe(name, when=COMMITTED)(targets_changed)
