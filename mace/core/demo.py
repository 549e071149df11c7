"""The synthetic demo data set: obviously fictional children, concerns and staff in the shape of a
real county (see the figures in docs/data-standards.md), built deterministically from a seed.

`plan()` makes the whole data set in memory from `random.Random(seed)` and a reference 'today',
touching no database, so the same seed always gives the same people, and only dates relative to
today move between days. `load()` writes a plan with bulk inserts; it bypasses the services for
speed but keeps the invariants they keep: the recording agency is involved with the child, each
concern has its chronology entry, and the child's area is the area of their current address.

Everything here is invented: forenames are unusual-but-plausible, surnames are made-up compounds,
streets do not exist, NHS numbers are in the 999 test range, UPNs carry the non-existent local
authority number 999, and postcodes pair a real outward code (so addresses place into districts
and quadrants) with an invented inward code starting 9Z.
"""

from __future__ import annotations

import os
import random
import secrets
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import IntegrityError, transaction
from django.utils import timezone

from mace.accounts.choices import Role
from mace.concerns.choices import IndicatorSource, Route
from mace.people.choices import EntryKind, IdentifierType, InvolvementReason
from mace.people.identifiers import nhs_number_with_check, upn_with_check
from mace.reference import data as reference_data

SCALES = {"tiny": 60, "county": 4000}

# --------------------------------------------------------------------------------------------
# Demo passwords
# --------------------------------------------------------------------------------------------

PASSWORD_ENV = "MACE_DEMO_PASSWORD"
PASSWORD_FILENAME = "demo-password"


def demo_password_path() -> Path:
    return Path(settings.VAR_DIR) / PASSWORD_FILENAME


def demo_password() -> str:
    """The password every demo account uses: MACE_DEMO_PASSWORD when set, otherwise one generated
    on first use and kept in var/demo-password (mode 0600) so later runs print the same one."""
    from_env = os.environ.get(PASSWORD_ENV, "").strip()
    if from_env:
        return from_env
    path = demo_password_path()
    if path.exists():
        stored = path.read_text().strip()
        if stored:
            return stored
        path.unlink()  # an empty file (an interrupted write): make a new password
    path.parent.mkdir(parents=True, exist_ok=True)
    password = "demo-" + secrets.token_urlsafe(15)
    try:
        # O_EXCL: when two processes start at once, the second reads the first one's password
        # rather than overwriting it.
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text().strip()
    with os.fdopen(fd, "w") as handle:
        handle.write(password + "\n")
    path.chmod(0o600)
    return password


# --------------------------------------------------------------------------------------------
# Demo staff: one account per role (the first of each role is the one demo_accounts shows),
# plus practitioners in every agency that records concerns in the demo data.
# --------------------------------------------------------------------------------------------

CSC = "Essex Children and Families (social care)"
SOUTHEND_CSC = "Southend Children's Services"
THURROCK_CSC = "Thurrock Children's Services"
POLICE = "Essex Police"
HEALTH_MSE = "Mid and South Essex Health Partners"
HEALTH_NEE = "North East Essex Health Partners"
SCHOOLS = "Essex Schools and Inclusion"
YOUTH = "Essex Youth Service"
CARE = "CARE (Children at Risk of Exploitation)"
BASILDON_DC = "Basildon District Council"
COLCHESTER_CSP = "Colchester Community Safety Partnership"


@dataclass(frozen=True)
class DemoUser:
    username: str
    first_name: str
    last_name: str
    job_title: str
    agency: str | None
    roles: tuple[str, ...]
    quadrant: str | None = None
    is_staff: bool = False


def _user(
    username: str,
    name: str,
    job_title: str,
    agency: str | None,
    role: str,
    quadrant: str | None = None,
    *,
    staff: bool = False,
) -> DemoUser:
    first, last = name.split()
    return DemoUser(username, first, last, job_title, agency, (role,), quadrant, staff)


# The first account holding each role is the one demo_accounts shows for it.
DEMO_USERS: tuple[DemoUser, ...] = (
    _user("demo.practitioner", "Marisol Fenwhistle", "Social worker", CSC, Role.PRACTITIONER),
    _user("demo.manager", "Ottoline Crumblethwaite", "Team manager", CSC, Role.AGENCY_MANAGER),
    _user(
        "demo.chair.north",
        "Peregrine Hollowquill",
        "Detective inspector",
        POLICE,
        Role.MACE_CHAIR,
        "north",
    ),
    _user(
        "demo.coordinator.north",
        "Clementine Wobblestone",
        "MACE coordinator",
        CSC,
        Role.MACE_COORDINATOR,
        "north",
    ),
    _user("demo.analyst", "Lysander Pondersby", "Intelligence analyst", POLICE, Role.ANALYST),
    _user(
        "demo.district",
        "Araminta Gorsewhistle",
        "Community safety officer",
        BASILDON_DC,
        Role.DISTRICT_OFFICER,
    ),
    _user(
        "demo.board",
        "Thaddeus Marrowbeck",
        "Safeguarding partnership board member",
        CSC,
        Role.BOARD_MEMBER,
    ),
    _user("demo.care", "Saffron Quillfeather", "CARE worker", CARE, Role.SERVICE_WORKER),
    _user(
        "demo.workforce",
        "Evander Thistlewick",
        "Exploitation workforce lead",
        CSC,
        Role.WORKFORCE_LEAD,
    ),
    _user(
        "demo.admin",
        "Persephone Cobblethorpe",
        "System administrator",
        None,
        Role.SYSTEM_ADMIN,
        staff=True,
    ),
    _user(
        "demo.dpo",
        "Octavia Ledgerwood",
        "Information governance and data protection officer",
        CSC,
        Role.DATA_PROTECTION,
    ),
    _user("demo.chair.mid", "Barnaby Nettlewick", "Service manager", CSC, Role.MACE_CHAIR, "mid"),
    _user(
        "demo.chair.south",
        "Calliope Rookhollow",
        "Detective inspector",
        POLICE,
        Role.MACE_CHAIR,
        "south",
    ),
    _user("demo.chair.west", "Crispin Larchmoss", "Service manager", CSC, Role.MACE_CHAIR, "west"),
    _user(
        "demo.coordinator.mid",
        "Ottilie Brambleford",
        "MACE coordinator",
        CSC,
        Role.MACE_COORDINATOR,
        "mid",
    ),
    _user(
        "demo.coordinator.south",
        "Ignatius Pebblewhistle",
        "MACE coordinator",
        CSC,
        Role.MACE_COORDINATOR,
        "south",
    ),
    _user(
        "demo.coordinator.west",
        "Seraphina Umberstead",
        "MACE coordinator",
        CSC,
        Role.MACE_COORDINATOR,
        "west",
    ),
    _user(
        "demo.practitioner.police",
        "Tobiah Quarrendine",
        "Detective constable",
        POLICE,
        Role.PRACTITIONER,
    ),
    _user(
        "demo.manager.police",
        "Wilhelmina Sorrelgate",
        "Detective sergeant",
        POLICE,
        Role.AGENCY_MANAGER,
    ),
    _user(
        "demo.practitioner.health",
        "Isolde Yarrowcombe",
        "Named nurse for safeguarding",
        HEALTH_MSE,
        Role.PRACTITIONER,
    ),
    _user(
        "demo.practitioner.health-ne",
        "Fennick Dapplethwaite",
        "School nurse",
        HEALTH_NEE,
        Role.PRACTITIONER,
    ),
    _user(
        "demo.practitioner.education",
        "Briony Kettlewhistle",
        "Designated safeguarding lead",
        SCHOOLS,
        Role.PRACTITIONER,
    ),
    _user(
        "demo.manager.education",
        "Alaric Vetchbottom",
        "Inclusion manager",
        SCHOOLS,
        Role.AGENCY_MANAGER,
    ),
    _user(
        "demo.practitioner.youth",
        "Cosmo Otterfield",
        "Detached youth worker",
        YOUTH,
        Role.PRACTITIONER,
    ),
    _user(
        "demo.practitioner.southend",
        "Marigold Tansyworth",
        "Social worker",
        SOUTHEND_CSC,
        Role.PRACTITIONER,
    ),
    _user(
        "demo.practitioner.thurrock",
        "Leopold Wrenshaw",
        "Social worker",
        THURROCK_CSC,
        Role.PRACTITIONER,
    ),
    _user(
        "demo.csp",
        "Honora Juniperdale",
        "Community safety partnership manager",
        COLCHESTER_CSP,
        Role.DISTRICT_OFFICER,
    ),
)
DEMO_USERNAMES = frozenset(u.username for u in DEMO_USERS)

# Who writes the records each agency makes in the demo data.
AUTHOR_FOR_AGENCY = {
    CSC: "demo.practitioner",
    SOUTHEND_CSC: "demo.practitioner.southend",
    THURROCK_CSC: "demo.practitioner.thurrock",
    POLICE: "demo.practitioner.police",
    HEALTH_MSE: "demo.practitioner.health",
    HEALTH_NEE: "demo.practitioner.health-ne",
    SCHOOLS: "demo.practitioner.education",
    YOUTH: "demo.practitioner.youth",
    CARE: "demo.care",
}


def demo_accounts_by_role() -> list[tuple[str, DemoUser]]:
    """One demo account per role, in the order roles are declared: the first account holding it."""
    accounts = []
    for role in Role:
        user = next(u for u in DEMO_USERS if role in u.roles)
        accounts.append((role.value, user))
    return accounts


# --------------------------------------------------------------------------------------------
# Invented names and places
# --------------------------------------------------------------------------------------------


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


def _weights(text: str) -> dict[str, float]:
    """'a=3 b=1' as {'a': 3.0, 'b': 1.0}."""
    return {key: float(n) for key, n in (item.split("=") for item in text.split())}


GIRLS = _words(
    """
    Zephyrine Marigold Ember Wrenna Isolde Calliope Persephone Saffron Juniper Clementine
    Ottilie Araminta Lark Seraphina Thessaly Briony Delphine Elowen Fenella Griselda Hesper
    Imogen Jessamy Kestrel Lavinia Mirabel Nerissa Oriel Perdita Quintessa Rosamund
    Sabrielle Tamsin Ursula Verity Winifred Xanthe Yseult Zinnia Amaryllis Bryony Coralie
    Damaris Esmeralda Florentine Genevieve Honora Ianthe Jonquil Leocadia Melisande Ondine
    Philippa Roswitha Sidonie Theodora
    """
)
BOYS = _words(
    """
    Quillon Tobiah Caspian Lysander Peregrine Thaddeus Evander Orrin Fennick Barnaby
    Ignatius Cosmo Leopold Alaric Crispin Ansel Jericho Benedict Cassius Dashiell Ephraim
    Florian Gideon Hollis Isidore Jasper Kit Lucian Marcellus Nye Octavian Piers Rafferty
    Silas Tarquin Ulysses Valentine Wystan Xavier Zebedee Aurelio Bartholomew Cornelius
    Desmond Eustace Fitzroy Gulliver Horatio
    """
)
NEUTRAL = _words(
    """
    Rowan Sparrow Indigo Onyx Sage Wren Bramwell Linden
    """
)
NICKNAMES = _words(
    """
    Pip Bee Dot Kip Moth Fig Tully Bram Scout Jinx
    """
)

SURNAME_STARTS = _words(
    """
    Amber Bramble Copper Dapple Elder Fennel Gorse Hazel Juniper Kettle Larch Moss Nettle
    Otter Pebble Quill Rook Sorrel Tansy Umber Vetch Willow Yarrow Thistle Wren Marrow
    Crumble Fiddle Bracken Cobble Wobble Puddle Tumble Hollow Lantern Muddle
    """
)
SURNAME_ENDS = _words(
    """
    wick bottom thwaite whistle combe hollow stead feather worth brook gate more ridge dale
    shaw thorpe beck moss spindle kettle quill by
    """
)
STREET_STARTS = _words(
    """
    Moonpenny Gullwing Quaywhistle Lanternfish Cobwebb Hobnail Periwinkle Thimble Snapdragon
    Buttercrumb Mizzle Dandelion Wishbone Kingfisher Pumpernickel Starling Tinderbox
    Marzipan Fiddlehead Gingerwhisk Saltpetre Whirligig Crinkle Owlbrook
    """
)
STREET_ENDS = _words(
    """
    Lane Close Crescent Way Mews Row Drive Gardens Walk Rise Grove Court
    """
)
HOUSE_NAMES = _words(
    """
    Tumbledown Larkspur Hartwell Foxglove Nightjar Merriweather
    """
)
INWARD_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"  # letters real inward codes use (no C, I, K, M, O, V)

TOWNS = {code: name for code, name, _ in reference_data.DISTRICTS} | {
    "southend": "Southend-on-Sea",
    "thurrock": "Grays",
}
# Relative sizes of the council areas' child populations (rounded, for shape only).
AREA_WEIGHTS = _weights(
    """
    basildon=9 braintree=8 brentwood=4 castle-point=4 chelmsford=9 colchester=10
    epping-forest=7 harlow=5 maldon=3 rochford=4 tendring=8 uttlesford=4 southend=9 thurrock=9
    """
)
QUADRANT_OF = {code: quadrant for code, _, quadrant in reference_data.DISTRICTS}

ETHNICITY_WEIGHTS = _weights(
    """
    WBRI=680 WIRI=5 WOTH=60 WIRT=5 WROM=5 MWBC=30 MWBA=20 MWAS=20 MOTH=20 AIND=15 APKN=10
    ABAN=10 AOTH=10 BCRB=10 BAFR=35 BOTH=10 CHNE=5 OOTH=10 REFU=10 NOBT=20
    """
)
# Ages of children in scope: 81% aged 10 or over (data-standards.md), a few care leavers.
AGE_WEIGHTS = dict(zip(range(6, 19), (1, 2, 3, 5, 6, 8, 10, 13, 16, 17, 15, 10, 2), strict=True))
INDICATOR_WEIGHTS = _weights(
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

OPENINGS = (
    "{name} was seen by staff and appeared withdrawn and tired.",
    "{name}'s carer called to say {name} had not come home until the early hours.",
    "A teacher raised concerns after {name} missed several lessons this week.",
    "{name} said that an older friend had been giving them lifts after school.",
    "Staff noticed {name} with a new phone that they could not explain.",
    "{name} was found in a part of town they have no reason to visit.",
    "Another young person told staff they were worried about {name}.",
    "{name} attended an appointment with an adult who would not give their name.",
)
CLOSINGS = (
    "Strategy discussion requested.",
    "Referred on for an assessment of the risk of exploitation.",
    "Shared with the MACE coordinator for the quadrant.",
    "Parent informed and a safety plan discussed.",
    "Information shared under the partnership's information-sharing agreement.",
    "To be reviewed at the next supervision.",
)
INDICATOR_NOTES = (
    "Mentioned during a home visit",
    "Raised by school staff",
    "Noted at a health appointment",
    "Seen during a welfare check",
    "Recorded after a return home conversation",
    "Reported by a neighbour",
)


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
    scale: str
    seed: int
    today: date
    children: tuple[ChildPlan, ...]

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


def _moment(rng: random.Random, day: date) -> datetime:
    """A working-hours moment on `day`, in local time (never in the small hours, so never in a
    daylight-saving gap)."""
    naive = datetime.combine(day, time(rng.randint(8, 18), rng.randrange(60)))
    return timezone.make_aware(naive)


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
        self.nhs = _Unique()
        self.upn = _Unique()
        self.police = _Unique()
        self.local = _Unique()

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
        created_at = _moment(rng, created_day)
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
                since = _moment(rng, created_day + timedelta(days=rng.randint(0, days)))
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
            _moment(rng, created_at.date() + timedelta(days=rng.randint(1, max(span, 1))))
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
            value = self.nhs.take(lambda: nhs_number_with_check(f"999{rng.randrange(10**6):06d}"))
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
    planner = _Planner(scale, seed, today)
    children = tuple(planner.child(i) for i in range(SCALES[scale]))
    return Plan(scale=scale, seed=seed, today=today, children=children)


# --------------------------------------------------------------------------------------------
# Loading
# --------------------------------------------------------------------------------------------


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
    from mace.core.models import DemoDataSet
    from mace.people.models import Child

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
    from mace.accounts.models import User

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


def sync_demo_passwords(password: str) -> int:
    """Give the demo accounts `password` if they do not already have it (MACE_DEMO_PASSWORD may
    have changed since they were made). Returns how many accounts were changed."""
    from mace.accounts.models import User

    users = list(User.objects.filter(username__in=DEMO_USERNAMES))
    if not users or all(u.check_password(password) for u in users[:1]):
        return 0
    encoded = make_password(password)
    User.objects.filter(pk__in=[u.pk for u in users]).update(password=encoded)
    return len(users)


@transaction.atomic
def load(the_plan: Plan, *, password: str) -> dict[str, int]:
    """Write a plan to the database in bulk. Returns the number of rows of each kind."""
    from django.contrib.auth.models import Group, Permission

    from mace.accounts.models import RoleAssignment, User
    from mace.concerns.models import Concern, ConcernIndicator, ConcernRoute
    from mace.core.models import DemoDataSet
    from mace.people.models import (
        AgencyInvolvement,
        Child,
        ChildAddress,
        ChildIdentifier,
        ChronologyEntry,
    )
    from mace.reference.models import Agency, Definition, Indicator, PostcodeDistrict, Quadrant

    agencies = {a.name: a for a in Agency.objects.all()}
    needed = {u.agency for u in DEMO_USERS if u.agency} | set(AUTHOR_FOR_AGENCY)
    if missing := sorted(needed - set(agencies)):
        raise DemoRefused(
            f"The reference data has no agency called {', '.join(missing)}; the demo data "
            "needs the agencies the migrations load."
        )
    quadrants = {q.code: q for q in Quadrant.objects.all()}
    district_area = dict(PostcodeDistrict.objects.values_list("outward_code", "area_id"))
    indicators = {i.code: i for i in Indicator.objects.all()}
    definition = Definition.in_force()

    # Staff. One password hash for all (hashing is deliberately slow); saved one by one so their
    # change history starts.
    encoded = make_password(password)
    users: dict[str, User] = {}
    for spec in DEMO_USERS:
        user = User(
            username=spec.username,
            first_name=spec.first_name,
            last_name=spec.last_name,
            email=f"{spec.username}@example.invalid",
            job_title=spec.job_title,
            agency=agencies[spec.agency] if spec.agency else None,
            quadrant=quadrants.get(spec.quadrant) if spec.quadrant else None,
            is_staff=spec.is_staff,
            password=encoded,
        )
        user.save()
        for role in spec.roles:
            RoleAssignment.objects.create(user=user, role=role)
        users[spec.username] = user
    admins, _ = Group.objects.get_or_create(name="System administrators")
    admins.permissions.add(
        *Permission.objects.filter(content_type__app_label__in=["reference", "accounts"])
    )
    for spec in DEMO_USERS:
        if Role.SYSTEM_ADMIN in spec.roles:
            users[spec.username].groups.add(admins)
    author = {name: users[username] for name, username in AUTHOR_FOR_AGENCY.items()}

    def outward(postcode: str) -> str:
        return postcode[:-3]

    children = [
        Child(
            forename=c.forename,
            surname=c.surname,
            other_names=c.other_names,
            sex=c.sex,
            gender=c.gender,
            ethnicity=c.ethnicity,
            dob=c.dob,
            upn_unknown=c.upn_unknown,
            area_id=district_area.get(outward(c.addresses[0].postcode)),
            created_by=author[c.creator],
        )
        for c in the_plan.children
    ]
    Child.objects.bulk_create(children, batch_size=1000)

    addresses, identifiers, involvements, entries = [], [], [], []
    concerns: list[Concern] = []
    concern_children: list[tuple[Child, ChildPlan, ConcernPlan]] = []
    for child, c in zip(children, the_plan.children, strict=True):
        for a in c.addresses:
            addresses.append(
                ChildAddress(
                    child=child,
                    line1=a.line1,
                    line2=a.line2,
                    town=a.town,
                    postcode=a.postcode,
                    area_id=district_area.get(outward(a.postcode)),
                    start_date=a.start_date,
                    end_date=a.end_date,
                )
            )
        for i in c.identifiers:
            identifiers.append(
                ChildIdentifier(
                    child=child,
                    type=i.type,
                    value=i.value,
                    valid_from=i.valid_from,
                    agency=agencies[i.agency],
                )
            )
        for inv in c.involvements:
            involvements.append(
                AgencyInvolvement(
                    child=child, agency=agencies[inv.agency], reason=inv.reason, since=inv.since
                )
            )
        entries.append(
            ChronologyEntry(
                child=child,
                kind=EntryKind.RECORD_CREATED,
                occurred_at=c.created_at,
                recorded_at=c.created_at,
                title=f"Record created by {c.creator}",
                author=author[c.creator],
                agency=agencies[c.creator],
            )
        )
        for cp in c.concerns:
            concerns.append(
                Concern(
                    child=child,
                    author=author[cp.agency],
                    agency=agencies[cp.agency],
                    definition=definition,
                    narrative=cp.narrative,
                    recorded_at=cp.recorded_at,
                )
            )
            concern_children.append((child, c, cp))
    ChildAddress.objects.bulk_create(addresses, batch_size=1000)
    ChildIdentifier.objects.bulk_create(identifiers, batch_size=1000)
    AgencyInvolvement.objects.bulk_create(involvements, batch_size=1000)
    Concern.objects.bulk_create(concerns, batch_size=1000)

    concern_indicators, routes = [], []
    for concern, (child, _c, cp) in zip(concerns, concern_children, strict=True):
        seen = [ip for ip in cp.indicators if ip.code in indicators]
        for ip in seen:
            concern_indicators.append(
                ConcernIndicator(
                    concern=concern,
                    indicator=indicators[ip.code],
                    seen_on=ip.seen_on,
                    source=ip.source,
                    note=ip.note,
                )
            )
        for route, target in cp.routes:
            routes.append(ConcernRoute(concern=concern, route=route, target_date=target))
        labels = "; ".join(indicators[ip.code].label for ip in seen)
        entries.append(
            ChronologyEntry(
                child=child,
                kind=EntryKind.CONCERN,
                occurred_at=cp.recorded_at,
                recorded_at=cp.recorded_at,
                title=f"Concern recorded by {cp.agency}: {labels}"[:200],
                body=cp.narrative,
                author=author[cp.agency],
                agency=agencies[cp.agency],
                concern=concern,
            )
        )
    ConcernIndicator.objects.bulk_create(concern_indicators, batch_size=1000)
    ConcernRoute.objects.bulk_create(routes, batch_size=1000)
    ChronologyEntry.objects.bulk_create(entries, batch_size=1000)

    counts = {
        "children": len(children),
        "addresses": len(addresses),
        "identifiers": len(identifiers),
        "agency involvements": len(involvements),
        "concerns": len(concerns),
        "indicators seen": len(concern_indicators),
        "routes": len(routes),
        "chronology entries": len(entries),
        "users": len(users),
    }
    # --- missing ---
    from mace.missing import demo as missing_demo

    counts.update(missing_demo.load(the_plan, children=children, users=users, agencies=agencies))
    # --- intelligence: persons of concern, places, vehicles, phones and accounts, linked ---
    from mace.intelligence import demo as intelligence_demo

    counts |= intelligence_demo.load(
        the_plan, children=children, concerns=concerns, users=users, agencies=agencies
    )
    # --- assessments ---
    from mace.assessments import demo as assessments_demo

    assessed = assessments_demo.load(
        the_plan,
        children=children,
        users=users,
        agencies=agencies,
        author_for_agency=AUTHOR_FOR_AGENCY,
    )
    counts["chronology entries"] += assessed.pop("chronology entries", 0)
    counts |= assessed
    # --- MACE criteria: who meets them, from the assessments and episodes just loaded ---
    from mace.criteria.services import eligibility_refresh

    counts["children meeting the MACE criteria"] = eligibility_refresh().started
    # --- MACE meetings: a year of part 1 and part 2 meetings per quadrant, and their actions ---
    from mace.meetings import demo as meetings_demo

    met, actions = meetings_demo.load_with_actions(the_plan, users=users, agencies=agencies)
    counts["chronology entries"] += met.pop("chronology entries (MACE decisions)", 0)
    counts |= met
    # --- disruption: against the threats those meetings discussed, and their actions ---
    from mace.disruption import demo as disruption_demo

    counts |= disruption_demo.load(the_plan, users=users, agencies=agencies, actions=actions)
    DemoDataSet.objects.create(
        scale=the_plan.scale,
        seed=the_plan.seed,
        reference_date=the_plan.today,
        children=len(children),
        concerns=len(concerns),
        users=len(users),
    )
    return counts
