"""A case keeps which of its milestones' marks it has (``inbox.cases.models.MARKS``), worked out by the database."""

import datetime
import django.db.models.expressions
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('cases', '0010_case_open_recent_index'),
    ]

    operations = [
        migrations.AddField(
            model_name='case',
            name='marks',
            field=models.GeneratedField(db_persist=True, expression=django.db.models.expressions.CombinedExpression(django.db.models.expressions.CombinedExpression(django.db.models.expressions.CombinedExpression(django.db.models.expressions.CombinedExpression(django.db.models.expressions.CombinedExpression(django.db.models.expressions.CombinedExpression(django.db.models.expressions.CombinedExpression(django.db.models.expressions.CombinedExpression(django.db.models.expressions.CombinedExpression(django.db.models.expressions.CombinedExpression(django.db.models.expressions.CombinedExpression(django.db.models.expressions.CombinedExpression(django.db.models.expressions.CombinedExpression(django.db.models.expressions.CombinedExpression(models.Case(models.When(models.Q(('first_response_took__isnull', False)), then=models.Value(1)), default=models.Value(0)), '+', models.Case(models.When(models.Q(('first_response_at__isnull', False), ('first_response_at__lte', models.F('first_response_due_at')), ('first_response_due_at__isnull', False)), then=models.Value(2)), default=models.Value(0))), '+', models.Case(models.When(models.Q(('first_response_at__gt', models.F('first_response_due_at')), ('first_response_due_at__isnull', False)), then=models.Value(4)), default=models.Value(0))), '+', models.Case(models.When(models.Q(('resolution_took__isnull', False)), then=models.Value(8)), default=models.Value(0))), '+', models.Case(models.When(models.Q(('resolution_due_at__isnull', False), ('resolved_at__isnull', False), ('resolved_at__lte', models.F('resolution_due_at'))), then=models.Value(16)), default=models.Value(0))), '+', models.Case(models.When(models.Q(('resolution_due_at__isnull', False), ('resolved_at__gt', models.F('resolution_due_at'))), then=models.Value(32)), default=models.Value(0))), '+', models.Case(models.When(models.Q(('first_response_took__gte', datetime.timedelta(0)), ('first_response_took__lt', datetime.timedelta(seconds=3600))), then=models.Value(64)), default=models.Value(0))), '+', models.Case(models.When(models.Q(('first_response_took__gte', datetime.timedelta(seconds=3600)), ('first_response_took__lt', datetime.timedelta(seconds=14400))), then=models.Value(128)), default=models.Value(0))), '+', models.Case(models.When(models.Q(('first_response_took__gte', datetime.timedelta(seconds=14400)), ('first_response_took__lt', datetime.timedelta(seconds=28800))), then=models.Value(256)), default=models.Value(0))), '+', models.Case(models.When(models.Q(('first_response_took__gte', datetime.timedelta(seconds=28800)), ('first_response_took__lt', datetime.timedelta(days=1))), then=models.Value(512)), default=models.Value(0))), '+', models.Case(models.When(models.Q(('first_response_took__gte', datetime.timedelta(days=1))), then=models.Value(1024)), default=models.Value(0))), '+', models.Case(models.When(models.Q(('resolved_at__isnull', False), ('satisfaction_asked', True)), then=models.Value(2048)), default=models.Value(0))), '+', models.Case(models.When(models.Q(('resolved_at__isnull', False), ('satisfaction', 'satisfied'), ('satisfaction_asked', True)), then=models.Value(4096)), default=models.Value(0))), '+', models.Case(models.When(models.Q(('status', 'closed')), then=models.Value(8192)), default=models.Value(0))), '+', models.Case(models.When(models.Q(('status', 'closed'), models.Q(('public_followup_url', ''), _negated=True)), then=models.Value(16384)), default=models.Value(0))), output_field=models.IntegerField()),
        ),
    ]
