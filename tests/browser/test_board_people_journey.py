"""The board adds a staff member, changes a role, deactivates someone, and reads it all back on the activity page."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from accounts.models import User
from tests.conftest import sign_in
from tests.factories import UserFactory

pytestmark = [pytest.mark.browser]


def test_the_board_manages_people_and_sees_the_changes_in_the_activity(page, organisation):
    UserFactory(username="bea", first_name="Bea", last_name="Bakker", role="board")
    UserFactory(username="max", first_name="Max", last_name="Visser", role="staff")
    UserFactory(username="olga", first_name="Olga", last_name="Smit", role="manager")
    sign_in(page, "bea")

    page.get_by_role("link", name="Gebruikers").click()
    page.get_by_role("link", name="Gebruiker toevoegen").click()
    page.get_by_label("Gebruikersnaam").fill("lotte")
    page.get_by_label("Voornaam").fill("Lotte")
    page.get_by_label("Achternaam").fill("de Boer")
    page.get_by_label("E-mailadres").fill("lotte@example.org")
    page.get_by_label("Rol").select_option("staff")
    page.get_by_label("Eerste wachtwoord").fill("zwembad-rooster-2026!")
    page.get_by_role("button", name="Gebruiker toevoegen").click()
    expect(page.get_by_role("status")).to_contain_text("Lotte de Boer is toegevoegd en kan nu inloggen.")
    expect(page.get_by_role("row", name="Lotte de Boer")).to_contain_text("Medewerker")

    page.get_by_role("link", name="Max Visser").click()
    page.get_by_label("Rol").select_option("manager")
    page.get_by_role("button", name="Wijzigingen opslaan").click()
    expect(page.get_by_role("status")).to_contain_text("De wijzigingen voor Max Visser zijn opgeslagen.")
    expect(page.get_by_role("row", name="Max Visser")).to_contain_text("Manager")

    page.get_by_role("link", name="Olga Smit").click()
    page.get_by_role("button", name="Olga Smit deactiveren").click()
    expect(page.get_by_role("status")).to_contain_text("Olga Smit is gedeactiveerd en kan niet meer inloggen.")
    expect(page.get_by_role("row", name="Olga Smit")).to_contain_text("Gedeactiveerd")
    assert not User.objects.get(username="olga").is_active

    page.get_by_role("link", name="Activiteit").click()
    rows = page.locator("[data-activity]")
    expect(rows).to_have_count(3)
    expect(rows.nth(0)).to_contain_text("Gedeactiveerd")
    expect(rows.nth(0)).to_contain_text("Olga Smit")
    expect(rows.nth(1)).to_contain_text("Rol gewijzigd")
    expect(rows.nth(1)).to_contain_text("Medewerker → Manager")
    expect(rows.nth(2)).to_contain_text("Gebruiker toegevoegd")
    expect(rows.nth(2)).to_contain_text("Lotte de Boer")
    expect(rows.nth(2)).to_contain_text("Bea Bakker")
    expect(page.get_by_text("lotte@example.org")).to_have_count(0)
