"""Audit rows share one shape (``webcare.audit``): an action code of up to 50 characters, and an actor that may
be empty for a change the product makes itself."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0006_user_organisation'),
    ]

    operations = [
        migrations.AlterField(
            model_name='userevent',
            name='action',
            field=models.CharField(choices=[('user_created', 'Added a user'), ('role_changed', 'Changed the role'), ('email_changed', 'Changed the e-mail address'), ('name_changed', 'Changed the name'), ('deactivated', 'Deactivated'), ('reactivated', 'Reactivated')], max_length=50),
        ),
        migrations.AlterField(
            model_name='userevent',
            name='actor',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
    ]
