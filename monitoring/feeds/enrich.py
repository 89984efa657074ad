"""Enriching a new entry: its language and whether it reads as a complaint, a question or praise.

Pure functions over frozen dataclasses. The signal lists are data (admin-editable, seeded from
``DEFAULT_SIGNALS``), passed in by the caller.

Phrase syntax, shared with watch terms (``monitoring.feeds.terms``):

- Matching ignores case and accents ("TELEURGESTELD" = "teleurgesteld", "Café" = "cafe").
- A phrase matches whole words only: "fail" does not match "failliet", "super" not "supermarkt".
- A trailing ``*`` matches word starts, for inflections: "klacht*" matches "klachten", "teleurgesteld*"
  matches "teleurgestelde".
- Words in a phrase match across spaces and hyphens: "rip-off" matches "rip off".
- A phrase starting with ``#`` matches only that hashtag: "#fail" matches "#FAIL" but not "fail".
  A plain word also matches its hashtag: "klacht" matches "#klacht".
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

CATEGORIES = ("complaint", "question", "praise")
FLAGS = ("fail", "threat", "abuse")
REPEATED_AUTHOR = "repeated_author"

# Ties go to the first: a complaint must never be missed, and a question is worth an answer.
_PRIORITY = {"complaint": 0, "question": 1, "praise": 2}
_FLAG_ORDER = (*FLAGS, REPEATED_AUTHOR)

# py3langid scores only these; restricting the model makes short Dutch/English texts more accurate
# and the call faster. The other languages are there to absorb what is neither Dutch nor English.
_DETECT_LANGUAGES = ("nl", "en", "de", "fr", "es", "it", "pt", "tr", "pl", "af")
_MIN_LETTERS = 8  # below this no detector is reliable ("top", "thanks", "klacht")
_DETECT_MAX_CHARS = 1000  # the start of a long text is enough to know its language
_NOISE = re.compile(r"https?://\S+|www\.\S+|@\w+|#")  # links and handles are not language
_NOISE_MARKERS = ("http", "www.", "@", "#")  # every _NOISE match starts with one of these

_QUESTION_MARK = re.compile(r"\?(?![\w=&/%.])")  # not the "?" of a URL query string
_QUESTION_MARK_WEIGHT = 1
_WORD_SEPARATOR = r"[\s\-]+"
_QUOTES = str.maketrans({"\u2018": "'", "\u2019": "'", "\u02bc": "'"})

# A praise signal right after one of these counts for the complaint instead ("niet tevreden",
# "not recommended", "geen aanrader"); one intensifier may sit between ("not very good").
_NEGATED = re.compile(
    r"(?<!\w)(?:niet|geen|nooit|not|never|isn't|wasn't|aren't|don't|didn't|doesn't|won't)"
    r"(?:\s+(?:zo|erg|echt|heel|helemaal|bepaald|so|very|really|that|too|exactly))?\s+$"
)
_NEGATION_LOOKBEHIND = 40


@dataclass(frozen=True)
class Signal:
    """A phrase that hints at a category; ``flag`` marks what needs extra attention."""

    phrase: str
    category: str  # one of CATEGORIES
    weight: int  # at least 1
    flag: str = ""  # "" or one of FLAGS

    def __post_init__(self) -> None:
        if self.category not in CATEGORIES:
            raise ValueError(f"Unknown signal category {self.category!r} for {self.phrase!r}")
        if self.flag and self.flag not in FLAGS:
            raise ValueError(f"Unknown signal flag {self.flag!r} for {self.phrase!r}")
        if self.weight < 1:
            raise ValueError(f"Signal weight must be at least 1 for {self.phrase!r}")
        phrase_pattern(self.phrase)  # raises ValueError when there is no word in it


@dataclass(frozen=True)
class Enrichment:
    language: str  # "nl", "en" or "other"
    category: str  # one of CATEGORIES or "other"
    reasons: tuple[str, ...]  # the winning category's matches as found, quoted: '"klachten"', '"?"'
    flags: tuple[str, ...]  # from FLAGS and "repeated_author", in that order

    def with_repeated_author(self) -> Enrichment:
        """The same, flagged as said by a repeated author: what ``enrich(..., repeated_author=True)`` gives."""
        if REPEATED_AUTHOR in self.flags:
            return self
        return replace(self, flags=(*self.flags, REPEATED_AUTHOR))  # the last in _FLAG_ORDER


# A poll normalises each entry's title and text twice (watch terms, then signals): remember a feed's worth.
@functools.lru_cache(maxsize=512)
def normalise(text: str) -> str:
    """``text`` lowercased, without accents, with typographic apostrophes made plain and runs of
    whitespace folded into one space."""
    decomposed = unicodedata.normalize("NFKD", text)
    if not decomposed.isascii():
        decomposed = "".join(char for char in decomposed if not unicodedata.combining(char))
    return " ".join(decomposed.casefold().translate(_QUOTES).split())


def normalise_with_offsets(text: str) -> tuple[str, list[int]]:
    """``normalise(text)`` and, for each of its characters, the index in ``text`` it came from.

    Slower than ``normalise``: for mapping matches back onto the original text.
    """
    chars: list[str] = []
    offsets: list[int] = []
    space_at: int | None = None
    for index, char in enumerate(text):
        if char.isascii():
            piece = char.lower()
        else:
            decomposed = unicodedata.normalize("NFKD", char)
            piece = "".join(part for part in decomposed if not unicodedata.combining(part))
            piece = piece.casefold().translate(_QUOTES)
        for out in piece:
            if out.isspace():
                if chars and space_at is None:
                    space_at = index
                continue
            if space_at is not None:
                chars.append(" ")
                offsets.append(space_at)
                space_at = None
            chars.append(out)
            offsets.append(index)
    return "".join(chars), offsets


def phrase_pattern(phrase: str) -> str:
    """Regex source that finds ``phrase`` (with the syntax above) in ``normalise``-d text.

    Raises ``ValueError`` when the phrase has no word in it.
    """
    words, is_prefix = _phrase_words(phrase)
    first = re.escape(words[0])
    # The word-start check comes after the first word, not before it: a pattern that starts with a
    # literal lets the regex engine skip ahead, ten times faster on long texts.
    source = first + (rf"(?<!\w{first})" if re.match(r"[\w#@]", words[0]) else "")
    source += "".join(_WORD_SEPARATOR + re.escape(word) for word in words[1:])
    if is_prefix:
        return source + r"\w*"
    return source + (r"(?!\w)" if re.search(r"\w$", words[-1]) else "")


def phrase_literal(phrase: str) -> str:
    """What every match of ``phrase`` starts with: a quick ``in`` check saves running the regex."""
    return _phrase_words(phrase)[0][0]


def _phrase_words(phrase: str) -> tuple[list[str], bool]:
    stripped = phrase.strip()
    words = [word for word in re.split(_WORD_SEPARATOR, normalise(stripped.rstrip("*"))) if word]
    if not re.search(r"\w", "".join(words)):
        raise ValueError(f"No word in phrase {phrase!r}")
    return words, stripped.endswith("*")


def detect_language(text: str) -> str:
    """The language of ``text``: "nl", "en", or "other" for any other language and for text too short to tell.

    Loads the language model (about 0.6 s, 100 MB) on the first call in a process.
    """
    cleaned = text[:_DETECT_MAX_CHARS]
    if any(marker in cleaned for marker in _NOISE_MARKERS):
        cleaned = _NOISE.sub(" ", cleaned)
    if not _has_letters(cleaned, _MIN_LETTERS):
        return "other"
    language, _score = _language_identifier().classify(cleaned)
    return language if language in ("nl", "en") else "other"


def _has_letters(text: str, count: int) -> bool:
    """Whether ``text`` has at least ``count`` letters; stops reading when it has."""
    for char in text:
        if char.isalpha():
            count -= 1
            if count <= 0:
                return True
    return count <= 0


def enrich(*, title: str, text: str, signals: Sequence[Signal], repeated_author: bool = False) -> Enrichment:
    """Language, category, the phrases that decided it, and flags for ``title`` and ``text``.

    Each signal counts once however often it occurs; where phrases overlap the longest wins ("geen
    klachten" is praise, not a complaint). A question mark is a weak question signal. The category
    with the highest total weight wins, ties go complaint > question > praise, and without any
    signal the category is "other".
    """
    phrases = _phrases_for(signals)
    totals = dict.fromkeys(CATEGORIES, 0)
    reasons: dict[str, list[str]] = {category: [] for category in CATEGORIES}
    counted: set[tuple[Signal, bool]] = set()
    flags: set[str] = set()
    has_question_mark = False
    for part in (normalise(title), normalise(text)):
        has_question_mark = has_question_mark or _QUESTION_MARK.search(part) is not None
        for match, matched_signals in _matches(part, phrases):
            negation = _NEGATED.search(part, max(0, match.start() - _NEGATION_LOOKBEHIND), match.start())
            for signal in matched_signals:
                is_negated = signal.category == "praise" and negation is not None
                category = "complaint" if is_negated else signal.category
                reason = f'"{part[negation.start() : match.end()]}"' if negation and is_negated else f'"{match[0]}"'
                if (signal, is_negated) not in counted:
                    counted.add((signal, is_negated))
                    totals[category] += signal.weight
                if reason not in reasons[category]:
                    reasons[category].append(reason)
                if signal.flag:
                    flags.add(signal.flag)
    if has_question_mark:
        totals["question"] += _QUESTION_MARK_WEIGHT
        reasons["question"].append('"?"')
    if repeated_author:
        flags.add(REPEATED_AUTHOR)
    best = min(CATEGORIES, key=lambda category: (-totals[category], _PRIORITY[category]))
    category = best if totals[best] > 0 else "other"
    return Enrichment(
        language=detect_language(f"{title}\n{text}"),
        category=category,
        reasons=tuple(reasons[category]) if category != "other" else (),
        flags=tuple(flag for flag in _FLAG_ORDER if flag in flags),
    )


@dataclass(frozen=True)
class _Phrase:
    literal: str
    regex: re.Pattern[str]
    signals: tuple[Signal, ...]


# The signal list enrich() saw last, and its compiled phrases: callers pass the same tuple for every
# entry of a poll, and looking it up by identity saves hashing every Signal in it for each entry.
_last_compiled: tuple[tuple[Signal, ...], tuple[_Phrase, ...]] | None = None


def _phrases_for(signals: Sequence[Signal]) -> tuple[_Phrase, ...]:
    global _last_compiled
    last = _last_compiled
    if last is not None and last[0] is signals:
        return last[1]
    frozen = tuple(signals)
    phrases = _phrases(frozen)
    if frozen is signals:  # a list may change after the call; a tuple of frozen signals cannot
        _last_compiled = (frozen, phrases)
    return phrases


@functools.lru_cache(maxsize=16)
def _phrases(signals: tuple[Signal, ...]) -> tuple[_Phrase, ...]:
    by_pattern: dict[str, list[Signal]] = {}
    for signal in signals:
        by_pattern.setdefault(phrase_pattern(signal.phrase), []).append(signal)
    return tuple(
        _Phrase(literal=phrase_literal(grouped[0].phrase), regex=re.compile(pattern), signals=tuple(grouped))
        for pattern, grouped in by_pattern.items()
    )


def _matches(text: str, phrases: tuple[_Phrase, ...]) -> list[tuple[re.Match[str], tuple[Signal, ...]]]:
    """Matches in text order; of overlapping ones only the leftmost, longest."""
    found = [
        (match, phrase.signals) for phrase in phrases if phrase.literal in text for match in phrase.regex.finditer(text)
    ]
    found.sort(key=lambda item: (item[0].start(), -item[0].end()))
    kept: list[tuple[re.Match[str], tuple[Signal, ...]]] = []
    for match, matched_signals in found:
        if not kept or match.start() >= kept[-1][0].end():
            kept.append((match, matched_signals))
    return kept


def language_model_load() -> None:
    """Load the language model now rather than on the first ``detect_language`` call (about 0.6 s)."""
    _language_identifier()


@functools.cache
def _language_identifier() -> Any:
    # Imported here so that importing this module (e.g. for ``normalise``) stays cheap.
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    identifier = LanguageIdentifier.from_model_file(MODEL_FILE)
    identifier.set_languages(list(_DETECT_LANGUAGES))
    return identifier


def _s(phrase: str, category: str, weight: int, flag: str = "") -> Signal:
    return Signal(phrase=phrase, category=category, weight=weight, flag=flag)


# Seed data for the admin-editable signal list. Weights: 3 = decisive, 2 = clear, 1 = a hint.
DEFAULT_SIGNALS: tuple[Signal, ...] = (
    # Complaints, Dutch
    _s("klacht*", "complaint", 2),
    _s("teleurgesteld*", "complaint", 3),
    _s("teleurstell*", "complaint", 3),
    _s("nooit meer", "complaint", 3),
    _s("oplichter*", "complaint", 3),
    _s("terugbetal*", "complaint", 2),
    _s("geld terug", "complaint", 3),
    _s("schandalig*", "complaint", 3),
    _s("waardelo*", "complaint", 3),
    _s("slecht", "complaint", 2),  # not "slecht*": "slechts" means "only"
    _s("slechte", "complaint", 2),
    _s("boos", "complaint", 2),
    _s("ontevreden", "complaint", 2),
    _s("geen reactie", "complaint", 2),
    _s("niet aan te raden", "complaint", 3),
    _s("1 ster", "complaint", 2),
    _s("bedankt voor niks", "complaint", 3),
    # Complaints, English. Not "worst" alone: Dutch for sausage ("broodje worst").
    _s("complain*", "complaint", 2),
    _s("disappoint*", "complaint", 3),
    _s("never again", "complaint", 3),
    _s("refund*", "complaint", 2),
    _s("money back", "complaint", 3),
    _s("the worst", "complaint", 3),
    _s("worst ever", "complaint", 3),
    _s("terrible", "complaint", 3),
    _s("scam*", "complaint", 3),
    _s("rip-off", "complaint", 3),
    _s("rude", "complaint", 2),
    _s("no response", "complaint", 2),
    _s("1 star", "complaint", 2),
    _s("thanks for nothing", "complaint", 3),
    # Public shaming
    _s("#fail", "complaint", 3, "fail"),
    _s("epic fail", "complaint", 3, "fail"),
    # Threats, legal ones included: both need the webcare owner before anyone replies.
    _s("pas maar op", "complaint", 3, "threat"),
    _s("ik weet waar je woont", "complaint", 3, "threat"),
    _s("ik kom verhaal halen", "complaint", 3, "threat"),  # not "ik kom langs": also "voor een proefles"
    _s("aangifte", "complaint", 3, "threat"),
    _s("mijn advocaat", "complaint", 3, "threat"),  # not "advocaat" alone: also a liqueur
    _s("naar de rechter", "complaint", 3, "threat"),
    _s("watch your back", "complaint", 3, "threat"),
    _s("lawyer*", "complaint", 3, "threat"),
    _s("legal action", "complaint", 3, "threat"),
    # Abuse: name-calling, which the playbook allows to be removed
    _s("idioot", "complaint", 2, "abuse"),
    _s("idioten", "complaint", 2, "abuse"),
    _s("sukkel*", "complaint", 2, "abuse"),
    _s("idiot*", "complaint", 2, "abuse"),
    # Questions
    _s("weet iemand", "question", 3),
    _s("kan iemand", "question", 2),
    _s("hoe kan ik", "question", 3),
    _s("hoe laat", "question", 2),
    _s("wanneer", "question", 1),
    _s("vraag*", "question", 1),
    _s("how do i", "question", 3),
    _s("does anyone", "question", 3),
    _s("anyone know*", "question", 3),
    _s("can someone", "question", 2),
    # Praise
    _s("top", "praise", 1),
    _s("super", "praise", 1),
    _s("geweldig*", "praise", 2),
    _s("aanrader", "praise", 3),
    _s("bedankt", "praise", 2),
    _s("compliment*", "praise", 2),
    _s("tevreden", "praise", 2),
    _s("geen klachten", "praise", 2),
    _s("great", "praise", 1),
    _s("amazing", "praise", 2),
    _s("thanks", "praise", 2),
    _s("thank you", "praise", 2),
    _s("recommend*", "praise", 2),
    _s("well done", "praise", 2),
)
