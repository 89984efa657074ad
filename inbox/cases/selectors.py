"""Reading cases: the case list, a case's page, improvements and who may approve or close."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import F, Q, QuerySet

from accounts.models import Organisation, User
from accounts.roles import Role
from accounts.selectors import organisation_id_of
from inbox.cases.models import Case, CaseEvent, ImprovementAction, RemovalRequest, Reply
from inbox.playbook.models import FlaggedPhrase, HouseRule, ReplyTemplate, Scenario


def cases_open(*, user: User, limit: int = 50) -> list[tuple[int, str]]:
    """Open cases a mention can be added to, newest first: each one's id and name (as ``str(case)`` gives it).
    Runs one query, of these two columns only: every mention's pane asks for it."""
    if not user.has_perm("monitoring.triage_mention"):
        return []
    cases = cases_visible_to(user).exclude(status=Case.Status.CLOSED).values_list("id", "title")[:limit]
    return [(case_id, Case.name_of(case_id, title)) for case_id, title in cases]


CASE_PAGE_SIZE = 100


# The templates that fit an assessment come first in the reply editor.
FITTING_TEMPLATES: dict[str, tuple[str, ...]] = {
    Case.Assessment.JUSTIFIED: (ReplyTemplate.Purpose.JUSTIFIED, ReplyTemplate.Purpose.APOLOGY),
    Case.Assessment.UNJUSTIFIED: (ReplyTemplate.Purpose.UNJUSTIFIED,),
    Case.Assessment.OPINION: (ReplyTemplate.Purpose.OPINION,),
}


def cases_visible_to(user: User) -> QuerySet[Case]:
    """Cases ``user`` may read; none for a user without the right to read mentions."""
    if not user.has_perm("monitoring.view_mention") or user.organisation_id is None:
        return Case.objects.none()
    return Case.objects.filter(organisation_id=organisation_id_of(user)).select_related("assignee")


def case_list(*, user: User, statuses: tuple[str, ...] = (), mine: bool = False) -> list[Case]:
    """Cases, the ones whose response is due soonest first, closed ones last. Runs one query."""
    cases = cases_visible_to(user)
    if statuses:
        cases = cases.filter(status__in=statuses)
    if mine:
        cases = cases.filter(assignee=user)
    # NULLs placed explicitly: PostgreSQL sorts them last and SQLite first, and here an empty closed_at
    # (still open) and an empty first_response_at (not answered yet) mean "first".
    return list(
        cases.order_by(
            F("closed_at").asc(nulls_first=True),
            F("first_response_at").asc(nulls_first=True),
            F("first_response_due_at").asc(nulls_last=True),
            "-created_at",
        )[:CASE_PAGE_SIZE]
    )


@dataclass(frozen=True)
class CaseView:
    case: Case
    mentions: list
    replies: list[Reply]
    events: list[CaseEvent]
    improvements: list[ImprovementAction]
    removal_requests: list
    templates: list[ReplyTemplate]
    house_rules: list[HouseRule]
    flagged_phrases: list[FlaggedPhrase]
    scenarios: list[Scenario]
    may_see_contact: bool  # else the case's e-mail address and phone number are blanked (``can_see_contact``)

    @property
    def closing(self) -> CaseEvent | None:
        """The step that closed the case (who and when), or None while it is not closed."""
        if self.case.is_open:
            return None
        return next((e for e in self.events if e.action == "status" and e.to_value == Case.Status.CLOSED), None)


@dataclass(frozen=True)
class ReplyItem:
    """A reply on the case page with what the reader may do with it, decided here once: the template only
    shows what these say."""

    reply: Reply
    may_act: bool  # may work on it at all: it is not sent yet and the reader handles cases
    may_ask_approval: bool
    may_approve: bool  # the four-eyes rule: an approver, and not the one who wrote it
    may_mark_posted: bool  # needs no approval, or has it


def reply_items(*, user: User, replies: list[Reply], is_approver: bool) -> list[ReplyItem]:
    handles = user.has_perm("monitoring.triage_mention")
    items = []
    for reply in replies:
        may_act = handles and not reply.is_posted
        items.append(
            ReplyItem(
                reply=reply,
                may_act=may_act,
                may_ask_approval=may_act and reply.state == Reply.State.DRAFT and reply.needs_approval,
                may_approve=may_act
                and reply.state == Reply.State.AWAITING_APPROVAL
                and is_approver
                and reply.author_id != user.id,
                may_mark_posted=may_act and (not reply.needs_approval or reply.state == Reply.State.APPROVED),
            )
        )
    return items


def case_is_visible(*, user: User, case_id: int) -> bool:
    """Whether there is a case ``case_id`` that ``user`` may see. Runs one query."""
    return cases_visible_to(user).filter(id=case_id).exists()


def case_detail(*, user: User, case_id: int, language: str) -> CaseView | None:
    """A case with everything its page shows, or None when there is none ``user`` may see. For somebody who
    may not see the complainant's contact details they are blanked on the case returned (never save it)."""
    case = (
        cases_visible_to(user)
        .select_related("organisation", "scenario", "scenario__responder", "created_by")
        .filter(id=case_id)
        .first()
    )
    if case is None:
        return None
    may_see_contact = can_see_contact(user, case)
    if not may_see_contact:
        case.contact_email = case.contact_phone = ""
    fitting = FITTING_TEMPLATES.get(case.assessment, ())
    templates = list(ReplyTemplate.objects.filter(organisation_id=case.organisation_id, is_active=True))
    templates.sort(key=lambda t: (t.language != language, t.purpose not in fitting, t.purpose, t.title))
    return CaseView(
        case=case,
        mentions=[link.mention for link in case.links.select_related("mention__source").order_by("added_at")],
        replies=list(case.replies.select_related("author", "approved_by")),
        events=list(case.events.select_related("actor")),
        improvements=list(case.improvements.select_related("owner")),
        removal_requests=list(case.removal_requests.select_related("requested_by")),
        templates=templates,
        house_rules=list(HouseRule.objects.filter(organisation_id=case.organisation_id, language=language))
        or list(HouseRule.objects.filter(organisation_id=case.organisation_id)),
        flagged_phrases=list(FlaggedPhrase.objects.filter(organisation_id=case.organisation_id)),
        scenarios=list(Scenario.objects.filter(organisation_id=case.organisation_id, is_active=True)),
        may_see_contact=may_see_contact,
    )


def improvements_open(*, user: User) -> list[ImprovementAction]:
    if not user.has_perm("monitoring.view_mention"):
        return []
    mine = ImprovementAction.objects.filter(case__organisation_id=organisation_id_of(user))
    return list(mine.exclude(state=ImprovementAction.State.DONE).select_related("case", "owner"))


def improvements_done(*, user: User, limit: int = 100) -> list[ImprovementAction]:
    """The finished improvements, newest first: what complaints changed, with where it was announced."""
    if not user.has_perm("monitoring.view_mention"):
        return []
    done = ImprovementAction.objects.filter(
        state=ImprovementAction.State.DONE, case__organisation_id=organisation_id_of(user)
    ).select_related("case", "owner")
    return list(done.order_by("-created_at", "-id")[:limit])


def approvers(*, organisation: Organisation) -> list[User]:
    """Who may approve a reply that needs a second pair of eyes: the webcare owner, the deputy and the
    managers. Runs one query."""
    ids = [i for i in (organisation.webcare_owner_id, organisation.webcare_deputy_id) if i]
    people = User.objects.filter(
        Q(id__in=ids) | Q(groups__name=Role.MANAGER), is_active=True, organisation=organisation
    )
    return list(people.distinct())


def is_approver(user: User, organisation: Organisation) -> bool:
    """The webcare owner, the deputy and managers may approve a reply that needs a second pair of eyes."""
    if user.organisation_id != organisation.id:
        return False
    return user.id in (organisation.webcare_owner_id, organisation.webcare_deputy_id) or user.has_perm(
        "cases.approve_reply"
    )


def may_close(user: User, case: Case) -> bool:
    """Only the case's assignee, the webcare owner, the deputy or a manager may close a case."""
    return user.id == case.assignee_id or is_approver(user, case.organisation)


def can_see_contact(user: User, case: Case) -> bool:
    """Whether ``user`` may see (and change) the complainant's e-mail address and phone number on ``case``:
    its assignee, the organisation's webcare owner and deputy, managers and the board. Everybody else who
    reads the case sees that they are hidden; the complainant's name and platform are public on the platform
    and stay shown to all.

    Runs no query when ``case.organisation`` is loaded and ``user``'s permissions were read already (every
    view's permission check reads them), else one for each."""
    if user.organisation_id != case.organisation_id:
        return False
    organisation = case.organisation
    if user.id in (case.assignee_id, organisation.webcare_owner_id, organisation.webcare_deputy_id):
        return True
    return user.has_perm("accounts.view_contact_details")  # managers and the board


def case_visible(*, user: User, case_id: int) -> Case | None:
    """One case with its organisation, or None when there is none ``user`` may see. Runs one query."""
    return cases_visible_to(user).select_related("organisation").filter(id=case_id).first()


def scenarios_for(*, user: User, case_id: int) -> list[Scenario]:
    """The scenarios in use in the organisation of case ``case_id``, for linking it; none for a case
    ``user`` may not see. Runs one query."""
    cases = cases_visible_to(user).filter(id=case_id).values("organisation_id")
    return list(Scenario.objects.filter(is_active=True, organisation_id__in=cases))


def reply_visible(*, user: User, reply_id: int) -> Reply | None:
    """One reply, or None when there is none ``user`` may see. Runs one query."""
    return Reply.objects.filter(id=reply_id, case__in=cases_visible_to(user)).first()


def removal_request_visible(*, user: User, request_id: int) -> RemovalRequest | None:
    """One removal request, or None when there is none ``user`` may see. Runs one query."""
    return RemovalRequest.objects.filter(id=request_id, case__in=cases_visible_to(user)).first()
