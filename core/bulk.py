"""Updating many rows in one statement, whatever their number.

``update_rows(model, objs, fields)`` sets ``fields`` of each object's row to
the object's values with one ``UPDATE ... FROM`` whose rows arrive as a
single JSON parameter (PostgreSQL: ``jsonb_array_elements``; SQLite:
``json_each``). Neither the statement's text nor its parameter count grows
with the number of rows.

Django's ``bulk_update`` writes a ``CASE WHEN id = ... THEN ...`` per field
instead: every row scans the CASE, so one statement costs the square of its
size, and SQLite's 999 parameters cut it into batches whose number grows
with the rows. Other database vendors fall back to it.

The values are the fields' own database values (``get_db_prep_save``), so a
row reads back exactly as a ``save()`` would have written it.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from collections.abc import Sequence
from decimal import Decimal

from django.db import connections, models, router

# Rows per statement when the vendor has no JSON row source: bulk_update's
# CASE grows with the square of this.
FALLBACK_BATCH = 500


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
    rows = [[_plain(field, getattr(obj, field.attname), connection) for field in columns] for obj in objs]
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


def _plain(field: models.Field, value, connection):
    """The value as JSON can carry it: the database value of the field, with
    dates and times in ISO form and decimals and UUIDs as text."""
    if isinstance(field, models.JSONField) and connection.vendor == "postgresql":
        # Kept as a JSON value (through the field's encoder): the row source
        # hands it over as jsonb.
        return value if field.encoder is None else json.loads(json.dumps(value, cls=field.encoder))
    value = field.get_db_prep_save(value, connection=connection)
    if isinstance(value, dt.date | dt.time):  # datetime is a date
        return value.isoformat()
    if isinstance(value, Decimal | uuid.UUID):
        return str(value)
    return value
