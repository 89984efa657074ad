"""What a reader may do with each reply on the case page is decided once, in the selector, not in a template."""

from __future__ import annotations

import pytest

from inbox.cases.models import Reply
from inbox.cases.selectors import reply_items
from tests.factories import ReplyFactory, UserFactory

pytestmark = pytest.mark.django_db


def actions(user, reply, *, is_approver: bool) -> tuple[bool, bool, bool, bool]:
    (item,) = reply_items(user=user, replies=[reply], is_approver=is_approver)
    return item.may_act, item.may_ask_approval, item.may_approve, item.may_mark_posted


def test_a_reply_that_needs_approval_is_asked_for_then_approved_by_someone_else():
    author = UserFactory(username="sam-staff", role="staff")
    approver = UserFactory(username="max-manager", role="manager")
    reply = ReplyFactory(author=author, needs_approval=True)
    assert actions(author, reply, is_approver=False) == (True, True, False, False)
    reply.state = Reply.State.AWAITING_APPROVAL
    assert actions(author, reply, is_approver=True) == (True, False, False, False)  # never one's own
    assert actions(approver, reply, is_approver=True) == (True, False, True, False)
    reply.state = Reply.State.APPROVED
    assert actions(author, reply, is_approver=False) == (True, False, False, True)


def test_a_reply_without_the_rule_may_be_marked_posted_at_once():
    author = UserFactory(username="sam-staff", role="staff")
    assert actions(author, ReplyFactory(author=author), is_approver=False) == (True, False, False, True)


def test_a_sent_reply_or_a_reader_who_does_not_handle_cases_gets_no_actions():
    author = UserFactory(username="sam-staff", role="staff")
    board = UserFactory(username="bea-board", role="board")
    draft = ReplyFactory(author=author, needs_approval=True)
    assert actions(board, draft, is_approver=True) == (False, False, False, False)
    sent = ReplyFactory(author=author, state=Reply.State.POSTED)
    assert actions(author, sent, is_approver=True) == (False, False, False, False)
