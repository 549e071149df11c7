"""The demo's intelligence picture: in each quadrant (and, from county scale up, each unitary)
a few synthetic networks, each a handful of persons of concern who share vehicles and phones,
the hotels, takeaways, parks and addresses they use, and links to seeded children of that area
with the sources and gradings a real picture has (mostly corroborated or reported, some
unconfirmed or doubted, some not graded yet).

Deterministic from the scale and seed (its own random stream, so the children's data set does not
change) and the plan's 'today'. Written with bulk inserts, keeping what the services keep: a link
to a child is recorded by an agency already involved with the child and goes on the child's
chronology; a record's identity carries its label and area.

Everything is invented: names are made-up compounds, registrations start ZZ (a prefix DVLA never
issues), phone numbers are from Ofcom's range for drama (07700 900000 to 900999), postcodes pair a
real outward code with an invented inward code starting 9Z, and handles are nonsense words."""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.contrib.contenttypes.models import ContentType
from django.utils import timezone
from django.utils.timezone import localtime

from mace.demo.accounts import AUTHOR_FOR_AGENCY
from mace.demo.words import HOUSE_NAMES, STREET_ENDS, STREET_STARTS, TOWNS
from mace.intelligence.choices import (
    HandlingCode,
    LocationKind,
    PersonCategory,
    Platform,
    RecordKind,
    Relationship,
    SourceKind,
)
from mace.intelligence.kinds import KINDS
from mace.intelligence.normalise import address_key, normalise_handle
from mace.reference import data as reference_data

if TYPE_CHECKING:
    from mace.accounts.models import User
    from mace.demo.plan import ChildPlan, Plan
    from mace.intelligence.models import IntelligenceRecord
    from mace.people.models import Child, ChronologyEntry
    from mace.reference.models import Agency


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


# Networks in each quadrant; from county scale up the two unitaries get a quarter as many each.
# The larger scales have more, but not in proportion to their children: the invented phone
# numbers (a thousand) and postcodes (twenty inward codes for each outward code) would run out.
NETWORKS = {"tiny": 1, "county": 4, "large": 8, "national": 12}


POLICE = "Essex Police"
CSC_AGENCIES = (
    "Essex Children and Families (social care)",
    "Southend Children's Services",
    "Thurrock Children's Services",
)
POLICE_AUTHOR = "demo.practitioner.police"
# The demo's district council and CSP officers record some places in their own districts.
DISTRICT_AUTHORS = {
    "basildon": ("Basildon District Council", "demo.district"),
    "colchester": ("Colchester Community Safety Partnership", "demo.csp"),
}


@dataclass(frozen=True)
class Candidate:
    """A saved child who may be linked to a network: one with concerns, whom the police or
    children's social care are involved with (as planned; `agencies`)."""

    pk: int
    forename: str
    area: str
    agencies: tuple[str, ...]
    created_at: datetime


def candidate(pk: int, child: ChildPlan) -> Candidate | None:
    """The child as a candidate for the networks, or None if they cannot be one."""
    agencies = tuple(i.agency for i in child.involvements)
    if not child.concerns or not set(agencies) & {POLICE, *CSC_AGENCIES}:
        return None
    return Candidate(pk, child.forename, child.area, agencies, child.created_at)


@dataclass(frozen=True)
class _Origin:
    pk: int
    recorded_at: datetime


MEN = _words(
    "Mordecai Lucius Silvanus Ambrose Caradoc Jago Lorcan Osric Radley Severin Tybalt Ulric"
)
WOMEN = _words("Drusilla Morwenna Cressida Isaura Melusine Rhiannon Thomasina")
SURNAME_STARTS = _words("Black Grim Crow Slate Ash Flint Rust Cinder Soot Tallow Ember Gall")
SURNAME_ENDS = _words("whistle sditch barrow wick moor ridge combe thorne shank gate")
STREET_NAMES = _words("Smudge Vex Dice Stitch Brix Nails Ghost Spanner Tinker Jackdaw")
MAKES = {
    "Ford": ("Fiesta", "Focus", "Transit"),
    "Vauxhall": ("Corsa", "Astra", "Insignia"),
    "Volkswagen": ("Golf", "Polo", "Passat"),
    "BMW": ("1 Series", "3 Series", "X5"),
    "Audi": ("A3", "A4", "Q5"),
    "Mercedes-Benz": ("A-Class", "C-Class", "Sprinter"),
    "Toyota": ("Yaris", "Prius", "Aygo"),
    "Nissan": ("Micra", "Qashqai", "Juke"),
}
COLOURS = _words("Black Silver Grey White Blue Red")
HANDLE_WORDS = _words("kipper moonpenny gullwing whirligig tinderbox fable marzipan snapdragon")
PLATE_LETTERS = "ABCDEFGHJKLMNPRSTUVWXY"
INWARD_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"

# Rough centres of the council areas (public geography), so points fall in the right place.
CENTRES: dict[str, tuple[float, float]] = {
    "basildon": (51.576, 0.488),
    "braintree": (51.878, 0.553),
    "brentwood": (51.620, 0.305),
    "castle-point": (51.553, 0.590),
    "chelmsford": (51.736, 0.469),
    "colchester": (51.889, 0.901),
    "epping-forest": (51.700, 0.110),
    "harlow": (51.768, 0.095),
    "maldon": (51.731, 0.677),
    "rochford": (51.582, 0.706),
    "tendring": (51.789, 1.156),
    "uttlesford": (51.872, 0.360),
    "southend": (51.538, 0.714),
    "thurrock": (51.478, 0.325),
}

# How links are graded in the demo: (source evaluation, assessment, weight). Mostly reported or
# corroborated, as a real picture is; some unconfirmed, a few doubted, some not graded yet.
GRADINGS = (
    ("1", "A", 5),
    ("2", "B", 30),
    ("2", "C", 22),
    ("3", "C", 10),
    ("2", "D", 10),
    ("3", "E", 4),
    ("", "", 19),
)
CHILD_SOURCES: dict[str, int] = {
    SourceKind.OFFICER: 4,
    SourceKind.PRACTITIONER: 4,
    SourceKind.CHILD: 2,
    SourceKind.RETURN_INTERVIEW: 3,
    SourceKind.PARENT: 2,
    SourceKind.PUBLIC: 1,
    SourceKind.ANONYMOUS: 1,
}
RECORD_SOURCES: dict[str, int] = {
    SourceKind.OFFICER: 5,
    SourceKind.SYSTEMS: 3,
    SourceKind.ONLINE: 1,
    SourceKind.COVERT: 1,
    SourceKind.PUBLIC: 1,
}
NOTES = (
    "Seen together outside the shops in the early evening.",
    "Named by a young person as someone who gives out lifts.",
    "ANPR shows the car near the address on several evenings.",
    "Said to use this number to arrange meetings.",
    "Reported by a neighbour; not yet checked.",
    "Seen at the location after dark by a patrol.",
    "Messages on the account invite young people to 'parties'.",
)


@dataclass
class _Network:
    districts: list[str]
    persons: list[Any] = field(default_factory=list)
    locations: list[Any] = field(default_factory=list)
    vehicles: list[Any] = field(default_factory=list)
    phones: list[Any] = field(default_factory=list)
    accounts: list[Any] = field(default_factory=list)


class _Builder:
    def __init__(
        self,
        the_plan: Plan,
        *,
        users: dict[str, User],
        agencies: dict[str, Agency],
        areas: dict[str, Any],
    ) -> None:
        self.rng = random.Random(f"mace-intelligence:{the_plan.scale}:{the_plan.seed}")
        self.today = the_plan.today
        self.users = users
        self.agencies = agencies
        self.areas = areas
        self.records: list[tuple[str, IntelligenceRecord, str, User]] = []  # kind, record, agency
        self.links: list[dict[str, Any]] = []  # ends are the records, until they are saved
        self.plates: set[str] = set()
        self.phone_numbers = list(range(1000))
        self.rng.shuffle(self.phone_numbers)
        self.handles: set[str] = set()
        self.inward: set[str] = set()

    # -- records ------------------------------------------------------------------------------

    def _add(self, record: IntelligenceRecord, agency: str, author: str) -> IntelligenceRecord:
        self.records.append((record.KIND, record, agency, self.users[author]))
        return record

    def _postcode(self, district: str) -> str:
        while True:
            outward = self.rng.choice(reference_data.POSTCODE_DISTRICTS[district])
            postcode = f"{outward}9Z{self.rng.choice(INWARD_LETTERS)}"
            if postcode not in self.inward:
                self.inward.add(postcode)
                return postcode

    def person(self, district: str, *, peer: bool = False) -> Any:
        from mace.intelligence.models import PersonOfConcern

        rng = self.rng
        # Most persons of concern known to MACE are men; some are women.
        sex = "F" if rng.random() < 0.2 else "M"
        forename = rng.choice(WOMEN if sex == "F" else MEN)
        name = f"{forename} {rng.choice(SURNAME_STARTS)}{rng.choice(SURNAME_ENDS)}"
        age = rng.randint(15, 17) if peer else rng.randint(19, 46)
        aliases = rng.choice(STREET_NAMES) if rng.random() < 0.5 else ""
        record = PersonOfConcern(
            name=name,
            aliases=aliases,
            age_estimate=age,
            age_estimated_on=self.today - timedelta(days=rng.randint(0, 200)),
            sex=sex,
            category=PersonCategory.PEER if peer else PersonCategory.ADULT,
            area=self.areas[district],
            description="Synthetic demo record.",
        )
        return self._add(record, POLICE, POLICE_AUTHOR)

    def location(self, district: str, kind: str) -> Any:
        from mace.intelligence.models import Location

        rng = self.rng
        start, end = rng.choice(STREET_STARTS), rng.choice(STREET_ENDS)
        street = f"{rng.randint(1, 140)} {start} {end}"
        town = TOWNS[district]
        names: dict[str, str] = {
            LocationKind.HOTEL: f"The {rng.choice(STREET_STARTS)} Lodge Hotel",
            LocationKind.TAKEAWAY: f"{rng.choice(STREET_STARTS)} Chicken and Chips",
            LocationKind.PARK: f"{start} Park",
            LocationKind.TRANSPORT: f"{town} bus station",
            LocationKind.LICENSED: f"The {rng.choice(STREET_STARTS)} Arms",
            LocationKind.ADDRESS: "",
        }
        name = names[kind]
        line1 = (
            f"Flat {rng.randint(1, 30)}, {rng.choice(HOUSE_NAMES)} House"
            if kind == LocationKind.ADDRESS
            else ("" if kind == LocationKind.PARK else street)
        )
        line2 = f"{start} {end}" if kind == LocationKind.ADDRESS else ""
        postcode = self._postcode(district)
        lat, lon = CENTRES[district]
        record = Location(
            kind=kind,
            name=name,
            line1=line1,
            line2=line2,
            town=town,
            postcode=postcode,
            latitude=Decimal(f"{lat + rng.uniform(-0.015, 0.015):.6f}"),
            longitude=Decimal(f"{lon + rng.uniform(-0.015, 0.015):.6f}"),
            area=self.areas[district],
            address_key=address_key(postcode, line1 or name),
            description="Synthetic demo record.",
        )
        agency, author = POLICE, POLICE_AUTHOR
        if district in DISTRICT_AUTHORS and rng.random() < 0.4:
            agency, author = DISTRICT_AUTHORS[district]
        return self._add(record, agency, author)

    def vehicle(self, district: str) -> Any:
        from mace.intelligence.models import Vehicle

        rng = self.rng
        while True:
            letters = "".join(rng.choice(PLATE_LETTERS) for _ in range(3))
            plate = f"ZZ{rng.randint(10, 74):02d}{letters}"
            if plate not in self.plates:
                self.plates.add(plate)
                break
        make = rng.choice(sorted(MAKES))
        record = Vehicle(
            registration=plate,
            make=make,
            model=rng.choice(MAKES[make]),
            colour=rng.choice(COLOURS),
            area=self.areas[district],
            description="Synthetic demo record.",
        )
        return self._add(record, POLICE, POLICE_AUTHOR)

    def phone(self) -> Any:
        from mace.intelligence.models import Phone

        # Ofcom keeps 07700 900000-900999 for drama: no real phone has one of these numbers.
        number = f"07700900{self.phone_numbers.pop():03d}"
        return self._add(
            Phone(number=number, description="Synthetic demo record."), POLICE, POLICE_AUTHOR
        )

    def account(self) -> Any:
        from mace.intelligence.models import OnlineAccount

        rng = self.rng
        platform = rng.choice(
            [Platform.SNAPCHAT, Platform.INSTAGRAM, Platform.TIKTOK, Platform.TELEGRAM]
        )
        while True:
            handle = f"{rng.choice(HANDLE_WORDS)}_{rng.choice(HANDLE_WORDS)}{rng.randint(1, 99)}"
            if (platform, handle) not in self.handles:
                self.handles.add((platform, handle))  # type: ignore[arg-type]
                break
        record = OnlineAccount(
            platform=platform,
            handle=handle,
            handle_key=normalise_handle(handle),
            display_name=handle.split("_")[0].title(),
            description="Synthetic demo record.",
        )
        return self._add(record, POLICE, POLICE_AUTHOR)

    # -- links --------------------------------------------------------------------------------

    def _grading(self) -> tuple[str, str]:
        evaluation, assessment, _ = self.rng.choices(GRADINGS, weights=[g[2] for g in GRADINGS])[0]
        return evaluation, assessment

    def _handling(self) -> tuple[str, str]:
        if self.rng.random() < 0.15:
            return HandlingCode.CONDITIONS, "Not to be shared beyond MACE members without asking"
        return HandlingCode.PERMITTED, ""

    def _link(
        self,
        *,
        relationship: str,
        target: Any,
        subject: Any = None,
        child: Child | None = None,
        agency: str = POLICE,
        author: str = POLICE_AUTHOR,
        sources: dict[str, int],
        not_before: date | None = None,
        origin: Any = None,
    ) -> None:
        rng = self.rng
        evaluation, assessment = self._grading()
        handling, conditions = self._handling()
        year_ago = self.today - timedelta(days=365)
        if origin is not None:
            not_before = max(not_before or year_ago, origin.recorded_at.date())
        earliest = max(not_before or year_ago, year_ago)
        span = max((self.today - earliest).days, 1)
        day = earliest + timedelta(days=rng.randint(0, span - 1) if span > 1 else 0)
        source = rng.choices(list(sources), weights=list(sources.values()))[0]
        self.links.append(
            {
                "subject": subject,
                "child": child,
                "relationship": relationship,
                "target": target,
                "information_date": min(day, self.today),
                "source_agency": self.agencies[agency],
                "source_kind": source,
                "source_evaluation": evaluation,
                "intelligence_assessment": assessment,
                "handling_code": handling,
                "handling_conditions": conditions,
                "note": rng.choice(NOTES) if rng.random() < 0.6 else "",
                "origin_id": origin.pk if origin is not None else None,
                "agency": self.agencies[agency],
                "created_by": self.users[author],
                "created_at": _moment(min(day + timedelta(days=rng.randint(0, 3)), self.today)),
            }
        )

    def network(
        self, districts: list[str], children: list[tuple[Child, Candidate, list[Any]]]
    ) -> None:
        rng = self.rng
        net = _Network(districts)
        home = districts[0]
        organiser = self.person(home)
        net.persons = [organiser] + [
            self.person(rng.choice(districts), peer=rng.random() < 0.2)
            for _ in range(rng.randint(1, 3))
        ]
        kinds = [LocationKind.ADDRESS, LocationKind.HOTEL, LocationKind.TAKEAWAY, LocationKind.PARK]
        kinds += rng.sample([LocationKind.TRANSPORT, LocationKind.LICENSED], rng.randint(0, 2))
        net.locations = [
            self.location(home if n == 0 else districts[n % len(districts)], kind)
            for n, kind in enumerate(kinds)
        ]
        net.vehicles = [self.vehicle(home) for _ in range(rng.randint(1, 3))]
        net.phones = [self.phone() for _ in range(rng.randint(2, 4))]
        net.accounts = [self.account() for _ in range(rng.randint(1, 2))]

        # Among the persons: who knows whom, who uses what, who lives and goes where. Vehicles
        # and phones are shared, as they are in real networks.
        for other in net.persons[1:]:
            self._link(
                relationship=Relationship.ASSOCIATED_WITH, subject=organiser, target=other,
                sources=RECORD_SOURCES,
            )  # fmt: skip
        for vehicle in net.vehicles:
            for user in rng.sample(net.persons, min(len(net.persons), rng.randint(1, 2))):
                self._link(
                    relationship=Relationship.USES, subject=user, target=vehicle,
                    sources=RECORD_SOURCES,
                )  # fmt: skip
            self._link(
                relationship=Relationship.SEEN_AT, subject=vehicle,
                target=rng.choice(net.locations[1:]), sources=RECORD_SOURCES,
            )  # fmt: skip
        for phone in net.phones:
            for user in rng.sample(net.persons, min(len(net.persons), rng.randint(1, 2))):
                self._link(
                    relationship=Relationship.USES, subject=user, target=phone,
                    sources=RECORD_SOURCES,
                )  # fmt: skip
        for account in net.accounts:
            self._link(
                relationship=Relationship.USES, subject=rng.choice(net.persons), target=account,
                sources=RECORD_SOURCES,
            )  # fmt: skip
        self._link(
            relationship=Relationship.LIVES_AT, subject=organiser, target=net.locations[0],
            sources=RECORD_SOURCES,
        )  # fmt: skip
        for person in net.persons[1:]:
            self._link(
                relationship=Relationship.GOES_TO, subject=person,
                target=rng.choice(net.locations[1:]), sources=RECORD_SOURCES,
            )  # fmt: skip

        # The children: each linked to a few of the network's persons, places and phones.
        for child, child_plan, concerns in children:
            recorder = (
                POLICE
                if POLICE in child_plan.agencies
                else next(a for a in child_plan.agencies if a in CSC_AGENCIES)
            )
            author = AUTHOR_FOR_AGENCY[recorder]
            since = child_plan.created_at.date()
            choices = [
                (Relationship.SEEN_WITH, rng.choice(net.persons)),
                (Relationship.CONTACTED_BY, rng.choice(net.phones + net.accounts)),
                (Relationship.FOUND_AT, rng.choice(net.locations[1:])),
                (Relationship.GOES_TO, rng.choice(net.locations[1:])),
                (Relationship.GIVEN_LIFTS_BY, rng.choice(net.vehicles)),
                (Relationship.GIVEN_GIFTS_BY, organiser),
            ]
            for relationship, target in rng.sample(choices, rng.randint(2, 4)):
                origin = rng.choice(concerns) if concerns and rng.random() < 0.3 else None
                self._link(
                    relationship=relationship,
                    target=target,
                    child=child,
                    agency=recorder,
                    author=author,
                    sources=CHILD_SOURCES,
                    not_before=since,
                    origin=origin,
                )


def _moment(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(12)))


def _patches(scale: str) -> list[list[str]]:
    """The districts of each network: per quadrant (the demo's own district officers' districts
    first, so they have something to see even at the tiny scale), and the unitaries at county
    scale."""
    first = {"basildon": 0, "colchester": 0}
    patches = []
    for quadrant, _ in reference_data.QUADRANTS:
        districts = sorted(
            (code for code, _, q in reference_data.DISTRICTS if q == quadrant),
            key=lambda code: (first.get(code, 1), code),
        )
        patches += [districts] * NETWORKS[scale]
    if scale != "tiny":
        patches += [[code] for code, _ in reference_data.UNITARIES] * (NETWORKS[scale] // 4)
    return patches


def load(
    the_plan: Plan,
    *,
    candidates: Sequence[Candidate],
    users: dict[str, User],
    agencies: dict[str, Agency],
) -> dict[str, int]:
    """Write the intelligence picture for a loaded demo data set: `the_plan` gives its scale,
    seed and 'today', `candidates` the saved children who may be linked (`candidate()`, in the
    plan's order). Returns the number of rows of each kind."""
    from mace.concerns.models import Concern
    from mace.intelligence.models import Link, Record
    from mace.intelligence.services import link_chronology_entry
    from mace.people.choices import EntryKind
    from mace.people.models import Child, ChronologyEntry
    from mace.reference.models import Area

    areas = {a.code: a for a in Area.objects.select_related("quadrant")}
    builder = _Builder(the_plan, users=users, agencies=agencies, areas=areas)
    # Each patch's children not yet linked to a network, in the plan's order (patches with the
    # same districts share them).
    pools: dict[frozenset[str], list[Candidate]] = {}
    for rotation, districts in enumerate(_patches(the_plan.scale)):
        # Rotate which district leads, so a quadrant's networks are centred in different places.
        lead = rotation % len(districts) if rotation >= len(reference_data.QUADRANTS) else 0
        districts = districts[lead:] + districts[:lead]
        key = frozenset(districts)
        if key not in pools:
            pools[key] = [c for c in candidates if c.area in key]
        pool = pools[key]
        picks = builder.rng.sample(range(len(pool)), min(len(pool), builder.rng.randint(3, 6)))
        chosen = [pool[n] for n in picks]
        for n in sorted(picks, reverse=True):
            del pool[n]
        concerns_of: dict[int, list[_Origin]] = {}
        for pk, child_id, recorded_at in (
            Concern.objects.filter(child_id__in=[c.pk for c in chosen])
            .order_by("pk")
            .values_list("pk", "child_id", "recorded_at")
        ):
            concerns_of.setdefault(child_id, []).append(_Origin(pk, localtime(recorded_at)))
        builder.network(
            districts,
            [(Child(pk=c.pk, forename=c.forename), c, concerns_of.get(c.pk, [])) for c in chosen],
        )

    identities = [
        Record(
            kind=kind,
            label=record.label[:300],
            area_id=record.record_area_id,
            about_a_minor=record.record_about_a_minor,
            agency=agencies[agency],
            created_by=author,
            # Before any of its links (which go back a year at most).
            created_at=_moment(the_plan.today - timedelta(days=builder.rng.randint(370, 500))),
        )
        for kind, record, agency, author in builder.records
    ]
    Record.objects.bulk_create(identities, batch_size=1000)
    by_kind: dict[str, list[IntelligenceRecord]] = {}
    for identity, (kind, record, _, _) in zip(identities, builder.records, strict=True):
        record.record = identity
        by_kind.setdefault(kind, []).append(record)
    for kind, records in by_kind.items():
        KINDS[kind].model._default_manager.bulk_create(records, batch_size=1000)

    concern_type = ContentType.objects.get_by_natural_key("concerns", "concern")
    links = []
    entries: list[ChronologyEntry] = []
    for values in builder.links:
        subject = values["subject"].record if values["subject"] is not None else None
        target = values["target"].record
        # The same order the service stores a symmetric relationship in.
        if values["relationship"] == Relationship.ASSOCIATED_WITH and subject is not None:
            subject, target = sorted([subject, target], key=lambda record: record.pk)
        link = Link(**(values | {"subject": subject, "target": target}))
        if link.origin_id is not None:
            link.origin_type = concern_type
        links.append(link)
        child = values["child"]
        if child is not None:
            title, body, _ = link_chronology_entry(
                forename=child.forename, link=link, target_kind=target.kind, agency=link.agency.name
            )
            entries.append(
                ChronologyEntry(
                    child=child,
                    kind=EntryKind.NOTE,
                    occurred_at=_moment(link.information_date),
                    recorded_at=link.created_at,
                    title=title,
                    body=body,
                    author=link.created_by,
                    agency=link.agency,
                )
            )
    Link.objects.bulk_create(links, batch_size=1000)
    ChronologyEntry.objects.bulk_create(entries, batch_size=1000)
    counts = {KINDS[kind].plural: len(by_kind.get(kind, [])) for kind in RecordKind.values}
    counts["intelligence links"] = len(links)
    counts["intelligence chronology entries"] = len(entries)
    return counts
