from __future__ import annotations

import time

import pytest

from monitoring.feeds.terms import TermMatch, WatchTerms, highlight_spans, watch_terms_match, watch_terms_parse


def include(*terms: str, exclude: tuple[str, ...] = ()) -> WatchTerms:
    return WatchTerms(include=terms, exclude=exclude)


def marked(text: str, spans: list[tuple[int, int]]) -> list[str]:
    return [text[start:end] for start, end in spans]


# Parsing what a user typed


def test_words_are_separated_by_commas_semicolons_spaces_and_new_lines():
    terms = watch_terms_parse("dolfijnen, zwembad;kantine\nvereniging  sportpark", "")
    assert terms.include == ("dolfijnen", "zwembad", "kantine", "vereniging", "sportpark")


def test_a_quoted_phrase_stays_one_term():
    terms = watch_terms_parse('"De Dolfijnen", zwembad "Café De Zon"', "")
    assert terms.include == ("De Dolfijnen", "zwembad", "Café De Zon")


def test_typographic_quotes_work_like_straight_ones():
    terms = watch_terms_parse("\u201cDe Dolfijnen\u201d, \u201eSint-Jan\u201d", "")
    assert terms.include == ("De Dolfijnen", "Sint-Jan")


def test_an_unclosed_quote_runs_to_the_end():
    assert watch_terms_parse('zwembad, "De Dolfijnen', "").include == ("zwembad", "De Dolfijnen")


def test_spaces_inside_a_phrase_are_folded():
    assert watch_terms_parse('"  De \n Dolfijnen "', "").include == ("De Dolfijnen",)


def test_apostrophes_and_hyphens_stay_inside_a_word():
    assert watch_terms_parse("'t Hoekje, Sint-Jan", "").include == ("'t", "Hoekje", "Sint-Jan")


def test_a_repeated_term_is_kept_once_in_its_first_spelling():
    assert watch_terms_parse("Café, cafe, CAFÉ, café*", "").include == ("Café", "café*")


def test_empty_and_punctuation_only_input_gives_no_terms():
    assert watch_terms_parse("", "  ,, ;\n") == WatchTerms(include=(), exclude=())
    assert watch_terms_parse('"" - !! ...', "").include == ()


def test_exclude_terms_are_parsed_the_same_way():
    assert watch_terms_parse("", 'vacature, "Dolfijnen Den Haag"').exclude == ("vacature", "Dolfijnen Den Haag")


# Matching


def test_an_entry_with_an_include_term_is_relevant():
    result = watch_terms_match(include("Dolfijnen"), title="", text="Leuke training bij de Dolfijnen vandaag")
    assert result == TermMatch(is_relevant=True, matched=("Dolfijnen",))


def test_an_entry_without_any_include_term_is_not_relevant():
    result = watch_terms_match(include("Dolfijnen", "Café De Zon"), title="", text="Het zwembad is dicht")
    assert result == TermMatch(is_relevant=False, matched=())


def test_without_include_terms_every_entry_is_relevant():
    assert watch_terms_match(include(), title="", text="Het zwembad is dicht") == TermMatch(True, ())


def test_an_exclude_term_makes_an_entry_irrelevant():
    terms = include("Dolfijnen", exclude=("Den Haag",))
    result = watch_terms_match(terms, title="Zwemclub De Dolfijnen Den Haag", text="Uitslagen van zaterdag")
    assert result.is_relevant is False
    assert result.matched == ("Dolfijnen",)


def test_an_exclude_term_also_applies_without_include_terms():
    assert watch_terms_match(include(exclude=("vacature",)), title="Vacature", text="").is_relevant is False


@pytest.mark.parametrize("text", ["Café De Zon", "cafe de zon", "CAFE DE ZON", "Cafe\u0301 de Zon", "café-de-zon"])
def test_matching_ignores_case_accents_and_hyphens(text):
    assert watch_terms_match(include("Café De Zon"), title="", text=f"Gisteren bij {text}.").matched == ("Café De Zon",)


def test_a_term_typed_without_accents_matches_text_with_them():
    assert watch_terms_match(include("cafe"), title="", text="Het Café is dicht").matched == ("cafe",)


@pytest.mark.parametrize("text", ["Zondag was het druk", "Het zonnetje scheen", "Bij de Zonnebloem"])
def test_a_word_matches_whole_words_only(text):
    assert watch_terms_match(include("Zon"), title="", text=text).is_relevant is False


def test_a_phrase_needs_word_boundaries_on_both_ends():
    terms = include("De Dolfijnen")
    assert watch_terms_match(terms, title="", text="Zwembad De Dolfijnenbad").is_relevant is False
    assert watch_terms_match(terms, title="", text="Made Dolfijnen").is_relevant is False
    assert watch_terms_match(terms, title="", text="(De Dolfijnen)").is_relevant is True


def test_a_phrase_matches_across_extra_spaces_and_line_breaks():
    assert watch_terms_match(include("De Dolfijnen"), title="", text="bij De\n  Dolfijnen").is_relevant is True


def test_a_star_matches_word_starts():
    terms = include("dolfijn*")
    assert watch_terms_match(terms, title="", text="De dolfijntjes zwemmen").matched == ("dolfijn*",)
    assert watch_terms_match(terms, title="", text="Een zeedolfijn").is_relevant is False


def test_a_term_matches_a_hashtag():
    assert watch_terms_match(include("Dolfijnen"), title="", text="Gewonnen! #dolfijnen").is_relevant is True


def test_the_title_counts():
    assert watch_terms_match(include("Dolfijnen"), title="Dolfijnen winnen", text="3-1").matched == ("Dolfijnen",)


def test_a_phrase_does_not_run_from_the_title_into_the_text():
    result = watch_terms_match(include("De Dolfijnen"), title="Nieuws van De", text="Dolfijnen zijn zoogdieren")
    assert result.is_relevant is False


def test_matched_lists_the_users_spelling_in_the_users_order():
    terms = watch_terms_parse('Zon, "Café De Zon", Dolfijnen', "")
    result = watch_terms_match(terms, title="", text="cafe de zon, daarna dolfijnen")
    assert result.matched == ("Zon", "Café De Zon", "Dolfijnen")


def test_matching_a_100k_character_text_stays_fast():
    terms = watch_terms_parse('"Café De Zon", Dolfijnen, zwembad*', "vacature")
    text = "Een gewone dag in het dorp, niets bijzonders te melden vandaag. " * 1600 + "Bij Café De Zon."
    started = time.perf_counter()
    result = watch_terms_match(terms, title="", text=text)
    assert time.perf_counter() - started < 0.5
    assert result == TermMatch(is_relevant=True, matched=("Café De Zon",))


# Highlighting


def test_spans_point_into_the_original_text():
    text = "Gisteren bij CAFÉ DE ZON, en morgen weer naar Café De Zon!"
    spans = highlight_spans(text, ["Café De Zon"])
    assert spans == [(13, 24), (46, 57)]
    assert marked(text, spans) == ["CAFÉ DE ZON", "Café De Zon"]


def test_spans_stay_right_after_accents_that_change_length():
    # "e" + a combining acute is two characters that normalise to one.
    text = "Cafe\u0301 Cafe\u0301 en daarna bij De Zon"
    assert marked(text, highlight_spans(text, ["zon", "café"])) == ["Cafe\u0301", "Cafe\u0301", "Zon"]


def test_a_combining_accent_at_the_end_stays_inside_the_span():
    text = "Bij Cafe\u0301 vandaag"
    assert highlight_spans(text, ["cafe"]) == [(4, 9)]


def test_spans_cover_characters_that_expand_when_normalised():
    text = "Feest in de Straße, op de ﬁets naar de STRASSE"
    assert marked(text, highlight_spans(text, ["Straße", "fiets"])) == ["Straße", "ﬁets", "STRASSE"]


def test_spans_include_folded_whitespace_inside_a_phrase():
    text = "Hup   De\n\tDolfijnen!"
    assert marked(text, highlight_spans(text, ["De Dolfijnen"])) == ["De\n\tDolfijnen"]


def test_spans_count_emoji_as_one_character():
    text = "🎉🎉 Hup Dolfijnen"
    assert highlight_spans(text, ["Dolfijnen"]) == [(7, 16)]


def test_overlapping_spans_are_merged():
    text = "Hup De Dolfijnen"
    assert highlight_spans(text, ["Dolfijnen", "De Dolfijnen"]) == [(4, 16)]


def test_a_star_term_highlights_the_whole_word():
    text = "De dolfijntjes zwemmen"
    assert marked(text, highlight_spans(text, ["dolfijn*"])) == ["dolfijntjes"]


def test_nothing_to_highlight_gives_no_spans():
    assert highlight_spans("Hup De Dolfijnen", []) == []
    assert highlight_spans("Hup De Dolfijnen", ["zwembad", "!!"]) == []
    assert highlight_spans("", ["Dolfijnen"]) == []


def test_highlighting_a_100k_character_text_stays_fast():
    text = "Bij Café De Zon was het gezellig, ook voor de dolfijnen. " * 1800
    started = time.perf_counter()
    spans = highlight_spans(text, ["Café De Zon"])
    assert time.perf_counter() - started < 1.0
    assert len(text) > 100_000
    assert len(spans) == 1800
    assert marked(text, spans[-1:]) == ["Café De Zon"]
