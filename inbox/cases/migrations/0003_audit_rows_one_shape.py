"""Audit rows share one shape (``webcare.audit``): an action code of up to 50 characters, and an actor that may
be empty for a change the product makes itself."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('cases', '0002_initial'),
    ]

    operations = [
        migrations.AlterField(
            model_name='caseevent',
            name='action',
            field=models.CharField(max_length=50),
        ),
    ]
