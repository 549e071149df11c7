"""Seeding: load the synthetic demo data set, obviously fictional children, concerns, staff and
everything around them in the shape of a real county (see the figures in docs/data-standards.md),
built deterministically from a scale and a seed.

`seed()` is the entry point (`mace seed_demo`): it refuses a database that holds other data and
loads a data set once. `start()` makes the staff (accounts) and the record of the load's progress
(core's DemoDataSet); `load()` then writes the plan (mace.demo.plan) a chunk of children at a
time, each chunk in its own transaction, through each domain's module in turn: children
(people), concerns, missing episodes and assessments; then, in one more transaction, the parts
that span the county: intelligence, who meets the MACE criteria, MACE meetings and disruption.
An interrupted load goes on from the chunk after the last one it finished. Last, synthetic
reads of the children's records go into the access log a batch at a time (access_events.py),
each batch in its own transaction, so they too go on where they stopped. The domain modules
write in bulk (mace.core.bulk: COPY on PostgreSQL), bypassing the services for speed but keeping
the invariants they keep. This module (with ahead.py, which plans the chunks in a second process)
is the only one that imports them; they import only the shared pieces (plan, words, accounts,
bulk). See "The demo data set and its scales" in docs/development.md.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from contextlib import closing
from dataclasses import dataclass, field
from datetime import date

from django.db import IntegrityError, transaction
from django.utils import timezone

from mace.accounts.models import User
from mace.core.models import DemoDataSet
from mace.criteria.services import eligibility_refresh
from mace.demo import (
    access_events,
    ahead,
    assessments,
    concerns,
    disruption,
    intelligence,
    meetings,
    missing,
    people,
)
from mace.demo.accounts import (
    AUTHOR_FOR_AGENCY,
    DEMO_USERNAMES,
    DEMO_USERS,
    demo_password,
    sync_demo_passwords,
    users_create,
)
from mace.demo.plan import CHUNK_SIZE, SCALES, Plan, chunk_count
from mace.people.models import Child
from mace.reference.models import Agency, PostcodeDistrict, Quadrant


class DemoRefused(Exception):
    """The database is not one the demo data may be loaded into."""


@dataclass
class SeedResult:
    status: str  # "loaded", "partly_loaded", "already_loaded" or "other_loaded"
    scale: str
    seed: int
    counts: dict[str, int] = field(default_factory=dict)
    message: str = ""


def seed(
    *,
    scale: str,
    seed: int,
    today: date | None = None,
    chunk_size: int = CHUNK_SIZE,
    chunks: int | None = None,
    report: Callable[[str], None] | None = None,
    events: int | None = None,
) -> SeedResult:
    """Load the demo data set unless it (or another one) is already loaded, then its synthetic
    access events (`events` of them, or the scale's number, access_events.PLANNED). Safe to run
    again: a load that was interrupted (or stopped after `chunks` chunks of `chunk_size`
    children, then of access events) goes on from the last chunk it finished, with the 'today',
    chunk size and number of access events it started with. `events` changes the number only
    while none are written (so a data set loaded without them can have them added); 0 writes
    none this time."""
    if scale not in SCALES:
        raise ValueError(f"Unknown scale {scale!r}: choose one of {', '.join(SCALES)}")
    loaded = DemoDataSet.objects.first()
    if loaded is not None and loaded.complete:
        users_updated = sync_demo_passwords(demo_password())
        note = " Demo passwords were reset to the current demo password." if users_updated else ""
        if loaded.scale == scale and loaded.seed == seed:
            _plan_events(loaded, events)
            if events != 0 and loaded.access_events < loaded.access_events_planned:
                return _events(loaded, chunks=chunks, report=report)
            return SeedResult(
                "already_loaded",
                scale,
                seed,
                message=(
                    f"The demo data set '{scale}' (seed {seed}) is already loaded "
                    f"({loaded.children:,} children, {loaded.access_events:,} access events); "
                    f"nothing to add.{note}"
                ),
            )
        return SeedResult(
            "other_loaded",
            scale,
            seed,
            message=(
                f"Another demo data set is loaded: '{loaded.scale}' (seed {loaded.seed}). "
                f"Nothing was added. To load '{scale}' (seed {seed}), start from an empty "
                f"database.{note}"
            ),
        )
    if loaded is not None and (loaded.scale, loaded.seed) != (scale, seed):
        return SeedResult(
            "other_loaded",
            scale,
            seed,
            message=(
                f"Another demo data set is partly loaded: '{loaded.scale}' (seed {loaded.seed}), "
                f"{loaded.chunks_done} chunks of {loaded.chunk_size:,} children. Nothing was "
                f"added. Run `seed_demo --scale {loaded.scale} --seed {loaded.seed}` to finish "
                "it, or start from an empty database."
            ),
        )
    if loaded is None:
        planned = access_events.planned(scale) if events is None else events
        progress = start(scale=scale, seed=seed, today=today, chunk_size=chunk_size, events=planned)
    else:
        progress = loaded
        _plan_events(progress, events)
    before = progress.chunks_done
    counts = load(progress, chunks=chunks, report=report)
    if counts is None:
        total = chunk_count(scale, progress.chunk_size)
        return SeedResult(
            "partly_loaded",
            scale,
            seed,
            counts=progress.counts,
            message=(
                f"Loaded {progress.chunks_done} of {total} chunks of the demo data set "
                f"'{scale}' (seed {seed}), {progress.children:,} children so far. Run "
                "`seed_demo` again with the same scale and seed to go on."
            ),
        )
    if chunks is not None:
        chunks = max(0, chunks - (progress.chunks_done - before))
    return _events(progress, chunks=chunks if events != 0 else 0, report=report)


def _plan_events(progress: DemoDataSet, events: int | None) -> None:
    """Another number of access events, asked for while none are written yet."""
    if events and not progress.access_events and events != progress.access_events_planned:
        progress.access_events_planned = events
        progress.save(update_fields=["access_events_planned"])


def _events(
    progress: DemoDataSet, *, chunks: int | None, report: Callable[[str], None] | None
) -> SeedResult:
    """Write the access events of a data set whose children are loaded (at most `chunks`
    batches of them) and say what the data set now holds."""
    scale, seed = progress.scale, progress.seed
    clock = _Clock(report)
    access_events.load(progress, batches=chunks, report=report)
    clock.lap("Access events")
    # Last in the summary (PostgreSQL keeps a JSON object's keys in an order of its own).
    others = {name: n for name, n in progress.counts.items() if name != "access events"}
    progress.counts = others | {"access events": progress.access_events}
    progress.save(update_fields=["counts"])
    if progress.access_events < progress.access_events_planned:
        return SeedResult(
            "partly_loaded",
            scale,
            seed,
            counts=progress.counts,
            message=(
                f"Loaded the demo data set '{scale}' (seed {seed}), {progress.children:,} "
                f"children, and {progress.access_events:,} of its "
                f"{progress.access_events_planned:,} access events so far. Run `seed_demo` "
                "again with the same scale and seed to go on."
            ),
        )
    summary = ", ".join(f"{n:,} {name}" for name, n in progress.counts.items())
    return SeedResult(
        "loaded",
        scale,
        seed,
        counts=progress.counts,
        message=f"Loaded the demo data set '{scale}' (seed {seed}): {summary}.",
    )


def start(
    *, scale: str, seed: int, today: date | None, chunk_size: int, events: int = 0
) -> DemoDataSet:
    """Begin a load into an empty database: the demo staff, and the record of the load's
    progress (no chunks done yet), in one transaction."""
    if Child.objects.exists():
        raise DemoRefused(
            "This database already holds children that the demo did not create. Demo data is "
            "only ever loaded into an empty database."
        )
    clash = User.objects.filter(username__in=DEMO_USERNAMES).values_list("username", flat=True)
    if clash:
        raise DemoRefused(
            f"Users with demo usernames already exist ({', '.join(sorted(clash))}). Demo data is "
            "only ever loaded into an empty database."
        )
    agencies = _agencies()
    try:
        with transaction.atomic():
            progress = DemoDataSet.objects.create(
                scale=scale,
                seed=seed,
                reference_date=today or timezone.localdate(),
                chunk_size=chunk_size,
                complete=False,
                access_events_planned=events,
            )
            users = users_create(
                agencies=agencies,
                quadrants={q.code: q for q in Quadrant.objects.all()},
                password=demo_password(),
            )
            progress.users = len(users)
            progress.save(update_fields=["users"])
    except IntegrityError as exc:
        # Two seeds started at once: the second one's demo users clash and it rolls back whole.
        raise DemoRefused(f"Another load of demo data ran at the same time ({exc}).") from exc
    return progress


def _agencies() -> dict[str, Agency]:
    agencies = {a.name: a for a in Agency.objects.all()}
    needed = {u.agency for u in DEMO_USERS if u.agency} | set(AUTHOR_FOR_AGENCY)
    if missing_agencies := sorted(needed - set(agencies)):
        raise DemoRefused(
            f"The reference data has no agency called {', '.join(missing_agencies)}; the demo "
            "data needs the agencies the migrations load."
        )
    return agencies


def _add(counts: Mapping[str, int], more: Mapping[str, int]) -> dict[str, int]:
    """The sums, in the order of `more` (a chunk's counts, in the order they were written; the
    database may keep the counts so far in another)."""
    added = {name: counts.get(name, 0) + n for name, n in more.items()}
    return added | {name: n for name, n in counts.items() if name not in added}


def load(
    progress: DemoDataSet, *, chunks: int | None = None, report: Callable[[str], None] | None = None
) -> dict[str, int] | None:
    """Write the data set `progress` records in bulk, from the chunk after the last one done,
    each chunk in its own transaction, then the county-wide parts (intelligence, who meets the
    MACE criteria, meetings, disruption) in one more. Stops after `chunks` chunks if given,
    answering None; else answers the number of rows of each kind. `report` is told how each step
    went, with its time."""
    clock = _Clock(report)
    agencies = _agencies()
    district_area = dict(PostcodeDistrict.objects.values_list("outward_code", "area_id"))
    users = {
        u.username: u
        for u in User.objects.filter(username__in=DEMO_USERNAMES)
        .select_related("agency", "quadrant")
        .order_by("pk")
    }
    author = {name: users[username] for name, username in AUTHOR_FOR_AGENCY.items()}
    scale, seed, today, size = (
        progress.scale,
        progress.seed,
        progress.reference_date,
        progress.chunk_size,
    )
    candidates: list[intelligence.Candidate] = []
    counts: dict[str, int] = dict(progress.counts)
    written = last_pk = 0
    total = chunk_count(scale, size)
    with closing(ahead.planned(scale, seed, today, size=size)) as planned:
        for number, (chunk, episodes, assessed) in enumerate(planned):
            if number < progress.chunks_done:
                # Done before: planned again (for the planners' streams and the networks'
                # candidates), not written.
                pks = list(
                    Child.objects.filter(pk__gt=last_pk)
                    .order_by("pk")
                    .values_list("pk", flat=True)[: len(chunk.children)]
                )
                _candidates(candidates, pks, chunk)
                last_pk = pks[-1]
                clock.lap(f"Chunk {number + 1} of {total}: done before, planned again")
                continue
            with transaction.atomic():
                loaded = _load_chunk(
                    chunk,
                    users=users,
                    author=author,
                    agencies=agencies,
                    district_area=district_area,
                    episodes=episodes,
                    assessed=assessed,
                )
                _candidates(candidates, [c.pk for c in loaded.children], chunk)
                counts = _add(counts, loaded.counts)
                progress.chunks_done = number + 1
                progress.counts = counts
                progress.children = counts.get("children", 0)
                progress.concerns = counts.get("concerns", 0)
                progress.save(update_fields=["chunks_done", "counts", "children", "concerns"])
            written += 1
            clock.lap(f"Chunk {number + 1} of {total}: {len(chunk.children):,} children")
            if chunks is not None and written >= chunks and number + 1 < total:
                return None
    with transaction.atomic():
        header = Plan(scale=scale, seed=seed, today=today, children=())
        counts["users"] = len(users)
        # --- intelligence: persons of concern, places, vehicles, phones and accounts, linked ---
        counts |= intelligence.load(header, candidates=candidates, users=users, agencies=agencies)
        clock.lap("Intelligence")
        # --- MACE criteria: who meets them, from the assessments and episodes just loaded ---
        counts["children meeting the MACE criteria"] = eligibility_refresh().started
        clock.lap("Who meets the MACE criteria")
        # --- MACE meetings: a year of part 1 and part 2 meetings per quadrant, and actions ---
        met, actions = meetings.load_with_actions(header, users=users, agencies=agencies)
        counts["chronology entries"] += met.pop("chronology entries (MACE decisions)", 0)
        counts |= met
        clock.lap("MACE meetings")
        # --- disruption: against the threats those meetings discussed, and their actions ---
        counts |= disruption.load(header, users=users, agencies=agencies, actions=actions)
        clock.lap("Disruption")
        progress.counts = counts
        progress.complete = True
        progress.save(update_fields=["counts", "complete"])
    return counts


class _Clock:
    def __init__(self, report: Callable[[str], None] | None) -> None:
        self.report = report
        self.last = time.monotonic()

    def lap(self, what: str) -> None:
        now = time.monotonic()
        if self.report is not None:
            self.report(f"{what}: {now - self.last:.1f}s")
        self.last = now


def _candidates(candidates: list[intelligence.Candidate], pks: Iterable[int], chunk: Plan) -> None:
    for pk, child in zip(pks, chunk.children, strict=True):
        if (c := intelligence.candidate(pk, child)) is not None:
            candidates.append(c)


@dataclass
class _Chunk:
    children: list[Child]
    counts: dict[str, int]


def _load_chunk(
    chunk: Plan,
    *,
    users: dict[str, User],
    author: dict[str, User],
    agencies: dict[str, Agency],
    district_area: dict[str, int],
    episodes: list[missing.EpisodePlan],
    assessed: Sequence[assessments.AssessmentPlan],
) -> _Chunk:
    """Write one chunk's children and everything about each of them: identifiers, addresses,
    involvements, concerns, chronology, missing episodes and assessments."""
    children = people.load(chunk, author=author, agencies=agencies, district_area=district_area)
    raised = concerns.load(chunk, children=children.children, author=author, agencies=agencies)
    counts = {
        "children": children.counts["children"],
        "addresses": children.counts["addresses"],
        "identifiers": children.counts["identifiers"],
        "agency involvements": children.counts["agency involvements"],
        "concerns": raised.counts["concerns"],
        "indicators seen": raised.counts["indicators seen"],
        "routes": raised.counts["routes"],
        "chronology entries": (
            children.counts["chronology entries"] + raised.counts["chronology entries"]
        ),
    }
    # --- missing ---
    counts |= missing.load(
        chunk,
        children=children.children,
        users=users,
        agencies=agencies,
        planned=episodes,
    )
    # --- assessments ---
    written = assessments.load(
        chunk,
        children=children.children,
        users=users,
        agencies=agencies,
        author_for_agency=AUTHOR_FOR_AGENCY,
        planned=assessed,
    )
    counts["chronology entries"] += written.pop("chronology entries", 0)
    counts |= written
    return _Chunk(children.children, counts)
