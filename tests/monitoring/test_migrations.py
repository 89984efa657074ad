from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from monitoring.models import Mention

BEFORE = [("monitoring", "0009_mention_keys_covered_by_composite_indexes")]


def migrate(targets: list[tuple[str, str]] | None = None) -> Any:
    """Migrate to ``targets`` (None: the latest); returns the models as they were there."""
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    targets = targets or executor.loader.graph.leaf_nodes()
    executor.migrate(targets)
    # The other apps' models (organisations) as they are now, which is how they are in the database.
    others = [node for node in executor.loader.graph.leaf_nodes() if node[0] == "accounts"]
    return executor.loader.project_state([*targets, *others]).apps


@pytest.mark.django_db(transaction=True)
def test_the_date_range_applies_to_a_database_holding_dates_out_of_it():
    apps = migrate(BEFORE)
    try:
        found_at = timezone.now() - timedelta(days=3)
        organisation = apps.get_model("accounts", "Organisation").objects.create(name="Dolfijnen")
        source = apps.get_model("monitoring", "Source").objects.create(
            organisation=organisation, name="Forum", url="https://forum.example/feed"
        )
        year_one, future, fine = (
            apps.get_model("monitoring", "Mention").objects.create(
                organisation=organisation,
                source=source,
                canonical_url=f"https://forum.example/{n}",
                fetched_at=found_at,
                published_at=found_at - timedelta(hours=1),
            )
            for n in range(3)
        )
        table = connection.ops.quote_name(Mention._meta.db_table)
        with connection.cursor() as cursor:
            # As the quick add stored it: year 1 in Amsterdam, before year 1 in UTC (a BC timestamp).
            cursor.execute(
                f"UPDATE {table} SET published_at = '0001-01-01 00:00:00+00:19:32 BC' WHERE id = %s",  # noqa: S608
                [year_one.id],
            )
            cursor.execute(
                f"UPDATE {table} SET published_at = fetched_at + interval '3 days' WHERE id = %s",  # noqa: S608
                [future.id],
            )
    finally:
        migrate()

    values = dict(Mention.objects.values_list("id", "published_at"))
    assert values[year_one.id] == found_at
    assert values[future.id] == found_at
    assert values[fine.id] == fine.published_at
