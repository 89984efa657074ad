"""What the reports keep: the marker that a person's monthly summary was sent, and the mentions counted per day."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.models import Organisation


class MonthlySummary(models.Model):
    """One person's summary of one month (``month``: its first day), sent on the first of the next: the marker
    that it went, so that nobody gets two, and every try's outcome (the error's kind, never an address).
    Claimed before it is sent; a failed send is claimed again by its retry."""

    class State(models.TextChoices):
        CLAIMED = "claimed", _("Being sent")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed, to be tried again")

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    month = models.DateField()
    state = models.CharField(max_length=8, choices=State.choices, default=State.CLAIMED)
    claim = models.UUIDField(null=True, blank=True)  # the send that holds it
    attempts = models.PositiveSmallIntegerField(default=0)
    error = models.CharField(max_length=100, blank=True)  # "SMTPDataError 451": the last failure's class and code
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["recipient", "month"], name="monthly_summary_once")]

    def __str__(self) -> str:
        return f"{self.recipient_id} {self.month:%Y-%m} {self.state}"


# How long after its publication a mention was found, in minutes, kept to the nearest lower of these steps (about
# a quarter of the value, finer for short delays): the polling-delay chart's precision. Frozen in the migration
# that made the PostgreSQL function ``reports_delay_bucket``; change both or neither.
DELAY_BUCKETS = (
    *(0, 1, 2, 3, 4, 5, 6, 8, 10, 12, 15, 20, 25, 30, 40, 50, 60, 75, 90, 120, 150, 180, 240, 300, 360, 480, 600),
    *(720, 960, 1200, 1440, 2160, 2880, 4320, 5760, 7200, 10080, 20160, 43200),
)


class MentionDay(models.Model):
    """How many of an organisation's mentions were published on one day (in its time zone), per source,
    platform, effective category (the confirmed one, else the suggested one) and polling delay (``DELAY_BUCKETS``):
    what the report counts its mentions, complaints, weeks and polling delays from, instead of reading every
    mention. Kept by PostgreSQL itself (statement triggers on the mentions, migration 0002), so that every way a
    mention is stored or recategorised counts; rebuilt for an organisation whose time zone changes
    (``inbox.reports.days.days_rebuild``). Not kept on SQLite, where the report counts the mentions."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+", db_index=False)
    day = models.DateField()
    source_id = models.BigIntegerField()
    platform = models.CharField(max_length=32)
    category = models.CharField(max_length=16)
    delay = models.IntegerField()  # minutes: the lower end of its step of DELAY_BUCKETS
    count = models.IntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "day", "source_id", "platform", "category", "delay"], name="mention_day_key"
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation_id} {self.day} {self.source_id} {self.category} {self.delay}: {self.count}"


# What the case lines add to their case's marks (``inbox.cases.models.MARKS``, which take the lower bits): rows of
# other tables about the case, each a bit of ``CaseLine.marks``. Frozen in migration 0003, whose triggers work them
# out (the conditions are ``inbox.reports.selectors.LINE_MARKS``); change both or neither.
LINE_MARK_BITS = {
    "removal_requested": 1 << 24,
    "removal_pending": 1 << 25,
    "removal_removed": 1 << 26,
    "removal_refused": 1 << 27,
    "improvement_done": 1 << 28,
}


class CaseLine(models.Model):
    """A case as the report counts it: one line for each of its mentions (one without mentions: one line), with
    what the report reads of the case (its marks, ``inbox.cases.models.MARKS``, with ``LINE_MARK_BITS``, and the
    columns of what still runs) and of the mention's link (platform, source, category, and whether it is the first
    of the case and of each). Kept by the database itself (row triggers on the cases, their links, removal requests
    and improvements, migration 0003, on PostgreSQL and SQLite), in the transaction that writes them, so the
    report's figures and its drill-down lists agree; the report then reads a quarter's cases from one narrow table,
    without a join or a condition worked out per case."""

    organisation_id = models.BigIntegerField()
    case_id = models.BigIntegerField(db_index=True)
    link_id = models.BigIntegerField(null=True)
    reported_at = models.DateTimeField()
    assignee_id = models.BigIntegerField(null=True)
    complainer_type = models.CharField(max_length=16)
    status = models.CharField(max_length=16)
    marks = models.IntegerField()
    first_response_due_at = models.DateTimeField(null=True)
    first_response_at = models.DateTimeField(null=True)
    first_response_took = models.DurationField(null=True)
    resolution_due_at = models.DateTimeField(null=True)
    resolved_at = models.DateTimeField(null=True)
    resolution_took = models.DurationField(null=True)
    waiting_since = models.DateTimeField(null=True)
    closed_at = models.DateTimeField(null=True)
    platform = models.CharField(max_length=32)
    source_id = models.BigIntegerField(null=True)
    category = models.CharField(max_length=16)
    first_of_case = models.BooleanField()
    first_platform = models.BooleanField()
    first_source = models.BooleanField()
    first_category = models.BooleanField()
    # Every platform, source and category of the case ("p:web", "s:12", "c:complaint"): what a report filtered by
    # one of them finds the case's lines by.
    places = models.JSONField(default=list)

    class Meta:
        # On PostgreSQL also a GIN index of ``places`` (migration 0003).
        indexes = [models.Index(fields=["organisation_id", "reported_at"], name="case_line_period_idx")]

    def __str__(self) -> str:
        return f"{self.case_id}:{self.link_id}"
