from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from monitoring.models import Mention
from tests.factories import MentionFactory

BEFORE = [("monitoring", "0009_mention_keys_covered_by_composite_indexes")]
AFTER = [("monitoring", "0010_mention_published_in_range")]


def migrate(targets: list[tuple[str, str]]) -> None:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)


@pytest.mark.django_db(transaction=True)
def test_the_date_range_applies_to_a_database_holding_dates_out_of_it():
    migrate(BEFORE)
    try:
        found_at = timezone.now() - timedelta(days=3)
        year_one, future, fine = (
            MentionFactory(fetched_at=found_at, published_at=found_at - timedelta(hours=1)) for _ in range(3)
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
        migrate(AFTER)

    values = dict(Mention.objects.values_list("id", "published_at"))
    assert values[year_one.id] == found_at
    assert values[future.id] == found_at
    assert values[fine.id] == fine.published_at
