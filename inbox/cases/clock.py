"""A case's clock: waiting on the complainant, due times worked out again when the targets change, and telling the
people responsible when a target is at risk or breached."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.models import User
from inbox.cases.due import DUE_FIELDS, case_due_set, case_signals, wait_fold
from inbox.cases.models import Case, TargetShown
from inbox.cases.services import RUNNING, case_event_record, case_locked, case_save
from inbox.exceptions import CaseRefused
from inbox.notifications.models import Notification
from inbox.notifications.services import notify
from inbox.targets.clock import State
from inbox.targets.display import moment_phrase
from inbox.targets.selectors import plan_of

logger = logging.getLogger(__name__)

REFRESH_BATCH = 500

# A target that became at risk or breached this long ago is still told (a stopped beat catches up), once.
ALERT_LOOKBACK = timedelta(days=1)


def case_wait(*, actor: User, case_id: int, version: int | None) -> Case:
    """The case waits on the complainant (an answer, a photo, a phone call back): its clock stands still until
    ``case_resume``. Raises ``CaseRefused`` for a resolved or closed case, or one that waits already."""
    with transaction.atomic():
        case = case_locked(actor, case_id, version)
        if case.is_handled:
            raise CaseRefused(_("A resolved or closed case waits on nobody."))
        if case.is_waiting:
            raise CaseRefused(_("This case waits on the complainant already."))
        case.waiting_since = timezone.now()
        case_event_record(case, actor, "waiting", "", "")
        case_save(case, ["waiting_since"])
    return case


def case_resume(*, actor: User, case_id: int, version: int | None) -> Case:
    """The complainant answered (or we stop waiting): the clock runs again, and the due times move on by the
    counted time the case waited. Raises ``CaseRefused`` for a case that does not wait."""
    with transaction.atomic():
        case = case_locked(actor, case_id, version)
        if not case.is_waiting:
            raise CaseRefused(_("This case does not wait on the complainant."))
        fields = wait_fold(case, timezone.now())
        case_event_record(case, actor, "resumed", "", "")
        case_save(case, fields)
    return case


def cases_due_refresh(*, organisation_id: int) -> int:
    """Work out again the due times of the organisation's cases whose targets still run (after its opening hours
    or targets changed), a batch at a time, each batch locked and saved in one go. Returns how many changed."""
    plan = plan_of(organisation_id)
    running = Case.objects.filter(organisation_id=organisation_id, status__in=RUNNING).order_by("id")
    changed, after = 0, 0
    while True:
        with transaction.atomic():
            batch = list(running.filter(id__gt=after).select_for_update(of=("self",))[:REFRESH_BATCH])
            if not batch:
                return changed
            signals = case_signals(case.id for case in batch)
            moved = [case for case in batch if case_due_set(case, plan=plan, signals=signals.get(case.id, ("", ())))]
            Case.objects.bulk_update(moved, DUE_FIELDS)
        changed += len(moved)
        after = batch[-1].id


def cases_targets_alert(*, now: datetime | None = None) -> int:
    """Tell the people responsible about targets that became at risk or breached (in the last day, so a beat that
    stopped catches up): at risk to whoever handles the case; breached to them and to the webcare owner and the
    deputy. Each once: a run again tells nobody twice (the notifications' dedupe keys). Waiting cases are left
    alone. Returns how many notifications were made."""
    now = now or timezone.now()
    since = now - ALERT_LOOKBACK
    first_open = Q(first_response_at__isnull=True)
    crossed = (
        (first_open & Q(first_response_risk_at__gt=since, first_response_risk_at__lte=now))
        | (first_open & Q(first_response_due_at__gt=since, first_response_due_at__lte=now))
        | Q(resolution_risk_at__gt=since, resolution_risk_at__lte=now)
        | Q(resolution_due_at__gt=since, resolution_due_at__lte=now)
    )
    cases = (
        Case.objects.filter(crossed, status__in=RUNNING, waiting_since__isnull=True)
        .select_related("assignee", "organisation__webcare_owner", "organisation__webcare_deputy")
        .order_by("id")
    )
    told = 0
    for case in cases:
        for target in case.targets(now):
            if target.state in (None, State.ON_TRACK):
                continue
            told += _alert(case, target, now)
    return told


# What the people responsible are told, per target and whether it is breached (a function: in their language).
_ALERTS = {
    ("first_response", False): lambda: _("Nearly late: the first response on %(case)s is due %(due)s."),
    ("first_response", True): lambda: _("Late: the first response on %(case)s was due %(due)s."),
    ("resolution", False): lambda: _("Nearly late: the solution of %(case)s is due %(due)s."),
    ("resolution", True): lambda: _("Late: the solution of %(case)s was due %(due)s."),
}


def _alert(case: Case, target: TargetShown, now: datetime) -> int:
    is_breached = target.state == State.BREACHED
    recipients = [case.assignee]
    if is_breached:
        recipients += [case.organisation.webcare_owner, case.organisation.webcare_deputy]
    people = {person.id: person for person in recipients if person is not None and person.is_active}
    kind = Notification.Kind.BREACHED if is_breached else Notification.Kind.AT_RISK
    state = "breached" if is_breached else "at_risk"
    key = f"case:{case.id}:{state}:{target.name}:{target.due_at.isoformat()}"
    told = set(Notification.objects.filter(recipient__in=people, dedupe_key=key).values_list("recipient", flat=True))
    zone = plan_of(case.organisation_id).schedule.zone
    made = 0
    for person in people.values():
        if person.id in told:
            continue
        with translation.override(person.language or settings.LANGUAGE_CODE), timezone.override(zone):
            values = {"case": case, "due": moment_phrase(target.due_at, now)}
            text = _ALERTS[(target.name, is_breached)]() % values
        notify(person, None, kind=kind, url=case.get_absolute_url(), text=text, dedupe_key=key)
        made += 1
    return made
