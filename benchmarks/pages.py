"""Benchmark: the pages and API routes people use most, each timed beside the floor (a trivial
signed-in page, `/account/`) in one interleaved loop, so that the ratio says what the page itself
costs whatever the machine is doing. Server-side time through the whole middleware stack (the
test client in this process), on whatever demo data set the database holds.

    DATABASE_URL=postgres://.../mace_large uv run python -m benchmarks.pages      # a loaded DB
    uv run python -m benchmarks.pages --scale county        # loads county into a fresh SQLite file
    uv run python -m benchmarks.pages --repeat 50 --only child

Reports, for each: p50 and p95 in milliseconds, p50 as a multiple of the floor's p50, the
number of queries (which must not grow with the data) and the response's size. The targets
(docs/performance.md): p95 under 50 ms on PostgreSQL at the large scale; the child's page,
search and the MACE list within 5x of the floor at p50."""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from typing import Any


@dataclass
class Target:
    name: str
    username: str
    path: str
    params: dict[str, Any]


@dataclass
class Result:
    name: str
    p50: float
    p95: float
    ratio: float
    queries: int
    kilobytes: float

    def line(self) -> str:
        return (
            f"{self.name:<44} {self.p50:>8.1f} {self.p95:>8.1f} {self.ratio:>7.1f}x "
            f"{self.queries:>7} {self.kilobytes:>8.1f}"
        )


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def targets() -> list[Target]:
    """What to time: the heaviest child a practitioner sees, a name search, each role's home
    page, a MACE list, a meeting's pack, and the API's reads of the same."""
    from django.db.models import Count

    from mace.accounts.models import User
    from mace.meetings.models import Meeting
    from mace.people.models import Child, ChronologyEntry

    practitioner = User.objects.get(username="demo.practitioner")
    chair = User.objects.get(username="demo.chair.north")
    visible = Child.objects.visible_to(practitioner)
    heaviest = (
        ChronologyEntry.objects.filter(child__in=visible.values("pk"))
        .values("child_id")
        .annotate(n=Count("pk"))
        .order_by("-n")
        .first()
    )
    child_id = heaviest["child_id"] if heaviest else visible.values_list("pk", flat=True)[0]
    surname = Child.objects.get(pk=child_id).surname[:4]
    meeting = Meeting.objects.filter(quadrant__code="north").order_by("-starts_at").first()
    found = [
        Target(
            "child page (heaviest chronology)", practitioner.username, f"/children/{child_id}/", {}
        ),
        Target(
            "child page, chronology page 2",
            practitioner.username,
            f"/children/{child_id}/",
            {"page": 2},
        ),
        Target("search by name", practitioner.username, "/children/", {"q": surname}),
        Target("My work (practitioner)", practitioner.username, "/", {}),
        Target("My work (chair)", chair.username, "/", {}),
        Target("MACE list (North)", chair.username, "/mace/north/", {}),
        Target("API child list", practitioner.username, "/api/v1/children", {}),
        Target("API search by name", practitioner.username, "/api/v1/children", {"q": surname}),
        Target(
            "API chronology", practitioner.username, f"/api/v1/children/{child_id}/chronology", {}
        ),
        Target(
            "API MACE list (North)", chair.username, "/api/v1/mace/eligible", {"quadrant": "north"}
        ),
    ]
    if meeting is not None:
        found.append(Target("meeting page", chair.username, f"/meetings/{meeting.pk}/", {}))
    return found


def measure(*, repeat: int, only: str = "") -> list[Result]:
    from django.db import connection
    from django.test import Client

    from mace.accounts.models import User

    clients: dict[str, Client] = {}

    def client_for(username: str) -> Client:
        if username not in clients:
            clients[username] = Client()
            clients[username].force_login(User.objects.get(username=username))
        return clients[username]

    def timed(client: Client, path: str, params: dict[str, Any]) -> float:
        started = time.perf_counter()
        response = client.get(path, params)
        elapsed = (time.perf_counter() - started) * 1000
        assert response.status_code == 200, (path, response.status_code)
        return elapsed

    chosen = [t for t in targets() if only.lower() in t.name.lower()]
    queries: dict[str, int] = {}
    sizes: dict[str, float] = {}
    for target in chosen:
        counted: list[str] = []

        def count(  # type: ignore[no-untyped-def]
            execute, sql, params, many, context, counted: list[str] = counted
        ):
            counted.append(sql)
            return execute(sql, params, many, context)

        with connection.execute_wrapper(count):
            response = client_for(target.username).get(target.path, target.params)
        queries[target.name] = len(counted)
        sizes[target.name] = len(response.content) / 1024
    floor: list[float] = []
    times: dict[str, list[float]] = {t.name: [] for t in chosen}
    for _ in range(repeat):
        for target in chosen:
            client = client_for(target.username)
            floor.append(timed(client, "/account/", {}))
            times[target.name].append(timed(client, target.path, target.params))
    floor_p50 = statistics.median(floor)
    results = [Result("floor: /account/", floor_p50, _percentile(floor, 0.95), 1.0, 0, 0)]
    for target in chosen:
        p50 = statistics.median(times[target.name])
        results.append(
            Result(
                target.name,
                p50,
                _percentile(times[target.name], 0.95),
                p50 / floor_p50,
                queries[target.name],
                sizes[target.name],
            )
        )
    return results


def report(results: list[Result]) -> str:
    head = (
        f"{'page or route':<44} {'p50 ms':>8} {'p95 ms':>8} {'x floor':>8} {'queries':>7} {'KB':>8}"
    )
    return "\n".join([head, "-" * len(head), *(r.line() for r in results)])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--scale", default="county", help="load this scale into an empty DB")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--only", default="", help="only the pages whose name contains this")
    args = parser.parse_args(argv)

    workdir = tempfile.mkdtemp(prefix="mace-bench-")
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{workdir}/bench.sqlite3")
    os.environ["MACE_VAR_DIR"] = workdir
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mace.settings")
    os.environ.setdefault("MACE_RATE_LIMIT_API", "1000000")
    # Signed in by the benchmark itself: no second factor to type.
    os.environ["MACE_DEMO"] = "1"
    os.environ["MACE_DEMO_SKIP_TWO_FACTOR"] = "1"
    os.environ.setdefault("MACE_ALLOWED_HOSTS", "testserver")
    import django

    django.setup()
    from django.core.management import call_command

    from mace.core.models import DemoDataSet

    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)
    loaded = DemoDataSet.objects.first()
    if loaded is None:
        started = time.perf_counter()
        call_command("seed_demo", scale=args.scale, seed=args.seed, verbosity=0)
        print(f"Loaded the {args.scale} data set in {time.perf_counter() - started:.1f}s")
        loaded = DemoDataSet.objects.get()
    from django.db import connection

    print(
        f"Data set: {loaded.scale} (seed {loaded.seed}, {loaded.children:,} children) on "
        f"{connection.vendor}; {args.repeat} rounds\n"
    )
    print(report(measure(repeat=args.repeat, only=args.only)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
