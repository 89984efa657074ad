"""The mentions counted per day, kept by PostgreSQL: functions, the triggers on the mentions, and the count of
the mentions there are (see ``inbox.reports.models.MentionDay``). SQLite gets the table only."""

import django.db.models.deletion
from django.db import migrations, models


# The steps of ``DELAY_BUCKETS``, frozen here.
STEPS = (
    "0,1,2,3,4,5,6,8,10,12,15,20,25,30,40,50,60,75,90,120,150,180,240,300,360,480,600,"
    "720,960,1200,1440,2160,2880,4320,5760,7200,10080,20160,43200"
)
# A mention's key: its organisation, its day in the organisation's time zone (that of its targets, else the one
# the web process sets on the connection, ``webcare.time_zone``), source, platform, effective category, delay.
KEY = """
    m.organisation_id,
    (m.published_at AT TIME ZONE COALESCE(t.time_zone, NULLIF(current_setting('webcare.time_zone', true), ''), 'UTC'))::date,
    m.source_id,
    m.platform,
    COALESCE(NULLIF(m.category, ''), m.suggested_category),
    reports_delay_bucket(EXTRACT(EPOCH FROM m.fetched_at - m.published_at) / 60)
"""
COLUMNS = "organisation_id, day, source_id, platform, category, delay"
# Adds the signed counts of ``rows`` (m: a mention's columns and ``sign``) to the days, in the key's order, so that
# two writers meet their days in the same order.
ADD = f"""
    INSERT INTO reports_mentionday AS d ({COLUMNS}, count)
    SELECT {KEY}, SUM(m.sign)
    FROM (%s) AS m LEFT JOIN targets_targetsettings AS t ON t.organisation_id = m.organisation_id
    GROUP BY 1, 2, 3, 4, 5, 6 HAVING SUM(m.sign) <> 0 ORDER BY 1, 2, 3, 4, 5, 6
    ON CONFLICT ({COLUMNS}) DO UPDATE SET count = d.count + EXCLUDED.count
"""
FIELDS = "organisation_id, published_at, fetched_at, source_id, platform, category, suggested_category"
# Rows of an update whose key may have moved (the rest leave the days as they were).
MOVED = f"({', '.join('o.' + f for f in FIELDS.split(', '))}) IS DISTINCT FROM ({', '.join('n.' + f for f in FIELDS.split(', '))})"
ADDED = ADD % f"SELECT {FIELDS}, 1 AS sign FROM new_mentions"
REMOVED = ADD % f"SELECT {FIELDS}, -1 AS sign FROM old_mentions"
CHANGED = ADD % (
    f"SELECT {', '.join('o.' + f for f in FIELDS.split(', '))}, -1 AS sign FROM old_mentions o "
    f"JOIN new_mentions n ON n.id = o.id WHERE {MOVED} "
    f"UNION ALL SELECT {', '.join('n.' + f for f in FIELDS.split(', '))}, 1 FROM new_mentions n "
    f"JOIN old_mentions o ON o.id = n.id WHERE {MOVED}"
)
CREATE = [
    f"""
    CREATE OR REPLACE FUNCTION reports_delay_bucket(minutes double precision) RETURNS integer
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
        SELECT ('{{{STEPS}}}'::integer[])[GREATEST(width_bucket(minutes, '{{{STEPS}}}'::double precision[]), 1)]
    $$
    """,
    f"""
    CREATE OR REPLACE FUNCTION reports_mention_days_keep() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP = 'INSERT' THEN {ADDED};
        ELSIF TG_OP = 'DELETE' THEN {REMOVED};
        ELSE {CHANGED};
        END IF;
        RETURN NULL;
    END
    $$
    """,
    f"""
    CREATE OR REPLACE FUNCTION reports_mention_days_rebuild(organisation bigint) RETURNS void
    LANGUAGE plpgsql AS $$
    BEGIN
        DELETE FROM reports_mentionday WHERE organisation_id = organisation;
        {ADD % f"SELECT {FIELDS}, 1 AS sign FROM monitoring_mention WHERE organisation_id = organisation"};
    END
    $$
    """,
    "CREATE TRIGGER reports_mention_days_added AFTER INSERT ON monitoring_mention "
    "REFERENCING NEW TABLE AS new_mentions FOR EACH STATEMENT EXECUTE FUNCTION reports_mention_days_keep()",
    "CREATE TRIGGER reports_mention_days_changed AFTER UPDATE ON monitoring_mention "
    "REFERENCING OLD TABLE AS old_mentions NEW TABLE AS new_mentions "
    "FOR EACH STATEMENT EXECUTE FUNCTION reports_mention_days_keep()",
    "CREATE TRIGGER reports_mention_days_removed AFTER DELETE ON monitoring_mention "
    "REFERENCING OLD TABLE AS old_mentions FOR EACH STATEMENT EXECUTE FUNCTION reports_mention_days_keep()",
    ADD % f"SELECT {FIELDS}, 1 AS sign FROM monitoring_mention",
]
DROP = [
    "DROP TRIGGER IF EXISTS reports_mention_days_added ON monitoring_mention",
    "DROP TRIGGER IF EXISTS reports_mention_days_changed ON monitoring_mention",
    "DROP TRIGGER IF EXISTS reports_mention_days_removed ON monitoring_mention",
    "DROP FUNCTION IF EXISTS reports_mention_days_rebuild(bigint)",
    "DROP FUNCTION IF EXISTS reports_mention_days_keep()",
    "DROP FUNCTION IF EXISTS reports_delay_bucket(double precision)",
]


def keep(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in CREATE:
            schema_editor.execute(statement, params=None)


def forget(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in DROP:
            schema_editor.execute(statement, params=None)


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0008_contact_details_permission'),
        ('reports', '0001_monthly_summary'),
        ('monitoring', '0015_mention_anonymised_and_forgotten'),
        ('targets', '0001_opening_hours_and_targets'),
    ]

    operations = [
        migrations.CreateModel(
            name='MentionDay',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('day', models.DateField()),
                ('source_id', models.BigIntegerField()),
                ('platform', models.CharField(max_length=32)),
                ('category', models.CharField(max_length=16)),
                ('delay', models.IntegerField()),
                ('count', models.IntegerField()),
                ('organisation', models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='accounts.organisation')),
            ],
            options={
                'constraints': [models.UniqueConstraint(fields=('organisation', 'day', 'source_id', 'platform', 'category', 'delay'), name='mention_day_key')],
            },
        ),
        migrations.RunPython(keep, forget, elidable=False),
    ]
