"""Placeholders and flagged phrases in reply texts: pure functions, no database."""

from __future__ import annotations

import pytest

from inbox.playbook.wording import PhraseWarning, phrases_flagged, placeholders_fill, placeholders_unknown

PHRASES = [
    ("wat vervelend voor u", "Klinkt afwijzend."),
    ("dat is niet onze schuld", "Schuld afschuiven wekt irritatie."),
    ("sorry for any inconvenience", "A stock apology."),
]


# Placeholders ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "unknown"),
    [
        ("Beste {naam}, groet {medewerker} van {organisatie}", []),
        ("Dear {name}, {staff} of {organisation}", []),
        ("Beste {Naam}", []),
        ("Bel {telefoon} of mail {email} over {zaak} op {platform}", []),
        ("Beste {foo}", ["foo"]),
        ("{foo} en {bar} en nog eens {foo}, {naam}", ["foo", "bar"]),
        ("Geen placeholders, wel {} en { naam }", []),
    ],
)
def test_it_flags_only_unknown_placeholders(text, unknown):
    assert placeholders_unknown(text) == unknown


def test_it_fills_dutch_and_english_names_alike():
    values = {"naam": "Karin", "medewerker": "Sam", "organisatie": "De Dolfijnen"}
    assert placeholders_fill("Beste {naam}, {name}!", values) == "Beste Karin, Karin!"
    assert placeholders_fill("Groet, {medewerker} ({ORGANISATIE})", values) == "Groet, Sam (De Dolfijnen)"


def test_it_leaves_unknown_and_empty_placeholders_visible():
    filled = placeholders_fill("Beste {naam}, bel {telefoon} over {foo}.", {"naam": "Karin", "telefoon": ""})
    assert filled == "Beste Karin, bel {telefoon} over {foo}."


def test_a_value_is_not_filled_in_again():
    # A complainant who calls themselves "{medewerker}" is shown as such, not as the staff member.
    assert placeholders_fill("Beste {naam}", {"naam": "{medewerker}", "medewerker": "Sam"}) == "Beste {medewerker}"


# Flagged phrases ---------------------------------------------------------------------------------------


def test_it_finds_a_flagged_phrase_whatever_the_case_and_punctuation():
    assert phrases_flagged("Wat vervelend voor u!", PHRASES) == [
        PhraseWarning(phrase="wat vervelend voor u", advice="Klinkt afwijzend.")
    ]


@pytest.mark.parametrize(
    "text",
    [
        "WAT VERVELEND VOOR U",
        "Oh, wat  vervelend\nvoor u.",
        "Wát vervelend vóór ú",
        "Tja: wat vervelend voor u, maar...",
    ],
)
def test_it_ignores_case_accents_and_spacing(text):
    assert [warning.phrase for warning in phrases_flagged(text, PHRASES)] == ["wat vervelend voor u"]


@pytest.mark.parametrize(
    "text",
    ["watvervelend voor u", "wat vervelend voor uw kind", "Wat vervelend voorual", "Dat is niet onze schuldvraag"],
)
def test_it_matches_whole_words_only(text):
    assert phrases_flagged(text, PHRASES) == []


def test_it_reports_each_flagged_phrase_found_in_the_given_order():
    text = "Sorry for any inconvenience. Wat vervelend voor u, maar dat is niet onze schuld."
    assert [warning.phrase for warning in phrases_flagged(text, PHRASES)] == [p for p, _ in PHRASES]


def test_a_phrase_with_punctuation_still_matches():
    assert phrases_flagged("That's not our fault!", [("that's not our fault", "Blame")]) != []
    assert phrases_flagged("anything", [("!!!", "empty after folding")]) == []
