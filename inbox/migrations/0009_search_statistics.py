"""Finer statistics for the search document, so that PostgreSQL knows a rare word is rare.

With the default statistics PostgreSQL keeps the frequencies of about a thousand words of the search
document and guesses every other word to be about as common as the rarest of those: at a million mentions
it took a word in 161 of them to be in 1,800, walked the newest-first index looking for a page of them
(278,000 rows, 214 ms) instead of reading the few from the search index and sorting them (10 ms). Ten times
the statistics (some ten thousand words, and of the title part too) get the rare word right; a common word
is listed as before (4 ms). ANALYZE of the table then takes some ten seconds at a million mentions.
"""

from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

# Also applied by benchmarks/inbox_list.py after it rebuilds the indexes.
FINER = (
    "ALTER TABLE monitoring_mention ALTER COLUMN search_document SET STATISTICS 1000",
    "ALTER INDEX mention_title_search_idx ALTER COLUMN 1 SET STATISTICS 1000",
)
DEFAULT = (
    "ALTER TABLE monitoring_mention ALTER COLUMN search_document SET STATISTICS -1",
    "ALTER INDEX mention_title_search_idx ALTER COLUMN 1 SET STATISTICS -1",
)


def finer(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        for statement in FINER:
            schema_editor.execute(statement)
        schema_editor.execute("ANALYZE monitoring_mention")


def default(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        for statement in DEFAULT:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("inbox", "0008_default_templates_reworded")]

    operations = [migrations.RunPython(finer, default)]
