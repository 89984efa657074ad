"""The texts a new organisation starts with: reply templates, house rules, flagged phrases and a scenario.

Written for Webcare Inbox in Dutch and English. They are seeded once (a data migration) and then belong
to the organisation, which edits them; nothing here is read at run time after that.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class TemplateSeed:
    purpose: str
    language: str
    title: str
    body: str


@dataclass(frozen=True)
class RuleSeed:
    language: str
    text: str


@dataclass(frozen=True)
class PhraseSeed:
    phrase: str
    advice: str  # in the phrase's own language


@dataclass(frozen=True)
class ScenarioSeed:
    title: str
    situation: str
    prepared_answer: str


# Placeholders: {naam} the complainant, {medewerker} who answers, {organisatie}, {telefoon}, {email}.
# Every default below is said in public on the platform, so none names the complainant (our own house rule:
# no personal details in a public reply) and none leaves a gap to fill in: each reads as a whole as it is.
# The Dutch ones say "je", as the app does.
TEMPLATES: tuple[TemplateSeed, ...] = (
    TemplateSeed(
        "acknowledge",
        "nl",
        "Gezien, we komen erop terug",
        "Dank dat je dit meldt. We hebben je bericht gelezen en zoeken het nu uit. "
        "Vandaag hoor je van ons wat we gaan doen. Groet, {medewerker} namens {organisatie}",
    ),
    TemplateSeed(
        "acknowledge",
        "en",
        "Seen, we'll get back to you",
        "Thank you for letting us know. We have read your message and are looking into it now. "
        "You will hear from us today about what we will do. Best wishes, {medewerker} for {organisatie}",
    ),
    TemplateSeed(
        "invite_private",
        "nl",
        "Verder in een persoonlijk gesprek",
        "We willen dit graag goed met je oplossen. Wil je ons een bericht sturen via {email} of "
        "bellen met {telefoon}? Dan kijken we samen wat er nodig is. Groet, {medewerker} namens {organisatie}",
    ),
    TemplateSeed(
        "invite_private",
        "en",
        "Continue in a personal conversation",
        "We would like to sort this out properly with you. Could you send us a message at {email} "
        "or call {telefoon}? Then we can look at what is needed together. Best wishes, {medewerker} for {organisatie}",
    ),
    TemplateSeed(
        "apology",
        "nl",
        "Excuses",
        "Dit had niet mogen gebeuren, en dat spijt ons. Je hebt gelijk dat je het aankaart. "
        "We laten je zo snel mogelijk weten hoe we het rechtzetten. Groet, {medewerker} namens {organisatie}",
    ),
    TemplateSeed(
        "apology",
        "en",
        "Apology",
        "This should not have happened, and we are sorry. You are right to raise it. "
        "We will let you know as soon as we can how we are putting it right. "
        "Best wishes, {medewerker} for {organisatie}",
    ),
    TemplateSeed(
        "justified",
        "nl",
        "Terechte klacht: erkennen en oplossen",
        "Je hebt gelijk: hier zijn we tekortgeschoten. We zoeken uit hoe het zo kon lopen en laten je vandaag "
        "weten wat we eraan doen. Heb je vragen, mail dan naar {email}. Groet, {medewerker} namens {organisatie}",
    ),
    TemplateSeed(
        "justified",
        "en",
        "Justified complaint: admit and fix",
        "You are right: we fell short here. We are finding out how it went wrong and will let you know today "
        "what we are doing about it. If you have questions, e-mail us at {email}. "
        "Best wishes, {medewerker} for {organisatie}",
    ),
    TemplateSeed(
        "unjustified",
        "nl",
        "Onterechte klacht: uitleggen met begrip",
        "Dank voor je bericht. We begrijpen dat het anders overkwam, en we leggen je graag uit hoe het zit. "
        "Bel gerust met {telefoon} of mail naar {email}, dan lopen we het samen door. "
        "Groet, {medewerker} namens {organisatie}",
    ),
    TemplateSeed(
        "unjustified",
        "en",
        "Unjustified complaint: explain with understanding",
        "Thank you for your message. We understand it came across differently, and we would like to explain "
        "how it works. Feel free to call {telefoon} or e-mail {email}, and we will go through it together. "
        "Best wishes, {medewerker} for {organisatie}",
    ),
    TemplateSeed(
        "opinion",
        "nl",
        "Een mening: respecteren",
        "Dank voor je eerlijke mening. We nemen hem mee in ons volgende overleg. Ook als we er anders over "
        "denken, horen we graag hoe leden en bezoekers het ervaren. Groet, {medewerker} namens {organisatie}",
    ),
    TemplateSeed(
        "opinion",
        "en",
        "An opinion: respect it",
        "Thank you for your honest opinion. We will take it into our next discussion. Even where we see it "
        "differently, we like to hear how members and visitors experience it. "
        "Best wishes, {medewerker} for {organisatie}",
    ),
    TemplateSeed(
        "resolved_public",
        "nl",
        "Opgelost, ook publiek melden",
        "We hebben contact gehad en het is opgelost. Dank voor je geduld, en voor het melden: "
        "zo kunnen we het voortaan beter doen. Groet, {medewerker} namens {organisatie}",
    ),
    TemplateSeed(
        "resolved_public",
        "en",
        "Solved, said in public too",
        "We have been in touch and this has been solved. Thank you for your patience, and for telling us: "
        "it helps us do better from now on. Best wishes, {medewerker} for {organisatie}",
    ),
)

HOUSE_RULES: tuple[RuleSeed, ...] = (
    RuleSeed("nl", "Eén stem: je reageert namens de organisatie, nooit op persoonlijke titel."),
    RuleSeed("nl", "Reageer binnen een uur, ook als er nog geen oplossing is: laat weten dat je het hebt gezien."),
    RuleSeed("nl", "Lees het twee keer en wacht even voordat je een boze reactie beantwoordt."),
    RuleSeed("nl", "Beloof alleen wat de organisatie waar kan maken, en kom afspraken na."),
    RuleSeed("nl", "Spreek nooit kwaad over anderen, ook niet over de klager."),
    RuleSeed("nl", "Geen persoonsgegevens in een openbare reactie: vraag ze in een privébericht."),
    RuleSeed("nl", "Verwijder geen kritiek. Alleen bedreiging, discriminatie of spam mag weg, en dan via een melding."),
    RuleSeed("en", "One voice: you answer for the organisation, never in a personal capacity."),
    RuleSeed("en", "Answer within an hour, even without a solution yet: say that you have seen it."),
    RuleSeed("en", "Read it twice and pause before you answer an angry message."),
    RuleSeed("en", "Only promise what the organisation can deliver, and keep what was agreed."),
    RuleSeed("en", "Never speak badly of others, the complainant included."),
    RuleSeed("en", "No personal details in a public reply: ask for them in a private message."),
    RuleSeed("en", "Never delete criticism. Only threats, discrimination or spam go, and then through a report."),
)

FLAGGED_PHRASES: tuple[PhraseSeed, ...] = (
    PhraseSeed(
        "wat vervelend voor u",
        "Klinkt als een standaardzin en komt afwijzend over. Benoem liever wat er misging.",
    ),
    PhraseSeed(
        "dat is niet onze schuld",
        "Schuld afschuiven wekt irritatie. Leg uit hoe het zit en wat je wel kunt doen.",
    ),
    PhraseSeed(
        "u had moeten",
        "Verwijtend. Beschrijf wat de volgende stap is in plaats van wat de klant fout deed.",
    ),
    PhraseSeed(
        "helaas kunnen wij niets",
        "Een doodlopende reactie. Bied altijd een volgende stap of een gesprek aan.",
    ),
    PhraseSeed(
        "wij begrijpen uw frustratie",
        "Een cliché. Laat zien dat je het begrijpt door concreet te zijn.",
    ),
    PhraseSeed(
        "volgens ons reglement",
        "Klinkt bureaucratisch in het openbaar. Leg de regel in gewone woorden uit, liefst privé.",
    ),
    PhraseSeed(
        "not our fault",
        "Shifting blame irritates. Explain how it works and what you can do.",
    ),
    PhraseSeed(
        "sorry for any inconvenience",
        "A stock apology without substance. Say what you are sorry for.",
    ),
    PhraseSeed(
        "you should have",
        "Reproachful. Describe the next step instead of what the customer did wrong.",
    ),
)

SCENARIOS: tuple[ScenarioSeed, ...] = (
    ScenarioSeed(
        "Ongeluk of incident tijdens een activiteit",
        "Iemand meldt online dat er tijdens een les, wedstrijd of evenement iets ernstigs is gebeurd.",
        "We hebben je bericht gezien en nemen dit zeer serieus. De voorzitter neemt vandaag persoonlijk "
        "contact met je op. Wil je ons je telefoonnummer sturen in een privébericht?",
    ),
    ScenarioSeed(
        "Beschuldiging van een vrijwilliger of medewerker",
        "Iemand beschuldigt publiekelijk een met naam genoemde vrijwilliger of medewerker.",
        "Dank dat je dit meldt. We bespreken dit niet in het openbaar, om iedereen te beschermen. "
        "Onze vertrouwenspersoon neemt contact met je op; stuur ons je gegevens in een privébericht.",
    ),
)


def seed_organisation(organisation_id: int, *, models: Mapping[str, Any]) -> None:
    """Give one organisation the defaults, once: an organisation that has any of a kind keeps its own.

    ``models`` maps ReplyTemplate, HouseRule, FlaggedPhrase and Scenario to their model classes (the
    real ones, or a migration's historical ones).
    """
    templates, rules, phrases, scenarios = (
        models[name] for name in ("ReplyTemplate", "HouseRule", "FlaggedPhrase", "Scenario")
    )
    if not templates.objects.filter(organisation_id=organisation_id).exists():
        templates.objects.bulk_create(
            templates(
                organisation_id=organisation_id, purpose=t.purpose, language=t.language, title=t.title, body=t.body
            )
            for t in TEMPLATES
        )
    if not rules.objects.filter(organisation_id=organisation_id).exists():
        rules.objects.bulk_create(
            rules(organisation_id=organisation_id, language=r.language, text=r.text, position=i)
            for i, r in enumerate(HOUSE_RULES)
        )
    if not phrases.objects.filter(organisation_id=organisation_id).exists():
        phrases.objects.bulk_create(
            phrases(
                organisation_id=organisation_id,
                phrase=p.phrase,
                advice=p.advice,
            )
            for p in FLAGGED_PHRASES
        )
    if not scenarios.objects.filter(organisation_id=organisation_id).exists():
        scenarios.objects.bulk_create(
            scenarios(
                organisation_id=organisation_id, title=s.title, situation=s.situation, prepared_answer=s.prepared_answer
            )
            for s in SCENARIOS
        )
