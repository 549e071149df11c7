"""The audit chains' outside anchor: each log's head (how many rows, the newest hash) copied to an
append-only file the database's administrators cannot write, and every later check held to it.

The hash chain alone cannot show a log deleted together with its head row, a tail cut off with
the head rewritten to match, or an older backup put back: each leaves a chain that holds. Against
a head saved outside the database each shows: the log has fewer rows than were saved, or the row
at the saved position is no longer the one saved.

The file has one JSON line per recording: `{"at": ..., "heads": [{"log", "count", "hash",
"shards": [{"shard", "count", "hash", "id"}, ...]}, ...]}`, the same line `uv run mace
verify_audit --print-head` prints, so either can be checked against with `verify_audit --expect
FILE` (its last line counts). Each log's `shards` are the heads of its chains (mace.access.chain):
how many rows, the newest hash and its row id; `count` and `hash` sum them up. Lines written
before the logs had shards carry no `shards`: their `count` and `hash` are the head of chain 0,
where every row written until then is."""

from __future__ import annotations

import datetime as dt
import json
import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from django.utils import timezone

from mace.access.chain import Break, ChainHead, Head, Saved, Verified, verify_logs
from mace.access.models import CHAINED_LOGS

__all__ = ["AnchorError", "Saved", "check", "head_line", "read_saved", "record"]


class AnchorError(Exception):
    """The saved heads could not be read: missing, empty where it should not be, or garbled."""


def head_line(heads: Iterable[Head], *, at: dt.datetime | None = None) -> str:
    """One recording: the time and every head, as one line of JSON."""
    return json.dumps(
        {
            "at": (at or timezone.now()).astimezone(dt.UTC).isoformat(timespec="seconds"),
            "heads": [head.as_json() for head in heads],
        },
        sort_keys=True,
        separators=(",", ":"),
    )


def _count_and_hash(entry: dict[str, Any]) -> tuple[int, str]:
    count, hash_ = entry["count"], entry["hash"]
    if not (isinstance(count, int) and isinstance(hash_, str)):
        raise TypeError(entry)
    if count < 0 or (count > 0) != bool(hash_):
        raise ValueError(entry)
    return count, hash_


def _parse(line: str, source: str) -> Saved:
    try:
        data = json.loads(line)
        heads = {}
        for entry in data["heads"]:
            log = entry["log"]
            if not isinstance(log, str):
                raise TypeError(entry)
            count, hash_ = _count_and_hash(entry)
            chains: tuple[ChainHead, ...]
            if "shards" not in entry:
                # Saved before the logs had shards: the head of chain 0.
                chains = (ChainHead(0, count, hash_),) if count else ()
            else:
                found = []
                for chain in entry["shards"]:
                    shard, row_id = chain["shard"], chain.get("id")
                    if not isinstance(shard, int) or not isinstance(row_id, int | None):
                        raise TypeError(chain)
                    found.append(ChainHead(shard, *_count_and_hash(chain), row_id))
                chains = tuple(found)
                if Head(log, chains).count != count:
                    raise ValueError(entry)
            heads[log] = Head(log, chains)
        return Saved(at=str(data.get("at", "an unknown time")), heads=heads, source=source)
    except (ValueError, TypeError, KeyError) as exc:
        raise AnchorError(
            f"The last line of {source} is not a saved audit head "
            '({"at": ..., "heads": [{"log": ..., "count": ..., "hash": ..., "shards": [...]}]}): '
            + repr(exc)
        ) from exc


def read_saved(path: Path) -> Saved | None:
    """The heads of the last line of the file; None when the file does not exist or is empty
    (nothing recorded yet)."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise AnchorError(f"Cannot read {path}: {exc}") from exc
    lines = [line for line in text.splitlines() if line.strip()]
    if not lines:
        return None
    return _parse(lines[-1], str(path))


def check(
    saved: Saved | None,
    *,
    logs: Iterable[str] | None = None,
    full: bool = False,
    jobs: int = 1,
    record: bool = True,
) -> tuple[list[Verified], list[Break]]:
    """Verify every log's chains (or the named logs'), each held to its saved head when there is
    one: from the last clean check's checkpoints, or from the first rows with `full`; with
    `record` (the default) a log found intact gets new checkpoints. A log the saved heads name
    that this database does not keep is a break too."""
    chosen = set(logs) if logs else None
    models = [m for m in CHAINED_LOGS if chosen is None or m.log_name() in chosen]
    results = verify_logs(models, saved=saved, full=full, jobs=jobs, record=record)
    breaks = [broken for result in results for broken in result.breaks]
    if saved is not None:
        known = {model.log_name() for model in CHAINED_LOGS}
        for name in sorted(set(saved.heads) - known):
            if chosen is None or name in chosen:
                breaks.append(
                    Break(name, None, "the saved heads name this log but the database has none")
                )
    return results, breaks


def record(path: Path, line: str) -> None:
    """Append one line and make sure it reached the disk before saying so. Append mode only:
    nothing already in the file is ever rewritten."""
    path.parent.mkdir(parents=True, exist_ok=True)
    created = not path.exists()
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o640)
    try:
        # One write of the whole line: concurrent appenders never interleave within a line.
        os.write(fd, (line + "\n").encode("utf-8"))
        os.fsync(fd)
    finally:
        os.close(fd)
    if created:
        # The new file's directory entry must survive a crash too.
        dir_fd = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)
