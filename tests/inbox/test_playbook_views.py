"""The playbook page and the board's forms: ids sent with a form are checked against the organisation."""

from __future__ import annotations

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from inbox.models import PlaybookEvent, ReplyTemplate
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
    assert response.status_code == 302
    assert response["Location"] == reverse("inbox:playbook")
    [said] = texts(response)
    assert "sjabloon" in said.lower()
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
    assert response.status_code == 302
    assert len(texts(response)) == 1
    theirs.refresh_from_db()
    assert theirs.title == "Van hen"
    assert not ReplyTemplate.objects.filter(title="Overgenomen").exists()


def test_only_the_board_changes_templates(client_for, staff_member, template):
    assert client_for(staff_member).post(URL, sent(str(template.id))).status_code == 403
    assert client_for(staff_member).get(URL).status_code == 405
