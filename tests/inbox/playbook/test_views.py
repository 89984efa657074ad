"""The playbook page and the board's forms: ids sent with a form are checked against the organisation."""

from __future__ import annotations

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from inbox.playbook.models import PlaybookEvent, ReplyTemplate
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db
URL = reverse("inbox:playbook-template")


@pytest.fixture
def template(organisation) -> ReplyTemplate:
    return ReplyTemplate.objects.create(
        organisation=organisation, purpose="apology", language="nl", title="Sorry", body="Het spijt ons, {naam}."
    )


def sent(template_id: str, title: str = "Excuses") -> dict[str, str]:
    return {
        "template-template_id": template_id,
        "template-purpose": "apology",
        "template-language": "nl",
        "template-title": title,
        "template-body": "Het spijt ons.",
        "template-is_active": "on",
    }


def texts(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_the_board_changes_a_template(client_for, board_member, template):
    response = client_for(board_member).post(URL, sent(str(template.id)))
    assert response.status_code == 302
    template.refresh_from_db()
    assert template.title == "Excuses"


def test_the_board_adds_a_template(client_for, board_member, organisation):
    before = ReplyTemplate.objects.filter(organisation=organisation).count()
    client_for(board_member).post(URL, sent(""))
    assert ReplyTemplate.objects.filter(organisation=organisation).count() == before + 1


@pytest.mark.parametrize("template_id", ["999999", "9" * 25, "abc", "-1", "1.5", "²", "a\x00"])
def test_an_unknown_or_malformed_template_is_a_clear_error(
    client_for, board_member, organisation, template, template_id
):
    response = client_for(board_member).post(URL, sent(template_id))
    body = response.content.decode()
    # The playbook page again, saying why, with what was typed still in the form.
    assert response.status_code == 200
    assert "Dit sjabloon bestaat niet (meer)" in body
    assert 'value="Excuses"' in body
    template.refresh_from_db()
    assert template.title == "Sorry"
    assert not PlaybookEvent.objects.filter(action="template").exists()


def test_another_organisations_template_is_not_changed(client_for, board_member, organisation, template):
    theirs = ReplyTemplate.objects.create(
        organisation=OrganisationFactory(name="Elders"),
        purpose="apology",
        language="nl",
        title="Van hen",
        body="Hun tekst.",
    )
    response = client_for(board_member).post(URL, sent(str(theirs.id), title="Overgenomen"))
    assert response.status_code == 200
    assert "Dit sjabloon bestaat niet (meer)" in response.content.decode()
    theirs.refresh_from_db()
    assert theirs.title == "Van hen"
    assert not ReplyTemplate.objects.filter(title="Overgenomen").exists()


def test_only_the_board_changes_templates(client_for, staff_member, template):
    assert client_for(staff_member).post(URL, sent(str(template.id))).status_code == 403
    assert client_for(staff_member).get(URL).status_code == 405


@pytest.mark.parametrize(
    ("url", "data", "typed"),
    [
        (reverse("inbox:playbook-add", args=["house_rule"]), {"house_rule-text": "x" * 301}, "x" * 301),
        (
            reverse("inbox:playbook-add", args=["scenario"]),
            {"scenario-title": "Wachtlijst", "scenario-situation": "Lang wachten op zwemles"},
            "Lang wachten op zwemles",
        ),
        (URL, sent("", title=""), "Het spijt ons."),
    ],
    ids=["house rule too long", "scenario incomplete", "template without a title"],
)
def test_a_refused_playbook_form_comes_back_with_what_was_typed(
    client_for, board_member, organisation, url, data, typed
):
    response = client_for(board_member).post(url, data)
    body = response.content.decode()
    assert response.status_code == 200
    assert typed in body
    assert 'class="field-error"' in body
    assert "Niet opgeslagen" in body


def test_a_refused_change_to_a_template_is_shown_in_that_template_s_place(client_for, board_member, template):
    response = client_for(board_member).post(URL, sent(str(template.id), title=""))
    body = response.content.decode()
    assert response.status_code == 200
    # That template's part is open with the form as sent; the "New template" form stays empty.
    opened = body.split('<details class="template-item" open>', 1)[1].split("</details>", 1)[0]
    assert f'value="{template.id}"' in opened
    assert "Het spijt ons." in opened
    assert 'class="field-error"' in opened
    template.refresh_from_db()
    assert template.title == "Sorry"
