"""The audit logs are tamper-evident: every row is chained to the one before it by its hash, and
`uv run mace verify_audit` finds a row altered, removed or slipped in directly in the database
and names the first broken link."""

from __future__ import annotations

import threading
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from mace.access.audit import export_record, security_event_record
from mace.access.chain import chain_existing, verify
from mace.access.choices import AccessChannel, ChangeType, SecurityAction
from mace.access.models import (
    CHAINED_LOGS,
    AccessEvent,
    AuditChain,
    ChangeEvent,
    ExportEvent,
    SecurityEvent,
)
from mace.access.services import child_read, children_listed
from mace.people.services import child_update
from tests.access.tamper import as_dba, triggers_off
from tests.factories import ChildFactory


def _verify_audit() -> str:
    out = StringIO()
    call_command("verify_audit", stdout=out)
    return out.getvalue()


# Change the database behind the platform's back, as someone with database access could.
_raw = as_dba


@pytest.fixture
def written(alice, child):  # type: ignore[no-untyped-def]
    """A few rows in every log, written the ordinary way."""
    for _ in range(3):
        child_read(user=alice, child_id=child.pk, channel=AccessChannel.PAGE, path="/x")
    children_listed(user=alice, children=ChildFactory.create_batch(3), channel="page")
    security_event_record(action=SecurityAction.SIGNED_IN, user=alice, detail="Fictional")
    export_record(
        user=alice, what="Fictional export", reason="A test", format="csv", row_count=1,
        child_ids=[child.pk], parameters={"year": 2026, "window": (1, 2)},
    )  # fmt: skip
    child_update(actor=alice, child=child, version=1, changes={"other_names": "Zeph"})
    return list(AccessEvent.objects.order_by("id"))


def test_each_row_is_chained_to_the_one_before_and_the_head_holds_the_newest(written):
    rows = written
    assert rows[0].prev_hash == ""
    for before, row in zip(rows, rows[1:], strict=False):
        assert row.prev_hash == before.hash and len(row.hash) == 64
    # One writer after another keeps to one chain (its own, free each time).
    assert {row.shard for row in rows} == {rows[0].shard}
    head = AuditChain.objects.get(log="access.accessevent", shard=rows[0].shard)
    assert head.last_hash == rows[-1].hash and head.length == len(rows) == 6


def test_verify_audit_finds_every_log_intact(written):
    output = _verify_audit()
    assert "Every audit log's chain is intact." in output
    for model in CHAINED_LOGS:
        assert model.objects.exists(), model
        rows = model.objects.count()
        assert f"{model.log_name()}: {rows:,} rows, chain intact (1 chain with rows; " in output


def test_verify_audit_names_a_row_altered_directly_in_the_database(written):
    victim = written[2]
    _raw("UPDATE access_accessevent SET detail = %s WHERE id = %s", "nothing to see", victim.pk)
    with pytest.raises(CommandError) as failure:
        _verify_audit()
    message = str(failure.value)
    assert f"access.accessevent log, chain {victim.shard}, row {victim.pk}:" in message
    assert "was altered after it was written" in message


def test_verify_audit_finds_a_reader_rubbed_out_of_the_log(written):
    victim = written[1]
    _raw("UPDATE access_accessevent SET user_id = NULL WHERE id = %s", victim.pk)
    result = verify(AccessEvent)
    assert result.broken is not None and result.broken.row_id == victim.pk


def test_verify_audit_finds_a_row_removed_from_the_middle(written):
    _raw("DELETE FROM access_accessevent WHERE id = %s", written[2].pk)
    broken = verify(AccessEvent).broken
    assert broken is not None and broken.row_id == written[3].pk
    assert "a row before it was removed or inserted" in broken.problem


def test_verify_audit_finds_rows_removed_from_the_end(written):
    _raw("DELETE FROM access_accessevent WHERE id >= %s", written[-2].pk)
    broken = verify(AccessEvent).broken
    assert broken is not None and broken.row_id is None
    assert "rows were removed from its end" in broken.problem
    with pytest.raises(CommandError, match=r"access.accessevent log, chain \d+, its head"):
        _verify_audit()


def test_verify_audit_finds_a_row_slipped_in_and_a_recomputed_hash(written):
    last = written[-1]
    # A forger who copies the last row's hash as their link but cannot update the head.
    _raw(
        "INSERT INTO access_accessevent (at, action, outcome, channel, path, request_id, "
        "detail, object_type, object_id, shard, prev_hash, hash) "
        "VALUES (%s, 'view', 'allowed', 'page', '', '', '', '', '', %s, %s, %s)",
        last.at,
        last.shard,
        last.hash,
        "f" * 64,
    )
    broken = verify(AccessEvent).broken
    assert broken is not None and broken.row_id is not None and broken.row_id > last.pk


def test_each_log_is_checked_on_its_own(written):
    security = SecurityEvent.objects.get()
    _raw("UPDATE access_securityevent SET detail = 'x' WHERE id = %s", security.pk)
    assert verify(AccessEvent).broken is None
    assert verify(ExportEvent).broken is None
    assert verify(SecurityEvent).broken is not None
    out = StringIO()
    call_command("verify_audit", "--log", "access.accessevent", stdout=out)
    assert "chain intact" in out.getvalue()


def test_a_change_is_logged_with_who_which_child_and_the_old_and_new_values(written, alice, child):
    change = ChangeEvent.objects.filter(model="people.Child", change_type=ChangeType.CHANGED).get()
    assert (change.user, change.child, change.object_id) == (alice, child, str(child.pk))
    assert change.changes["other_names"] == ["", "Zeph"]
    assert change.changes["version"] == [1, 2]


def test_json_content_keeps_its_hash_when_read_back(written):
    export = ExportEvent.objects.get()
    assert export.parameters == {"year": 2026, "window": [1, 2]}
    assert verify(ExportEvent).broken is None


def test_rows_written_before_the_chains_began_are_chained_oldest_first(alice, child):
    child_read(user=alice, child_id=child.pk)
    child_read(user=alice, child_id=child.pk)
    _raw("UPDATE access_accessevent SET prev_hash = '', hash = ''")
    _raw("DELETE FROM access_auditchain")
    assert verify(AccessEvent).broken is not None
    with triggers_off():  # as the migration that starts the chains did, before the triggers
        chain_existing(AccessEvent, AuditChain)
    assert verify(AccessEvent).broken is None
    assert AuditChain.objects.get(log="access.accessevent").length == 2


def test_writers_on_many_connections_keep_one_unbroken_chain(transactional_db):
    """Real concurrency needs real row locks: PostgreSQL only (SQLite admits one writer at a time,
    and its in-memory test database is shared by the threads)."""
    if connection.vendor != "postgresql":
        pytest.skip("real-threads race runs on PostgreSQL")
    threads, each = 6, 10
    barrier = threading.Barrier(threads)
    failures: list[BaseException] = []

    def write(n: int) -> None:
        try:
            barrier.wait()
            for i in range(each):
                security_event_record(action=SecurityAction.SIGN_IN_FAILED, username=f"t{n}-{i}")
        except BaseException as exc:  # reported below
            failures.append(exc)
        finally:
            connection.close()

    workers = [threading.Thread(target=write, args=(n,)) for n in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert not failures
    result = verify(SecurityEvent)
    assert result.broken is None and result.rows == threads * each
