"""Give every existing organisation the default reply templates, house rules, flagged phrases and scenarios."""

from __future__ import annotations

from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps


def seed(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    from inbox.playbook.defaults import seed_organisation

    models = {
        name: apps.get_model("inbox", name) for name in ("ReplyTemplate", "HouseRule", "FlaggedPhrase", "Scenario")
    }
    for organisation in apps.get_model("accounts", "Organisation").objects.all():
        seed_organisation(organisation.id, models=models)


class Migration(migrations.Migration):
    dependencies = [("inbox", "0003_case_handling"), ("accounts", "0002_webcare_owner_and_deputy")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
