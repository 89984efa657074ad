"""An index of the open cases, newest first: a mention's "add to a case" choices and the case list read it."""

from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0008_contact_details_permission'),
        ('cases', '0009_case_mention_keys'),
        ('playbook', '0002_audit_rows_one_shape'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddIndex(
            model_name='case',
            index=models.Index(condition=models.Q(('status', 'closed'), _negated=True), fields=['organisation', '-created_at', '-id'], name='case_open_recent_idx'),
        ),
    ]
