"""The models move from the ``inbox`` app to this one; their tables stay as they are (state only)."""

import django.db.models.deletion
import django.utils.timezone
import uuid
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ("inbox", "0009_search_statistics"),
        ('monitoring', '0012_source_texts_as_codes_and_retiring'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='MentionEvent',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('action', models.CharField(choices=[('categorise', 'set the category'), ('ignore', 'ignored'), ('restore', 'took back into the inbox'), ('assign', 'assigned'), ('note', 'added a note'), ('case_open', 'opened a case'), ('case_attach', 'added to a case'), ('undo', 'undid')], max_length=16)),
                        ('before', models.JSONField(blank=True, default=dict)),
                        ('from_value', models.TextField(blank=True)),
                        ('to_value', models.TextField(blank=True)),
                        ('note', models.TextField(blank=True)),
                        ('batch', models.UUIDField(db_index=True, default=uuid.uuid4)),
                        ('version', models.PositiveIntegerField(default=0)),
                        ('created_at', models.DateTimeField(default=django.utils.timezone.now)),
                        ('actor', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('mention', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='events', to='monitoring.mention')),
                    ],
                    options={
                        'db_table': 'inbox_mentionevent',
                        'ordering': ['-created_at', '-id'],
                        'indexes': [models.Index(fields=['mention', '-created_at'], name='mentionevent_recent_idx'), models.Index(fields=['actor', '-created_at'], name='mentionevent_actor_idx')],
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
