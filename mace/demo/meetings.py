"""The demo data set's MACE meetings: for each quadrant a year of part 1 (monthly) and part 2
(every other month) meetings up to the plan's today, following the quadrant's cadence, with
members and attendance, agendas drawn from the children who meet the MACE criteria and their
reviews, the panel's discussions and decisions (on the children's chronologies, since every past
meeting's minutes are signed off), part 2 threats on the quadrant's intelligence records, Stay
Safe and training themes, and the actions the meetings gave partner agencies (district councils
and community safety partnerships among them): some done, some in progress, some overdue. The
coming month's meetings are in the diary with their agendas drafted (not frozen).

Like the other demos it writes in bulk, bypassing the services for speed but keeping their
invariants; only the few coming meetings go through the services (schedule ahead, draft the
agenda). Everything is invented and built from random.Random(seed)."""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any

from django.utils import timezone

from mace.accounts.choices import Role
from mace.assessments.choices import RiskLevel
from mace.meetings.choices import (
    ActionStatus,
    AgendaReason,
    Attendance,
    Decision,
    MeetingPart,
    MeetingStatus,
)

if TYPE_CHECKING:
    from mace.accounts.models import User
    from mace.demo.plan import Plan
    from mace.meetings.models import Action, Meeting
    from mace.reference.models import Agency

POLICE = "Essex Police"
CSC = "Essex Children and Families (social care)"
HEALTH_MSE = "Mid and South Essex Health Partners"
HEALTH_NEE = "North East Essex Health Partners"
SCHOOLS = "Essex Schools and Inclusion"
YOUTH = "Essex Youth Service"
CARE = "CARE (Children at Risk of Exploitation)"
PARTNERS = (POLICE, CSC, SCHOOLS, YOUTH, CARE)
MONTHS_BACK = 12
# The most children new to the list a part 1 meeting takes (its reviews come on top, and
# they build up over the year): at the large scales every meeting takes this many.
PER_MEETING_MOST = 12
# The coming part 1 meetings' agendas are drafted (through the service, which puts the whole
# list on) only where the quadrant's list is no longer than this: at the large scales it runs
# to thousands of children.
DRAFT_MOST = 200

# Invented guests who sit on every quadrant's panel, by agency (first names + surnames).
GUEST_FIRST = [
    "Amabel",
    "Barnaby",
    "Cordelia",
    "Dorian",
    "Euphemia",
    "Fabian",
    "Georgiana",
    "Horace",
    "Ingrid",
    "Jolyon",
    "Keziah",
    "Lorcan",
    "Mehitabel",
    "Nathaniel",
    "Oriana",
    "Peregrine",
    "Querida",
    "Ruperta",
    "Septimus",
    "Tabitha",
]
GUEST_LAST = [
    "Hobblethwaite",
    "Mossbottom",
    "Quibbleford",
    "Snickersby",
    "Thimbleworth",
    "Fernwhistle",
    "Crumpetson",
    "Puddingfield",
    "Tattersnip",
    "Wimbleworth",
    "Gooseberry",
    "Larkwhistle",
    "Nettlecombe",
    "Brambleshaw",
]

PLANS = (
    "Joint visits by the social worker and the exploitation officer each week; safety plan "
    "reviewed with {name} and their carer.",
    "Return home interviews after every episode; school to share attendance daily.",
    "CARE worker to build a trusting relationship; health to offer a sexual health appointment.",
    "Youth worker to meet {name} twice a week; family group conference to be arranged.",
    "Strategy discussion to consider a placement move; police to complete a risk assessment "
    "of the address {name} is linked to.",
)
DISRUPTIONS = (
    "Child abduction warning notice for the adult seen with {name} (fictional).",
    "Hotel information notice for the Sleepy Kipper Inn (fictional).",
    "Licensing visit to the takeaway on Moonpenny Lane (fictional).",
    "Patrol plan around the Gullwing Lane car park in the evenings (fictional).",
    "",
)
EVIDENCE = (
    "CCTV from the bus station for the dates {name} was missing (fictional).",
    "Phone download of the second handset, with consent (fictional).",
    "Statements from the hotel staff (fictional).",
    "",
)
PART_1_NOTES = (
    "Matters arising: actions from the last meeting reviewed. Any other business: none.",
    "Matters arising: two actions carried forward. Any other business: the new referral "
    "pathway for schools (fictional).",
    "Matters arising: none. Any other business: the partnership's audit of MACE cases is due "
    "next quarter (fictional).",
)
THREAT_DISCUSSIONS = (
    "Several children seen at this place in the evenings; police and the council to share "
    "sightings weekly (fictional).",
    "Linked to three children on the MACE list; disruption agreed (fictional).",
    "Intelligence suggests the network has moved on; keep under review (fictional).",
    "Reports from the night-time economy partners; licensing checks agreed (fictional).",
)
THREATS_WITHOUT_RECORD = (
    "Parties at short-let flats near the station (fictional)",
    "Older teenagers recruiting in the skate park (fictional)",
    "Drug-running line active along the coast road (fictional)",
)
STAY_SAFE = (
    "Online grooming through gaming chats; staying safe on night buses.",
    "Being offered lifts and gifts by older 'friends'; where to get help after school.",
    "County lines recruitment through social media; safe spaces in the town centre.",
)
TRAINING = (
    "Recognising criminal exploitation for taxi drivers and takeaway staff.",
    "Hotel and short-let staff: spotting and reporting concerns.",
    "Return home interviews: asking about exploitation.",
)
ACTIONS_BY_TYPE = {
    "police": (
        "Complete a risk assessment of the address {name} is linked to.",
        "Serve a child abduction warning notice on the adult seen with {name}.",
        "Share the latest intelligence with the social worker.",
    ),
    "csc": (
        "Hold a strategy discussion and review the safety plan.",
        "Arrange a family group conference.",
        "Consider a referral to the national referral mechanism.",
    ),
    "health": ("Offer a health and sexual health appointment.",),
    "education": ("Share daily attendance with the social worker.",),
    "youth_service": ("Offer detached youth work sessions twice a week.",),
    "voluntary": ("Allocate a CARE worker and begin direct work.",),
    "district_council": (
        "Licensing visit to the premises named at the meeting.",
        "Ask the housing team about the flat the young people visit.",
        "Review the CCTV coverage of the car park.",
    ),
    "csp": (
        "Add the hotspot to the partnership's patrol plan.",
        "Brief the night-time economy partners about the concerns.",
    ),
}
UPDATE_NOTES: dict[str, str] = {
    ActionStatus.IN_PROGRESS: "Started; first contact made (fictional).",
    ActionStatus.DONE: "Completed and shared with the coordinator (fictional).",
}


@dataclass
class _ActionPlan:
    action: Any
    done_on: date | None
    child_id: int | None = None
    updates: list[tuple[str, date]] = field(default_factory=list)


def _meeting_days(cadence: Any, today: date) -> list[tuple[int, date]]:
    """(month index, day) of the cadence's meeting day in each of the last MONTHS_BACK months
    before today."""
    from mace.meetings.services import nth_weekday

    days: list[tuple[int, date]] = []
    year, month = today.year, today.month
    while len(days) < MONTHS_BACK:
        day = nth_weekday(year, month, cadence.weekday, cadence.week_of_month)
        if day < today:
            days.append((year * 12 + month - 1, day))
        month -= 1
        if month == 0:
            year, month = year - 1, 12
    return sorted(days)


def _at(day: date, at: time) -> datetime:
    return timezone.make_aware(datetime.combine(day, at))


def load(
    the_plan: Plan,
    *,
    users: Mapping[str, User],
    agencies: Mapping[str, Agency],
) -> dict[str, int]:
    """Write a year of MACE meetings for each quadrant (after the criteria are worked out).
    Returns the number of rows of each kind."""
    return load_with_actions(the_plan, users=users, agencies=agencies)[0]


def load_with_actions(
    the_plan: Plan,
    *,
    users: Mapping[str, User],
    agencies: Mapping[str, Agency],
) -> tuple[dict[str, int], list[Action]]:
    """load(), also answering the actions it made (the disruption demo works on them)."""
    from django.contrib.auth.models import Group, Permission

    from mace.criteria.models import Eligibility
    from mace.intelligence.models import Record
    from mace.meetings import services
    from mace.meetings.models import (
        Action,
        ActionUpdate,
        AgendaItem,
        Discussion,
        Meeting,
        MeetingMember,
        Threat,
    )
    from mace.people.choices import EntryKind, InvolvementReason
    from mace.people.models import AgencyInvolvement, Child, ChronologyEntry
    from mace.reference.models import Quadrant

    # The system administrators change each quadrant's cadence in the admin.
    admins = Group.objects.filter(name="System administrators").first()
    if admins is not None:
        admins.permissions.add(
            *Permission.objects.filter(
                content_type__app_label="meetings", content_type__model="meetingcadence"
            )
        )
    today = the_plan.today
    by_agency: dict[int, list[User]] = {}
    for user in users.values():
        if user.agency_id is not None:
            by_agency.setdefault(user.agency_id, []).append(user)

    quadrants = list(Quadrant.objects.order_by("code"))
    eligible: dict[int, list[int]] = {}
    for child_id, quadrant_id in (
        Eligibility.objects.filter(quadrant__isnull=False)
        .order_by("child_id")
        .values_list("child_id", "quadrant_id")
    ):
        eligible.setdefault(quadrant_id, []).append(child_id)
    # Children of the quadrant who were known for exploitation concerns: those who met the
    # criteria earlier in the year and came through the panel before today's list.
    known: dict[int, list[int]] = {}
    for child_id, quadrant_id in (
        Child.objects.filter(area__quadrant__isnull=False, concerns__isnull=False)
        .distinct()
        .order_by("pk")
        .values_list("pk", "area__quadrant_id")
    ):
        known.setdefault(quadrant_id, []).append(child_id)
    names = dict(Child.objects.values_list("pk", "forename"))
    involved: dict[int, list[str]] = {}
    for child_id, agency_name in AgencyInvolvement.objects.values_list("child_id", "agency__name"):
        involved.setdefault(child_id, []).append(agency_name)
    records: dict[int, list[Record]] = {}
    for record in (
        Record.objects.filter(area__quadrant__isnull=False, about_a_minor=False)
        .select_related("area")
        .order_by("pk")
    ):
        records.setdefault(record.area.quadrant_id or 0 if record.area else 0, []).append(record)
    locals_of: dict[int, list[Agency]] = {}
    for a in sorted(agencies.values(), key=lambda a: a.name):
        if a.type in ("district_council", "csp") and a.area_id is not None:
            local_quadrant = a.area.quadrant_id if a.area else None
            if local_quadrant is not None:
                locals_of.setdefault(local_quadrant, []).append(a)

    meetings: list[Meeting] = []
    involvements: list[AgencyInvolvement] = []
    chairs_of: dict[int, list[User]] = {}
    members: list[tuple[int, MeetingMember]] = []
    items: list[tuple[int, AgendaItem]] = []
    discussions: list[tuple[int, Discussion, User]] = []
    threats: list[tuple[int, Threat]] = []
    # (meeting, action, threat) by their places in the lists above.
    action_plans: list[tuple[int, _ActionPlan, int | None]] = []
    # (meeting, action): overdue actions of earlier meetings, carried forward at the freeze.
    carried_to: list[tuple[int, _ActionPlan]] = []

    for q_index, quadrant in enumerate(quadrants):
        rng = random.Random(f"{the_plan.seed}-meetings-{quadrant.code}")
        cadence = services.cadence_for(quadrant)
        chairs = [
            u
            for u in users.values()
            if Role.MACE_CHAIR in u.role_set and u.quadrant_id == quadrant.pk
        ]
        coordinators = [
            u
            for u in users.values()
            if Role.MACE_COORDINATOR in u.role_set and u.quadrant_id == quadrant.pk
        ]
        if not chairs or not coordinators:
            continue
        chair, coordinator = chairs[0], coordinators[0]
        # The quadrant's standing guests, one per partner agency, and the local councils'.
        health = HEALTH_NEE if quadrant.code == "north" else HEALTH_MSE
        guests: list[tuple[Agency, str, User | None]] = []
        for n, name in enumerate([*PARTNERS, health]):
            first = GUEST_FIRST[(q_index * 7 + n) % len(GUEST_FIRST)]
            last = GUEST_LAST[(q_index * 5 + n) % len(GUEST_LAST)]
            guests.append((agencies[name], f"{first} {last}", None))
        local_guests: list[tuple[Agency, str, User | None]] = []
        for n, a in enumerate(locals_of.get(quadrant.pk, [])):
            officer = next(
                (u for u in by_agency.get(a.pk, []) if Role.DISTRICT_OFFICER in u.role_set), None
            )
            if officer is not None:
                local_guests.append((a, officer.display_name, officer))
            else:
                first = GUEST_FIRST[(q_index * 3 + n + 11) % len(GUEST_FIRST)]
                last = GUEST_LAST[(q_index + n * 3 + 2) % len(GUEST_LAST)]
                local_guests.append((a, f"{first} {last}", None))

        # The chair signs the minutes off and so writes the decisions on the chronologies: their
        # agency becomes involved with each child discussed (as the demo's recording agencies
        # are), so the panel discusses the children whose involvements leave room for it.
        assert chair.agency is not None
        chair_agency = chair.agency

        def room(child_id: int, chair_agency: Agency = chair_agency) -> bool:
            agencies_of = involved.get(child_id, [])
            return chair_agency.name in agencies_of or len(agencies_of) < 3

        pool = [c for c in eligible.get(quadrant.pk, []) if room(c)]
        in_pool = set(pool)
        pool += [c for c in known.get(quadrant.pk, []) if c not in in_pool and room(c)]
        # A tenth of the quadrant's list at each meeting, up to what one panel can discuss.
        per_meeting = max(1, min(PER_MEETING_MOST, round(len(eligible.get(quadrant.pk, [])) / 10)))
        decided: dict[int, tuple[str, str]] = {}  # child -> (decision, level)
        part_actions: dict[int, list[_ActionPlan]] = {1: [], 2: []}

        def guest_members(
            meeting_at: int,
            people: Sequence[tuple[Agency, str, User | None]],
            past: bool,
            rng: random.Random = rng,
        ) -> None:
            for a, name, user in people:
                if past:
                    roll = rng.random()
                    mark = (
                        Attendance.PRESENT
                        if roll < 0.8
                        else Attendance.APOLOGIES
                        if roll < 0.95
                        else Attendance.ABSENT
                    )
                else:
                    mark = Attendance.INVITED
                members.append(
                    (
                        meeting_at,
                        MeetingMember(user=user, name=name, agency=a, attendance=mark),
                    )
                )

        def action_for(
            meeting_at: int,
            meeting_day: date,
            owner_agency: Agency,
            text: str,
            *,
            part: int,
            child_id: int | None = None,
            threat_at: int | None = None,
            rng: random.Random = rng,
            coordinator: User = coordinator,
            part_actions: dict[int, list[_ActionPlan]] = part_actions,
        ) -> _ActionPlan:
            due = meeting_day + timedelta(days=rng.choice([14, 21, 28, 42, 56]))
            # Most actions whose date has passed are done; a quarter are overdue.
            done = rng.random() < (0.75 if due < today else 0.2)
            done_on = None
            status = ActionStatus.OPEN
            updates: list[tuple[str, date]] = []
            span = max(1, (min(due, today) - meeting_day).days)
            if done:
                done_on = min(
                    meeting_day + timedelta(days=rng.randint(3, span + 7)),
                    today - timedelta(days=1),
                )
                done_on = max(done_on, meeting_day + timedelta(days=1))
                status = ActionStatus.DONE
                if rng.random() < 0.5:
                    started = meeting_day + timedelta(days=rng.randint(1, max(1, span // 2)))
                    updates.append((ActionStatus.IN_PROGRESS, min(started, done_on)))
                updates.append((ActionStatus.DONE, done_on))
            elif rng.random() < 0.5:
                status = ActionStatus.IN_PROGRESS
                started = meeting_day + timedelta(days=rng.randint(1, span))
                updates.append((ActionStatus.IN_PROGRESS, min(started, today - timedelta(1))))
            owner = next(
                (u for u in by_agency.get(owner_agency.pk, []) if u.role_set & _OWNER_ROLES),
                None,
            )
            action = Action(
                child_id=child_id,
                description=text,
                owner_agency=owner_agency,
                owner=owner if rng.random() < 0.5 else None,
                due_on=due,
                status=status,
                created_at=_at(meeting_day, time(12, 0)),
                created_by=coordinator,
            )
            planned = _ActionPlan(action, done_on, child_id, updates)
            action_plans.append((meeting_at, planned, threat_at))
            part_actions[part].append(planned)
            return planned

        def overdue_at(plans: Sequence[_ActionPlan], day: date) -> list[_ActionPlan]:
            return [
                p
                for p in plans
                if p.action.due_on < day
                and p.action.created_at.date() < day
                and (p.done_on is None or p.done_on >= day)
            ]

        for index, day in _meeting_days(cadence, today):
            for part, every, at in (
                (MeetingPart.PART_1, cadence.part_1_every_months, cadence.part_1_time),
                (MeetingPart.PART_2, cadence.part_2_every_months, cadence.part_2_time),
            ):
                if not every or index % every:
                    continue
                starts_at = _at(day, at)
                signed_at = min(
                    starts_at + timedelta(days=rng.randint(2, 9)),
                    _at(today, time(9, 0)) - timedelta(days=1),
                )
                signed_at = max(signed_at, starts_at + timedelta(hours=3))
                meeting = Meeting(
                    quadrant=quadrant,
                    part=part,
                    starts_at=starts_at,
                    place=cadence.place,
                    status=MeetingStatus.SIGNED_OFF,
                    coordinator=coordinator,
                    agenda_frozen_at=starts_at - timedelta(days=7),
                    agenda_frozen_by=coordinator,
                    signed_off_at=signed_at,
                    signed_off_by=chair,
                    created_at=starts_at - timedelta(days=28),
                    created_by=coordinator,
                    notes=rng.choice(PART_1_NOTES),
                )
                at_index = len(meetings)
                meetings.append(meeting)
                chairs_of[at_index] = chairs
                for person in [chair, coordinator]:
                    members.append(
                        (
                            at_index,
                            MeetingMember(
                                user=person,
                                name=person.display_name,
                                agency=person.agency,
                                attendance=Attendance.PRESENT,
                            ),
                        )
                    )
                carried = overdue_at(part_actions[part], day)
                carried_to.extend((at_index, p) for p in carried)
                if part == MeetingPart.PART_1:
                    guest_members(at_index, guests, True)
                    reviews = [c for c, (d, _) in decided.items() if d == Decision.STAY]
                    fresh = [c for c in pool if c not in decided][:per_meeting]
                    if not reviews and not fresh:
                        fresh = [c for c in pool if decided.get(c, ("", ""))[0] != Decision.STAY][
                            :1
                        ]
                    overdue_children = {p.child_id for p in carried if p.child_id}
                    for position, child_id in enumerate(fresh + reviews, start=1):
                        previous = decided.get(child_id)
                        reasons = [
                            AgendaReason.DUE_REVIEW
                            if previous and previous[0] == Decision.STAY
                            else AgendaReason.NEWLY_ELIGIBLE
                        ]
                        level = previous[1] if previous else rng.choice(["medium", "high"])
                        if previous and level != RiskLevel.HIGH and rng.random() < 0.15:
                            level = RiskLevel.HIGH
                            reasons.insert(0, AgendaReason.RISK_ROSE)
                        if child_id in overdue_children:
                            reasons.append(AgendaReason.OVERDUE_ACTIONS)
                        roll = rng.random()
                        if previous:
                            decision = (
                                Decision.STAY
                                if roll < 0.7
                                else Decision.STEP_DOWN
                                if roll < 0.9
                                else Decision.CLOSE
                            )
                        else:
                            decision = (
                                Decision.STAY
                                if roll < 0.8
                                else Decision.STEP_DOWN
                                if roll < 0.92
                                else Decision.CLOSE
                            )
                        if decision != Decision.STAY and level == RiskLevel.HIGH:
                            level = RiskLevel.MEDIUM
                        decided[child_id] = (decision, level)
                        if chair_agency.name not in involved.setdefault(child_id, []):
                            involved[child_id].append(chair_agency.name)
                            involvements.append(
                                AgencyInvolvement(
                                    child_id=child_id,
                                    agency=chair_agency,
                                    reason=InvolvementReason.RECORDED,
                                    since=signed_at,
                                )
                            )
                        name = names.get(child_id, "the child")
                        items.append(
                            (
                                at_index,
                                AgendaItem(
                                    child_id=child_id,
                                    position=position,
                                    reasons=[str(r) for r in reasons],
                                    added_by=coordinator,
                                ),
                            )
                        )
                        discussions.append(
                            (
                                len(items) - 1,
                                Discussion(
                                    agreed_level=level,
                                    plan=rng.choice(PLANS).format(name=name),
                                    disruption_opportunities=rng.choice(DISRUPTIONS).format(
                                        name=name
                                    ),
                                    evidence_to_collect=rng.choice(EVIDENCE).format(name=name),
                                    decision=decision,
                                    recorded_by=coordinator,
                                    recorded_at=starts_at + timedelta(hours=1),
                                ),
                                chair,
                            )
                        )
                        owners = [
                            agencies[a]
                            for a in involved.get(child_id, [])
                            if a in agencies and a not in (CARE,)
                        ] or [agencies[CSC]]
                        for _ in range(rng.choice([0, 1, 1, 2])):
                            owner_agency = (
                                rng.choice(locals_of[quadrant.pk])
                                if locals_of.get(quadrant.pk) and rng.random() < 0.1
                                else rng.choice(owners)
                            )
                            text = rng.choice(ACTIONS_BY_TYPE.get(owner_agency.type, ("",)))
                            action_for(
                                at_index,
                                day,
                                owner_agency,
                                text.format(name=name) or "Follow up the plan (fictional).",
                                part=1,
                                child_id=child_id,
                            )
                else:
                    guest_members(at_index, guests + local_guests, True)
                    meeting.notes = "Local problem profile refreshed (fictional)."
                    meeting.stay_safe_themes = rng.choice(STAY_SAFE)
                    meeting.training_themes = rng.choice(TRAINING)
                    known_records = records.get(quadrant.pk, [])
                    chosen = rng.sample(known_records, min(len(known_records), rng.randint(2, 4)))
                    titles: list[tuple[Record | None, str]] = [(r, r.label[:200]) for r in chosen]
                    if not titles:
                        titles = [(None, rng.choice(THREATS_WITHOUT_RECORD))]
                    for position, (subject, title) in enumerate(titles, start=1):
                        threats.append(
                            (
                                at_index,
                                Threat(
                                    record=subject,
                                    title=title,
                                    discussion=rng.choice(THREAT_DISCUSSIONS),
                                    position=position,
                                    added_by=coordinator,
                                ),
                            )
                        )
                        local = [
                            a
                            for a in locals_of.get(quadrant.pk, [])
                            if subject is None or a.area_id == subject.area_id
                        ] or locals_of.get(quadrant.pk, [])
                        for _ in range(rng.randint(1, 2)):
                            owner_agency = (
                                rng.choice(local)
                                if local and rng.random() < 0.6
                                else agencies[rng.choice([POLICE, CSC, YOUTH])]
                            )
                            text = rng.choice(ACTIONS_BY_TYPE[owner_agency.type])
                            action_for(
                                at_index,
                                day,
                                owner_agency,
                                text.format(name="the young people"),
                                part=2,
                                threat_at=len(threats) - 1,
                            )

        # Each demo district council / CSP officer's agency owns open actions from the latest
        # part 2 meeting of its quadrant, so the demo shows them something to work on.
        last_part_2 = max(
            (
                i
                for i, m in enumerate(meetings)
                if m.quadrant_id == quadrant.pk and m.part == MeetingPart.PART_2
            ),
            default=None,
        )
        if last_part_2 is not None:
            day = timezone.localdate(meetings[last_part_2].starts_at)
            last_threat = max(
                (i for i, (m, _) in enumerate(threats) if m == last_part_2), default=None
            )
            for a, _name, officer in local_guests:
                if officer is None:
                    continue
                # One open and due in three weeks, one in progress and overdue.
                for due, status in (
                    (today + timedelta(days=21), ActionStatus.OPEN),
                    (
                        max(today - timedelta(days=5), day + timedelta(days=1)),
                        ActionStatus.IN_PROGRESS,
                    ),
                ):
                    progress = min(today - timedelta(days=1), day + timedelta(days=2))
                    planned = _ActionPlan(
                        Action(
                            description=rng.choice(ACTIONS_BY_TYPE[a.type]),
                            owner_agency=a,
                            owner=officer,
                            due_on=due,
                            status=status,
                            created_at=_at(day, time(15, 0)),
                            created_by=coordinator,
                        ),
                        None,
                        None,
                        [(ActionStatus.IN_PROGRESS, progress)]
                        if status == ActionStatus.IN_PROGRESS
                        else [],
                    )
                    action_plans.append((last_part_2, planned, last_threat))

    # --- write the past year ---
    Meeting.objects.bulk_create(meetings, batch_size=500)
    chairs_through = Meeting.chairs.through
    Meeting.chairs.through.objects.bulk_create(
        [
            chairs_through(meeting_id=meetings[i].pk, user_id=u.pk)
            for i, people in chairs_of.items()
            for u in people
        ],
        batch_size=1000,
    )
    invited = Meeting.invited_agencies.through
    pairs = {(meetings[i].pk, m.agency_id) for i, m in members}
    invited.objects.bulk_create(
        [invited(meeting_id=m, agency_id=a) for m, a in sorted(pairs)], batch_size=1000
    )
    for i, member in members:
        member.meeting = meetings[i]
    MeetingMember.objects.bulk_create([m for _, m in members], batch_size=1000)
    for i, item in items:
        item.meeting = meetings[i]
    AgendaItem.objects.bulk_create([item for _, item in items], batch_size=1000)
    for i, threat in threats:
        threat.meeting = meetings[i]
    Threat.objects.bulk_create([t for _, t in threats], batch_size=1000)

    entries: list[ChronologyEntry] = []
    labels = dict(Decision.choices)
    for item_at, discussion, chair in discussions:
        item = items[item_at][1]
        meeting = item.meeting
        discussion.item = item
        assert chair.agency is not None and meeting.signed_off_at is not None
        entries.append(
            ChronologyEntry(
                child_id=item.child_id,
                kind=EntryKind.MACE_DECISION,
                occurred_at=meeting.starts_at,
                recorded_at=meeting.signed_off_at,
                title=f"{meeting}: {labels[discussion.decision]}"[:200],
                body=services.decision_entry_body(discussion),
                author=chair,
                agency=chair.agency,
            )
        )
    ChronologyEntry.objects.bulk_create(entries, batch_size=1000)
    AgencyInvolvement.objects.bulk_create(involvements, batch_size=1000)
    for (_, discussion, _), entry in zip(discussions, entries, strict=True):
        discussion.chronology_entry = entry
    Discussion.objects.bulk_create([d for _, d, _ in discussions], batch_size=1000)

    made: list[Action] = []
    for i, planned, threat_at in action_plans:
        planned.action.meeting = meetings[i]
        planned.action.threat = threats[threat_at][1] if threat_at is not None else None
        made.append(planned.action)
    Action.objects.bulk_create(made, batch_size=1000)
    carried_through = Meeting.carried_actions.through
    carried_through.objects.bulk_create(
        [carried_through(meeting_id=meetings[i].pk, action_id=p.action.pk) for i, p in carried_to],
        batch_size=1000,
    )
    updates = []
    for _, planned, _ in action_plans:
        action = planned.action
        staff = [u for u in by_agency.get(action.owner_agency_id, []) if u.role_set & _OWNER_ROLES]
        author = action.owner or (staff[0] if staff else action.created_by)
        for update_status, on in planned.updates:
            assert author is not None and author.agency_id is not None
            updates.append(
                ActionUpdate(
                    action=action,
                    author=author,
                    agency_id=author.agency_id,
                    made_at=_at(on, time(11, 0)),
                    status=update_status,
                    note=UPDATE_NOTES[update_status],
                )
            )
    ActionUpdate.objects.bulk_create(updates, batch_size=1000)

    # --- the coming month: in the diary by the cadence, with the agendas drafted ---
    coming_before = set(Meeting.objects.values_list("pk", flat=True))
    scheduled = services.meetings_schedule_ahead(today=today, months=2)
    coming = list(
        Meeting.objects.exclude(pk__in=coming_before)
        .select_related("quadrant", "coordinator")
        .order_by("starts_at", "quadrant__code", "part")
    )
    drafted = 0
    coming_threats = []
    for meeting in coming:
        Meeting.objects.filter(pk=meeting.pk).update(created_at=_at(today, time(7, 0)))
        drafter = meeting.coordinator
        if drafter is None:
            continue
        if meeting.is_part_1:
            if len(eligible.get(meeting.quadrant_id, [])) > DRAFT_MOST:
                continue  # a list too long for one panel: left for the coordinator to draft
            drafted += services.agenda_draft(actor=drafter, meeting=meeting).added
        else:
            rng = random.Random(f"{the_plan.seed}-coming-{meeting.quadrant.code}")
            known_records = records.get(meeting.quadrant_id, [])
            for position, record in enumerate(
                rng.sample(known_records, min(len(known_records), 2)), start=1
            ):
                coming_threats.append(
                    Threat(
                        meeting=meeting,
                        record=record,
                        title=record.label[:200],
                        position=position,
                        added_by=drafter,
                    )
                )
    Threat.objects.bulk_create(coming_threats)

    return {
        "MACE meetings": len(meetings) + scheduled,
        "MACE meeting members": len(members),
        "MACE agenda items": len(items) + drafted,
        "MACE decisions": len(discussions),
        "MACE threats": len(threats) + len(coming_threats),
        "MACE actions": len(made),
        "MACE action updates": len(updates),
        "chronology entries (MACE decisions)": len(entries),
    }, made


_OWNER_ROLES = frozenset(
    {Role.PRACTITIONER, Role.AGENCY_MANAGER, Role.SERVICE_WORKER, Role.DISTRICT_OFFICER}
)
