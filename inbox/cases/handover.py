"""Cases follow their handler's absence: handed to whoever stands in while they are away, and handed back when
they return, unless somebody changed the case meanwhile (then the one who has it now keeps it).

Started when an absence that covers the present moment is recorded or taken back, and every quarter of an hour
for absences that start or end on their own (by the day or by the hour): ``inbox.triage.handover`` does both, for
the cases and the mentions alike.
"""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Organisation, User
from inbox.cases.models import Case, Handover
from inbox.cases.services import case_event_record, case_save
from inbox.notifications.models import Notification
from inbox.notifications.services import notify
from inbox.team.models import Absence
from inbox.team.selectors import complaint_handler_at


def cases_hand_over(*, organisation: Organisation, person_id: int, at: datetime) -> int:
    """Hand ``person_id``'s open cases to whoever handles complaints at ``at``; one history entry each.
    Returns how many were handed over."""
    with transaction.atomic():
        handler = complaint_handler_at(organisation, at)
        if handler is None or handler.person_id == person_id:
            return 0
        person = User.objects.get(id=person_id)
        cases = list(
            Case.objects.select_for_update(of=("self",))
            .filter(organisation=organisation, assignee_id=person_id)
            .exclude(status=Case.Status.CLOSED)
        )
        for case in cases:
            case.assignee_id = handler.person_id
            case_save(case, ["assignee"])
            case_event_record(case, None, "handed_over", str(person), handler.name)
            handover = Handover.objects.create(
                case=case, from_person_id=person_id, to_person_id=handler.person_id, version=case.version
            )
            _tell(
                handler.person_id,
                case,
                _("You stand in for %(name)s on %(case)s") % {"name": person, "case": case},
                key=f"handover:{handover.id}",
            )
    return len(cases)


def cases_hand_back(*, organisation: Organisation, person_id: int) -> int:
    """``person_id`` is back: each case handed over in their absence goes back to them if nobody changed it
    since (``WEBCARE_HAND_BACK``, on by default); the others stay where they are. Returns how many went back."""
    back = 0
    with transaction.atomic():
        handovers = list(
            Handover.objects.select_for_update(of=("self",))
            .select_related("case", "from_person")
            .filter(from_person_id=person_id, settled_at__isnull=True, case__organisation=organisation)
        )
        for handover in handovers:
            case = Case.objects.select_for_update(of=("self",)).get(id=handover.case_id)
            untouched = case.version == handover.version and case.assignee_id == handover.to_person_id
            if settings.WEBCARE_HAND_BACK and untouched and case.status != Case.Status.CLOSED:
                standing_in = str(case.assignee)
                case.assignee_id = person_id
                case_save(case, ["assignee"])
                case_event_record(case, None, "handed_back", standing_in, str(handover.from_person))
                _tell(
                    person_id,
                    case,
                    _("Welcome back: %(case)s is yours again") % {"case": case},
                    key=f"handed_back:{handover.id}",
                )
                back += 1
            handover.settled_at = timezone.now()
            handover.save(update_fields=["settled_at"])
    return back


def handovers_settle(*, at: datetime | None = None) -> tuple[int, int]:
    """Every quarter of an hour: hand over the cases of everybody away at ``at`` (now), and hand back those of
    everybody who is not away any more. Returns (handed over, handed back)."""
    at = at or timezone.now()
    over = back = 0
    away = Absence.objects.filter(starts_at__lte=at, ends_at__gt=at).values_list("organisation_id", "person_id")
    away_now = set(away)
    organisations = {organisation.id: organisation for organisation in Organisation.objects.all()}
    for organisation_id, person_id in sorted(away_now):
        over += cases_hand_over(organisation=organisations[organisation_id], person_id=person_id, at=at)
    returning = (
        Handover.objects.filter(settled_at__isnull=True)
        .values_list("case__organisation_id", "from_person_id")
        .distinct()
    )
    for organisation_id, person_id in sorted(set(returning) - away_now):
        back += cases_hand_back(organisation=organisations[organisation_id], person_id=person_id)
    return over, back


def _tell(person_id: int, case: Case, text: str, *, key: str) -> None:
    """Whoever a case moves to hears of it in the app."""
    recipient = User.objects.get(id=person_id)
    notify(recipient, None, kind=Notification.Kind.ASSIGNED, url=case.get_absolute_url(), text=text, dedupe_key=key)
