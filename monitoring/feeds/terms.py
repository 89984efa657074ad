"""Organisation watch terms: which entries are about the organisation, and where to highlight them.

Terms use the phrase syntax of ``monitoring.feeds.enrich``: case and accents don't matter ("Café" =
"cafe"), words match whole ("Zon" does not match "zondag"), a trailing ``*`` matches word starts.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from monitoring.feeds.enrich import normalise, normalise_with_offsets, phrase_literal, phrase_pattern

# A quoted phrase (straight or typographic quotes, the closing one optional) or a run of characters
# up to a separator: whitespace, comma or semicolon.
_TERM = re.compile(r'"(?P<phrase>[^"]*)(?:"|$)|(?P<word>[^\s,;"]+)')
_QUOTES = str.maketrans(dict.fromkeys("\u201c\u201d\u201e\u201f\u00ab\u00bb", '"'))


@dataclass(frozen=True)
class WatchTerms:
    include: tuple[str, ...]  # as the user spelled them
    exclude: tuple[str, ...]


@dataclass(frozen=True)
class TermMatch:
    is_relevant: bool
    matched: tuple[str, ...]  # the include terms found, as the user spelled them, in their order


def watch_terms_parse(include_text: str, exclude_text: str) -> WatchTerms:
    """Terms from what a user typed: words separated by commas, semicolons, spaces or new lines, and
    quoted phrases ("De Dolfijnen") that stay one term.

    Terms without a letter or digit are left out, and so is a term that repeats an earlier one.
    """
    return WatchTerms(include=_terms(include_text), exclude=_terms(exclude_text))


def watch_terms_match(terms: WatchTerms, *, title: str, text: str) -> TermMatch:
    """Relevant when some include term occurs (or there are none) and no exclude term does.

    A phrase matches within the title or within the text, never across the two.
    """
    parts = (normalise(title), normalise(text))
    matched = tuple(term for term in terms.include if _occurs(term, parts))
    is_excluded = any(_occurs(term, parts) for term in terms.exclude)
    return TermMatch(is_relevant=(bool(matched) or not terms.include) and not is_excluded, matched=matched)


def highlight_spans(text: str, matched: Sequence[str]) -> list[tuple[int, int]]:
    """``(start, end)`` spans in ``text`` itself, for slicing, where the ``matched`` terms occur.

    Spans are in order and never overlap; an accent written as a separate combining character stays
    inside the span of its letter.
    """
    terms = [term for term in matched if _is_term(term)]
    if not terms:
        return []
    normalised, offsets = normalise_with_offsets(text)
    found: list[tuple[int, int]] = []
    for term in terms:
        literal, regex = _compiled(term)
        if literal not in normalised:
            continue
        for match in regex.finditer(normalised):
            start, end = offsets[match.start()], offsets[match.end() - 1] + 1
            while end < len(text) and unicodedata.combining(text[end]):
                end += 1
            found.append((start, end))
    merged: list[tuple[int, int]] = []
    for start, end in sorted(found):
        if merged and start < merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def _terms(typed: str) -> tuple[str, ...]:
    terms: dict[str, str] = {}
    for token in _TERM.finditer(typed.translate(_QUOTES)):
        term = " ".join((token["phrase"] if token["phrase"] is not None else token["word"]).split())
        if _is_term(term):
            terms.setdefault(normalise(term), term)
    return tuple(terms.values())


def _is_term(term: str) -> bool:
    try:
        _compiled(term)
    except ValueError:
        return False
    return True


def _occurs(term: str, parts: Sequence[str]) -> bool:
    literal, regex = _compiled(term)
    return any(literal in part and regex.search(part) for part in parts)


@functools.lru_cache(maxsize=1024)
def _compiled(term: str) -> tuple[str, re.Pattern[str]]:
    return phrase_literal(term), re.compile(phrase_pattern(term))
