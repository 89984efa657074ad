"""Cases: complaints being handled, their replies, improvements and removal requests, and their history."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Organisation
from inbox.playbook.models import Priority, Scenario
from inbox.targets.clock import State
from inbox.team.wording import routing_reason
from monitoring.feeds.platforms import Platform
from monitoring.models import Mention
from webcare.audit import AuditRow

# How long a first response took, in hours, as the reports sort them: (name, from, to; None: no upper bound).
FIRST_RESPONSE_BUCKETS: tuple[tuple[str, int, int | None], ...] = (
    ("first_response_0_1h", 0, 1),
    ("first_response_1_4h", 1, 4),
    ("first_response_4_8h", 4, 8),
    ("first_response_8_24h", 8, 24),
    ("first_response_24h", 24, None),
)


def _took_first(low: int, high: int | None) -> models.Q:
    within = models.Q(first_response_took__gte=timedelta(hours=low))
    return within & models.Q(first_response_took__lt=timedelta(hours=high)) if high is not None else within


# What a case's milestones came to, as far as the passing of time no longer changes it: each a condition on the
# case, and a bit (by its place here) of the case's ``marks``, which the database works out whenever the case is
# written, so that the reports count cases by their marks instead of working each condition out per case. What
# still changes with time (a target running late, while no answer came) is worked out when counting.
# The values are those of ``Case.Status`` and ``Case.Satisfaction`` (defined in the class below).
MARKS: dict[str, models.Q] = {
    "first_response_timed": models.Q(first_response_took__isnull=False),
    "first_response_met": models.Q(
        first_response_due_at__isnull=False,
        first_response_at__isnull=False,
        first_response_at__lte=models.F("first_response_due_at"),
    ),
    "first_response_late": models.Q(
        first_response_due_at__isnull=False, first_response_at__gt=models.F("first_response_due_at")
    ),
    "resolution_timed": models.Q(resolution_took__isnull=False),
    "resolution_met": models.Q(
        resolution_due_at__isnull=False, resolved_at__isnull=False, resolved_at__lte=models.F("resolution_due_at")
    ),
    "resolution_late": models.Q(resolution_due_at__isnull=False, resolved_at__gt=models.F("resolution_due_at")),
    **{name: _took_first(low, high) for name, low, high in FIRST_RESPONSE_BUCKETS},
    "satisfaction_asked": models.Q(resolved_at__isnull=False, satisfaction_asked=True),
    "satisfied": models.Q(resolved_at__isnull=False, satisfaction_asked=True, satisfaction="satisfied"),
    "closed": models.Q(status="closed"),
    "followed_up": models.Q(status="closed") & ~models.Q(public_followup_url=""),
}
MARK_BITS = {name: 1 << n for n, name in enumerate(MARKS)}


def _marks() -> Any:
    """The sum of the bits of the ``MARKS`` a case has: what its ``marks`` column holds."""
    bits = [
        models.Case(models.When(condition, then=models.Value(MARK_BITS[name])), default=models.Value(0))
        for name, condition in MARKS.items()
    ]
    total: Any = bits[0]
    for bit in bits[1:]:
        total = total + bit
    return total


class Case(models.Model):
    """A complaint being handled: one or more mentions, the complainant, an owner and a status. Never deleted.

    Its time stamps (first response, moved private, resolved, closed) are set by the services from
    the events that cause them; response times count from ``reported_at``, the publication of the
    first mention.
    """

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        ACKNOWLEDGED = "acknowledged", _("Acknowledged")
        PRIVATE = "private", _("In private conversation")
        RESOLVED = "resolved", _("Resolved")
        CLOSED = "closed", _("Closed")

    class ComplainerType(models.TextChoices):
        QUESTION = "question", _("Has a question")
        DISAPPOINTED = "disappointed", _("Disappointed")
        ANGRY = "angry", _("Angry")

    class Assessment(models.TextChoices):
        JUSTIFIED = "justified", _("Justified")
        UNJUSTIFIED = "unjustified", _("Unjustified")
        OPINION = "opinion", _("An opinion")

    Priority = Priority

    class Satisfaction(models.TextChoices):
        SATISFIED = "satisfied", _("Satisfied")
        NOT_SATISFIED = "not_satisfied", _("Not satisfied")
        NO_ANSWER = "no_answer", _("No answer")

    class ResolutionKind(models.TextChoices):
        EXPLANATION = "explanation", _("Explanation")
        APOLOGY = "apology", _("Apology")
        FIX = "fix", _("Fix")
        REPLACEMENT = "replacement", _("Replacement")
        VOUCHER = "voucher", _("Voucher or discount")
        REFUND = "refund", _("Refund")
        NONE_POSSIBLE = "none_possible", _("No solution possible")

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="cases", verbose_name=_("organisation")
    )
    title = models.CharField(_("title"), max_length=300)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.OPEN)
    complainant_name = models.CharField(_("complainant"), max_length=200, blank=True)
    complainant_platform = models.CharField(_("platform"), max_length=32, blank=True)
    contact_email = models.EmailField(_("e-mail address"), blank=True)
    contact_phone = models.CharField(_("phone number"), max_length=40, blank=True)
    complainer_type = models.CharField(_("complainer type"), max_length=16, choices=ComplainerType.choices, blank=True)
    assessment = models.CharField(_("assessment"), max_length=16, choices=Assessment.choices, blank=True)
    priority = models.CharField(_("priority"), max_length=8, choices=Priority.choices, default=Priority.NORMAL)
    tags = models.CharField(_("tags"), max_length=300, blank=True, help_text=_("Separated by commas."))
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_cases",
        verbose_name=_("assigned to"),
    )
    scenario = models.ForeignKey(
        Scenario, on_delete=models.SET_NULL, null=True, blank=True, related_name="cases", verbose_name=_("scenario")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("opened by")
    )
    created_at = models.DateTimeField(_("opened at"), default=timezone.now)
    reported_at = models.DateTimeField(_("said in public at"), default=timezone.now)
    first_seen_at = models.DateTimeField(_("found at"), default=timezone.now)
    # Due times from the organisation's targets (inbox.targets), and when each becomes at risk (three quarters of
    # its time used); moved on by the time the case waited on the complainant (``waited``).
    first_response_due_at = models.DateTimeField(_("first response due"), null=True, blank=True)
    resolution_due_at = models.DateTimeField(_("resolution due"), null=True, blank=True)
    first_response_risk_at = models.DateTimeField(null=True, blank=True)
    resolution_risk_at = models.DateTimeField(null=True, blank=True)
    # Waiting on the complainant since then (the clock stands still); None: not waiting.
    waiting_since = models.DateTimeField(_("waiting on the complainant since"), null=True, blank=True)
    # The counted time (opening hours or clock hours) of the waits that ended: the due times moved on by it.
    waited = models.DurationField(default=timedelta(0))
    # How long the first response and the resolution took, counted as the organisation's targets count (opening
    # hours or clock hours; the resolution without the time the case waited on the complainant): written when
    # the milestone happens and again when the targets change, so reports never walk calendars row by row.
    first_response_took = models.DurationField(_("first response took"), null=True, blank=True)
    resolution_took = models.DurationField(_("resolution took"), null=True, blank=True)
    first_response_at = models.DateTimeField(_("first response at"), null=True, blank=True)
    moved_private_at = models.DateTimeField(_("moved private at"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    resolution_kind = models.CharField(_("solution"), max_length=16, choices=ResolutionKind.choices, blank=True)
    resolution_agreed = models.TextField(_("what was agreed"), blank=True)
    satisfaction_asked = models.BooleanField(_("asked whether this really solves it"), default=False)
    satisfaction = models.CharField(_("answer"), max_length=16, choices=Satisfaction.choices, blank=True)
    public_followup_url = models.URLField(_("public follow-up"), max_length=2000, blank=True)
    public_followup_skipped_because = models.TextField(_("why no public follow-up"), blank=True)
    version = models.PositiveIntegerField(default=0)
    # When the complainant's name, contact details and the texts about them were removed (inbox.privacy).
    anonymised_at = models.DateTimeField(_("anonymised at"), null=True, blank=True)
    # Which of ``MARKS`` it has (one bit each): kept by the database.
    marks = models.GeneratedField(expression=_marks(), output_field=models.IntegerField(), db_persist=True)

    class Meta:
        db_table = "inbox_case"
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["status", "-created_at"], name="case_status_recent_idx"),
            # The open cases, newest first (a mention's "add to a case" choices, the case list): few of all cases.
            models.Index(
                fields=["organisation", "-created_at", "-id"],
                condition=~models.Q(status="closed"),
                name="case_open_recent_idx",
            ),
        ]
        # Managers (with the webcare owner and deputy, who are named on the organisation) check replies that need
        # a second pair of eyes, and may close any case.
        permissions = [("approve_reply", _("Can approve replies that need a second pair of eyes, and close any case"))]

    def __str__(self) -> str:
        return self.name_of(self.pk, self.title)

    def get_absolute_url(self) -> str:
        return reverse("inbox:case-detail", args=[self.pk])

    @staticmethod
    def name_of(case_id: int, title: str) -> str:
        """How a case is named wherever it is listed: its number and title."""
        return f"#{case_id} {title}"

    @property
    def is_open(self) -> bool:
        return self.status != self.Status.CLOSED

    @property
    def tag_list(self) -> list[str]:
        return [tag.strip() for tag in self.tags.split(",") if tag.strip()]

    @property
    def complainant_platform_label(self) -> str:
        """The platform the complainant spoke on, as people call it; empty when not known."""
        if self.complainant_platform in Platform.values:
            return str(Platform(self.complainant_platform).label)
        return self.complainant_platform

    @property
    def polling_delay(self) -> timedelta:
        """How long after it was said we found it: the part of the response time the sources cost."""
        return max(self.first_seen_at - self.reported_at, timedelta(0))

    @property
    def first_response_time(self) -> timedelta | None:
        return self.first_response_at - self.reported_at if self.first_response_at else None

    @property
    def is_waiting(self) -> bool:
        return self.waiting_since is not None

    @property
    def is_handled(self) -> bool:
        """Resolved or closed: no target runs any more."""
        return self.status in (self.Status.RESOLVED, self.Status.CLOSED)

    def targets(self, now: datetime) -> list[TargetShown]:
        """The first response and the resolution, each with its due time and where it stands at ``now``; while
        the case waits on the complainant, where it stood when the wait began (the clock stands still)."""
        at = self.waiting_since or now
        shown = []
        for name, due, risk, done, took in (
            (
                "first_response",
                self.first_response_due_at,
                self.first_response_risk_at,
                self.first_response_at,
                self.first_response_took,
            ),
            ("resolution", self.resolution_due_at, self.resolution_risk_at, self.resolved_at, self.resolution_took),
        ):
            if due is None:
                continue
            if done is not None or (name == "resolution" and self.is_handled):
                shown.append(TargetShown(name, due, None, done, is_late=done is not None and done > due, took=took))
                continue
            state = State.BREACHED if at >= due else State.AT_RISK if risk is not None and at >= risk else None
            shown.append(TargetShown(name, due, state or State.ON_TRACK, None, is_late=state == State.BREACHED))
        return shown

    def next_target(self, now: datetime) -> TargetShown | None:
        """The target that runs now: the first response until it is given, then the resolution."""
        return next((target for target in self.targets(now) if target.state is not None), None)


@dataclass(frozen=True)
class TargetShown:
    """A case's first response or resolution: when it is due, and its state (None once it was met, at
    ``met_at``)."""

    name: str  # "first_response" or "resolution"
    due_at: datetime
    state: State | None
    met_at: datetime | None
    is_late: bool  # breached, or met after it was due
    # How long it took, counted as the targets count (opening or clock hours, waiting left out); None: not met.
    took: timedelta | None = None

    @property
    def label(self) -> str:
        return str(_("First response") if self.name == "first_response" else _("Resolution"))


class CaseEvent(AuditRow):
    """One audited change to a case: who, what, from → to, when. The case history is read from these."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="events")
    note = models.TextField(blank=True)

    class Meta(AuditRow.Meta):
        db_table = "inbox_caseevent"

    def __str__(self) -> str:
        return f"{self.action} {self.case_id}"

    @property
    def action_label(self) -> str:
        return str(CASE_ACTIONS.get(self.action, self.action))

    @property
    def routing_text(self) -> str:
        """Why a ``routed`` case went to whom, in plain words: "assigned to Sanne: Piet is away". The row holds
        where in the chain the handler was found, their name, and in ``note`` the names passed over (one a
        line)."""
        return routing_reason(self.from_value, self.to_value, self.note.splitlines())

    @property
    def from_label(self) -> str:
        return self._label(self.from_value)

    @property
    def to_label(self) -> str:
        return self._label(self.to_value)

    def _label(self, value: str) -> str:
        """Stored codes shown in the reader's language; names and free text as they are."""
        choices = _CASE_VALUE_CHOICES.get(self.action)
        return str(dict(choices).get(value, value)) if choices else value


CASE_ACTIONS = {
    "opened": _("opened the case"),
    "status": _("changed the status"),
    "note": _("added a note"),
    "reply_draft": _("wrote a reply"),
    "reply_approval_asked": _("asked for approval of a reply"),
    "reply_approved": _("approved a reply"),
    "reply_comment": _("commented on a reply"),
    "reply_posted": _("logged a reply as sent"),
    "resolved": _("recorded the solution"),
    "satisfaction": _("recorded the complainant's answer"),
    "not_satisfied": _("heard the complainant is not satisfied"),
    "closed": _("closed the case"),
    "reopened": _("reopened the case"),
    "improvement_added": _("added an improvement"),
    "improvement_state": _("updated an improvement"),
    "removal_requested": _("asked the platform to remove it"),
    "removal_outcome": _("recorded the platform's answer"),
    "mention_added": _("added a mention"),
    "set_title": _("changed the title"),
    "set_complainant_name": _("changed the complainant"),
    "set_contact_email": _("changed the e-mail address"),
    "set_contact_phone": _("changed the phone number"),
    "set_complainer_type": _("set the complainer type"),
    "set_assessment": _("assessed the complaint"),
    "set_priority": _("set the priority"),
    "set_tags": _("changed the tags"),
    "set_assignee": _("assigned the case"),
    "set_scenario": _("linked a scenario"),
    "routed": _("assigned to whoever handles complaints today"),
    "handed_over": _("handed over while its handler is away"),
    "handed_back": _("handed back: its handler returned"),
    "waiting": _("is waiting on the complainant: the clock stands still"),
    "resumed": _("no longer waits on the complainant: the clock runs again"),
}


# What a link keeps of its mention, and has a first_… flag of.
_KEPT = ("platform", "source_id", "category")


class CaseMention(models.Model):
    """A mention that belongs to a case; a mention belongs to one case at most.

    It keeps the mention's platform, source and effective category (the confirmed one, else the suggested one),
    so that the reports find a case's platforms, sources and categories without reading the mentions: filled in
    from the mention when the link is made (``of``, ``save``), the category again when triage changes it
    (``inbox.triage.services.mention_change``)."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="links")
    mention = models.OneToOneField(Mention, on_delete=models.PROTECT, related_name="case_link")
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    added_at = models.DateTimeField(default=timezone.now)
    # Defaults in the database too, for links written in SQL (the benchmarks), which then run ``FILL``.
    platform = models.CharField(max_length=32, blank=True, default="", db_default="")
    source_id = models.BigIntegerField(null=True, blank=True)  # the mention's source (kept: it is never deleted)
    category = models.CharField(max_length=16, blank=True, default="", db_default="")
    # Whether this is its case's first link (by id), and the first with its platform, source and category: what a
    # report counts a case once by, overall and per platform, source and category.
    first_of_case = models.BooleanField(default=True, db_default=True)
    first_platform = models.BooleanField(default=True, db_default=True)
    first_source = models.BooleanField(default=True, db_default=True)
    first_category = models.BooleanField(default=True, db_default=True)

    class Meta:
        db_table = "inbox_casemention"
        verbose_name = _("mention in a case")
        verbose_name_plural = _("mentions in a case")

    def __str__(self) -> str:
        return f"{self.case_id}:{self.mention_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self._state.adding:
            if not self.platform:
                self.platform, self.source_id = self.mention.platform, self.mention.source_id
                self.category = self.mention.effective_category
            earlier = list(CaseMention.objects.filter(case_id=self.case_id).values_list(*_KEPT))
            self.first_of_case = not earlier
            for n, name in enumerate(_KEPT):
                setattr(self, f"first_{name.removesuffix('_id')}", getattr(self, name) not in {e[n] for e in earlier})
        super().save(*args, **kwargs)

    @classmethod
    def recategorise(cls, mention: Mention) -> None:
        """Keep the new effective category of ``mention`` on its link, and which of its case's links is the first
        of each category. Runs two queries and an update per link that changes."""
        links = list(cls.objects.filter(case__links__mention=mention).order_by("id"))
        seen: set[str] = set()
        for link in links:
            category = mention.effective_category if link.mention_id == mention.id else link.category
            first = category not in seen
            seen.add(category)
            if (link.category, link.first_category) != (category, first):
                cls.objects.filter(id=link.id).update(category=category, first_category=first)

    @classmethod
    def of(cls, case: Case, mention: Mention, **fields: Any) -> CaseMention:
        """The link of ``mention`` to ``case``, with what the reports read of the mention (not saved): for a case's
        only link (``bulk_create`` does not look for others)."""
        return cls(
            case=case,
            mention=mention,
            platform=mention.platform,
            source_id=mention.source_id,
            category=mention.effective_category,
            **fields,
        )


class Reply(models.Model):
    """An answer to the complainant. Public and private replies are posted on the platform by a person and
    logged here with the link; e-mail, phone and in-person record what was said. All count as a response."""

    class Channel(models.TextChoices):
        PUBLIC = "public", _("Public reply on the platform")
        PRIVATE = "private", _("Private message")
        EMAIL = "email", _("E-mail")
        PHONE = "phone", _("Phone call")
        IN_PERSON = "in_person", _("In person")

    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        AWAITING_APPROVAL = "awaiting_approval", _("Waiting for approval")
        APPROVED = "approved", _("Approved")
        POSTED = "posted", _("Posted")

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="replies")
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices)
    text = models.TextField(_("text"))
    state = models.CharField(_("state"), max_length=20, choices=State.choices, default=State.DRAFT)
    needs_approval = models.BooleanField(_("needs a second pair of eyes"), default=False)
    link = models.URLField(_("link to the posted reply"), max_length=2000, blank=True)
    platform_posted_at = models.DateTimeField(_("time on the platform"), null=True, blank=True)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    posted_at = models.DateTimeField(_("logged as sent at"), null=True, blank=True)
    # One per form shown: a second submit of the same form finds the first reply instead of making another.
    submission_key = models.UUIDField(unique=True, default=uuid.uuid4)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        db_table = "inbox_reply"
        verbose_name = _("reply")
        verbose_name_plural = _("replies")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} {self.case_id}"

    @property
    def is_posted(self) -> bool:
        return self.state == self.State.POSTED

    @property
    def responded_at(self) -> datetime | None:
        """When the complainant got it: the platform's time where known, else when it was logged."""
        return self.platform_posted_at or self.posted_at


class ImprovementAction(models.Model):
    """What the organisation changes because of a complaint."""

    class State(models.TextChoices):
        OPEN = "open", _("To do")
        IN_PROGRESS = "in_progress", _("In progress")
        DONE = "done", _("Done")

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="improvements")
    description = models.TextField(_("what changes"))
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("owner")
    )
    state = models.CharField(_("state"), max_length=16, choices=State.choices, default=State.OPEN)
    announced_url = models.URLField(_("announced publicly at"), max_length=2000, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        db_table = "inbox_improvementaction"
        verbose_name = _("improvement")
        verbose_name_plural = _("improvements")
        ordering = ["state", "-created_at"]

    def __str__(self) -> str:
        return self.description[:80]


class RemovalRequest(models.Model):
    """A last resort for fake or abusive content: asking the platform to take it down."""

    class Reason(models.TextChoices):
        NOT_A_CUSTOMER = "not_a_customer", _("Not a customer (fake review)")
        THREAT = "threat", _("Threat or intimidation")
        BLACKMAIL = "blackmail", _("Blackmail")
        ABUSE = "abuse", _("Personal abuse")
        RACISM = "racism", _("Racism")
        SEXISM = "sexism", _("Sexism")

    class Outcome(models.TextChoices):
        PENDING = "pending", _("Waiting for the platform")
        REMOVED = "removed", _("Removed")
        REFUSED = "refused", _("Refused")

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="removal_requests")
    reason = models.CharField(_("reason"), max_length=16, choices=Reason.choices)
    platform = models.CharField(_("platform"), max_length=100)
    requested_at = models.DateTimeField(_("requested at"), default=timezone.now)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    outcome = models.CharField(_("outcome"), max_length=16, choices=Outcome.choices, default=Outcome.PENDING)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        db_table = "inbox_removalrequest"
        verbose_name = _("removal request")
        verbose_name_plural = _("removal requests")
        ordering = ["-requested_at"]

    def __str__(self) -> str:
        return f"{self.get_reason_display()} {self.case_id}"


_CASE_VALUE_CHOICES: dict[str, Any] = {
    "status": Case.Status.choices,
    "set_complainer_type": Case.ComplainerType.choices,
    "set_assessment": Case.Assessment.choices,
    "set_priority": Case.Priority.choices,
    "reply_draft": Reply.Channel.choices,
    "reply_posted": Reply.Channel.choices,
    "resolved": Case.ResolutionKind.choices,
    "satisfaction": [*Case.Satisfaction.choices, ("not_asked", _("Not asked"))],
    "not_satisfied": Case.ResolutionKind.choices,
    "reopened": Case.Status.choices,
    "improvement_state": ImprovementAction.State.choices,
    "removal_requested": RemovalRequest.Reason.choices,
    "removal_outcome": RemovalRequest.Outcome.choices,
    "routed": [
        ("owner", _("the webcare owner")),
        ("deputy", _("the deputy, for the owner")),
        ("board", _("a board member, for the owner and the deputy")),
        ("manager", _("a manager, for the owner and the deputy")),
    ],
}


class Handover(models.Model):
    """A case handed to whoever stands in while its handler is away; handed back when they return, if nobody
    changed it meanwhile (``version``: the case's version right after the handover)."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="handovers")
    from_person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    to_person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    version = models.PositiveIntegerField()
    handed_at = models.DateTimeField(default=timezone.now)
    settled_at = models.DateTimeField(null=True, blank=True)  # handed back, or kept by the stand-in

    class Meta:
        indexes = [models.Index(fields=["from_person", "settled_at"], name="handover_open_idx")]

    def __str__(self) -> str:
        return f"{self.case_id}: {self.from_person_id} → {self.to_person_id}"
