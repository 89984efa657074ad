import datetime

import django.db.models.expressions
from django.db import migrations, models

EARLIEST = datetime.datetime(1990, 1, 1, 0, 0, tzinfo=datetime.timezone.utc)
LATEST_AHEAD = datetime.timedelta(days=1)


def published_into_range(apps, schema_editor):
    """Give a mention dated outside the range (a year-1 date added by hand, say: a BC timestamp that
    broke every inbox page) the time it was found instead, so the constraint below applies."""
    Mention = apps.get_model("monitoring", "Mention")
    out_of_range = models.Q(published_at__lt=EARLIEST) | models.Q(published_at__gt=models.F("fetched_at") + LATEST_AHEAD)
    Mention.objects.filter(out_of_range).update(published_at=models.F("fetched_at"))


class Migration(migrations.Migration):

    dependencies = [
        ('monitoring', '0009_mention_keys_covered_by_composite_indexes'),
    ]

    operations = [
        migrations.RunPython(published_into_range, migrations.RunPython.noop, elidable=True),
        migrations.AddConstraint(
            model_name='mention',
            constraint=models.CheckConstraint(condition=models.Q(('published_at__gte', datetime.datetime(1990, 1, 1, 0, 0, tzinfo=datetime.timezone.utc)), ('published_at__lte', django.db.models.expressions.CombinedExpression(models.F('fetched_at'), '+', models.Value(datetime.timedelta(days=1))))), name='mention_published_in_range'),
        ),
    ]
