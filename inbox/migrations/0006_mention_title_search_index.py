"""The title part of the search document, indexed: best match first lists the mentions whose title matches
the search before the others (``inbox.selectors._title_matches``). The index lets PostgreSQL find those few
for a word that is rarely in a title, and its statistics tell it how many there are, so that for a common
word it walks the newest-first index instead and stops at the page's end."""

from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

# The expression must stay the one in inbox.selectors.TITLE_DOCUMENT, or PostgreSQL won't use the index.
ADD = "CREATE INDEX mention_title_search_idx ON monitoring_mention USING gin (ts_filter(search_document, '{a}'))"
REMOVE = "DROP INDEX IF EXISTS mention_title_search_idx"


def add(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(ADD)
        # The statistics of the indexed expression, at once rather than at autovacuum's next visit.
        schema_editor.execute("ANALYZE monitoring_mention")


def remove(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(REMOVE)


class Migration(migrations.Migration):
    dependencies = [("inbox", "0005_playbook_events")]

    operations = [migrations.RunPython(add, remove)]
