"""Handling a complaint from first mention to public close: the case services on the real database."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.utils import translation

from inbox.cases import learning as learning
from inbox.cases import replies as replies
from inbox.cases import selectors as case_selectors
from inbox.cases import services as case_services
from inbox.cases.models import Case, CaseEvent, Reply
from inbox.exceptions import CaseChanged, CaseNotFound, CaseRefused, TriageRefused
from inbox.notifications.models import Notification
from inbox.triage import services as triage_services
from monitoring.models import Mention
from tests.factories import MentionFactory
from tests.inbox.cases.conftest import FOUND_AT, SAID_AT, fresh, public_reply, resolve, status_events

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("in_english")]


# Opening -----------------------------------------------------------------------------------------------


def test_it_opens_a_case_from_a_mention_with_due_times_from_the_publication(case, mention, staff_member):
    assert case.status == Case.Status.OPEN
    assert case.reported_at == SAID_AT
    assert case.first_seen_at == FOUND_AT
    # Said on Monday at 10:00 in Amsterdam, inside the default opening hours (Monday to Friday 09:00-17:00): an
    # hour for an answer, and closing time on the second working day after Monday for a solution.
    assert case.first_response_due_at == SAID_AT + timedelta(hours=1)
    assert case.resolution_due_at == datetime(2025, 3, 5, 16, 0, tzinfo=UTC)
    assert case.complainant_name == "Karin de Vries"
    assert case.assignee == staff_member
    mention.refresh_from_db()
    assert mention.status == Mention.Status.IN_CASE
    opened = CaseEvent.objects.get(case=case)
    assert (opened.action, opened.actor) == ("opened", staff_member)


def test_it_gives_the_case_to_whoever_the_mention_was_assigned_to(source, staff_member, colleague):
    mention = MentionFactory(source=source, assignee=colleague)
    case = triage_services.case_open(actor=staff_member, mention_id=mention.id)
    assert case.assignee == colleague
    assert case.created_by == staff_member


def test_an_earlier_post_of_the_same_complaint_moves_the_clock_back(case, source, staff_member):
    earlier = MentionFactory(source=source, published_at=SAID_AT - timedelta(hours=3), fetched_at=FOUND_AT)
    triage_services.case_attach(actor=staff_member, mention_id=earlier.id, case_id=case.id)
    case = fresh(case)
    assert case.reported_at == SAID_AT - timedelta(hours=3)
    # The due times follow: first said at 07:00, before opening, it had four hours from 09:00 for an answer.
    assert case.first_response_due_at == datetime(2025, 3, 3, 12, 0, tzinfo=UTC)
    assert case.resolution_due_at == datetime(2025, 3, 5, 16, 0, tzinfo=UTC)


def test_a_closed_case_takes_no_new_mentions(case, source, staff_member):
    case.status = Case.Status.CLOSED
    case.save()
    other = MentionFactory(source=source)
    with pytest.raises(TriageRefused, match="closed or does not exist"):
        triage_services.case_attach(actor=staff_member, mention_id=other.id, case_id=case.id)


# Resolving and closing ---------------------------------------------------------------------------------


def test_a_satisfied_complainant_resolves_the_case(case, staff_member):
    case = resolve(staff_member, case)
    case = fresh(case)
    assert case.status == Case.Status.RESOLVED
    assert case.resolved_at is not None
    assert (case.satisfaction_asked, case.satisfaction) == (True, Case.Satisfaction.SATISFIED)
    assert case.resolution_kind == Case.ResolutionKind.APOLOGY


def test_a_complainant_who_is_not_satisfied_takes_it_back_to_private(case, staff_member):
    replies.reply_mark_posted(actor=staff_member, reply_id=public_reply(staff_member, case).id)
    resolve(staff_member, case, satisfaction=Case.Satisfaction.NOT_SATISFIED)
    case = fresh(case)
    assert case.status == Case.Status.PRIVATE
    assert case.resolved_at is None
    assert CaseEvent.objects.filter(case=case, action="not_satisfied", actor=staff_member).exists()


def test_not_satisfied_after_all_takes_a_resolved_case_out_of_resolved(case, staff_member):
    resolve(staff_member, case, satisfaction="")
    assert fresh(case).resolved_at is not None
    resolve(staff_member, case, satisfaction=Case.Satisfaction.NOT_SATISFIED)
    case = fresh(case)
    assert case.status == Case.Status.PRIVATE
    assert case.resolved_at is None


def test_asking_without_recording_the_answer_is_refused(case, staff_member):
    with pytest.raises(CaseRefused, match="answered"):
        case_services.case_resolve(
            actor=staff_member, case_id=case.id, version=case.version, kind="apology", agreed="",
            satisfaction_asked=True, satisfaction="",
        )  # fmt: skip
    assert fresh(case).status == Case.Status.OPEN


def test_closing_needs_the_public_follow_up_or_a_reason(case, staff_member):
    case = resolve(staff_member, case)
    with pytest.raises(CaseRefused, match="public follow-up"):
        case_services.case_close(actor=staff_member, case_id=case.id, version=case.version)
    assert fresh(case).status == Case.Status.RESOLVED

    case_services.case_close(
        actor=staff_member, case_id=case.id, version=case.version, followup_url="https://x.example/status/9"
    )
    case = fresh(case)
    assert case.status == Case.Status.CLOSED
    assert case.closed_at is not None
    assert case.public_followup_url == "https://x.example/status/9"


def test_a_reason_instead_of_a_public_follow_up_is_enough(case, staff_member):
    case = resolve(staff_member, case)
    case_services.case_close(
        actor=staff_member, case_id=case.id, version=case.version, skipped_because="Klager vroeg om geen reactie."
    )
    assert fresh(case).public_followup_skipped_because == "Klager vroeg om geen reactie."


def test_reopening_goes_on_in_private(case, staff_member):
    case = resolve(staff_member, case)
    case = case_services.case_close(
        actor=staff_member, case_id=case.id, version=case.version, skipped_because="Opgelost"
    )
    case_services.case_reopen(actor=staff_member, case_id=case.id, version=case.version)
    case = fresh(case)
    assert case.status == Case.Status.PRIVATE
    assert case.closed_at is None
    assert case.resolved_at is None  # it is no longer resolved; resolving again sets the new moment
    assert status_events(case)[-1] == ("sam-staff", "closed", "private")


@pytest.mark.parametrize(
    ("step", "message"),
    [
        ("close", "A case that is “Open” cannot become “Closed”"),
        ("reopen", "Only a resolved or closed case can be reopened"),
    ],
)
def test_steps_that_do_not_fit_the_status_are_refused(case, staff_member, step, message):
    before = CaseEvent.objects.count()
    steps = {
        "close": lambda: case_services.case_close(
            actor=staff_member, case_id=case.id, version=case.version, skipped_because="x"
        ),
        "reopen": lambda: case_services.case_reopen(actor=staff_member, case_id=case.id, version=case.version),
    }
    with pytest.raises(CaseRefused, match=message):
        steps[step]()
    case = fresh(case)
    assert (case.status, case.version, case.closed_at) == (Case.Status.OPEN, 0, None)
    assert CaseEvent.objects.count() == before


def test_a_private_case_cannot_move_private_again_nor_a_closed_one_be_resolved(case, staff_member):
    case = case_services.case_move_private(actor=staff_member, case_id=case.id, version=case.version)
    with pytest.raises(CaseRefused, match="“In private conversation” cannot become “In private conversation”"):
        case_services.case_move_private(actor=staff_member, case_id=case.id, version=case.version)
    case = resolve(staff_member, case)
    case = case_services.case_close(actor=staff_member, case_id=case.id, version=case.version, skipped_because="Klaar")
    with pytest.raises(CaseRefused, match="“Closed” cannot become “Resolved”"):
        resolve(staff_member, case)


def test_an_unknown_case_is_not_found(staff_member):
    with pytest.raises(CaseNotFound):
        case_services.case_move_private(actor=staff_member, case_id=987654, version=None)


def test_every_step_is_in_the_history_in_order(case, staff_member, manager):
    case_services.case_update(
        actor=staff_member, case_id=case.id, version=None, assessment=Case.Assessment.JUSTIFIED, priority="high"
    )
    replies.reply_mark_posted(actor=staff_member, reply_id=public_reply(staff_member, case).id)
    case_services.case_note_add(actor=manager, case_id=case.id, text="Goed opgepakt")
    case = fresh(case)
    case_services.case_move_private(actor=staff_member, case_id=case.id, version=case.version)
    case = resolve(staff_member, case)
    case_services.case_close(actor=manager, case_id=case.id, version=case.version, followup_url="https://x.example/9")

    view = case_selectors.case_detail(user=manager, case_id=case.id, language="nl")
    assert view is not None
    history = [(e.actor.username, e.action, e.from_value, e.to_value) for e in reversed(view.events)]
    assert history == [
        ("sam-staff", "opened", "", str(case.links.get().mention)),
        ("sam-staff", "set_assessment", "", "justified"),
        ("sam-staff", "set_priority", "normal", "high"),
        ("sam-staff", "reply_draft", "", "public"),
        ("sam-staff", "reply_posted", "", "public"),
        ("sam-staff", "status", "open", "acknowledged"),
        ("max-manager", "note", "", ""),
        ("sam-staff", "status", "acknowledged", "private"),
        ("sam-staff", "status", "private", "resolved"),
        ("sam-staff", "resolved", "", "apology"),
        ("sam-staff", "satisfaction", "", "satisfied"),
        ("max-manager", "status", "resolved", "closed"),
        ("max-manager", "closed", "", "https://x.example/9"),
    ]


def test_resolving_closing_and_reopening_each_leave_their_outcome_in_the_history(case, staff_member, manager):
    case = resolve(staff_member, case, satisfaction="")
    case = case_services.case_close(
        actor=manager, case_id=case.id, version=case.version, skipped_because="Ze wil het niet openbaar"
    )
    case_services.case_reopen(actor=staff_member, case_id=case.id, version=case.version)

    steps = [
        (e.actor.username, e.action, e.from_value, e.to_value, e.note)
        for e in CaseEvent.objects.filter(case=case).exclude(action__in=("opened", "status")).order_by("id")
    ]
    assert steps == [
        ("sam-staff", "resolved", "", "apology", "Excuses, en een gratis proefles."),
        ("sam-staff", "satisfaction", "", "not_asked", ""),
        ("max-manager", "closed", "", "", "Ze wil het niet openbaar"),
        ("sam-staff", "reopened", "closed", "", ""),
    ]


def test_the_outcome_steps_are_labelled_in_the_readers_language(case, staff_member, manager):

    case = resolve(staff_member, case, satisfaction=Case.Satisfaction.NO_ANSWER)
    case_services.case_close(actor=manager, case_id=case.id, version=case.version, followup_url="https://x.example/9")
    events = {e.action: e for e in CaseEvent.objects.filter(case=case)}
    with translation.override("en"):
        assert events["resolved"].action_label == "recorded the solution"
        assert events["resolved"].to_label == "Apology"
        assert events["satisfaction"].to_label == "No answer"
        assert events["closed"].action_label == "closed the case"
    with translation.override("nl"):
        assert events["resolved"].action_label == "legde de oplossing vast"
        assert events["resolved"].to_label == "Excuses"
        assert events["satisfaction"].action_label == "noteerde het antwoord van de klager"
        assert events["satisfaction"].to_label == "Geen antwoord"
        assert events["closed"].action_label == "sloot de zaak"


def test_the_history_names_people_and_scenarios_not_their_ids(case, staff_member, colleague, organisation):
    from inbox.playbook.models import Scenario

    scenario = Scenario.objects.create(organisation=organisation, title="Ongeluk", situation="s", prepared_answer="a")
    case_services.case_update(
        actor=staff_member, case_id=case.id, version=None, assignee_id=colleague.id, scenario_id=scenario.id
    )
    assigned = CaseEvent.objects.get(case=case, action="set_assignee")
    assert (assigned.from_label, assigned.to_label) == (str(staff_member), str(colleague))
    linked = CaseEvent.objects.get(case=case, action="set_scenario")
    assert (linked.from_label, linked.to_label) == ("", "Ongeluk")


def test_updating_only_what_changed_writes_one_row_per_field(case, staff_member):
    before = fresh(case).version
    case_services.case_update(actor=staff_member, case_id=case.id, version=None, title=case.title, tags="zwembad, les")
    case = fresh(case)
    assert case.tag_list == ["zwembad", "les"]
    assert list(CaseEvent.objects.filter(case=case).exclude(action="opened").values_list("action", flat=True)) == [
        "set_tags"
    ]
    assert case.version == before + 1
    with pytest.raises(CaseRefused, match="status"):
        case_services.case_update(actor=staff_member, case_id=case.id, version=None, status="closed")


# Two people at once, and who may close -----------------------------------------------------------------


def test_of_two_people_closing_the_same_case_one_wins_and_the_other_hears_who(case, staff_member, manager):
    case = resolve(staff_member, case)
    seen_version = case.version

    case_services.case_close(actor=manager, case_id=case.id, version=seen_version, followup_url="https://x.example/1")
    with pytest.raises(CaseChanged, match="max-manager changed this case meanwhile") as changed:
        case_services.case_close(actor=staff_member, case_id=case.id, version=seen_version, skipped_because="Klaar")

    assert "Nothing was changed" in str(changed.value)
    case = fresh(case)
    assert case.public_followup_url == "https://x.example/1"
    assert case.public_followup_skipped_because == ""
    assert [event for event in status_events(case) if event[2] == "closed"] == [("max-manager", "resolved", "closed")]


@pytest.mark.parametrize(("who", "may"), [("assignee", True), ("owner", True), ("deputy", True), ("manager", True),
                                          ("colleague", False), ("board", False)])  # fmt: skip
def test_only_the_handler_owner_deputy_or_a_manager_closes(
    request, case, staff_member, colleague, owner, deputy, manager, board_member, who, may
):
    people = {"assignee": staff_member, "owner": owner, "deputy": deputy, "manager": manager,
              "colleague": colleague, "board": board_member}  # fmt: skip
    case = resolve(staff_member, case)
    if may:
        case_services.case_close(actor=people[who], case_id=case.id, version=case.version, skipped_because="Klaar")
        assert fresh(case).status == Case.Status.CLOSED
    else:
        with pytest.raises(CaseRefused, match="Only the person handling this case"):
            case_services.case_close(actor=people[who], case_id=case.id, version=case.version, skipped_because="Klaar")
        assert fresh(case).status == Case.Status.RESOLVED


# Notes -------------------------------------------------------------------------------------------------


def test_a_note_tells_the_colleagues_it_names(case, staff_member, colleague, manager):
    text = "@kim-collega en @max-manager: kunnen jullie meekijken? @sam-staff @niemand"
    event = case_services.case_note_add(actor=staff_member, case_id=case.id, text=text)
    assert (event.action, event.note, event.actor) == ("note", text, staff_member)
    told = Notification.objects.filter(url=case.get_absolute_url()).order_by("recipient__username")
    assert [(n.recipient.username, n.actor) for n in told] == [
        ("kim-collega", staff_member),
        ("max-manager", staff_member),
    ]


def test_a_name_at_the_end_of_a_sentence_is_still_found(case, staff_member, colleague):
    case_services.case_note_add(actor=staff_member, case_id=case.id, text="Bel jij haar even, @kim-collega.")
    case_services.case_note_add(actor=staff_member, case_id=case.id, text="(vraag @kim-collega), of niet?")
    assert Notification.objects.filter(recipient=colleague).count() == 2


def test_an_email_address_in_a_note_tells_nobody(case, staff_member, colleague):
    case_services.case_note_add(actor=staff_member, case_id=case.id, text="Mail naar info@kim-collega.nl")
    assert not Notification.objects.exists()


def test_an_empty_note_is_refused(case, staff_member):
    with pytest.raises(CaseRefused):
        case_services.case_note_add(actor=staff_member, case_id=case.id, text="   ")


# Stored links ------------------------------------------------------------------------------------------

SCRIPT_LINKS = [
    "javascript:alert(1)",
    "JaVaScRiPt:alert(document.cookie)",
    "   javascript:alert(1)",
    "\n\t javascript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
]


@pytest.mark.parametrize("link", SCRIPT_LINKS)
def test_an_improvement_is_announced_only_at_a_web_address(case, staff_member, manager, link):
    improvement = learning.improvement_add(
        actor=staff_member, case_id=case.id, description="Rooster op de website", owner_id=manager.id
    )
    with pytest.raises(CaseRefused, match="web address"):
        learning.improvement_update(actor=manager, improvement_id=improvement.id, state="done", announced_url=link)
    improvement.refresh_from_db()
    assert (improvement.state, improvement.announced_url) == ("open", "")
    assert not CaseEvent.objects.filter(case=case, action="improvement_state").exists()


@pytest.mark.parametrize("link", SCRIPT_LINKS)
def test_a_reply_is_logged_only_with_a_web_address(case, staff_member, link):
    reply = public_reply(staff_member, case)
    with pytest.raises(CaseRefused, match="web address"):
        replies.reply_mark_posted(actor=staff_member, reply_id=reply.id, link=link)
    reply.refresh_from_db()
    assert (reply.state, reply.link) == (Reply.State.DRAFT, "")


@pytest.mark.parametrize("link", SCRIPT_LINKS)
def test_a_case_is_closed_only_with_a_web_address_for_its_follow_up(case, staff_member, link):
    case = resolve(staff_member, case)
    with pytest.raises(CaseRefused, match="web address"):
        case_services.case_close(actor=staff_member, case_id=case.id, version=case.version, followup_url=link)
    assert (fresh(case).status, fresh(case).public_followup_url) == (Case.Status.RESOLVED, "")


@pytest.mark.parametrize(
    "at",
    [datetime(1, 1, 1, tzinfo=UTC), datetime(1989, 12, 31, tzinfo=UTC), datetime(9999, 12, 31, 23, 59, tzinfo=UTC)],
)
def test_a_platform_time_outside_the_believable_range_is_refused(case, staff_member, at):
    reply = public_reply(staff_member, case)
    with pytest.raises(CaseRefused, match="between"):
        replies.reply_mark_posted(actor=staff_member, reply_id=reply.id, platform_posted_at=at)
    reply.refresh_from_db()
    assert (reply.state, reply.platform_posted_at) == (Reply.State.DRAFT, None)
    assert fresh(case).first_response_at is None
