"""Small database helpers that Django's ORM lacks at the cost we need."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import connections, router
from django.db.models import Model


def rows_update(objs: Sequence[Model], fields: Sequence[str]) -> None:
    """Save `fields` of each of `objs` (all of one model), each row with its own values.

    What `QuerySet.bulk_update` does, without its CASE expression per field and row (whose
    construction costs more than the update): one UPDATE statement, executed for every row
    with `executemany`, which psycopg sends to PostgreSQL as one pipeline. Auto-updated
    fields (`auto_now`) are not touched unless named.
    """
    if not objs:
        return
    model = type(objs[0])
    meta = model._meta
    connection = connections[router.db_for_write(model)]
    quote = connection.ops.quote_name
    columns: list[Any] = [meta.get_field(name) for name in fields]
    assignments = ", ".join(f"{quote(field.column)} = %s" for field in columns)
    sql = (
        f"UPDATE {quote(meta.db_table)} SET {assignments} "  # noqa: S608 (model metadata)
        f"WHERE {quote(str(meta.pk.column))} = %s"
    )
    params = [
        [field.get_db_prep_save(getattr(obj, field.attname), connection) for field in columns]
        + [obj.pk]
        for obj in objs
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, params)
