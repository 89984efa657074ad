"""The case pages as a person uses them: the list, the case page with its editor, and each step's form."""

from __future__ import annotations

import json
import re
import uuid
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from inbox.cases import learning as learning
from inbox.cases import replies as replies
from inbox.cases import services as case_services
from inbox.cases.models import Case, CaseEvent, Reply
from inbox.playbook.models import FourEyesRule, ReplyTemplate
from inbox.triage import services as triage_services
from monitoring.models import Mention
from tests.factories import MentionFactory
from tests.inbox.cases.conftest import messages_of, page, resolved

pytestmark = pytest.mark.django_db


@pytest.fixture
def mention(source) -> Mention:
    return MentionFactory(source=source, author="Karin de Vries", title="Geen badmeester #fail")


@pytest.fixture
def case(staff_member, mention) -> Case:
    return triage_services.case_open(actor=staff_member, mention_id=mention.id, title="Geen badmeester")


# The case page -----------------------------------------------------------------------------------------


def test_the_case_page_speaks_dutch_and_shows_the_house_rules(client_for, staff_member, case):
    content = page(client_for(staff_member), case)
    assert '<html lang="nl"' in content
    assert "Huisregels" in content
    assert "Beloof alleen wat de organisatie waar kan maken" in content  # a seeded Dutch house rule
    assert "One voice: you answer for the organisation" not in content  # the English ones stay out


def test_the_template_picker_offers_the_organisations_templates(client_for, staff_member, case):
    content = page(client_for(staff_member), case)
    picker = re.search(r'<select id="reply-template".*?</select>', content, re.S)
    assert picker is not None
    options = re.findall(r"<option value=\"(\d+)\"", picker.group(0))
    assert len(options) == case.organisation.reply_templates.filter(is_active=True).count() > 0
    # Dutch ones first on a Dutch page.
    assert "(NL)</option>" in picker.group(0).split("</option>", 2)[1] + "</option>"


def test_a_justified_complaint_puts_the_fitting_template_first(client_for, staff_member, case):
    case_services.case_update(actor=staff_member, case_id=case.id, version=None, assessment=Case.Assessment.JUSTIFIED)
    content = page(client_for(staff_member), case)
    first = re.search(
        r'<select id="reply-template".*?<option value="(\d+)" data-body="[^"]*"( data-fits)?', content, re.S
    )
    assert first is not None
    assert first.group(2) == " data-fits"
    assert ReplyTemplate.objects.get(id=first.group(1)).purpose in ("justified", "apology")


def test_the_flagged_phrases_go_to_the_editor_as_json(client_for, staff_member, case):
    content = page(client_for(staff_member), case)
    found = re.search(r'<script id="flagged-phrases" type="application/json">(.*?)</script>', content, re.S)
    assert found is not None
    phrases = dict(json.loads(found.group(1)))
    assert "wat vervelend voor u" in phrases
    assert "dat is niet onze schuld" in phrases


def test_the_composer_is_protected_against_forged_posts(staff_member, case):
    client = Client(enforce_csrf_checks=True)
    client.force_login(staff_member)
    content = page(client, case)
    composer = re.search(r'<form class="composer".*?</form>', content, re.S)
    assert composer is not None
    assert 'name="csrfmiddlewaretoken"' in composer.group(0)
    key = re.search(r'name="submission_key" value="([0-9a-f-]{36})"', composer.group(0))
    assert key is not None

    data = {"channel": "email", "text": "Gemaild", "submission_key": key.group(1)}
    forged = client.post(reverse("inbox:reply-add", args=[case.id]), data)
    assert forged.status_code == 403
    assert not Reply.objects.exists()

    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', composer.group(0)).group(1)
    sent = client.post(reverse("inbox:reply-add", args=[case.id]), {**data, "csrfmiddlewaretoken": token})
    assert sent.status_code == 302
    assert Reply.objects.count() == 1


def test_each_page_gets_its_own_submission_key(client_for, staff_member, case):
    client = client_for(staff_member)
    keys = {re.search(r'name="submission_key" value="([^"]+)"', page(client, case)).group(1) for _ in range(2)}
    assert len(keys) == 2


def test_the_case_page_costs_a_bounded_number_of_queries(client_for, staff_member, manager, case, source):
    client = client_for(staff_member)
    page(client, case)  # warm the people cache and the session

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            page(client, case)
        return len(queries)

    small = count()
    for n in range(5):
        triage_services.case_attach(actor=staff_member, mention_id=MentionFactory(source=source).id, case_id=case.id)
        reply = replies.reply_save(
            actor=staff_member, case_id=case.id, channel="public", text=f"Reactie {n}", submission_key=uuid.uuid4()
        ).reply
        replies.reply_comment(actor=manager, reply_id=reply.id, comment="Goed")
        learning.improvement_add(actor=manager, case_id=case.id, description=f"Verbetering {n}", owner_id=manager.id)
        learning.removal_request_add(actor=staff_member, case_id=case.id, reason="threat", platform="Facebook")
        case_services.case_note_add(actor=manager, case_id=case.id, text=f"Notitie {n}")
    large = count()
    assert large == small, "the page runs a query per reply, mention or event"
    assert large <= 30


def test_the_history_is_shown_newest_first_with_names_and_labels(client_for, staff_member, manager, case):
    case_services.case_note_add(actor=manager, case_id=case.id, text="Eerst even bellen")
    case_services.case_move_private(actor=staff_member, case_id=case.id, version=0)
    content = page(client_for(staff_member), case)
    timeline = re.search(r'<ol class="timeline">(.*?)</ol>', content, re.S).group(1)
    whats = re.findall(r'<span class="event-what">(.*?)</span>', timeline, re.S)
    assert len(whats) == 3
    assert "Open → In privégesprek" in whats[0]
    assert "Eerst even bellen" in timeline.split("</li>")[1]


# The list ----------------------------------------------------------------------------------------------


def test_the_list_puts_unanswered_cases_before_answered_ones(client_for, staff_member, source):
    now = timezone.now()
    answered = triage_services.case_open(
        actor=staff_member,
        mention_id=MentionFactory(source=source, published_at=now - timedelta(hours=3)).id,
        title="Beantwoorde klacht",
    )
    replies.reply_save(
        actor=staff_member, case_id=answered.id, channel="email", text="Gemaild", submission_key=uuid.uuid4()
    )
    waiting = triage_services.case_open(
        actor=staff_member,
        mention_id=MentionFactory(source=source, published_at=now - timedelta(minutes=30)).id,
        title="Wachtende klacht",
    )
    overdue = triage_services.case_open(
        actor=staff_member,
        mention_id=MentionFactory(source=source, published_at=now - timedelta(hours=2)).id,
        title="Te late klacht",
    )
    content = client_for(staff_member).get(reverse("inbox:case-list")).content.decode()
    order = [content.index(case.title) for case in (overdue, waiting, answered)]
    assert order == sorted(order), "the overdue case first, then the one due soon, the answered one last"


def test_the_list_puts_closed_cases_last_when_they_are_shown(client_for, staff_member, source):
    closed = triage_services.case_open(
        actor=staff_member, mention_id=MentionFactory(source=source).id, title="Gesloten klacht"
    )
    closed = case_services.case_resolve(
        actor=staff_member, case_id=closed.id, version=0, kind="apology", agreed="", satisfaction_asked=False,
        satisfaction="",
    )  # fmt: skip
    case_services.case_close(actor=staff_member, case_id=closed.id, version=closed.version, skipped_because="Klaar")
    open_case = triage_services.case_open(
        actor=staff_member, mention_id=MentionFactory(source=source).id, title="Open klacht"
    )
    content = client_for(staff_member).get(reverse("inbox:case-list"), {"status": ["open", "closed"]}).content.decode()
    assert content.index(open_case.title) < content.index("Gesloten klacht")


def test_the_list_hides_closed_cases_by_default(client_for, staff_member, source, case):
    case = case_services.case_resolve(
        actor=staff_member, case_id=case.id, version=0, kind="apology", agreed="", satisfaction_asked=False,
        satisfaction="",
    )  # fmt: skip
    case_services.case_close(actor=staff_member, case_id=case.id, version=case.version, skipped_because="Klaar")
    content = client_for(staff_member).get(reverse("inbox:case-list")).content.decode()
    assert "Geen badmeester" not in content


def test_mine_shows_only_my_cases(client_for, staff_member, manager, source, case):
    triage_services.case_open(actor=manager, mention_id=MentionFactory(source=source).id, title="Van de manager")
    content = client_for(staff_member).get(reverse("inbox:case-list"), {"mine": "1"}).content.decode()
    assert "Geen badmeester" in content
    assert "Van de manager" not in content


# Steps through their forms -----------------------------------------------------------------------------


def test_a_double_submitted_reply_form_saves_one_reply(client_for, staff_member, case):
    client = client_for(staff_member)
    data = {"channel": "public", "text": "Dank voor je bericht!", "submission_key": str(uuid.uuid4())}
    for _ in range(2):
        assert client.post(reverse("inbox:reply-add", args=[case.id]), data).status_code == 302
    assert Reply.objects.filter(case=case).count() == 1


def test_logging_a_public_reply_with_the_platform_time_acknowledges(client_for, staff_member, case):
    client = client_for(staff_member)
    reply = replies.reply_save(
        actor=staff_member, case_id=case.id, channel="public", text="Gezien!", submission_key=uuid.uuid4()
    ).reply
    response = client.post(
        reverse("inbox:reply-posted", args=[reply.id]),
        {"link": "x.example/status/1", "platform_posted_at": "2025-03-03T10:40"},
    )
    assert response.status_code == 302
    assert [m.level_tag for m in response.wsgi_request._messages] == ["success"]
    case.refresh_from_db()
    reply.refresh_from_db()
    assert case.status == Case.Status.ACKNOWLEDGED
    assert reply.link == "https://x.example/status/1"
    assert timezone.localtime(case.first_response_at).strftime("%Y-%m-%d %H:%M") == "2025-03-03 10:40"


def test_a_reply_waiting_for_approval_shows_no_posted_form_to_its_author(
    client_for, staff_member, manager, organisation, case
):
    FourEyesRule.objects.create(organisation=organisation)
    reply = replies.reply_save(
        actor=staff_member, case_id=case.id, channel="public", text="Gezien!", submission_key=uuid.uuid4()
    ).reply
    posted_url = reverse("inbox:reply-posted", args=[reply.id])
    assert posted_url not in page(client_for(staff_member), case)

    response = client_for(staff_member).post(posted_url, {"link": "https://x.example/1"})
    assert response.status_code == 302
    reply.refresh_from_db()
    assert reply.state == Reply.State.DRAFT
    assert CaseEvent.objects.filter(case=case, action="reply_posted").count() == 0

    replies.reply_request_approval(actor=staff_member, reply_id=reply.id)
    approve_url = reverse("inbox:reply-approve", args=[reply.id])
    assert approve_url not in page(client_for(staff_member), case)
    assert approve_url in page(client_for(manager), case)
    client_for(manager).post(approve_url, {"decision": "approve", "comment": "Prima"})
    reply.refresh_from_db()
    assert (reply.state, reply.approved_by) == (Reply.State.APPROVED, manager)
    assert posted_url in page(client_for(staff_member), case)


def test_the_second_person_to_close_hears_who_closed_it_first(client_for, staff_member, manager, case):
    case = case_services.case_resolve(
        actor=staff_member, case_id=case.id, version=0, kind="apology", agreed="", satisfaction_asked=False,
        satisfaction="",
    )  # fmt: skip
    url = reverse("inbox:case-close", args=[case.id])
    data = {"version": str(case.version), "skipped_because": "Klaar"}
    first = client_for(manager).post(url, data)
    second = client_for(staff_member).post(url, {**data, "followup_url": "https://x.example/2"})
    assert (first.status_code, second.status_code) == (302, 302)
    [said] = messages_of(second)
    assert said.startswith("max-manager")
    case.refresh_from_db()
    assert (case.status, case.public_followup_url) == (Case.Status.CLOSED, "")


def test_a_colleague_who_is_not_handling_it_cannot_close(client_for, staff_member, case):
    from tests.factories import UserFactory

    colleague = UserFactory(username="kim-collega", role="staff")
    case = case_services.case_resolve(
        actor=staff_member, case_id=case.id, version=0, kind="apology", agreed="", satisfaction_asked=False,
        satisfaction="",
    )  # fmt: skip
    assert reverse("inbox:case-close", args=[case.id]) not in page(client_for(colleague), case)
    response = client_for(colleague).post(
        reverse("inbox:case-close", args=[case.id]), {"version": str(case.version), "skipped_because": "Klaar"}
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == Case.Status.RESOLVED


def test_an_invalid_form_says_what_is_wrong_and_changes_nothing(client_for, staff_member, case):
    response = client_for(staff_member).post(
        reverse("inbox:case-resolve", args=[case.id]), {"kind": "magic", "version": "0", "agreed": "Een bon"}
    )
    # The case page again, the error at the field and what was typed kept.
    assert response.status_code == 200
    body = response.content.decode()
    assert 'id="id_kind-error"' in body
    assert "Een bon" in body
    case.refresh_from_db()
    assert (case.status, case.version) == (Case.Status.OPEN, 0)


# Ids sent with a form ----------------------------------------------------------------------------------


@pytest.mark.parametrize("scenario", ["theirs", "999999", "9" * 25, "abc", "²"])
def test_only_a_scenario_of_the_cases_organisation_can_be_linked(client_for, staff_member, case, scenario):
    from inbox.playbook.models import Scenario
    from tests.factories import OrganisationFactory

    theirs = Scenario.objects.create(
        organisation=OrganisationFactory(name="Elders"),
        title="Hun crisis",
        situation="Brand",
        prepared_answer="Wij blussen.",
    )
    sent = str(theirs.id) if scenario == "theirs" else scenario
    response = client_for(staff_member).post(
        reverse("inbox:case-update", args=[case.id]),
        {"version": "0", "title": case.title, "priority": "normal", "scenario": sent},
    )
    assert response.status_code == 200
    assert 'id="id_scenario-error"' in response.content.decode()
    case.refresh_from_db()
    assert (case.scenario_id, case.version) == (None, 0)


def test_a_refused_reply_comes_back_with_its_text_its_channel_and_the_error_at_the_field(
    client_for, staff_member, source
):
    from tests.factories import MentionFactory

    mention = MentionFactory(source=source)

    case = triage_services.case_open(actor=staff_member, mention_id=mention.id)
    too_long = "Sorry voor het wachten. " * 420  # over the 10,000 characters a reply may hold
    response = client_for(staff_member).post(
        reverse("inbox:reply-add", args=[case.id]),
        {"channel": "email", "text": too_long, "submission_key": "6f1c2a56-8c1e-4d53-9a55-3e2b1d0c9f10"},
    )

    assert response.status_code == 200
    body = response.content.decode()
    assert too_long.strip() in body
    assert '<option value="email" selected>' in body
    assert 'id="reply-text-error"' in body
    assert "Reactie:" in body, "the error names the field"
    assert 'maxlength="10000"' in body
    assert not case.replies.exists()


# A closed case tells its story -------------------------------------------------------------------------


def closed(staff_member, manager, case: Case, **close) -> Case:
    case = case_services.case_resolve(
        actor=staff_member, case_id=case.id, version=case.version, kind="voucher", agreed="Een gratis proefles",
        satisfaction_asked=True, satisfaction="satisfied",
    )  # fmt: skip
    return case_services.case_close(actor=manager, case_id=case.id, version=case.version, **close)


def outcome_of(content: str) -> str:
    found = re.search(r'<section class="card case-outcome".*?</section>', content, re.S)
    assert found is not None, "no outcome on the page"
    return found.group(0)


def timeline_of(content: str) -> str:
    return re.search(r'<ol class="timeline">(.*?)</ol>', content, re.S).group(1)


def test_a_closed_case_shows_its_outcome_at_the_top(client_for, staff_member, manager, board_member, case):
    case = closed(staff_member, manager, case, followup_url="https://x.example/status/9")
    # The board reads it too: the outcome is not part of the handling forms.
    content = page(client_for(board_member), case)
    outcome = outcome_of(content)
    assert content.index("case-outcome") < content.index('id="times-title"')
    assert "Tegoedbon of korting" in outcome  # how it was solved
    assert "Een gratis proefles" in outcome
    assert "Tevreden" in outcome  # the complainant's answer
    assert 'href="https://x.example/status/9" target="_blank"' in outcome
    assert "max-manager" in outcome  # who closed it
    assert case.closed_at is not None


def test_a_case_closed_without_a_public_follow_up_says_why(client_for, staff_member, manager, case):
    case = closed(staff_member, manager, case, skipped_because="Ze wil het liever niet openbaar")
    outcome = outcome_of(page(client_for(staff_member), case))
    assert "Geen, omdat: Ze wil het liever niet openbaar" in outcome
    assert "href=" not in outcome


def test_the_history_of_a_closed_case_has_every_step_in_dutch_and_english(client_for, staff_member, manager, case):
    case = closed(staff_member, manager, case, followup_url="https://x.example/status/9")
    case = case_services.case_reopen(actor=staff_member, case_id=case.id, version=case.version)
    client = client_for(staff_member)
    dutch = timeline_of(page(client, case))
    for step in (
        "legde de oplossing vast: Tegoedbon of korting",
        "noteerde het antwoord van de klager: Tevreden",
        "sloot de zaak: <a",
        "heropende de zaak",
    ):
        assert step in dutch
    assert 'href="https://x.example/status/9"' in dutch
    assert "Een gratis proefles" in dutch

    client.post(reverse("set_language"), {"language": "en"})
    english = timeline_of(page(client, case))
    for step in (
        "recorded the solution: Voucher or discount",
        "recorded the complainant&#x27;s answer: Satisfied",
        "closed the case: <a",
        "reopened the case",
    ):
        assert step in english


def test_the_close_form_asks_for_a_link_or_a_reason_without_calling_them_optional(client_for, staff_member, case):
    case = resolved(staff_member, case)
    content = page(client_for(staff_member), case)
    form = re.search(r'<form [^>]*id="close-form".*?</form>', content, re.S).group(0)
    assert "(optioneel)" not in form
    assert "Een link naar waar je het openbaar hebt afgerond, of de reden dat dat er niet is." in form


def test_closing_with_neither_a_link_nor_a_reason_says_so_at_the_link(client_for, staff_member, case):
    case = resolved(staff_member, case)
    response = client_for(staff_member).post(
        reverse("inbox:case-close", args=[case.id]), {"version": str(case.version), "skipped_because": "   "}
    )
    assert response.status_code == 200
    field = re.search(r'<div class="field has-error">.*?</div>', response.content.decode(), re.S)
    assert field is not None
    assert 'name="followup_url"' in field.group(0)
    assert 'aria-invalid="true" aria-describedby="close-error"' in field.group(0)
    assert "of schrijf de reden dat die er niet is" in field.group(0)
    case.refresh_from_db()
    assert case.status == Case.Status.RESOLVED


# What we change ----------------------------------------------------------------------------------------


def test_finished_improvements_stay_listed_under_done_with_their_announcement(
    client_for, staff_member, manager, board_member, case
):
    from inbox.cases.models import ImprovementAction

    open_one = learning.improvement_add(
        actor=staff_member, case_id=case.id, description="Badmeester op het rooster", owner_id=manager.id
    )
    announced = learning.improvement_add(
        actor=staff_member, case_id=case.id, description="Rooster online", owner_id=manager.id
    )
    learning.improvement_update(
        actor=staff_member, improvement_id=announced.id, state="done", announced_url="https://club.example/nieuws/1"
    )
    quiet = learning.improvement_add(
        actor=staff_member, case_id=case.id, description="Nieuwe kluisjes", owner_id=manager.id
    )
    learning.improvement_update(actor=staff_member, improvement_id=quiet.id, state="done")
    ImprovementAction.objects.filter(id=quiet.id).update(announced_url="javascript:alert(1)")

    content = client_for(board_member).get(reverse("inbox:improvement-list")).content.decode()
    to_do, done = content.split('id="done-title"', 1)
    assert open_one.description in to_do
    assert open_one.description not in done
    assert "Rooster online" in done
    assert "Nieuwe kluisjes" in done
    assert '<a href="https://club.example/nieuws/1" target="_blank" rel="noopener noreferrer nofollow">' in done
    assert 'href="javascript' not in content  # through the one link tag: never live


def test_the_improvement_list_is_closed_to_people_without_a_role(client_for, no_role_user):
    assert client_for(no_role_user).get(reverse("inbox:improvement-list")).status_code == 403


def test_a_refused_check_of_a_reply_comes_back_with_the_comment_typed(
    client_for, staff_member, manager, organisation, case
):
    FourEyesRule.objects.create(organisation=organisation)
    reply = replies.reply_save(
        actor=staff_member, case_id=case.id, channel="public", text="Gezien!", submission_key=uuid.uuid4()
    ).reply
    replies.reply_request_approval(actor=staff_member, reply_id=reply.id)
    comment = "Noem de trainer niet bij naam & <graag> korter"
    response = client_for(manager).post(
        reverse("inbox:reply-approve", args=[reply.id]), {"decision": "\x00", "comment": comment}
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert 'value="Noem de trainer niet bij naam &amp; &lt;graag&gt; korter"' in body
    assert f'id="approve-comment-{reply.id}-error"' in body
    reply.refresh_from_db()
    assert reply.state == Reply.State.AWAITING_APPROVAL
