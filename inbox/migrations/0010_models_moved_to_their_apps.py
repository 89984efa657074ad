"""Each part of the inbox became an app of its own: the models leave this app's state, their tables stay.

The content types move with them, so whatever points at one (the admin's log) keeps pointing at it."""

from typing import Any

from django.db import migrations

MOVED = {
    "triage": ("mentionevent",),
    "playbook": ("scenario", "replytemplate", "houserule", "flaggedphrase", "foureyesrule", "playbookevent"),
    "cases": ("case", "caseevent", "casemention", "reply", "improvementaction", "removalrequest"),
    "notifications": ("notification",),
}


def content_types_move(apps: Any, schema_editor: Any) -> None:
    content_type = apps.get_model("contenttypes", "ContentType")
    for app_label, names in MOVED.items():
        for name in names:
            if not content_type.objects.filter(app_label=app_label, model=name).exists():
                content_type.objects.filter(app_label="inbox", model=name).update(app_label=app_label)


def content_types_back(apps: Any, schema_editor: Any) -> None:
    content_type = apps.get_model("contenttypes", "ContentType")
    for app_label, names in MOVED.items():
        content_type.objects.filter(app_label=app_label, model__in=names).update(app_label="inbox")


class Migration(migrations.Migration):

    dependencies = [
        ("cases", "0002_initial"),
        ("notifications", "0001_initial"),
        ("playbook", "0001_initial"),
        ("triage", "0001_initial"),
        ("contenttypes", "0002_remove_content_type_name"),
        ('inbox', '0009_search_statistics'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveField(
                    model_name='caseevent',
                    name='case',
                ),
                migrations.RemoveField(
                    model_name='removalrequest',
                    name='case',
                ),
                migrations.RemoveField(
                    model_name='improvementaction',
                    name='case',
                ),
                migrations.RemoveField(
                    model_name='reply',
                    name='case',
                ),
                migrations.RemoveField(
                    model_name='notification',
                    name='case',
                ),
                migrations.RemoveField(
                    model_name='casemention',
                    name='case',
                ),
                migrations.RemoveField(
                    model_name='caseevent',
                    name='actor',
                ),
                migrations.RemoveField(
                    model_name='casemention',
                    name='added_by',
                ),
                migrations.RemoveField(
                    model_name='casemention',
                    name='mention',
                ),
                migrations.RemoveField(
                    model_name='flaggedphrase',
                    name='organisation',
                ),
                migrations.RemoveField(
                    model_name='foureyesrule',
                    name='organisation',
                ),
                migrations.RemoveField(
                    model_name='houserule',
                    name='organisation',
                ),
                migrations.RemoveField(
                    model_name='improvementaction',
                    name='owner',
                ),
                migrations.RemoveField(
                    model_name='mentionevent',
                    name='actor',
                ),
                migrations.RemoveField(
                    model_name='mentionevent',
                    name='mention',
                ),
                migrations.RemoveField(
                    model_name='notification',
                    name='actor',
                ),
                migrations.RemoveField(
                    model_name='notification',
                    name='mention',
                ),
                migrations.RemoveField(
                    model_name='notification',
                    name='recipient',
                ),
                migrations.RemoveField(
                    model_name='playbookevent',
                    name='actor',
                ),
                migrations.RemoveField(
                    model_name='playbookevent',
                    name='organisation',
                ),
                migrations.RemoveField(
                    model_name='removalrequest',
                    name='requested_by',
                ),
                migrations.RemoveField(
                    model_name='reply',
                    name='approved_by',
                ),
                migrations.RemoveField(
                    model_name='reply',
                    name='author',
                ),
                migrations.RemoveField(
                    model_name='replytemplate',
                    name='organisation',
                ),
                migrations.RemoveField(
                    model_name='scenario',
                    name='organisation',
                ),
                migrations.RemoveField(
                    model_name='scenario',
                    name='responder',
                ),
                migrations.DeleteModel(
                    name='Case',
                ),
                migrations.DeleteModel(
                    name='CaseEvent',
                ),
                migrations.DeleteModel(
                    name='CaseMention',
                ),
                migrations.DeleteModel(
                    name='FlaggedPhrase',
                ),
                migrations.DeleteModel(
                    name='FourEyesRule',
                ),
                migrations.DeleteModel(
                    name='HouseRule',
                ),
                migrations.DeleteModel(
                    name='ImprovementAction',
                ),
                migrations.DeleteModel(
                    name='MentionEvent',
                ),
                migrations.DeleteModel(
                    name='Notification',
                ),
                migrations.DeleteModel(
                    name='PlaybookEvent',
                ),
                migrations.DeleteModel(
                    name='RemovalRequest',
                ),
                migrations.DeleteModel(
                    name='Reply',
                ),
                migrations.DeleteModel(
                    name='ReplyTemplate',
                ),
                migrations.DeleteModel(
                    name='Scenario',
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(content_types_move, content_types_back),
    ]
