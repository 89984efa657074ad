from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from accounts.selectors import organisation_current
from monitoring.exceptions import MonitoringError
from monitoring.models import Source
from monitoring.services.sources import source_create, source_preview


class Command(BaseCommand):
    help = "Add a source after fetching it once; prints the new source's id on the last line."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--kind", required=True, help=f"One of: {', '.join(Source.Kind.values)}.")
        parser.add_argument("--url", required=True)
        parser.add_argument("--name", help="Defaults to the feed's own title.")

    def handle(self, *args: Any, **options: Any) -> None:
        kind, url = options["kind"], options["url"]
        if kind not in Source.Kind.values:
            raise CommandError(f"Unknown kind {kind!r}. Choose one of: {', '.join(Source.Kind.values)}.")
        organisation = organisation_current()
        if organisation is None:
            raise CommandError("There is no organisation yet: run `manage.py set_organisation NAME` first.")
        try:
            preview = source_preview(url=url)
        except MonitoringError as exc:
            raise CommandError(f"Not added: {exc}") from exc
        try:
            source = source_create(
                organisation=organisation,
                name=options["name"] or preview.title or url,
                kind=kind,
                url=url,
                actor=None,
            )
        except ValidationError as exc:
            raise CommandError(f"Not added: {' '.join(exc.messages)}") from exc
        found = f"Found {preview.entries} entries in {preview.title or 'an untitled feed'!r}."
        self.stdout.write(
            found + (f" The feed has a fault we can read past: {preview.problem}" if preview.problem else "")
        )
        self.stdout.write(str(source.id))
