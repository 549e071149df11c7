"""Hash chains over the audit logs, so a row altered, removed or slipped in behind the platform's
back is found (`uv run mace verify_audit`).

Each log is several chains, its shards (MACE_AUDIT_SHARDS, 16 by default), each with its head
row (`AuditChain`: the chain's newest hash and its length). Each row's `hash` is SHA-256 over its
log's name, its shard (when not 0), the previous row's hash in the same chain (`prev_hash`) and
the row's own content in a canonical JSON form. A writer locks the head of one chain while it
adds rows and holds it until its transaction ends; it takes a chain nobody holds (`SELECT ... FOR
UPDATE SKIP LOCKED`, starting from the one it used last), so writers of one log never queue
behind each other unless every chain of the log is held. Inside a chain rows are chained in the
order they were written, on any number of app servers and workers, and their ids follow the same
order because the id is taken inside the lock. Removing rows from the end of a chain shows as a
head that no longer matches the chain's last row.

**Appending.** `append(events)` chains and inserts rows of one log in order, in the caller's
transaction if there is one. Big batches are fine: a bulk importer calls `append` with a few
thousand rows at a time (5,000, say), each call in its own short transaction
(`with transaction.atomic(): append(batch)`), so it holds one chain for a moment at a time and
everybody else writes to the others meanwhile. An importer that keeps one long transaction
instead keeps the same chain for all of it (it always tries its own chain first), so it holds
one chain, never all of them. Each call costs one locking read of a head, the rows' hashes, the
insert (1,000 rows a statement) and one update of the head.

**Verifying.** `verify_logs` checks each chain from its checkpoint (`AuditCheckpoint`: the last
row a clean check ended at, its hash and position; the row must still have that hash and
content) or, with `full`, from its first row. A chain is streamed in id order as plain values
(no model instances) on its (shard, id) index, the canonical JSON of each row written out
directly; a long chain is split into id ranges, and the ranges of every chain are read by a pool
of processes, each with its own database connection (PostgreSQL; SQLite reads them in one
process). The ranges are joined by checking that each one's first link is the previous one's
last hash. A clean check records new checkpoints.

The chains prove the logs were not changed by anyone who cannot also recompute every later hash.
They cannot show a log deleted with its heads, a tail cut off with the head rewritten, or an
older copy put back: for those each head is copied outside the database (mace.access.anchor:
`verify_audit --print-head`, the hourly `anchor_audit`) and a check with `saved` heads holds the
log to them. On PostgreSQL the tables also refuse UPDATE and DELETE (migration access 0008)."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import multiprocessing
import secrets
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import nullcontext
from dataclasses import dataclass, field
from functools import cache
from json.encoder import encode_basestring as _json_str  # the C one, as json.dumps uses
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import OperationalError, connection, connections, models, transaction
from django.db.models import Case, F, When
from django.utils import timezone

if TYPE_CHECKING:
    from mace.access.models import AuditChain, AuditCheckpoint, ChainedEvent

# Fields that are the chain itself, not the row's content.
_CHAIN_FIELDS = frozenset({"id", "prev_hash", "hash", "shard"})
_EMPTY: tuple[Any, ...] = (None, "", [], {})
_ENCODER = json.JSONEncoder(
    sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str, check_circular=False
)


def _canonical(value: Any) -> Any:
    """A value as the hash sees it: the same whether it was just assigned or read back from
    SQLite or PostgreSQL."""
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None and value.utcoffset():
            value = value.astimezone(dt.UTC)
        return value.isoformat(timespec="microseconds")
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def content_fields(model: type[models.Model]) -> list[models.Field]:
    return [f for f in model._meta.concrete_fields if f.name not in _CHAIN_FIELDS]


@dataclass(frozen=True)
class _Layout:
    """What the hash of one log's rows reads, worked out once per model: the content columns
    (as positions in a row of values), in the order the canonical JSON sorts them, each with its
    JSON key and, for the date and time ones, how the hash writes them."""

    label: str
    attnames: tuple[str, ...]
    sorted_columns: tuple[tuple[int, str, Callable[[Any], Any] | None], ...]
    prefix: str


@cache
def _layout(model: type[models.Model]) -> _Layout:
    fields = content_fields(model)
    label = model._meta.label_lower
    return _Layout(
        label=label,
        attnames=tuple(f.attname for f in fields),
        sorted_columns=tuple(
            (
                i,
                _json_str(f.attname) + ":",
                _canonical if isinstance(f, models.DateField | models.TimeField) else None,
            )
            for i, f in sorted(enumerate(fields), key=lambda pair: pair[1].attname)
        ),
        prefix='{"log":' + _json_str(label) + ',"prev":',
    )


def _json_value(value: Any) -> str:
    """One value as json.dumps(..., ensure_ascii=False, default=str) writes it: strings and
    integers directly, anything else through the encoder."""
    kind = type(value)
    if kind is str:
        return _json_str(value)
    if kind is int:
        return int.__repr__(value)
    if kind is not bool and isinstance(value, str | int):
        return _json_str(value) if isinstance(value, str) else int.__repr__(value)
    return _ENCODER.encode(value)


def _hash_values(layout: _Layout, shard: int, prev_hash: str, values: Sequence[Any]) -> str:
    """SHA-256 of `{"log": ..., "prev": ..., "row": {...}, "shard": ...}` in canonical JSON
    (keys sorted, no spaces, not ASCII-escaped), written out directly: this runs for every row
    verify_audit reads. Empty values are left out of "row", so a field added to a log later
    (which must default to empty) leaves the hashes of the rows written before it valid; so is
    shard 0, so the rows written before the logs had shards keep theirs."""
    parts = []
    for i, key, canonical in layout.sorted_columns:
        value = values[i]
        # The cheap truth test first; the comparison with the empty values only for 0 and False.
        if value or value not in _EMPTY:
            parts.append(key + _json_value(canonical(value) if canonical is not None else value))
    text = layout.prefix + _json_str(prev_hash) + ',"row":{' + ",".join(parts) + "}"
    text += f',"shard":{int(shard)}}}' if shard else "}"
    return hashlib.sha256(text.encode()).hexdigest()


def row_hash(event: models.Model, prev_hash: str) -> str:
    layout = _layout(type(event))
    values = [getattr(event, name) for name in layout.attnames]
    return _hash_values(layout, getattr(event, "shard", 0), prev_hash, values)


def normalise_json(value: Any) -> Any:
    """JSON content as the database gives it back (tuples become lists, dates strings), so the
    hash of a row read back is the hash it was written with."""
    return json.loads(json.dumps(value, default=str))


# --- writing -----------------------------------------------------------------------------------

_preferred = threading.local()


def shard_count() -> int:
    return int(settings.MACE_AUDIT_SHARDS)


def _first_free_head(log: str, start: int, shards: int) -> AuditChain | None:
    """The head of the first chain nobody holds, trying `start` first and then the ones after
    it (wrapping round); None when every existing head is held."""
    from mace.access.models import AuditChain

    order = Case(
        When(shard__gte=start, then=F("shard") - start),
        default=F("shard") + shards - start,
        output_field=models.IntegerField(),
    )
    return (
        AuditChain.objects.select_for_update(skip_locked=True)
        .filter(log=log, shard__lt=shards)
        .order_by(order.asc())
        .first()
    )


def _create_heads(log: str, shards: int) -> None:
    """Create the heads a log does not have yet. On PostgreSQL on a connection of its own, in
    autocommit, so a head created by a writer whose transaction stays open is never one the
    others wait for. Should that connection have to wait (this transaction itself removed a
    head, which only a test does), they are created in this transaction instead. SQLite has one
    writer at a time anyway."""
    from mace.access.models import AuditChain

    have = set(AuditChain.objects.filter(log=log).values_list("shard", flat=True))
    missing = [shard for shard in range(shards) if shard not in have]
    if not missing:
        return
    if connection.vendor == "postgresql":
        side = connections.create_connection(connection.alias)
        try:
            with side.cursor() as cursor:
                cursor.execute("SET lock_timeout = '500ms'")
                cursor.executemany(
                    f"INSERT INTO {AuditChain._meta.db_table} (log, shard, last_hash, length) "  # noqa: S608
                    "VALUES (%s, %s, '', 0) ON CONFLICT DO NOTHING",
                    [(log, shard) for shard in missing],
                )
            return
        except OperationalError:
            pass
        finally:
            side.close()
    AuditChain.objects.bulk_create(
        [AuditChain(log=log, shard=shard) for shard in missing], ignore_conflicts=True
    )


def _locked_head(log: str) -> AuditChain:
    """Lock the head of a chain of the log that nobody else holds (the one this thread used last
    if it is free, else the next) and return it. Only when every one of the log's
    MACE_AUDIT_SHARDS chains is held does it wait, for its own."""
    from mace.access.models import AuditChain

    shards = shard_count()
    mine: dict[str, int] = _preferred.__dict__.setdefault("shards", {})
    # A thread starts at a chain of its own chance (not the global `random`, which a test or a
    # data generator may have seeded) and then keeps to the one it got.
    start = (mine[log] if log in mine else secrets.randbelow(shards)) % shards
    head = _first_free_head(log, start, shards)
    if head is None:
        # Every chain the log has is held, or it has none yet: a log gets its other chains (up
        # to MACE_AUDIT_SHARDS) the first time it needs them, so a log with one writer at a
        # time stays in one chain and costs one query a write.
        _create_heads(log, shards)
        head = _first_free_head(log, start, shards)
    if head is None:
        head = AuditChain.objects.select_for_update().get(log=log, shard=start)
    mine[log] = head.shard
    return head


def append(events: Sequence[ChainedEvent]) -> None:
    """Chain and insert rows of one log, in order. Runs in the caller's transaction if there is
    one (so the rows and the head commit or roll back together), else in its own. See the module
    docstring for big batches."""
    if not events:
        return
    model = type(events[0])
    fields = content_fields(model)
    layout = _layout(model)
    json_fields = [f for f in fields if isinstance(f, models.JSONField)]
    other_fields = [f for f in fields if not isinstance(f, models.JSONField)]
    with transaction.atomic(savepoint=False):
        head = _locked_head(model.log_name())
        prev = head.last_hash
        for event in events:
            # Hash what the database will give back (an IPv6 address compressed, JSON with
            # lists for tuples), so a row read back has the hash it was written with.
            for json_field in json_fields:
                value = normalise_json(getattr(event, json_field.attname))
                setattr(event, json_field.attname, value)
            for other in other_fields:
                value = getattr(event, other.attname)
                if value is not None:
                    setattr(event, other.attname, other.to_python(value))
            event.shard = head.shard
            event.prev_hash = prev
            event.hash = _hash_values(
                layout, head.shard, prev, [getattr(event, name) for name in layout.attnames]
            )
            prev = event.hash
        if len(events) == 1:
            events[0].insert()
        else:
            model.objects.bulk_insert(list(events))
        type(head).objects.filter(pk=head.pk).update(
            last_hash=prev, length=F("length") + len(events)
        )


def append_values(
    model: type[ChainedEvent],
    rows: Iterable[Sequence[Any]],
    *,
    shard: int,
    insert: Callable[[list[str], Iterator[tuple[Any, ...]]], None],
) -> int:
    """Chain rows of one log given as plain values, not model instances, onto the end of chain
    `shard`, for a bulk loader (the demo's synthetic access events): each row holds the log's
    content columns in `content_columns(model)` order, as the database gives them back (a
    datetime, an int for a foreign key, a str; nothing to normalise, unlike `append`).
    `insert(columns, rows)` must write every row it is given (COPY, say), their ids from the
    table's own sequence in row order, so the chain's order is its id order; the rows are hashed
    as it takes them, so a loader can hash while the database writes. Locks that chain's head
    (waiting if another writer holds it), hashes the rows as `append` does and moves the head
    on, in the caller's transaction if there is one (a batch a transaction keeps an interrupted
    load's chains whole), and answers how many rows were chained."""
    if not 0 <= shard < shard_count():
        raise ValueError(f"{model.log_name()} has chains 0 to {shard_count() - 1}, not {shard}")
    with transaction.atomic(savepoint=False):
        head = _head_for_update(model.log_name(), shard)
        layout = _layout(model)
        prev = head.last_hash
        count = 0

        def chained() -> Iterator[tuple[Any, ...]]:
            nonlocal prev, count
            for values in rows:
                hash_ = _hash_values(layout, shard, prev, values)
                yield (shard, prev, hash_, *values)
                prev = hash_
                count += 1

        insert(["shard", "prev_hash", "hash", *layout.attnames], chained())
        if count:
            type(head).objects.filter(pk=head.pk).update(last_hash=prev, length=F("length") + count)
    return count


def content_columns(model: type[models.Model]) -> tuple[str, ...]:
    """A log's content columns (attribute names), in the order `append_values` takes a row."""
    return _layout(model).attnames


def _head_for_update(log: str, shard: int) -> AuditChain:
    """The head of one given chain of a log, locked (made first if the log does not have it)."""
    from mace.access.models import AuditChain

    heads = AuditChain.objects.select_for_update().filter(log=log, shard=shard)
    head = heads.first()
    if head is None:
        _create_heads(log, shard_count())
        head = heads.get()
    return head


def chain_existing(model: type[models.Model], head_model: type[models.Model]) -> None:
    """Chain rows written before the logs were chained (for the migration that starts the
    chains): in id order, as if they had been written through append(), each in its shard's
    chain (all in one before the logs had shards)."""
    log = model._meta.label_lower
    sharded = any(f.name == "shard" for f in head_model._meta.fields)
    prevs: dict[int, str] = {}
    counts: dict[int, int] = {}
    last = 0
    while True:
        rows = list(model._base_manager.order_by("id").filter(id__gt=last)[:2000])
        if not rows:
            break
        for row in rows:
            shard = getattr(row, "shard", 0)
            prev = prevs.get(shard, "")
            row.prev_hash = prev  # type: ignore[attr-defined]
            row.hash = row_hash(row, prev)  # type: ignore[attr-defined]
            prevs[shard] = row.hash  # type: ignore[attr-defined]
            counts[shard] = counts.get(shard, 0) + 1
        models.QuerySet.bulk_update(model._base_manager.all(), rows, ["prev_hash", "hash"])
        last = rows[-1].pk
    for shard in sorted(prevs) or [0]:
        keys = {"log": log, "shard": shard} if sharded else {"log": log}
        head_model._base_manager.update_or_create(
            **keys, defaults={"last_hash": prevs.get(shard, ""), "length": counts.get(shard, 0)}
        )


# --- heads -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ChainHead:
    """Where one chain of a log stood: how many rows it had, the hash of the newest and its id
    (the id is absent from heads saved before the logs had shards)."""

    shard: int
    count: int
    hash: str
    row_id: int | None = None

    def as_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"shard": self.shard, "count": self.count, "hash": self.hash}
        if self.row_id is not None:
            data["id"] = self.row_id
        return data


@dataclass(frozen=True)
class Head:
    """Where a log stood: each of its chains' heads (those with rows). Copied outside the
    database (`verify_audit --print-head`, `anchor_audit`), it lets a later check see rows that
    were removed together with the heads, or an older copy of the database put back. `count` is
    the log's rows, `hash` one digest of every chain's head."""

    log: str
    chains: tuple[ChainHead, ...]

    @property
    def count(self) -> int:
        return sum(chain.count for chain in self.chains)

    @property
    def hash(self) -> str:
        if not self.chains:
            return ""
        text = json.dumps([[c.shard, c.count, c.hash] for c in self.chains], separators=(",", ":"))
        return hashlib.sha256(text.encode()).hexdigest()

    def chain(self, shard: int) -> ChainHead | None:
        return next((chain for chain in self.chains if chain.shard == shard), None)

    def as_json(self) -> dict[str, Any]:
        return {
            "log": self.log,
            "count": self.count,
            "hash": self.hash,
            "shards": [chain.as_json() for chain in self.chains],
        }


@dataclass
class Break:
    """The first place a log's chain does not hold."""

    log: str
    row_id: int | None
    problem: str
    shard: int | None = None

    def __str__(self) -> str:
        where = f"row {self.row_id}" if self.row_id is not None else "its head"
        chain = f", chain {self.shard}" if self.shard is not None else ""
        return f"{self.log} log{chain}, {where}: {self.problem}"


@dataclass
class Verified:
    """One log, checked: its rows, its chains' heads as found, how many rows this check read
    (the rest were checked before, up to the checkpoints) and the first break, if any."""

    log: str
    rows: int
    current: Head
    broken: Break | None
    checked: int = 0
    breaks: list[Break] = field(default_factory=list)
    resumed: bool = False  # whether any chain was checked from a checkpoint

    @property
    def head(self) -> str:
        return self.current.hash


# --- verifying ---------------------------------------------------------------------------------

ALTERED = "its content does not match its hash: it was altered after it was written"
RELINKED = (
    "its link to the row before it is broken: a row before it was removed or inserted, or this "
    "row's link was altered"
)

# Rows written while a chain is read are read too, up to this many times over, so a busy
# platform does not look like one whose newest rows were removed.
_CATCH_UP_ROUNDS = 5
# A chain with more rows than this to check is split into id ranges checked side by side.
SPAN_ROWS = 200_000


@dataclass(frozen=True)
class _Span:
    """One id range of one chain to read: ids in (after, upto], or to the end when upto is
    None."""

    label: str
    shard: int
    after: int
    upto: int | None
    batch: int


@dataclass
class _Walked:
    """What reading one span found: its first row's link (checked when the spans are joined),
    its last row, how many rows held, and the first row that did not."""

    span: _Span
    first_prev: str | None = None
    first_id: int | None = None
    last_id: int | None = None
    last_hash: str = ""
    rows: int = 0
    broken_id: int | None = None
    problem: str = ""


def _model(label: str) -> type[ChainedEvent]:
    from django.apps import apps

    return apps.get_model(label)


def _columns(model: type[models.Model]) -> list[str]:
    return ["id", "prev_hash", "hash", *_layout(model).attnames]


def _walk(span: _Span) -> _Walked:
    """Read one span of a chain in id order as plain values, streamed `batch` rows at a time
    through one query (a server-side cursor on PostgreSQL, inside a read-only transaction so it
    is not copied out first; SQLite, whose transactions take the write lock here, streams without
    one), checking each row's hash and its link to the row before it in the span. The span's
    first link is checked by whoever joins the spans."""
    model = _model(span.label)
    layout = _layout(model)
    rows = model.objects.filter(shard=span.shard, pk__gt=span.after)
    if span.upto is not None:
        rows = rows.filter(pk__lte=span.upto)
    found = _Walked(span)
    shard = span.shard
    prev: str | None = None
    count = 0
    streaming = transaction.atomic() if connection.vendor == "postgresql" else nullcontext()
    with streaming:
        for values in rows.order_by("pk").values_list(*_columns(model)).iterator(span.batch):
            row_id, prev_hash, hash_ = values[0], values[1], values[2]
            if prev is None:
                found.first_prev, found.first_id = prev_hash, row_id
            elif prev_hash != prev:
                found.broken_id, found.problem = row_id, RELINKED
                break
            if _hash_values(layout, shard, prev_hash, values[3:]) != hash_:
                found.broken_id, found.problem = row_id, ALTERED
                break
            prev = hash_
            count += 1
            found.last_id, found.last_hash = row_id, hash_
    found.rows = count
    return found


@dataclass
class _Chain:
    """One chain being checked: where it starts (its checkpoint, or the beginning) and its saved
    head, if any."""

    model: type[ChainedEvent]
    shard: int
    start: AuditCheckpoint | None
    saved: ChainHead | None
    expected_rows: int = 0  # for planning only: the head's length less the checkpoint's


@dataclass
class _ChainResult:
    shard: int
    rows: int
    last_id: int | None
    last_hash: str
    checked: int
    broken: Break | None


def _chains_with_rows(model: type[ChainedEvent]) -> set[int]:
    """Every shard that has rows, one index probe per shard (a loose index scan)."""
    found: set[int] = set()
    after = -1
    while True:
        shard = (
            model.objects.filter(shard__gt=after)
            .order_by("shard")
            .values_list("shard", flat=True)
            .first()
        )
        if shard is None:
            return found
        found.add(shard)
        after = shard


def _plan(chain: _Chain, *, batch: int, span_rows: int) -> list[_Span]:
    """The spans of a chain to read: one, or (when it has many rows to check and there are
    processes to share them) several id ranges of about equal width, the last open-ended."""
    after = chain.start.row_id if chain.start is not None else 0
    label = chain.model._meta.label_lower
    pieces = chain.expected_rows // span_rows if span_rows else 0
    if pieces < 2:
        return [_Span(label, chain.shard, after, None, batch)]
    top = (
        chain.model.objects.filter(shard=chain.shard)
        .order_by("-pk")
        .values_list("pk", flat=True)
        .first()
    )
    if top is None or top <= after:
        return [_Span(label, chain.shard, after, None, batch)]
    width = max(1, (top - after) // pieces)
    bounds = [after + width * i for i in range(pieces)] + [None]
    return [
        _Span(label, chain.shard, low, high, batch)
        for low, high in zip(bounds[:-1], bounds[1:], strict=True)
    ]


def _confirm_start(chain: _Chain) -> Break | None:
    """The checkpoint's row must still be in its chain, with the hash it had then and content
    that still matches it."""
    start = chain.start
    if start is None:
        return None
    log = chain.model.log_name()
    values = (
        chain.model.objects.filter(pk=start.row_id, shard=chain.shard)
        .values_list(*_columns(chain.model))
        .first()
    )
    layout = _layout(chain.model)
    if (
        values is None
        or values[2] != start.hash
        or _hash_values(layout, chain.shard, values[1], values[3:]) != start.hash
    ):
        problem = (
            f"it is where the last clean check ended (row {start.length:,} of the chain, "
            f"checked {start.at:%Y-%m-%d %H:%M}) but it was removed or altered since: the log "
            "was rewritten (check it all with verify_audit --full)"
        )
        return Break(log, start.row_id, problem, chain.shard)
    return None


def _saved_row_problem(chain: _Chain, rows: int, start_hash: str) -> str | None:
    """The saved head's row must still be in the chain, with the saved hash and content that
    still gives it: the chain's last row when it has exactly the saved rows, else the row with
    the saved id (found by its position for heads saved before the logs had shards). Found by id,
    not by reading the chain up to it, so a check from the checkpoints need not read old rows."""
    saved = chain.saved
    assert saved is not None
    if saved.count == rows:
        if start_hash == saved.hash:
            return None
        found_hash: str | None = start_hash
    else:
        rows_ = chain.model.objects.filter(shard=chain.shard)
        if saved.row_id is not None:
            values = rows_.filter(pk=saved.row_id).values_list(*_columns(chain.model)).first()
        else:
            # A head saved before the logs had shards: find its row by position.
            at = rows_.order_by("pk").values_list(*_columns(chain.model))
            values = next(iter(at[saved.count - 1 : saved.count]), None)
        found_hash = None
        if values is not None:
            layout = _layout(chain.model)
            if _hash_values(layout, chain.shard, values[1], values[3:]) == values[2]:
                found_hash = values[2]
        if found_hash == saved.hash:
            return None
    return (
        f"row {saved.count:,} of the chain is not the row the saved head recorded there "
        f"(hash {found_hash or '-'}, saved {saved.hash}): the log was rewritten from there on, "
        "or an older copy of the database was restored"
    )


def _join(chain: _Chain, walked: list[_Walked], batch: int) -> _ChainResult:
    """Put a chain's spans together in order, read what was written meanwhile, and hold the
    result to the chain's head and saved head."""
    from mace.access.models import AuditChain

    log = chain.model.log_name()
    shard = chain.shard
    start = chain.start
    prev = start.hash if start is not None else ""
    rows = start.length if start is not None else 0
    last_id = start.row_id if start is not None else None
    checked = 0

    def result(problem: str | None = None, row_id: int | None = None) -> _ChainResult:
        broken = Break(log, row_id, problem, shard) if problem else None
        return _ChainResult(shard, rows, last_id, prev, checked, broken)

    def take(piece: _Walked) -> _ChainResult | None:
        nonlocal prev, rows, last_id, checked
        if piece.first_id is not None and piece.first_prev != prev:
            return result(RELINKED, piece.first_id)
        rows += piece.rows
        checked += piece.rows
        if piece.rows:
            prev, last_id = piece.last_hash, piece.last_id
        if piece.broken_id is not None:
            return result(piece.problem, piece.broken_id)
        return None

    for piece in walked:
        if (stop := take(piece)) is not None:
            return stop
    stored = None
    for _ in range(_CATCH_UP_ROUNDS):
        # A row and its head commit together, so a head longer than what was read means rows
        # were added meanwhile (or the head was altered: checked below).
        stored = AuditChain.objects.filter(log=log, shard=shard).first()
        if stored is None or stored.length <= rows:
            break
        more = _walk(_Span(chain.model._meta.label_lower, shard, last_id or 0, None, batch))
        if (stop := take(more)) is not None:
            return stop
        if not more.rows:
            break
    head_hash = stored.last_hash if stored else ""
    if head_hash != prev:
        return result(
            "the newest row is not the one the chain last recorded: rows were removed from its end"
            if rows
            else "the chain is empty but its head says rows were written: they were removed"
        )
    if stored is not None and stored.length != rows:
        return result(
            f"its head says {stored.length:,} rows were written but the chain has {rows:,}: "
            "the head was altered"
        )
    saved = chain.saved
    if saved is not None and saved.count:
        if rows < saved.count:
            return result(
                f"it has {rows:,} rows, fewer than the {saved.count:,} of the saved head: "
                "rows were removed from its end (and its head rewritten), or an older copy of "
                "the database was restored"
            )
        problem = _saved_row_problem(chain, rows, prev if rows == saved.count else "")
        if problem is not None:
            return result(problem, saved.row_id)
    return result()


def _pool_usable(jobs: int, spans: int) -> bool:
    return (
        jobs > 1
        and spans > 1
        and connection.vendor == "postgresql"
        and not connection.in_atomic_block
    )


def _walk_all(spans: list[_Span], jobs: int) -> list[_Walked]:
    """Read every span: side by side in a pool of processes each with its own connection (the
    parent's are closed before it forks, so no child shares one), or one after another."""
    if not _pool_usable(jobs, len(spans)):
        return [_walk(span) for span in spans]
    connections.close_all()
    context = multiprocessing.get_context("fork")
    with context.Pool(min(jobs, len(spans))) as pool:
        return pool.map(_walk, spans, chunksize=1)


@dataclass(frozen=True)
class Saved:
    """The heads saved by one recording, and when."""

    at: str
    heads: dict[str, Head]
    source: str

    def describe(self) -> str:
        return f"the head saved in {self.source} at {self.at}"


def verify_logs(
    models_: Iterable[type[ChainedEvent]],
    *,
    saved: Saved | None = None,
    full: bool = False,
    jobs: int = 1,
    record: bool = False,
    batch: int = 5000,
    span_rows: int = SPAN_ROWS,
) -> list[Verified]:
    """Check the chains of the given logs from their checkpoints (from their first rows with
    `full`), each held to its saved head when there is one, and return what each log holds and
    where it first breaks. With `record`, every log found intact gets new checkpoints. With
    `jobs` > 1 on PostgreSQL, outside a transaction, a chain with more than `span_rows` rows to
    check is read as several id ranges, and every range by a pool of `jobs` processes."""
    from mace.access.models import AuditChain, AuditCheckpoint

    models_ = list(models_)
    plans: list[tuple[type[ChainedEvent], list[_Chain], list[Break]]] = []
    for model in models_:
        log = model.log_name()
        heads = {head.shard: head for head in AuditChain.objects.filter(log=log)}
        starts = {} if full else {cp.shard: cp for cp in AuditCheckpoint.objects.filter(log=log)}
        saved_head = saved.heads.get(log) if saved else None
        shards = set(heads) | set(starts) | _chains_with_rows(model)
        if saved_head is not None:
            shards |= {chain.shard for chain in saved_head.chains}
        chains, early = [], []
        for shard in sorted(shards):
            head = heads.get(shard)
            start = starts.get(shard)
            chain = _Chain(model, shard, start, saved_head.chain(shard) if saved_head else None)
            chain.expected_rows = (head.length if head else 0) - (start.length if start else 0)
            if (broken := _confirm_start(chain)) is not None:
                # Say so, and check this chain from its first row to say what else changed.
                early.append(broken)
                chain.start = None
                chain.expected_rows = head.length if head else 0
            chains.append(chain)
        plans.append((model, chains, early))

    everything = [chain for _, chains, _ in plans for chain in chains]
    span_rows = span_rows if _pool_usable(jobs, 2) else 0
    spans = {id(chain): _plan(chain, batch=batch, span_rows=span_rows) for chain in everything}
    size = {
        id(span): chain.expected_rows / len(spans[id(chain)])
        for chain in everything
        for span in spans[id(chain)]
    }
    # Biggest first, so the pool is not left waiting on one long chain at the end.
    order = sorted(
        (span for chain in everything for span in spans[id(chain)]),
        key=lambda span: -size[id(span)],
    )
    walked = dict(zip(map(id, order), _walk_all(order, jobs), strict=True))

    results = []
    for model, chains, early in plans:
        log = model.log_name()
        joined = [
            _join(chain, [walked[id(span)] for span in spans[id(chain)]], batch) for chain in chains
        ]
        breaks = [r.broken for r in joined if r.broken is not None] + early
        saved_head = saved.heads.get(log) if saved else None
        if (
            saved_head is not None
            and saved_head.count
            and all(r.rows == 0 for r in joined)
            and not AuditChain.objects.filter(log=log).exists()
        ):
            problem = (
                f"the whole log and its head are gone: the saved head recorded "
                f"{saved_head.count:,} rows"
            )
            breaks = [Break(log, None, problem)]
        breaks.sort(key=lambda b: b.shard if b.shard is not None else -1)
        current = Head(
            log,
            tuple(
                ChainHead(r.shard, r.rows, r.last_hash, r.last_id)
                for r in sorted(joined, key=lambda r: r.shard)
                if r.rows and r.broken is None
            ),
        )
        results.append(
            Verified(
                log,
                sum(r.rows for r in joined),
                current,
                breaks[0] if breaks else None,
                checked=sum(r.checked for r in joined),
                breaks=breaks,
                resumed=any(chain.start is not None for chain in chains),
            )
        )
        if record and not breaks:
            now = timezone.now()
            AuditCheckpoint.objects.bulk_create(
                [
                    AuditCheckpoint(
                        log=log,
                        shard=r.shard,
                        row_id=r.last_id,
                        hash=r.last_hash,
                        length=r.rows,
                        at=now,
                    )
                    for r in joined
                    if r.rows and r.last_id is not None
                ],
                update_conflicts=True,
                unique_fields=["log", "shard"],
                update_fields=["row_id", "hash", "length", "at"],
            )
    return results


def verify(
    model: type[ChainedEvent],
    *,
    batch: int = 5000,
    expect: Head | None = None,
    full: bool = False,
    jobs: int = 1,
) -> Verified:
    """Check one log (from its checkpoints, or its first rows with `full`) and return where it
    first breaks, if anywhere. With `expect` (a head saved outside the database earlier) every
    chain must still have at least the saved rows and the saved row at the saved position."""
    saved = Saved("", {expect.log: expect}, "") if expect is not None else None
    return verify_logs([model], saved=saved, full=full, jobs=jobs, batch=batch)[0]
