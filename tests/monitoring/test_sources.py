"""Adding a source and the board's changes to it (the pages that make them: test_source_manage.py)."""

from __future__ import annotations

import pytest

from monitoring.models import Source, SourceEvent
from monitoring.services.sources import source_create, source_resume
from tests.factories import SourceFactory

pytestmark = pytest.mark.django_db


def test_creating_a_source_is_audited(organisation, board_member):
    source = source_create(
        organisation=organisation,
        name="Blog",
        kind=Source.Kind.FEED,
        url="https://blog.example/feed",
        actor=board_member,
    )
    event = SourceEvent.objects.get(source=source)
    assert (event.action, event.actor, event.to_value) == ("created", board_member, "https://blog.example/feed")


def test_resuming_a_paused_source_makes_it_due_again(organisation, board_member):
    source = SourceFactory(
        organisation=organisation, is_active=False, consecutive_failures=10, paused_reason_code="paused_by_board"
    )
    source_resume(source_id=source.id, actor=board_member)
    source.refresh_from_db()
    assert (source.is_active, source.consecutive_failures, source.paused_reason, source.next_poll_at) == (
        True, 0, "", None,
    )  # fmt: skip
    assert SourceEvent.objects.get(source=source, action="resumed").actor == board_member
