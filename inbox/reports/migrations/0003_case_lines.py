"""The cases as the report counts them, one line per case and mention, kept by the database (see
``inbox.reports.models.CaseLine``): on PostgreSQL by functions and row triggers on the cases and their links, on
SQLite by row triggers, both rebuilding the lines of the cases a write touched: of the case itself, of its links,
its removal requests and its improvements."""

from django.db import migrations, models


CASE_COLUMNS = (
    "organisation_id, id, reported_at, assignee_id, complainer_type, status, marks, first_response_due_at, "
    "first_response_at, first_response_took, resolution_due_at, resolved_at, resolution_took, waiting_since, closed_at"
)
# The bits the lines add to their case's marks: ``inbox.reports.models.LINE_MARK_BITS``, frozen here.
HAS = "SELECT 1 FROM {table} AS o WHERE o.case_id = c.id"
LINE_MARKS = " + ".join(
    f"(CASE WHEN EXISTS ({HAS.format(table=table)}{condition}) THEN {bit} ELSE 0 END)"
    for table, condition, bit in (
        ("inbox_removalrequest", "", 1 << 24),
        ("inbox_removalrequest", " AND o.outcome = 'pending'", 1 << 25),
        ("inbox_removalrequest", " AND o.outcome = 'removed'", 1 << 26),
        ("inbox_removalrequest", " AND o.outcome = 'refused'", 1 << 27),
        ("inbox_improvementaction", " AND o.state = 'done'", 1 << 28),
    )
)
# The lines of the cases ``{cases}`` (a condition on c, the case): each case with each of its links, or alone.
LINES = """
    INSERT INTO reports_caseline (organisation_id, case_id, reported_at, assignee_id, complainer_type, status, marks,
        first_response_due_at, first_response_at, first_response_took, resolution_due_at, resolved_at,
        resolution_took, waiting_since, closed_at, link_id, platform, source_id, category, first_of_case,
        first_platform, first_source, first_category, places)
    SELECT {case_columns}, l.id, COALESCE(l.platform, ''), l.source_id, COALESCE(l.category, ''),
        COALESCE(l.first_of_case, TRUE), COALESCE(l.first_platform, FALSE), COALESCE(l.first_source, FALSE),
        COALESCE(l.first_category, FALSE), {{places}}
    FROM inbox_case AS c LEFT JOIN inbox_casemention AS l ON l.case_id = c.id
    WHERE {{cases}}
""".format(
    case_columns=", ".join(f"c.{name}" if name != "marks" else f"c.marks + {LINE_MARKS}" for name in CASE_COLUMNS.split(", "))
)
# Every platform, source and category of the case's links ("p:web", "s:12", "c:complaint"), as a JSON list: what a
# report filtered by one of them finds the case by (``inbox.reports.query``).
PLACE = """
    SELECT 'p:' || o.platform AS place FROM inbox_casemention AS o WHERE o.case_id = c.id
    UNION SELECT 's:' || o.source_id FROM inbox_casemention AS o WHERE o.case_id = c.id AND o.source_id IS NOT NULL
    UNION SELECT 'c:' || o.category FROM inbox_casemention AS o WHERE o.case_id = c.id
"""
PLACES = {
    "postgresql": f"(SELECT COALESCE(jsonb_agg(place ORDER BY place), '[]'::jsonb) FROM ({PLACE}) AS places)",
    "sqlite": f"(SELECT COALESCE(json_group_array(place), '[]') FROM ({PLACE} ORDER BY 1) AS places)",
}
# A case's lines change only when one of these does (its version, say, changes on every edit).
CHANGED = f"({', '.join('OLD.' + n for n in CASE_COLUMNS.split(', '))}) IS DISTINCT FROM ({', '.join('NEW.' + n for n in CASE_COLUMNS.split(', '))})"

# The tables of rows about a case (its links, removal requests, improvements) whose writes change its lines.
ROWS_OF_CASE = (
    ("link", "inbox_casemention"),
    ("removal", "inbox_removalrequest"),
    ("improvement", "inbox_improvementaction"),
)

POSTGRESQL = [
    "CREATE INDEX case_line_places_idx ON reports_caseline USING gin (places jsonb_path_ops)",
    f"""
    CREATE OR REPLACE FUNCTION reports_case_lines_rebuild(cases bigint[]) RETURNS void LANGUAGE plpgsql AS $$
    BEGIN
        DELETE FROM reports_caseline WHERE case_id = ANY(cases);
        {LINES.format(cases="c.id = ANY(cases)", places=PLACES["postgresql"])};
    END
    $$
    """,
    """
    CREATE OR REPLACE FUNCTION reports_case_lines_of_case() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP = 'DELETE' THEN
            DELETE FROM reports_caseline WHERE case_id = OLD.id;
        ELSE
            PERFORM reports_case_lines_rebuild(ARRAY[NEW.id]);
        END IF;
        RETURN NULL;
    END
    $$
    """,
    # A row's case is locked first (as writing the case would), so that a link, say, and its case written at the
    # same time are counted one after the other: the second sees what the first wrote.
    """
    CREATE OR REPLACE FUNCTION reports_case_lines_of_row() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE
        cases bigint[];
    BEGIN
        IF TG_OP = 'INSERT' THEN
            cases := ARRAY[NEW.case_id];
        ELSIF TG_OP = 'DELETE' THEN
            cases := ARRAY[OLD.case_id];
        ELSE
            cases := ARRAY(SELECT DISTINCT id FROM unnest(ARRAY[OLD.case_id, NEW.case_id]) AS id ORDER BY id);
        END IF;
        PERFORM 1 FROM inbox_case WHERE id = ANY(cases) ORDER BY id FOR NO KEY UPDATE;
        PERFORM reports_case_lines_rebuild(cases);
        RETURN NULL;
    END
    $$
    """,
    "CREATE TRIGGER reports_case_lines_added AFTER INSERT ON inbox_case "
    "FOR EACH ROW EXECUTE FUNCTION reports_case_lines_of_case()",
    f"CREATE TRIGGER reports_case_lines_changed AFTER UPDATE ON inbox_case "
    f"FOR EACH ROW WHEN ({CHANGED}) EXECUTE FUNCTION reports_case_lines_of_case()",
    "CREATE TRIGGER reports_case_lines_removed AFTER DELETE ON inbox_case "
    "FOR EACH ROW EXECUTE FUNCTION reports_case_lines_of_case()",
    *(
        f"CREATE TRIGGER reports_case_lines_of_{name} AFTER INSERT OR UPDATE OR DELETE ON {table} "
        "FOR EACH ROW EXECUTE FUNCTION reports_case_lines_of_row()"
        for name, table in ROWS_OF_CASE
    ),
]
POSTGRESQL_DROP = [
    "DROP INDEX IF EXISTS case_line_places_idx",
    "DROP TRIGGER IF EXISTS reports_case_lines_added ON inbox_case",
    "DROP TRIGGER IF EXISTS reports_case_lines_changed ON inbox_case",
    "DROP TRIGGER IF EXISTS reports_case_lines_removed ON inbox_case",
    *(f"DROP TRIGGER IF EXISTS reports_case_lines_of_{name} ON {table}" for name, table in ROWS_OF_CASE),
    "DROP FUNCTION IF EXISTS reports_case_lines_of_row()",
    "DROP FUNCTION IF EXISTS reports_case_lines_of_case()",
    "DROP FUNCTION IF EXISTS reports_case_lines_rebuild(bigint[])",
]


def _sqlite_rebuild(case: str) -> str:
    lines = LINES.format(cases=f"c.id = {case}", places=PLACES["sqlite"])
    return f"DELETE FROM reports_caseline WHERE case_id = {case}; {lines};"


SQLITE = [
    f"CREATE TRIGGER reports_case_lines_added AFTER INSERT ON inbox_case BEGIN {_sqlite_rebuild('NEW.id')} END",
    f"CREATE TRIGGER reports_case_lines_changed AFTER UPDATE ON inbox_case WHEN {CHANGED} "
    f"BEGIN {_sqlite_rebuild('NEW.id')} END",
    "CREATE TRIGGER reports_case_lines_removed AFTER DELETE ON inbox_case "
    "BEGIN DELETE FROM reports_caseline WHERE case_id = OLD.id; END",
    *(
        statement
        for name, table in ROWS_OF_CASE
        for statement in (
            f"CREATE TRIGGER reports_case_lines_{name}_added AFTER INSERT ON {table} "
            f"BEGIN {_sqlite_rebuild('NEW.case_id')} END",
            f"CREATE TRIGGER reports_case_lines_{name}_changed AFTER UPDATE ON {table} "
            f"BEGIN {_sqlite_rebuild('OLD.case_id')} {_sqlite_rebuild('NEW.case_id')} END",
            f"CREATE TRIGGER reports_case_lines_{name}_removed AFTER DELETE ON {table} "
            f"BEGIN {_sqlite_rebuild('OLD.case_id')} END",
        )
    ),
]
SQLITE_DROP = [
    f"DROP TRIGGER IF EXISTS reports_case_lines_{name}"
    for name in (
        "added",
        "changed",
        "removed",
        *(f"{row}_{change}" for row, _table in ROWS_OF_CASE for change in ("added", "changed", "removed")),
    )
]


def keep(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for statement in POSTGRESQL if vendor == "postgresql" else SQLITE if vendor == "sqlite" else []:
        schema_editor.execute(statement, params=None)
    if vendor in PLACES:
        schema_editor.execute(LINES.format(cases="TRUE", places=PLACES[vendor]), params=None)


def forget(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for statement in POSTGRESQL_DROP if vendor == "postgresql" else SQLITE_DROP if vendor == "sqlite" else []:
        schema_editor.execute(statement, params=None)


class Migration(migrations.Migration):

    dependencies = [
        ('cases', '0011_case_marks'),
        ('reports', '0002_mention_days'),
    ]

    operations = [
        migrations.CreateModel(
            name='CaseLine',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('organisation_id', models.BigIntegerField()),
                ('case_id', models.BigIntegerField(db_index=True)),
                ('link_id', models.BigIntegerField(null=True)),
                ('reported_at', models.DateTimeField()),
                ('assignee_id', models.BigIntegerField(null=True)),
                ('complainer_type', models.CharField(max_length=16)),
                ('status', models.CharField(max_length=16)),
                ('marks', models.IntegerField()),
                ('first_response_due_at', models.DateTimeField(null=True)),
                ('first_response_at', models.DateTimeField(null=True)),
                ('first_response_took', models.DurationField(null=True)),
                ('resolution_due_at', models.DateTimeField(null=True)),
                ('resolved_at', models.DateTimeField(null=True)),
                ('resolution_took', models.DurationField(null=True)),
                ('waiting_since', models.DateTimeField(null=True)),
                ('closed_at', models.DateTimeField(null=True)),
                ('platform', models.CharField(max_length=32)),
                ('source_id', models.BigIntegerField(null=True)),
                ('category', models.CharField(max_length=16)),
                ('first_of_case', models.BooleanField()),
                ('first_platform', models.BooleanField()),
                ('first_source', models.BooleanField()),
                ('first_category', models.BooleanField()),
                ('places', models.JSONField(default=list)),
            ],
            options={
                'indexes': [
                    models.Index(fields=['organisation_id', 'reported_at'], name='case_line_period_idx'),
                ],
            },
        ),
        migrations.RunPython(keep, forget, elidable=False),
    ]
