"""The MACE list benchmark (benchmarks/mace_list.py) runs, and what it measures keeps a fixed
number of queries: the county's timing is the benchmark's to report, not a test's."""

from __future__ import annotations

from django.core.management import call_command

from benchmarks.mace_list import measure, report
from mace.criteria.models import Eligibility


def test_the_benchmark_measures_every_quadrants_list_in_a_fixed_number_of_queries(db, settings):
    settings.MACE_RATE_LIMIT_API = 1_000_000
    call_command("seed_demo", scale="tiny", seed=1, verbosity=0)
    results = measure(repeat=1)
    names = [r.name for r in results]
    assert names[0] == "refresh every child's eligibility"
    assert {"Mid", "North", "South", "West"} == {n.split(":")[0] for n in names[1:]}
    service = [r for r in results if r.name.endswith("(service)")]
    assert all(r.queries == 2 for r in service)  # the page and its count
    listed = sum(r.rows for r in service)
    assert listed == Eligibility.objects.exclude(quadrant=None).count() > 0
    assert all(r.queries <= 16 for r in results if "GET" in r.name)
    assert "median ms" in report(results)
