from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from monitoring import selectors
from monitoring.models import Source
from monitoring.services.poll import source_poll


class Command(BaseCommand):
    help = "Poll sources now, in this process, and print one summary line per source."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--source", type=int, action="append", help="Only this source id (may be repeated).")
        parser.add_argument("--now", action="store_true", help="Also poll sources that are not due yet.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["source"]:
            ids = list(Source.objects.filter(id__in=options["source"]).values_list("id", flat=True))
            unknown = sorted(set(options["source"]) - set(ids))
            if unknown:
                raise CommandError(f"No source with id {', '.join(map(str, unknown))}.")
        elif options["now"]:
            ids = list(Source.objects.filter(is_active=True).order_by("id").values_list("id", flat=True))
        else:
            ids = selectors.source_ids_due(now=timezone.now())
        failed = 0
        for source in Source.objects.filter(id__in=ids).order_by("id"):
            outcome = source_poll(source_id=source.id, force=options["now"])
            label = f"{source.id} {source.name}"
            if outcome is None:
                state = "paused" if not source.is_active else "not due"
                self.stdout.write(f"{label}: skipped ({state})")
            elif outcome.error:
                failed += 1
                self.stdout.write(f"{label}: error: {outcome.error}")
            elif outcome.is_not_modified:
                self.stdout.write(f"{label}: not modified since the last poll")
            else:
                summary = f"{label}: fetched {outcome.found} / new {outcome.new} / duplicates {outcome.duplicates}"
                self.stdout.write(summary + (f" (read past: {outcome.problem})" if outcome.problem else ""))
        if not ids:
            self.stdout.write("No source is due.")
        if failed:
            raise CommandError(f"{failed} of {len(ids)} sources failed.", returncode=1)
