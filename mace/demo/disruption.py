"""The demo's disruption: about one disruption activity for every three MACE actions, on a person of
concern, a location or a vehicle of the action's quadrant where there is one, dated in the weeks
after the action's meeting, with the dates, statuses and outcomes such activity has; and
evidence items collected for some of them.

Deterministic from the plan's seed and 'today' and the rows passed in (taken in id order).
Written in bulk with their first history rows, keeping the services' rules: granted and served
are not before applied, expiry is not before them, and only expiry and review dates are in the
future. Everything is invented."""

from __future__ import annotations

import random
from collections.abc import Sequence
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any

from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from mace.disruption.choices import DisruptionStatus, DisruptionType, EvidenceKind

if TYPE_CHECKING:
    from mace.accounts.models import User
    from mace.demo.plan import Plan
    from mace.intelligence.models import Record
    from mace.meetings.models import Action
    from mace.reference.models import Agency

POLICE = "Essex Police"

# What can be done against each kind of subject.
TYPES_FOR: dict[str, list[str]] = {
    "location": [
        DisruptionType.CLOSURE_NOTICE,
        DisruptionType.CLOSURE_ORDER,
        DisruptionType.HOTEL_NOTICE,
        DisruptionType.LICENCE_REVIEW,
        DisruptionType.HOUSING,
        DisruptionType.CPN,
    ],
    "person": [
        DisruptionType.CAWN,
        DisruptionType.CAWN,
        DisruptionType.SRO,
        DisruptionType.STRO,
        DisruptionType.ARREST,
        DisruptionType.CHARGE,
        DisruptionType.NRM,
        DisruptionType.INTELLIGENCE,
    ],
    "vehicle": [DisruptionType.INTELLIGENCE, DisruptionType.OTHER, DisruptionType.ARREST],
}
# How long each lasts once served (days), where it expires: a closure notice 48 hours, a closure
# order up to three months, a CAWN (in Essex practice) six months, an SRO at least two years.
LASTS: dict[str, int] = {
    DisruptionType.CLOSURE_NOTICE: 2,
    DisruptionType.CLOSURE_ORDER: 90,
    DisruptionType.CAWN: 182,
    DisruptionType.SRO: 730,
    DisruptionType.STRO: 730,
    DisruptionType.CPN: 180,
    DisruptionType.HOTEL_NOTICE: 182,
}
LEGAL_BASIS: dict[str, str] = {
    DisruptionType.CAWN: "Child Abduction Act 1984 s.2 / Children Act 1989 s.49",
    DisruptionType.SRO: "Sexual Offences Act 2003 s.122A",
    DisruptionType.STRO: "Modern Slavery Act 2015 s.23",
    DisruptionType.CLOSURE_NOTICE: "Anti-social Behaviour, Crime and Policing Act 2014 s.76",
    DisruptionType.CLOSURE_ORDER: "Anti-social Behaviour, Crime and Policing Act 2014 s.80",
    DisruptionType.HOTEL_NOTICE: "Anti-social Behaviour, Crime and Policing Act 2014 s.116",
    DisruptionType.LICENCE_REVIEW: "Licensing Act 2003 s.51",
    DisruptionType.CPN: "Anti-social Behaviour, Crime and Policing Act 2014 s.43",
    DisruptionType.HOUSING: "Housing Act 1985 Sch.2 ground 2",
    DisruptionType.NRM: "Modern Slavery Act 2015 s.52",
}
OUTCOMES = [
    "Served in person; the subject was told what the notice means (fictional)",
    "Complied with so far; no further sightings with children (fictional)",
    "Breached once; reported to the police (fictional)",
    "Premises manager engaged; staff briefed on the signs of exploitation (fictional)",
    "",
]
EVIDENCE = [
    (EvidenceKind.STATEMENT, "Witness statement of a member of staff (fictional)"),
    (EvidenceKind.CCTV, "CCTV of the entrance over the weekend (fictional)"),
    (EvidenceKind.PHONE_DOWNLOAD, "Download of a seized phone (fictional)"),
    (EvidenceKind.ANPR, "ANPR hits on the vehicle over a month (fictional)"),
    (EvidenceKind.PHOTOGRAPH, "Photographs of the room (fictional)"),
    (EvidenceKind.DOCUMENT, "Hotel booking records (fictional)"),
]
# Standalone disruption when there are no actions to come from, so the pages have something.
WITHOUT_ACTIONS = 6


def _moment(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(12)))


class _Builder:
    def __init__(self, the_plan: Plan, users: dict[str, User], agencies: dict[str, Agency]):
        self.rng = random.Random(the_plan.seed)
        self.today = the_plan.today
        self.users = sorted(users.values(), key=lambda u: u.username)
        self.agencies = agencies

    def author(self, agency: Agency, fallback: User | None) -> User | None:
        for user in self.users:
            if user.agency_id == agency.pk and user.is_active:
                return user
        return fallback or (self.users[0] if self.users else None)

    def dates(self, type_: str, start: date) -> dict[str, Any]:
        """The dates and status of a disruption started on `start` (never after today)."""
        rng, today = self.rng, self.today
        applied = min(start + timedelta(days=rng.randint(1, 10)), today)
        values: dict[str, Any] = {"applied_on": applied, "status": DisruptionStatus.APPLIED}
        if rng.random() < 0.1:
            return values | {"status": DisruptionStatus.REFUSED}
        granted = applied + timedelta(days=rng.randint(0, 7))
        if granted > today:
            return values
        values |= {"granted_on": granted, "status": DisruptionStatus.GRANTED}
        served = granted + timedelta(days=rng.randint(0, 3))
        if served <= today:
            values |= {"served_on": served, "status": DisruptionStatus.SERVED}
        if type_ in LASTS:
            expires = max(served, granted) + timedelta(days=LASTS[type_])
            values["expires_on"] = expires
            if expires < today:
                values["status"] = DisruptionStatus.EXPIRED
            else:
                # Reviewed every four weeks while in force: the next review from today.
                weeks = max(1, -(-(today - granted).days // 28))
                values["review_on"] = granted + timedelta(days=28 * weeks)
        elif values["status"] == DisruptionStatus.SERVED and rng.random() < 0.5:
            values["status"] = DisruptionStatus.COMPLETED
        return values


def load(
    the_plan: Plan,
    *,
    users: dict[str, User],
    agencies: dict[str, Agency],
    actions: Sequence[Action],
) -> dict[str, int]:
    """Write the demo's disruption and evidence for the saved MACE actions (possibly none) and
    intelligence records. Returns the number of rows of each kind."""
    from mace.disruption.models import Disruption, EvidenceItem
    from mace.intelligence.models import Record

    records: list[Record] = list(
        Record.objects.filter(kind__in=list(TYPES_FOR), about_a_minor=False, area__isnull=False)
        .select_related("area")
        .order_by("pk")
    )
    counts = {"disruptions": 0, "evidence items": 0}
    police = agencies.get(POLICE)
    if not records or police is None:
        return counts
    builder = _Builder(the_plan, users, agencies)
    rng = builder.rng
    by_quadrant: dict[int | None, list[Record]] = {}
    for record in records:
        by_quadrant.setdefault(record.area.quadrant_id if record.area else None, []).append(record)

    # (start day, quadrant, action) for each disruption to make.
    starts: list[tuple[date, int | None, Action | None]] = []
    ordered = sorted(actions, key=lambda a: a.pk)
    for each in ordered:
        if rng.random() < 1 / 3:
            meeting = each.meeting
            starts.append((timezone.localdate(meeting.starts_at), meeting.quadrant_id, each))
    if not ordered:
        for _ in range(WITHOUT_ACTIONS):
            starts.append((the_plan.today - timedelta(days=rng.randint(20, 200)), None, None))

    disruptions: list[Disruption] = []
    for start, quadrant_id, action in starts:
        start = min(start, the_plan.today)
        subject = rng.choice(by_quadrant.get(quadrant_id) or records)
        type_ = rng.choice(TYPES_FOR[subject.kind])
        child = (
            action.child
            if action is not None and type_ in (DisruptionType.CAWN, DisruptionType.NRM)
            else None
        )
        lead = action.owner_agency if action is not None else police
        author = builder.author(lead, action.created_by if action else None)
        if author is None:
            continue
        values = builder.dates(type_, start)
        disruptions.append(
            Disruption(
                type=type_,
                subject=subject,
                child=child,
                lead_agency=lead,
                legal_basis=LEGAL_BASIS.get(type_, ""),
                outcome=rng.choice(OUTCOMES) if values.get("served_on") else "",
                action=action,
                created_at=_moment(values["applied_on"]),
                created_by=author,
                **values,
            )
        )
    if not disruptions:
        return counts
    saved = bulk_create_with_history(disruptions, Disruption, batch_size=500)
    # SQLite and PostgreSQL both give the keys back; fall back to reading them in order.
    if any(d.pk is None for d in saved):
        saved = list(Disruption.objects.order_by("-pk")[: len(disruptions)])[::-1]

    items: list[EvidenceItem] = []
    for disruption in saved:
        if disruption.subject.kind != "person" and disruption.child_id is None:
            continue
        if rng.random() < 0.5:
            continue
        for _ in range(rng.randint(1, 2)):
            kind, description = rng.choice(EVIDENCE)
            collected = disruption.applied_on or the_plan.today
            items.append(
                EvidenceItem(
                    description=description,
                    kind=kind,
                    collected_on=min(collected + timedelta(days=rng.randint(0, 5)), the_plan.today),
                    collected_by=disruption.lead_agency,
                    child_id=disruption.child_id,
                    person=disruption.subject if disruption.subject.kind == "person" else None,
                    action_id=disruption.action_id,
                    disruption=disruption,
                    storage_reference=f"EX/{rng.randint(1000, 9999)} (fictional)",
                    created_at=_moment(collected),
                    created_by=disruption.created_by,
                )
            )
    if items:
        bulk_create_with_history(items, EvidenceItem, batch_size=500)
    counts["disruptions"] = len(saved)
    counts["evidence items"] = len(items)
    return counts
