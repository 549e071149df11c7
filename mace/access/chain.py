"""Hash chains over the audit logs, so a row altered, removed or slipped in behind the platform's
back is found (`uv run mace verify_audit`).

Each row's `hash` is SHA-256 over its log's name, the previous row's hash (`prev_hash`) and the
row's own content in a canonical JSON form. A log's newest hash is kept in its `AuditChain` head
row, which every writer locks while it adds rows: rows are chained in the order they were
written, on any number of app servers and workers, and their ids follow the same order because
the id is taken inside the lock. Removing rows from the end shows as a head that no longer
matches the last row.

The chain proves the logs were not changed by anyone who cannot also recompute every later hash.
It cannot show a log deleted with its head row, a tail cut off with the head rewritten, or an
older copy put back: for those each head is copied outside the database (mace.access.anchor:
`verify_audit --print-head`, the hourly `anchor_audit`) and `verify(expect=...)` holds the log to
it. On PostgreSQL the tables also refuse UPDATE and DELETE (migration access 0008)."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db import models, transaction
from django.db.models import F

if TYPE_CHECKING:
    from mace.access.models import AuditChain, ChainedEvent

# Fields that are the chain itself, not the row's content.
_CHAIN_FIELDS = frozenset({"id", "prev_hash", "hash"})
_EMPTY: tuple[Any, ...] = (None, "", [], {})


def _canonical(value: Any) -> Any:
    """A value as the hash sees it: the same whether it was just assigned or read back from
    SQLite or PostgreSQL."""
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(dt.UTC)
        return value.isoformat(timespec="microseconds")
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def content_fields(model: type[models.Model]) -> list[models.Field]:
    return [f for f in model._meta.concrete_fields if f.name not in _CHAIN_FIELDS]


def row_hash(event: models.Model, prev_hash: str) -> str:
    model = type(event)
    # Empty values are left out, so a field added to a log later (which must default to empty)
    # leaves the hashes of the rows written before it valid.
    content = {
        f.attname: _canonical(value)
        for f in content_fields(model)
        if (value := getattr(event, f.attname)) not in _EMPTY
    }
    payload = json.dumps(
        {"log": model._meta.label_lower, "prev": prev_hash, "row": content},
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
        default=str,
    )
    return hashlib.sha256(payload.encode()).hexdigest()


def normalise_json(value: Any) -> Any:
    """JSON content as the database gives it back (tuples become lists, dates strings), so the
    hash of a row read back is the hash it was written with."""
    return json.loads(json.dumps(value, default=str))


def _locked_head(log: str) -> AuditChain:
    from mace.access.models import AuditChain

    head, _ = AuditChain.objects.select_for_update().get_or_create(log=log)
    return head


def append(events: Sequence[ChainedEvent]) -> None:
    """Chain and insert rows of one log, in order. Runs in the caller's transaction if there is
    one (so the rows and the head commit or roll back together), else in its own."""
    if not events:
        return
    model = type(events[0])
    fields = content_fields(model)
    with transaction.atomic(savepoint=False):
        head = _locked_head(model.log_name())
        prev = head.last_hash
        for event in events:
            for field in fields:
                # Hash what the database will give back (an IPv6 address compressed, JSON with
                # lists for tuples), so a row read back has the hash it was written with.
                value = getattr(event, field.attname)
                if isinstance(field, models.JSONField):
                    setattr(event, field.attname, normalise_json(value))
                elif value is not None:
                    setattr(event, field.attname, field.to_python(value))
            event.prev_hash = prev
            event.hash = row_hash(event, prev)
            prev = event.hash
        if len(events) == 1:
            events[0].insert()
        else:
            model.objects.bulk_insert(list(events))
        type(head).objects.filter(pk=head.pk).update(
            last_hash=prev, length=F("length") + len(events)
        )


def chain_existing(model: type[models.Model], head_model: type[models.Model]) -> None:
    """Chain rows written before the logs were chained (for the migration that starts the
    chains): in id order, as if they had been written through append()."""
    prev = ""
    count = 0
    last = 0
    while True:
        rows = list(model._base_manager.order_by("id").filter(id__gt=last)[:2000])
        if not rows:
            break
        for row in rows:
            row.prev_hash = prev  # type: ignore[attr-defined]
            row.hash = row_hash(row, prev)  # type: ignore[attr-defined]
            prev = row.hash  # type: ignore[attr-defined]
        models.QuerySet.bulk_update(model._base_manager.all(), rows, ["prev_hash", "hash"])
        count += len(rows)
        last = rows[-1].pk
    head_model._base_manager.update_or_create(
        log=model._meta.label_lower, defaults={"last_hash": prev, "length": count}
    )


@dataclass(frozen=True)
class Head:
    """Where a log stood: how many rows it had and the hash of the newest. Copied outside the
    database (`verify_audit --print-head`, `anchor_audit`), it lets a later check see rows that
    were removed together with the head, or an older copy of the database put back."""

    log: str
    count: int
    hash: str

    def as_json(self) -> dict[str, Any]:
        return {"log": self.log, "count": self.count, "hash": self.hash}


@dataclass
class Break:
    """The first place a log's chain does not hold."""

    log: str
    row_id: int | None
    problem: str

    def __str__(self) -> str:
        where = f"row {self.row_id}" if self.row_id is not None else "its head"
        return f"{self.log} log, {where}: {self.problem}"


@dataclass
class Verified:
    log: str
    rows: int
    head: str
    broken: Break | None

    @property
    def current(self) -> Head:
        return Head(self.log, self.rows, self.head)


def _rows(model: type[ChainedEvent], batch: int, after: int) -> Iterator[ChainedEvent]:
    """Every row after id `after` in id order, in batches by id (a server-side cursor would also
    do, but not on every backend inside a transaction)."""
    last = after
    while True:
        chunk = list(model.objects.order_by("pk").filter(pk__gt=last)[:batch])
        if not chunk:
            return
        yield from chunk
        last = chunk[-1].pk


# Rows written while a log is read are read too, up to this many times over, so a busy platform
# does not look like one whose newest rows were removed.
_CATCH_UP_ROUNDS = 5


def verify(model: type[ChainedEvent], *, batch: int = 5000, expect: Head | None = None) -> Verified:
    """Walk one log from its first row and return where its chain first breaks, if anywhere.
    With `expect` (a head saved outside the database earlier) the log must still have at least
    that many rows and the row at that position must still have that hash."""
    from mace.access.models import AuditChain

    log = model.log_name()
    prev = ""
    count = 0
    last_pk = 0
    stored: AuditChain | None = None
    for _ in range(_CATCH_UP_ROUNDS):
        before = count
        for row in _rows(model, batch, last_pk):
            count += 1
            if row.prev_hash != prev:
                problem = (
                    "its link to the row before it is broken: a row before it was removed or "
                    "inserted, or this row's link was altered"
                )
                return Verified(log, count, prev, Break(log, row.pk, problem))
            if row_hash(row, row.prev_hash) != row.hash:
                problem = "its content does not match its hash: it was altered after it was written"
                return Verified(log, count, prev, Break(log, row.pk, problem))
            if expect is not None and count == expect.count and row.hash != expect.hash:
                problem = (
                    f"it is row {count:,} of the log but not the row the saved head recorded "
                    f"there (hash {row.hash}, saved {expect.hash}): the log was rewritten from "
                    "there on, or an older copy of the database was restored"
                )
                return Verified(log, count, prev, Break(log, row.pk, problem))
            prev = row.hash
            last_pk = row.pk
        # A row and its head commit together, so a head longer than what was read means rows
        # were added meanwhile (or the head was altered: checked below).
        stored = AuditChain.objects.filter(log=log).first()
        if stored is None or stored.length <= count or count == before:
            break
    head_hash = stored.last_hash if stored else ""
    if head_hash != prev:
        problem = (
            "the newest row is not the one the log last recorded: rows were removed from its end"
            if count
            else "the log is empty but its head says rows were written: they were removed"
        )
        return Verified(log, count, prev, Break(log, None, problem))
    if stored is not None and stored.length != count:
        problem = (
            f"its head says {stored.length:,} rows were written but the log has {count:,}: "
            "the head was altered"
        )
        return Verified(log, count, prev, Break(log, None, problem))
    if expect is not None and count < expect.count:
        if count == 0 and stored is None:
            problem = (
                f"the whole log and its head are gone: the saved head recorded "
                f"{expect.count:,} rows"
            )
        else:
            problem = (
                f"it has {count:,} rows, fewer than the {expect.count:,} of the saved head: "
                "rows were removed from its end (and its head rewritten), or an older copy of "
                "the database was restored"
            )
        return Verified(log, count, prev, Break(log, None, problem))
    return Verified(log, count, prev, None)
