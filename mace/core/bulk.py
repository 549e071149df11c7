"""Writing many new rows at once: with COPY on PostgreSQL (psycopg 3's `cursor.copy()`), the
fastest way in, and with `bulk_create` anywhere else (SQLite). The demo loader writes its data
set with it (and its synthetic access events, from plain values: `insert_values`), the police
import its episodes and their chronology, and the audit logs their chained rows in bulk;
`update_rows` sets fields of many rows at once (the import, the MACE criteria's refresh).

COPY answers no ids, so on PostgreSQL the rows' ids are taken from their table's sequence first,
as `bulk_create` would have set them: the rows that point at these can be made afterwards in the
same way. Like `bulk_create`, this sends no signals and keeps no history; the callers keep the
services' invariants themselves.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

from django.db import connection, connections, models, router
from django.db.models.base import ModelState

# Fields whose Python values psycopg writes as they are: everything else (JSON, for one) goes
# through the field's own preparation for the database.
_PLAIN = {
    "AutoField",
    "BigAutoField",
    "BigIntegerField",
    "BooleanField",
    "CharField",
    "DateField",
    "DateTimeField",
    "EmailField",
    "ForeignKey",
    "IntegerField",
    "OneToOneField",
    "PositiveBigIntegerField",
    "PositiveIntegerField",
    "PositiveSmallIntegerField",
    "SlugField",
    "SmallAutoField",
    "SmallIntegerField",
    "TextField",
}


def new[M: models.Model](model: type[M], /, **values: Any) -> M:
    """An unsaved instance of `model`, as `model(**values)` makes it, but without its signals
    and checks: the demo makes millions of rows, and Model.__init__ was most of their cost.
    `values` are field names (a related object, or None) or attribute names (`child_id`)."""
    maker = _makers.get(model)
    if maker is None:
        maker = _makers[model] = _Maker(model)
    return maker.make(values)  # type: ignore[return-value]


class _Maker:
    def __init__(self, model: type[models.Model]) -> None:
        self.model = model
        self.fixed: dict[str, Any] = {}
        self.made: list[tuple[str, Callable[[], Any]]] = []
        self.related: dict[str, str] = {}
        for field in model._meta.concrete_fields:
            if field.is_relation:
                self.related[field.name] = field.attname
            if field.primary_key:
                self.fixed[field.attname] = None
            elif field.has_default() and callable(field.default):
                self.made.append((field.attname, field.get_default))
            else:
                self.fixed[field.attname] = field.get_default()

    def make(self, values: dict[str, Any]) -> models.Model:
        obj = self.model.__new__(self.model)
        state = obj._state = ModelState()
        attributes = obj.__dict__
        attributes.update(self.fixed)
        for made, make in self.made:
            attributes[made] = make()
        for name, value in values.items():
            related = self.related.get(name)
            if related is None or related == name:
                if name not in attributes:
                    raise TypeError(f"{self.model.__name__} has no field {name!r}")
                attributes[name] = value
            else:
                attributes[related] = None if value is None else value.pk
                state.fields_cache[name] = value
        return obj


_makers: dict[type[models.Model], _Maker] = {}

# Fewer rows than this go in with one INSERT (one round trip; COPY after the ids takes two): an
# audit log's few rows for a page, say.
COPY_FROM = 100


def insert(model: type[models.Model], objs: Sequence[models.Model]) -> None:
    """Save new instances of one model, setting their ids (in the order of `objs`). The plain
    insert, whatever the model's manager adds to `bulk_create` (an audit log's chaining)."""
    if not objs:
        return
    alias = router.db_for_write(model)
    connection = connections[alias]
    if connection.vendor != "postgresql" or len(objs) < COPY_FROM:
        plain: models.QuerySet[Any] = models.QuerySet(model, using=alias)
        plain.bulk_create(objs, batch_size=1000)
        return
    meta = model._meta
    pk = meta.pk
    assert pk is not None
    with connection.cursor() as cursor:
        if isinstance(pk, models.AutoField) and any(obj.pk is None for obj in objs):
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [meta.db_table, pk.column, len(objs)],
            )
            ids = sorted(row[0] for row in cursor.fetchall())
            for obj, pk_value in zip(objs, ids, strict=True):
                obj.pk = pk_value
        # Generated columns (a child's search_name) are the database's to fill: COPY refuses them.
        fields = [f for f in meta.concrete_fields if not f.generated]
        values = [_value_of(field, connection) for field in fields]
        columns = ", ".join(
            connection.ops.quote_name(f.attname if f.column is None else f.column) for f in fields
        )
        table = connection.ops.quote_name(meta.db_table)
        with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
            for obj in objs:
                copy.write_row([value(obj) for value in values])
    for obj in objs:
        obj._state.adding = False
        obj._state.db = alias


def _value_of(field: models.Field[Any, Any], connection: Any) -> Callable[[models.Model], Any]:
    attname = field.attname
    if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
        return lambda obj: field.pre_save(obj, True)
    if field.get_internal_type() in _PLAIN:
        return lambda obj: getattr(obj, attname)
    return lambda obj: field.get_db_prep_save(getattr(obj, attname), connection)


def insert_values(
    model: type[models.Model],
    columns: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    references_known: bool = False,
) -> None:
    """Save new rows of one model given as plain values of `columns` (attribute names), as the
    database stores them, their ids taken from the table's own sequence in the order of `rows`:
    COPY straight from the tuples on PostgreSQL, each row sent as it is made (no instances, for
    tens of millions of rows, and the database writes while the caller makes the next),
    `bulk_create` elsewhere. The caller does not get the ids.

    `references_known`: every foreign key in the rows is an id the caller has just read from
    the table it points at, in a load nothing else deletes from, so PostgreSQL's check of each
    reference (a locking read of the row it points at, per row and key: a third of the time of
    the demo's access events) can be left out, as pg_restore's --disable-triggers does: for
    this COPY only (`SET LOCAL session_replication_role = replica`, undone straight after, so
    nothing else in the transaction skips a trigger), inside the caller's transaction, and only
    for a superuser (who alone may). Anyone else's rows are checked as usual."""
    alias = router.db_for_write(model)
    connection = connections[alias]
    if connection.vendor != "postgresql":
        objs = [new(model, **dict(zip(columns, row, strict=True))) for row in rows]
        model._base_manager.using(alias).bulk_create(objs, batch_size=1000)
        return
    meta = model._meta
    column = {f.attname: f.attname if f.column is None else f.column for f in meta.concrete_fields}
    names = ", ".join(connection.ops.quote_name(column[name]) for name in columns)
    table = connection.ops.quote_name(meta.db_table)
    copying = f"COPY {table} ({names}) FROM STDIN"
    with connection.cursor() as cursor:
        unchecked = False
        if references_known and connection.in_atomic_block:
            cursor.execute("SELECT current_setting('is_superuser') = 'on'")
            unchecked = bool(cursor.fetchone()[0])
        if unchecked:
            cursor.execute("SET LOCAL session_replication_role = replica")
        with cursor.cursor.copy(copying) as copy:
            write = copy.write_row
            for row in rows:
                write(row)
        if unchecked:
            cursor.execute("SET LOCAL session_replication_role = origin")


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
