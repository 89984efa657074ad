from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from accounts.selectors import organisation_current
from monitoring.exceptions import MonitoringError
from monitoring.feeds.guard import url_check
from monitoring.models import Source
from monitoring.opml import OPMLError, opml_read
from monitoring.services.sources import source_create


class Command(BaseCommand):
    help = "Add every feed in an OPML file as a source (feeds already present are skipped)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", help="The OPML file, or - for standard input.")

    def handle(self, *args: Any, **options: Any) -> None:
        organisation = organisation_current()
        if organisation is None:
            raise CommandError("There is no organisation yet: run `manage.py set_organisation NAME` first.")
        path = options["path"]
        try:
            content = sys.stdin.buffer.read() if path == "-" else Path(path).read_bytes()
            outlines = opml_read(content)
        except OSError as exc:
            raise CommandError(f"Cannot read {path}: {exc.strerror}.") from exc
        except OPMLError as exc:
            raise CommandError(f"Nothing imported: {exc}") from exc
        known = set(Source.objects.filter(organisation=organisation).values_list("url", flat=True))
        added = skipped = refused = 0
        for outline in outlines:
            if outline.url in known:
                skipped += 1
                self.stdout.write(f"skipped (already a source): {outline.url}")
                continue
            try:
                url_check(outline.url)
                source = source_create(
                    organisation=organisation,
                    name=outline.title or outline.url,
                    kind=outline.kind,
                    url=outline.url,
                    actor=None,
                )
            except (MonitoringError, ValidationError) as exc:
                refused += 1
                reason = " ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
                self.stdout.write(f"refused: {outline.url}: {reason}")
                continue
            known.add(outline.url)
            added += 1
            self.stdout.write(f"added {source.id} {source.name} ({source.kind})")
        self.stdout.write(f"{added} added, {skipped} already there, {refused} refused.")
        if refused:
            raise CommandError(f"{refused} feeds were refused.", returncode=1)
