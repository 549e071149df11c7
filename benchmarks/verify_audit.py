"""Benchmark: `verify_audit` on a big access log, in a database of its own.

    uv run python -m benchmarks.verify_audit                       # 1,000,000 rows, SQLite file
    uv run python -m benchmarks.verify_audit --rows 200000 --new 5000
    DATABASE_URL=postgres://.../mace_bench_audit uv run python -m benchmarks.verify_audit

It writes `--rows` access events the way a bulk importer would (`append` in batches of 5,000, each
in its own transaction) into a fresh database (a temporary SQLite file unless DATABASE_URL names
one, which must be empty), then times: a full check in one process, a full check side by side
(`--jobs`, default the machine's cores; PostgreSQL only), and, after `--new` more rows, the check
from the checkpoints the full check recorded. It prints rows a second for each and what they come
to for 50 million rows. Times depend on the machine (and on what else it is running)."""

from __future__ import annotations

import argparse
import os
import resource
import sys
import tempfile
import time

FIFTY_MILLION = 50_000_000


def _write(rows: int, batch: int = 5000) -> float:
    from django.db import transaction
    from django.utils import timezone

    from mace.access import chain
    from mace.access.choices import AccessAction, AccessChannel, AccessOutcome
    from mace.access.models import AccessEvent

    started = time.perf_counter()
    now = timezone.now()
    written = 0
    while written < rows:
        size = min(batch, rows - written)
        events = [
            AccessEvent(
                at=now,
                action=AccessAction.VIEW,
                outcome=AccessOutcome.ALLOWED,
                channel=AccessChannel.PAGE,
                path=f"/children/{(written + i) % 9973}/",
                request_id=f"{written + i:036d}",
                detail="Synthetic benchmark row",
            )
            for i in range(size)
        ]
        with transaction.atomic():
            chain.append(events)
        written += size
    return time.perf_counter() - started


def _cpu() -> float:
    """CPU seconds of this process and of the check's worker processes so far."""
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + children.ru_utime + children.ru_stime


def _timed(label: str, rows: int, **options: object) -> tuple[float, int, float]:
    from mace.access.chain import verify_logs
    from mace.access.models import AccessEvent

    started, cpu = time.perf_counter(), _cpu()
    (result,) = verify_logs([AccessEvent], record=True, **options)  # type: ignore[arg-type]
    took, cpu = time.perf_counter() - started, _cpu() - cpu
    assert result.broken is None, result.broken
    assert result.rows == rows, (result.rows, rows)
    rate = result.checked / took if took else float("inf")
    print(f"{label:<40} {result.checked:>11,} {took:>9.2f} {rate:>11,.0f} {cpu:>9.2f}")
    return took, result.checked, cpu


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--new", type=int, default=10_000, help="rows written after the check")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument(
        "--existing", action="store_true", help="check the rows already there (a rerun)"
    )
    args = parser.parse_args(argv)

    workdir = tempfile.mkdtemp(prefix="mace-bench-audit-")
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{workdir}/bench.sqlite3")
    os.environ["MACE_VAR_DIR"] = workdir
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mace.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from mace.access.models import AccessEvent

    call_command("migrate", verbosity=0)
    if args.existing:
        args.rows = AccessEvent.objects.count()
        print(f"Checking the {args.rows:,} access events already there")
    elif AccessEvent.objects.exists():
        print("The database is not empty: give the benchmark one of its own.", file=sys.stderr)
        return 1
    else:
        took = _write(args.rows)
        print(f"Wrote {args.rows:,} access events in batches of 5,000 in {took:.1f}s "
              f"({args.rows / took:,.0f} rows/s) on {connection.vendor}\n")  # fmt: skip

    print(f"{'check':<40} {'rows read':>11} {'seconds':>9} {'rows/s':>11} {'cpu s':>9}")
    one, _, one_cpu = _timed("full, one process", args.rows, full=True, jobs=1)
    many = one
    if connection.vendor == "postgresql" and args.jobs > 1:
        many, _, _ = _timed(f"full, {args.jobs} processes", args.rows, full=True, jobs=args.jobs)
    _write(args.new)
    total = args.rows + args.new
    since, read, _ = _timed("from the checkpoints", total, jobs=args.jobs)
    idle, _, _ = _timed("from the checkpoints, nothing new", total, jobs=args.jobs)

    processes = args.jobs if many < one else 1
    per_cpu = args.rows / one_cpu if one_cpu else float("inf")
    print(
        f"\nFor {FIFTY_MILLION:,} rows at these rates: a full check "
        f"{FIFTY_MILLION / (args.rows / min(one, many)):,.0f}s with {processes} process(es) on "
        f"this machine as loaded now; {FIFTY_MILLION / per_cpu:,.0f} CPU seconds of checking "
        f"({per_cpu:,.0f} rows a CPU second, the database's own work aside), so "
        f"{FIFTY_MILLION / per_cpu / 8:,.0f}s on 8 free cores. From the checkpoints: "
        f"{since:.2f}s for {read:,} new rows ({idle:.2f}s with none), whatever the log's size."
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
