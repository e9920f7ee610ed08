"""Quoted names for the few queries written as SQL once per process.

Every request asks a handful of small questions (the user's grants, the
kinds shared with them, their unread messages); building each with the ORM
cost several times more than running it, so their SQL is written once, from
the models' own table and column names, as these quote them for the
database in use.
"""

from __future__ import annotations

from django.db import connection


def table(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def column(model, field_name: str) -> str:
    return connection.ops.quote_name(model._meta.get_field(field_name).column)
