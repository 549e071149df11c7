"""Planning ahead: the chunks of a large data set, each with its missing episodes and
assessments, planned in a second process while this one writes the chunk before (the planning is
about a third of the work, and the machine has a second core for it).

The second process is started fresh ("spawn", not a fork of this one with its open database
connection) and touches no database; it plans the chunks in order, as one process would, so the
data is the same either way. A data set of one chunk is planned here, with no second process.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Generator, Iterator
from datetime import date
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from mace.demo.assessments import AssessmentPlan
    from mace.demo.missing import EpisodePlan
    from mace.demo.plan import Plan

    Planned = tuple[Plan, list[EpisodePlan], tuple[AssessmentPlan, ...]]

# Chunks planned ahead of the one being written: enough to keep the writer busy, few enough
# to keep memory small.
AHEAD = 2


def planned(scale: str, seed: int, today: date, *, size: int) -> Generator[Planned]:
    """Each chunk of the data set in order, with its episodes and assessments."""
    from mace.demo.plan import chunk_count

    if chunk_count(scale, size) == 1:
        yield from _plans(scale, seed, today, size)
        return
    context = multiprocessing.get_context("spawn")
    queue: Any = context.Queue(maxsize=AHEAD)
    process = context.Process(target=_produce, args=(queue, scale, seed, today, size), daemon=True)
    process.start()
    try:
        while (item := queue.get()) is not None:
            if isinstance(item, str):
                raise RuntimeError(f"Planning the demo data set failed: {item}")
            yield item
    finally:
        if process.is_alive():
            process.terminate()
        process.join()


def _plans(scale: str, seed: int, today: date, size: int) -> Iterator[Planned]:
    from mace.demo.assessments import AssessmentPlanner
    from mace.demo.missing import MissingPlanner
    from mace.demo.plan import chunks

    missing = MissingPlanner(scale, seed, today)
    assessments = AssessmentPlanner(scale, seed, today)
    for chunk in chunks(scale, seed, today, size=size):
        yield chunk, missing.plan(chunk), assessments.plan(chunk)


def _produce(queue: Any, scale: str, seed: int, today: date, size: int) -> None:
    import django

    django.setup()
    try:
        for item in _plans(scale, seed, today, size):
            queue.put(item)
    except Exception as exc:  # noqa: BLE001 - reported to the writer, which raises it
        queue.put(repr(exc))
        return
    queue.put(None)
