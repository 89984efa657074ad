"""Default reply templates an organisation never edited get the new wording: no complainant's name in a public
reply, no gap left to fill in, and "je" throughout. Templates an organisation changed stay as they are."""

from __future__ import annotations

from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

# (purpose, language, the old default text, the new one)
REWORDED: tuple[tuple[str, str, str, str], ...] = (
    (
        'acknowledge',
        'nl',
        'Hoi {naam}, dank dat je dit meldt. We hebben je bericht gelezen en zoeken het nu uit. Vandaag hoor je van ons wat we gaan doen. Groet, {medewerker} namens {organisatie}',
        'Dank dat je dit meldt. We hebben je bericht gelezen en zoeken het nu uit. Vandaag hoor je van ons wat we gaan doen. Groet, {medewerker} namens {organisatie}',
    ),
    (
        'acknowledge',
        'en',
        'Hi {naam}, thank you for letting us know. We have read your message and are looking into it now. You will hear from us today about what we will do. Best wishes, {medewerker} for {organisatie}',
        'Thank you for letting us know. We have read your message and are looking into it now. You will hear from us today about what we will do. Best wishes, {medewerker} for {organisatie}',
    ),
    (
        'invite_private',
        'nl',
        'Hoi {naam}, we willen dit graag goed met je oplossen. Wil je ons een bericht sturen via {email} of bellen met {telefoon}? Dan kijken we samen wat er nodig is. Groet, {medewerker}',
        'We willen dit graag goed met je oplossen. Wil je ons een bericht sturen via {email} of bellen met {telefoon}? Dan kijken we samen wat er nodig is. Groet, {medewerker} namens {organisatie}',
    ),
    (
        'invite_private',
        'en',
        'Hi {naam}, we would like to sort this out properly with you. Could you send us a message at {email} or call {telefoon}? Then we can look at what is needed together. Best wishes, {medewerker}',
        'We would like to sort this out properly with you. Could you send us a message at {email} or call {telefoon}? Then we can look at what is needed together. Best wishes, {medewerker} for {organisatie}',
    ),
    (
        'apology',
        'nl',
        'Hoi {naam}, dit had niet mogen gebeuren en dat spijt ons. Je hebt gelijk dat je dit aankaart. We laten je weten hoe we het rechtzetten. {medewerker}, {organisatie}',
        'Dit had niet mogen gebeuren, en dat spijt ons. Je hebt gelijk dat je het aankaart. We laten je zo snel mogelijk weten hoe we het rechtzetten. Groet, {medewerker} namens {organisatie}',
    ),
    (
        'apology',
        'en',
        'Hi {naam}, this should not have happened and we are sorry. You are right to raise it. We will let you know how we are putting it right. {medewerker}, {organisatie}',
        'This should not have happened, and we are sorry. You are right to raise it. We will let you know as soon as we can how we are putting it right. Best wishes, {medewerker} for {organisatie}',
    ),
    (
        'justified',
        'nl',
        'Hoi {naam}, je klacht klopt: hier zijn wij tekortgeschoten. We pakken het zo aan: … Als je vragen hebt, bereik je mij op {email}. Groet, {medewerker}',
        'Je hebt gelijk: hier zijn we tekortgeschoten. We zoeken uit hoe het zo kon lopen en laten je vandaag weten wat we eraan doen. Heb je vragen, mail dan naar {email}. Groet, {medewerker} namens {organisatie}',
    ),
    (
        'justified',
        'en',
        'Hi {naam}, your complaint is right: we fell short here. This is how we are dealing with it: … If you have questions, you can reach me at {email}. Best wishes, {medewerker}',
        'You are right: we fell short here. We are finding out how it went wrong and will let you know today what we are doing about it. If you have questions, e-mail us at {email}. Best wishes, {medewerker} for {organisatie}',
    ),
    (
        'unjustified',
        'nl',
        'Hoi {naam}, fijn dat je het laat weten, want zo kunnen we uitleggen hoe het zit: … We begrijpen dat dit anders overkwam. Bel gerust met {telefoon} als het nog niet duidelijk is. Groet, {medewerker}',
        'Dank voor je bericht. We begrijpen dat het anders overkwam, en we leggen je graag uit hoe het zit. Bel gerust met {telefoon} of mail naar {email}, dan lopen we het samen door. Groet, {medewerker} namens {organisatie}',
    ),
    (
        'unjustified',
        'en',
        'Hi {naam}, thank you for telling us, because it lets us explain how this works: … We understand it came across differently. Feel free to call {telefoon} if anything is still unclear. Best wishes, {medewerker}',
        'Thank you for your message. We understand it came across differently, and we would like to explain how it works. Feel free to call {telefoon} or e-mail {email}, and we will go through it together. Best wishes, {medewerker} for {organisatie}',
    ),
    (
        'opinion',
        'nl',
        'Hoi {naam}, dank voor je eerlijke mening. We nemen hem mee in ons overleg over … Ook als we er anders over denken, horen we graag hoe leden en bezoekers het ervaren. Groet, {medewerker}',
        'Dank voor je eerlijke mening. We nemen hem mee in ons volgende overleg. Ook als we er anders over denken, horen we graag hoe leden en bezoekers het ervaren. Groet, {medewerker} namens {organisatie}',
    ),
    (
        'opinion',
        'en',
        'Hi {naam}, thank you for your honest opinion. We will take it into our discussion about … Even where we see it differently, we like to hear how members and visitors experience it. Best wishes, {medewerker}',
        'Thank you for your honest opinion. We will take it into our next discussion. Even where we see it differently, we like to hear how members and visitors experience it. Best wishes, {medewerker} for {organisatie}',
    ),
    (
        'resolved_public',
        'nl',
        'We hebben contact gehad met {naam} en het is opgelost. Dank voor je geduld en voor het melden: hierdoor hebben we … verbeterd. {organisatie}',
        'We hebben contact gehad en het is opgelost. Dank voor je geduld, en voor het melden: zo kunnen we het voortaan beter doen. Groet, {medewerker} namens {organisatie}',
    ),
    (
        'resolved_public',
        'en',
        'We have been in touch with {naam} and this has been solved. Thank you for your patience and for telling us: because of it we improved … {organisatie}',
        'We have been in touch and this has been solved. Thank you for your patience, and for telling us: it helps us do better from now on. Best wishes, {medewerker} for {organisatie}',
    ),
)


def reword(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    templates = apps.get_model("inbox", "ReplyTemplate")
    for purpose, language, old, new in REWORDED:
        templates.objects.filter(purpose=purpose, language=language, body=old).update(body=new)


def unreword(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    templates = apps.get_model("inbox", "ReplyTemplate")
    for purpose, language, old, new in REWORDED:
        templates.objects.filter(purpose=purpose, language=language, body=new).update(body=old)


class Migration(migrations.Migration):
    dependencies = [("inbox", "0007_notification_points_at_a_mention")]

    operations = [migrations.RunPython(reword, unreword)]
