"""Absences by the hour: each absence gets the moments it starts and ends (the end excluded), worked out from
its whole days in the organisation's time zone."""

from datetime import datetime, time, timedelta

from django.db import migrations, models
from django.utils import timezone


def moments_fill(apps, schema_editor):
    Absence = apps.get_model("team", "Absence")
    for absence in Absence.objects.filter(starts_at__isnull=True).iterator():
        absence.starts_at = timezone.make_aware(datetime.combine(absence.starts_on, time.min))
        absence.ends_at = timezone.make_aware(datetime.combine(absence.ends_on + timedelta(days=1), time.min))
        absence.save(update_fields=["starts_at", "ends_at"])


class Migration(migrations.Migration):

    dependencies = [
        ("team", "0001_absences"),
    ]

    operations = [
        migrations.AddField(
            model_name="absence",
            name="starts_time",
            field=models.TimeField(blank=True, null=True, verbose_name="from (time)"),
        ),
        migrations.AddField(
            model_name="absence",
            name="ends_time",
            field=models.TimeField(blank=True, null=True, verbose_name="until (time)"),
        ),
        migrations.AddField(model_name="absence", name="starts_at", field=models.DateTimeField(null=True)),
        migrations.AddField(model_name="absence", name="ends_at", field=models.DateTimeField(null=True)),
        migrations.RunPython(moments_fill, migrations.RunPython.noop),
    ]
