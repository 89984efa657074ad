"""Each person works for an organisation. An install has had one: everybody joins it."""

from typing import Any

import django.db.models.deletion
from django.db import migrations, models


def members_join(apps: Any, schema_editor: Any) -> None:
    organisation = apps.get_model("accounts", "Organisation").objects.order_by("id").first()
    if organisation is not None:
        apps.get_model("accounts", "User").objects.filter(organisation__isnull=True).update(organisation=organisation)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0005_user_language_and_events"),
    ]

    operations = [
        migrations.AddField(
            model_name="user",
            name="organisation",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="members",
                to="accounts.organisation",
                verbose_name="organisation",
            ),
        ),
        migrations.RunPython(members_join, migrations.RunPython.noop),
    ]
