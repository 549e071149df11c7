"""Each audit log is several hash chains (shards), so its writers do not queue behind one head
row: a writer takes a chain nobody holds. `verify_audit` checks each chain from where the last
clean check ended (its checkpoint), or from the first row with `--full`, and reads the chains
side by side in processes of their own; anchors saved before the logs had shards still hold."""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
import threading
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction

from mace.access import chain
from mace.access.audit import security_event_record
from mace.access.chain import verify, verify_logs
from mace.access.choices import SecurityAction
from mace.access.models import (
    CHAINED_LOGS,
    AuditChain,
    AuditCheckpoint,
    ExportEvent,
    SecurityEvent,
)
from tests.access.tamper import as_dba


def _verify_audit(*args: str) -> str:
    out = StringIO()
    call_command("verify_audit", *args, stdout=out)
    return out.getvalue()


def _sign_ins(count: int, prefix: str = "u") -> list[SecurityEvent]:
    return [
        security_event_record(action=SecurityAction.SIGN_IN_FAILED, username=f"{prefix}{i}")
        for i in range(count)
    ]


def _imported(batches: int, size: int) -> list[SecurityEvent]:
    """A bulk importer's pattern: append a batch at a time, each in its own short transaction."""
    rows: list[SecurityEvent] = []
    for b in range(batches):
        batch = [
            SecurityEvent(action=SecurityAction.SIGN_IN_FAILED, username=f"import-{b}-{i}")
            for i in range(size)
        ]
        with transaction.atomic():
            chain.append(batch)
        rows += batch
    return rows


def _on_postgresql() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("real row locks and real processes: PostgreSQL only")


# --- writers do not queue -----------------------------------------------------------------------


def test_a_writer_holding_its_transaction_open_does_not_hold_up_another(transactional_db):
    _on_postgresql()
    holding, release, done = threading.Event(), threading.Event(), threading.Event()
    written: dict[str, SecurityEvent] = {}
    failures: list[BaseException] = []

    def long_transaction() -> None:
        try:
            with transaction.atomic():
                written["long"] = security_event_record(
                    action=SecurityAction.SIGN_IN_FAILED, username="importer"
                )
                holding.set()
                assert release.wait(timeout=60)
        except BaseException as exc:  # reported below
            failures.append(exc)
        finally:
            connection.close()

    def quick_write() -> None:
        try:
            written["quick"] = security_event_record(
                action=SecurityAction.SIGN_IN_FAILED, username="reader"
            )
            done.set()
        except BaseException as exc:  # reported below
            failures.append(exc)
        finally:
            connection.close()

    first = threading.Thread(target=long_transaction)
    first.start()
    assert holding.wait(timeout=30)
    second = threading.Thread(target=quick_write)
    second.start()
    try:
        # The second writer commits while the first still holds its chain's head.
        assert done.wait(timeout=20), "the second writer waited for the first"
    finally:
        release.set()
        first.join()
        second.join()
    assert not failures
    assert written["quick"].shard != written["long"].shard
    result = verify(SecurityEvent)
    assert result.broken is None and result.rows == 2 and len(result.current.chains) == 2


def test_with_one_chain_a_second_writer_waits_and_the_chain_stays_whole(transactional_db, settings):
    """Every chain held: the writer waits for its own, as every writer did before shards."""
    _on_postgresql()
    settings.MACE_AUDIT_SHARDS = 1
    holding, release, done = threading.Event(), threading.Event(), threading.Event()

    def long_transaction() -> None:
        try:
            with transaction.atomic():
                _sign_ins(1, "long")
                holding.set()
                release.wait(timeout=60)
        finally:
            connection.close()

    def quick_write() -> None:
        try:
            _sign_ins(1, "quick")
            done.set()
        finally:
            connection.close()

    first = threading.Thread(target=long_transaction)
    first.start()
    assert holding.wait(timeout=30)
    second = threading.Thread(target=quick_write)
    second.start()
    waited = not done.wait(timeout=2)
    release.set()
    first.join()
    second.join()
    assert waited and done.is_set()
    assert set(SecurityEvent.objects.values_list("shard", flat=True)) == {0}
    assert verify(SecurityEvent).broken is None


def test_a_bulk_import_in_short_transactions_keeps_one_chain_and_its_head(db):
    rows = _imported(batches=3, size=40)
    shard = rows[0].shard
    assert {row.shard for row in rows} == {shard}
    stored = list(SecurityEvent.objects.filter(shard=shard).order_by("id"))
    assert [row.prev_hash for row in stored[1:]] == [row.hash for row in stored[:-1]]
    head = AuditChain.objects.get(log="access.securityevent", shard=shard)
    assert (head.length, head.last_hash) == (120, stored[-1].hash)
    assert verify(SecurityEvent).broken is None


def test_rows_of_chain_0_keep_the_hash_they_had_before_the_logs_had_shards(db, settings):
    settings.MACE_AUDIT_SHARDS = 1
    first, second = _sign_ins(2)
    stored = SecurityEvent.objects.values().get(pk=second.pk)
    content = {
        k: (v.isoformat(timespec="microseconds") if k == "at" else v)
        for k, v in stored.items()
        if k not in {"id", "prev_hash", "hash", "shard"} and v not in (None, "")
    }
    before_shards = json.dumps(
        {"log": "access.securityevent", "prev": first.hash, "row": content},
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
    )
    assert second.hash == hashlib.sha256(before_shards.encode()).hexdigest()


def _hash_as_json_dumps_writes_it(event: object, prev: str, shard: int) -> str:
    """The hash's definition, spelt out with json.dumps (verify_audit writes the JSON itself)."""
    fields = [f for f in type(event)._meta.concrete_fields if f.name not in ("id", "prev_hash",
              "hash", "shard")]  # type: ignore[attr-defined]  # fmt: skip
    row = {}
    for f in fields:
        value = getattr(event, f.attname)
        if value in (None, "", [], {}):
            continue
        if isinstance(value, dt.datetime):
            value = value.astimezone(dt.UTC).isoformat(timespec="microseconds")
        row[f.attname] = value
    payload = {"log": type(event)._meta.label_lower, "prev": prev, "row": row}  # type: ignore[attr-defined]
    if shard:
        payload["shard"] = shard
    text = json.dumps(
        payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str
    )
    return hashlib.sha256(text.encode()).hexdigest()


@pytest.mark.parametrize("shard", [0, 7])
def test_the_hash_is_the_canonical_json_of_the_row(db, shard):
    at = dt.datetime(2026, 12, 7, 13, 14, 15, 123456, tzinfo=dt.timezone(dt.timedelta(hours=1)))
    events = [
        ExportEvent(
            at=at, user_id=3, what="Évaluation \"quoted\" \u2603 \n", reason="x" * 300,
            format="csv", row_count=0, child_ids=[1, 2, 3],
            parameters={"year": 2026, "b": [True, None, 1.5], "a": {"z": "é"}},
        ),
        SecurityEvent(at=at, action="signed_in", username="", ip_address="::1", detail="d"),
    ]  # fmt: skip
    for event in events:
        event.shard = shard
        assert chain.row_hash(event, "ab" * 32) == _hash_as_json_dumps_writes_it(
            event, "ab" * 32, shard
        )


# --- checking from the checkpoints ---------------------------------------------------------------


def test_a_clean_check_records_checkpoints_and_the_next_reads_only_what_is_new(db):
    rows = _sign_ins(5)
    assert (
        "access.securityevent: 5 rows, chain intact (1 chain with rows; 5 read from the first"
        in (_verify_audit())
    )
    checkpoint = AuditCheckpoint.objects.get(log="access.securityevent")
    assert (checkpoint.shard, checkpoint.row_id, checkpoint.hash, checkpoint.length) == (
        rows[-1].shard,
        rows[-1].pk,
        rows[-1].hash,
        5,
    )
    _sign_ins(2, "later")
    output = _verify_audit()
    assert (
        "access.securityevent: 7 rows, chain intact (1 chain with rows; 2 read since the last"
        in (output)
    )
    assert AuditCheckpoint.objects.get(log="access.securityevent").length == 7
    assert "; 7 read from the first row)" in _verify_audit("--full")


def test_the_check_from_the_checkpoint_finds_a_row_altered_after_it(db):
    _sign_ins(3)
    _verify_audit()
    later = _sign_ins(3, "later")
    as_dba("UPDATE access_securityevent SET username = 'x' WHERE id = %s", later[1].pk)
    with pytest.raises(CommandError) as failure:
        _verify_audit()
    assert f"access.securityevent log, chain {later[1].shard}, row {later[1].pk}:" in str(
        failure.value
    )
    assert "was altered after it was written" in str(failure.value)


@pytest.mark.parametrize("how", ["altered", "relinked", "removed"])
def test_the_check_finds_the_checkpointed_row_itself_changed(db, how):
    rows = _sign_ins(4)
    _verify_audit()
    later = _sign_ins(2, "later")
    last = rows[-1]
    statement = {
        "altered": "UPDATE access_securityevent SET username = 'x' WHERE id = %s",
        "relinked": "UPDATE access_securityevent SET hash = repeat('0', 64) WHERE id = %s",
        "removed": "DELETE FROM access_securityevent WHERE id = %s",
    }[how]
    as_dba(statement, last.pk)
    with pytest.raises(CommandError) as failure:
        _verify_audit()
    found = str(failure.value).splitlines()[1:]
    # The chain is read from its first row to say what does not hold...
    first = later[0] if how == "removed" else last
    problem = "its link to the row before it" if how == "removed" else "its content does not"
    assert found[0].startswith(f"access.securityevent log, chain {last.shard}, row {first.pk}: ")
    assert problem in found[0]
    # ...and that the last clean check's row is not as it was.
    assert found[1].startswith(
        f"access.securityevent log, chain {last.shard}, row {last.pk}: it is where the last clean "
        "check ended (row 4 of the chain"
    )
    assert AuditCheckpoint.objects.get(log="access.securityevent").row_id == last.pk


def test_only_the_full_check_finds_a_row_altered_before_the_checkpoint(db):
    rows = _sign_ins(5)
    _verify_audit()
    as_dba("UPDATE access_securityevent SET username = 'x' WHERE id = %s", rows[1].pk)
    # Its hash is untouched and the rows after it still link to it: from the checkpoint on,
    # nothing shows (docs/access-and-audit.md says so)...
    assert "Every audit log's chain is intact." in _verify_audit()
    # ...reading every row does.
    with pytest.raises(CommandError, match=f"row {rows[1].pk}: its content does not match"):
        _verify_audit("--full")


def test_the_checkpoints_are_written_only_after_a_clean_check(db):
    rows = _sign_ins(3)
    as_dba("UPDATE access_securityevent SET username = 'x' WHERE id = %s", rows[2].pk)
    with pytest.raises(CommandError):
        _verify_audit()
    assert not AuditCheckpoint.objects.filter(log="access.securityevent").exists()


# --- reading side by side -------------------------------------------------------------------------


def _written_in_several_chains() -> list[SecurityEvent]:
    """Rows in three chains: three writers hold their transactions open together, so each has
    a chain to itself; then each appends more in short batches."""
    together = threading.Barrier(3)
    failures: list[BaseException] = []

    def writer(n: int) -> None:
        try:
            with transaction.atomic():
                _sign_ins(5, f"w{n}-")
                together.wait(timeout=30)
            _imported(batches=3, size=20)
        except BaseException as exc:  # reported below
            failures.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not failures
    return list(SecurityEvent.objects.order_by("id"))


def _outcome(**options: object) -> list[tuple[str, int, object, list[str]]]:
    results = verify_logs(CHAINED_LOGS, full=True, **options)  # type: ignore[arg-type]
    return [(r.log, r.rows, r.current, [str(b) for b in r.breaks]) for r in results]


def test_reading_side_by_side_finds_what_reading_in_one_process_finds(transactional_db):
    _on_postgresql()
    rows = _written_in_several_chains()
    assert len({row.shard for row in rows}) == 3 and len(rows) == 195
    # Spans of 20 rows: each chain is read as several id ranges, joined by their links.
    side_by_side = _outcome(jobs=2, span_rows=20)
    assert side_by_side == _outcome(jobs=1)
    assert all(not breaks for *_, breaks in side_by_side)
    shards = sorted({row.shard for row in rows})
    in_chain = [row for row in rows if row.shard == shards[1]]
    as_dba("UPDATE access_securityevent SET detail = 'x' WHERE id = %s", in_chain[30].pk)
    as_dba("DELETE FROM access_securityevent WHERE id = %s", in_chain[50].pk)
    other = [row for row in rows if row.shard == shards[2]]
    as_dba("DELETE FROM access_securityevent WHERE id = %s", other[25].pk)
    side_by_side = _outcome(jobs=2, span_rows=20)
    assert side_by_side == _outcome(jobs=1)
    breaks = dict((log, found) for log, _, _, found in side_by_side)["access.securityevent"]
    assert breaks == [
        f"access.securityevent log, chain {shards[1]}, row {in_chain[30].pk}: "
        "its content does not match its hash: it was altered after it was written",
        f"access.securityevent log, chain {shards[2]}, row {other[26].pk}: "
        "its link to the row before it is broken: a row before it was removed or inserted, "
        "or this row's link was altered",
    ]
    # The command reads side by side too, and the parent's connection still works after.
    with pytest.raises(CommandError, match=f"row {in_chain[30].pk}"):
        _verify_audit("--full", "--jobs", "2")
    assert SecurityEvent.objects.count() == 193


# --- anchors -----------------------------------------------------------------------------------


def test_a_head_saved_before_the_logs_had_shards_still_holds_them(db, settings, tmp_path: Path):
    """Lines saved before shards carry one head per log: it is chain 0's, where every row
    written until then is."""
    settings.MACE_AUDIT_SHARDS = 1
    rows = _sign_ins(4)
    old = tmp_path / "old-anchor.jsonl"
    line = {
        "at": "2026-12-01T00:00:00+00:00",
        "heads": [{"log": "access.securityevent", "count": 3, "hash": rows[2].hash}],
    }
    old.write_text(json.dumps(line) + "\n")
    assert "Every log still holds" in _verify_audit("--expect", str(old))
    # An older copy put back and written on since: row 3 is another row.
    as_dba("DELETE FROM access_securityevent WHERE id >= %s", rows[2].pk)
    as_dba(
        "UPDATE access_auditchain SET last_hash = %s, length = 2 "
        "WHERE log = 'access.securityevent'",
        rows[1].hash,
    )
    AuditCheckpoint.objects.all().delete()
    _sign_ins(3, "since")
    with pytest.raises(CommandError, match="row 3 of the chain is not the row the saved head"):
        _verify_audit("--expect", str(old))


@pytest.mark.django_db
def test_rows_chained_from_plain_values_get_the_hashes_append_gives_them(alice, child):
    """`append_values` (the demo's bulk loader of access events) chains tuples into the chain
    it names, hashed by the chain's own hash: each row's hash is the one `append` gives a model
    instance with that content, the head moves on, and `append` then goes on from it."""
    from mace.access.models import AccessEvent
    from mace.core.bulk import insert_values as write

    insert_values = functools.partial(write, AccessEvent)
    columns = chain.content_columns(AccessEvent)
    at = dt.datetime(2025, 3, 1, 9, 30, 0, 123456, tzinfo=dt.UTC)
    made = {"at": at, "user_id": alice.pk, "child_id": child.pk, "action": "view"}
    made |= {"outcome": "allowed", "channel": "page", "path": f"/children/{child.pk}/"}
    rows = [tuple(made.get(c, "") if c != "at" else at + dt.timedelta(seconds=n) for c in columns)
            for n in range(3)]  # fmt: skip

    with transaction.atomic():
        assert chain.append_values(AccessEvent, rows, shard=5, insert=insert_values) == 3

    written = list(AccessEvent.objects.filter(shard=5).order_by("pk"))
    assert [e.at for e in written] == [
        at,
        at + dt.timedelta(seconds=1),
        at + dt.timedelta(seconds=2),
    ]
    prev = ""
    for event in written:
        assert (event.prev_hash, event.hash) == (prev, chain.row_hash(event, prev))
        prev = event.hash
    head = AuditChain.objects.get(log=AccessEvent.log_name(), shard=5)
    assert (head.length, head.last_hash) == (3, prev)
    with pytest.raises(ValueError, match="not 16"):
        chain.append_values(AccessEvent, rows, shard=16, insert=insert_values)
    chain.append([AccessEvent(user=alice, child=child, action="view", outcome="allowed")])
    assert verify(AccessEvent, full=True).broken is None
