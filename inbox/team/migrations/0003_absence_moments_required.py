from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("team", "0002_absence_hours"),
    ]

    operations = [
        migrations.AlterField(model_name="absence", name="starts_at", field=models.DateTimeField()),
        migrations.AlterField(model_name="absence", name="ends_at", field=models.DateTimeField()),
        migrations.AlterModelOptions(
            name="absence",
            options={"ordering": ["starts_at", "id"], "verbose_name": "absence", "verbose_name_plural": "absences"},
        ),
        migrations.RemoveIndex(model_name="absence", name="absence_current_idx"),
        migrations.AddIndex(
            model_name="absence",
            index=models.Index(fields=["organisation", "ends_at"], name="absence_until_idx"),
        ),
        migrations.AddConstraint(
            model_name="absence",
            constraint=models.CheckConstraint(
                condition=models.Q(("ends_at__gt", models.F("starts_at"))), name="absence_ends_after_it_starts"
            ),
        ),
    ]
