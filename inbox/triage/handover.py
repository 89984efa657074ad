"""Mentions follow their handler's absence as cases do (``inbox.cases.handover``): the open mentions assigned to
somebody away go to whoever stands in, and back on their return if nobody changed them meanwhile."""

from __future__ import annotations

import uuid
from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from accounts.models import Organisation, User
from inbox.cases import handover as case_handover
from inbox.team.models import Absence
from inbox.team.selectors import complaint_handler_at
from inbox.triage.models import MentionEvent
from inbox.triage.services import mention_change
from monitoring.models import Mention
from webcare.events import DomainEvent

Action = MentionEvent.Action
OPEN = (Mention.Status.NEW, Mention.Status.TRIAGED)


def mentions_hand_over(*, organisation: Organisation, person_id: int, at: datetime) -> int:
    """Hand ``person_id``'s open mentions to whoever handles complaints at ``at``, as one batch in their
    histories. Returns how many."""
    with transaction.atomic():
        handler = complaint_handler_at(organisation, at)
        if handler is None or handler.person_id == person_id:
            return 0
        stand_in = User.objects.get(id=handler.person_id)
        mentions = list(
            Mention.objects.select_for_update().filter(
                organisation=organisation, assignee_id=person_id, status__in=OPEN
            )
        )
        batch = uuid.uuid4()
        for mention in mentions:
            mention_change(
                None, mention, Action.HANDED_OVER, {"assignee_id": stand_in.id}, batch=batch, label=str(stand_in)
            )
    return len(mentions)


def mentions_hand_back(*, organisation: Organisation, person_id: int) -> int:
    """``person_id`` is back: each mention handed over in their absence that nobody changed since (its version
    is the one the handover left) goes back to them. Returns how many."""
    if not settings.WEBCARE_HAND_BACK:
        return 0
    person = User.objects.get(id=person_id)
    back = 0
    with transaction.atomic():
        handed = MentionEvent.objects.filter(
            action=Action.HANDED_OVER,
            mention__organisation=organisation,
            before__assignee_id=person_id,
            version=F("mention__version"),
        ).values_list("mention_id", flat=True)
        mentions = Mention.objects.select_for_update().filter(id__in=list(handed), status__in=OPEN)
        batch = uuid.uuid4()
        for mention in mentions:
            mention_change(
                None, mention, Action.HANDED_BACK, {"assignee_id": person_id}, batch=batch, label=str(person)
            )
            back += 1
    return back


def handovers_settle(*, at: datetime | None = None) -> tuple[int, int]:
    """Every quarter of an hour: the cases (``inbox.cases.handover``), then the mentions, of whoever is away at
    ``at`` (now) or back. Returns (handed over, handed back) of both."""
    at = at or timezone.now()
    over, back = case_handover.handovers_settle(at=at)
    away = set(Absence.objects.filter(starts_at__lte=at, ends_at__gt=at).values_list("organisation_id", "person_id"))
    organisations = {organisation.id: organisation for organisation in Organisation.objects.all()}
    for organisation_id, person_id in sorted(away):
        over += mentions_hand_over(organisation=organisations[organisation_id], person_id=person_id, at=at)
    returning = set(
        MentionEvent.objects.filter(action=Action.HANDED_OVER, version=F("mention__version"))
        .values_list("mention__organisation_id", "before__assignee_id")
        .distinct()
    )
    for organisation_id, person_id in sorted(returning - away):
        if person_id is not None:
            back += mentions_hand_back(organisation=organisations[organisation_id], person_id=int(person_id))
    return over, back


def absence_changed(event: DomainEvent) -> None:
    """An absence was recorded or taken back: settle that person's cases and mentions at once (an absence
    that starts later is settled by the beat when it starts)."""
    person_id = event.data.get("person_id")
    if event.organisation_id is None or person_id is None:
        return
    organisation = Organisation.objects.filter(id=event.organisation_id).first()
    if organisation is None:
        return
    now = timezone.now()
    if Absence.objects.filter(
        organisation=organisation, person_id=person_id, starts_at__lte=now, ends_at__gt=now
    ).exists():
        case_handover.cases_hand_over(organisation=organisation, person_id=person_id, at=now)
        mentions_hand_over(organisation=organisation, person_id=person_id, at=now)
    else:
        case_handover.cases_hand_back(organisation=organisation, person_id=person_id)
        mentions_hand_back(organisation=organisation, person_id=person_id)
