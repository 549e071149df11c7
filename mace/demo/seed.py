"""Seeding: load the synthetic demo data set, obviously fictional children, concerns, staff and
everything around them in the shape of a real county (see the figures in docs/data-standards.md),
built deterministically from a scale and a seed.

`seed()` is the entry point (`mace seed_demo`): it refuses a database that holds other data and
loads a data set once. `load()` writes a plan (mace.demo.plan) through each domain's module in
turn: the staff (accounts), children (people), concerns, missing episodes, intelligence,
assessments, who meets the MACE criteria, MACE meetings and disruption. The domain modules write
in bulk, bypassing the services for speed but keeping the invariants they keep. This module is
the only one that imports them; they import only the shared pieces (plan, words, accounts).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.db import IntegrityError, transaction

from mace.accounts.models import User
from mace.core.models import DemoDataSet
from mace.criteria.services import eligibility_refresh
from mace.demo import (
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
from mace.demo.plan import SCALES, Plan, plan
from mace.people.models import Child
from mace.reference.models import Agency, PostcodeDistrict, Quadrant


class DemoRefused(Exception):
    """The database is not one the demo data may be loaded into."""


@dataclass
class SeedResult:
    status: str  # "loaded", "already_loaded" or "other_loaded"
    scale: str
    seed: int
    counts: dict[str, int] = field(default_factory=dict)
    message: str = ""


def seed(*, scale: str, seed: int, today: date | None = None) -> SeedResult:
    """Load the demo data set unless it (or another one) is already loaded. Safe to run again."""
    if scale not in SCALES:
        raise ValueError(f"Unknown scale {scale!r}: choose one of {', '.join(SCALES)}")
    loaded = DemoDataSet.objects.first()
    if loaded is not None:
        users_updated = sync_demo_passwords(demo_password())
        note = " Demo passwords were reset to the current demo password." if users_updated else ""
        if loaded.scale == scale and loaded.seed == seed:
            return SeedResult(
                "already_loaded",
                scale,
                seed,
                message=(
                    f"The demo data set '{scale}' (seed {seed}) is already loaded "
                    f"({loaded.children:,} children); nothing to add.{note}"
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
    the_plan = plan(scale, seed, today)
    try:
        counts = load(the_plan, password=demo_password())
    except IntegrityError as exc:
        # Two seeds started at once: the second one's demo users clash and it rolls back whole.
        raise DemoRefused(f"Another load of demo data ran at the same time ({exc}).") from exc
    summary = ", ".join(f"{n:,} {name}" for name, n in counts.items())
    return SeedResult(
        "loaded",
        scale,
        seed,
        counts=counts,
        message=f"Loaded the demo data set '{scale}' (seed {seed}): {summary}.",
    )


@transaction.atomic
def load(the_plan: Plan, *, password: str) -> dict[str, int]:
    """Write a plan to the database in bulk. Returns the number of rows of each kind."""
    agencies = {a.name: a for a in Agency.objects.all()}
    needed = {u.agency for u in DEMO_USERS if u.agency} | set(AUTHOR_FOR_AGENCY)
    if missing_agencies := sorted(needed - set(agencies)):
        raise DemoRefused(
            f"The reference data has no agency called {', '.join(missing_agencies)}; the demo "
            "data needs the agencies the migrations load."
        )
    quadrants = {q.code: q for q in Quadrant.objects.all()}
    district_area = dict(PostcodeDistrict.objects.values_list("outward_code", "area_id"))

    users = users_create(agencies=agencies, quadrants=quadrants, password=password)
    author = {name: users[username] for name, username in AUTHOR_FOR_AGENCY.items()}
    children = people.load(the_plan, author=author, agencies=agencies, district_area=district_area)
    raised = concerns.load(the_plan, children=children.children, author=author, agencies=agencies)
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
        "users": len(users),
    }
    # --- missing ---
    counts.update(
        missing.load(the_plan, children=children.children, users=users, agencies=agencies)
    )
    # --- intelligence: persons of concern, places, vehicles, phones and accounts, linked ---
    counts |= intelligence.load(
        the_plan,
        children=children.children,
        concerns=raised.concerns,
        users=users,
        agencies=agencies,
    )
    # --- assessments ---
    assessed = assessments.load(
        the_plan,
        children=children.children,
        users=users,
        agencies=agencies,
        author_for_agency=AUTHOR_FOR_AGENCY,
    )
    counts["chronology entries"] += assessed.pop("chronology entries", 0)
    counts |= assessed
    # --- MACE criteria: who meets them, from the assessments and episodes just loaded ---
    counts["children meeting the MACE criteria"] = eligibility_refresh().started
    # --- MACE meetings: a year of part 1 and part 2 meetings per quadrant, and their actions ---
    met, actions = meetings.load_with_actions(the_plan, users=users, agencies=agencies)
    counts["chronology entries"] += met.pop("chronology entries (MACE decisions)", 0)
    counts |= met
    # --- disruption: against the threats those meetings discussed, and their actions ---
    counts |= disruption.load(the_plan, users=users, agencies=agencies, actions=actions)
    DemoDataSet.objects.create(
        scale=the_plan.scale,
        seed=the_plan.seed,
        reference_date=the_plan.today,
        children=counts["children"],
        concerns=counts["concerns"],
        users=len(users),
    )
    return counts
