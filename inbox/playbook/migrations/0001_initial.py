"""The models move from the ``inbox`` app to this one; their tables stay as they are (state only)."""

import django.db.models.deletion
import django.utils.timezone
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
                    name='FourEyesRule',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('priority', models.CharField(blank=True, choices=[('low', 'Low'), ('normal', 'Normal'), ('high', 'High'), ('urgent', 'Urgent')], max_length=8, verbose_name='priority')),
                        ('category', models.CharField(blank=True, choices=[('complaint', 'Complaint'), ('question', 'Question'), ('praise', 'Praise'), ('other', 'Other')], max_length=16, verbose_name='category')),
                        ('organisation', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='four_eyes_rules', to='accounts.organisation')),
                    ],
                    options={
                        'verbose_name': 'four-eyes rule',
                        'verbose_name_plural': 'four-eyes rules',
                        'db_table': 'inbox_foureyesrule',
                    },
                ),
                migrations.CreateModel(
                    name='HouseRule',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('language', models.CharField(choices=[('nl', 'Nederlands'), ('en', 'English')], max_length=2, verbose_name='language')),
                        ('text', models.CharField(max_length=300, verbose_name='rule')),
                        ('position', models.PositiveSmallIntegerField(default=0, verbose_name='order')),
                        ('organisation', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='house_rules', to='accounts.organisation')),
                    ],
                    options={
                        'verbose_name': 'house rule',
                        'verbose_name_plural': 'house rules',
                        'db_table': 'inbox_houserule',
                        'ordering': ['position', 'id'],
                    },
                ),
                migrations.CreateModel(
                    name='PlaybookEvent',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('action', models.CharField(max_length=32)),
                        ('from_value', models.TextField(blank=True)),
                        ('to_value', models.TextField(blank=True)),
                        ('created_at', models.DateTimeField(default=django.utils.timezone.now)),
                        ('actor', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('organisation', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='accounts.organisation')),
                    ],
                    options={
                        'db_table': 'inbox_playbookevent',
                        'ordering': ['-created_at', '-id'],
                    },
                ),
                migrations.CreateModel(
                    name='ReplyTemplate',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('purpose', models.CharField(choices=[('acknowledge', 'Acknowledge'), ('invite_private', 'Invite to a private channel'), ('apology', 'Apology'), ('justified', 'Justified complaint'), ('unjustified', 'Unjustified complaint'), ('opinion', 'An opinion'), ('resolved_public', 'Resolved, said in public')], max_length=20, verbose_name='purpose')),
                        ('language', models.CharField(choices=[('nl', 'Nederlands'), ('en', 'English')], max_length=2, verbose_name='language')),
                        ('title', models.CharField(max_length=200, verbose_name='title')),
                        ('body', models.TextField(verbose_name='text')),
                        ('is_active', models.BooleanField(default=True, verbose_name='in use')),
                        ('organisation', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='reply_templates', to='accounts.organisation')),
                    ],
                    options={
                        'verbose_name': 'reply template',
                        'verbose_name_plural': 'reply templates',
                        'db_table': 'inbox_replytemplate',
                        'ordering': ['purpose', 'language', 'title'],
                    },
                ),
                migrations.CreateModel(
                    name='Scenario',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('title', models.CharField(max_length=200, verbose_name='title')),
                        ('situation', models.TextField(verbose_name='when this applies')),
                        ('prepared_answer', models.TextField(verbose_name='prepared answer')),
                        ('is_active', models.BooleanField(default=True, verbose_name='in use')),
                        ('organisation', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='scenarios', to='accounts.organisation')),
                        ('responder', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='who responds')),
                    ],
                    options={
                        'verbose_name': 'scenario',
                        'verbose_name_plural': 'scenarios',
                        'db_table': 'inbox_scenario',
                        'ordering': ['title'],
                    },
                ),
                migrations.CreateModel(
                    name='FlaggedPhrase',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('phrase', models.CharField(max_length=100, verbose_name='phrase')),
                        ('advice', models.CharField(max_length=300, verbose_name='advice')),
                        ('organisation', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='flagged_phrases', to='accounts.organisation')),
                    ],
                    options={
                        'verbose_name': 'flagged phrase',
                        'verbose_name_plural': 'flagged phrases',
                        'db_table': 'inbox_flaggedphrase',
                        'ordering': ['phrase'],
                        'constraints': [models.UniqueConstraint(fields=('organisation', 'phrase'), name='flaggedphrase_unique')],
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
