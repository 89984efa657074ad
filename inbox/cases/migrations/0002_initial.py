"""The models move from the ``inbox`` app to this one; their tables stay as they are (state only)."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('cases', '0001_initial'),
        ('monitoring', '0012_source_texts_as_codes_and_retiring'),
        ('playbook', '0001_initial'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AddField(
                    model_name='case',
                    name='scenario',
                    field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='cases', to='playbook.scenario', verbose_name='scenario'),
                ),
                migrations.AddField(
                    model_name='caseevent',
                    name='actor',
                    field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL),
                ),
                migrations.AddField(
                    model_name='caseevent',
                    name='case',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='events', to='cases.case'),
                ),
                migrations.AddField(
                    model_name='casemention',
                    name='added_by',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL),
                ),
                migrations.AddField(
                    model_name='casemention',
                    name='case',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='links', to='cases.case'),
                ),
                migrations.AddField(
                    model_name='casemention',
                    name='mention',
                    field=models.OneToOneField(on_delete=django.db.models.deletion.PROTECT, related_name='case_link', to='monitoring.mention'),
                ),
                migrations.AddField(
                    model_name='improvementaction',
                    name='case',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='improvements', to='cases.case'),
                ),
                migrations.AddField(
                    model_name='improvementaction',
                    name='owner',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='owner'),
                ),
                migrations.AddField(
                    model_name='removalrequest',
                    name='case',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='removal_requests', to='cases.case'),
                ),
                migrations.AddField(
                    model_name='removalrequest',
                    name='requested_by',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL),
                ),
                migrations.AddField(
                    model_name='reply',
                    name='approved_by',
                    field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL),
                ),
                migrations.AddField(
                    model_name='reply',
                    name='author',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL),
                ),
                migrations.AddField(
                    model_name='reply',
                    name='case',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='replies', to='cases.case'),
                ),
                migrations.AddIndex(
                    model_name='case',
                    index=models.Index(fields=['status', '-created_at'], name='case_status_recent_idx'),
                ),
            ],
            database_operations=[],
        ),
    ]
