"""Benchmark: the SSDA903 missing return for a year (what a children's social care manager
exports) and the eligibility refresh of every child, on whatever demo data set the database
holds (load one first: see docs/performance.md). Targets: under 10 s each at the large scale.

    DATABASE_URL=postgres://.../mace_large uv run python -m benchmarks.exports"""

from __future__ import annotations

import argparse
import os
import sys
import time


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mace.settings")
    import django

    django.setup()
    from mace.accounts.models import User
    from mace.core.models import DemoDataSet
    from mace.criteria.services import eligibility_refresh
    from mace.missing.returns import latest_complete_year, ssda903_missing

    loaded = DemoDataSet.objects.first()
    if loaded is None:
        print("No demo data set is loaded: run `uv run mace seed_demo --scale ...` first")
        return 1
    manager = User.objects.get(username="demo.manager")
    year = latest_complete_year()
    print(f"Data set: {loaded.scale} ({loaded.children:,} children)\n")
    for _ in range(args.repeat):
        started = time.perf_counter()
        result = ssda903_missing(user=manager, year=year)
        print(
            f"SSDA903 missing return {year}: {len(result.header):,} children, "
            f"{len(result.missing):,} episodes in {time.perf_counter() - started:.2f}s"
        )
    started = time.perf_counter()
    refreshed = eligibility_refresh()
    print(
        f"Eligibility refresh of every child: {refreshed.considered:,} considered in "
        f"{time.perf_counter() - started:.2f}s"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
