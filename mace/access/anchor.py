"""The audit chains' outside anchor: each log's head (how many rows, the newest hash) copied to an
append-only file the database's administrators cannot write, and every later check held to it.

The hash chain alone cannot show a log deleted together with its head row, a tail cut off with
the head rewritten to match, or an older backup put back: each leaves a chain that holds. Against
a head saved outside the database each shows: the log has fewer rows than were saved, or the row
at the saved position is no longer the one saved.

The file has one JSON line per recording: `{"at": ..., "heads": [{"log", "count", "hash"}, ...]}`,
the same line `uv run mace verify_audit --print-head` prints, so either can be checked against
with `verify_audit --expect FILE` (its last line counts)."""

from __future__ import annotations

import datetime as dt
import json
import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from django.utils import timezone

from mace.access.chain import Break, Head, Verified, verify
from mace.access.models import CHAINED_LOGS


class AnchorError(Exception):
    """The saved heads could not be read: missing, empty where it should not be, or garbled."""


@dataclass(frozen=True)
class Saved:
    """The heads saved by one recording, and when."""

    at: str
    heads: dict[str, Head]
    source: str

    def describe(self) -> str:
        return f"the head saved in {self.source} at {self.at}"


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


def _parse(line: str, source: str) -> Saved:
    try:
        data = json.loads(line)
        heads = {}
        for entry in data["heads"]:
            log, count, hash_ = entry["log"], entry["count"], entry["hash"]
            if not (isinstance(log, str) and isinstance(count, int) and isinstance(hash_, str)):
                raise TypeError(entry)
            if count < 0 or (count > 0) != bool(hash_):
                raise ValueError(entry)
            heads[log] = Head(log, count, hash_)
        return Saved(at=str(data.get("at", "an unknown time")), heads=heads, source=source)
    except (ValueError, TypeError, KeyError) as exc:
        raise AnchorError(
            f"The last line of {source} is not a saved audit head "
            '({"at": ..., "heads": [{"log": ..., "count": ..., "hash": ...}]}): ' + repr(exc)
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
    saved: Saved | None, *, logs: Iterable[str] | None = None
) -> tuple[list[Verified], list[Break]]:
    """Verify every log's chain (or the named ones), each held to its saved head when there is
    one. A log the saved heads name that this database does not keep is a break too."""
    chosen = set(logs) if logs else None
    results, breaks = [], []
    for model in CHAINED_LOGS:
        name = model.log_name()
        if chosen is not None and name not in chosen:
            continue
        result = verify(model, expect=saved.heads.get(name) if saved else None)
        results.append(result)
        if result.broken is not None:
            breaks.append(result.broken)
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
