"""Audit rows share one shape (``webcare.audit``): an action code of up to 50 characters, and an actor that may
be empty for a change the product makes itself."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('triage', '0001_initial'),
    ]

    operations = [
        migrations.AlterField(
            model_name='mentionevent',
            name='action',
            field=models.CharField(choices=[('categorise', 'set the category'), ('ignore', 'ignored'), ('restore', 'took back into the inbox'), ('assign', 'assigned'), ('note', 'added a note'), ('case_open', 'opened a case'), ('case_attach', 'added to a case'), ('undo', 'undid')], max_length=50),
        ),
    ]
