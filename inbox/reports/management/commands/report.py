"""``manage.py report``: a report's cases or mentions as CSV, XLSX or JSON, for scripts and cron."""

from __future__ import annotations

import shutil
from datetime import date
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation

from accounts.models import Organisation
from inbox.reports import export
from inbox.reports.query import CUSTOM, cases_of_organisation, mentions_of_organisation, query_from
from inbox.targets.selectors import plan_of


class Command(BaseCommand):
    help = (
        "Write the cases (or mentions) of the days --from to --to (both included, in the organisation's time zone) "
        "as the report's export does: one row each, durations in minutes, no personal data of complainers."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--from", dest="start", required=True, help="The first day, YYYY-MM-DD.")
        parser.add_argument("--to", dest="end", required=True, help="The last day, YYYY-MM-DD (included).")
        parser.add_argument("--organisation", type=int, help="Its id; needed only when there are several.")
        parser.add_argument("--kind", choices=export.KINDS, default=export.CASES)
        parser.add_argument("--format", dest="fmt", choices=export.FORMATS, default=export.CSV)
        parser.add_argument("--output", help="The file to write; without it, standard output (not for XLSX).")

    def handle(self, *args: Any, **options: Any) -> None:
        start, end = _day(options["start"], "--from"), _day(options["end"], "--to")
        if start > end:
            raise CommandError("--from must not be after --to.")
        fmt, kind, output = options["fmt"], options["kind"], options["output"]
        if fmt == export.XLSX and not output:
            raise CommandError("An XLSX file is not text: name the file to write with --output.")
        organisation = _organisation(options["organisation"])
        zone = plan_of(organisation.id).schedule.zone
        params = {"period": CUSTOM, "from": start.isoformat(), "to": end.isoformat()}
        with translation.override("en"):  # a command's errors are in English, as Django's own
            query, problems = query_from(params, today=end, zone=zone)
        if problems:
            raise CommandError(" ".join(problems))
        selected = (
            cases_of_organisation(organisation.id, query)
            if kind == export.CASES
            else mentions_of_organisation(organisation.id, query)
        )
        with translation.override(settings.LANGUAGE_CODE):
            rows = export.rows_of(kind, selected)
            if fmt == export.XLSX:
                with export.xlsx_file(kind, rows, zone=zone) as workbook, open(output, "wb") as file:
                    shutil.copyfileobj(workbook, file)
                return
            chunks = (export.csv_lines if fmt == export.CSV else export.json_chunks)(kind, rows, zone=zone)
            if output:
                with open(output, "w", encoding="utf-8", newline="") as file:
                    file.writelines(chunks)
            else:
                for chunk in chunks:
                    self.stdout.write(chunk, ending="")


def _day(value: str, option: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"{option} takes a day as YYYY-MM-DD, not {value!r}.") from None


def _organisation(organisation_id: int | None) -> Organisation:
    if organisation_id is not None:
        found = Organisation.objects.filter(id=organisation_id).first()
        if found is None:
            raise CommandError(f"There is no organisation {organisation_id}.")
        return found
    organisations = list(Organisation.objects.order_by("id")[:2])
    if len(organisations) != 1:
        raise CommandError("Name the organisation with --organisation ID." if organisations else "No organisation yet.")
    return organisations[0]
