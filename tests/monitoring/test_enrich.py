from __future__ import annotations

import time

import pytest

from monitoring.feeds.enrich import (
    CATEGORIES,
    DEFAULT_SIGNALS,
    FLAGS,
    Enrichment,
    Signal,
    detect_language,
    enrich,
    normalise,
    normalise_with_offsets,
)


def signals(*rows: tuple[str, str, int] | tuple[str, str, int, str]) -> tuple[Signal, ...]:
    return tuple(Signal(*row) for row in rows)


def category_of(text: str, *, title: str = "") -> str:
    return enrich(title=title, text=text, signals=DEFAULT_SIGNALS).category


# Language


@pytest.mark.parametrize(
    "text",
    [
        "Heel erg teleurgesteld in de winkel, personeel was onbeleefd",
        "Weet iemand hoe laat het zwembad open is?",
        "Top club, echt een aanrader voor kinderen!",
        "Al drie weken geen reactie op mijn mail. Schandalig.",
        "lekker gegeten bij Café De Zon, zeker voor herhaling vatbaar",
        "mn dochter had het super naar haar zin",
        "Lidmaatschap opgezegd maar ze blijven afschrijven. Advocaat ingeschakeld.",
    ],
)
def test_it_detects_dutch(text):
    assert detect_language(text) == "nl"


@pytest.mark.parametrize(
    "text",
    [
        "Worst customer service ever, never again!",
        "Does anyone know what time the pool opens?",
        "Great club, highly recommend it for kids!",
        "Still no reply to my email after three weeks. Disgraceful.",
        "my daughter had a great time",
        "I want a refund, the product arrived broken.",
    ],
)
def test_it_detects_english(text):
    assert detect_language(text) == "en"


@pytest.mark.parametrize(
    "text",
    [
        "Der Service war eine Katastrophe, nie wieder!",
        "Quelqu'un sait à quelle heure ouvre la piscine?",
        "¿Alguien sabe a qué hora abre la piscina?",
        "Ek is baie teleurgesteld met die diens",  # Afrikaans, close to Dutch
        "Это худший сервис, никогда больше",
    ],
)
def test_other_languages_are_other(text):
    assert detect_language(text) == "other"


@pytest.mark.parametrize(
    "text", ["", "   ", "top!", "😡😡😡👎", "1234 5678", "https://www.example.com/x?y=1 @handle #tag"]
)
def test_text_too_short_to_tell_is_other(text):
    assert detect_language(text) == "other"


@pytest.mark.parametrize(
    ("text", "language"), [("heel slecht", "nl"), ("Mooi gedaan jongens", "nl"), ("well done 👏", "en")]
)
def test_it_recognises_short_social_phrases(text, language):
    assert detect_language(text) == language


def test_links_and_handles_do_not_decide_the_language():
    text = "Nooit meer! https://www.thebestcoffeeshop.com/reviews/worst-customer-service-ever-seen-in-the-whole-world"
    assert detect_language(text) == "nl"
    assert detect_language("@TheBestCoffeeShop @WorldwideTravelDeals #fail") == "other"


def test_language_is_detected_on_title_and_text_together():
    result = enrich(title="Klantenservice", text="Heel erg teleurgesteld, nooit meer", signals=())
    assert result.language == "nl"


def test_the_same_text_always_gets_the_same_language():
    text = "Team meeting over de sponsor deal met de club"
    assert len({detect_language(text) for _ in range(20)}) == 1


# Categories on realistic entries


def test_a_one_star_review_is_a_complaint():
    result = enrich(
        title="1 ster voor Café De Zon",
        text="Eten was koud, we moesten een uur wachten en het personeel was onbeleefd. Heel slecht. Nooit meer!",
        signals=DEFAULT_SIGNALS,
    )
    assert result == Enrichment(
        language="nl",
        category="complaint",
        reasons=('"1 ster"', '"slecht"', '"nooit meer"'),
        flags=(),
    )


def test_an_angry_forum_post_with_fail_is_a_flagged_complaint():
    result = enrich(
        title="Weer geen bus naar het toernooi #FAIL",
        text="Drie keer gemaild, geen reactie. Ik ben er zo klaar mee, waardeloze organisatie.",
        signals=DEFAULT_SIGNALS,
    )
    assert result.category == "complaint"
    assert result.reasons == ('"#fail"', '"geen reactie"', '"waardeloze"')
    assert result.flags == ("fail",)


def test_a_question_about_opening_hours_is_a_question():
    result = enrich(title="", text="Weet iemand hoe laat het zwembad open is?", signals=DEFAULT_SIGNALS)
    assert result.category == "question"
    assert result.reasons == ('"weet iemand"', '"hoe laat"', '"?"')


def test_an_english_question_is_a_question():
    assert category_of("How do I cancel my membership?") == "question"


def test_dutch_praise_is_praise():
    result = enrich(
        title="", text="Geweldige sfeer op de open dag, complimenten aan de vrijwilligers!", signals=DEFAULT_SIGNALS
    )
    assert result.category == "praise"
    assert result.reasons == ('"geweldige"', '"complimenten"')


def test_english_praise_is_praise():
    assert category_of("Thanks for the quick help yesterday, highly recommended!") == "praise"


def test_a_threat_is_a_complaint_flagged_as_threat():
    result = enrich(title="", text="Pas maar op, ik weet waar je woont.", signals=DEFAULT_SIGNALS)
    assert result.category == "complaint"
    assert result.flags == ("threat",)


def test_legal_steps_are_flagged_as_threat():
    assert enrich(title="", text="Ik ga aangifte doen als ik niks hoor", signals=DEFAULT_SIGNALS).flags == ("threat",)
    assert enrich(title="", text="I'll contact my lawyer", signals=DEFAULT_SIGNALS).flags == ("threat",)


def test_announcing_a_visit_is_not_a_threat():
    result = enrich(title="", text="Ik kom morgen langs voor een proefles", signals=DEFAULT_SIGNALS)
    assert result.flags == ()
    assert result.category == "other"


def test_name_calling_is_flagged_as_abuse():
    result = enrich(title="", text="Stelletje idioten daar bij de kassa", signals=DEFAULT_SIGNALS)
    assert result.category == "complaint"
    assert result.flags == ("abuse",)


def test_a_sausage_is_not_a_complaint():
    assert category_of("Broodje worst in de kantine na de wedstrijd") == "other"


def test_text_without_signals_is_other():
    result = enrich(title="Vrijwilligers gezocht", text="Voor de kerstmarkt van zaterdag.", signals=DEFAULT_SIGNALS)
    assert result.category == "other"
    assert result.reasons == ()
    assert result.flags == ()


@pytest.mark.parametrize("text", ["", "😡😡😡", "👍🏻🎉"])
def test_empty_or_emoji_only_text_is_other(text):
    assert enrich(title="", text=text, signals=DEFAULT_SIGNALS) == Enrichment(
        language="other", category="other", reasons=(), flags=()
    )


# Matching rules


@pytest.mark.parametrize("text", ["teleurgesteld", "TELEURGESTELD", "Téleurgesteld", "Teleurgesteld!!"])
def test_matching_ignores_case_and_accents(text):
    result = enrich(title="", text=f"Ik ben {text}", signals=signals(("teleurgesteld", "complaint", 3)))
    assert result.category == "complaint"


def test_a_signal_with_accents_matches_text_without():
    assert enrich(title="", text="een heel mooi cafe", signals=signals(("Café", "praise", 1))).category == "praise"


@pytest.mark.parametrize("text", ["Ik heb klachten", "Mijn klacht!", "Het klachtenformulier werkt niet", "#klacht"])
def test_a_star_matches_dutch_inflections(text):
    assert enrich(title="", text=text, signals=signals(("klacht*", "complaint", 2))).category == "complaint"


def test_without_a_star_a_signal_matches_whole_words_only():
    rules = signals(("fail", "complaint", 3), ("super", "praise", 1), ("slecht", "complaint", 2))
    assert enrich(title="", text="De club is failliet verklaard", signals=rules).category == "other"
    assert enrich(title="", text="Bij de supermarkt", signals=rules).category == "other"
    assert enrich(title="", text="Het duurde slechts vijf minuten", signals=rules).category == "other"
    assert enrich(title="", text="Wat een fail", signals=rules).category == "complaint"


def test_a_star_matches_only_at_the_start_of_a_word():
    rules = signals(("klacht*", "complaint", 2))
    assert enrich(title="", text="Een terechte onderklacht", signals=rules).category == "other"


def test_a_hashtag_signal_matches_only_the_hashtag():
    rules = signals(("#fail", "complaint", 3, "fail"))
    assert enrich(title="", text="Weer te laat #FAIL", signals=rules).flags == ("fail",)
    assert enrich(title="", text="I did not fail the exam", signals=rules).category == "other"
    assert enrich(title="", text="zie example.com/page#fail", signals=rules).category == "other"


def test_words_of_a_phrase_match_across_hyphens_and_line_breaks():
    rules = signals(("rip-off", "complaint", 3), ("nooit meer", "complaint", 3))
    assert enrich(title="", text="Total rip off", signals=rules).reasons == ('"rip off"',)
    assert enrich(title="", text="Nooit\n  meer", signals=rules).reasons == ('"nooit meer"',)


def test_a_phrase_does_not_run_from_the_title_into_the_text():
    rules = signals(("nooit meer", "complaint", 3))
    assert enrich(title="Nooit", text="meer info op onze site", signals=rules).category == "other"


def test_signals_in_the_title_count():
    assert category_of("open dag", title="Teleurgesteld in de open dag") == "complaint"


def test_a_question_mark_is_a_weak_question_signal():
    result = enrich(title="", text="Is de kantine open?", signals=())
    assert result.category == "question"
    assert result.reasons == ('"?"',)


def test_the_question_mark_of_a_link_is_not_a_question():
    assert enrich(title="", text="Zie https://example.nl/page?id=3 voor info", signals=()).category == "other"


def test_a_question_mark_loses_to_a_complaint():
    assert category_of("Waarom krijg ik geen reactie?") == "complaint"


# Weighing


def test_the_highest_total_weight_wins():
    rules = signals(("slecht", "complaint", 2), ("top", "praise", 1), ("aanrader", "praise", 3))
    assert (
        enrich(title="", text="Top club, een aanrader, alleen de kantine is slecht", signals=rules).category == "praise"
    )
    assert enrich(title="", text="Top club, alleen de kantine is slecht", signals=rules).category == "complaint"


def test_a_signal_counts_once_however_often_it_occurs():
    rules = signals(("slecht", "complaint", 2), ("aanrader", "praise", 3))
    result = enrich(title="Slecht", text="slecht, slecht en slecht, maar een aanrader", signals=rules)
    assert result.category == "praise"


def test_a_tie_between_complaint_and_praise_is_a_complaint():
    rules = signals(("bedankt", "praise", 2), ("terugbetaald", "complaint", 2))
    assert enrich(title="", text="Eindelijk terugbetaald, bedankt", signals=rules).category == "complaint"


def test_a_tie_between_question_and_praise_is_a_question():
    rules = signals(("bedankt", "praise", 2), ("weet iemand", "question", 2))
    assert enrich(title="", text="Weet iemand het adres, bedankt", signals=rules).category == "question"


def test_the_longest_of_overlapping_phrases_wins():
    rules = signals(("klacht*", "complaint", 2), ("geen klachten", "praise", 2))
    result = enrich(title="", text="Geen klachten hier", signals=rules)
    assert result.category == "praise"
    assert result.reasons == ('"geen klachten"',)


def test_no_complaints_is_praise():
    result = enrich(title="", text="Geen klachten, alles top", signals=DEFAULT_SIGNALS)
    assert result.category == "praise"
    assert result.reasons == ('"geen klachten"', '"top"')


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("Niet tevreden over de training", '"niet tevreden"'),
        ("Geen aanrader dus", '"geen aanrader"'),
        ("Not recommended, expensive and poor quality", '"not recommended"'),
        ("Echt niet zo geweldig allemaal", '"niet zo geweldig"'),
    ],
)
def test_negated_praise_counts_for_the_complaint(text, reason):
    result = enrich(title="", text=text, signals=DEFAULT_SIGNALS)
    assert result.category == "complaint"
    assert result.reasons == (reason,)


def test_negated_complaints_still_count():
    # "no refund" is a complaint: only praise flips, so no complaint is ever talked away.
    assert category_of("Still no refund after six weeks") == "complaint"


# Flags


def test_repeated_author_is_flagged():
    result = enrich(title="", text="Alweer bedankt!", signals=DEFAULT_SIGNALS, repeated_author=True)
    assert result.category == "praise"
    assert result.flags == ("repeated_author",)


def test_flags_come_in_a_fixed_order_once_each():
    result = enrich(
        title="Sukkels! #fail",
        text="Idioten, pas maar op. #fail #fail",
        signals=DEFAULT_SIGNALS,
        repeated_author=True,
    )
    assert result.flags == ("fail", "threat", "abuse", "repeated_author")


@pytest.mark.parametrize(
    "text",
    ["Alweer bedankt!", "#fail, pas maar op, idioot", "Weet iemand hoe laat het begint?", "", "Gewoon een bericht"],
)
def test_flagging_a_repeated_author_afterwards_gives_what_enrich_gives(text):
    plain = enrich(title="", text=text, signals=DEFAULT_SIGNALS)
    flagged = enrich(title="", text=text, signals=DEFAULT_SIGNALS, repeated_author=True)
    assert plain.with_repeated_author() == flagged
    assert flagged.with_repeated_author() == flagged


def test_flags_count_even_when_another_category_wins():
    rules = signals(("aangifte", "complaint", 1, "threat"), ("bedankt", "praise", 3))
    result = enrich(title="", text="Bedankt voor de hulp bij mijn aangifte", signals=rules)
    assert result.category == "praise"
    assert result.flags == ("threat",)


# Signals are data


def test_signals_come_from_the_caller():
    text = "De kantine heeft geen glutenvrije opties"
    assert enrich(title="", text=text, signals=DEFAULT_SIGNALS).category == "other"
    rules = [Signal(phrase="geen glutenvrij*", category="complaint", weight=1)]
    assert enrich(title="", text=text, signals=rules).reasons == ('"geen glutenvrije"',)


@pytest.mark.parametrize(
    "row",
    [
        ("klacht", "angry", 1, ""),
        ("klacht", "complaint", 1, "spam"),
        ("klacht", "complaint", 0, ""),
        ("", "complaint", 1, ""),
        ("?!*", "complaint", 1, ""),
    ],
)
def test_an_invalid_signal_is_refused(row):
    with pytest.raises(ValueError, match=r"klacht|word"):
        Signal(*row)


def test_default_signals_cover_every_category_and_flag_in_both_languages():
    assert 40 <= len(DEFAULT_SIGNALS) <= 80
    assert {s.category for s in DEFAULT_SIGNALS} == set(CATEGORIES)
    assert {s.flag for s in DEFAULT_SIGNALS} == {"", *FLAGS}
    phrases = {s.phrase for s in DEFAULT_SIGNALS}
    assert {"klacht*", "teleurgesteld*", "nooit meer", "#fail", "weet iemand", "aanrader"} <= phrases
    assert {"refund*", "never again", "scam*", "does anyone", "thanks"} <= phrases


def test_default_signals_have_no_duplicate_phrases():
    normalised = [normalise(s.phrase) for s in DEFAULT_SIGNALS]
    assert len(normalised) == len(set(normalised))


# Normalising


def test_normalise_lowercases_strips_accents_and_folds_whitespace():
    assert normalise("  Café\tDE\u00a0 Zon\n\u2019t Hoekje  Geïrriteerd ") == "cafe de zon 't hoekje geirriteerd"


@pytest.mark.parametrize(
    "text",
    [
        "",
        "  Café  De\n\nZon ",
        "Cafe\u0301 de zon",
        "STRAßE ﬁets",
        "\u2019t Hoekje 😡 #FAIL",
        "İstanbul ǅemal",
        "a\u0301\u0308 b",
    ],
)
def test_normalise_with_offsets_agrees_with_normalise(text):
    normalised, offsets = normalise_with_offsets(text)
    assert normalised == normalise(text)
    assert len(offsets) == len(normalised)
    assert offsets == sorted(offsets)
    assert all(0 <= offset < len(text) for offset in offsets)


def test_normalise_with_offsets_points_at_the_original_characters():
    normalised, offsets = normalise_with_offsets("Ça  va")
    assert normalised == "ca va"
    assert offsets == [0, 1, 2, 4, 5]


# Speed


def test_a_100k_character_text_stays_fast():
    text = "Een gewone dag op de club, de kantine was open en het weer was prima. " * 1450 + "Nooit meer!"
    enrich(title="", text="warm up", signals=DEFAULT_SIGNALS)
    started = time.perf_counter()
    result = enrich(title="Verslag", text=text, signals=DEFAULT_SIGNALS)
    assert time.perf_counter() - started < 0.5
    assert len(text) > 100_000
    assert result.category == "complaint"
    assert result.language == "nl"
