"""Reading received mail, and a small team. The loopback mail server is ``tests.mailserver`` (fixtures
``smtp_server`` and ``mailbox`` in tests/conftest.py)."""

from __future__ import annotations

from email.message import EmailMessage

import pytest
from django.utils import translation

from tests.factories import UserFactory


def nl(msgid: str) -> str:
    """``msgid`` as a Dutch reader sees it: the default language, translated or not (yet)."""
    with translation.override("nl"):
        return translation.gettext(msgid)


def parts(message: EmailMessage) -> tuple[str, str]:
    """The plain text and the HTML of a received message."""
    plain = message.get_body(preferencelist=("plain",))
    html = message.get_body(preferencelist=("html",))
    assert plain is not None, "a message has a plain-text part"
    assert html is not None, "a message has an HTML part"
    return plain.get_content(), html.get_content()


@pytest.fixture
def team(organisation, board_member):
    """Piet owns webcare, Sanne stands in; both handle cases."""
    piet = UserFactory(username="piet", first_name="Piet", role="staff", organisation=organisation)
    sanne = UserFactory(username="sanne", first_name="Sanne", role="staff", organisation=organisation)
    organisation.webcare_owner, organisation.webcare_deputy = piet, sanne
    organisation.save()
    return {"owner": piet, "deputy": sanne, "board": board_member}
