"""Writing many new rows at once: with COPY on PostgreSQL (psycopg 3's `cursor.copy()`), the
fastest way in, and with `bulk_create` anywhere else (SQLite). The demo loader writes its data
set with it, the police import its episodes and their chronology, and the audit logs their
chained rows in bulk.

COPY answers no ids, so on PostgreSQL the rows' ids are taken from their table's sequence first,
as `bulk_create` would have set them: the rows that point at these can be made afterwards in the
same way. Like `bulk_create`, this sends no signals and keeps no history; the callers keep the
services' invariants themselves.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from django.db import connections, models, router
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
