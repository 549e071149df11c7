"""The plan: the demo data set's children and their concerns, made in memory from
`random.Random(seed)` and a reference 'today', touching no database, so the same scale and seed
always give the same people, and only dates relative to today move between days. The other parts
of the demo (missing episodes, intelligence, assessments, meetings, disruption) are planned from
it, each from its own random stream.

NHS numbers are in the 999 test range (the national scale, which needs more numbers than that
range holds, also uses 990 to 998, which are never issued) and UPNs carry the non-existent local
authority number 999, so no real person has one of these identifiers.

The larger scales are made and written a chunk of children at a time (`chunks`): one planner
walks the children in order, so a child is the same whatever the chunk size, and only one
chunk's children are in memory at once.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo

from django.utils import timezone

from mace.concerns.choices import IndicatorSource, Route
from mace.demo.accounts import (
    CARE,
    CSC,
    HEALTH_MSE,
    HEALTH_NEE,
    POLICE,
    SCHOOLS,
    SOUTHEND_CSC,
    THURROCK_CSC,
    YOUTH,
)
from mace.demo.words import (
    AREA_WEIGHTS,
    BOYS,
    CLOSINGS,
    GIRLS,
    HOUSE_NAMES,
    INDICATOR_NOTES,
    INWARD_LETTERS,
    NEUTRAL,
    NICKNAMES,
    OPENINGS,
    QUADRANT_OF,
    STREET_ENDS,
    STREET_STARTS,
    SURNAME_ENDS,
    SURNAME_STARTS,
    TOWNS,
    weights,
)
from mace.people.choices import IdentifierType, InvolvementReason
from mace.people.identifiers import nhs_number_with_check, upn_with_check
from mace.reference import data as reference_data

# How many children each scale has. County is the demo; large (everyday benchmarking) and
# national (issue 13's performance target) are loaded a chunk at a time.
SCALES = {"tiny": 60, "county": 4000, "large": 200_000, "national": 1_000_000}
# Children planned and written together, each chunk in its own transaction.
CHUNK_SIZE = 5000

ETHNICITY_WEIGHTS = weights(
    """
    WBRI=680 WIRI=5 WOTH=60 WIRT=5 WROM=5 MWBC=30 MWBA=20 MWAS=20 MOTH=20 AIND=15 APKN=10
    ABAN=10 AOTH=10 BCRB=10 BAFR=35 BOTH=10 CHNE=5 OOTH=10 REFU=10 NOBT=20
    """
)
# Ages of children in scope: 81% aged 10 or over (data-standards.md), a few care leavers.
AGE_WEIGHTS = dict(zip(range(6, 19), (1, 2, 3, 5, 6, 8, 10, 13, 16, 17, 15, 10, 2), strict=True))
INDICATOR_WEIGHTS = weights(
    """
    older-associates=10 unexplained-absence=9 behaviour-change=8 mental-health-change=6
    unexplained-gifts=6 concealed-internet=6 sexualised-risk-taking=6 multiple-phones=5
    unexplained-money=5 disruptive-or-hostile=5 gang-association=4 school-exclusion=4
    concealed-marks=3 sexual-health=3 unknown-keys=2
    """
)
SOURCE_WEIGHTS = {
    IndicatorSource.OBSERVED: 4,
    IndicatorSource.CHILD: 2,
    IndicatorSource.PARENT: 2,
    IndicatorSource.PROFESSIONAL: 3,
    IndicatorSource.RECORDS: 2,
    IndicatorSource.PEER: 1,
    IndicatorSource.ANONYMOUS: 1,
}
ROUTE_WEIGHTS = {Route.CHILDRENS_SOCIAL_CARE: 5, Route.POLICE: 4, Route.CARE: 3}
# Days from the concern to each service's target date.
ROUTE_TARGET_DAYS = {Route.CHILDRENS_SOCIAL_CARE: (1, 3), Route.POLICE: (2, 7), Route.CARE: (5, 14)}


# --------------------------------------------------------------------------------------------
# The plan: the whole data set in memory
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AddressPlan:
    line1: str
    line2: str
    town: str
    postcode: str
    start_date: date
    end_date: date | None


@dataclass(frozen=True)
class IdentifierPlan:
    type: str
    value: str
    valid_from: date | None
    agency: str


@dataclass(frozen=True)
class IndicatorPlan:
    code: str
    seen_on: date
    source: str
    note: str


@dataclass(frozen=True)
class ConcernPlan:
    agency: str
    recorded_at: datetime
    narrative: str
    indicators: tuple[IndicatorPlan, ...]
    routes: tuple[tuple[str, date], ...]


@dataclass(frozen=True)
class InvolvementPlan:
    agency: str
    reason: str
    since: datetime


@dataclass(frozen=True)
class ChildPlan:
    forename: str
    surname: str
    other_names: str
    sex: str
    gender: str
    ethnicity: str
    dob: date
    upn_unknown: str
    area: str  # the area code of the current address
    created_at: datetime
    creator: str  # the agency that made the record
    addresses: tuple[AddressPlan, ...]
    identifiers: tuple[IdentifierPlan, ...]
    involvements: tuple[InvolvementPlan, ...]
    concerns: tuple[ConcernPlan, ...]


@dataclass(frozen=True)
class Plan:
    """The whole data set, or one chunk of it: `start` is the index of its first child."""

    scale: str
    seed: int
    today: date
    children: tuple[ChildPlan, ...]
    start: int = 0

    @property
    def concern_count(self) -> int:
        return sum(len(c.concerns) for c in self.children)


def _weighted[T](rng: random.Random, weights: Mapping[T, float]) -> T:
    keys = list(weights)
    return rng.choices(keys, weights=[weights[k] for k in keys])[0]


def _weighted_sample[T](rng: random.Random, weights: Mapping[T, float], k: int) -> list[T]:
    """k distinct keys, each drawn in proportion to its weight among those left."""
    left = dict(weights)
    chosen: list[T] = []
    while left and len(chosen) < k:
        pick = _weighted(rng, left)
        chosen.append(pick)
        del left[pick]
    return chosen


def _moment(rng: random.Random, day: date, zone: tzinfo | None = None) -> datetime:
    """A working-hours moment on `day`, in local time (never in the small hours, so never in a
    daylight-saving gap)."""
    naive = datetime.combine(day, time(rng.randint(8, 18), rng.randrange(60)))
    return timezone.make_aware(naive, zone)


# The national scale's NHS number prefixes: 990 to 999, none of them ever issued.
_WIDE_NHS = tuple(map(str, range(990, 1000)))


class _Unique:
    """Draws values until one not drawn before comes up."""

    def __init__(self) -> None:
        self.seen: set[str] = set()

    def take(self, make: Callable[[], str | None]) -> str:
        while True:
            value = make()
            if value is not None and value not in self.seen:
                self.seen.add(value)
                return value


class _Planner:
    def __init__(self, scale: str, seed: int, today: date) -> None:
        self.rng = random.Random(f"mace-demo:{scale}:{seed}")
        self.today = today
        self.zone = timezone.get_current_timezone()
        self.nhs = _Unique()
        self.upn = _Unique()
        self.police = _Unique()
        self.local = _Unique()
        # The 999 range holds under a million valid NHS numbers: enough but for national.
        self.nhs_prefixes = (
            ("999",) if SCALES[scale] <= 500_000 else tuple(map(str, range(990, 1000)))
        )

    # -- one child ----------------------------------------------------------------------------

    def child(self, index: int) -> ChildPlan:
        rng, today = self.rng, self.today
        areas = list(AREA_WEIGHTS)
        # The first children go one to each area, so even the tiny data set covers every
        # district and quadrant.
        area = areas[index] if index < len(areas) else _weighted(rng, AREA_WEIGHTS)
        has_concerns = rng.random() < 0.75
        # 67% of children assessed with CSE as a factor are girls (data-standards.md).
        sex = _weighted(
            rng, {"F": 67, "M": 32, "U": 1} if has_concerns else {"F": 50, "M": 49, "U": 1}
        )
        gender = {"F": "02", "M": "01", "U": "00"}[sex] if rng.random() > 0.02 else "09"
        forename = rng.choice({"F": GIRLS, "M": BOYS, "U": NEUTRAL}[sex])
        surname = rng.choice(SURNAME_STARTS) + rng.choice(SURNAME_ENDS)
        other_names = f"Known as {rng.choice(NICKNAMES)}" if rng.random() < 0.08 else ""
        ethnicity = _weighted(rng, ETHNICITY_WEIGHTS)
        age = _weighted(rng, AGE_WEIGHTS)
        dob = today - timedelta(days=int(age * 365.25) + rng.randrange(360) + 3)

        csc = SOUTHEND_CSC if area == "southend" else THURROCK_CSC if area == "thurrock" else CSC
        health = HEALTH_NEE if QUADRANT_OF.get(area) == "north" else HEALTH_MSE
        pool = {
            csc: 10.0,
            POLICE: 6.0,
            health: 4.0,
            SCHOOLS: 5.0 if age <= 16 else 1.0,
            YOUTH: 2.0,
            CARE: 2.0 if has_concerns else 0.5,
        }
        agencies = _weighted_sample(rng, pool, _weighted(rng, {1: 30, 2: 45, 3: 25}))
        creator = agencies[0]

        created_day = max(today - timedelta(days=rng.randint(14, 900)), dob + timedelta(days=1))
        created_at = _moment(rng, created_day, self.zone)
        addresses = self.addresses(area, dob)
        concerns = self.concerns(forename, sex, dob, agencies, created_at) if has_concerns else ()

        involvements = []
        for agency in agencies:
            recorded = [c.recorded_at for c in concerns if c.agency == agency]
            if agency == creator:
                involvements.append(InvolvementPlan(agency, InvolvementReason.RECORDED, created_at))
            elif recorded:
                involvements.append(
                    InvolvementPlan(agency, InvolvementReason.RECORDED, recorded[0])
                )
            else:
                days = max((today - created_day).days - 1, 0)
                since = _moment(rng, created_day + timedelta(days=rng.randint(0, days)), self.zone)
                involvements.append(InvolvementPlan(agency, InvolvementReason.ALLOCATED, since))

        identifiers, upn_unknown = self.identifiers(age, dob, agencies, health, csc, created_day)
        return ChildPlan(
            forename=forename,
            surname=surname,
            other_names=other_names,
            sex=sex,
            gender=gender,
            ethnicity=ethnicity,
            dob=dob,
            upn_unknown=upn_unknown,
            area=area,
            created_at=created_at,
            creator=creator,
            addresses=addresses,
            identifiers=identifiers,
            involvements=tuple(involvements),
            concerns=concerns,
        )

    def address(self, area: str, start: date, end: date | None) -> AddressPlan:
        rng = self.rng
        street = f"{rng.choice(STREET_STARTS)} {rng.choice(STREET_ENDS)}"
        if rng.random() < 0.15:
            line1, line2 = f"Flat {rng.randint(1, 24)}, {rng.choice(HOUSE_NAMES)} House", street
        else:
            line1, line2 = f"{rng.randint(1, 180)} {street}", ""
        outward = rng.choice(reference_data.POSTCODE_DISTRICTS[area])
        postcode = f"{outward}9Z{rng.choice(INWARD_LETTERS)}"
        return AddressPlan(line1, line2, TOWNS[area], postcode, start, end)

    def addresses(self, area: str, dob: date) -> tuple[AddressPlan, ...]:
        """The current address in `area`, and for some children the ones before it (a third of
        moves cross into another council area)."""
        rng = self.rng
        count = _weighted(rng, {1: 70, 2: 22, 3: 8})
        start = max(self.today - timedelta(days=rng.randint(60, 1800)), dob)
        result = [self.address(area, start, None)]
        for _ in range(count - 1):
            if start <= dob:
                break
            end = start - timedelta(days=1)
            start = max(end - timedelta(days=rng.randint(120, 1500)), dob)
            previous = area if rng.random() < 0.65 else _weighted(rng, AREA_WEIGHTS)
            result.append(self.address(previous, start, end))
        return tuple(result)

    def concerns(
        self, forename: str, sex: str, dob: date, agencies: list[str], created_at: datetime
    ) -> tuple[ConcernPlan, ...]:
        rng, today = self.rng, self.today
        count = _weighted(rng, {1: 55, 2: 25, 3: 12, 4: 5, 5: 3})
        first = created_at + timedelta(minutes=rng.randint(5, 90))
        span = max((today - created_at.date()).days - 1, 0)
        moments = [first] + sorted(
            _moment(
                rng, created_at.date() + timedelta(days=rng.randint(1, max(span, 1))), self.zone
            )
            for _ in range(count - 1)
        )
        weights = dict(INDICATOR_WEIGHTS)
        if sex == "M":
            weights["gang-association"] = 9
        result = []
        for n, moment in enumerate(moments):
            agency = agencies[0] if n == 0 else rng.choice(agencies)
            codes = _weighted_sample(
                rng, weights, _weighted(rng, {1: 10, 2: 18, 3: 24, 4: 22, 5: 16, 6: 10})
            )
            indicators = []
            for code in codes:
                seen_on = max(moment.date() - timedelta(days=rng.randint(0, 45)), dob)
                note = rng.choice(INDICATOR_NOTES) if rng.random() < 0.3 else ""
                indicators.append(
                    IndicatorPlan(code, seen_on, _weighted(rng, SOURCE_WEIGHTS), note)
                )
            routes = []
            for route in _weighted_sample(rng, ROUTE_WEIGHTS, _weighted(rng, {1: 60, 2: 32, 3: 8})):
                low, high = ROUTE_TARGET_DAYS[route]
                routes.append((str(route), moment.date() + timedelta(days=rng.randint(low, high))))
            labels = "; ".join(_lower_first(_INDICATOR_LABELS[c]) for c in codes)
            narrative = " ".join(
                [
                    rng.choice(OPENINGS).format(name=forename),
                    f"Indicators seen: {labels}.",
                    rng.choice(CLOSINGS),
                ]
            )
            result.append(
                ConcernPlan(agency, moment, narrative, tuple(indicators), tuple(sorted(routes)))
            )
        return tuple(result)

    def identifiers(
        self,
        age: int,
        dob: date,
        agencies: list[str],
        health: str,
        csc: str,
        created_day: date,
    ) -> tuple[tuple[IdentifierPlan, ...], str]:
        rng, today = self.rng, self.today
        result = []
        if rng.random() < 0.93:
            # The 999 range is set aside for testing: no real person has one of these.
            prefixes = self.nhs_prefixes
            value = self.nhs.take(
                lambda: nhs_number_with_check(
                    f"{prefixes[0] if len(prefixes) == 1 else rng.choice(prefixes)}"
                    f"{rng.randrange(10**6):06d}"
                )
            )
            result.append(IdentifierPlan(IdentifierType.NHS_NUMBER, value, dob, health))
        upn_unknown = ""
        if rng.random() < (0.9 if age <= 16 else 0.6):
            # 999 is no local authority's number, so these UPNs cannot be a real pupil's.
            allocated = min(date(dob.year + 5, 9, 1), today)
            value = self.upn.take(
                make=lambda: upn_with_check(
                    f"999{rng.randint(2000, 7999):04d}{allocated.year % 100:02d}"
                    f"{rng.randrange(1000):03d}"
                )
            )
            result.append(IdentifierPlan(IdentifierType.UPN, value, allocated, SCHOOLS))
        elif age <= 16:
            upn_unknown = rng.choice(["UN4", "UN5"])
        if rng.random() < (0.8 if POLICE in agencies else 0.05):
            year = created_day.year % 100
            value = self.police.take(lambda: f"DEMO/{year:02d}/{rng.randrange(10**6):06d}")
            result.append(IdentifierPlan(IdentifierType.POLICE, value, created_day, POLICE))
        if csc in agencies and rng.random() < 0.7:
            value = self.local.take(lambda: f"DEMO-LA-{rng.randrange(10**7):07d}")
            result.append(IdentifierPlan(IdentifierType.LOCAL_AUTHORITY, value, created_day, csc))
        return tuple(result), upn_unknown


_INDICATOR_LABELS = {
    code: label for items in reference_data.INDICATORS.values() for code, label in items
}


def _lower_first(label: str) -> str:
    return label[:1].lower() + label[1:]


def plan(scale: str, seed: int, today: date | None = None) -> Plan:
    """The whole demo data set for a scale and seed, built in memory. Same inputs, same plan."""
    if scale not in SCALES:
        raise ValueError(f"Unknown scale {scale!r}: choose one of {', '.join(SCALES)}")
    today = today or timezone.localdate()
    return next(chunks(scale, seed, today, size=SCALES[scale]))


def chunks(
    scale: str, seed: int, today: date | None = None, *, size: int = CHUNK_SIZE
) -> Iterator[Plan]:
    """The demo data set for a scale and seed, `size` children at a time, in order. One planner
    draws every child in turn, so the children are the same whatever the size."""
    if scale not in SCALES:
        raise ValueError(f"Unknown scale {scale!r}: choose one of {', '.join(SCALES)}")
    today = today or timezone.localdate()
    planner = _Planner(scale, seed, today)
    total = SCALES[scale]
    for start in range(0, total, size):
        children = tuple(planner.child(i) for i in range(start, min(start + size, total)))
        yield Plan(scale=scale, seed=seed, today=today, children=children, start=start)


def chunk_count(scale: str, size: int = CHUNK_SIZE) -> int:
    """How many chunks of `size` children the scale has."""
    return -(-SCALES[scale] // size)
