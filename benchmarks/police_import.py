"""Benchmark: the police CSV import of missing episodes (mace.missing.imports) on a synthetic
file of N rows for the children a police practitioner works with in a loaded demo data set.

    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/mace_bench   # the data set loaded
    uv run python -m benchmarks.police_import                          # 100,000 rows
    uv run python -m benchmarks.police_import --rows 20000 --batch 2000
    env -u DATABASE_URL uv run python -m benchmarks.police_import  # county in a fresh SQLite

Load the data set first (`uv run mace seed_demo --scale county` into the database DATABASE_URL
names); with no DATABASE_URL it loads one into a temporary SQLite file. It writes the CSV to a
temporary file, then times, each on its own:

- the check alone (`--check`: read, match and check every row, write nothing);
- the import (the check again, then the batched write and the eligibility refresh);
- the same file again (every row already up to date: it must write nothing).

For each it reports the wall time; the time the application waited on the database ("db s":
every query as the driver runs it, including the driver's own work on the parameters, but not
the rows sent by COPY (mace.core.bulk), which Django does not see); on PostgreSQL the time the
server itself spent executing statements and committing ("server s", from
pg_stat_database.active_time, the database work), and, when the server runs on this machine,
the CPU time of its process ("cpu s", from /proc: the steadier figure when other work shares
the machine, since the active time also counts waiting for a CPU); the number of queries; and,
for the import, the rows written to each table. On a machine other work shares, every figure
but the CPU time grows with the load: compare runs side by side, or on a quiet machine. The new
episodes stay in the database (later runs place theirs in free time before them). The target:
100,000 rows in under 10 seconds of database work on PostgreSQL."""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import os
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any


@dataclass
class Timing:
    name: str
    wall: float = 0.0
    database: float = 0.0  # waiting on the driver: the server, the network and the driver's work
    server: float | None = None  # the server executing statements (PostgreSQL's count)
    cpu: float | None = None  # the CPU time of the server's process for this connection
    queries: int = 0

    def line(self) -> str:
        server = f"{self.server:>9.2f}" if self.server is not None else f"{'-':>9}"
        cpu = f"{self.cpu:>9.2f}" if self.cpu is not None else f"{'-':>9}"
        return (
            f"{self.name:<34} {self.wall:>9.2f} {self.database:>9.2f} {server} {cpu} "
            f"{self.queries:>8,}"
        )


def _server_active_seconds() -> float | None:
    """PostgreSQL's own count of the time its sessions on this database spent executing
    statements (pg_stat_database.active_time), read on a connection of its own; None on SQLite.
    The benchmark's connection is closed first, so that its time has been counted."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return None
    import psycopg

    connection.close()
    params = connection.get_connection_params()
    with psycopg.connect(**params) as other:
        row = other.execute(
            "SELECT active_time FROM pg_stat_database WHERE datname = current_database()"
        ).fetchone()
    return float(row[0]) / 1000 if row and row[0] is not None else None


def _server_cpu_seconds() -> float | None:
    """The CPU time (user and system) of the PostgreSQL process serving this connection so far,
    when the server runs on this machine (read from /proc); None otherwise. Unlike the active
    time, it does not grow while the process waits for a CPU other work is using."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        (pid,) = cursor.fetchone()
    try:
        with open(f"/proc/{pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@contextmanager
def timed(name: str) -> Iterator[Timing]:
    from django.db import connection

    timing = Timing(name)
    server_before = _server_active_seconds()  # closes the connection: the phase starts a new one
    cpu_before = _server_cpu_seconds()

    def clock(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            timing.database += time.perf_counter() - started
            timing.queries += 1

    started = time.perf_counter()
    with connection.execute_wrapper(clock):
        yield timing
    timing.wall = time.perf_counter() - started
    cpu_after = _server_cpu_seconds()
    if cpu_before is not None and cpu_after is not None:
        timing.cpu = cpu_after - cpu_before
    server_after = _server_active_seconds()
    if server_before is not None and server_after is not None:
        timing.server = server_after - server_before


def _importer() -> Any:
    from mace.accounts.choices import Role
    from mace.accounts.models import User
    from mace.reference.choices import AgencyType

    user = (
        User.objects.filter(
            agency__type=AgencyType.POLICE,
            role_assignments__role=Role.PRACTITIONER,
            is_active=True,
        )
        .order_by("pk")
        .first()
    )
    if user is None:
        raise SystemExit("No police practitioner: load a demo data set first (seed_demo).")
    return user


def write_csv(path: str, rows: int, user: Any, *, seed: int) -> int:
    """N rows of closed episodes for the children `user` works with, a day long each, placed in
    free time before each child's recorded episodes (after birth). Returns the children named."""
    import random

    from django.utils import timezone

    from mace.missing.imports import COLUMNS
    from mace.missing.models import MissingEpisode
    from mace.people.models import Child

    rng = random.Random(seed)
    children = list(
        Child.objects.visible_to(user)
        .filter(dob__isnull=False)
        .order_by("pk")
        .values_list("pk", "dob")
    )
    busy: dict[int, list[tuple[dt.datetime, dt.datetime]]] = defaultdict(list)
    for child_id, started, ended in MissingEpisode.objects.values_list(
        "child_id", "started_at", "ended_at"
    ):
        busy[child_id].append((started, ended or timezone.now()))
    now = timezone.now().replace(second=0, microsecond=0)
    stamp = f"{now:%Y%m%d%H%M}"
    earliest = dt.datetime(1990, 1, 2, tzinfo=dt.UTC)
    written = 0
    named: set[int] = set()
    cursors = {pk: now - dt.timedelta(days=3) for pk, _ in children}
    fmt = "%d/%m/%Y %H:%M"
    with open(path, "w", newline="", encoding="utf-8") as out:
        writer = csv.DictWriter(out, fieldnames=list(COLUMNS))
        writer.writeheader()
        while written < rows and children:
            for pk, dob in list(children):
                if written >= rows:
                    break
                assert dob is not None
                born = dt.datetime.combine(dob, dt.time(), tzinfo=dt.UTC) + dt.timedelta(days=2)
                start = cursors[pk]
                end = start + dt.timedelta(hours=20)
                # Step back past the child's recorded episodes.
                while any(s < end + dt.timedelta(hours=1) and e > start for s, e in busy[pk]):
                    start -= dt.timedelta(days=2)
                    end = start + dt.timedelta(hours=20)
                if start < max(born, earliest):
                    children.remove((pk, dob))
                    continue
                cursors[pk] = start - dt.timedelta(days=2)
                left = timezone.localtime(start - dt.timedelta(minutes=rng.randint(0, 90)))
                seen = timezone.localtime(start)
                ended = timezone.localtime(end)
                returned = rng.random() < 0.3
                writer.writerow(
                    {
                        "police_reference": f"BENCH/{stamp}/{written:07d}",
                        "child_identifier_type": "mace",
                        "child_identifier": f"MACE-{pk:07d}",
                        "type": "A" if rng.random() < 0.2 else "M",
                        "left_at": left.strftime(fmt),
                        "last_seen_at": seen.strftime(fmt),
                        "reported_at": timezone.localtime(start + dt.timedelta(hours=2)).strftime(
                            fmt
                        ),
                        "reported_by": rng.choice(
                            ["Mother", "Carer", "Residential home", "School"]
                        ),
                        "risk_grade": rng.choice(["low", "medium", "medium", "high"]),
                        "looked_after": rng.choice(["Y", "N", "N"]),
                        "ended_at": ended.strftime(fmt),
                        "end_reason": "returned" if returned else "found",
                        "found_where": "" if returned else "A fictional bus station",
                        "found_with": "" if returned else "Alone",
                    }
                )
                named.add(pk)
                written += 1
    if written < rows:
        raise SystemExit(f"Only room for {written:,} rows before the children's births.")
    return len(named)


def table_rows() -> dict[str, int]:
    from mace.access.models import AccessEvent, ChangeEvent
    from mace.criteria.models import Eligibility
    from mace.missing.models import MissingEpisode, RiskGrading
    from mace.people.models import AgencyInvolvement, ChronologyEntry

    models = (
        MissingEpisode,
        MissingEpisode.history.model,
        RiskGrading,
        ChronologyEntry,
        AgencyInvolvement,
        ChangeEvent,
        AccessEvent,
        Eligibility,
    )
    return {model.__name__: model._base_manager.count() for model in models}


def run(args: argparse.Namespace) -> int:
    from mace.access.choices import AccessChannel
    from mace.missing.imports import import_missing_csv

    user = _importer()
    workdir = tempfile.mkdtemp(prefix="mace-import-bench-")
    path = os.path.join(workdir, "extract.csv")
    started = time.perf_counter()
    children = write_csv(path, args.rows, user, seed=args.seed)
    size = os.path.getsize(path)
    print(
        f"Wrote {args.rows:,} rows for {children:,} children ({size / 1e6:.1f} MB) in "
        f"{time.perf_counter() - started:.1f}s; importing as {user.username}, batches of "
        f"{args.batch:,}\n"
    )

    def once(name: str, *, dry_run: bool) -> tuple[Timing, Any]:
        with open(path, "rb") as file, timed(name) as timing:
            report = import_missing_csv(
                actor=user,
                file=file,
                filename="extract.csv",
                channel=AccessChannel.COMMAND,
                path=path,
                dry_run=dry_run,
                batch_size=args.batch,
            )
        assert report.ok, (report.file_errors, report.rejected[:5], report.interrupted)
        return timing, report

    check, report = once("check only (--check)", dry_run=True)
    assert report.created == args.rows, report.summary()
    before = table_rows()
    full, report = once("import (check, write, refresh)", dry_run=False)
    after = table_rows()
    assert report.created == args.rows, report.summary()
    write = Timing(
        "  of which the write and refresh",
        wall=full.wall - check.wall,
        database=full.database - check.database,
        server=full.server - check.server
        if full.server is not None and check.server is not None
        else None,
        cpu=full.cpu - check.cpu if full.cpu is not None and check.cpu is not None else None,
        queries=full.queries - check.queries,
    )
    again, report = once("the same file again", dry_run=False)
    assert report.unchanged == args.rows and not report.written, report.summary()
    assert table_rows() == after, "the second import wrote rows"

    head = (
        f"{'measurement':<34} {'wall s':>9} {'db s':>9} {'server s':>9} {'cpu s':>9} {'queries':>8}"
    )
    print(head)
    print("-" * len(head))
    for timing in (check, full, write, again):
        print(timing.line())
    print("\nRows written by the import:")
    for name, count in after.items():
        print(f"  {name:<28} {count - before[name]:>+10,}")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--batch", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--scale", default="county", help="the data set to load when DATABASE_URL is not set"
    )
    args = parser.parse_args(argv)
    load = "DATABASE_URL" not in os.environ
    if load:
        workdir = tempfile.mkdtemp(prefix="mace-bench-")
        os.environ["DATABASE_URL"] = f"sqlite:///{workdir}/bench.sqlite3"
        os.environ["MACE_VAR_DIR"] = workdir
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mace.settings")
    import django

    django.setup()
    if load:
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
        started = time.perf_counter()
        call_command("seed_demo", scale=args.scale, seed=args.seed, verbosity=0)
        print(f"Loaded the {args.scale} data set in {time.perf_counter() - started:.1f}s")
    return run(args)


if __name__ == "__main__":
    sys.exit(main())
