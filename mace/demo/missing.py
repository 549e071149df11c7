"""The missing episodes part of the synthetic demo data set, in the shapes data-standards.md
gives:

- about 2.6 episodes for each child who goes missing, about 60% of them repeats, and a few
  children with many (a heavy tail: the top 6% of children have about 30% of episodes);
- 87% of episodes end within 48 hours; a few children are still missing;
- episodes away from placement without authorisation (type A) are almost all of looked-after
  children;
- the return home interview is held within 72 hours for about 63% of episodes; some are held
  late, some declined, a few not offered, and recent ones are overdue.

`plan_missing` draws everything from its own random stream (seeded from the scale and seed), so
adding it changed none of the people the main plan makes; `load` writes it with bulk inserts,
keeping the services' invariants: the recording agency (and the interviewer's) is involved
with the child, every episode and its end and interview are on the chronology, episodes of a
child never overlap (a repeat starts at least a day after the last one ended, so the SSDA903
export orders them unambiguously), nothing is in the future and nothing starts before birth.
"""

from __future__ import annotations

import datetime as dt
import itertools
import random
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.utils import timezone

from mace.core import bulk
from mace.demo.accounts import (
    AUTHOR_FOR_AGENCY,
    CARE,
    CSC,
    POLICE,
    SOUTHEND_CSC,
    THURROCK_CSC,
    YOUTH,
)
from mace.demo.words import TOWNS
from mace.missing.choices import EpisodeEnd, EpisodeType, RiskGrade, YesNoNA
from mace.missing.services import interviews_owed_refresh
from mace.people.choices import EntryKind, InvolvementReason

if TYPE_CHECKING:
    from mace.demo.plan import ChildPlan, Plan

# Episodes per child who goes missing: a heavy tail. The national figure is about 2.1 a child,
# while one force found 65% of incidents were repeats and 6% of children had a third of them;
# these weights sit between (about 2.6 a child, 60% repeats, the top 6% about 30%).
EPISODE_COUNTS = {
    1: 52, 2: 17, 3: 9, 4: 6, 5: 4, 6: 3, 8: 2.5, 10: 2, 12: 1.5, 15: 1.5, 20: 0.5,
}  # fmt: skip
# Hours an episode lasts: 87% within 48 hours (data-standards.md).
DURATION_HOURS = {(1, 6): 34, (6, 12): 26, (12, 24): 17, (24, 48): 10, (48, 168): 10, (168, 504): 3}
FIRST_GRADES = {
    RiskGrade.VERY_LOW: 10,
    RiskGrade.LOW: 45,
    RiskGrade.MEDIUM: 38,
    RiskGrade.HIGH: 7,
}
# What became of the interview after an episode that ended more than 72 hours ago.
INTERVIEW_OUTCOMES = {
    "on_time": 63,
    "late": 13,
    "declined": 14,
    "not_offered": 4,
    "not_applicable": 2,
    "overdue": 4,
}
LAC_REPORTERS = ("Residential home staff", "Foster carer", "Supported lodgings provider")
HOME_REPORTERS = ("Parent", "Mother", "Father", "Grandparent", "Aunt", "School", "Carer")
FOUND_WHERE = (
    "A friend's address in {town}",
    "The bus station in {town}",
    "A retail park car park in {town}",
    "A fast food restaurant in {town}",
    "A park in {town}",
    "The railway station in {town}",
    "A hotel in {town}",
    "An address in another county",
    "A flat not known to carers",
    "Walking home",
)
FOUND_WITH = (
    "Alone",
    "Other young people",
    "A boyfriend or girlfriend",
    "Older males not known to the family",
    "An older female",
    "Known associates",
    "Family members",
)
PUSH = (
    "Arguments at home",
    "Conflict with other residents",
    "Feeling nobody listens",
    "Bullying at school",
    "Rules about phone use",
    "Placement far from friends",
)
PULL = (
    "An older boyfriend",
    "Friends in another town",
    "Parties",
    "Money and gifts",
    "Wanting to see family",
    "Cannabis",
)
NICKNAMES = ("'Ziggy'", "'Blaze'", "'T'", "'Moth'", "'Kiki'", "'Dex'", "'Red'", "'Bones'")
PLACES = (
    "A flat above the fictional takeaway",
    "The underpass by the station",
    "A caravan park",
    "The fictional Larkspur Hotel",
    "A house on Moonpenny Lane",
    "The skate park",
)
ACCOUNTS = (
    "{name} said they went to see friends and lost track of time.",
    "{name} said they needed space after an argument and stayed with a friend.",
    "{name} did not want to talk about where they had been, but said they felt safe.",
    "{name} said an older friend picked them up and they went to a party.",
    "{name} said they were given a lift and stayed at an address they could not name.",
)
ACTIONS = (
    "Safety plan reviewed with {name} and carers.",
    "Information shared with the police and the MACE coordinator.",
    "Referral to CARE for one-to-one work.",
    "Strategy discussion to be convened.",
    "School informed; attendance to be monitored.",
)
# Who holds interviews (independent return interviewers are CARE and the youth service here).
INTERVIEWERS = {"demo.care": 60, "demo.practitioner.youth": 25, "_csc": 15}


@dataclass(frozen=True)
class InterviewPlan:
    offered: str
    accepted: str
    held_at: dt.datetime | None
    interviewer: str | None  # a demo username
    independent: bool | None
    child_account: str
    push: tuple[str, ...]
    pull: tuple[str, ...]
    people: tuple[str, ...]
    places: tuple[str, ...]
    actions: str


@dataclass(frozen=True)
class EpisodePlan:
    child: int  # the index of the child in the plan (or the chunk) it was planned from
    type: str
    left_at: dt.datetime | None
    last_seen_at: dt.datetime | None
    started_at: dt.datetime
    ended_at: dt.datetime | None
    end_reason: str
    found_where: str
    found_with: str
    reported_by: str
    reported_at: dt.datetime | None
    police_reference: str
    looked_after: bool
    agency: str
    gradings: tuple[tuple[str, dt.datetime, str], ...]  # (grade, when, why)
    interview: InterviewPlan | None


def _weighted(rng: random.Random, weights: Mapping[Any, float]) -> Any:
    keys = list(weights)
    return rng.choices(keys, weights=[weights[k] for k in keys])[0]


def _moment(rng: random.Random, day: dt.date) -> dt.datetime:
    # Episodes start at any hour from early morning to late night; never 1-2am, when a clock
    # change can make a local time not exist or happen twice.
    naive = dt.datetime.combine(day, dt.time(rng.choice([*range(6, 24), 0]), rng.randrange(60)))
    return timezone.make_aware(naive)


# How much more often children go missing at a scale than at the county's rates: (the chance
# a child goes missing, the episodes each has). The national scale is issue 13's 3,000,000
# episodes for 1,000,000 children.
MISSING_RATES = {"national": (2.6, 2.0)}


class MissingPlanner:
    """Plans the episodes of the data set's children a chunk at a time, in order, from one random
    stream, so the episodes do not depend on the chunk size."""

    def __init__(self, scale: str, seed: int, today: dt.date) -> None:
        self.rng = random.Random(f"mace-demo-missing:{scale}:{seed}")
        # Nothing may be later than the start of the plan's day, whenever it is loaded.
        self.horizon = timezone.make_aware(dt.datetime.combine(today, dt.time.min))
        self.today = today
        self.references = itertools.count(1)
        self.chance, self.more = MISSING_RATES.get(scale, (1.0, 1.0))

    def plan(self, chunk: Plan) -> list[EpisodePlan]:
        """The episodes of the chunk's children (`child` is the index in the chunk)."""
        rng = self.rng
        episodes: list[EpisodePlan] = []
        for index, child in enumerate(chunk.children):
            age = _age(child, self.today)
            chance = (0.32 if child.concerns else 0.08) * (1.0 if age >= 10 else 0.2)
            if rng.random() >= chance * self.chance:
                continue
            agencies = _Involved(child)
            # A looked-after child's local authority works with them.
            looked_after = rng.random() < 0.38 and agencies.take(_csc_of(child))
            count = _weighted(rng, EPISODE_COUNTS)
            if self.more != 1.0:
                count = max(1, round(count * self.more))
            episodes.extend(
                _child_episodes(
                    rng, index, child, count, looked_after, self.horizon, self.references, agencies
                )
            )
        return episodes


def plan_missing(the_plan: Plan) -> list[EpisodePlan]:
    """Every episode of the demo data set (or of a plan's only chunk), from its own random
    stream."""
    return MissingPlanner(the_plan.scale, the_plan.seed, the_plan.today).plan(the_plan)


class _Involved:
    """The agencies involved with a child. The main plan involves one to three agencies with
    each child; the missing data keeps to that, preferring agencies already involved."""

    LIMIT = 3

    def __init__(self, child: ChildPlan) -> None:
        self.agencies = [inv.agency for inv in child.involvements]

    def take(self, agency: str) -> bool:
        """Whether `agency` is (or may become) involved; it is, afterwards, if so."""
        if agency in self.agencies:
            return True
        if len(self.agencies) < self.LIMIT:
            self.agencies.append(agency)
            return True
        return False

    def first(self, *preferred: str) -> str:
        """The first of `preferred` that is or may become involved; else one already is."""
        for agency in preferred:
            if self.take(agency):
                return agency
        return self.agencies[0]


def _age(child: ChildPlan, today: dt.date) -> int:
    dob = child.dob
    return today.year - dob.year - ((today.month, today.day) < (dob.month, dob.day))


def _child_episodes(
    rng: random.Random,
    index: int,
    child: ChildPlan,
    count: int,
    looked_after: bool,
    horizon: dt.datetime,
    references: Any,
    agencies: _Involved,
) -> list[EpisodePlan]:
    today = horizon.date()
    # Repeaters go missing in a run of episodes; a third of runs are still going on now, so
    # some children meet the repeat missing rule today.
    span_days = min(700, max(20, count * rng.randint(10, 40)))
    recent = count >= 3 and rng.random() < 0.4
    latest_start = today - dt.timedelta(days=rng.randint(1, 60) if recent else rng.randint(1, 600))
    earliest = max(child.dob + dt.timedelta(days=365 * 9), today - dt.timedelta(days=730))
    start_day = max(earliest, latest_start - dt.timedelta(days=span_days))
    town = TOWNS.get(child.area, "the town")
    csc = _csc_of(child)
    moment = _moment(rng, start_day)
    result: list[EpisodePlan] = []
    for n in range(count):
        if moment >= horizon - dt.timedelta(hours=2):
            break
        type_ = (
            EpisodeType.AWAY
            if rng.random() < (0.45 if looked_after else 0.04)
            else EpisodeType.MISSING
        )
        low, high = _weighted(rng, DURATION_HOURS)
        ended_at: dt.datetime | None = moment + dt.timedelta(
            minutes=rng.randint(low * 60, high * 60)
        )
        last = n == count - 1
        if ended_at is not None and ended_at >= horizon:
            ended_at = None if (horizon - moment).days < 10 else horizon - dt.timedelta(hours=1)
        if last and ended_at is not None and (horizon - moment).days < 5 and rng.random() < 0.3:
            ended_at = None  # still missing
        left_at, last_seen_at = _left_and_seen(rng, moment)
        reported_at = moment + dt.timedelta(minutes=rng.randint(20, 360))
        if reported_at >= horizon or (ended_at is not None and reported_at > ended_at):
            reported_at = moment + dt.timedelta(minutes=10)
        gradings = _gradings(rng, moment, reported_at, ended_at, horizon)
        preferred = (POLICE, csc) if rng.random() < 0.85 else (csc, POLICE)
        agency = agencies.first(*preferred)
        result.append(
            EpisodePlan(
                child=index,
                type=type_,
                left_at=left_at,
                last_seen_at=last_seen_at,
                started_at=moment,
                ended_at=ended_at,
                end_reason=(
                    (EpisodeEnd.FOUND if rng.random() < 0.55 else EpisodeEnd.RETURNED)
                    if ended_at
                    else ""
                ),
                found_where=rng.choice(FOUND_WHERE).format(town=town) if ended_at else "",
                found_with=rng.choice(FOUND_WITH) if ended_at and rng.random() < 0.8 else "",
                reported_by=rng.choice(LAC_REPORTERS if looked_after else HOME_REPORTERS),
                reported_at=reported_at,
                police_reference=f"DEMO/MIS/{moment:%y}/{next(references):06d}",
                looked_after=looked_after,
                agency=agency,
                gradings=gradings,
                interview=_interview(rng, child, ended_at, horizon, csc, agencies, agency),
            )
        )
        if ended_at is None:
            break
        # The next one starts at least a day later (a new calendar day).
        gap = rng.choice([1, 2, 3, 5, 7, 10, 14, 21, 30, 45, 60, 90])
        moment = _moment(rng, ended_at.date() + dt.timedelta(days=gap))
    return result


def _csc_of(child: ChildPlan) -> str:
    if child.area == "southend":
        return SOUTHEND_CSC
    if child.area == "thurrock":
        return THURROCK_CSC
    return CSC


def _left_and_seen(
    rng: random.Random, start: dt.datetime
) -> tuple[dt.datetime | None, dt.datetime | None]:
    """One or both of the times; the later one is the start."""
    roll = rng.random()
    if roll < 0.25:
        return start, None
    if roll < 0.5:
        return None, start
    return start - dt.timedelta(minutes=rng.randint(10, 180)), start


def _gradings(
    rng: random.Random,
    start: dt.datetime,
    reported_at: dt.datetime,
    ended_at: dt.datetime | None,
    horizon: dt.datetime,
) -> tuple[tuple[str, dt.datetime, str], ...]:
    first = _weighted(rng, FIRST_GRADES)
    result = [(first, reported_at, "Graded by the police on the report")]
    end = ended_at or horizon
    if rng.random() < 0.18 and end - reported_at > dt.timedelta(hours=3):
        order = list(RiskGrade.values)
        step = 1 if first != RiskGrade.HIGH and rng.random() < 0.7 else -1
        regrade = order[max(0, min(len(order) - 1, order.index(first) + step))]
        if regrade != first:
            when = reported_at + (end - reported_at) * rng.uniform(0.2, 0.8)
            why = (
                "Intelligence that the child is with older adults"
                if step > 0
                else "Child seen and spoken to by phone"
            )
            result.append((regrade, when.replace(microsecond=0), why))
    return tuple(result)


def _interview(
    rng: random.Random,
    child: ChildPlan,
    ended_at: dt.datetime | None,
    horizon: dt.datetime,
    csc: str,
    agencies: _Involved,
    recorder: str,
) -> InterviewPlan | None:
    if ended_at is None:
        return None
    due = ended_at + dt.timedelta(hours=72)
    since = horizon - ended_at
    if due > horizon:
        # The 72 hours are not over: a third are already held.
        outcome = "on_time" if rng.random() < 0.35 else "pending"
    elif since > dt.timedelta(days=30):
        # Long ago: whatever happened has happened (nothing is left overdue for ever).
        outcome = _weighted(rng, {k: v for k, v in INTERVIEW_OUTCOMES.items() if k != "overdue"})
    else:
        outcome = _weighted(rng, {**INTERVIEW_OUTCOMES, "overdue": 25})
    if outcome == "pending":
        return None
    if outcome == "overdue":
        # Offered and accepted, but not held in time; or nothing recorded at all.
        return None if rng.random() < 0.5 else _empty_interview(YesNoNA.YES, YesNoNA.YES)
    if outcome == "not_offered":
        return _empty_interview(YesNoNA.NO, YesNoNA.NOT_APPLICABLE)
    if outcome == "not_applicable":
        return _empty_interview(YesNoNA.NOT_APPLICABLE, YesNoNA.NOT_APPLICABLE)
    if outcome == "declined":
        return _empty_interview(YesNoNA.YES, YesNoNA.NO)
    if outcome == "on_time":
        held_at = ended_at + dt.timedelta(minutes=rng.randint(6 * 60, 71 * 60))
    else:
        held_at = ended_at + dt.timedelta(hours=rng.randint(74, 14 * 24))
    held_at = min(held_at, horizon - dt.timedelta(minutes=5)).replace(microsecond=0)
    by_agency = {"demo.care": CARE, "demo.practitioner.youth": YOUTH, "_csc": csc}
    choice = _weighted(rng, INTERVIEWERS)
    agency = agencies.first(
        by_agency[choice], *[a for a in (CARE, YOUTH, csc) if a != by_agency[choice]]
    )
    if agency not in (CARE, YOUTH, csc):
        agency = recorder
    interviewer = AUTHOR_FOR_AGENCY[agency]
    name = child.forename
    return InterviewPlan(
        offered=YesNoNA.YES,
        accepted=YesNoNA.YES,
        held_at=held_at,
        interviewer=interviewer,
        # A child's own social worker (or the recording officer) is not independent of their
        # care; CARE and the youth service are.
        independent=agency in (CARE, YOUTH),
        child_account=rng.choice(ACCOUNTS).format(name=name),
        push=tuple(rng.sample(PUSH, rng.randint(0, 2))),
        pull=tuple(rng.sample(PULL, rng.randint(0, 2))),
        people=tuple(rng.sample(NICKNAMES, rng.randint(0, 2))),
        places=tuple(rng.sample(PLACES, rng.randint(0, 2))),
        actions=rng.choice(ACTIONS).format(name=name),
    )


def _empty_interview(offered: str, accepted: str) -> InterviewPlan:
    return InterviewPlan(offered, accepted, None, None, None, "", (), (), (), (), "")


def load(
    the_plan: Plan,
    *,
    children: list[Any],
    users: Mapping[str, Any],
    agencies: Mapping[str, Any],
    planned: list[EpisodePlan] | None = None,
) -> dict[str, int]:
    """Write the missing episodes of the plan in bulk: `planned`, for a chunk of it (planned by
    a MissingPlanner that planned the chunks before), else all the plan's. `children` are the
    saved Child rows in the plan's order; `users` the demo users by username; `agencies` by
    name."""
    from django.contrib.auth.models import Group, Permission

    from mace.missing.models import MissingEpisode, ReturnInterview, RiskGrading
    from mace.people.models import AgencyInvolvement, ChronologyEntry

    if planned is None:
        planned = plan_missing(the_plan)
    author = {name: users[username] for name, username in AUTHOR_FOR_AGENCY.items()}
    involved = {
        (index, inv.agency)
        for index, child in enumerate(the_plan.children)
        for inv in child.involvements
    }
    involvements: list[AgencyInvolvement] = []

    def involve(
        index: int, agency: str, since: dt.datetime, reason: str = InvolvementReason.RECORDED
    ) -> None:
        if (index, agency) not in involved:
            involved.add((index, agency))
            involvements.append(
                bulk.new(
                    AgencyInvolvement,
                    child=children[index],
                    agency=agencies[agency],
                    reason=reason,
                    since=since,
                )
            )

    episodes = []
    for p in planned:
        episodes.append(
            bulk.new(
                MissingEpisode,
                child=children[p.child],
                type=p.type,
                left_at=p.left_at,
                last_seen_at=p.last_seen_at,
                started_at=p.started_at,
                ended_at=p.ended_at,
                end_reason=p.end_reason,
                found_where=p.found_where,
                found_with=p.found_with,
                reported_by=p.reported_by,
                reported_at=p.reported_at,
                police_reference=p.police_reference if p.agency == POLICE else "",
                looked_after=p.looked_after,
                agency=agencies[p.agency],
                recorded_by=author[p.agency],
                recorded_at=p.reported_at or p.started_at,
            )
        )
        involve(p.child, p.agency, p.reported_at or p.started_at)
        if p.looked_after:
            # A looked-after child's local authority works with them (planned so).
            csc = _csc_of(the_plan.children[p.child])
            involve(p.child, csc, p.started_at, InvolvementReason.ALLOCATED)
    bulk.insert(MissingEpisode, episodes)

    gradings, interviews, entries = [], [], []
    for episode, p in zip(episodes, planned, strict=True):
        recorder = author[p.agency]
        child = children[p.child]
        for grade, when, why in p.gradings:
            gradings.append(
                bulk.new(
                    RiskGrading,
                    episode=episode,
                    grade=grade,
                    graded_at=when,
                    graded_by=author[POLICE],
                    agency=agencies[POLICE],
                    reason=why,
                    recorded_at=when,
                )
            )
        what = "Missing" if p.type == EpisodeType.MISSING else "Away without authorisation"
        entries.append(
            bulk.new(
                ChronologyEntry,
                child=child,
                kind=EntryKind.MISSING_EPISODE,
                occurred_at=p.started_at,
                recorded_at=p.reported_at or p.started_at,
                title=f"{what} from {p.started_at:%d %B %Y}, recorded by {p.agency}"[:200],
                body=f"Reported by {p.reported_by}. Police reference: {p.police_reference}.",
                author=recorder,
                agency=agencies[p.agency],
            )
        )
        if p.ended_at is not None:
            how = "Found" if p.end_reason == EpisodeEnd.FOUND else "Returned"
            entries.append(
                bulk.new(
                    ChronologyEntry,
                    child=child,
                    kind=EntryKind.MISSING_EPISODE,
                    occurred_at=p.ended_at,
                    recorded_at=p.ended_at,
                    title=f"{how}: missing episode from {p.started_at:%d %B %Y} ended",
                    body=f"Where: {p.found_where}." if p.found_where else "",
                    author=recorder,
                    agency=agencies[p.agency],
                )
            )
        if p.interview is not None:
            i = p.interview
            interviewer = users[i.interviewer] if i.interviewer else None
            holder = interviewer or recorder
            recorded_at = i.held_at or p.ended_at or p.started_at
            interviews.append(
                bulk.new(
                    ReturnInterview,
                    episode=episode,
                    offered=i.offered,
                    accepted=i.accepted,
                    held_at=i.held_at,
                    interviewer=interviewer,
                    independent=i.independent,
                    child_account=i.child_account,
                    push_factors=list(i.push),
                    pull_factors=list(i.pull),
                    people_named=list(i.people),
                    places_named=list(i.places),
                    actions_agreed=i.actions,
                    agency=holder.agency,
                    recorded_by=holder,
                    recorded_at=recorded_at,
                )
            )
            involve(p.child, holder.agency.name, recorded_at)
            if i.held_at is not None:
                entries.append(
                    bulk.new(
                        ChronologyEntry,
                        child=child,
                        kind=EntryKind.RETURN_INTERVIEW,
                        occurred_at=i.held_at,
                        recorded_at=i.held_at,
                        title=(
                            f"Return home interview held by {holder.display_name}"
                            f"{' (independent)' if i.independent else ''}"
                        )[:200],
                        body=f"Actions agreed: {i.actions}" if i.actions else "",
                        author=holder,
                        agency=holder.agency,
                    )
                )
    bulk.insert(RiskGrading, gradings)
    bulk.insert(ReturnInterview, interviews)
    # Written in bulk past the service: say which episodes still owe an interview, as it would.
    if episodes:
        first = min(e.pk for e in episodes)
        interviews_owed_refresh(MissingEpisode.objects.filter(pk__gte=first))
    bulk.insert(AgencyInvolvement, involvements)
    bulk.insert(ChronologyEntry, entries)

    # The demo's administrators may change the repeat missing rule in the admin.
    admins = Group.objects.filter(name="System administrators").first()
    if admins is not None:
        admins.permissions.add(
            *Permission.objects.filter(
                content_type__app_label="missing", content_type__model="repeatmissingrule"
            )
        )
    return {
        "missing episodes": len(episodes),
        "risk gradings": len(gradings),
        "return interviews": len(interviews),
        "chronology entries (missing)": len(entries),
    }
