"""Reading the playbook."""

from __future__ import annotations

from dataclasses import dataclass

from accounts.models import Organisation, User
from inbox.playbook.models import FlaggedPhrase, FourEyesRule, HouseRule, ReplyTemplate, Scenario


@dataclass(frozen=True)
class Playbook:
    organisation: Organisation
    house_rules: list[HouseRule]
    flagged_phrases: list[FlaggedPhrase]
    four_eyes_rules: list[FourEyesRule]
    scenarios: list[Scenario]
    templates: list[ReplyTemplate]


def playbook_of(*, user: User, organisation: Organisation) -> Playbook | None:
    """The organisation's agreements for answering, or None for somebody who may not read them."""
    if not user.has_perm("monitoring.view_mention"):
        return None
    mine = {"organisation": organisation}
    return Playbook(
        organisation=organisation,
        house_rules=list(HouseRule.objects.filter(**mine)),
        flagged_phrases=list(FlaggedPhrase.objects.filter(**mine)),
        four_eyes_rules=list(FourEyesRule.objects.filter(**mine)),
        scenarios=list(Scenario.objects.filter(**mine, is_active=True).select_related("responder")),
        templates=list(ReplyTemplate.objects.filter(**mine)),
    )
