"""A case's links keep their mention's platform, source and effective category, and which link is the first of
its case and of each of these, for the reports."""

from django.db import migrations, models


# Correlated subqueries: the same on PostgreSQL and SQLite.
FILL = """
UPDATE inbox_casemention SET
    platform = (SELECT m.platform FROM monitoring_mention m WHERE m.id = inbox_casemention.mention_id),
    source_id = (SELECT m.source_id FROM monitoring_mention m WHERE m.id = inbox_casemention.mention_id),
    category = (
        SELECT COALESCE(NULLIF(m.category, ''), m.suggested_category)
        FROM monitoring_mention m WHERE m.id = inbox_casemention.mention_id
    )
"""
EARLIER = "SELECT 1 FROM inbox_casemention e WHERE e.case_id = inbox_casemention.case_id AND e.id < inbox_casemention.id"
FIRSTS = f"""
UPDATE inbox_casemention SET
    first_of_case = NOT EXISTS ({EARLIER}),
    first_platform = NOT EXISTS ({EARLIER} AND e.platform = inbox_casemention.platform),
    first_source = NOT EXISTS ({EARLIER} AND e.source_id = inbox_casemention.source_id),
    first_category = NOT EXISTS ({EARLIER} AND e.category = inbox_casemention.category)
WHERE EXISTS ({EARLIER})
"""


class Migration(migrations.Migration):

    dependencies = [
        ('cases', '0008_approve_reply_permission'),
    ]

    operations = [
        migrations.AddField(
            model_name='casemention',
            name='category',
            field=models.CharField(blank=True, db_default='', default='', max_length=16),
        ),
        migrations.AddField(
            model_name='casemention',
            name='first_category',
            field=models.BooleanField(db_default=True, default=True),
        ),
        migrations.AddField(
            model_name='casemention',
            name='first_of_case',
            field=models.BooleanField(db_default=True, default=True),
        ),
        migrations.AddField(
            model_name='casemention',
            name='first_platform',
            field=models.BooleanField(db_default=True, default=True),
        ),
        migrations.AddField(
            model_name='casemention',
            name='first_source',
            field=models.BooleanField(db_default=True, default=True),
        ),
        migrations.AddField(
            model_name='casemention',
            name='platform',
            field=models.CharField(blank=True, db_default='', default='', max_length=32),
        ),
        migrations.AddField(
            model_name='casemention',
            name='source_id',
            field=models.BigIntegerField(blank=True, null=True),
        ),
        migrations.RunSQL(FILL, migrations.RunSQL.noop),
        migrations.RunSQL(FIRSTS, migrations.RunSQL.noop),
    ]
