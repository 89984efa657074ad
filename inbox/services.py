"""Writes for the inbox: triage of mentions. Each change is one atomic function that also writes its audit row.

A change made from a screen carries the mention's ``version`` as that screen showed it: when somebody
changed the mention since, nothing is overwritten and ``MentionChanged`` says who did what.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from accounts.models import Organisation, User
from accounts.roles import Role
from inbox.defaults import seed_organisation
from inbox.exceptions import (
    CaseChanged,
    CaseNotFound,
    CaseRefused,
    MentionChanged,
    MentionNotFound,
    NothingToUndo,
    TriageRefused,
)
from inbox.models import (
    Case,
    CaseEvent,
    CaseMention,
    FlaggedPhrase,
    FourEyesRule,
    HouseRule,
    ImprovementAction,
    MentionEvent,
    Notification,
    PlaybookEvent,
    RemovalRequest,
    Reply,
    ReplyTemplate,
    Scenario,
)
from inbox.selectors import approvers, assignable_people, is_approver, may_close
from inbox.wording import placeholders_unknown
from monitoring.dates import EARLIEST_PUBLICATION, publication_is_sane
from monitoring.models import Mention
from monitoring.selectors import mentions_visible_to
from webcare.links import http_url_check

Action = MentionEvent.Action
Status = Mention.Status

BULK_LIMIT = 500
UNDO_WINDOW = timedelta(minutes=30)
NOTE_MAX_LENGTH = 5000


def mention_categorise(*, actor: User, mention_id: int, category: str, version: int | None = None) -> Mention:
    """Confirm or change the category. A new mention counts as triaged from then on."""
    with transaction.atomic():
        mention = _locked(actor, mention_id, version)
        _categorise(actor, mention, category, batch=uuid.uuid4())
    return mention


def mention_ignore(*, actor: User, mention_id: int, reason: str, version: int | None = None) -> Mention:
    """Put a mention aside with a reason. Nothing is deleted; ``mention_restore`` takes it back.

    Raises ``TriageRefused`` for a mention in a case: that is handled in the case.
    """
    with transaction.atomic():
        mention = _locked(actor, mention_id, version)
        _ignore(actor, mention, reason, batch=uuid.uuid4())
    return mention


def mention_restore(*, actor: User, mention_id: int, version: int | None = None) -> Mention:
    """Take an ignored mention back into the inbox, as triaged."""
    with transaction.atomic():
        mention = _locked(actor, mention_id, version)
        if mention.status == Status.IGNORED:
            _change(actor, mention, Action.RESTORE, {"status": Status.TRIAGED, "ignore_reason": ""}, batch=uuid.uuid4())
    return mention


def mention_assign(*, actor: User, mention_id: int, assignee_id: int | None, version: int | None = None) -> Mention:
    """Give a mention to a person (``None``: to nobody). Raises ``TriageRefused`` for somebody who cannot triage."""
    assignee = _assignee(assignee_id)
    with transaction.atomic():
        mention = _locked(actor, mention_id, version)
        _assign(actor, mention, assignee, batch=uuid.uuid4())
    return mention


def mention_note_add(*, actor: User, mention_id: int, text: str) -> MentionEvent:
    """An internal note in the mention's history. Notes never conflict, so they carry no version."""
    text = text.strip()
    if not text:
        raise TriageRefused(_("Write the note first."), mention_id=mention_id)
    if len(text) > NOTE_MAX_LENGTH:
        raise TriageRefused(
            _("A note can be at most %(limit)d characters long.") % {"limit": NOTE_MAX_LENGTH}, mention_id=mention_id
        )
    with transaction.atomic():
        mention = _locked(actor, mention_id, None)
        event = MentionEvent.objects.create(
            mention=mention, actor=actor, action=Action.NOTE, note=text, version=mention.version
        )
        _notify_named(
            actor,
            text,
            _("%(name)s mentioned you in a note on a mention: %(mention)s")
            % {"name": actor, "mention": Truncator(str(mention)).chars(120)},
            mention=mention,
        )
    return event


def case_open(*, actor: User, mention_id: int, title: str = "", version: int | None = None) -> Case:
    """Open a complaint case from a mention; the mention's assignee (else the actor) handles it."""
    with transaction.atomic():
        mention = _locked(actor, mention_id, version)
        _refuse_if_in_case(mention)
        first_response_due, resolution_due = case_due_times(mention.published_at)
        case = Case.objects.create(
            organisation_id=mention.organisation_id,
            title=(title.strip() or str(mention))[:300],
            assignee=mention.assignee or actor,
            created_by=actor,
            complainant_name=mention.author,
            complainant_platform=mention.platform,
            reported_at=mention.published_at,
            first_seen_at=mention.fetched_at,
            first_response_due_at=first_response_due,
            resolution_due_at=resolution_due,
        )
        CaseMention.objects.create(case=case, mention=mention, added_by=actor)
        _case_event(case, actor, "opened", "", str(mention))
        _change(actor, mention, Action.CASE_OPEN, _IN_CASE, batch=uuid.uuid4(), label=str(case))
    return case


def case_attach(*, actor: User, mention_id: int, case_id: int, version: int | None = None) -> Case:
    """Add a mention to an open case. Raises ``TriageRefused`` for a closed or unknown case."""
    with transaction.atomic():
        mention = _locked(actor, mention_id, version)
        _refuse_if_in_case(mention)
        case = Case.objects.select_for_update().filter(id=case_id, organisation_id=mention.organisation_id).first()
        if case is None or not case.is_open:
            raise TriageRefused(_("That case is closed or does not exist."), mention_id=mention_id)
        CaseMention.objects.create(case=case, mention=mention, added_by=actor)
        _case_event(case, actor, "mention_added", "", str(mention))
        if mention.published_at < case.reported_at:
            # An earlier post of the same complaint: response times count from the first time it was said.
            case.reported_at = mention.published_at
            case.first_response_due_at, case.resolution_due_at = case_due_times(mention.published_at)
            case.save(update_fields=["reported_at", "first_response_due_at", "resolution_due_at"])
        _change(actor, mention, Action.CASE_ATTACH, _IN_CASE, batch=uuid.uuid4(), label=str(case))
    return case


# Bulk and undo ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class BulkOutcome:
    changed: int
    skipped: int  # already so, or not possible in their state (in a case, for ignore)
    batch: uuid.UUID


def mentions_bulk_triage(*, actor: User, mention_ids: Sequence[int], action: str, value: str) -> BulkOutcome:
    """Ignore (``value``: the reason), categorise or assign (``value``: a user id or "") many mentions as one
    change, which ``batch_undo`` takes back as one. Raises ``TriageRefused`` for an unknown action or too many."""
    if action not in (Action.IGNORE, Action.CATEGORISE, Action.ASSIGN):
        raise TriageRefused(_("Choose what to do with the selected mentions."))
    if len(mention_ids) > BULK_LIMIT:
        raise TriageRefused(_("Select at most %(limit)d mentions at a time.") % {"limit": BULK_LIMIT})
    # "²" passes isdigit() but is no number.
    assignee = (
        _assignee(int(value) if value.isascii() and value.isdigit() else None) if action == Action.ASSIGN else None
    )
    batch = uuid.uuid4()
    changed = 0
    with transaction.atomic():
        # Locked in id order, so two bulk changes over overlapping selections wait instead of deadlocking.
        mentions = list(
            mentions_visible_to(actor).select_for_update(of=("self",)).filter(id__in=mention_ids).order_by("id")
        )
        for mention in mentions:
            if action == Action.IGNORE:
                if mention.status == Status.IN_CASE:
                    continue
                event = _ignore(actor, mention, value, batch=batch)
            elif action == Action.CATEGORISE:
                event = _categorise(actor, mention, value, batch=batch)
            else:
                event = _assign(actor, mention, assignee, batch=batch)
            changed += event is not None
    return BulkOutcome(changed=changed, skipped=len(mention_ids) - changed, batch=batch)


@dataclass(frozen=True)
class UndoOutcome:
    action: str
    restored: int
    kept: int  # changed by somebody since, so left as they are


def batch_undo(*, actor: User) -> UndoOutcome:
    """Take back ``actor``'s last triage change (one mention or one bulk action) of the last 30 minutes.

    A mention somebody changed since is left alone. Raises ``NothingToUndo`` when there is nothing,
    or when the last change was a note or a case (those are kept: a case is closed in the case).
    """
    since = timezone.now() - UNDO_WINDOW
    last = (
        MentionEvent.objects.filter(actor=actor, created_at__gte=since)
        .exclude(action=Action.NOTE)
        .order_by("-created_at", "-id")
        .first()
    )
    if last is None or last.action == Action.UNDO:
        raise NothingToUndo()
    if last.action in (Action.CASE_OPEN, Action.CASE_ATTACH):
        raise NothingToUndo(_("Adding a mention to a case is not undone here; the case keeps its history."))
    restored = kept = 0
    with transaction.atomic():
        events = list(MentionEvent.objects.filter(batch=last.batch, actor=actor).order_by("mention_id"))
        ids = [event.mention_id for event in events]
        mentions = {m.id: m for m in Mention.objects.select_for_update().filter(id__in=ids).order_by("id")}
        batch = uuid.uuid4()
        for event in events:
            mention = mentions[event.mention_id]
            if mention.version != event.version:
                kept += 1
                continue
            values = {name: value for name, value in event.before.items()}
            _change(actor, mention, Action.UNDO, values, batch=batch, label=event.action)
            restored += 1
    return UndoOutcome(action=last.action, restored=restored, kept=kept)


# Pieces ----------------------------------------------------------------------------------------------


def _locked(actor: User, mention_id: int, version: int | None) -> Mention:
    mention = mentions_visible_to(actor).select_for_update(of=("self",)).filter(id=mention_id).first()
    if mention is None:
        raise MentionNotFound(mention_id)
    if version is not None and mention.version != version:
        raise _changed(mention)
    return mention


def _changed(mention: Mention) -> MentionChanged:
    last = mention.events.exclude(action=Action.NOTE).select_related("actor").first()
    if last is None:
        return MentionChanged(mention.id, by=_("somebody"), what="", at=None)
    return MentionChanged(
        mention.id, by=str(last.actor or _("somebody")), what=last.get_action_display(), at=last.created_at
    )


def _refuse_if_in_case(mention: Mention) -> None:
    if mention.status == Status.IN_CASE:
        raise TriageRefused(_("This mention is already part of a case."), mention_id=mention.id)


def _assignee(assignee_id: int | None) -> User | None:
    if assignee_id is None:
        return None
    for person in assignable_people():
        if person.id == assignee_id:
            return person
    raise TriageRefused(_("Mentions can only be assigned to staff members and managers."))


def _categorise(actor: User, mention: Mention, category: str, *, batch: uuid.UUID) -> MentionEvent | None:
    if category not in Mention.Category.values:
        raise TriageRefused(_("Choose one of the categories."), mention_id=mention.id)
    values: dict[str, Any] = {"category": category}
    if mention.status == Status.NEW:
        values["status"] = Status.TRIAGED
    return _change(actor, mention, Action.CATEGORISE, values, batch=batch, label=category)


def _ignore(actor: User, mention: Mention, reason: str, *, batch: uuid.UUID) -> MentionEvent | None:
    if reason not in Mention.IgnoreReason.values:
        raise TriageRefused(_("Say why this mention needs no answer."), mention_id=mention.id)
    if mention.status == Status.IN_CASE:
        raise TriageRefused(_("This mention is part of a case: handle it there."), mention_id=mention.id)
    values = {"status": Status.IGNORED, "ignore_reason": reason}
    return _change(actor, mention, Action.IGNORE, values, batch=batch, label=reason)


def _assign(actor: User, mention: Mention, assignee: User | None, *, batch: uuid.UUID) -> MentionEvent | None:
    values: dict[str, Any] = {"assignee_id": assignee.id if assignee else None}
    if mention.status == Status.NEW:
        values["status"] = Status.TRIAGED
    return _change(actor, mention, Action.ASSIGN, values, batch=batch, label=str(assignee) if assignee else "")


def _change(
    actor: User, mention: Mention, action: str, values: dict[str, Any], *, batch: uuid.UUID, label: str = ""
) -> MentionEvent | None:
    """Set ``values`` on the locked ``mention`` and write the audit row; None when nothing changes."""
    before = {name: getattr(mention, name) for name in values}
    if before == values:
        return None
    previous = {"category": mention.category, "assignee": str(mention.assignee or ""), "status": mention.status}
    for name, value in values.items():
        setattr(mention, name, value)
    mention.version += 1
    mention.save(update_fields=[*values, "version"])
    return MentionEvent.objects.create(
        mention=mention,
        actor=actor,
        action=action,
        before=before,
        from_value=previous.get(_SHOWN.get(action, "status"), ""),
        to_value=label,
        batch=batch,
        version=mention.version,
    )


# A mention taken into a case is no longer ignored, whatever it was before.
_IN_CASE: dict[str, Any] = {"status": Status.IN_CASE, "ignore_reason": ""}

# Which earlier value the history shows beside the new one.
_SHOWN: dict[str, str] = {Action.CATEGORISE: "category", Action.ASSIGN: "assignee"}


# Cases ------------------------------------------------------------------------------------------------

CaseStatus = Case.Status

# Which status may follow which. Reopening goes back to the private conversation.
TRANSITIONS: dict[str, frozenset[str]] = {
    CaseStatus.OPEN: frozenset({CaseStatus.ACKNOWLEDGED, CaseStatus.PRIVATE, CaseStatus.RESOLVED}),
    CaseStatus.ACKNOWLEDGED: frozenset({CaseStatus.PRIVATE, CaseStatus.RESOLVED}),
    CaseStatus.PRIVATE: frozenset({CaseStatus.RESOLVED}),
    CaseStatus.RESOLVED: frozenset({CaseStatus.CLOSED, CaseStatus.PRIVATE}),
    CaseStatus.CLOSED: frozenset({CaseStatus.PRIVATE}),
}
# The complainant's answer in the history when nobody asked whether it really solves it.
SATISFACTION_NOT_ASKED = "not_asked"
# Replies logged as done at once: what was said by phone, e-mail or in person happened already.
RECORDED_CHANNELS = frozenset({Reply.Channel.EMAIL, Reply.Channel.PHONE, Reply.Channel.IN_PERSON})
_MENTION = re.compile(r"(?<![\w@])@([\w.+-]{1,150})")

EDITABLE_FIELDS = (
    "title",
    "complainant_name",
    "contact_email",
    "contact_phone",
    "complainer_type",
    "assessment",
    "priority",
    "tags",
    "assignee_id",
    "scenario_id",
)


# The case ---------------------------------------------------------------------------------------------


def case_update(*, actor: User, case_id: int, version: int | None, **values: Any) -> Case:
    """Change the case's own fields (see ``EDITABLE_FIELDS``); one audit row per changed field."""
    unknown = set(values) - set(EDITABLE_FIELDS)
    if unknown:
        raise CaseRefused(_("These fields cannot be changed here: %(names)s") % {"names": ", ".join(sorted(unknown))})
    with transaction.atomic():
        case = _case_locked(case_id, version)
        changed = [name for name, value in values.items() if getattr(case, name) != value]
        for name in changed:
            before, after = _shown(name, getattr(case, name)), _shown(name, values[name])
            _case_event(case, actor, f"set_{name.removesuffix('_id')}", before, after)
            setattr(case, name, values[name])
        if changed:
            case.full_clean(exclude=["organisation", "created_by", "assignee", "scenario"])
            _save(case, changed)
    return case


def case_move_private(*, actor: User, case_id: int, version: int | None) -> Case:
    """The conversation continues in private (a message, e-mail, phone or a cup of coffee)."""
    with transaction.atomic():
        case = _case_locked(case_id, version)
        _transition(case, actor, CaseStatus.PRIVATE)
        _save(case, ["status", "moved_private_at", "resolved_at", "closed_at"])
    return case


def case_resolve(
    *,
    actor: User,
    case_id: int,
    version: int | None,
    kind: str,
    agreed: str,
    satisfaction_asked: bool,
    satisfaction: str,
) -> Case:
    """Record how it was solved and whether we asked the complainant if it really solves it.

    "Not satisfied" takes the case back into the private conversation instead of resolving it.
    """
    if kind not in Case.ResolutionKind.values:
        raise CaseRefused(_("Choose what the solution was."))
    if satisfaction_asked and satisfaction not in Case.Satisfaction.values:
        raise CaseRefused(_("Say what the complainant answered."))
    if not satisfaction_asked:
        satisfaction = ""
    with transaction.atomic():
        case = _case_locked(case_id, version)
        case.resolution_kind, case.resolution_agreed = kind, agreed.strip()
        case.satisfaction_asked, case.satisfaction = satisfaction_asked, satisfaction
        fields = ["resolution_kind", "resolution_agreed", "satisfaction_asked", "satisfaction"]
        if satisfaction == Case.Satisfaction.NOT_SATISFIED:
            _case_event(case, actor, "not_satisfied", "", kind, note=case.resolution_agreed)
            if case.status != CaseStatus.PRIVATE:
                _transition(case, actor, CaseStatus.PRIVATE)
                fields += ["status", "moved_private_at", "resolved_at"]
        else:
            _transition(case, actor, CaseStatus.RESOLVED)
            fields += ["status", "resolved_at"]
            _case_event(case, actor, "resolved", "", kind, note=case.resolution_agreed)
            _case_event(case, actor, "satisfaction", "", satisfaction or SATISFACTION_NOT_ASKED)
        _save(case, fields)
    return case


def case_close(
    *, actor: User, case_id: int, version: int | None, followup_url: str = "", skipped_because: str = ""
) -> Case:
    """Close a resolved case, with the public follow-up (its link) or the reason none is needed.

    Raises ``CaseRefused`` for somebody who may not close it, without either, or for a link that is not
    a web address.
    """
    followup_url, skipped_because = _web_address(followup_url), skipped_because.strip()
    if not followup_url and not skipped_because:
        raise CaseRefused(_("Link the public follow-up, or say why none is needed."))
    with transaction.atomic():
        case = _case_locked(case_id, version)
        if not may_close(actor, case):
            raise CaseRefused(
                _("Only the person handling this case, the webcare owner, the deputy or a manager can close it.")
            )
        case.public_followup_url, case.public_followup_skipped_because = followup_url, skipped_because
        _transition(case, actor, CaseStatus.CLOSED)
        # The outcome as the history shows it: the public link, or the reason there is none.
        _case_event(case, actor, "closed", "", followup_url, note=skipped_because)
        _save(case, ["status", "closed_at", "public_followup_url", "public_followup_skipped_because"])
    return case


def case_reopen(*, actor: User, case_id: int, version: int | None) -> Case:
    """The complainant came back: the conversation goes on in private."""
    with transaction.atomic():
        case = _case_locked(case_id, version)
        if case.status not in (CaseStatus.RESOLVED, CaseStatus.CLOSED):
            raise CaseRefused(_("Only a resolved or closed case can be reopened."))
        _case_event(case, actor, "reopened", case.status, "")
        _transition(case, actor, CaseStatus.PRIVATE)
        _save(case, ["status", "moved_private_at", "resolved_at", "closed_at"])
    return case


def case_note_add(*, actor: User, case_id: int, text: str) -> CaseEvent:
    """An internal note; each @username in it gets a notification in the app."""
    text = text.strip()
    if not text:
        raise CaseRefused(_("Write the note first."))
    with transaction.atomic():
        case = _case_locked(case_id, None)
        event = _case_event(case, actor, "note", "", "", note=text)
        _notify_named(
            actor, text, _("%(name)s mentioned you in a note on %(case)s") % {"name": actor, "case": case}, case=case
        )
    return event


# Replies ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReplySaved:
    reply: Reply
    is_new: bool  # False when the same form was sent twice


def reply_save(*, actor: User, case_id: int, channel: str, text: str, submission_key: uuid.UUID) -> ReplySaved:
    """A reply: a draft for the platform (public or private), or a record of what was said by e-mail,
    phone or in person, which counts as a response at once. The same form sent twice saves one reply."""
    text = text.strip()
    if channel not in Reply.Channel.values:
        raise CaseRefused(_("Choose how the reply goes out."))
    if not text:
        raise CaseRefused(_("Write the reply first."))
    existing = Reply.objects.filter(submission_key=submission_key, case_id=case_id).first()
    if existing is not None:
        return ReplySaved(existing, is_new=False)
    try:
        with transaction.atomic():
            case = _case_locked(case_id, None)
            reply = Reply(
                case=case,
                channel=channel,
                text=text,
                author=actor,
                submission_key=submission_key,
                needs_approval=channel == Reply.Channel.PUBLIC and _needs_second_eyes(case),
            )
            reply.save()
            _case_event(case, actor, "reply_draft", "", channel)
            if channel in RECORDED_CHANNELS:
                _posted(reply, actor, at=timezone.now(), link="", platform_at=None)
    except IntegrityError:
        # The same form arrived twice at the same moment; the other request saved it.
        return ReplySaved(Reply.objects.get(submission_key=submission_key), is_new=False)
    return ReplySaved(reply, is_new=True)


def reply_request_approval(*, actor: User, reply_id: int) -> Reply:
    """Ask for the second pair of eyes; the owner, the deputy and the managers are told."""
    with transaction.atomic():
        reply = _reply_locked(reply_id)
        if reply.state != Reply.State.DRAFT:
            raise CaseRefused(_("Only a draft can be sent for approval."))
        reply.state = Reply.State.AWAITING_APPROVAL
        reply.save(update_fields=["state"])
        _case_event(reply.case, actor, "reply_approval_asked", "", "")
        for person in approvers(organisation=reply.case.organisation):
            if person.id != actor.id:
                _notify(
                    person,
                    actor,
                    reply.case,
                    _("%(name)s asks you to check a reply on %(case)s") % {"name": actor, "case": reply.case},
                )
    return reply


def reply_approve(*, actor: User, reply_id: int, comment: str = "") -> Reply:
    """Approve a reply. Raises ``CaseRefused`` for its own author or somebody who may not approve."""
    with transaction.atomic():
        reply = _reply_locked(reply_id)
        if reply.author_id == actor.id:
            raise CaseRefused(_("A second pair of eyes means somebody else: ask a colleague to approve it."))
        if not is_approver(actor, reply.case.organisation):
            raise CaseRefused(_("Only the webcare owner, the deputy or a manager can approve replies."))
        if reply.is_posted:
            raise CaseRefused(_("This reply was posted already."))
        reply.state, reply.approved_by, reply.approved_at = Reply.State.APPROVED, actor, timezone.now()
        reply.save(update_fields=["state", "approved_by", "approved_at"])
        _case_event(reply.case, actor, "reply_approved", "", "", note=comment.strip())
        _notify(
            reply.author,
            actor,
            reply.case,
            _("%(name)s approved your reply on %(case)s") % {"name": actor, "case": reply.case},
        )
    return reply


def reply_comment(*, actor: User, reply_id: int, comment: str) -> CaseEvent:
    """A reviewer's remark on a reply; its author is told."""
    comment = comment.strip()
    if not comment:
        raise CaseRefused(_("Write the comment first."))
    with transaction.atomic():
        reply = _reply_locked(reply_id)
        event = _case_event(reply.case, actor, "reply_comment", "", "", note=comment)
        if reply.author_id != actor.id:
            _notify(
                reply.author,
                actor,
                reply.case,
                _("%(name)s commented on your reply on %(case)s") % {"name": actor, "case": reply.case},
            )
    return event


def reply_mark_posted(
    *, actor: User, reply_id: int, link: str = "", platform_posted_at: datetime | None = None
) -> Reply:
    """The reply was posted on the platform by hand: log it with its link (and the platform's time).

    Raises ``CaseRefused`` while it still needs approval, and for its own author before approval, for a
    link that is not a web address and for a platform time before 1990 or more than a day ahead.
    """
    link = _web_address(link)
    if platform_posted_at is not None and not publication_is_sane(platform_posted_at):
        raise CaseRefused(
            _("Give a time on the platform between %(earliest)s and now.")
            % {"earliest": date_format(EARLIEST_PUBLICATION.date(), "DATE_FORMAT")}
        )
    with transaction.atomic():
        reply = _reply_locked(reply_id)
        if reply.is_posted:
            return reply
        if reply.needs_approval and reply.state != Reply.State.APPROVED:
            raise CaseRefused(_("This reply needs approval before it may be posted."))
        _posted(reply, actor, at=timezone.now(), link=link, platform_at=platform_posted_at)
    return reply


def _posted(reply: Reply, actor: User, *, at: datetime, link: str, platform_at: datetime | None) -> None:
    reply.state, reply.posted_at, reply.link, reply.platform_posted_at = Reply.State.POSTED, at, link, platform_at
    reply.save(update_fields=["state", "posted_at", "link", "platform_posted_at"])
    case = reply.case
    _case_event(case, actor, "reply_posted", "", reply.channel, note=reply.text)
    fields: list[str] = []
    responded = reply.responded_at
    if responded and (case.first_response_at is None or responded < case.first_response_at):
        case.first_response_at = responded
        fields.append("first_response_at")
    if case.status == CaseStatus.OPEN:
        target = CaseStatus.ACKNOWLEDGED if reply.channel == Reply.Channel.PUBLIC else CaseStatus.PRIVATE
        _transition(case, actor, target)
        fields += ["status", "moved_private_at"]
    elif case.status == CaseStatus.ACKNOWLEDGED and reply.channel != Reply.Channel.PUBLIC:
        _transition(case, actor, CaseStatus.PRIVATE)
        fields += ["status", "moved_private_at"]
    if fields:
        _save(case, fields)


# Learning ---------------------------------------------------------------------------------------------


def improvement_add(*, actor: User, case_id: int, description: str, owner_id: int) -> ImprovementAction:
    description = description.strip()
    if not description:
        raise CaseRefused(_("Describe what changes."))
    with transaction.atomic():
        case = _case_locked(case_id, None)
        improvement = ImprovementAction.objects.create(case=case, description=description, owner_id=owner_id)
        _case_event(case, actor, "improvement_added", "", description)
    return improvement


def improvement_update(*, actor: User, improvement_id: int, state: str, announced_url: str = "") -> ImprovementAction:
    """Move an improvement on, with the link where it was announced in public.

    Raises ``ImprovementAction.DoesNotExist`` for an unknown one, ``CaseRefused`` for an unknown state or
    a link that is not a web address.
    """
    if state not in ImprovementAction.State.values:
        raise CaseRefused(_("Choose a state."))
    announced_url = _web_address(announced_url)
    with transaction.atomic():
        improvement = ImprovementAction.objects.select_for_update().select_related("case").get(id=improvement_id)
        _case_event(improvement.case, actor, "improvement_state", improvement.state, state)
        improvement.state, improvement.announced_url = state, announced_url
        improvement.save(update_fields=["state", "announced_url"])
    return improvement


def removal_request_add(*, actor: User, case_id: int, reason: str, platform: str, note: str = "") -> RemovalRequest:
    """Ask a platform to remove fake or abusive content. A last resort: the case stays open."""
    if reason not in RemovalRequest.Reason.values:
        raise CaseRefused(_("Removal is only for fake or abusive content: choose the reason."))
    with transaction.atomic():
        case = _case_locked(case_id, None)
        request = RemovalRequest.objects.create(
            case=case, reason=reason, platform=platform.strip(), requested_by=actor, note=note.strip()
        )
        _case_event(case, actor, "removal_requested", "", reason)
    return request


def removal_request_outcome(*, actor: User, request_id: int, outcome: str) -> RemovalRequest:
    if outcome not in RemovalRequest.Outcome.values:
        raise CaseRefused(_("Choose the outcome."))
    with transaction.atomic():
        request = RemovalRequest.objects.select_for_update().select_related("case").get(id=request_id)
        _case_event(request.case, actor, "removal_outcome", request.outcome, outcome)
        request.outcome = outcome
        request.save(update_fields=["outcome"])
    return request


# The organisation's own rules (the board) ------------------------------------------------------------


def reply_template_save(
    *,
    actor: User,
    organisation: Organisation,
    template_id: int | None,
    purpose: str,
    language: str,
    title: str,
    body: str,
    is_active: bool = True,
) -> ReplyTemplate:
    """Create (no ``template_id``) or change one of ``organisation``'s templates. Raises ``CaseRefused``
    naming any unknown placeholder, and for a template the organisation does not have."""
    unknown = placeholders_unknown(body)
    if unknown:
        raise CaseRefused(
            _("Unknown placeholders: %(names)s. Use {naam}, {medewerker}, {organisatie}, {telefoon} or {email}.")
            % {"names": ", ".join("{" + name + "}" for name in unknown)}
        )
    with transaction.atomic():
        template = (
            ReplyTemplate(organisation=organisation)
            if template_id is None
            else ReplyTemplate.objects.select_for_update().filter(id=template_id, organisation=organisation).first()
        )
        if template is None:
            raise CaseRefused(_("This template does not exist (any more). Reload the page."))
        before = f"{template.title}: {template.body}" if template_id else ""
        template.purpose, template.language, template.title = purpose, language, title.strip()
        template.body, template.is_active = body.strip(), is_active
        template.full_clean()
        template.save()
        _playbook_event(organisation, actor, "template", before, f"{template.title}: {template.body}")
    return template


def organisation_roster_set(
    *,
    actor: User,
    organisation: Organisation,
    owner_id: int | None,
    deputy_id: int | None,
    contact_phone: str = "",
    contact_email: str = "",
) -> Organisation:
    """The board appoints the webcare owner and the deputy (two different people) and says how complainants
    reach the organisation in private."""
    if owner_id is not None and owner_id == deputy_id:
        raise CaseRefused(_("The deputy takes over from the owner: choose two different people."))
    with transaction.atomic():
        organisation = (
            Organisation.objects.select_for_update(of=("self",))
            .select_related("webcare_owner", "webcare_deputy")
            .get(id=organisation.id)
        )

        def shown() -> str:
            people = f"{organisation.webcare_owner or '—'} / {organisation.webcare_deputy or '—'}"
            return f"{people} ({organisation.contact_phone} {organisation.contact_email})"

        before = shown()
        organisation.webcare_owner_id, organisation.webcare_deputy_id = owner_id, deputy_id
        organisation.contact_phone, organisation.contact_email = contact_phone.strip(), contact_email.strip()
        organisation.save(update_fields=["webcare_owner", "webcare_deputy", "contact_phone", "contact_email"])
        organisation.refresh_from_db(fields=["webcare_owner", "webcare_deputy"])
        after = shown()
        _playbook_event(organisation, actor, "roster", before, after)
    return organisation


def organisation_defaults_seed(*, organisation_id: int) -> None:
    """Give a new organisation the default templates, house rules, flagged phrases and scenarios."""
    models_by_name = {
        "ReplyTemplate": ReplyTemplate,
        "HouseRule": HouseRule,
        "FlaggedPhrase": FlaggedPhrase,
        "Scenario": Scenario,
    }
    with transaction.atomic():
        seed_organisation(organisation_id, models=models_by_name)


# What the playbook's lists hold: the model and the fields a person fills in.
PLAYBOOK_LISTS: dict[str, tuple[type[models.Model], tuple[str, ...]]] = {
    "house_rule": (HouseRule, ("text", "language")),
    "flagged_phrase": (FlaggedPhrase, ("phrase", "advice")),
    "four_eyes_rule": (FourEyesRule, ("priority", "category")),
    "scenario": (Scenario, ("title", "situation", "prepared_answer", "responder_id")),
}


def playbook_item_add(*, actor: User, organisation: Organisation, kind: str, values: dict[str, Any]) -> models.Model:
    """Add a house rule, flagged phrase, four-eyes rule or scenario. Raises ``CaseRefused`` for bad input."""
    model, fields = PLAYBOOK_LISTS[kind]
    extra: dict[str, Any] = {}
    if kind == "house_rule":
        extra["position"] = HouseRule.objects.filter(organisation=organisation).count()
    item = model(organisation=organisation, **extra, **{name: values[name] for name in fields if name in values})
    try:
        item.full_clean()
    except ValidationError as exc:
        raise CaseRefused(" ".join(exc.messages)) from exc
    with transaction.atomic():
        item.save()
        _playbook_event(organisation, actor, f"{kind}_added", "", str(item))
    return item


def playbook_item_remove(*, actor: User, organisation: Organisation, kind: str, item_id: int) -> None:
    """Take an item off the playbook. A scenario is kept for the cases that follow it, but no longer offered."""
    model, _fields = PLAYBOOK_LISTS[kind]
    with transaction.atomic():
        item = model._default_manager.select_for_update().filter(id=item_id, organisation=organisation).first()
        if item is None:
            return
        if isinstance(item, Scenario):
            item.is_active = False
            item.save(update_fields=["is_active"])
        else:
            item.delete()
        _playbook_event(organisation, actor, f"{kind}_removed", str(item), "")


def _playbook_event(organisation: Organisation, actor: User, action: str, before: str, after: str) -> None:
    PlaybookEvent.objects.create(
        organisation=organisation, actor=actor, action=action, from_value=before, to_value=after
    )


# Pieces -----------------------------------------------------------------------------------------------


def _web_address(link: str) -> str:
    """``link`` as it is stored ("" for none); raises ``CaseRefused`` for anything but a web address."""
    try:
        return http_url_check(link)
    except ValidationError as exc:
        raise CaseRefused(" ".join(exc.messages)) from exc


def _needs_second_eyes(case: Case) -> bool:
    category = _case_category(case)
    rules = FourEyesRule.objects.filter(organisation_id=case.organisation_id)
    return any(
        (not rule.priority or rule.priority == case.priority) and (not rule.category or rule.category == category)
        for rule in rules
    )


def _case_category(case: Case) -> str:
    first = case.links.select_related("mention").order_by("added_at").first()
    return first.mention.effective_category if first else ""


def _case_locked(case_id: int, version: int | None) -> Case:
    case = Case.objects.select_for_update(of=("self",)).select_related("organisation").filter(id=case_id).first()
    if case is None:
        raise CaseNotFound(case_id)
    if version is not None and case.version != version:
        last = case.events.exclude(action="note").select_related("actor").first()
        raise CaseChanged(
            case_id,
            by=str(last.actor) if last and last.actor else _("somebody"),
            what=last.action_label if last else "",
            at=last.created_at if last else None,
        )
    return case


def _reply_locked(reply_id: int) -> Reply:
    reply = (
        # The case is locked too: posting a reply moves the case on, and must not cross a close.
        Reply.objects.select_for_update(of=("self", "case"))
        .select_related("case__organisation", "author")
        .filter(id=reply_id)
        .first()
    )
    if reply is None:
        raise CaseRefused(_("This reply does not exist."))
    return reply


def _transition(case: Case, actor: User, to: str) -> None:
    if to not in TRANSITIONS[case.status]:
        raise CaseRefused(
            _("A case that is “%(from)s” cannot become “%(to)s”.")
            % {"from": case.get_status_display(), "to": CaseStatus(to).label}
        )
    now = timezone.now()
    _case_event(case, actor, "status", case.status, to)
    case.status = to
    if to == CaseStatus.PRIVATE:
        # Back in conversation (not satisfied after all, or reopened): no longer resolved nor closed.
        case.moved_private_at = case.moved_private_at or now
        case.resolved_at = case.closed_at = None
    elif to == CaseStatus.RESOLVED:
        case.resolved_at = now
    elif to == CaseStatus.CLOSED:
        case.closed_at = now


def _shown(name: str, value: Any) -> object:
    """A field's value as the history shows it: people and scenarios by name rather than by id."""
    if value is None:
        return value
    if name == "assignee_id":
        return User.objects.filter(id=value).first() or value
    if name == "scenario_id":
        return Scenario.objects.filter(id=value).first() or value
    return value


def _save(case: Case, fields: list[str]) -> None:
    case.version += 1
    case.save(update_fields=[*dict.fromkeys(fields), "version"])


def _case_event(case: Case, actor: User, action: str, before: object, after: object, *, note: str = "") -> CaseEvent:
    return CaseEvent.objects.create(
        case=case,
        actor=actor,
        action=action,
        from_value="" if before is None else str(before),
        to_value="" if after is None else str(after),
        note=note,
    )


def _notify(recipient: User, actor: User, case: Case, text: str) -> None:
    Notification.objects.create(recipient=recipient, actor=actor, case=case, text=text[:300])


def _notify_named(
    actor: User, note: str, text: str, *, case: Case | None = None, mention: Mention | None = None
) -> list[User]:
    """Tell each colleague named as @username in ``note`` (not the writer) with ``text``, pointing at the
    ``case`` or the ``mention``. Returns who was told; runs one query, and one insert per person."""
    # A name ending a sentence ("bel jij, @kim.") keeps its punctuation out of the username.
    names = {name.rstrip(".-+") for name in _MENTION.findall(note)}
    if not names:
        return []
    colleagues = User.objects.filter(username__in=names, is_active=True, groups__name__in=Role.values)
    told = list(colleagues.exclude(id=actor.id).distinct())
    Notification.objects.bulk_create(
        Notification(recipient=person, actor=actor, case=case, mention=mention, text=text[:300]) for person in told
    )
    return told


def case_due_times(reported_at: datetime) -> tuple[datetime, datetime]:
    """When the first response and the resolution are due for a complaint said at ``reported_at``."""
    return (
        reported_at + settings.WEBCARE_FIRST_RESPONSE_TARGET,
        reported_at + settings.WEBCARE_RESOLUTION_TARGET,
    )


def notifications_mark_read(*, user: User) -> int:
    """Everything waiting for ``user`` counts as seen now. Returns how many were unread."""
    return Notification.objects.filter(recipient=user, read_at__isnull=True).update(read_at=timezone.now())
