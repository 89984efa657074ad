"""CompiledQuery (webcare/queries.py): a query compiled once gives what its queryset gives, whatever values
go in its slots."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.db.models import IntegerField, Q, Value
from django.test.utils import CaptureQueriesContext

from monitoring.models import Mention
from tests.factories import MentionFactory
from webcare.queries import CompiledQuery

pytestmark = pytest.mark.django_db

AT = datetime(1901, 1, 1, 0, 0, 1, 234567, tzinfo=UTC)
ID = -123_456_789


def older(at: datetime, mention_id: int):
    return (
        Mention.objects.filter(Q(published_at__lt=at) | Q(published_at=at, id__lt=mention_id))
        .order_by("-published_at", "-id")
        .values_list("id", "title", "published_at", "flags")
    )


@pytest.fixture
def mentions() -> list[Mention]:
    start = datetime(2026, 11, 1, 9, 0, tzinfo=UTC)
    same_time = start + timedelta(hours=5)
    made = [
        MentionFactory(published_at=start + timedelta(hours=hour), flags=["urgent"] * (hour % 2)) for hour in range(5)
    ]
    made += [MentionFactory(published_at=same_time) for _ in range(3)]
    return made


def test_it_gives_what_the_queryset_gives_for_every_value_in_its_slots(mentions):
    compiled = CompiledQuery.of(older(AT, ID), {"at": AT, "id": ID})
    assert compiled is not None
    for mention in mentions:
        expected = list(older(mention.published_at, mention.id))
        assert compiled.rows({"at": mention.published_at, "id": mention.id}) == expected
    assert any(row[3] == ["urgent"] for row in compiled.rows({"at": AT.replace(year=2100), "id": 0}))


def test_a_marker_that_is_not_among_the_parameters_gives_no_compiled_query(mentions):
    assert CompiledQuery.of(older(AT, ID), {"at": AT, "id": ID, "other": "not there"}) is None


def test_unconverted_columns_come_as_the_database_gives_them(mentions):
    compiled = CompiledQuery.of(older(AT, ID), {"at": AT, "id": ID}, unconverted={3})
    flags = {row[3] for row in compiled.rows({"at": AT.replace(year=2100), "id": 0})}
    assert flags == {"[]", '["urgent"]'}


def test_a_query_that_can_match_nothing_runs_no_sql(mentions):
    compiled = CompiledQuery.of(older(AT, ID).filter(id__in=[]), {"at": AT, "id": ID})
    with CaptureQueriesContext(connection) as queries:
        assert compiled.rows({"at": AT, "id": ID}) == []
    assert queries.captured_queries == []


def test_a_value_compared_with_a_computed_number_fills_its_slot(mentions):
    # A number compared with an annotated one reaches PostgreSQL's driver wrapped (psycopg's Int4); the
    # slot is still found, and every value put in it is wrapped the same way.
    def ranked(below: int):
        return (
            Mention.objects.annotate(rank=Value(1, output_field=IntegerField()))
            .filter(rank__lt=below)
            .order_by("-id")
            .values_list("id", "rank")
        )

    compiled = CompiledQuery.of(ranked(ID), {"below": ID})
    assert compiled is not None
    for below in (0, 1, 2):
        assert compiled.rows({"below": below}) == list(ranked(below))
    assert len(compiled.rows({"below": 2})) == len(mentions)
