"""The texts a new organisation starts with: replies said in public never name the complainant, never leave a gap,
and the Dutch ones say "je". No database: these are plain data."""

from __future__ import annotations

import re

import pytest

from inbox.playbook.defaults import FLAGGED_PHRASES, HOUSE_RULES, SCENARIOS, TEMPLATES
from inbox.playbook.models import ReplyTemplate
from inbox.playbook.wording import PLACEHOLDERS, placeholders_unknown

# The complainant's name, in either spelling a template may use.
NAME_PLACEHOLDER = re.compile(r"\{(naam|name)\}", re.IGNORECASE)
GAP = re.compile(r"…|\.\.\.")
# "u" and "uw" as words: the formal Dutch the app does not use.
FORMAL = re.compile(r"\b(u|uw|U|Uw)\b")


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda t: f"{t.purpose}-{t.language}")
def test_no_default_public_reply_names_the_complainant_or_leaves_a_gap(template):
    # Every default purpose is a reply on the platform itself, where anybody reads along.
    assert template.purpose in ReplyTemplate.Purpose.values
    assert not NAME_PLACEHOLDER.search(template.body), "a public reply names the complainant"
    assert not GAP.search(template.body), "a gap left to fill in"
    assert placeholders_unknown(template.body) == []


def test_every_default_template_comes_in_dutch_and_english():
    languages: dict[str, set[str]] = {}
    for template in TEMPLATES:
        languages.setdefault(template.purpose, set()).add(template.language)
    assert set(languages) == set(ReplyTemplate.Purpose.values)
    assert all(found == {"nl", "en"} for found in languages.values())


def dutch_texts() -> list[str]:
    texts = [t.title + " " + t.body for t in TEMPLATES if t.language == "nl"]
    texts += [rule.text for rule in HOUSE_RULES if rule.language == "nl"]
    texts += [s.title + " " + s.situation + " " + s.prepared_answer for s in SCENARIOS]
    # The flagged phrases themselves are the formal words to avoid; their advice speaks like the app.
    texts += [phrase.advice for phrase in FLAGGED_PHRASES if not phrase.phrase.isascii() or " u" in phrase.phrase]
    return texts


@pytest.mark.parametrize("text", dutch_texts())
def test_the_dutch_defaults_say_je(text):
    assert not FORMAL.search(text), text
    assert not GAP.search(text), text


def test_the_name_placeholder_is_still_known_for_private_messages():
    # Templates an organisation writes for a private channel may greet the complainant by name.
    assert "naam" in PLACEHOLDERS
    assert placeholders_unknown("Hoi {naam}, ik bel je zo.") == []
