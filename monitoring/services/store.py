"""Storing a poll: new mentions and their sightings, the source with its fetch log, in as few statements
as PostgreSQL allows (column arrays unnested on the server rather than rows bound on the client)."""

from __future__ import annotations

import functools
import json
from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any

import psycopg
from django.db import connection, models
from django.db.models import Count, Q
from django.db.models.sql import InsertQuery, UpdateQuery
from django.utils import timezone

from monitoring.dates import publication_or_none
from monitoring.feeds.decide import NewEntry
from monitoring.feeds.enrich import Enrichment
from monitoring.models import FetchLog, ForgottenPerson, Mention, Sighting, Source
from monitoring.privacy import forgotten_key, identity_digest, mention_anonymised_values
from webcare.events import DomainEvent, publish


def mention_rows(
    source: Source, entries: Sequence[NewEntry], enrichments: Mapping[str, Enrichment], now: datetime
) -> list[dict[str, Any]]:
    """A mention's field values for each of the new ``entries`` of ``source``, with its enrichment (from
    ``enrichments`` by entry key), flagged where its author has earlier mentions, and anonymised where its
    author asked to be forgotten. Writes nothing; runs one query (none when no entry names its author)."""
    organisation_id = source.organisation_id
    repeated, forgotten = authors_known(organisation_id, {new.entry.author for new in entries if new.entry.author})
    rows: list[dict[str, Any]] = []
    for new in entries:
        enrichment = enrichments[new.entry.key]
        if new.entry.author in repeated:
            enrichment = enrichment.with_repeated_author()
        values = mention_values(source, new, now, enrichment)
        if new.entry.author in forgotten:
            values.update(
                mention_anonymised_values(
                    organisation_id,
                    author=values["author"],
                    canonical_url=values["canonical_url"],
                    entry_key=new.entry.key,
                ),
                anonymised_at=now,
            )
            if values["canonical_url"]:
                values["entry_key"] = ""
        rows.append(values)
    return rows


def entries_store(source: Source, entries: Sequence[NewEntry], rows: list[dict[str, Any]], now: datetime) -> list[int]:
    """Store the new ``entries`` of ``source`` (their mentions' values in ``rows``, from ``mention_rows``):
    a mention per new link, a sighting per entry. Returns the ids of the mentions it created, in order.
    Runs 2 or 3 queries."""
    organisation_id = source.organisation_id
    # No look-up of the links first: nearly every new entry is a new link, and the insert below skips
    # (and then looks up) those another source brought in already.
    with_link = [values for values in rows if values["canonical_url"]]
    without_link = [values for values in rows if not values["canonical_url"]]
    # Two sources may store the same link at once: the unique constraint keeps one, and the other's
    # entry becomes a sighting of it below. An entry without a link is kept once by its key the same way.
    by_link, inserted = mentions_insert(with_link, organisation_id=organisation_id)
    by_key, inserted_without_link = mentions_insert(without_link, organisation_id=organisation_id, source_id=source.id)
    # A forgotten author's entry is kept by the digests of its link and key (monitoring.privacy), not by them.
    columns_insert(
        Sighting,
        {
            "mention_id": [
                by_link[values["canonical_url"]] if values["canonical_url"] else by_key[values["entry_key"]]
                for values in rows
            ],
            "source_id": [source.id] * len(entries),
            "external_id": [
                forgotten_key(new.entry.key) if values["anonymised_at"] else new.entry.key
                for new, values in zip(entries, rows, strict=True)
            ],
            "url": [
                "" if values["anonymised_at"] else new.entry.url for new, values in zip(entries, rows, strict=True)
            ],
            "seen_at": [now] * len(entries),
        },
    )
    return sorted(set(inserted + inserted_without_link))


MENTIONS_STORED = "monitoring.mentions_stored"


def mentions_announce(
    *, organisation_id: int, source_id: int, mention_ids: Sequence[int], actor_id: int | None = None
) -> None:
    """Tell whoever subscribed to ``MENTIONS_STORED`` (the inbox, which routes complaints) of mentions just
    stored, by id; those subscribed for ``COMMITTED`` hear of them once the transaction commits, and look the
    ids up (see ``commit_without_flush``). Nothing for no mentions. Runs no query."""
    if not mention_ids:
        return
    publish(
        DomainEvent(
            name=MENTIONS_STORED,
            organisation_id=organisation_id,
            actor_id=actor_id,
            subject=f"source:{source_id}",
            data={"mention_ids": tuple(mention_ids)},
        )
    )


def commit_without_flush() -> None:
    """Let the commit of the current (poll) transaction return before PostgreSQL has flushed it to disk.

    Safe for a poll: its mentions, sightings, fetch log and the source's new validators (ETag,
    Last-Modified) are in this one transaction. Should PostgreSQL crash in the moment (at most three
    times ``wal_writer_delay``) before the flush, the whole transaction is lost together, never part
    of it: the source keeps its old validators and is polled again at its next turn, which fetches and
    stores the same entries once more. Nothing is lost for good and nothing is stored twice; only what
    is announced on commit may name mentions that are gone, so a receiver must look mention ids up.
    The waits this saves (a disk flush per source) are most of a poll's time on a busy disk.
    Runs one query (on PostgreSQL; elsewhere none).
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL synchronous_commit = off")


def source_save_logged(source: Source, fields: list[str], log: FetchLog) -> None:
    """Save ``fields`` of ``source`` and insert its fetch-log row ``log`` (whose id stays unset).

    On PostgreSQL both go in one statement (the update as a data-modifying ``WITH``), one round trip
    less per poll; elsewhere ``save`` and ``save``. Runs one query (two off PostgreSQL).
    """
    if connection.vendor != "postgresql":
        source.save(update_fields=fields)
        log.save()
        return
    update = UpdateQuery(Source)
    update.add_q(Q(pk=source.pk))
    update.add_update_values({name: getattr(source, name) for name in fields})
    update_sql, update_params = update.get_compiler(connection=connection).as_sql()
    insert = InsertQuery(FetchLog)
    insert.insert_values([field for field in FetchLog._meta.concrete_fields if not field.primary_key], [log])
    [(insert_sql, insert_params)] = insert.get_compiler(connection=connection).as_sql()
    with connection.cursor() as cursor:
        cursor.execute(f"WITH updated AS ({update_sql}) {insert_sql}", (*update_params, *insert_params))


def known_keys(source_id: int, keys: list[str]) -> set[str]:
    """Those of ``keys`` the source delivered before (it has a sighting with that key, or with its digest once
    what it brought was anonymised: ``monitoring.privacy.forgotten_key``). Runs one query.

    On PostgreSQL the keys go as one array parameter, where the ORM's ``__in`` binds (and the server
    plans) a parameter per key.
    """
    by_form = {key: key for key in keys} | {forgotten_key(key): key for key in keys}
    if connection.vendor != "postgresql":
        rows = Sighting.objects.filter(source_id=source_id, external_id__in=list(by_form)).values_list(
            "external_id", flat=True
        )
        return {by_form[row] for row in rows}
    table = connection.ops.quote_name(Sighting._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT external_id FROM {table} WHERE source_id = %s AND external_id = ANY(%s)",  # noqa: S608
            [source_id, list(by_form)],
        )
        return {by_form[row[0]] for row in cursor.fetchall()}


def mentions_insert(
    mentions: list[dict[str, Any]], *, organisation_id: int, source_id: int | None = None
) -> tuple[dict[str, int], list[int]]:
    """Store ``mentions`` (field values, each with a link) but those whose link is stored already, and
    return ``{link: mention id}`` for all of them and the ids of those inserted. Runs one query, or two
    when some links were stored already (by an earlier poll, another source or another poll just now).

    With ``source_id``, ``mentions`` have no link and are known by their ``entry_key`` within that
    source instead (``mention_unique_entry_without_link_per_source``): the dict is ``{key: mention id}``.
    """
    key = "canonical_url" if source_id is None else "entry_key"
    keys = {mention[key] for mention in mentions}
    if not keys:
        return {}, []
    columns = {name: [mention[name] for mention in mentions] for name in mentions[0]}
    returned = columns_insert(Mention, columns, returning=key)
    ids = dict(returned or [])
    inserted = list(ids.values())
    missing = keys - ids.keys()
    if missing:
        # Where the insert could not say which rows it added (bulk_create off PostgreSQL), a mention
        # of this source with this poll's time is one it added: no other poll of the source runs now.
        ours = set() if returned is not None else {(m[key], m["source_id"], m["fetched_at"]) for m in mentions}
        stored = Q(organisation_id=organisation_id) if source_id is None else Q(source_id=source_id, canonical_url="")
        rows = (
            Mention.objects.filter(stored, **{f"{key}__in": missing})
            .order_by()
            .values_list(key, "id", "source_id", "fetched_at")
        )
        for link, mention_id, source_id, fetched_at in rows:
            ids[link] = mention_id
            if (link, source_id, fetched_at) in ours:
                inserted.append(mention_id)
    return ids, inserted


def columns_insert(
    model: type[models.Model], values: dict[str, list[Any]], *, returning: str = ""
) -> list[tuple[Any, int]] | None:
    """Insert rows given column by column (``{field attname: [value per row]}``; fields left out get
    their defaults), skipping rows that conflict; with ``returning``, the value of that
    field and the id of each row inserted (on PostgreSQL; elsewhere ``None``, through ``bulk_create``).

    Django binds bulk_create's values on the client, escaping every one of them in Python: for a poll's
    50 mentions that took longer than reading the feed. Here the columns go to the server as binary
    arrays instead, unnested there into rows, as Django's own UNNEST insert does; and no model
    instance is made per row.
    """
    if connection.vendor != "postgresql":
        rows = [model(**dict(zip(values, row, strict=True))) for row in zip(*values.values(), strict=True)]
        model._default_manager.bulk_create(rows, ignore_conflicts=True)
        return None
    by_attname = {field.attname: field for field in model._meta.concrete_fields}
    count = len(next(iter(values.values()), []))
    missing = [field for field in model._meta.concrete_fields if not field.primary_key and field.attname not in values]
    if missing:
        # Fields the caller leaves out get what a new instance would hold (defaults, auto_now_add), so a
        # field added to the model later needs no change here.
        blank = model()
        values = {**values, **{field.attname: [field.pre_save(blank, True)] * count for field in missing}}
    fields = [by_attname[attname] for attname in values]
    sql = _columns_insert_sql(model, tuple(values), returning)
    columns = [_column_values(field, values[field.attname]) for field in fields]
    connection.ensure_connection()
    connection.validate_no_broken_transaction()
    with connection.wrap_database_errors, psycopg.Cursor(connection.connection) as cursor:
        cursor.execute(sql, columns)
        return cursor.fetchall() if returning else []


@functools.lru_cache(maxsize=32)
def _columns_insert_sql(model: type[models.Model], attnames: tuple[str, ...], returning: str) -> str:
    """The statement ``columns_insert`` runs for these columns: built once, it is the same every poll."""
    by_attname = {field.attname: field for field in model._meta.concrete_fields}
    fields = [by_attname[attname] for attname in attnames]
    quote = connection.ops.quote_name
    # Casts without a length (varchar[], not varchar(500)[]): an over-long value fails, as in Django.
    arrays = ", ".join(f"%b::{_array_type(field)}" for field in fields)
    # Only names from the model's metadata are put into the statement; every value is a parameter.
    sql = (
        f"INSERT INTO {quote(model._meta.db_table)} "  # noqa: S608
        f"({', '.join(quote(str(field.column)) for field in fields)}) "
        f"SELECT * FROM UNNEST({arrays}) ON CONFLICT DO NOTHING"
    )
    if returning:
        pk = model._meta.pk.column if model._meta.pk else "id"
        sql += f" RETURNING {quote(str(by_attname[returning].column))}, {quote(str(pk))}"
    return sql


_PLAIN_VALUES = (str, int, type(None))


def _array_type(field: models.Field[Any, Any]) -> str:
    """The array type a column's values are sent as (see ``_column_values``), cast to the column's."""
    if isinstance(field, models.JSONField):
        return "text[]::jsonb[]"
    return f"{str(field.db_type(connection)).split('(')[0]}[]"


def _column_values(field: models.Field[Any, Any], values: list[Any]) -> list[Any]:
    """``field.get_db_prep_save`` of each value, skipped where it gives back the value it got.

    JSON goes as its text, which the statement casts (``_array_type``): what Django's adapter would
    send, without an adapter object per value that psycopg then asks to serialise it.
    """
    if isinstance(field, models.JSONField):
        dumps = functools.partial(json.dumps, cls=field.encoder) if field.encoder else json.dumps
        return [dumps(value) for value in values]
    if isinstance(field, models.CharField | models.TextField | models.ForeignKey) and all(
        type(value) in _PLAIN_VALUES for value in values
    ):
        return values
    if isinstance(field, models.DateTimeField) and all(
        isinstance(value, datetime) and value.tzinfo is not None for value in values
    ):
        return values  # what get_db_prep_save gives for an aware datetime on PostgreSQL
    return [field.get_db_prep_save(value, connection) for value in values]


def mention_values(source: Source, new: NewEntry, now: datetime, enrichment: Enrichment) -> dict[str, Any]:
    """The new entry with its ``enrichment``, as a mention's field values (by attname)."""
    entry = new.entry
    return {
        "organisation_id": source.organisation_id,
        "source_id": source.id,
        "canonical_url": new.canonical_url,
        "url": entry.url,
        "platform": entry.platform,
        "title": entry.title,
        "snippet": entry.snippet,
        "content_html": entry.content_html,
        "author": entry.author,
        "publisher": entry.publisher,
        "language": enrichment.language,
        "suggested_category": enrichment.category,
        "signal_reasons": list(enrichment.reasons),
        "flags": list(enrichment.flags),
        "matched_terms": list(new.matched_terms),
        "entry_key": "" if new.canonical_url else entry.key,
        # The parser leaves out dates beyond the range already; checked against this poll's time once
        # more, as the database holds every mention to it (mention_published_in_range).
        "published_at": publication_or_none(entry.published_at, now=now) or now,
        "fetched_at": now,
        "added_by_id": None,
        "anonymised_at": None,
    }


REPEATED_AUTHOR_MENTIONS = 2
REPEATED_AUTHOR_DAYS = 90


def authors_known(organisation_id: int, authors: set[str]) -> tuple[set[str], set[str]]:
    """Of ``authors``: those with at least two earlier mentions in the last 90 days (persistent voices to
    notice), and those who asked to be forgotten (``ForgottenPerson``, by the digest of their handle).

    Runs one query, none for no authors. On PostgreSQL it stops at the second mention of each author (an index
    look-up per author), where counting them all read every recent mention of a prolific author at each poll.
    """
    if not authors:
        return set(), set()
    since = timezone.now() - timedelta(days=REPEATED_AUTHOR_DAYS)
    ordered = sorted(authors)
    digests = [identity_digest(organisation_id, author) for author in ordered]
    if connection.vendor == "postgresql":
        table = connection.ops.quote_name(Mention._meta.db_table)
        forgotten_table = connection.ops.quote_name(ForgottenPerson._meta.db_table)
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT a.author, ("  # noqa: S608 (models' table names)
                f"SELECT count(*) FROM (SELECT 1 FROM {table} AS m WHERE m.organisation_id = %s "
                "AND m.author = a.author AND m.published_at >= %s LIMIT %s) AS earlier) >= %s, "
                f"EXISTS (SELECT 1 FROM {forgotten_table} AS f WHERE f.organisation_id = %s AND f.digest = a.digest) "
                "FROM unnest(%s::text[], %s::text[]) AS a(author, digest)",
                [
                    organisation_id,
                    since,
                    REPEATED_AUTHOR_MENTIONS,
                    REPEATED_AUTHOR_MENTIONS,
                    organisation_id,
                    ordered,
                    digests,
                ],
            )
            rows = cursor.fetchall()
        return {row[0] for row in rows if row[1]}, {row[0] for row in rows if row[2]}
    counted = (
        Mention.objects.filter(organisation_id=organisation_id, author__in=authors, published_at__gte=since)
        .values("author")
        .annotate(count=Count("id"))
        .filter(count__gte=REPEATED_AUTHOR_MENTIONS)
    )
    gone = set(
        ForgottenPerson.objects.filter(organisation_id=organisation_id, digest__in=digests).values_list(
            "digest", flat=True
        )
    )
    return {row["author"] for row in counted}, {a for a, d in zip(ordered, digests, strict=True) if d in gone}
