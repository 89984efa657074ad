"""The board's appointments get a history: the owner and deputy an install has today become its first
appointments, in effect from today, by nobody known (they were made before the history was kept)."""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models
from django.utils import timezone


def appointments_begin(apps, schema_editor):
    Organisation = apps.get_model("accounts", "Organisation")
    Appointment = apps.get_model("team", "Appointment")
    now = timezone.now()
    today = timezone.localdate(now)
    for organisation in Organisation.objects.exclude(webcare_owner=None, webcare_deputy=None):
        for role, person_id in (("owner", organisation.webcare_owner_id), ("deputy", organisation.webcare_deputy_id)):
            if person_id is not None and not Appointment.objects.filter(organisation=organisation, role=role).exists():
                Appointment.objects.create(
                    organisation=organisation,
                    role=role,
                    person_id=person_id,
                    effective_on=today,
                    recorded_at=now,
                    applied_at=now,
                )


class Migration(migrations.Migration):

    dependencies = [
        ("accounts", "0007_audit_rows_one_shape"),
        ("team", "0003_absence_moments_required"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="Appointment",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "role",
                    models.CharField(
                        choices=[("owner", "Webcare owner"), ("deputy", "Deputy")], max_length=16, verbose_name="role"
                    ),
                ),
                ("effective_on", models.DateField(verbose_name="from")),
                ("recorded_at", models.DateTimeField(default=django.utils.timezone.now)),
                ("applied_at", models.DateTimeField(blank=True, null=True)),
                ("withdrawn_at", models.DateTimeField(blank=True, null=True)),
                (
                    "appointed_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "organisation",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="appointments",
                        to="accounts.organisation",
                    ),
                ),
                (
                    "person",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="who",
                    ),
                ),
                (
                    "withdrawn_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "verbose_name": "appointment",
                "verbose_name_plural": "appointments",
                "ordering": ["-effective_on", "-id"],
                "indexes": [models.Index(fields=["organisation", "effective_on"], name="appointment_history_idx")],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(("applied_at__isnull", True), ("withdrawn_at__isnull", True), _connector="OR"),
                        name="appointment_applied_or_withdrawn",
                    )
                ],
            },
        ),
        migrations.RunPython(appointments_begin, migrations.RunPython.noop),
    ]
