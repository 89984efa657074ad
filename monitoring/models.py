from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Organisation


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

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="sources", verbose_name=_("organisation")
    )
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices, default=Kind.FEED)
    url = models.URLField(_("feed address"), max_length=2000)
    is_active = models.BooleanField(_("active"), default=True)
    poll_interval_minutes = models.PositiveIntegerField(
        _("poll every (minutes)"), default=_default_interval, validators=[MinValueValidator(1)]
    )
    next_poll_at = models.DateTimeField(_("next poll at"), null=True, blank=True)
    etag = models.CharField(max_length=500, blank=True)
    last_modified = models.CharField(max_length=100, blank=True)
    last_polled_at = models.DateTimeField(_("last polled at"), null=True, blank=True)
    last_success_at = models.DateTimeField(_("last success at"), null=True, blank=True)
    last_status = models.PositiveSmallIntegerField(_("last HTTP status"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    last_error_at = models.DateTimeField(_("last error at"), null=True, blank=True)
    consecutive_failures = models.PositiveIntegerField(_("failures in a row"), default=0)
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
        return self.name

    def mark_polled(self, *, at: datetime, status: int | None) -> None:
        self.last_polled_at = at
        self.last_status = status
        self.last_success_at = at
        self.last_error = ""
        self.consecutive_failures = 0

    def mark_failed(self, *, at: datetime, status: int | None, error: str) -> None:
        self.last_polled_at = at
        self.last_status = status
        self.last_error = error
        self.last_error_at = at
        self.consecutive_failures += 1


class SourceEvent(models.Model):
    """One audited change to a source: who, what, from → to, when."""

    source = models.ForeignKey(Source, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    action = models.CharField(max_length=50)
    from_value = models.TextField(blank=True)
    to_value = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.action} {self.source_id}"


class Mention(models.Model):
    """Something said about the organisation, as one feed entry. Never hard-deleted."""

    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="mentions", verbose_name=_("source"))
    external_id = models.CharField(_("entry key"), max_length=500)
    url = models.URLField(_("link"), max_length=2000, blank=True)
    title = models.CharField(_("title"), max_length=500, blank=True)
    snippet = models.TextField(_("snippet"), blank=True)
    content_html = models.TextField(_("content"), blank=True)
    author = models.CharField(_("author"), max_length=200, blank=True)
    published_at = models.DateTimeField(_("published at"))
    fetched_at = models.DateTimeField(_("fetched at"))

    class Meta:
        verbose_name = _("mention")
        verbose_name_plural = _("mentions")
        ordering = ["-published_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["source", "external_id"], name="mention_unique_entry_per_source"),
        ]
        indexes = [models.Index(fields=["-published_at", "-id"], name="mention_newest_idx")]
        permissions = [("triage_mention", _("Can triage mentions"))]

    def __str__(self) -> str:
        return self.title or self.snippet[:80] or self.url
