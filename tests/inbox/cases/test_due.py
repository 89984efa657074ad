"""A case's targets: due times from the organisation's opening hours, its state at the right moments across a
weekend, a holiday and the clock change, waiting on the complainant, due times worked out again when the targets
change, and the people responsible told once when a target is at risk or breached."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from inbox.cases import clock as case_clock
from inbox.cases import replies
from inbox.cases import services as case_services
from inbox.cases.models import Case, CaseEvent
from inbox.exceptions import CaseRefused
from inbox.notifications.models import Notification
from inbox.targets import clock, rules
from inbox.targets import services as target_services
from inbox.targets.clock import State
from inbox.targets.selectors import plan_of
from inbox.triage import services as triage_services
from monitoring.models import Mention
from tests.factories import MentionFactory, UserFactory
from tests.inbox.cases.conftest import fresh, page, public_reply, resolve

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("in_english")]

AMS = ZoneInfo("Europe/Amsterdam")


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=AMS)


def complaint(source, published: str, **fields) -> Mention:
    moment = at(published)
    return MentionFactory(
        source=source, category=Mention.Category.COMPLAINT, published_at=moment, fetched_at=moment, **fields
    )


def opened(staff_member, mention: Mention) -> Case:
    with time_machine.travel(mention.published_at + timedelta(minutes=1), tick=False):
        return triage_services.case_open(actor=staff_member, mention_id=mention.id)


def state_at(case: Case, moment: str) -> State | None:
    target = fresh(case).next_target(at(moment))
    return target.state if target else None


# Due times and states ----------------------------------------------------------------------------------


def test_over_a_weekend_the_friday_afternoon_complaint_is_due_on_monday_morning(source, staff_member):
    # The defaults: Monday to Friday 09:00-17:00. Thirty minutes on Friday, thirty on Monday.
    case = opened(staff_member, complaint(source, "2026-03-06 16:30"))
    assert case.first_response_due_at == at("2026-03-10 09:30") - timedelta(days=1)  # Monday 9 March
    assert case.first_response_risk_at == at("2026-03-09 09:15")
    assert case.resolution_due_at == at("2026-03-10 17:00")  # closing time on Tuesday, the second working day
    assert state_at(case, "2026-03-07 12:00") == State.ON_TRACK  # Saturday: nothing counts
    assert state_at(case, "2026-03-09 09:14") == State.ON_TRACK
    assert state_at(case, "2026-03-09 09:15") == State.AT_RISK
    assert state_at(case, "2026-03-09 09:30") == State.BREACHED


def test_kings_day_is_skipped(source, staff_member):
    # Monday 27 April 2026 is King's Day: a Friday afternoon complaint is due on Tuesday.
    case = opened(staff_member, complaint(source, "2026-04-24 16:30"))
    assert case.first_response_due_at == at("2026-04-28 09:30")
    assert state_at(case, "2026-04-27 12:00") == State.ON_TRACK
    assert state_at(case, "2026-04-28 09:20") == State.AT_RISK
    assert state_at(case, "2026-04-28 09:31") == State.BREACHED


def test_across_the_spring_clock_change_an_hour_is_an_hour(source, staff_member):
    # Sunday 29 March 2026 the clocks go forward: Friday 16:30 winter time, Monday 09:30 summer time.
    case = opened(staff_member, complaint(source, "2026-03-27 16:30"))
    assert case.first_response_due_at == at("2026-03-30 09:30")
    assert case.first_response_due_at - at("2026-03-27 16:30") == timedelta(days=2, hours=16)  # one hour less
    assert state_at(case, "2026-03-30 09:15") == State.AT_RISK


def test_the_stored_moments_agree_with_the_arithmetic(source, staff_member, organisation):
    case = opened(staff_member, complaint(source, "2026-03-06 16:30"))
    schedule = plan_of(organisation.id).schedule
    for moment in ("2026-03-06 16:40", "2026-03-09 09:10", "2026-03-09 09:16", "2026-03-09 10:00"):
        expected = clock.progress(schedule, case.reported_at, case.first_response_due_at, at(moment)).state
        assert state_at(case, moment) == expected, moment


def test_the_club_answers_a_friday_evening_complaint_on_saturday_morning(source, staff_member, organisation):
    target_services.targets_defaults_set(
        organisation=organisation,
        blocks=[*((day, time(18), time(22)) for day in range(5)), (5, time(8), time(14))],
    )
    case = opened(staff_member, complaint(source, "2026-03-06 21:55"))
    assert case.first_response_due_at == at("2026-03-07 08:55")


def test_a_flag_with_a_stricter_target_counts(source, staff_member, board_member, organisation):
    target_services.target_override_add(
        actor=board_member,
        organisation=organisation,
        kind="flag",
        value="threat",
        first_response_minutes=15,
        resolution_days=1,
    )
    case = opened(staff_member, complaint(source, "2026-03-09 10:00", flags=["threat"]))
    assert case.first_response_due_at == at("2026-03-09 10:15")
    assert case.resolution_due_at == at("2026-03-10 17:00")


def test_an_urgent_priority_with_its_own_target_moves_the_due_time(source, staff_member, board_member, organisation):
    target_services.target_override_add(
        actor=board_member,
        organisation=organisation,
        kind="priority",
        value="urgent",
        first_response_minutes=30,
        resolution_days=None,
    )
    case = opened(staff_member, complaint(source, "2026-03-09 10:00"))
    assert case.first_response_due_at == at("2026-03-09 11:00")
    case = case_services.case_update(actor=staff_member, case_id=case.id, version=case.version, priority="urgent")
    assert fresh(case).first_response_due_at == at("2026-03-09 10:30")


# Waiting on the complainant ------------------------------------------------------------------------------


def test_waiting_stops_the_clock_and_resuming_moves_the_due_times_by_the_open_time_it_took(source, staff_member):
    case = opened(staff_member, complaint(source, "2026-03-09 10:00"))  # a Monday
    assert (case.first_response_due_at, case.resolution_due_at) == (at("2026-03-09 11:00"), at("2026-03-11 17:00"))
    with time_machine.travel(at("2026-03-09 10:30"), tick=False):
        case = case_clock.case_wait(actor=staff_member, case_id=case.id, version=fresh(case).version)
    # Waiting all afternoon: still on track, as it stood when the wait began.
    assert state_at(case, "2026-03-09 16:00") == State.ON_TRACK
    with time_machine.travel(at("2026-03-10 10:00"), tick=False):
        case = case_clock.case_resume(actor=staff_member, case_id=case.id, version=fresh(case).version)
    case = fresh(case)
    # 10:30-17:00 on Monday and 09:00-10:00 on Tuesday: seven and a half open hours.
    assert case.waited == timedelta(hours=7, minutes=30)
    # Half an hour of its hour was left when the wait began: due half an hour after it resumed.
    assert case.first_response_due_at == at("2026-03-10 10:30")
    assert case.resolution_due_at == at("2026-03-12 16:30")
    assert not case.is_waiting
    assert state_at(case, "2026-03-10 10:14") == State.ON_TRACK
    assert state_at(case, "2026-03-10 10:15") == State.AT_RISK  # 45 of its 60 minutes used
    actions = list(CaseEvent.objects.filter(case=case).values_list("action", flat=True))
    assert "waiting" in actions
    assert "resumed" in actions


def test_the_case_page_shows_the_pause_and_the_state_in_words(source, staff_member, client_for):
    staff_member.language = "en"
    staff_member.save()
    case = opened(staff_member, complaint(source, "2026-03-09 10:00"))
    client = client_for(staff_member)
    with time_machine.travel(at("2026-03-09 10:50"), tick=False):
        text = page(client, case)
        assert "Nearly late" in text
        response = client.post(reverse("inbox:case-wait", args=[case.id]), {"version": fresh(case).version})
        assert response.status_code == 302
        text = page(client, case)
    assert "Waiting on the complainant since Mon 10:50; the clock stands still." in text
    assert reverse("inbox:case-resume", args=[case.id]) in text


def test_waiting_is_a_post_with_a_csrf_token(source, staff_member):
    case = opened(staff_member, complaint(source, "2026-03-09 10:00"))
    client = Client(enforce_csrf_checks=True)
    client.force_login(staff_member)
    assert client.post(reverse("inbox:case-wait", args=[case.id]), {"version": case.version}).status_code == 403
    assert client.get(reverse("inbox:case-wait", args=[case.id])).status_code == 405
    assert not fresh(case).is_waiting


def test_a_case_that_does_not_wait_cannot_resume_and_one_cannot_wait_twice(source, staff_member):
    case = opened(staff_member, complaint(source, "2026-03-09 10:00"))
    with pytest.raises(CaseRefused, match="does not wait"):
        case_clock.case_resume(actor=staff_member, case_id=case.id, version=None)
    case_clock.case_wait(actor=staff_member, case_id=case.id, version=None)
    with pytest.raises(CaseRefused, match="already"):
        case_clock.case_wait(actor=staff_member, case_id=case.id, version=None)


def test_resolving_a_waiting_case_ends_the_wait(source, staff_member):
    case = opened(staff_member, complaint(source, "2026-03-09 10:00"))
    case_clock.case_wait(actor=staff_member, case_id=case.id, version=None)
    resolve(staff_member, case)
    case = fresh(case)
    assert case.status == Case.Status.RESOLVED
    assert not case.is_waiting
    with pytest.raises(CaseRefused, match="resolved or closed"):
        case_clock.case_wait(actor=staff_member, case_id=case.id, version=None)


# The targets change ------------------------------------------------------------------------------------


def test_changing_the_targets_works_out_the_running_cases_again_once_committed(
    source, staff_member, board_member, organisation, django_capture_on_commit_callbacks, eager_tasks
):
    running = opened(staff_member, complaint(source, "2026-03-09 10:00"))
    done = opened(staff_member, complaint(source, "2026-03-09 10:05"))
    resolve(staff_member, done)
    done_due = fresh(done).first_response_due_at
    with django_capture_on_commit_callbacks(execute=True):
        target_services.targets_set(
            actor=board_member,
            organisation=organisation,
            time_zone="Europe/Amsterdam",
            counts_clock_hours=False,
            first_response_open_minutes=30,
            first_response_closed_minutes=240,
            resolution_days=1,
        )
    running = fresh(running)
    assert running.first_response_due_at == at("2026-03-09 10:30")
    assert running.resolution_due_at == at("2026-03-10 17:00")
    assert fresh(done).first_response_due_at == done_due  # a resolved case keeps its own


def test_working_out_again_goes_in_batches_each_a_task_of_its_own(
    source, staff_member, board_member, organisation, monkeypatch, eager_tasks
):
    from inbox.cases.tasks import cases_due_refresh

    monkeypatch.setattr(case_clock, "REFRESH_BATCH", 2)
    cases = [opened(staff_member, complaint(source, f"2026-03-09 10:0{n}")) for n in range(5)]
    target_services.target_override_add(
        actor=board_member,
        organisation=organisation,
        kind="category",
        value="complaint",
        first_response_minutes=20,
        resolution_days=None,
    )
    assert case_clock.cases_due_refresh(organisation_id=organisation.id) == (2, cases[1].id)
    cases_due_refresh.delay(organisation.id)  # the rest, a batch at a time
    assert [fresh(case).first_response_due_at for case in cases] == [at(f"2026-03-09 10:2{n}") for n in range(5)]
    assert case_clock.cases_due_refresh(organisation_id=organisation.id) == (0, cases[1].id)


# Telling the people responsible -------------------------------------------------------------------------


@pytest.fixture
def appointed(organisation):
    owner = UserFactory(username="olga-owner", role="staff")
    deputy = UserFactory(username="dirk-deputy", role="manager")
    organisation.webcare_owner, organisation.webcare_deputy = owner, deputy
    organisation.save()
    return owner, deputy


def told(kind: str) -> list[tuple[str, str]]:
    rows = Notification.objects.filter(kind=kind).order_by("recipient__username")
    return [(row.recipient.username, row.url) for row in rows]


def test_at_risk_tells_the_handler_and_breached_the_owner_and_deputy_too_each_once(
    source, staff_member, appointed, colleague
):
    colleague.language = "en"
    colleague.save()
    mention = complaint(source, "2026-03-09 10:00", assignee=colleague)
    case = opened(staff_member, mention)
    url = reverse("inbox:case-detail", args=[case.id])
    assert case_clock.cases_targets_alert(now=at("2026-03-09 10:40")) == 0
    assert case_clock.cases_targets_alert(now=at("2026-03-09 10:46")) == 1
    assert told(Notification.Kind.AT_RISK) == [("kim-collega", url)]
    assert case_clock.cases_targets_alert(now=at("2026-03-09 10:50")) == 0  # told once
    assert case_clock.cases_targets_alert(now=at("2026-03-09 11:01")) == 3
    assert told(Notification.Kind.BREACHED) == [("dirk-deputy", url), ("kim-collega", url), ("olga-owner", url)]
    assert case_clock.cases_targets_alert(now=at("2026-03-09 11:06")) == 0  # a rerun tells nobody twice
    assert Notification.objects.filter(kind=Notification.Kind.BREACHED).count() == 3
    text = Notification.objects.get(kind=Notification.Kind.AT_RISK).text
    assert text == f"Nearly late: the first response on {case} is due Mon 11:00."


def test_a_waiting_case_or_an_answered_one_is_not_told_about(source, staff_member, appointed):
    waiting = opened(staff_member, complaint(source, "2026-03-09 10:00"))
    case_clock.case_wait(actor=staff_member, case_id=waiting.id, version=None)
    answered = opened(staff_member, complaint(source, "2026-03-09 10:00"))
    Case.objects.filter(id=answered.id).update(first_response_at=at("2026-03-09 10:20"))
    assert case_clock.cases_targets_alert(now=at("2026-03-09 11:05")) == 0


def test_the_beat_runs_the_alert_every_five_minutes(settings):
    schedule = settings.CELERY_BEAT_SCHEDULE["alert-case-targets"]
    assert schedule == {"task": "inbox.tasks.cases_targets_alert", "schedule": 300}


def test_the_plan_in_the_cache_is_forgotten_when_the_targets_change(board_member, organisation):
    assert plan_of(organisation.id).is_default
    target_services.closed_day_add(actor=board_member, organisation=organisation, day=at("2026-03-10 00:00").date())
    plan = plan_of(organisation.id)
    assert not plan.is_default
    assert clock.is_closed(plan.schedule, at("2026-03-10 00:00").date())
    assert isinstance(plan, rules.Plan)


# How long it took -----------------------------------------------------------------------------------------


def test_how_long_the_answer_took_counts_opening_hours_and_follows_a_change_to_the_targets(
    source, staff_member, board_member, organisation, django_capture_on_commit_callbacks, eager_tasks
):
    # The defaults: Monday to Friday 09:00-17:00. Said on Friday at 16:30, answered on Monday at 09:45.
    case = opened(staff_member, complaint(source, "2026-03-06 16:30"))
    assert (fresh(case).first_response_took, fresh(case).resolution_took) == (None, None)
    with time_machine.travel(at("2026-03-09 09:45"), tick=False):
        replies.reply_mark_posted(actor=staff_member, reply_id=public_reply(staff_member, case).id)
    assert fresh(case).first_response_took == timedelta(minutes=75)  # 30 on Friday, 45 on Monday
    with time_machine.travel(at("2026-03-09 16:30"), tick=False):
        resolve(staff_member, case)
    assert fresh(case).resolution_took == timedelta(hours=8)

    with django_capture_on_commit_callbacks(execute=True):
        target_services.targets_set(
            actor=board_member,
            organisation=organisation,
            time_zone="Europe/Amsterdam",
            counts_clock_hours=True,
            first_response_open_minutes=60,
            first_response_closed_minutes=240,
            resolution_days=2,
        )
    case = fresh(case)
    assert case.first_response_took == timedelta(days=2, hours=17, minutes=15)
    assert case.resolution_took == timedelta(days=3)


def test_the_time_a_case_waited_on_the_complainant_does_not_count_in_how_long_it_took(source, staff_member):
    case = opened(staff_member, complaint(source, "2026-03-09 10:00"))
    with time_machine.travel(at("2026-03-09 11:00"), tick=False):
        case_clock.case_wait(actor=staff_member, case_id=case.id, version=None)
    with time_machine.travel(at("2026-03-09 14:00"), tick=False):
        case_clock.case_resume(actor=staff_member, case_id=case.id, version=None)
    with time_machine.travel(at("2026-03-09 15:00"), tick=False):
        resolve(staff_member, case)
    assert fresh(case).resolution_took == timedelta(hours=2)
