"""A notification points at a page (``url``) and says what it is about (``kind``), no longer at a case or a mention:
the notifications app sits below the cases and knows none of them. What was there is kept as the address of the
case's or the mention's page."""

from typing import Any

from django.db import migrations, models

CASE_PAGE = "/inbox/cases/%d/"
MENTION_PAGE = "/inbox/m/%d/"


def addresses_fill(apps: Any, schema_editor: Any) -> None:
    notification = apps.get_model("notifications", "Notification")
    for kept in notification.objects.filter(case__isnull=False).values("case_id").distinct():
        notification.objects.filter(case_id=kept["case_id"]).update(url=CASE_PAGE % kept["case_id"])
    for kept in notification.objects.filter(case__isnull=True, mention__isnull=False).values("mention_id").distinct():
        notification.objects.filter(case__isnull=True, mention_id=kept["mention_id"]).update(
            url=MENTION_PAGE % kept["mention_id"]
        )


class Migration(migrations.Migration):
    dependencies = [
        ("notifications", "0001_initial"),
        ("inbox", "0010_models_moved_to_their_apps"),
    ]

    operations = [
        migrations.AddField(
            model_name="notification",
            name="kind",
            field=models.CharField(
                choices=[
                    ("named", "Named in a note"),
                    ("approval_asked", "Asked to approve a reply"),
                    ("approved", "Reply approved"),
                    ("reply_comment", "Comment on a reply"),
                ],
                default="named",
                max_length=32,
            ),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="notification",
            name="url",
            field=models.CharField(blank=True, default="", max_length=300),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="notification",
            name="dedupe_key",
            field=models.CharField(blank=True, default="", max_length=200),
            preserve_default=False,
        ),
        migrations.RunPython(addresses_fill, migrations.RunPython.noop),
        migrations.RemoveField(model_name="notification", name="case"),
        migrations.RemoveField(model_name="notification", name="mention"),
        migrations.AddConstraint(
            model_name="notification",
            constraint=models.UniqueConstraint(
                condition=models.Q(("dedupe_key", ""), _negated=True),
                fields=("recipient", "dedupe_key"),
                name="notification_told_once",
            ),
        ),
    ]
