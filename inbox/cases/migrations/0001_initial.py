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
        ('accounts', '0005_user_language_and_events'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='CaseEvent',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('action', models.CharField(max_length=24)),
                        ('from_value', models.TextField(blank=True)),
                        ('to_value', models.TextField(blank=True)),
                        ('note', models.TextField(blank=True)),
                        ('created_at', models.DateTimeField(default=django.utils.timezone.now)),
                    ],
                    options={
                        'db_table': 'inbox_caseevent',
                        'ordering': ['-created_at', '-id'],
                    },
                ),
                migrations.CreateModel(
                    name='CaseMention',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('added_at', models.DateTimeField(default=django.utils.timezone.now)),
                    ],
                    options={
                        'verbose_name': 'mention in a case',
                        'verbose_name_plural': 'mentions in a case',
                        'db_table': 'inbox_casemention',
                    },
                ),
                migrations.CreateModel(
                    name='ImprovementAction',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('description', models.TextField(verbose_name='what changes')),
                        ('state', models.CharField(choices=[('open', 'To do'), ('in_progress', 'In progress'), ('done', 'Done')], default='open', max_length=16, verbose_name='state')),
                        ('announced_url', models.URLField(blank=True, max_length=2000, verbose_name='announced publicly at')),
                        ('created_at', models.DateTimeField(default=django.utils.timezone.now)),
                    ],
                    options={
                        'verbose_name': 'improvement',
                        'verbose_name_plural': 'improvements',
                        'db_table': 'inbox_improvementaction',
                        'ordering': ['state', '-created_at'],
                    },
                ),
                migrations.CreateModel(
                    name='RemovalRequest',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('reason', models.CharField(choices=[('not_a_customer', 'Not a customer (fake review)'), ('threat', 'Threat or intimidation'), ('blackmail', 'Blackmail'), ('abuse', 'Personal abuse'), ('racism', 'Racism'), ('sexism', 'Sexism')], max_length=16, verbose_name='reason')),
                        ('platform', models.CharField(max_length=100, verbose_name='platform')),
                        ('requested_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='requested at')),
                        ('outcome', models.CharField(choices=[('pending', 'Waiting for the platform'), ('removed', 'Removed'), ('refused', 'Refused')], default='pending', max_length=16, verbose_name='outcome')),
                        ('note', models.TextField(blank=True, verbose_name='note')),
                    ],
                    options={
                        'verbose_name': 'removal request',
                        'verbose_name_plural': 'removal requests',
                        'db_table': 'inbox_removalrequest',
                        'ordering': ['-requested_at'],
                    },
                ),
                migrations.CreateModel(
                    name='Reply',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('channel', models.CharField(choices=[('public', 'Public reply on the platform'), ('private', 'Private message'), ('email', 'E-mail'), ('phone', 'Phone call'), ('in_person', 'In person')], max_length=16, verbose_name='channel')),
                        ('text', models.TextField(verbose_name='text')),
                        ('state', models.CharField(choices=[('draft', 'Draft'), ('awaiting_approval', 'Waiting for approval'), ('approved', 'Approved'), ('posted', 'Posted')], default='draft', max_length=20, verbose_name='state')),
                        ('needs_approval', models.BooleanField(default=False, verbose_name='needs a second pair of eyes')),
                        ('link', models.URLField(blank=True, max_length=2000, verbose_name='link to the posted reply')),
                        ('platform_posted_at', models.DateTimeField(blank=True, null=True, verbose_name='time on the platform')),
                        ('approved_at', models.DateTimeField(blank=True, null=True)),
                        ('posted_at', models.DateTimeField(blank=True, null=True, verbose_name='logged as sent at')),
                        ('submission_key', models.UUIDField(default=uuid.uuid4, unique=True)),
                        ('created_at', models.DateTimeField(default=django.utils.timezone.now)),
                    ],
                    options={
                        'verbose_name': 'reply',
                        'verbose_name_plural': 'replies',
                        'db_table': 'inbox_reply',
                        'ordering': ['created_at', 'id'],
                    },
                ),
                migrations.CreateModel(
                    name='Case',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('title', models.CharField(max_length=300, verbose_name='title')),
                        ('status', models.CharField(choices=[('open', 'Open'), ('acknowledged', 'Acknowledged'), ('private', 'In private conversation'), ('resolved', 'Resolved'), ('closed', 'Closed')], default='open', max_length=16, verbose_name='status')),
                        ('complainant_name', models.CharField(blank=True, max_length=200, verbose_name='complainant')),
                        ('complainant_platform', models.CharField(blank=True, max_length=32, verbose_name='platform')),
                        ('contact_email', models.EmailField(blank=True, max_length=254, verbose_name='e-mail address')),
                        ('contact_phone', models.CharField(blank=True, max_length=40, verbose_name='phone number')),
                        ('complainer_type', models.CharField(blank=True, choices=[('question', 'Has a question'), ('disappointed', 'Disappointed'), ('angry', 'Angry')], max_length=16, verbose_name='complainer type')),
                        ('assessment', models.CharField(blank=True, choices=[('justified', 'Justified'), ('unjustified', 'Unjustified'), ('opinion', 'An opinion')], max_length=16, verbose_name='assessment')),
                        ('priority', models.CharField(choices=[('low', 'Low'), ('normal', 'Normal'), ('high', 'High'), ('urgent', 'Urgent')], default='normal', max_length=8, verbose_name='priority')),
                        ('tags', models.CharField(blank=True, help_text='Separated by commas.', max_length=300, verbose_name='tags')),
                        ('created_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='opened at')),
                        ('reported_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='said in public at')),
                        ('first_seen_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='found at')),
                        ('first_response_due_at', models.DateTimeField(blank=True, null=True, verbose_name='first response due')),
                        ('resolution_due_at', models.DateTimeField(blank=True, null=True, verbose_name='resolution due')),
                        ('first_response_at', models.DateTimeField(blank=True, null=True, verbose_name='first response at')),
                        ('moved_private_at', models.DateTimeField(blank=True, null=True, verbose_name='moved private at')),
                        ('resolved_at', models.DateTimeField(blank=True, null=True, verbose_name='resolved at')),
                        ('closed_at', models.DateTimeField(blank=True, null=True, verbose_name='closed at')),
                        ('resolution_kind', models.CharField(blank=True, choices=[('explanation', 'Explanation'), ('apology', 'Apology'), ('fix', 'Fix'), ('replacement', 'Replacement'), ('voucher', 'Voucher or discount'), ('refund', 'Refund'), ('none_possible', 'No solution possible')], max_length=16, verbose_name='solution')),
                        ('resolution_agreed', models.TextField(blank=True, verbose_name='what was agreed')),
                        ('satisfaction_asked', models.BooleanField(default=False, verbose_name='asked whether this really solves it')),
                        ('satisfaction', models.CharField(blank=True, choices=[('satisfied', 'Satisfied'), ('not_satisfied', 'Not satisfied'), ('no_answer', 'No answer')], max_length=16, verbose_name='answer')),
                        ('public_followup_url', models.URLField(blank=True, max_length=2000, verbose_name='public follow-up')),
                        ('public_followup_skipped_because', models.TextField(blank=True, verbose_name='why no public follow-up')),
                        ('version', models.PositiveIntegerField(default=0)),
                        ('assignee', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='assigned_cases', to=settings.AUTH_USER_MODEL, verbose_name='assigned to')),
                        ('created_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='opened by')),
                        ('organisation', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='cases', to='accounts.organisation', verbose_name='organisation')),
                    ],
                    options={
                        'verbose_name': 'case',
                        'verbose_name_plural': 'cases',
                        'db_table': 'inbox_case',
                        'ordering': ['-created_at', '-id'],
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
