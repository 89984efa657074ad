"""Triage writes: each change is one audited event, stale screens never overwrite, bulk changes undo as one."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from inbox.cases.models import Case, CaseMention
from inbox.cases.services import case_note_add
from inbox.exceptions import MentionChanged, MentionNotFound, NothingToUndo, TriageRefused
from inbox.triage.models import MentionEvent
from inbox.triage.services import (
    BULK_LIMIT,
    batch_undo,
    case_attach,
    case_open,
    mention_assign,
    mention_categorise,
    mention_ignore,
    mention_note_add,
    mention_restore,
    mentions_bulk_triage,
)
from monitoring.models import Mention
from tests.factories import MentionFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def mention(source) -> Mention:
    return MentionFactory(source=source, suggested_category="complaint")


def events(mention: Mention) -> list[MentionEvent]:
    return list(MentionEvent.objects.filter(mention=mention).order_by("id"))


# One change, one event -------------------------------------------------------------------------------


def test_categorising_a_new_mention_triages_it_with_one_event(staff_member, mention):
    mention_categorise(actor=staff_member, mention_id=mention.id, category="question", version=0)

    mention.refresh_from_db()
    assert (mention.status, mention.category, mention.version) == ("triaged", "question", 1)
    [event] = events(mention)
    assert (event.actor, event.action, event.from_value, event.to_value) == (staff_member, "categorise", "", "question")
    assert event.version == 1


def test_categorising_keeps_an_ignored_mention_ignored(staff_member, source):
    mention = MentionFactory(source=source, status="ignored", ignore_reason="spam")
    mention_categorise(actor=staff_member, mention_id=mention.id, category="praise")
    mention.refresh_from_db()
    assert (mention.status, mention.category) == ("ignored", "praise")


def test_an_unknown_category_is_refused(staff_member, mention):
    with pytest.raises(TriageRefused):
        mention_categorise(actor=staff_member, mention_id=mention.id, category="rant")
    assert events(mention) == []


def test_ignoring_keeps_the_mention_with_its_reason(staff_member, mention):
    mention_ignore(actor=staff_member, mention_id=mention.id, reason="spam", version=0)

    mention.refresh_from_db()
    assert (mention.status, mention.ignore_reason) == ("ignored", "spam")
    [event] = events(mention)
    assert (event.actor, event.action, event.from_value, event.to_value) == (staff_member, "ignore", "new", "spam")


@pytest.mark.parametrize("reason", ["", "boring", "SPAM"])
def test_ignoring_needs_a_valid_reason(staff_member, mention, reason):
    with pytest.raises(TriageRefused):
        mention_ignore(actor=staff_member, mention_id=mention.id, reason=reason)
    mention.refresh_from_db()
    assert mention.status == "new"
    assert events(mention) == []


def test_restoring_brings_an_ignored_mention_back_as_triaged(staff_member, mention):
    mention_ignore(actor=staff_member, mention_id=mention.id, reason="duplicate")
    mention_restore(actor=staff_member, mention_id=mention.id, version=1)

    mention.refresh_from_db()
    assert (mention.status, mention.ignore_reason, mention.version) == ("triaged", "", 2)
    assert [(e.action, e.from_value, e.to_value) for e in events(mention)] == [
        ("ignore", "new", "duplicate"),
        ("restore", "ignored", ""),
    ]


def test_restoring_a_mention_that_is_not_ignored_changes_nothing(staff_member, mention):
    mention_restore(actor=staff_member, mention_id=mention.id)
    mention.refresh_from_db()
    assert (mention.status, mention.version) == ("new", 0)
    assert events(mention) == []


@pytest.mark.parametrize("role", ["staff", "manager"])
def test_it_assigns_to_staff_and_managers(staff_member, mention, role):
    person = UserFactory(role=role)
    mention_assign(actor=staff_member, mention_id=mention.id, assignee_id=person.id)

    mention.refresh_from_db()
    assert (mention.assignee, mention.status) == (person, "triaged")
    [event] = events(mention)
    assert (event.action, event.from_value, event.to_value) == ("assign", "", str(person))


@pytest.mark.parametrize("who", ["board_member", "no_role_user", "nobody"])
def test_it_refuses_to_assign_to_people_who_cannot_triage(request, staff_member, mention, who):
    assignee_id = 999_999 if who == "nobody" else request.getfixturevalue(who).id
    with pytest.raises(TriageRefused):
        mention_assign(actor=staff_member, mention_id=mention.id, assignee_id=assignee_id)
    mention.refresh_from_db()
    assert mention.assignee is None
    assert events(mention) == []


def test_unassigning_shows_who_had_it(staff_member, manager, mention):
    mention_assign(actor=staff_member, mention_id=mention.id, assignee_id=manager.id)
    mention_assign(actor=staff_member, mention_id=mention.id, assignee_id=None)
    mention.refresh_from_db()
    assert mention.assignee is None
    assert [(e.from_value, e.to_value) for e in events(mention)] == [("", str(manager)), (str(manager), "")]


def test_a_note_is_an_event_that_changes_nothing_else(staff_member, mention):
    mention_note_add(actor=staff_member, mention_id=mention.id, text="  Gebeld, komt goed.  ")
    mention.refresh_from_db()
    assert (mention.status, mention.version) == ("new", 0)
    [event] = events(mention)
    assert (event.actor, event.action, event.note) == (staff_member, "note", "Gebeld, komt goed.")


def test_a_note_on_a_mention_tells_the_colleagues_it_names(staff_member, manager, board_member, mention):
    from inbox.notifications.models import Notification

    UserFactory(username="oud-lid", role="staff", is_active=False)
    text = "@max-manager en @bea-board, kijken jullie mee? @sam-staff @oud-lid @niemand, mail info@max-manager.nl"
    mention_note_add(actor=staff_member, mention_id=mention.id, text=text)
    told = Notification.objects.order_by("recipient__username")
    page = reverse("inbox:mention-detail", args=[mention.id])
    assert [(n.recipient, n.actor, n.kind, n.url) for n in told] == [
        (board_member, staff_member, "named", page),
        (manager, staff_member, "named", page),
    ]
    assert str(mention)[:40] in told[0].text


def test_a_note_on_a_mention_and_on_a_case_find_names_alike(staff_member, manager, mention, source):
    """One piece of code reads @names in both kinds of note: the same text tells the same people."""
    from inbox.notifications.models import Notification

    case = case_open(actor=staff_member, mention_id=MentionFactory(source=source).id)
    text = "Bel jij haar even, @max-manager."
    mention_note_add(actor=staff_member, mention_id=mention.id, text=text)
    case_note_add(actor=staff_member, case_id=case.id, text=text)
    assert set(Notification.objects.values_list("recipient__username", "url")) == {
        ("max-manager", reverse("inbox:mention-detail", args=[mention.id])),
        ("max-manager", reverse("inbox:case-detail", args=[case.id])),
    }


@pytest.mark.parametrize("text", ["", "   ", "x" * 5001])
def test_an_empty_or_endless_note_is_refused(staff_member, mention, text):
    with pytest.raises(TriageRefused):
        mention_note_add(actor=staff_member, mention_id=mention.id, text=text)
    assert events(mention) == []


def test_a_mention_one_may_not_see_is_not_found(no_role_user, mention):
    with pytest.raises(MentionNotFound):
        mention_categorise(actor=no_role_user, mention_id=mention.id, category="praise")
    with pytest.raises(MentionNotFound):
        mention_note_add(actor=no_role_user, mention_id=mention.id, text="hallo")
    assert events(mention) == []


# Cases -----------------------------------------------------------------------------------------------


def test_opening_a_case_puts_the_mention_in_it(staff_member, manager, mention):
    mention_assign(actor=staff_member, mention_id=mention.id, assignee_id=manager.id)
    case = case_open(actor=staff_member, mention_id=mention.id, title="Koud water", version=1)

    mention.refresh_from_db()
    assert mention.status == "in_case"
    assert (case.title, case.assignee, case.created_by, case.status) == ("Koud water", manager, staff_member, "open")
    assert CaseMention.objects.get(mention=mention).case == case
    assert events(mention)[-1].action == "case_open"


def test_a_case_without_a_title_is_named_after_the_mention(staff_member, mention):
    case = case_open(actor=staff_member, mention_id=mention.id)
    assert case.title == mention.title
    assert case.assignee == staff_member


def test_opening_a_case_for_an_ignored_mention_drops_the_ignore_reason(staff_member, mention):
    mention_ignore(actor=staff_member, mention_id=mention.id, reason="no_action")
    case_open(actor=staff_member, mention_id=mention.id)
    mention.refresh_from_db()
    assert (mention.status, mention.ignore_reason) == ("in_case", "")


def test_attaching_to_an_open_case(staff_member, source, mention):
    case = case_open(actor=staff_member, mention_id=MentionFactory(source=source).id)
    case_attach(actor=staff_member, mention_id=mention.id, case_id=case.id, version=0)
    mention.refresh_from_db()
    assert mention.status == "in_case"
    assert set(case.links.values_list("mention_id", flat=True)) == {mention.id, case.links.first().mention_id}
    assert case.links.count() == 2
    assert events(mention)[-1].action == "case_attach"


def test_a_closed_or_unknown_case_takes_no_mentions(staff_member, source, mention):
    case = case_open(actor=staff_member, mention_id=MentionFactory(source=source).id)
    Case.objects.filter(id=case.id).update(status="closed")
    for case_id in (case.id, 999_999):
        with pytest.raises(TriageRefused):
            case_attach(actor=staff_member, mention_id=mention.id, case_id=case_id)
    mention.refresh_from_db()
    assert mention.status == "new"


def test_a_mention_is_in_one_case_at_most(staff_member, source, mention):
    case_open(actor=staff_member, mention_id=mention.id)
    other = case_open(actor=staff_member, mention_id=MentionFactory(source=source).id)
    with pytest.raises(TriageRefused):
        case_open(actor=staff_member, mention_id=mention.id)
    with pytest.raises(TriageRefused):
        case_attach(actor=staff_member, mention_id=mention.id, case_id=other.id)
    assert Case.objects.count() == 2


def test_a_mention_in_a_case_cannot_be_ignored(staff_member, mention):
    case_open(actor=staff_member, mention_id=mention.id)
    with pytest.raises(TriageRefused) as raised:
        mention_ignore(actor=staff_member, mention_id=mention.id, reason="spam")
    assert str(raised.value) == gettext("This mention is part of a case: handle it there.")
    mention.refresh_from_db()
    assert (mention.status, mention.ignore_reason) == ("in_case", "")


# Stale screens ---------------------------------------------------------------------------------------


def test_a_stale_screen_names_the_colleague_and_overwrites_nothing(staff_member, manager, mention):
    seen_version = mention.version
    mention_categorise(actor=manager, mention_id=mention.id, category="praise", version=seen_version)

    with pytest.raises(MentionChanged) as raised:
        mention_ignore(actor=staff_member, mention_id=mention.id, reason="spam", version=seen_version)

    assert raised.value.by == str(manager)
    assert str(manager) in str(raised.value)
    mention.refresh_from_db()
    assert (mention.status, mention.category, mention.ignore_reason, mention.version) == ("triaged", "praise", "", 1)
    assert [e.actor for e in events(mention)] == [manager]


def test_a_note_does_not_make_a_screen_stale(staff_member, manager, mention):
    mention_note_add(actor=manager, mention_id=mention.id, text="Ik bel even")
    mention_categorise(actor=staff_member, mention_id=mention.id, category="question", version=0)
    mention.refresh_from_db()
    assert mention.category == "question"


def test_sending_the_same_form_twice_makes_one_change(staff_member, mention):
    mention_ignore(actor=staff_member, mention_id=mention.id, reason="spam", version=0)
    with pytest.raises(MentionChanged):
        mention_ignore(actor=staff_member, mention_id=mention.id, reason="spam", version=0)
    # Without a version (a script, a retried request) the same change again is nothing new.
    mention_ignore(actor=staff_member, mention_id=mention.id, reason="spam")
    mention_categorise(actor=staff_member, mention_id=mention.id, category="praise")
    mention_categorise(actor=staff_member, mention_id=mention.id, category="praise")
    assert [e.action for e in events(mention)] == ["ignore", "categorise"]


def test_a_stale_case_form_opens_no_case(staff_member, manager, mention):
    mention_ignore(actor=manager, mention_id=mention.id, reason="spam", version=0)
    with pytest.raises(MentionChanged):
        case_open(actor=staff_member, mention_id=mention.id, version=0)
    assert Case.objects.count() == 0


# Bulk and undo ---------------------------------------------------------------------------------------


def test_bulk_ignore_changes_what_it_can_and_counts_the_rest(staff_member, source):
    new = MentionFactory(source=source)
    triaged = MentionFactory(source=source, status="triaged", category="praise")
    already = MentionFactory(source=source, status="ignored", ignore_reason="spam")
    in_case = MentionFactory(source=source)
    case_open(actor=staff_member, mention_id=in_case.id)
    selection = [new.id, triaged.id, already.id, in_case.id]

    outcome = mentions_bulk_triage(actor=staff_member, mention_ids=selection, action="ignore", value="spam")

    assert (outcome.changed, outcome.skipped) == (2, 2)
    statuses = dict(Mention.objects.filter(id__in=selection).values_list("id", "status"))
    assert statuses == {new.id: "ignored", triaged.id: "ignored", already.id: "ignored", in_case.id: "in_case"}
    batch = MentionEvent.objects.filter(batch=outcome.batch)
    assert sorted(batch.values_list("mention_id", flat=True)) == sorted([new.id, triaged.id])
    assert Mention.objects.count() == 4


def test_bulk_ignore_needs_a_reason_and_then_changes_nothing(staff_member, source):
    mentions = MentionFactory.create_batch(3, source=source)
    with pytest.raises(TriageRefused):
        mentions_bulk_triage(actor=staff_member, mention_ids=[m.id for m in mentions], action="ignore", value="")
    assert set(Mention.objects.values_list("status", flat=True)) == {"new"}
    assert MentionEvent.objects.count() == 0


def test_bulk_refuses_unknown_actions_and_too_many(staff_member, source):
    mention = MentionFactory(source=source)
    with pytest.raises(TriageRefused):
        mentions_bulk_triage(actor=staff_member, mention_ids=[mention.id], action="delete", value="")
    with pytest.raises(TriageRefused):
        mentions_bulk_triage(
            actor=staff_member, mention_ids=list(range(1, BULK_LIMIT + 2)), action="categorise", value="praise"
        )
    assert MentionEvent.objects.count() == 0


def test_bulk_assign_and_categorise(staff_member, manager, source):
    mentions = MentionFactory.create_batch(2, source=source)
    selection = [m.id for m in mentions]
    assigned = mentions_bulk_triage(actor=staff_member, mention_ids=selection, action="assign", value=str(manager.id))
    categorised = mentions_bulk_triage(actor=staff_member, mention_ids=selection, action="categorise", value="question")
    assert (assigned.changed, categorised.changed) == (2, 2)
    rows = set(Mention.objects.values_list("assignee_id", "category", "status"))
    assert rows == {(manager.id, "question", "triaged")}


def test_undo_takes_back_a_whole_bulk_action(staff_member, source):
    new = MentionFactory(source=source)
    triaged = MentionFactory(source=source, status="triaged", category="praise", version=3)
    mentions_bulk_triage(actor=staff_member, mention_ids=[new.id, triaged.id], action="ignore", value="spam")

    outcome = batch_undo(actor=staff_member)

    assert (outcome.action, outcome.restored, outcome.kept) == ("ignore", 2, 0)
    rows = dict(Mention.objects.values_list("id", "status"))
    assert rows == {new.id: "new", triaged.id: "triaged"}
    assert set(Mention.objects.values_list("ignore_reason", flat=True)) == {""}
    assert MentionEvent.objects.filter(action="undo").count() == 2


def test_undo_leaves_a_mention_a_colleague_changed_since(staff_member, manager, source):
    mine, theirs = MentionFactory.create_batch(2, source=source)
    mentions_bulk_triage(actor=staff_member, mention_ids=[mine.id, theirs.id], action="ignore", value="spam")
    mention_restore(actor=manager, mention_id=theirs.id)
    mention_categorise(actor=manager, mention_id=theirs.id, category="question")

    outcome = batch_undo(actor=staff_member)

    assert (outcome.restored, outcome.kept) == (1, 1)
    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert mine.status == "new"
    assert (theirs.status, theirs.category) == ("triaged", "question")


def test_undo_takes_back_only_ones_own_last_change(staff_member, manager, mention):
    mention_categorise(actor=staff_member, mention_id=mention.id, category="question")
    mention_assign(actor=staff_member, mention_id=mention.id, assignee_id=manager.id)
    batch_undo(actor=staff_member)
    mention.refresh_from_db()
    assert (mention.assignee, mention.category) == (None, "question")
    # An undo is not undone in turn.
    with pytest.raises(NothingToUndo):
        batch_undo(actor=staff_member)
    with pytest.raises(NothingToUndo):
        batch_undo(actor=manager)


def test_undo_passes_over_notes_and_refuses_cases(staff_member, source, mention):
    mention_ignore(actor=staff_member, mention_id=mention.id, reason="spam")
    mention_note_add(actor=staff_member, mention_id=mention.id, text="Gewoon reclame")
    assert batch_undo(actor=staff_member).restored == 1
    assert MentionEvent.objects.filter(action="note").count() == 1

    in_case = MentionFactory(source=source)
    case_open(actor=staff_member, mention_id=in_case.id)
    with pytest.raises(NothingToUndo):
        batch_undo(actor=staff_member)
    in_case.refresh_from_db()
    assert in_case.status == "in_case"


def test_undo_only_reaches_back_half_an_hour(staff_member, mention):
    mention_ignore(actor=staff_member, mention_id=mention.id, reason="spam")
    MentionEvent.objects.update(created_at=timezone.now() - timedelta(minutes=31))
    with pytest.raises(NothingToUndo):
        batch_undo(actor=staff_member)
    mention.refresh_from_db()
    assert mention.status == "ignored"
