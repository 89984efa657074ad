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
from inbox.cases.due import DUE_FIELDS, DURATION_FIELDS, case_due_set, case_durations_set, case_signals, wait_fold
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


def cases_due_refresh(*, organisation_id: int, after: int = 0) -> tuple[int, int | None]:
    """Work out again, after the organisation's opening hours or targets changed, one batch of its cases (those
    with an id after ``after``, locked and saved in one go): the due times of those whose targets still run, and
    how long the first response and the resolution took for all. Returns how many changed, and the id to go on
    after (None: that was the last batch)."""
    plan = plan_of(organisation_id)
    # Migrations 0005 and 0006 run this on the table as it was then: columns added later are left unread.
    cases = Case.objects.filter(organisation_id=organisation_id, id__gt=after).defer("anonymised_at", "marks")
    cases = cases.order_by("id")
    with transaction.atomic():
        batch = list(cases.select_for_update(of=("self",))[:REFRESH_BATCH])
        signals = case_signals(case.id for case in batch if case.status in RUNNING)
        moved = []
        for case in batch:
            changed = case_durations_set(case, plan=plan)
            if case.status in RUNNING:
                changed += case_due_set(case, plan=plan, signals=signals.get(case.id, ("", ())))
            if changed:
                moved.append(case)
        Case.objects.bulk_update(moved, [*DUE_FIELDS, *DURATION_FIELDS])
    return len(moved), batch[-1].id if len(batch) == REFRESH_BATCH else None


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
    alerts = [
        _Alert(case, target, now)
        for case in cases
        for target in case.targets(now)
        if target.state in (State.AT_RISK, State.BREACHED)
    ]
    # Who was told already, for all of them at once: a run every five minutes mostly finds nothing new.
    keys = {alert.key for alert in alerts}
    told = set(Notification.objects.filter(dedupe_key__in=keys).values_list("recipient_id", "dedupe_key"))
    made = 0
    for alert in alerts:
        for person in alert.people():
            if (person.id, alert.key) not in told:
                alert.tell(person)
                made += 1
    return made


# What the people responsible are told, per target and whether it is breached (a function: in their language).
_ALERTS = {
    ("first_response", False): lambda: _("Nearly late: the first response on %(case)s is due %(due)s."),
    ("first_response", True): lambda: _("Late: the first response on %(case)s was due %(due)s."),
    ("resolution", False): lambda: _("Nearly late: the solution of %(case)s is due %(due)s."),
    ("resolution", True): lambda: _("Late: the solution of %(case)s was due %(due)s."),
}


class _Alert:
    """One target of one case that is at risk or breached, and who hears of it."""

    def __init__(self, case: Case, target: TargetShown, now: datetime) -> None:
        self.case, self.target, self.now = case, target, now
        self.is_breached = target.state == State.BREACHED
        state = "breached" if self.is_breached else "at_risk"
        # Once per target and due time: a due time that moves on (a wait, new targets) may be told again.
        self.key = f"case:{case.id}:{state}:{target.name}:{target.due_at.isoformat()}"

    def people(self) -> list[User]:
        """At risk: whoever handles the case; breached: the webcare owner and the deputy too. Active people only."""
        found = [self.case.assignee]
        if self.is_breached:
            found += [self.case.organisation.webcare_owner, self.case.organisation.webcare_deputy]
        return list({person.id: person for person in found if person is not None and person.is_active}.values())

    def tell(self, person: User) -> None:
        """A notification in ``person``'s language, with the due time in the organisation's time zone."""
        zone = plan_of(self.case.organisation_id).schedule.zone
        with translation.override(person.language or settings.LANGUAGE_CODE), timezone.override(zone):
            values = {"case": self.case, "due": moment_phrase(self.target.due_at, self.now)}
            text = _ALERTS[(self.target.name, self.is_breached)]() % values
        kind = Notification.Kind.BREACHED if self.is_breached else Notification.Kind.AT_RISK
        notify(person, None, kind=kind, url=self.case.get_absolute_url(), text=text, dedupe_key=self.key)
