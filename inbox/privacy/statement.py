"""The privacy statement complainants read: our own text per language, or the organisation's rewrite of it,
with the organisation's name, contact details and retention periods filled in.

The texts are data (one per language), not translations of each other's messages: an organisation rewrites
the one it publishes, and a statement has to read as a whole in its own language. Plain text, paragraphs
apart by a blank line; the page shows it escaped.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from accounts.models import Organisation
from inbox.privacy.models import PrivacyPolicy

LANGUAGES = ("nl", "en")
DEFAULT_LANGUAGE = "nl"

# Filled in when the statement is shown: the organisation's name and contact details, the retention periods.
# Spelled in Dutch in every language, as the placeholders of reply templates are.
PLACEHOLDERS = ("organisatie", "maanden_vermeldingen", "maanden_zaken", "email", "telefoon")
_PLACEHOLDER = re.compile(r"\{(" + "|".join(PLACEHOLDERS) + r")\}")

DEFAULT_STATEMENTS: dict[str, str] = {
    "nl": """\
Deze verklaring gaat over {organisatie}. Wij beslissen welke persoonsgegevens we gebruiken als we reageren op \
wat er over ons gezegd wordt, en we zijn er verantwoordelijk voor. Je bereikt ons via {email} of {telefoon}.

We volgen wat er openlijk online over ons geschreven wordt: reviews, berichten op sociale media, forums en \
nieuwsberichten. Zo zien we vragen en klachten op tijd, kunnen we ze beantwoorden en merken we wat we beter \
kunnen doen.

Van zo'n openbaar bericht bewaren we de tekst, de naam of gebruikersnaam die erbij staat, en de link ernaartoe. \
Neem je daarna zelf contact met ons op, bijvoorbeeld per e-mail of telefoon, dan bewaren we ook je e-mailadres \
of telefoonnummer en wat we samen hebben afgesproken.

We doen dit omdat we er een gerechtvaardigd belang bij hebben: we willen je vraag of klacht goed beantwoorden \
en onze dienstverlening verbeteren. We gebruiken je gegevens niet voor reclame en we verkopen ze aan niemand.

Alleen ons webcareteam ziet de berichten. Je contactgegevens ziet alleen wie je vraag behandelt, de \
verantwoordelijke voor webcare en diens vervanger, leidinggevenden en het bestuur.

Een bericht waar geen zaak van is gemaakt, bewaren we {maanden_vermeldingen} maanden. Een zaak bewaren we tot \
{maanden_zaken} maanden nadat we hem hebben afgesloten. Daarna vervangen we namen, contactgegevens, teksten en \
links door een schuilnaam. Wat overblijft zijn cijfers zonder namen, zoals hoeveel klachten we kregen en hoe \
snel we antwoordden.

Je mag vragen welke gegevens we van je hebben en er een kopie van krijgen. Je mag ze laten verbeteren of laten \
wissen, en je mag bezwaar maken tegen hoe we ze gebruiken. Stuur je verzoek naar {email} of bel {telefoon}; we \
antwoorden binnen een maand. Vind je dat we niet goed met je gegevens omgaan, dan kun je een klacht indienen bij \
de Autoriteit Persoonsgegevens.""",
    "en": """\
This statement is about {organisatie}. We decide which personal data we use when we respond to what is said \
about us, and we are responsible for it. You can reach us at {email} or {telefoon}.

We follow what is written about us in public online: reviews, posts on social media, forums and news articles. \
That way we notice questions and complaints in time, can answer them, and learn what we could do better.

Of such a public post we keep the text, the name or username shown with it, and the link to it. If you then \
contact us yourself, for example by e-mail or phone, we also keep your e-mail address or phone number and what \
we agreed together.

We do this because we have a legitimate interest in it: we want to answer your question or complaint well and \
improve our service. We do not use your data for advertising and we sell it to nobody.

Only our webcare team sees the posts. Your contact details are seen only by whoever handles your question, the \
person responsible for webcare and their deputy, managers and the board.

A post that never became a case is kept for {maanden_vermeldingen} months. A case is kept until {maanden_zaken} months \
after we closed it. After that we replace names, contact details, texts and links with a pseudonym. What remains \
are figures without names, such as how many complaints we received and how fast we answered.

You may ask which data we hold about you and receive a copy of it. You may have it corrected or erased, and you \
may object to how we use it. Send your request to {email} or call {telefoon}; we answer within a month. If you feel \
we do not handle your data properly, you can file a complaint with the Dutch Data Protection Authority \
(Autoriteit Persoonsgegevens).""",
}

# What stands in for contact details the organisation has not filled in yet.
_NO_CONTACT: dict[str, dict[str, str]] = {
    "nl": {"email": "het e-mailadres op onze website", "telefoon": "het telefoonnummer op onze website"},
    "en": {"email": "the e-mail address on our website", "telefoon": "the phone number on our website"},
}


def language_shown(language: str | None) -> str:
    """The statement's language for a visitor reading in ``language``: English for English, else Dutch."""
    return "en" if (language or "").lower().startswith("en") else DEFAULT_LANGUAGE


def text_normalised(text: str) -> str:
    """``text`` with the line endings a browser sends made plain and no space at the ends of lines."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return "\n".join(line.rstrip() for line in lines).strip()


def statement_own(policy: PrivacyPolicy, language: str) -> str:
    """The organisation's own text in ``language``; "" where it uses ours."""
    return str(getattr(policy, f"statement_{language}"))


def statement_source(policy: PrivacyPolicy, language: str) -> str:
    """The statement in ``language`` with its placeholders: the organisation's own, else ours."""
    return statement_own(policy, language) or DEFAULT_STATEMENTS[language]


def placeholders_fill(text: str, values: Mapping[str, str]) -> str:
    """``text`` with each of the statement's placeholders replaced (keyed by the Dutch name); any other text
    between braces stays as it is."""

    def replace(match: re.Match[str]) -> str:
        return values.get(match.group(1), match.group(0))

    return _PLACEHOLDER.sub(replace, text)


def statement_shown(policy: PrivacyPolicy, organisation: Organisation, language: str) -> str:
    """The statement as a visitor reads it in ``language`` ("nl" or "en"), placeholders filled."""
    values = {
        "organisatie": organisation.name,
        "maanden_vermeldingen": str(policy.mention_months),
        "maanden_zaken": str(policy.case_months),
        "email": organisation.contact_email or _NO_CONTACT[language]["email"],
        "telefoon": organisation.contact_phone or _NO_CONTACT[language]["telefoon"],
    }
    return placeholders_fill(statement_source(policy, language), values)
