"""Writing many rows at once, for the services that change thousands in a batch (the police
import, the MACE criteria's refresh)."""

from __future__ import annotations

from typing import Any

from django.db import connection, models

# Rows a statement: a few hundred keeps each statement's parameters well under the databases'
# limits (SQLite's 32,766, PostgreSQL's 65,535) for a dozen columns.
UPDATE_ROWS = 500


def update_rows(model: type[models.Model], objs: list[Any], names: list[str]) -> None:
    """Set the named fields of these rows to their values on `objs`, a few hundred rows a
    statement: UPDATE ... FROM a list of VALUES (QuerySet.bulk_update's CASE for each field
    costs time with the square of the rows, in Python and in the database). PostgreSQL and
    SQLite (3.33 and later) alike."""
    fields: list[models.Field[Any, Any]] = [
        f for name in names if isinstance(f := model._meta.get_field(name), models.Field)
    ]
    assert len(fields) == len(names) and model._meta.pk is not None
    table = connection.ops.quote_name(model._meta.db_table)
    columns = [connection.ops.quote_name(f.column or f.name) for f in fields]
    pk = connection.ops.quote_name(model._meta.pk.column or "id")
    if connection.vendor == "postgresql":
        # The list's columns take no type from the table: say each one's.
        casts = [f"CAST(%s AS {f.db_type(connection)})" for f in fields]
        row = "(CAST(%s AS bigint), " + ", ".join(casts) + ")"
    else:
        row = "(" + ", ".join(["%s"] * (len(fields) + 1)) + ")"
    names_sql = ", ".join(["id_", *(f"v{n}" for n in range(len(fields)))])
    sets = ", ".join(f"{column} = v.v{n}" for n, column in enumerate(columns))
    with connection.cursor() as cursor:
        for start in range(0, len(objs), UPDATE_ROWS):
            some = objs[start : start + UPDATE_ROWS]
            params: list[Any] = []
            for obj in some:
                params.append(obj.pk)
                params.extend(
                    f.get_db_prep_save(getattr(obj, f.attname), connection) for f in fields
                )
            cursor.execute(
                f"WITH v({names_sql}) AS (VALUES {', '.join([row] * len(some))}) "  # noqa: S608
                f"UPDATE {table} SET {sets} FROM v WHERE {table}.{pk} = v.id_",
                params,
            )
