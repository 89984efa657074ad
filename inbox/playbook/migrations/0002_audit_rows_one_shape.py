"""Audit rows share one shape (``webcare.audit``): an action code of up to 50 characters, and an actor that may
be empty for a change the product makes itself."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('playbook', '0001_initial'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterField(
            model_name='playbookevent',
            name='action',
            field=models.CharField(max_length=50),
        ),
        migrations.AlterField(
            model_name='playbookevent',
            name='actor',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
    ]
