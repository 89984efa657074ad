"""Pure functions over reply texts: placeholders and flagged phrases. No database, no network."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

# Each placeholder a template may use, with the English spelling that means the same.
PLACEHOLDERS: dict[str, str] = {
    "naam": "name",
    "medewerker": "staff",
    "organisatie": "organisation",
    "telefoon": "phone",
    "email": "email",
    "platform": "platform",
    "zaak": "case",
    "privacy": "privacy",  # the address of the public privacy statement
}
_ALIASES = {english: dutch for dutch, english in PLACEHOLDERS.items()} | {dutch: dutch for dutch in PLACEHOLDERS}
_PLACEHOLDER = re.compile(r"\{([^{}\s]{1,40})\}")


def placeholders_unknown(text: str) -> list[str]:
    """The ``{names}`` in ``text`` that are not placeholders, in order of appearance, each once."""
    seen: list[str] = []
    for name in _PLACEHOLDER.findall(text):
        if name.lower() not in _ALIASES and name not in seen:
            seen.append(name)
    return seen


def placeholders_fill(text: str, values: Mapping[str, str]) -> str:
    """``text`` with each known placeholder replaced by its value (keyed by the Dutch name).

    A placeholder without a value stays as it is, so the writer sees what is still to fill in.
    """

    def replace(match: re.Match[str]) -> str:
        key = _ALIASES.get(match.group(1).lower())
        value = values.get(key, "") if key else ""
        return value or match.group(0)

    return _PLACEHOLDER.sub(replace, text)


@dataclass(frozen=True)
class PhraseWarning:
    phrase: str
    advice: str


_PUNCTUATION = re.compile(r"[^\w\s]")


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).split())


def phrases_flagged(text: str, phrases: Iterable[tuple[str, str]]) -> list[PhraseWarning]:
    """The flagged ``(phrase, advice)`` pairs found in ``text``: whole words, case and accents ignored."""
    folded = f" {_fold(_PUNCTUATION.sub(' ', text))} "
    found = []
    for phrase, advice in phrases:
        needle = _fold(_PUNCTUATION.sub(" ", phrase))
        if needle and f" {needle} " in folded:
            found.append(PhraseWarning(phrase=phrase, advice=advice))
    return found
