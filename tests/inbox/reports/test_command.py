"""``manage.py report``: the export for scripts and cron, as the organisation's reader."""

from __future__ import annotations

import csv
import io
import json

import pytest
from django.core.management import CommandError, call_command
from openpyxl import load_workbook

from tests.inbox.reports.world import COMPLAINANT

pytestmark = pytest.mark.django_db


def report(*args: str) -> str:
    out = io.StringIO()
    call_command("report", *args, stdout=out)
    return out.getvalue()


def organisation_of(march) -> str:
    return str(march.cases[0].organisation_id)


def test_it_writes_the_cases_of_the_days_as_csv_to_a_file(march, tmp_path):
    target = tmp_path / "maart.csv"
    organisation = organisation_of(march)
    report("--from", "2026-03-01", "--to", "2026-03-31", "--organisation", organisation, "--output", str(target))

    lines = list(csv.reader(io.StringIO(target.read_text(encoding="utf-8-sig"))))
    assert [int(line[0]) for line in lines[1:]] == [case.id for case in march.cases]


def test_it_writes_json_for_scripts(march, tmp_path):
    target = tmp_path / "maart.json"
    organisation = organisation_of(march)
    report("--from", "2026-03-01", "--to", "2026-03-31", "--organisation", organisation, "--format", "json",
           "--output", str(target))  # fmt: skip

    cases = json.loads(target.read_text())
    assert [case["id"] for case in cases] == [case.id for case in march.cases]
    assert cases[0]["first_response_minutes"] == 40.0
    assert cases[0]["first_response_within_target"] is True
    assert cases[0]["status"] == "closed"
    assert cases[0]["reported_at"] == "2026-03-03T19:00:00+01:00"
    assert not any(personal in target.read_text() for personal in COMPLAINANT)


def test_it_writes_mentions_as_xlsx(march, tmp_path):
    target = tmp_path / "maart.xlsx"
    report("--from", "2026-03-01", "--to", "2026-03-31", "--organisation", organisation_of(march), "--kind",
           "mentions", "--format", "xlsx", "--output", str(target))  # fmt: skip

    rows = list(load_workbook(target, read_only=True).active.iter_rows(values_only=True))
    assert [row[0] for row in rows[1:]] == [mention.id for mention in march.mentions]


def test_without_an_output_it_writes_to_standard_output(march):
    out = report("--from", "2026-03-01", "--to", "2026-03-10", "--organisation", organisation_of(march))
    assert len(out.strip().splitlines()) == 3  # the headers and two cases


@pytest.mark.parametrize(
    ("start", "end", "says"),
    [
        ("2026-13-01", "2026-03-31", "--from takes a day as YYYY-MM-DD"),
        ("2026-03-01", "gisteren", "--to takes a day as YYYY-MM-DD"),
        ("2026-03-31", "2026-03-01", "--from must not be after --to"),
        ("1999-01-01", "1999-02-01", "between 2000 and today"),
    ],
)
def test_bad_days_are_refused_with_a_clear_error(march, start, end, says):
    with pytest.raises(CommandError, match=says):
        report("--from", start, "--to", end, "--organisation", organisation_of(march))


def test_an_xlsx_needs_a_file_and_several_organisations_need_a_choice(march):
    with pytest.raises(CommandError, match="--output"):
        report("--from", "2026-03-01", "--to", "2026-03-31", "--format", "xlsx")
    with pytest.raises(CommandError, match="--organisation"):
        report("--from", "2026-03-01", "--to", "2026-03-31")
    with pytest.raises(CommandError, match="no organisation 987654"):
        report("--from", "2026-03-01", "--to", "2026-03-31", "--organisation", "987654")
