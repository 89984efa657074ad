from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext_lazy as _

from accounts.models import Organisation
from monitoring.dates import EARLIEST_PUBLICATION, LATEST_AHEAD
from monitoring.feeds.platforms import Platform
from monitoring.texts import Text, text_render
from webcare.audit import AuditRow

# How often a source may be polled, in minutes: when it is added and when it is changed.
POLL_INTERVAL_MIN = 1
POLL_INTERVAL_MAX = 24 * 60

# The name the source of mentions added by hand is stored with: the same in every language, and
# translated when shown (``source_name_shown``).
MANUAL_SOURCE_NAME = gettext_noop("Added by hand")


def source_name_shown(name: str) -> str:
    """A source's name as shown: the hand-added source's in the reader's language, any other as it is."""
    return gettext(MANUAL_SOURCE_NAME) if name == MANUAL_SOURCE_NAME else name


def _default_interval() -> int:
    return settings.WEBCARE_POLL_INTERVAL_MINUTES


class Source(models.Model):
    """A feed the organisation is watched through."""

    class Kind(models.TextChoices):
        GOOGLE_ALERTS = "google_alerts", _("Google Alerts")
        FEED = "feed", _("RSS or Atom feed")
        MASTODON = "mastodon", _("Mastodon")
        REDDIT = "reddit", _("Reddit")
        YOUTUBE = "youtube", _("YouTube")
        BLUESKY = "bluesky", _("Bluesky")
        MANUAL = "manual", _("Added by hand")

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="sources", verbose_name=_("organisation")
    )
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices, default=Kind.FEED)
    url = models.URLField(_("feed address"), max_length=2000)
    is_active = models.BooleanField(_("active"), default=True)
    poll_interval_minutes = models.PositiveIntegerField(
        _("poll every (minutes)"),
        default=_default_interval,
        validators=[MinValueValidator(POLL_INTERVAL_MIN), MaxValueValidator(POLL_INTERVAL_MAX)],
    )
    next_poll_at = models.DateTimeField(_("next poll at"), null=True, blank=True)
    # Set while a poll holds the source (a lease, see services.CLAIM_LEASE): no other poll takes it,
    # not even "Poll now", until that poll ends or the lease runs out.
    claimed_until = models.DateTimeField(_("being polled until"), null=True, blank=True)
    etag = models.CharField(max_length=500, blank=True)
    last_modified = models.CharField(max_length=100, blank=True)
    last_polled_at = models.DateTimeField(_("last polled at"), null=True, blank=True)
    last_success_at = models.DateTimeField(_("last success at"), null=True, blank=True)
    last_status = models.PositiveSmallIntegerField(_("last HTTP status"), null=True, blank=True)
    # Why the last poll failed, as a code and its parameters (monitoring.texts); "" when it did not.
    last_error_code = models.CharField(_("last error"), max_length=50, blank=True)
    last_error_params = models.JSONField(default=dict, blank=True)
    last_error_at = models.DateTimeField(_("last error at"), null=True, blank=True)
    consecutive_failures = models.PositiveIntegerField(_("failures in a row"), default=0)
    last_entries_found = models.PositiveIntegerField(_("entries found"), null=True, blank=True)
    last_problem = models.TextField(_("fault read past in the last poll"), blank=True)
    # Why it is paused, as a code and its parameters (monitoring.texts); "" when it is not.
    paused_reason_code = models.CharField(_("why it was paused"), max_length=50, blank=True)
    paused_reason_params = models.JSONField(default=dict, blank=True)
    # Retired: never polled again, listed apart; its mentions stay. It can be brought back.
    retired_at = models.DateTimeField(_("retired at"), null=True, blank=True)
    query = models.CharField(_("search query"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("source")
        verbose_name_plural = _("sources")
        ordering = ["name"]
        indexes = [models.Index(fields=["is_active", "next_poll_at"], name="source_due_idx")]
        constraints = [
            models.CheckConstraint(condition=models.Q(poll_interval_minutes__gte=1), name="source_interval_min_1"),
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return source_name_shown(self.name)

    @property
    def is_retired(self) -> bool:
        return self.retired_at is not None

    @property
    def last_error(self) -> str:
        """Why the last poll failed, in the reader's language; "" when it did not."""
        return text_render(self.last_error_code, self.last_error_params)

    @property
    def paused_reason(self) -> str:
        """Why the source is paused, in the reader's language; "" when it is not paused."""
        return text_render(self.paused_reason_code, self.paused_reason_params)

    def pause_because(self, text: Text | None) -> None:
        """Pause (``text``: why) or resume (``None``) polling, keeping ``is_active`` and the reason together."""
        self.is_active = text is None
        self.paused_reason_code = text.code if text else ""
        self.paused_reason_params = dict(text.params) if text else {}

    @property
    def is_query(self) -> bool:
        """A feed that is already a search (an alert, a hashtag, a search page): it is taken whole."""
        if self.kind in (self.Kind.GOOGLE_ALERTS, self.Kind.MANUAL):
            return True
        return (self.kind == self.Kind.REDDIT and "/search" in self.url) or (
            self.kind == self.Kind.MASTODON and "/tags/" in self.url
        )

    @property
    def is_polled(self) -> bool:
        return self.kind != self.Kind.MANUAL

    def mark_polled(self, *, at: datetime, status: int | None, found: int | None) -> None:
        self.last_polled_at = at
        self.last_status = status
        self.last_success_at = at
        self.last_error_code, self.last_error_params = "", {}
        self.consecutive_failures = 0
        if found is not None:
            self.last_entries_found = found

    def mark_failed(self, *, at: datetime, status: int | None, error: Text) -> None:
        self.last_polled_at = at
        self.last_status = status
        self.last_error_code, self.last_error_params = error.code, dict(error.params)
        self.last_error_at = at
        self.consecutive_failures += 1


class SourceEvent(AuditRow):
    """One audited change to a source: who, what, from → to, when."""

    source = models.ForeignKey(Source, on_delete=models.CASCADE, related_name="events")

    class Meta(AuditRow.Meta):
        pass

    def __str__(self) -> str:
        return f"{self.action} {self.source_id}"

    @property
    def action_label(self) -> str:
        """What happened, in the reader's language; an unknown code as it is."""
        return str(SOURCE_ACTIONS.get(self.action, self.action))


SOURCE_ACTIONS = {
    "created": _("Added"),
    "moved": _("Moved to a new address by the site"),
    "renamed": _("Renamed"),
    "interval_changed": _("Poll interval changed"),
    "address_changed": _("Address changed"),
    "paused": _("Paused"),
    "resumed": _("Resumed"),
    "retired": _("Retired"),
    "restored": _("Brought back"),
}


class Mention(models.Model):
    """Something said about the organisation, found once however many sources saw it. Never hard-deleted."""

    class Category(models.TextChoices):
        COMPLAINT = "complaint", _("Complaint")
        QUESTION = "question", _("Question")
        PRAISE = "praise", _("Praise")
        OTHER = "other", _("Other")

    class Status(models.TextChoices):
        NEW = "new", _("New")
        TRIAGED = "triaged", _("Triaged")
        IGNORED = "ignored", _("Ignored")
        IN_CASE = "in_case", _("In a case")

    class IgnoreReason(models.TextChoices):
        SPAM = "spam", _("Spam")
        NOT_ABOUT_US = "not_about_us", _("Not about us")
        DUPLICATE = "duplicate", _("Duplicate")
        NO_ACTION = "no_action", _("No action needed")

    class Flag(models.TextChoices):
        FAIL = "fail", _("#fail")
        THREAT = "threat", _("Threat")
        ABUSE = "abuse", _("Abuse")
        REPEATED_AUTHOR = "repeated_author", _("Repeated author")

    # No index of their own on these keys: the composite indexes below start with them.
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="mentions",
        verbose_name=_("organisation"),
        db_index=False,
    )
    source = models.ForeignKey(
        Source, on_delete=models.PROTECT, related_name="mentions", verbose_name=_("first seen in"), db_index=False
    )
    canonical_url = models.CharField(_("canonical link"), max_length=2000, blank=True)
    url = models.URLField(_("link"), max_length=2000, blank=True)
    platform = models.CharField(_("platform"), max_length=32, choices=Platform.choices, default=Platform.WEB)
    title = models.CharField(_("title"), max_length=500, blank=True)
    snippet = models.TextField(_("snippet"), blank=True)
    content_html = models.TextField(_("content"), blank=True)
    author = models.CharField(_("author"), max_length=200, blank=True)
    publisher = models.CharField(_("publisher"), max_length=200, blank=True)
    language = models.CharField(_("language"), max_length=8, blank=True)
    suggested_category = models.CharField(
        _("suggested category"), max_length=16, choices=Category.choices, default=Category.OTHER
    )
    signal_reasons = models.JSONField(_("why this category"), default=list, blank=True)
    flags = models.JSONField(_("flags"), default=list, blank=True)
    matched_terms = models.JSONField(_("matched watch terms"), default=list, blank=True)
    # A mention without a link is known by its first source's entry key instead (its guid, or a hash
    # of title and date), so that storing the same entry twice stores one mention.
    entry_key = models.CharField(_("entry key"), max_length=500, blank=True)
    published_at = models.DateTimeField(_("published at"))
    fetched_at = models.DateTimeField(_("fetched at"))
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("added by hand by"),
    )
    # Triage: what people made of it (changed only through inbox.triage.services, each change audited there).
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.NEW)
    category = models.CharField(
        _("confirmed category"), max_length=16, choices=Category.choices, blank=True, default=""
    )
    ignore_reason = models.CharField(
        _("why it was ignored"), max_length=16, choices=IgnoreReason.choices, blank=True, default=""
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_mentions",
        verbose_name=_("assigned to"),
        db_index=False,  # mention_assignee_newest_idx starts with it
    )
    # Bumped by every triage change: a form sent with an older version was made on a stale screen.
    version = models.PositiveIntegerField(default=0)
    # When its author's name, its text and its links were removed (retention, erasure, or a forgotten author).
    anonymised_at = models.DateTimeField(_("anonymised at"), null=True, blank=True)

    class Meta:
        verbose_name = _("mention")
        verbose_name_plural = _("mentions")
        ordering = ["-published_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "canonical_url"],
                condition=~models.Q(canonical_url=""),
                name="mention_unique_link_per_organisation",
            ),
            models.UniqueConstraint(
                fields=["source", "entry_key"],
                condition=models.Q(canonical_url="") & ~models.Q(entry_key=""),
                name="mention_unique_entry_without_link_per_source",
            ),
            # No stored value may break a page: a year-1 date is a BC timestamp once the Amsterdam offset
            # is applied, which Python cannot read back. Later than a day after it was found is no
            # better (see monitoring.dates).
            models.CheckConstraint(
                condition=models.Q(published_at__gte=EARLIEST_PUBLICATION)
                & models.Q(published_at__lte=models.F("fetched_at") + LATEST_AHEAD),
                name="mention_published_in_range",
            ),
        ]
        indexes = [
            models.Index(fields=["-published_at", "-id"], name="mention_newest_idx"),
            # Author history: repeated authors at ingest, and later a person's earlier mentions.
            models.Index(fields=["organisation", "author", "published_at"], name="mention_author_idx"),
            # The inbox's filtered views keep the newest-first order: each walks its own index.
            models.Index(fields=["status", "-published_at", "-id"], name="mention_status_newest_idx"),
            models.Index(fields=["assignee", "-published_at", "-id"], name="mention_assignee_newest_idx"),
            models.Index(fields=["source", "-published_at", "-id"], name="mention_source_newest_idx"),
            # What was found in the last hours, whichever source found it: unusual volume (inbox.team.volume).
            models.Index(fields=["fetched_at"], name="mention_found_idx"),
            # Retention: the mentions not anonymised yet, oldest first, without reading the anonymised ones.
            models.Index(
                fields=["organisation", "published_at"],
                condition=models.Q(anonymised_at__isnull=True),
                name="mention_keeps_person_idx",
            ),
        ]
        permissions = [("triage_mention", _("Can triage mentions"))]

    def __str__(self) -> str:
        return self.title or self.snippet[:80] or self.url

    @property
    def effective_category(self) -> str:
        """The confirmed category, else the one the signals suggest."""
        return self.category or self.suggested_category

    @property
    def is_category_confirmed(self) -> bool:
        return bool(self.category)

    def get_effective_category_display(self) -> str:
        return str(dict(self.Category.choices).get(self.effective_category, self.effective_category))

    @property
    def flag_labels(self) -> list[str]:
        labels = dict(self.Flag.choices)
        return [str(labels.get(flag, flag)) for flag in self.flags]


class Sighting(models.Model):
    """One source's entry for a mention: the same post found by an alert and a forum feed is one mention."""

    mention = models.ForeignKey(Mention, on_delete=models.PROTECT, related_name="sightings")
    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="sightings")
    external_id = models.CharField(_("entry key"), max_length=500)
    url = models.URLField(_("link as the source gave it"), max_length=2000, blank=True)
    seen_at = models.DateTimeField(_("seen at"))

    class Meta:
        verbose_name = _("sighting")
        verbose_name_plural = _("sightings")
        constraints = [
            models.UniqueConstraint(fields=["source", "external_id"], name="sighting_unique_entry_per_source"),
        ]

    def __str__(self) -> str:
        return f"{self.source_id}:{self.external_id}"


class FetchLog(models.Model):
    """One poll of one source, kept 30 days for the source-health page."""

    source = models.ForeignKey(Source, on_delete=models.CASCADE, related_name="fetch_logs")
    started_at = models.DateTimeField()
    duration_ms = models.PositiveIntegerField(default=0)
    status = models.PositiveSmallIntegerField(null=True, blank=True)
    found = models.PositiveIntegerField(default=0)
    new = models.PositiveIntegerField(default=0)
    duplicates = models.PositiveIntegerField(default=0)
    is_not_modified = models.BooleanField(default=False)
    # Why this poll failed, as a code and its parameters (monitoring.texts); "" when it did not.
    error_code = models.CharField(max_length=50, blank=True)
    error_params = models.JSONField(default=dict, blank=True)
    problem = models.TextField(blank=True)  # a fault in the feed that was read past

    class Meta:
        ordering = ["-started_at", "-id"]
        indexes = [models.Index(fields=["source", "-started_at"], name="fetchlog_source_recent_idx")]

    def __str__(self) -> str:
        return f"{self.source_id} {self.started_at:%Y-%m-%d %H:%M}"

    @property
    def error(self) -> str:
        """Why this poll failed, in the reader's language; "" when it did not."""
        return text_render(self.error_code, self.error_params)


class WatchTerms(models.Model):
    """The organisation's include and exclude words for feeds that are not a search already."""

    organisation = models.OneToOneField(Organisation, on_delete=models.CASCADE, related_name="watch_terms")
    include = models.TextField(
        _("include"), blank=True, help_text=_('Words or "quoted phrases"; an entry must contain one of them.')
    )
    exclude = models.TextField(_("exclude"), blank=True, help_text=_("Entries with any of these words are left out."))
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("watch terms")
        verbose_name_plural = _("watch terms")

    def __str__(self) -> str:
        return str(self.organisation)


class SignalPhrase(models.Model):
    """A word or phrase that hints at a complaint, a question or praise. Editable in the admin."""

    phrase = models.CharField(
        _("word or phrase"),
        max_length=100,
        unique=True,
        help_text=_("Whole words; end with * to match word starts too (klacht* also finds klachten)."),
    )
    # The categories and flags of a mention, less the ones that no single phrase can point to.
    category = models.CharField(
        _("points to"),
        max_length=16,
        choices=[(value, label) for value, label in Mention.Category.choices if value != Mention.Category.OTHER],
    )
    weight = models.PositiveSmallIntegerField(_("weight"), default=2)
    flag = models.CharField(
        _("flag"),
        max_length=16,
        choices=[("", _("No flag"))]
        + [(value, label) for value, label in Mention.Flag.choices if value != Mention.Flag.REPEATED_AUTHOR],
        blank=True,
        default="",
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("signal phrase")
        verbose_name_plural = _("signal phrases")
        ordering = ["category", "phrase"]

    def __str__(self) -> str:
        return self.phrase


class ForgottenPerson(models.Model):
    """A person who asked to be forgotten, known only by the keyed digest of their handle or name
    (``monitoring.privacy.identity_digest``): what they say later is anonymised as it arrives."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    digest = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["organisation", "digest"], name="forgotten_once")]

    def __str__(self) -> str:
        return self.digest[:8]
