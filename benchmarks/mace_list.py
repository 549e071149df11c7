"""Benchmark: a quadrant's MACE list (the children who meet the MACE criteria) on the synthetic
county data set, through the service and through the API, and the nightly refresh.

    uv run python -m benchmarks.mace_list                  # county scale, a fresh SQLite file
    uv run python -m benchmarks.mace_list --scale tiny --repeat 5
    DATABASE_URL=postgres://... uv run python -m benchmarks.mace_list   # an empty PostgreSQL DB
    DATABASE_URL=postgres://... make bench SCALE=large   # 200,000 children (PostgreSQL: COPY)
    DATABASE_URL=postgres://.../mace_large uv run python -m benchmarks.mace_list   # a loaded DB

It loads the demo data into a database of its own (a temporary SQLite file unless DATABASE_URL
names one) unless the database holds a data set already, then reports the median and slowest
time of each measurement and its number of queries, which must not grow with the county. Times
depend on the machine; the query counts do not. The refresh it times is the nightly one on data
that has not changed since the last (after a first, untimed run that brings it up to date)."""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass


@dataclass
class Measurement:
    name: str
    median_ms: float
    slowest_ms: float
    queries: int
    rows: int

    def line(self) -> str:
        return (
            f"{self.name:<48} {self.median_ms:>9.1f} {self.slowest_ms:>9.1f} "
            f"{self.queries:>8} {self.rows:>7}"
        )


def _timed(name: str, repeat: int, run: Callable[[], int]) -> Measurement:
    from django.db import connection

    queries: list[str] = []

    def count(execute, sql, params, many, context):  # type: ignore[no-untyped-def]
        queries.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        rows = run()
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        run()
        times.append((time.perf_counter() - started) * 1000)
    return Measurement(name, statistics.median(times), max(times), len(queries), rows)


def measure(*, repeat: int) -> list[Measurement]:
    """Time the MACE lists of every quadrant on whatever data the database holds."""
    from django.test import Client

    from mace.accounts.choices import Role
    from mace.accounts.models import User
    from mace.accounts.services import api_token_issue
    from mace.criteria.selectors import quadrant_list
    from mace.criteria.services import eligibility_refresh
    from mace.reference.models import Quadrant

    results = [
        _timed(
            "refresh every child's eligibility",
            max(1, repeat // 5),
            lambda: eligibility_refresh().considered,
        )
    ]
    for quadrant in Quadrant.objects.order_by("name"):

        def page(quadrant: Quadrant = quadrant) -> int:
            rows = quadrant_list(quadrant)
            return len(list(rows[:50])) + 0 * rows.count()

        results.append(_timed(f"{quadrant.name}: first page (service)", repeat, page))
        coordinator = (
            User.objects.filter(quadrant=quadrant, role_assignments__role=Role.MACE_COORDINATOR)
            .order_by("pk")
            .first()
        )
        if coordinator is None:
            continue
        raw, _ = api_token_issue(user=coordinator)
        client = Client(headers={"Authorization": f"Bearer {raw}"})

        def api(quadrant: Quadrant = quadrant, client: Client = client) -> int:
            response = client.get("/api/v1/mace/eligible", {"quadrant": quadrant.code})
            assert response.status_code == 200, response.content
            return int(response.json()["count"])

        results.append(_timed(f"{quadrant.name}: GET /api/v1/mace/eligible", repeat, api))
    return results


def report(results: list[Measurement]) -> str:
    head = f"{'measurement':<48} {'median ms':>9} {'slowest':>9} {'queries':>8} {'rows':>7}"
    return "\n".join([head, "-" * len(head), *(r.line() for r in results)])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    # The scales of mace.demo.plan.SCALES (not importable before django.setup()).
    scales = ["tiny", "county", "large", "national"]
    parser.add_argument("--scale", default="county", choices=scales)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args(argv)

    workdir = tempfile.mkdtemp(prefix="mace-bench-")
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{workdir}/bench.sqlite3")
    os.environ["MACE_VAR_DIR"] = workdir
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mace.settings")
    # The API's rate limit would count the benchmark's own requests.
    os.environ.setdefault("MACE_RATE_LIMIT_API", "1000000")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)
    from mace.core.models import DemoDataSet

    loaded = DemoDataSet.objects.first()
    if loaded is None:
        started = time.perf_counter()
        call_command("seed_demo", scale=args.scale, seed=args.seed, verbosity=0)
        print(f"Loaded the {args.scale} data set in {time.perf_counter() - started:.1f}s")
        loaded = DemoDataSet.objects.get()
    print(f"Data set: {loaded.scale} (seed {loaded.seed}, {loaded.children:,} children)")
    from mace.criteria.models import Eligibility

    print(f"{Eligibility.objects.count():,} children meet the MACE criteria\n")
    print(report(measure(repeat=args.repeat)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
