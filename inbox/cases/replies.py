"""Replies to the complainant: drafting, the four-eyes check and logging what was sent."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.selectors import organisation_id_of
from inbox.cases.models import Case, CaseEvent, Reply
from inbox.cases.selectors import approvers, is_approver
from inbox.cases.services import (
    RECORDED_CHANNELS,
    CaseStatus,
    _case_category,
    _transition,
    case_event_record,
    case_locked,
    case_save,
    web_address,
)
from inbox.exceptions import CaseRefused
from inbox.notifications.models import Notification
from inbox.notifications.services import notify
from inbox.playbook.models import FourEyesRule
from monitoring.dates import EARLIEST_PUBLICATION, publication_is_sane


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
            case = case_locked(actor, case_id, None)
            reply = Reply(
                case=case,
                channel=channel,
                text=text,
                author=actor,
                submission_key=submission_key,
                needs_approval=channel == Reply.Channel.PUBLIC and _needs_second_eyes(case),
            )
            if channel in RECORDED_CHANNELS:
                # Said already (by e-mail, phone or in person): saved as sent at once, one row and one event.
                reply.state, reply.posted_at = Reply.State.POSTED, timezone.now()
                reply.save()
                _responded(reply, actor)
            else:
                reply.save()
                case_event_record(case, actor, "reply_draft", "", channel)
    except IntegrityError:
        # The same form arrived twice at the same moment; the other request saved it.
        return ReplySaved(Reply.objects.get(submission_key=submission_key), is_new=False)
    return ReplySaved(reply, is_new=True)


def reply_request_approval(*, actor: User, reply_id: int) -> Reply:
    """Ask for the second pair of eyes; the owner, the deputy and the managers are told."""
    with transaction.atomic():
        reply = _reply_locked(actor, reply_id)
        if reply.state != Reply.State.DRAFT:
            raise CaseRefused(_("Only a draft can be sent for approval."))
        reply.state = Reply.State.AWAITING_APPROVAL
        reply.save(update_fields=["state"])
        case_event_record(reply.case, actor, "reply_approval_asked", "", "")
        for person in approvers(organisation=reply.case.organisation):
            if person.id != actor.id:
                notify(
                    person,
                    actor,
                    kind=Notification.Kind.APPROVAL_ASKED,
                    url=reply.case.get_absolute_url(),
                    dedupe_key=f"approval_asked:{reply.id}",
                    text=_("%(name)s asks you to check a reply on %(case)s") % {"name": actor, "case": reply.case},
                )
    return reply


def reply_approve(*, actor: User, reply_id: int, comment: str = "") -> Reply:
    """Approve a reply. Raises ``CaseRefused`` for its own author or somebody who may not approve."""
    with transaction.atomic():
        reply = _reply_locked(actor, reply_id)
        if reply.author_id == actor.id:
            raise CaseRefused(_("A second pair of eyes means somebody else: ask a colleague to approve it."))
        if not is_approver(actor, reply.case.organisation):
            raise CaseRefused(_("Only the webcare owner, the deputy or a manager can approve replies."))
        if reply.is_posted:
            raise CaseRefused(_("This reply was posted already."))
        reply.state, reply.approved_by, reply.approved_at = Reply.State.APPROVED, actor, timezone.now()
        reply.save(update_fields=["state", "approved_by", "approved_at"])
        case_event_record(reply.case, actor, "reply_approved", "", "", note=comment.strip())
        notify(
            reply.author,
            actor,
            kind=Notification.Kind.APPROVED,
            url=reply.case.get_absolute_url(),
            dedupe_key=f"approved:{reply.id}",
            text=_("%(name)s approved your reply on %(case)s") % {"name": actor, "case": reply.case},
        )
    return reply


def reply_comment(*, actor: User, reply_id: int, comment: str) -> CaseEvent:
    """A reviewer's remark on a reply; its author is told."""
    comment = comment.strip()
    if not comment:
        raise CaseRefused(_("Write the comment first."))
    with transaction.atomic():
        reply = _reply_locked(actor, reply_id)
        event = case_event_record(reply.case, actor, "reply_comment", "", "", note=comment)
        if reply.author_id != actor.id:
            notify(
                reply.author,
                actor,
                kind=Notification.Kind.REPLY_COMMENT,
                url=reply.case.get_absolute_url(),
                text=_("%(name)s commented on your reply on %(case)s") % {"name": actor, "case": reply.case},
            )
    return event


def reply_mark_posted(
    *, actor: User, reply_id: int, link: str = "", platform_posted_at: datetime | None = None
) -> Reply:
    """The reply was posted on the platform by hand: log it with its link (and the platform's time).

    Raises ``CaseRefused`` while it still needs approval, and for its own author before approval, for a
    link that is not a web address and for a platform time before 1990 or more than a day ahead.
    """
    link = web_address(link)
    if platform_posted_at is not None and not publication_is_sane(platform_posted_at):
        raise CaseRefused(
            _("Give a time on the platform between %(earliest)s and now.")
            % {"earliest": date_format(EARLIEST_PUBLICATION.date(), "DATE_FORMAT")}
        )
    with transaction.atomic():
        reply = _reply_locked(actor, reply_id)
        if reply.is_posted:
            return reply
        if reply.needs_approval and reply.state != Reply.State.APPROVED:
            raise CaseRefused(_("This reply needs approval before it may be posted."))
        _posted(reply, actor, at=timezone.now(), link=link, platform_at=platform_posted_at)
    return reply


def _posted(reply: Reply, actor: User, *, at: datetime, link: str, platform_at: datetime | None) -> None:
    reply.state, reply.posted_at, reply.link, reply.platform_posted_at = Reply.State.POSTED, at, link, platform_at
    reply.save(update_fields=["state", "posted_at", "link", "platform_posted_at"])
    _responded(reply, actor)


def _responded(reply: Reply, actor: User) -> None:
    """What a reply that reached the complainant does to its case: the history, the first response and the
    status."""
    case = reply.case
    # The reply's text stays on the reply; the history says one was sent, and how.
    case_event_record(case, actor, "reply_posted", "", reply.channel)
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
        case_save(case, fields)


def _needs_second_eyes(case: Case) -> bool:
    category = _case_category(case)
    rules = FourEyesRule.objects.filter(organisation_id=case.organisation_id)
    return any(
        (not rule.priority or rule.priority == case.priority) and (not rule.category or rule.category == category)
        for rule in rules
    )


def _reply_locked(actor: User, reply_id: int) -> Reply:
    reply = (
        # The case is locked too: posting a reply moves the case on, and must not cross a close.
        Reply.objects.select_for_update(of=("self", "case"))
        .select_related("case__organisation", "author")
        .filter(id=reply_id, case__organisation_id=organisation_id_of(actor))
        .first()
    )
    if reply is None:
        raise CaseRefused(_("This reply does not exist."))
    return reply
