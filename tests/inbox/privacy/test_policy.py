"""The privacy page and the public privacy statement: the board sets how long personal data is kept and words
the statement, nobody else may; anybody reads the statement, in their language, escaped; replies link to it."""

from __future__ import annotations

import json
import re

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse
from django.utils import translation

from inbox.cases.models import Case
from inbox.playbook import services as playbook_services
from inbox.privacy import services
from inbox.privacy.history import counts_in_words
from inbox.privacy.models import PrivacyEvent, PrivacyPolicy
from inbox.privacy.statement import DEFAULT_STATEMENTS, PLACEHOLDERS
from inbox.triage import services as triage_services
from tests.factories import MentionFactory, OrganisationFactory, SourceFactory, UserFactory

pytestmark = pytest.mark.django_db

PAGE = reverse("inbox:privacy")
RETENTION = reverse("inbox:privacy-retention")
PUBLIC = reverse("privacy-statement")


def statement_url(language: str) -> str:
    return reverse("inbox:privacy-statement-update", args=[language])


def retention(mention_months: object, case_months: object) -> dict[str, object]:
    return {"retention-mention_months": mention_months, "retention-case_months": case_months}


def statement(language: str, text: str, *, reset: bool = False) -> dict[str, str]:
    data = {f"statement-{language}-text": text}
    if reset:
        data[f"statement-{language}-reset"] = "on"
    return data


def public_page(language: str | None = None) -> str:
    """The public statement as an anonymous visitor reads it (``language``: the one they chose)."""
    client = Client()
    if language:
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    response = client.get(PUBLIC)
    assert response.status_code == 200
    return response.text


@pytest.fixture
def outsider_board(db):
    return UserFactory(username="olga-outsider", role="board", organisation=OrganisationFactory(name="OUTSIDER Buren"))


# The privacy page ----------------------------------------------------------------------------------------


def test_the_board_sees_the_retention_form_with_the_defaults(client_for, board_member):
    response = client_for(board_member).get(PAGE)
    assert response.status_code == 200
    assert 'name="retention-mention_months" value="12"' in response.text
    assert 'name="retention-case_months" value="24"' in response.text
    assert 'name="statement-nl-text"' in response.text
    assert 'name="statement-en-text"' in response.text
    assert not PrivacyPolicy.objects.exists(), "reading the page stores nothing"


def test_the_board_saves_the_retention_periods_with_one_audit_row(client_for, board_member):
    response = client_for(board_member).post(RETENTION, retention(6, 36))
    assert response.status_code == 302
    assert response["Location"] == PAGE
    policy = PrivacyPolicy.objects.get(organisation=board_member.organisation)
    assert (policy.mention_months, policy.case_months) == (6, 36)
    event = PrivacyEvent.objects.get()
    assert (event.action, event.from_value, event.to_value) == ("policy_changed", "12/24", "6/36")
    assert (event.actor, event.organisation) == (board_member, board_member.organisation)


def test_saving_the_same_periods_again_writes_no_audit_row(client_for, board_member):
    client = client_for(board_member)
    client.post(RETENTION, retention(6, 24))
    client.post(RETENTION, retention(6, 24))
    assert PrivacyEvent.objects.count() == 1
    client.post(RETENTION, retention(12, 24))
    assert list(PrivacyEvent.objects.values_list("from_value", "to_value")) == [("6/24", "12/24"), ("12/24", "6/24")]


@pytest.mark.parametrize(
    ("mention_months", "case_months", "wrong"),
    [(0, 24, "mention_months"), (12, 121, "case_months"), ("abc", 24, "mention_months"), (12, "", "case_months")],
)
def test_a_period_out_of_range_comes_back_at_its_field_and_changes_nothing(
    client_for, board_member, mention_months, case_months, wrong
):
    client = client_for(board_member)
    client.post(RETENTION, retention(3, 6))
    response = client.post(RETENTION, retention(mention_months, case_months))
    assert response.status_code == 200
    assert f'id="id_retention-{wrong}-error"' in response.text
    assert f'value="{mention_months}"' in response.text, "what was typed is shown again"
    policy = PrivacyPolicy.objects.get()
    assert (policy.mention_months, policy.case_months) == (3, 6)
    assert PrivacyEvent.objects.count() == 1


@pytest.mark.parametrize("role", ["staff_member", "manager", "no_role_user"])
def test_nobody_but_the_board_may_see_or_change_it(client_for, request, role):
    client = client_for(request.getfixturevalue(role))
    assert client.get(PAGE).status_code == 403
    assert client.post(RETENTION, retention(1, 1)).status_code == 403
    assert client.post(statement_url("nl"), statement("nl", "Weg ermee")).status_code == 403
    assert not PrivacyPolicy.objects.exists()


def test_an_anonymous_visitor_is_asked_to_sign_in(client_for):
    response = client_for(None).get(PAGE)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next={PAGE}"
    assert client_for(None).post(RETENTION, retention(1, 1)).status_code == 302
    assert not PrivacyPolicy.objects.exists()


def test_the_wrong_method_is_refused(client_for, board_member):
    client = client_for(board_member)
    assert client.post(PAGE).status_code == 405
    assert client.get(RETENTION).status_code == 405
    assert client.get(statement_url("nl")).status_code == 405
    assert Client().post(PUBLIC).status_code == 405


def test_a_statement_in_a_language_we_have_none_in_is_not_there(client_for, board_member):
    assert client_for(board_member).post(statement_url("de"), statement("de", "Hallo")).status_code == 404


def test_the_service_refuses_somebody_who_may_not_manage_personal_data(staff_member):
    with pytest.raises(PermissionDenied):
        services.policy_update(actor=staff_member, mention_months=1, case_months=1)
    with pytest.raises(PermissionDenied):
        services.statement_update(actor=staff_member, language="nl", text="Weg ermee")
    assert not PrivacyEvent.objects.exists()


def test_the_nav_links_to_the_page_for_the_board_only(client_for, board_member, manager):
    link = f'href="{PAGE}"'
    assert link in client_for(board_member).get(reverse("inbox:mention-list")).text
    assert link not in client_for(manager).get(reverse("inbox:mention-list")).text


def test_the_page_lists_what_happened_newest_first_and_nothing_of_another_organisation(
    client_for, board_member, outsider_board
):
    PrivacyEvent.record(
        actor=None,
        action=PrivacyEvent.Action.RETENTION,
        about=f"organisation:{board_member.organisation_id}",
        organisation_id=board_member.organisation_id,
        organisation=board_member.organisation,
        counts={"mentions": 2000, "cases": 3},
    )
    services.policy_update(actor=board_member, mention_months=6, case_months=24)
    services.policy_update(actor=outsider_board, mention_months=7, case_months=9)
    page = client_for(board_member).get(PAGE).text
    assert "2.000" in page, "counts grouped as Dutch groups numbers"
    assert "12/24 → 6/24" in page
    assert page.index("12/24 → 6/24") < page.index("2.000")
    assert "7/9" not in page
    assert PrivacyPolicy.objects.get(organisation=outsider_board.organisation).mention_months == 7
    assert PrivacyPolicy.objects.get(organisation=board_member.organisation).mention_months == 6


def test_counts_read_as_words_in_the_reader_s_language():
    with translation.override("en"):
        assert counts_in_words({"cases": 1, "mentions": 2000}) == "2,000 mentions, 1 case"
        assert counts_in_words({"sources": 4, "replies": 1}) == "1 reply, sources: 4"
    assert counts_in_words({}) == ""
    assert counts_in_words(None) == ""


# The statement ---------------------------------------------------------------------------------------------


def test_the_editor_starts_from_our_text_with_its_placeholders(client_for, board_member):
    page = client_for(board_member).get(PAGE).text
    assert "{maanden_vermeldingen}" in page
    assert "This statement is about {organisatie}." in page


def test_our_text_is_shown_with_the_organisation_and_its_periods_when_nothing_was_saved(organisation):
    organisation.contact_email, organisation.contact_phone = "privacy@dolfijnen.example", "010 123 45 67"
    organisation.save()
    page = public_page()
    assert "Deze verklaring gaat over Zwemvereniging De Dolfijnen." in page
    assert "bewaren we 12 maanden" in page
    assert "tot 24 maanden" in page
    assert "privacy@dolfijnen.example" in page
    assert "010 123 45 67" in page
    article = re.search(r"<article.*</article>", page, re.S)
    assert article is not None
    assert "{" not in article.group(0), "every placeholder is filled"


def test_the_public_page_follows_the_periods_set(board_member):
    services.policy_update(actor=board_member, mention_months=6, case_months=36)
    page = public_page()
    assert "bewaren we 6 maanden" in page
    assert "tot 36 maanden" in page


def test_an_english_visitor_reads_the_english_text(organisation):
    page = public_page("en")
    assert "This statement is about Zwemvereniging De Dolfijnen." in page
    assert "kept for 12 months" in page
    assert "Deze verklaring" not in page


def test_the_statement_is_saved_per_language_and_shown_without_signing_in(client_for, board_member):
    response = client_for(board_member).post(
        statement_url("nl"), statement("nl", "Wij, {organisatie}, bewaren weinig.\r\n\r\nVragen? Mail {email}.")
    )
    assert response.status_code == 302
    policy = PrivacyPolicy.objects.get()
    assert policy.statement_nl == "Wij, {organisatie}, bewaren weinig.\n\nVragen? Mail {email}."
    assert policy.statement_en == ""
    event = PrivacyEvent.objects.get()
    assert (event.action, event.from_value, event.to_value) == ("statement_changed", "nl:ours", "nl:own")
    assert "bewaren weinig" not in f"{event.from_value}{event.to_value}{event.counts}", "no text in the audit"
    page = public_page()
    assert "<p>Wij, Zwemvereniging De Dolfijnen, bewaren weinig.</p>" in page
    assert "<p>Vragen? Mail " in page
    assert "This statement is about" in public_page("en"), "the English one is still ours"


def test_a_statement_is_shown_escaped(board_member):
    services.statement_update(actor=board_member, language="nl", text='<script>alert("x")</script> & <b>vet</b>')
    page = public_page()
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &lt;b&gt;vet&lt;/b&gt;" in page
    assert "<script>alert" not in page
    assert "<b>vet</b>" not in page


def test_resetting_or_saving_our_text_unchanged_stores_our_text(client_for, board_member):
    client = client_for(board_member)
    client.post(statement_url("en"), statement("en", "Our own words."))
    client.post(statement_url("en"), statement("en", "Our own words.", reset=True))
    assert PrivacyPolicy.objects.get().statement_en == ""
    assert list(PrivacyEvent.objects.values_list("to_value", flat=True)) == ["en:ours", "en:own"]
    # Our text as the browser sends it back (CRLF line endings) is ours, not a copy of it.
    client.post(statement_url("nl"), statement("nl", DEFAULT_STATEMENTS["nl"].replace("\n", "\r\n") + "\r\n"))
    assert PrivacyPolicy.objects.get().statement_nl == ""
    assert PrivacyEvent.objects.count() == 2


def test_a_statement_too_long_comes_back_on_the_page(client_for, board_member):
    response = client_for(board_member).post(statement_url("nl"), statement("nl", "x" * 20_001))
    assert response.status_code == 200
    assert 'id="id_statement-nl-text-error"' in response.text
    assert not PrivacyEvent.objects.exists()


def test_the_public_page_is_not_there_before_an_organisation_is(db):
    assert Client().get(PUBLIC).status_code == 404


@pytest.mark.parametrize("language", ["nl", "en"])
def test_our_texts_use_every_placeholder_and_no_others(language):
    text = DEFAULT_STATEMENTS[language]
    assert set(re.findall(r"\{([^{}]*)\}", text)) == set(PLACEHOLDERS)
    assert 200 <= len(text.split()) <= 360
    assert "Autoriteit Persoonsgegevens" in text


def test_the_dutch_text_says_je():
    assert not re.search(r"\b(u|uw|U|Uw)\b", DEFAULT_STATEMENTS["nl"])


# Replies link to it --------------------------------------------------------------------------------------


def test_a_reply_draft_fills_privacy_with_the_statement_s_address(client_for, staff_member, board_member):
    source = SourceFactory(organisation=staff_member.organisation)
    case: Case = triage_services.case_open(actor=staff_member, mention_id=MentionFactory(source=source).id)
    page = client_for(staff_member).get(reverse("inbox:case-detail", args=[case.id])).text
    values = re.search(r'<script id="placeholder-values" type="application/json">(.*?)</script>', page, re.S)
    assert values is not None
    assert json.loads(values.group(1))["privacy"] == settings.WEBCARE_BASE_URL + "/privacy/"
    template = playbook_services.reply_template_save(
        actor=board_member,
        organisation=board_member.organisation,
        template_id=None,
        purpose="invite_private",
        language="nl",
        title="Privacy",
        body="Hoe we met je gegevens omgaan: {privacy}",
    )
    assert template.body.endswith("{privacy}")
