"""The board is e-mailed when polling paused a source."""

from __future__ import annotations

import pytest

from monitoring.services.mail import source_paused_notify
from monitoring.texts import Text
from tests.factories import SourceFactory, UserFactory

pytestmark = pytest.mark.django_db


def paused_source(organisation):
    source = SourceFactory(organisation=organisation, name="Buurtforum", consecutive_failures=10)
    source.pause_because(Text("paused_after_failures", {"count": 10, "error": Text("timeout").as_json()}))
    source.save()
    return source


def test_it_mails_each_active_board_member_with_an_address(organisation, board_member, staff_member, mailoutbox):
    UserFactory(username="bob-board-gone", role="board", is_active=False)
    UserFactory(username="bo-board-no-mail", role="board", email="")
    source = paused_source(organisation)

    assert source_paused_notify(source_id=source.id) == 1

    assert [message.to for message in mailoutbox] == [[board_member.email]]
    assert "Buurtforum" in mailoutbox[0].subject
    assert source.url in mailoutbox[0].body
    assert "10" in mailoutbox[0].body


def test_it_mails_no_one_when_no_board_member_has_an_address(organisation, staff_member, mailoutbox, caplog):
    source = paused_source(organisation)

    assert source_paused_notify(source_id=source.id) == 0

    assert mailoutbox == []
    assert "no board member has an e-mail address" in caplog.text
