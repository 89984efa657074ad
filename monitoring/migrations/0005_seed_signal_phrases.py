"""Seed the signal phrases (Dutch and English) that suggest a category; the admin edits them afterwards."""

from django.db import migrations

SIGNALS = [
    ('klacht*', 'complaint', 2, ''),
    ('teleurgesteld*', 'complaint', 3, ''),
    ('teleurstell*', 'complaint', 3, ''),
    ('nooit meer', 'complaint', 3, ''),
    ('oplichter*', 'complaint', 3, ''),
    ('terugbetal*', 'complaint', 2, ''),
    ('geld terug', 'complaint', 3, ''),
    ('schandalig*', 'complaint', 3, ''),
    ('waardelo*', 'complaint', 3, ''),
    ('slecht', 'complaint', 2, ''),
    ('slechte', 'complaint', 2, ''),
    ('boos', 'complaint', 2, ''),
    ('ontevreden', 'complaint', 2, ''),
    ('geen reactie', 'complaint', 2, ''),
    ('niet aan te raden', 'complaint', 3, ''),
    ('1 ster', 'complaint', 2, ''),
    ('bedankt voor niks', 'complaint', 3, ''),
    ('complain*', 'complaint', 2, ''),
    ('disappoint*', 'complaint', 3, ''),
    ('never again', 'complaint', 3, ''),
    ('refund*', 'complaint', 2, ''),
    ('money back', 'complaint', 3, ''),
    ('the worst', 'complaint', 3, ''),
    ('worst ever', 'complaint', 3, ''),
    ('terrible', 'complaint', 3, ''),
    ('scam*', 'complaint', 3, ''),
    ('rip-off', 'complaint', 3, ''),
    ('rude', 'complaint', 2, ''),
    ('no response', 'complaint', 2, ''),
    ('1 star', 'complaint', 2, ''),
    ('thanks for nothing', 'complaint', 3, ''),
    ('#fail', 'complaint', 3, 'fail'),
    ('epic fail', 'complaint', 3, 'fail'),
    ('pas maar op', 'complaint', 3, 'threat'),
    ('ik weet waar je woont', 'complaint', 3, 'threat'),
    ('ik kom verhaal halen', 'complaint', 3, 'threat'),
    ('aangifte', 'complaint', 3, 'threat'),
    ('mijn advocaat', 'complaint', 3, 'threat'),
    ('naar de rechter', 'complaint', 3, 'threat'),
    ('watch your back', 'complaint', 3, 'threat'),
    ('lawyer*', 'complaint', 3, 'threat'),
    ('legal action', 'complaint', 3, 'threat'),
    ('idioot', 'complaint', 2, 'abuse'),
    ('idioten', 'complaint', 2, 'abuse'),
    ('sukkel*', 'complaint', 2, 'abuse'),
    ('idiot*', 'complaint', 2, 'abuse'),
    ('weet iemand', 'question', 3, ''),
    ('kan iemand', 'question', 2, ''),
    ('hoe kan ik', 'question', 3, ''),
    ('hoe laat', 'question', 2, ''),
    ('wanneer', 'question', 1, ''),
    ('vraag*', 'question', 1, ''),
    ('how do i', 'question', 3, ''),
    ('does anyone', 'question', 3, ''),
    ('anyone know*', 'question', 3, ''),
    ('can someone', 'question', 2, ''),
    ('top', 'praise', 1, ''),
    ('super', 'praise', 1, ''),
    ('geweldig*', 'praise', 2, ''),
    ('aanrader', 'praise', 3, ''),
    ('bedankt', 'praise', 2, ''),
    ('compliment*', 'praise', 2, ''),
    ('tevreden', 'praise', 2, ''),
    ('geen klachten', 'praise', 2, ''),
    ('great', 'praise', 1, ''),
    ('amazing', 'praise', 2, ''),
    ('thanks', 'praise', 2, ''),
    ('thank you', 'praise', 2, ''),
    ('recommend*', 'praise', 2, ''),
    ('well done', 'praise', 2, ''),
]


def seed(apps, schema_editor):
    SignalPhrase = apps.get_model("monitoring", "SignalPhrase")
    for phrase, category, weight, flag in SIGNALS:
        SignalPhrase.objects.get_or_create(phrase=phrase, defaults={"category": category, "weight": weight, "flag": flag})


class Migration(migrations.Migration):
    dependencies = [("monitoring", "0004_mention_organisation_required")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
