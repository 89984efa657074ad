"""Cases in a real Chromium: a complaint from the inbox to a closed case, four eyes on a sensitive reply,
the warning on a flagged phrase while typing, the board's playbook and what the board sees of a case.

Dutch is the default language and its texts are still being written, so the journeys find things by
ids, names, data attributes and roles; where prose is unavoidable they accept the Dutch or the English.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from datetime import timedelta
from typing import cast

import pytest
from django.utils import timezone
from playwright.sync_api import Locator, Page, Response, expect

from accounts.models import Organisation, User
from inbox import presence as inbox_presence
from inbox.cases import replies as replies
from inbox.cases.models import Case, Reply
from inbox.playbook.models import FlaggedPhrase, FourEyesRule, HouseRule, PlaybookEvent, ReplyTemplate
from inbox.triage import services as triage_services
from monitoring.models import Mention
from tests.conftest import ROOT, browser_page, sign_in
from tests.factories import MentionFactory, SourceFactory, UserFactory

pytestmark = [pytest.mark.browser]

ARTIFACTS = ROOT / "test-artifacts"
COMPLAINANT = "Karin Jansen"


def _watch_for_server_errors(page: Page, failures: list[str]) -> None:
    def check(response: Response) -> None:
        if response.status >= 500:
            failures.append(f"{response.status} {response.url}")

    page.on("response", check)


@pytest.fixture(autouse=True)
def no_server_errors(page: Page) -> Iterator[None]:
    """A journey fails when any request the page makes ends in a server error."""
    failures: list[str] = []
    _watch_for_server_errors(page, failures)
    yield
    assert failures == [], f"The server failed: {failures}"


def _screenshot(page: Page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def _complaint(organisation: Organisation, title: str = "Kleedkamers weer ijskoud") -> Mention:
    return cast(
        Mention,
        MentionFactory(
            source=SourceFactory(organisation=organisation, name="Buurtforum"),
            title=title,
            snippet="Al drie weken koude kleedkamers en niemand reageert. Slecht geregeld!",
            suggested_category="complaint",
            author=COMPLAINANT,
            published_at=timezone.now() - timedelta(minutes=20),
        ),
    )


def _case_of(organisation: Organisation, actor: User, title: str = "Kleedkamers weer ijskoud") -> Case:
    """A case opened from a fresh complaint, as the inbox's "Case" button does."""
    return triage_services.case_open(actor=actor, mention_id=_complaint(organisation, title).id)


def _case_url(page: Page, case: Case) -> str:
    return f"{page.live_server_url}/inbox/cases/{case.id}/"  # type: ignore[attr-defined]


def _status(page: Page) -> Locator:
    return page.locator(".case-status-line .case-status")


def _reply(page: Page, reply: Reply) -> Locator:
    return page.locator(f"#reply-{reply.id}")


def _write_reply(page: Page, channel: str, text: str | None = None) -> Reply:
    """Save the composer's text (or ``text``) as a reply on ``channel``; returns the newest reply."""
    before = Reply.objects.count()
    page.locator("#reply-channel").select_option(channel)
    if text is not None:
        page.locator("#reply-text").fill(text)
    page.locator("form[data-composer] button[type=submit]").click()
    expect(page.locator("article.reply")).to_have_count(before + 1)
    return Reply.objects.latest("id")


def _mark_posted(page: Page, reply: Reply, link: str, platform_time: str = "") -> None:
    form = _reply(page, reply).locator("form[action$='/posted/']")
    form.locator("input[name=link]").fill(link)
    if platform_time:
        form.locator("input[name=platform_posted_at]").fill(platform_time)
    form.locator("button[type=submit]").click()
    expect(_reply(page, reply)).to_have_class(re.compile(r"\breply-posted\b"))


def _carries_the_version(form: Locator, case: Case) -> None:
    """A step's form sends the case's version once, as the page showed it: a change made since is refused."""
    case.refresh_from_db(fields=["version"])
    expect(form.locator("[name=version]")).to_have_count(1)
    expect(form.locator("[name=version]")).to_have_value(str(case.version))


def _ids_unique(page: Page) -> None:
    duplicates = page.evaluate(
        """() => { const seen = new Set(), twice = new Set();
                   document.querySelectorAll('[id]').forEach(e => seen.has(e.id) ? twice.add(e.id) : seen.add(e.id));
                   return [...twice]; }"""
    )
    assert duplicates == [], f"ids used more than once: {duplicates}"


def _history(page: Page) -> Locator:
    return page.locator(".timeline .event")


def _history_grew(page: Page, before: int, actor: str) -> int:
    """The history has more entries than ``before``; every new one names ``actor`` and when."""
    expect(_history(page)).not_to_have_count(before)
    count = _history(page).count()
    assert count > before, f"the history went from {before} to {count} entries"
    for index in range(count - before):  # newest first
        entry = _history(page).nth(index)
        expect(entry.locator(".event-who")).to_have_text(actor)
        expect(entry.locator("time[datetime]")).to_have_count(1)
    return count


# 1. From a complaint in the inbox to a closed case ----------------------------------------------------------


def test_staff_handle_a_complaint_from_the_inbox_to_a_closed_case(page, organisation):
    sam = cast(User, UserFactory(username="sam", first_name="Sam", last_name="de Vries", role="staff"))
    mention = _complaint(organisation)
    acknowledge = ReplyTemplate.objects.get(organisation=organisation, purpose="acknowledge", language="nl")
    sign_in(page, "sam")

    # The inbox: open a new case from the complaint.
    page.goto(f"{page.live_server_url}/inbox/m/{mention.id}/")
    detail = page.locator("#mention-detail")
    expect(detail.locator(".detail-title")).to_have_text("Kleedkamers weer ijskoud")
    expect(detail.locator("#triage-case")).to_have_value("")  # "Open a new complaint case"
    detail.locator("form:has(#triage-case) button[type=submit]").click()
    case_link = page.locator("#mention-detail a[href*='/inbox/cases/']")
    expect(case_link).to_contain_text("#")
    case = Case.objects.get()
    assert (case.complainant_name, case.assignee, case.status) == (COMPLAINANT, sam, "open")
    expect(case_link).to_contain_text(f"#{case.id}")
    case_link.click()
    expect(page).to_have_url(re.compile(rf"/inbox/cases/{case.id}/$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Kleedkamers weer ijskoud")
    expect(_status(page)).to_have_class(re.compile(r"\bcase-status-open\b"))
    entries = _history_grew(page, 0, "Sam de Vries")

    # The acknowledgement template, its placeholders filled in, saved as a public reply.
    page.locator("#reply-template").select_option(str(acknowledge.id))
    text = page.locator("#reply-text")
    expect(text).to_have_value(re.compile(r"^Dank dat je dit meldt\."))
    expect(text).not_to_have_value(re.compile(COMPLAINANT))  # a public reply never names the complainant
    expect(text).to_have_value(re.compile(r"Sam de Vries namens Zwemvereniging De Dolfijnen$"))
    expect(text).not_to_have_value(re.compile(r"[{}]"))
    expect(text).to_be_focused()
    public = _write_reply(page, "public")
    assert (public.channel, public.state, public.author) == ("public", "draft", sam)
    assert public.text.startswith("Dank dat je dit meldt.")
    expect(page.locator(".messages")).to_be_visible()
    expect(_status(page)).to_have_class(re.compile(r"\bcase-status-open\b"))  # a draft is no response yet
    entries = _history_grew(page, entries, "Sam de Vries")

    # Posted on the forum by hand, logged here with its link and the forum's own time.
    posted_at = timezone.localtime(timezone.now() - timedelta(minutes=5)).replace(second=0, microsecond=0)
    _mark_posted(
        page, public, "https://forum.example.org/t/kleedkamers#reactie-1", posted_at.strftime("%Y-%m-%dT%H:%M")
    )
    expect(_status(page)).to_have_class(re.compile(r"\bcase-status-acknowledged\b"))
    expect(_status(page)).to_have_text(re.compile(r"Bevestigd|Acknowledged"))
    first_response = page.locator(".times > div").nth(2).locator("dd")
    expect(first_response).to_contain_text(re.compile(r"\((na|after) "))
    expect(_reply(page, public).locator("a[href='https://forum.example.org/t/kleedkamers#reactie-1']")).to_be_visible()
    case.refresh_from_db()
    assert case.first_response_at == posted_at
    entries = _history_grew(page, entries, "Sam de Vries")

    # The conversation moves to a private message.
    private = _write_reply(page, "private", "Hoi Karin, ik heb je een bericht gestuurd: laten we het daar oplossen.")
    _mark_posted(page, private, "https://forum.example.org/berichten/42")
    expect(_status(page)).to_have_class(re.compile(r"\bcase-status-private\b"))
    expect(_status(page)).to_have_text(re.compile(r"priv", re.IGNORECASE))
    entries = _history_grew(page, entries, "Sam de Vries")

    # Resolved, after asking whether this really solves it.
    resolve = page.locator("form[action$='/resolve/']")
    _carries_the_version(resolve, case)
    _carries_the_version(page.locator("form[action$='/details/']"), case)
    _ids_unique(page)
    resolve.locator("select[name=kind]").select_option("fix")
    resolve.locator("textarea[name=agreed]").fill("De verwarming in de kleedkamers is gerepareerd.")
    resolve.locator("input[name=satisfaction_asked]").check()
    resolve.locator("select[name=satisfaction]").select_option("satisfied")
    resolve.locator("button[type=submit]").click()
    expect(_status(page)).to_have_class(re.compile(r"\bcase-status-resolved\b"))
    expect(_status(page)).to_have_text(re.compile(r"Opgelost|Resolved"))
    entries = _history_grew(page, entries, "Sam de Vries")

    # Closed, with the link to the public follow-up.
    close = page.locator("form[action$='/close/']")
    _carries_the_version(close, case)
    close.locator("input[name=followup_url]").fill("https://forum.example.org/t/kleedkamers#opgelost")
    close.locator("button[type=submit]").click()
    expect(_status(page)).to_have_class(re.compile(r"\bcase-status-closed\b"))
    expect(_status(page)).to_have_text(re.compile(r"Gesloten|Afgesloten|Closed"))
    expect(page.locator("[data-composer]")).to_have_count(0)
    expect(page.locator("form[action$='/reopen/']")).to_have_count(1)
    entries = _history_grew(page, entries, "Sam de Vries")
    # The outcome at the top, and the history with every step of it.
    outcome = page.locator(".case-outcome")
    expect(outcome).to_contain_text(re.compile(r"Herstel|Fix"))
    expect(outcome).to_contain_text("De verwarming in de kleedkamers is gerepareerd.")
    expect(outcome).to_contain_text(re.compile(r"Tevreden|Satisfied"))
    expect(outcome).to_contain_text("Sam de Vries")
    expect(outcome.locator("a[href='https://forum.example.org/t/kleedkamers#opgelost']")).to_be_visible()
    history = page.locator(".timeline")
    expect(history.locator("a[href='https://forum.example.org/t/kleedkamers#opgelost']")).to_have_count(1)
    expect(history).to_contain_text(re.compile(r"legde de oplossing vast|recorded the solution"))
    case.refresh_from_db()
    assert case.status == "closed"
    assert case.public_followup_url == "https://forum.example.org/t/kleedkamers#opgelost"
    assert (case.satisfaction_asked, case.satisfaction, case.resolution_kind) == (True, "satisfied", "fix")
    assert None not in (case.first_response_at, case.moved_private_at, case.resolved_at, case.closed_at)
    assert case.events.count() == entries
    assert set(case.events.values_list("actor", flat=True)) == {sam.id}
    assert [
        (event.from_value, event.to_value) for event in case.events.filter(action="status").order_by("created_at", "id")
    ] == [("open", "acknowledged"), ("acknowledged", "private"), ("private", "resolved"), ("resolved", "closed")]
    _screenshot(page, "case_journey_closed_case")

    # The case list: no longer among the open cases, but under Closed.
    page.goto(f"{page.live_server_url}/inbox/cases/")
    expect(page.locator(f"table a[href$='/inbox/cases/{case.id}/']")).to_have_count(0)
    page.locator("nav.tabs a[href$='?status=closed']").click()
    expect(page).to_have_url(re.compile(r"status=closed"))
    expect(page.locator("nav.tabs a[aria-current=page]")).to_have_attribute("href", re.compile(r"status=closed$"))
    row = page.locator("table tbody tr").filter(has=page.locator(f"a[href$='/inbox/cases/{case.id}/']"))
    expect(row).to_have_count(1)
    expect(row.locator(".case-status")).to_have_class(re.compile(r"\bcase-status-closed\b"))
    expect(row).to_contain_text(COMPLAINANT)


# 2. Four eyes -----------------------------------------------------------------------------------------------


def test_a_public_reply_on_a_high_priority_case_waits_for_the_deputy(page, browser, live_server, organisation):
    sam = cast(User, UserFactory(username="sam", first_name="Sam", role="staff"))
    dirk = cast(User, UserFactory(username="dirk", first_name="Dirk", role="staff"))
    organisation.webcare_deputy = dirk
    organisation.save(update_fields=["webcare_deputy"])
    FourEyesRule.objects.create(organisation=organisation, priority="high")
    case = _case_of(organisation, sam)
    sign_in(page, "sam")
    page.goto(_case_url(page, case))

    # The case is sensitive: high priority.
    details = page.locator("form[action$='/details/']")
    details.locator("select[name=priority]").select_option("high")
    details.locator("button[type=submit]").click()
    expect(page.locator("form[action$='/details/'] select[name=priority]")).to_have_value("high")
    case.refresh_from_db()
    assert (case.priority, case.assignee) == ("high", sam)

    reply = _write_reply(page, "public", "Hoi Karin, dank voor je bericht. We zoeken uit wat er misging.")
    assert reply.needs_approval
    article = _reply(page, reply)
    expect(article.locator("header .tag")).to_have_count(1)  # "four eyes"
    expect(article.locator("form[action$='/posted/']")).to_have_count(0)
    expect(article.locator("form[action$='/review/']")).to_have_count(0)  # not by its own author
    article.locator("form[action$='/approval/'] button[type=submit]").click()
    expect(article).to_have_class(re.compile(r"\breply-awaiting_approval\b"))
    expect(article.locator("form[action$='/posted/']")).to_have_count(0)
    expect(article.locator("form[action$='/review/']")).to_have_count(0)
    assert dirk.notifications.filter(url=case.get_absolute_url()).count() == 1

    # The deputy approves it in a browser of his own.
    with browser_page(browser, live_server, "case_journey_four_eyes_deputy") as deputy:
        sign_in(deputy, "dirk")
        deputy.goto(_case_url(deputy, case))
        review = _reply(deputy, reply).locator("form[action$='/review/']")
        review.locator("input[name=comment]").fill("Prima zo, ga je gang.")
        review.locator("button[value=approve]").click()
        expect(_reply(deputy, reply)).to_have_class(re.compile(r"\breply-approved\b"))
        expect(_reply(deputy, reply).locator("header")).to_contain_text("Dirk")
        expect(deputy.locator(".timeline .event").first.locator(".event-who")).to_have_text("Dirk")
    reply.refresh_from_db()
    assert (reply.state, reply.approved_by) == ("approved", dirk)

    # Now its author may log it as posted.
    page.reload()
    expect(article).to_have_class(re.compile(r"\breply-approved\b"))
    _mark_posted(page, reply, "https://forum.example.org/t/kleedkamers#reactie-2")
    expect(_status(page)).to_have_class(re.compile(r"\bcase-status-acknowledged\b"))
    reply.refresh_from_db()
    assert reply.state == "posted"


# 3. A flagged phrase while typing --------------------------------------------------------------------------------


def test_a_flagged_phrase_is_warned_about_while_typing(page, organisation):
    sam = cast(User, UserFactory(username="sam", role="staff"))
    assert FlaggedPhrase.objects.filter(organisation=organisation, phrase="wat vervelend voor u").exists()
    case = _case_of(organisation, sam)
    sign_in(page, "sam")
    page.goto(_case_url(page, case))

    warnings = page.locator("[data-phrase-warnings] .phrase-warning[role=alert]")
    text = page.locator("#reply-text")
    text.press_sequentially("Beste Karin, wat vervelend voor u")
    expect(warnings).to_have_count(1)
    expect(warnings).to_contain_text("wat vervelend voor u")
    expect(warnings).to_be_visible()
    text.press_sequentially(". We gaan het oplossen.")
    expect(warnings).to_have_count(1)
    _screenshot(page, "case_journey_flagged_phrase")

    # Taking the phrase out takes the warning away, before anything was saved.
    text.fill("Beste Karin, dank dat je dit meldt. We gaan het oplossen.")
    expect(warnings).to_have_count(0)
    text.press_sequentially(" Wat vervelend voor u!")  # case and punctuation do not hide it
    expect(warnings).to_have_count(1)
    for _ in " Wat vervelend voor u!":
        text.press("Backspace")
    expect(warnings).to_have_count(0)
    assert Reply.objects.count() == 0


# 4. The playbook ------------------------------------------------------------------------------------------------


def test_the_board_keeps_the_playbook_and_staff_read_it(page, browser, live_server, organisation):
    UserFactory(username="bea", first_name="Bea", role="board")
    sam = cast(User, UserFactory(username="sam", first_name="Sam", last_name="de Vries", role="staff"))
    dirk = cast(User, UserFactory(username="dirk", first_name="Dirk", last_name="Bakker", role="staff"))
    sign_in(page, "bea")
    page.goto(f"{page.live_server_url}/inbox/playbook/")
    _ids_unique(page)

    # Owner and deputy, on the team page the playbook links to.
    page.locator("section[aria-labelledby=roster-title]").get_by_role("link", name="Aanwijzen op de teampagina").click()
    roster = page.locator("form[action$='/team/roster/']")
    roster.locator("select[name=roster-owner]").select_option(str(sam.id))
    roster.locator("select[name=roster-deputy]").select_option(str(dirk.id))
    roster.locator("input[name=roster-contact_email]").fill("webcare@dolfijnen.example")
    roster.locator("button[type=submit]").click()
    who = page.locator("section[aria-labelledby=roster-title]")
    expect(who.locator("strong").first).to_have_text("Sam de Vries")
    expect(who.locator("strong").nth(1)).to_have_text("Dirk Bakker")
    organisation.refresh_from_db()
    assert (organisation.webcare_owner, organisation.webcare_deputy) == (sam, dirk)
    expect(page.locator("p.responsible strong")).to_have_text("Sam de Vries")

    # Sam is away today: Dirk answers, and every page says so. A last day before the first is refused, kept.
    today = timezone.localdate().isoformat()
    away = page.locator("form.absence-form")
    away.locator("select[name=absence-person]").select_option(str(sam.id))
    away.locator("input[name=absence-starts_on]").fill(today)
    away.locator("input[name=absence-ends_on]").fill((timezone.localdate() - timedelta(days=1)).isoformat())
    away.locator("input[name=absence-note]").fill("Dirk neemt het over")
    away.locator("button[type=submit]").click()
    expect(page.locator("form.absence-form .field-error")).to_have_count(1)
    expect(page.locator("input[name=absence-note]")).to_have_value("Dirk neemt het over")
    page.locator("input[name=absence-ends_on]").fill(today)
    page.locator("form.absence-form button[type=submit]").click()
    expect(page.locator("p.responsible strong")).to_have_text("Dirk Bakker")
    expect(page.locator(".absences li")).to_contain_text("Dirk neemt het over")
    _screenshot(page, "case_journey_team_absence")
    page.locator(".absences li button[type=submit]").click()
    expect(page.locator("p.responsible strong")).to_have_text("Sam de Vries")
    page.goto(f"{page.live_server_url}/inbox/playbook/")
    expect(page.locator("section[aria-labelledby=roster-title] strong").first).to_have_text("Sam de Vries")

    # A house rule.
    rule = "Noem nooit een vrijwilliger bij naam in een openbare reactie."
    add_rule = page.locator("form[action$='/playbook/house_rule/']")
    add_rule.locator("input[name=house_rule-text]").fill(rule)
    add_rule.locator("select[name=house_rule-language]").select_option("nl")
    add_rule.locator("button[type=submit]").click()
    expect(page.locator(".house-rules ol > li").filter(has_text=rule)).to_have_count(1)

    # A flagged phrase.
    add_phrase = page.locator("form[action$='/playbook/flagged_phrase/']")
    add_phrase.locator("input[name=flagged_phrase-phrase]").fill("daar gaan wij niet over")
    add_phrase.locator("input[name=flagged_phrase-advice]").fill(
        "Zeg wie er wel over gaat en breng de klager in contact."
    )
    add_phrase.locator("button[type=submit]").click()
    phrases = page.locator("section[aria-labelledby=phrases-title]")
    expect(phrases.locator("li").filter(has_text="daar gaan wij niet over")).to_have_count(1)

    # A four-eyes rule for urgent cases.
    add_four_eyes = page.locator("form[action$='/playbook/four_eyes_rule/']")
    add_four_eyes.locator("select[name=four_eyes_rule-priority]").select_option("urgent")
    add_four_eyes.locator("button[type=submit]").click()
    four_eyes = page.locator("section[aria-labelledby=four-eyes-title] li")
    expect(four_eyes.filter(has=page.locator("form"))).to_have_count(1)

    assert HouseRule.objects.filter(organisation=organisation, text=rule, language="nl").exists()
    assert FlaggedPhrase.objects.filter(organisation=organisation, phrase="daar gaan wij niet over").exists()
    assert list(FourEyesRule.objects.values_list("priority", "category")) == [("urgent", "")]
    actions = set(PlaybookEvent.objects.values_list("action", flat=True))
    assert {"appointed", "house_rule_added", "flagged_phrase_added", "four_eyes_rule_added"} <= actions
    _screenshot(page, "case_journey_playbook_board")

    # A staff member reads the same playbook, without a single form.
    with browser_page(browser, live_server, "case_journey_playbook_staff") as staff:
        sign_in(staff, "sam")
        staff.goto(f"{live_server.url}/inbox/playbook/")
        content = staff.locator(".case-grid")
        expect(content.locator(".house-rules ol > li").filter(has_text=rule)).to_have_count(1)
        expect(content.locator("li").filter(has_text="daar gaan wij niet over")).to_have_count(1)
        expect(content.locator("section[aria-labelledby=roster-title] strong").first).to_have_text("Sam de Vries")
        expect(content.locator("form")).to_have_count(0)
        expect(content.locator("input, select, textarea, button")).to_have_count(0)


# 5. What the board sees of a case ------------------------------------------------------------------------------


def test_the_board_reads_a_case_without_the_composer_or_the_steps(page, organisation):
    UserFactory(username="bea", role="board")
    sam = cast(User, UserFactory(username="sam", role="staff"))
    case = _case_of(organisation, sam, title="Parkeerplaats altijd vol")
    replies.reply_save(
        actor=sam, case_id=case.id, channel="public", text="Dank voor je bericht!", submission_key=uuid.uuid4()
    )
    sign_in(page, "bea")
    page.goto(f"{page.live_server_url}/inbox/cases/")
    page.locator(f"table a[href$='/inbox/cases/{case.id}/']").click()
    expect(page).to_have_url(re.compile(rf"/inbox/cases/{case.id}/$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Parkeerplaats altijd vol")
    expect(page.locator("article.reply")).to_have_count(1)
    expect(page.locator(".timeline .event")).not_to_have_count(0)

    expect(page.locator("[data-composer], #reply-text, #reply-channel, #reply-template")).to_have_count(0)
    expect(page.locator("#case-note")).to_have_count(0)
    for step in ("details", "private", "resolve", "close", "reopen", "posted", "approval", "review", "note"):
        expect(page.locator(f"form[action$='/{step}/']")).to_have_count(0)
    expect(page.locator(".case-grid form")).to_have_count(0)


def test_a_note_calls_a_colleague_who_follows_up_the_improvement(page, browser, live_server, organisation):
    sam = cast(User, UserFactory(username="sam", first_name="Sam", last_name="de Vries", role="staff"))
    dirk = cast(User, UserFactory(username="dirk", first_name="Dirk", last_name="Bakker", role="staff"))
    case = _case_of(organisation, sam)
    sign_in(page, "sam")
    page.goto(_case_url(page, case))

    page.locator("#case-note").fill("@dirk kun jij de thermostaat laten nakijken?")
    page.locator("form[action$='/note/'] button[type=submit]").click()
    expect(_history(page).filter(has_text="thermostaat")).to_have_count(1)
    improvement = page.locator("form[action$='/improvements/']")
    improvement.locator("textarea").fill("Kleedkamers krijgen een eigen thermostaat")
    improvement.locator("select").select_option(str(dirk.id))
    improvement.locator("button[type=submit]").click()
    expect(page.locator("section[aria-labelledby=improve-title] li")).to_contain_text("eigen thermostaat")

    with browser_page(browser, live_server, "case_journey_notified_colleague") as colleague:
        sign_in(colleague, "dirk")
        bell = colleague.locator("a.bell")
        expect(bell.locator(".bell-count")).to_contain_text("1")
        bell.click()
        notice = colleague.locator(".notifications li").first
        expect(notice).to_contain_text("Sam de Vries")
        expect(colleague.locator("a.bell .bell-count")).to_contain_text("1")  # reading the list changes nothing
        _screenshot(colleague, "case_journey_notifications")
        notice.get_by_role("button").click()
        expect(colleague).to_have_url(re.compile(rf"/inbox/cases/{case.id}/$"))
        expect(colleague.locator("a.bell .bell-count")).to_have_count(0)  # seen now

        colleague.goto(live_server.url + "/inbox/cases/improvements/")
        row = colleague.locator(".improvements li").filter(has_text="eigen thermostaat")
        row.locator("select[name=state]").select_option("done")
        row.locator("input[name=announced_url]").fill("https://www.dedolfijnen.example/nieuws/thermostaat")
        row.locator("button[type=submit]").click()
        finished = colleague.locator(".improvements-done li").filter(has_text="eigen thermostaat")
        expect(finished).to_have_count(1)
        announcement = "a[href='https://www.dedolfijnen.example/nieuws/thermostaat'][target=_blank]"
        expect(finished.locator(announcement)).to_be_visible()

    done = case.improvements.get()
    assert (done.state, done.owner, done.announced_url) == (
        "done",
        dirk,
        "https://www.dedolfijnen.example/nieuws/thermostaat",
    )


# Two people on one case -------------------------------------------------------------------------------------


def test_two_people_on_one_case_see_who_writes_a_reply_and_who_a_note(page, browser, live_server, organisation):
    sam = cast(User, UserFactory(username="sam", first_name="Sam", role="staff"))
    UserFactory(username="max", first_name="Max", role="manager")
    case = _case_of(organisation, sam)
    heartbeat = (inbox_presence.HEARTBEAT + 5) * 1000

    with browser_page(browser, live_server, "case_journey_presence_max") as other:
        sign_in(other, "max")
        sign_in(page, "sam")
        other.goto(_case_url(other, case))
        page.goto(_case_url(page, case))
        # Sam sees Max at once; Max sees Sam on his next heartbeat.
        expect(page.locator("#case-presence")).to_contain_text("Max kijkt mee")
        expect(other.locator("#case-presence")).to_contain_text("Sam kijkt mee", timeout=heartbeat)

        # Max starts a reply: Sam is warned at once, where replies are written.
        other.locator("#reply-text").click()
        warning = page.locator("#case-presence").get_by_role("alert")
        expect(warning).to_contain_text("Max schrijft een reactie", timeout=heartbeat)
        expect(other.locator("#case-presence").get_by_role("alert")).to_have_count(0)

        # He leaves the empty reply for a note: that is what Sam reads now, without a warning.
        other.locator("#reply-text").fill("")
        other.locator("#case-note").click()
        expect(page.locator("#case-presence")).to_contain_text("Max schrijft een notitie", timeout=heartbeat)
        expect(warning).to_have_count(0)
        _screenshot(page, "case_journey_presence_sam")

        # Max goes elsewhere: his page says goodbye, and he is off Sam's list on Sam's next heartbeat.
        other.goto(live_server.url + "/inbox/cases/")
        expect(page.locator("#case-presence")).not_to_contain_text("Max", timeout=heartbeat)


def test_the_reply_counter_appears_near_the_limit(page, organisation):
    sam = cast(User, UserFactory(username="sam", role="staff"))
    case = _case_of(organisation, sam)
    sign_in(page, "sam")
    page.goto(_case_url(page, case))
    text = page.locator("#reply-text")
    limit = int(text.get_attribute("maxlength") or "0")
    counter = page.locator("#reply-text-counter")
    text.fill("x" * 20)
    expect(counter).to_be_hidden()
    expect(counter).to_have_attribute("aria-live", "polite")
    text.fill("x" * (limit - 40))
    expect(counter).to_be_visible()
    expect(counter).to_have_text(f"nog 40 van {limit} tekens")
    text.fill("x" * (limit // 2))
    expect(counter).to_be_hidden()
