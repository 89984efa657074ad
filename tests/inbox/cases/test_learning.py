"""What a case teaches: improvements and removal requests."""

from __future__ import annotations

import pytest

from inbox.cases import learning as learning
from inbox.cases import replies as replies
from inbox.cases.models import Case, CaseEvent, ImprovementAction, RemovalRequest
from inbox.exceptions import CaseRefused
from tests.inbox.cases.conftest import fresh

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("in_english")]


# Learning ----------------------------------------------------------------------------------------------


def test_an_improvement_is_recorded_and_followed(case, staff_member, manager):
    improvement = learning.improvement_add(
        actor=staff_member, case_id=case.id, description="Rooster badmeesters op de website", owner_id=manager.id
    )
    assert (improvement.state, improvement.owner) == (ImprovementAction.State.OPEN, manager)
    learning.improvement_update(
        actor=manager, improvement_id=improvement.id, state="done", announced_url=" https://club.example/nieuws "
    )
    improvement.refresh_from_db()
    assert (improvement.state, improvement.announced_url) == ("done", "https://club.example/nieuws")
    event = CaseEvent.objects.get(case=case, action="improvement_state")
    assert (event.actor, event.from_value, event.to_value) == (manager, "open", "done")
    with pytest.raises(CaseRefused):
        learning.improvement_add(actor=staff_member, case_id=case.id, description=" ", owner_id=manager.id)
    with pytest.raises(CaseRefused):
        learning.improvement_update(actor=manager, improvement_id=improvement.id, state="forgotten")


def test_a_removal_request_keeps_the_case_open(case, staff_member):
    request = learning.removal_request_add(
        actor=staff_member, case_id=case.id, reason=RemovalRequest.Reason.THREAT, platform="Facebook", note="Dreigement"
    )
    assert request.outcome == RemovalRequest.Outcome.PENDING
    learning.removal_request_outcome(actor=staff_member, request_id=request.id, outcome="removed")
    case = fresh(case)
    assert case.status == Case.Status.OPEN
    assert case.closed_at is None
    assert list(CaseEvent.objects.filter(case=case).order_by("id").values_list("action", "from_value", "to_value"))[
        1:
    ] == [("removal_requested", "", "threat"), ("removal_outcome", "pending", "removed")]


def test_removal_is_only_for_fake_or_abusive_content(case, staff_member):
    with pytest.raises(CaseRefused, match="fake or abusive"):
        learning.removal_request_add(actor=staff_member, case_id=case.id, reason="unfair", platform="Google")
    assert not RemovalRequest.objects.exists()
