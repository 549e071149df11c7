"""The audit proves itself against an anchor outside the database: `verify_audit` prints each
log's head, `--print-head` prints only the heads, and `--expect FILE` and the hourly
`anchor_audit` sweep find what the chain alone cannot (a log deleted with its head row, a tail cut
off with its head rewritten, an older copy put back), the sweep telling the data protection
officers. On PostgreSQL the audit tables refuse UPDATE and DELETE themselves."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction

from mace.access.audit import export_record, security_event_record
from mace.access.chain import ChainHead, Head
from mace.access.choices import AccessChannel, SecurityAction
from mace.access.models import CHAINED_LOGS, AccessEvent, AuditChain, SecurityEvent
from mace.access.services import child_read
from mace.core.models import Notification
from tests.access.tamper import as_dba


def _run(*args: str) -> str:
    out = StringIO()
    call_command(*args, stdout=out, stderr=StringIO())
    return out.getvalue()


def _read(alice, child, times: int = 1) -> None:  # type: ignore[no-untyped-def]
    for _ in range(times):
        child_read(user=alice, child_id=child.pk, channel=AccessChannel.PAGE, path="/x")


@pytest.fixture
def written(alice, child):  # type: ignore[no-untyped-def]
    """Rows in every log, written the ordinary way."""
    _read(alice, child, 4)
    security_event_record(action=SecurityAction.SIGNED_IN, user=alice, detail="Fictional")
    export_record(
        user=alice, what="Fictional export", reason="A test", format="csv", row_count=1,
        child_ids=[child.pk],
    )  # fmt: skip
    return list(AccessEvent.objects.order_by("id"))


@pytest.fixture
def anchor(settings) -> Path:  # type: ignore[no-untyped-def]
    return Path(settings.MACE_AUDIT_ANCHOR_FILE)


def _saved_head(tmp_path: Path) -> Path:
    """`verify_audit --print-head` saved to a file, as an operator would."""
    path = tmp_path / "saved-head.json"
    path.write_text(_run("verify_audit", "--print-head"))
    return path


def _lines(path: Path) -> list[dict]:  # type: ignore[type-arg]
    return [json.loads(line) for line in path.read_text().splitlines()]


def _head(log: str) -> Head:
    """A log's head as its chains' head rows have it."""
    rows = AuditChain.objects.filter(log=log, length__gt=0).order_by("shard")
    return Head(log, tuple(ChainHead(h.shard, h.length, h.last_hash) for h in rows))


# --- the heads -----------------------------------------------------------------------------


def test_verify_audit_prints_each_logs_head(written):
    output = _run("verify_audit")
    for model in CHAINED_LOGS:
        head = _head(model.log_name())
        assert head.count == model.objects.count()
        n = len(head.chains)
        with_rows = f"{n} chain{'' if n == 1 else 's'} with rows"
        assert f"{model.log_name()}: {head.count:,} rows, chain intact ({with_rows}; " in output
        assert f"; head {head.hash or '-'}\n" in output


def test_print_head_prints_only_the_heads_as_one_line_of_json(written):
    output = _run("verify_audit", "--print-head")
    assert output.count("\n") == 1
    line = json.loads(output)
    assert line["at"]
    heads = {h["log"]: h for h in line["heads"]}
    assert set(heads) == {model.log_name() for model in CHAINED_LOGS}
    # Each log's chains that have rows: how many rows, the newest hash and its id.
    last = written[-1]
    assert heads["access.accessevent"]["shards"] == [
        {"shard": last.shard, "count": 4, "hash": last.hash, "id": last.pk}
    ]
    for log, saved in heads.items():
        head = _head(log)
        assert (saved["count"], saved["hash"]) == (head.count, head.hash)
        assert [(c["shard"], c["count"], c["hash"]) for c in saved["shards"]] == [
            (c.shard, c.count, c.hash) for c in head.chains
        ]


def test_print_head_prints_nothing_for_a_broken_chain(written):
    as_dba("UPDATE access_accessevent SET detail = 'x' WHERE id = %s", written[0].pk)
    out = StringIO()
    with pytest.raises(CommandError, match="no head printed"):
        call_command("verify_audit", "--print-head", stdout=out)
    assert out.getvalue() == ""


def test_expect_passes_while_the_logs_only_grow(written, alice, child, tmp_path):
    saved = _saved_head(tmp_path)
    _read(alice, child, 2)
    output = _run("verify_audit", "--expect", str(saved))
    assert "Every log still holds the head saved in" in output


def test_expect_refuses_a_file_that_is_not_a_saved_head(written, tmp_path):
    garbled = tmp_path / "garbled.json"
    garbled.write_text('{"heads": [{"log": "access.accessevent"}]}\n')
    with pytest.raises(CommandError, match="is not a saved audit head"):
        _run("verify_audit", "--expect", str(garbled))
    empty = tmp_path / "empty.json"
    empty.write_text("")
    with pytest.raises(CommandError, match="has no saved heads"):
        _run("verify_audit", "--expect", str(empty))


# --- the attacks the chain alone does not see -----------------------------------------------


def _delete_whole_log() -> None:
    as_dba("DELETE FROM access_exportevent")
    as_dba("DELETE FROM access_auditchain WHERE log = 'access.exportevent'")


def _cut_tail_and_rewrite_head(written) -> None:  # type: ignore[no-untyped-def]
    keep = written[-3]
    as_dba("DELETE FROM access_accessevent WHERE id > %s", keep.pk)
    as_dba(
        "UPDATE access_auditchain SET last_hash = %s, length = %s "
        "WHERE log = 'access.accessevent' AND shard = %s",
        keep.hash,
        len(written) - 2,
        keep.shard,
    )


ATTACKS = {
    "a log deleted with its head row": (
        lambda written: _delete_whole_log(),
        "access.exportevent log, its head: the whole log and its head are gone",
    ),
    "the tail cut off and the head rewritten": (
        _cut_tail_and_rewrite_head,
        "its head: it has 2 rows, fewer than the 4 of the saved head",
    ),
}


@pytest.mark.parametrize("attack", ATTACKS)
def test_verify_audit_expect_finds(attack, written, tmp_path):
    tamper, message = ATTACKS[attack]
    saved = _saved_head(tmp_path)
    tamper(written)
    # The chain alone holds (from its first row: the last check's checkpoints would notice).
    assert "Every audit log's chain is intact." in _run("verify_audit", "--full")
    with pytest.raises(CommandError) as failure:
        _run("verify_audit", "--expect", str(saved))
    assert message in str(failure.value)


def test_verify_audit_expect_finds_an_older_copy_written_on_since(written, alice, child, tmp_path):
    """An older copy put back and used since: the log is as long as saved again, but the row
    at the saved position is another one."""
    saved = _saved_head(tmp_path)
    _cut_tail_and_rewrite_head(written)
    _read(alice, child, 3)
    assert "Every audit log's chain is intact." in _run("verify_audit", "--full")
    with pytest.raises(CommandError) as failure:
        _run("verify_audit", "--expect", str(saved))
    message = str(failure.value)
    assert f"access.accessevent log, chain {written[-1].shard}, row {written[-1].pk}:" in message
    assert "row 4 of the chain is not the row the saved head recorded there" in message


def test_verify_audit_expect_finds_a_saved_log_the_database_does_not_have(written, tmp_path):
    saved = _saved_head(tmp_path)
    line = json.loads(saved.read_text())
    line["heads"].append({"log": "access.retiredevent", "count": 3, "hash": "a" * 64})
    saved.write_text(json.dumps(line) + "\n")
    with pytest.raises(CommandError, match="access.retiredevent log, its head: the saved heads"):
        _run("verify_audit", "--expect", str(saved))


def test_a_head_altered_without_its_rows_is_found(written):
    as_dba(
        "UPDATE access_auditchain SET length = 9 WHERE log = 'access.accessevent' AND shard = %s",
        written[0].shard,
    )
    with pytest.raises(CommandError, match="its head says 9 rows were written but the chain has 4"):
        _run("verify_audit")


# --- the hourly sweep -------------------------------------------------------------------------


def test_the_sweep_is_one_of_the_periodic_commands(settings):
    assert "anchor_audit" in settings.MACE_PERIODIC_COMMANDS


def test_the_sweep_appends_every_logs_head_each_run(written, alice, child, anchor):
    assert "Recorded the audit heads" in _run("anchor_audit")
    _read(alice, child)
    _run("anchor_audit")
    first, second = _lines(anchor)
    access = [next(h for h in line["heads"] if h["log"] == "access.accessevent") for line in
              (first, second)]  # fmt: skip
    assert [h["count"] for h in access] == [4, 5]
    assert access[1]["hash"] == _head("access.accessevent").hash
    assert {h["log"] for h in second["heads"]} == {m.log_name() for m in CHAINED_LOGS}
    # The saved file is itself something verify_audit --expect reads (its last line).
    assert "Every log still holds" in _run("verify_audit", "--expect", str(anchor))


@pytest.mark.parametrize("attack", ATTACKS)
def test_the_sweep_finds_tells_the_dpo_and_records_nothing(attack, written, anchor, dpo, alice):
    tamper, message = ATTACKS[attack]
    _run("anchor_audit")
    before = anchor.read_text()
    tamper(written)
    with pytest.raises(CommandError, match="the data protection officers were told"):
        _run("anchor_audit")
    assert anchor.read_text() == before  # nothing appended over the recorded head
    notice = Notification.objects.get(recipient=dpo, kind="audit_tampered")
    assert message[:120] in notice.message
    assert not Notification.objects.filter(recipient=alice).exists()
    event = SecurityEvent.objects.get(action=SecurityAction.AUDIT_TAMPERED)
    assert message[:120] in event.detail
    # Still failing next hour, but the officer is not told twice while the first is unread.
    with pytest.raises(CommandError):
        _run("anchor_audit")
    assert anchor.read_text() == before
    assert Notification.objects.filter(recipient=dpo, kind="audit_tampered").count() == 1


def test_the_sweep_finds_an_older_copy_written_on_since(written, alice, child, anchor, dpo):
    _run("anchor_audit")
    _cut_tail_and_rewrite_head(written)
    _read(alice, child, 3)
    with pytest.raises(CommandError, match="is not the row the saved head recorded there"):
        _run("anchor_audit")
    assert Notification.objects.filter(recipient=dpo, kind="audit_tampered").exists()


def test_the_sweep_alerts_on_an_anchor_file_it_cannot_read(written, anchor, dpo):
    anchor.write_text("not json\n")
    with pytest.raises(CommandError, match="is not a saved audit head"):
        _run("anchor_audit")
    assert anchor.read_text() == "not json\n"
    assert Notification.objects.filter(recipient=dpo, kind="audit_tampered").exists()


# --- the database itself refuses (PostgreSQL) ------------------------------------------------


@pytest.mark.parametrize("model", CHAINED_LOGS, ids=lambda model: model.log_name())
def test_the_audit_tables_refuse_update_and_delete_on_postgresql(model, written, alice):
    if connection.vendor != "postgresql":
        pytest.skip("the append-only triggers are PostgreSQL's (SQLite has no roles)")
    assert model.objects.exists()
    table = model._meta.db_table
    for statement in (f"UPDATE {table} SET request_id = 'x'", f"DELETE FROM {table}"):  # noqa: S608
        with (
            pytest.raises(DatabaseError, match="is append-only"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(statement)
    assert model.objects.exists()


def test_the_heads_refuse_delete_on_postgresql(written):
    if connection.vendor != "postgresql":
        pytest.skip("the append-only triggers are PostgreSQL's (SQLite has no roles)")
    with (
        pytest.raises(DatabaseError, match="is append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("DELETE FROM access_auditchain")
    assert AuditChain.objects.filter(log="access.accessevent").exists()
