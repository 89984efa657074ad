"""The manager reads the report, follows a number to the cases behind it and takes the rows away; the board reads
the same report."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.conftest import sign_in

pytestmark = pytest.mark.browser


def test_the_manager_follows_a_responders_late_answers_and_downloads_the_rows(page, report_world):
    sign_in(page, "max-manager")
    page.get_by_role("link", name="Rapportages").click()
    expect(page.get_by_role("heading", name="Rapportages", exact=True)).to_be_visible()

    # The week of 3 to 9 March 2025: the period goes into the address, so the report can be shared.
    page.get_by_label("Zelf kiezen").check()
    page.locator("input[name=from]").fill("2025-03-03")
    page.locator("input[name=to]").fill("2025-03-09")
    page.get_by_role("button", name="Toon").click()
    expect(page).to_have_url(re.compile(r"period=custom.*from=2025-03-03.*to=2025-03-09"))
    report_url = page.url

    # Ann's first responses: one of her two cases was answered late; the number opens that case.
    ann = page.locator("[data-breakdown=assignee] tbody tr", has_text="Ann")
    late = ann.locator("[data-figure=first_response_breached]")
    expect(late).to_have_text("1")
    late.click()
    expect(page.get_by_role("link", name=re.compile(r"Case b$"))).to_be_visible()
    expect(page.locator("tr[data-case]")).to_have_count(1)

    page.goto(report_url)
    cases = int(page.locator("dd[data-figure=cases]").get_attribute("data-value") or 0)
    with page.expect_download() as download:
        page.get_by_role("link", name="CSV").first.click()
    rows = list(csv.reader(io.StringIO(Path(download.value.path()).read_text(encoding="utf-8-sig"))))
    assert len(rows) - 1 == cases  # a header, then a row per case the report counts
    assert any("Case b" in row for row in rows)

    # The board reads the same report at the same address.
    page.context.clear_cookies()
    sign_in(page, "bea-board")
    page.goto(report_url)
    expect(page.get_by_role("heading", name="Rapportages", exact=True)).to_be_visible()
    expect(
        page.locator("[data-breakdown=assignee] tbody tr", has_text="Ann").locator(
            "[data-figure=first_response_breached]"
        )
    ).to_have_text("1")
