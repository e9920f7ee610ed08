"""Inserting and updating many rows in one statement, whatever their number.

The rows arrive as a single JSON parameter, one array per row, unpacked by
the database (PostgreSQL: ``jsonb_array_elements``; SQLite: ``json_each``),
so neither the statement's text nor its parameter count grows with the rows:

- ``insert_rows(model, objs, returning=...)``: one ``INSERT ... SELECT``.
  Django's ``bulk_create`` sends one parameter per field and row instead,
  which psycopg quotes one by one on the client (about 2 s for 6,000 alerts
  of 17 fields), and which SQLite's 999 parameters cut into batches.
- ``update_rows(model, objs, fields)``: one ``UPDATE ... FROM``. Django's
  ``bulk_update`` writes a ``CASE WHEN id = ... THEN ...`` per field
  instead: every row scans the CASE, so one statement costs the square of
  its size, and SQLite cuts it into batches too.

Other database vendors fall back to Django's own.

The values are the fields' own database values (``get_db_prep_save``), so a
row reads back exactly as a ``save()`` would have written it.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from collections.abc import Callable, Sequence
from decimal import Decimal
from operator import attrgetter
from types import SimpleNamespace

from django.conf import settings
from django.db import connections, models, router
from django.utils import timezone
from simple_history.utils import get_change_reason_from_object, get_history_model_for_model

# Rows per statement when the vendor has no JSON row source: bulk_update's
# CASE grows with the square of this.
FALLBACK_BATCH = 500


def insert_rows(
    model: type[models.Model], objs: Sequence[models.Model], *, returning: Sequence[str] = ()
) -> list[tuple]:
    """Insert ``objs`` (unsaved objects of ``model``) in one statement, in
    their order, and return the ``returning`` columns (attnames) of the rows
    inserted. The order of the rows returned is the database's: match them
    to the objects by a key, not by position. The objects' primary keys
    are not set."""
    if not objs:
        return []
    connection = connections[router.db_for_write(model)]
    meta = model._meta
    columns = [field for field in meta.concrete_fields if field is not meta.auto_field]
    if connection.vendor not in ("postgresql", "sqlite"):
        created = model._base_manager.bulk_create(objs, batch_size=FALLBACK_BATCH)
        return [tuple(getattr(obj, name) for name in returning) for obj in created]
    readers = [_reader(field, connection, add=True) for field in columns]
    rows = [[read(obj) for read in readers] for obj in objs]
    quote = connection.ops.quote_name
    names = ", ".join(quote(field.column) for field in columns)
    if connection.vendor == "postgresql":
        source = ", ".join(_pg_element(field, i, connection) for i, field in enumerate(columns))
        values = f"SELECT {source} FROM jsonb_array_elements(%s::jsonb) WITH ORDINALITY AS r(e, n) ORDER BY n"
    else:
        source = ", ".join(f"json_extract(value, '$[{i}]')" for i in range(len(columns)))
        values = f"SELECT {source} FROM json_each(%s) ORDER BY key"
    sql = f"INSERT INTO {quote(meta.db_table)} ({names}) {values}"
    if returning:
        sql += " RETURNING " + ", ".join(quote(meta.get_field(name).column) for name in returning)
    with connection.cursor() as cursor:
        cursor.execute(sql, [json.dumps(rows, ensure_ascii=False)])
        return [tuple(row) for row in cursor.fetchall()] if returning else []


def history_rows(model: type[models.Model], objs: Sequence[models.Model], *, history_type: str) -> list:
    """The django-simple-history rows a ``save()`` of each object would
    write ("+" created, "~" changed), for ``insert_rows`` into the history
    model: every tracked field as the object holds it, the time of writing,
    the user of the request being answered if any (the object's
    ``_history_user`` first), the object's ``_change_reason`` if any -- as
    ``HistoricalRecords.create_historical_record`` builds them (its signals
    aside: nothing listens to them here). Plain namespaces holding the
    history model's attnames, not model instances: building 20,000 of those
    costs a second."""
    if not getattr(settings, "SIMPLE_HISTORY_ENABLED", True):
        return []
    history = get_history_model_for_model(model)
    tracked = [field.attname for field in history.tracked_fields]
    relation = hasattr(history, "history_relation")
    rows = []
    for obj in objs:
        user = history.get_default_history_user(obj)
        row = SimpleNamespace(
            history_date=getattr(obj, "_history_date", None) or timezone.now(),
            history_user_id=None if user is None else user.pk,
            history_change_reason=get_change_reason_from_object(obj),
            history_type=history_type,
            **{name: getattr(obj, name) for name in tracked},
        )
        if relation:
            row.history_relation_id = obj.pk
        rows.append(row)
    return rows


def update_rows(model: type[models.Model], objs: Sequence[models.Model], fields: Sequence[str]) -> int:
    """Write ``fields`` of every object of ``objs`` (saved rows of ``model``)
    in one statement; returns the number of rows updated."""
    if not objs:
        return 0
    connection = connections[router.db_for_write(model)]
    meta = model._meta
    columns = [meta.pk] + [meta.get_field(name) for name in fields]
    if connection.vendor not in ("postgresql", "sqlite"):
        return model._base_manager.bulk_update(objs, list(fields), batch_size=FALLBACK_BATCH)
    readers = [_reader(field, connection, add=False) for field in columns]
    rows = [[read(obj) for read in readers] for obj in objs]
    quote = connection.ops.quote_name
    assignments = ", ".join(f"{quote(field.column)} = v.c{i}" for i, field in enumerate(columns) if i)
    if connection.vendor == "postgresql":
        source = ", ".join(_pg_element(field, i, connection) for i, field in enumerate(columns))
        values = f"SELECT {source} FROM jsonb_array_elements(%s::jsonb) AS e"
    else:
        source = ", ".join(f"json_extract(value, '$[{i}]') AS c{i}" for i in range(len(columns)))
        values = f"SELECT {source} FROM json_each(%s)"
    sql = (
        f"UPDATE {quote(meta.db_table)} AS t SET {assignments} "
        f"FROM ({values}) AS v WHERE t.{quote(meta.pk.column)} = v.c0"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [json.dumps(rows, ensure_ascii=False)])
        return cursor.rowcount


def _pg_element(field: models.Field, i: int, connection) -> str:
    """Element ``i`` of the row array ``e`` as the column's type. A JSON
    field takes the element itself (``->``), with JSON null as SQL NULL as
    Django stores None; every other field its text (``->>``) cast."""
    if isinstance(field, models.JSONField):
        return f"NULLIF(e->{i}, 'null'::jsonb) AS c{i}"
    return f"(e->>{i})::{field.cast_db_type(connection)} AS c{i}"


# Fields whose database value is the value the object holds.
AS_HELD = (models.IntegerField, models.CharField, models.TextField, models.BooleanField, models.ForeignKey)


def _reader(field: models.Field, connection, *, add: bool) -> Callable:
    """obj -> the field's value as the JSON row carries it, worked out once
    per column (a row of a national scan has 20 fields and there are tens
    of thousands of rows). On insert, a field that sets itself on save
    (``auto_now``, ``auto_now_add``) does so."""
    if add and (getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False)):

        def held(obj):
            return field.pre_save(obj, True)
    else:
        held = attrgetter(field.attname)
    if isinstance(field, models.JSONField):
        if connection.vendor == "postgresql":
            # Kept as a JSON value (through the field's encoder): the row
            # source hands it over as jsonb.
            if field.encoder is None:
                return held
            return lambda obj: json.loads(json.dumps(held(obj), cls=field.encoder))
        # SQLite stores the text Django's adapt_json_value writes.
        return lambda obj: None if (value := held(obj)) is None else json.dumps(value, cls=field.encoder)
    if isinstance(field, AS_HELD):
        return held
    if type(field) is models.DateField:
        return lambda obj: value.isoformat() if isinstance(value := held(obj), dt.date) else value
    return lambda obj: _plain(field, held(obj), connection)


def _plain(field: models.Field, value, connection):
    """The value as JSON can carry it: the database value of the field, with
    dates and times in ISO form and decimals and UUIDs as text."""
    value = field.get_db_prep_save(value, connection=connection)
    if isinstance(value, dt.date | dt.time):  # datetime is a date
        return value.isoformat()
    if isinstance(value, Decimal | uuid.UUID):
        return str(value)
    return value
