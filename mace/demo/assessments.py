"""The assessments in the synthetic demo data set, planned from the core plan (mace.demo.plan)
with their own random stream, so the same seed always gives the same assessments and the rest
of the data set does not move when this part changes.

About half of the children with concerns have been assessed, by the agency that leads on them
(children's social care, else CARE, else the police, else whoever is involved). Levels follow
what was seen: more low and medium than high; a high level always records a current indicator
of actual exploitation, and no assessment breaks a guard rule. Some children have a history of
several assessments whose level changed; some reviews are overdue; a few drafts are in
progress; and one override waits for a manager's sign-off. `load` writes them with bulk inserts
and keeps the invariants the services keep: the assessing agency is involved with the child,
and each completed assessment has its chronology entry."""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any

from django.utils import timezone

from mace.assessments import data
from mace.assessments.choices import AssessmentStatus, IndicatorWindow, RiskLevel
from mace.assessments.models import add_months
from mace.assessments.rules import UNDER_AGE
from mace.assessments.services import latest_assessment_refresh
from mace.core import bulk
from mace.core.templatetags.govuk import gov_date

if TYPE_CHECKING:
    from mace.accounts.models import User
    from mace.demo.plan import ChildPlan, Plan
    from mace.people.models import Child
    from mace.reference.models import Agency

# The agencies that lead on assessing, in order of preference (they must have a demo author).
CSC_AGENCIES = (
    "Essex Children and Families (social care)",
    "Southend Children's Services",
    "Thurrock Children's Services",
)
CARE = "CARE (Children at Risk of Exploitation)"
POLICE = "Essex Police"
# The demo practitioner and their manager work for this agency: the override and drafts are
# theirs, so the demo shows them on "My work".
DEMO_AGENCY = CSC_AGENCIES[0]

ASSESSED_SHARE = 0.55
HISTORY_LENGTHS = {1: 62, 2: 24, 3: 10, 4: 4}
OVERDUE_SHARE = 0.18
DRAFTS = 3

ACTUAL = {code for _, _, _, items in data.SECTIONS for code, _, actual in items if actual}
SEED_GROUPS = {"behaviour", "health", "online_school", "possessions"}
SEED_CODES = tuple(
    code for section, _, _, items in data.SECTIONS if section in SEED_GROUPS for code, _, _ in items
)
RISK_CODES = {
    section: tuple(code for code, _, actual in items if not actual)
    for section, _, _, items in data.SECTIONS
    if section not in SEED_GROUPS
}
ACTUAL_CODES = {
    section: tuple(code for code, _, actual in items if actual)
    for section, _, _, items in data.SECTIONS
    if section not in SEED_GROUPS
}
SOURCES = {"observed": 4, "child": 2, "parent": 2, "professional": 3, "records": 2, "peer": 1}
VULNERABILITY_WEIGHTS = {
    "missing": 35,
    "looked-after": 18,
    "previous-abuse": 15,
    "domestic-abuse": 14,
    "substance-misuse": 16,
    "mental-health": 20,
    "not-in-education": 18,
    "isolated": 10,
    "family-difficulties": 14,
    "unstable-housing": 6,
    "sexuality": 4,
    "trafficked-or-asylum": 2,
    "physical-disability": 2,
}
LEARNING_DISABILITY_SHARE = 0.06
NICKNAMES = ("Razor", "Big Wiz", "Tricks", "Kaz", "Sully", "Dex", "Moth", "Jinx", "Fable")
CHILD_VIEWS = (
    "{name} says the older friends look after them and that nobody is taking advantage.",
    "{name} did not want to talk about it today; they agreed to meet again next week.",
    "{name} says they go out because home is stressful, and that they can look after themselves.",
    "{name} said they feel scared of some of the people they spend time with but does not want "
    "the police involved.",
    "{name} says the phone was a present and does not understand why people are worried.",
    "{name}'s view could not be sought: they were missing at the time of the assessment.",
)
RATIONALES = {
    RiskLevel.HIGH: (
        "Current indicators show {name} is being exploited; a disclosure and agency records "
        "confirm it. A safety plan and a referral to MACE are in place.",
        "{name} is known to be exploited: the indicators are current, from several sources, and "
        "include actual exploitation. Disruption of the adults involved is under way.",
    ),
    RiskLevel.MEDIUM: (
        "Several current indicators from more than one source suggest {name} is being groomed; "
        "there is no disclosure yet. Protective factors at home are limited.",
        "Exploitation is suspected: older associates and unexplained items, but no evidence of "
        "actual exploitation. To be reviewed with the family.",
    ),
    RiskLevel.LOW: (
        "{name} is vulnerable (the factors recorded) but the indicators are few, past or "
        "explained, and the family is protective.",
        "No current indicators of exploitation; vulnerabilities remain, so support continues "
        "through the youth service.",
    ),
}
OVERRIDE_RATIONALE = (
    "{name} was found by police carrying drugs twelve days ago, once. There is no other sign "
    "of actual exploitation, and {name} is engaging with the youth service."
)
OVERRIDE = (
    "Police confirm {name} was found holding the bag for an older cousin and did not know what "
    "was in it; no other indicators of exploitation since. Medium, with a review in six weeks."
)


@dataclass(frozen=True)
class LinePlan:
    code: str
    last_seen: date
    window: str
    source: str
    note: str


@dataclass(frozen=True)
class AssessmentPlan:
    child: int  # the child's index in the core plan (or the chunk of it)
    agency: str
    status: str
    assessed_on: date
    level: str
    rationale: str
    override_reason: str
    child_view: str
    people: tuple[tuple[str, str, str], ...]
    vulnerabilities: tuple[str, ...]
    factors: tuple[str, ...]
    indicators: tuple[LinePlan, ...]
    review_due: date | None


def _weighted(rng: random.Random, weights: Mapping[Any, float]) -> Any:
    keys = list(weights)
    return rng.choices(keys, weights=[weights[k] for k in keys])[0]


def _interval(level: str, day: date) -> date:
    _, amount, unit = next(row for row in data.REVIEW_INTERVALS if row[0] == level)
    return day + timedelta(weeks=amount) if unit == "weeks" else add_months(day, amount)


def _window(last_seen: date, assessed_on: date) -> str:
    if last_seen >= add_months(assessed_on, -3):
        return IndicatorWindow.CURRENT
    if last_seen >= add_months(assessed_on, -6):
        return IndicatorWindow.PREVIOUS
    return ""


def _age(dob: date, day: date) -> int:
    return day.year - dob.year - ((day.month, day.day) < (dob.month, dob.day))


def _assessing_agency(child: ChildPlan) -> str | None:
    involved = [i.agency for i in child.involvements]
    for agency in (*CSC_AGENCIES, CARE, POLICE):
        if agency in involved:
            return agency
    return None


class _Planner:
    def __init__(self, scale: str, seed: int, today: date) -> None:
        self.rng = random.Random(f"mace-demo-assessments:{scale}:{seed}")
        self.today = today

    def lines(
        self, child: ChildPlan, on: date, level: str, *, actual_now: bool, override: bool = False
    ) -> tuple[LinePlan, ...]:
        """What the assessment records: the concerns' sightings within the windows (the latest
        of each), and the assessor's own findings for the level."""
        rng = self.rng
        latest: dict[str, tuple[date, str, str]] = {}
        for concern in child.concerns:
            for seen in concern.indicators:
                in_window = seen.seen_on <= on and _window(seen.seen_on, on)
                if in_window and (seen.code not in latest or seen.seen_on > latest[seen.code][0]):
                    latest[seen.code] = (seen.seen_on, seen.source, "")
        want = {"low": (0, 1), "medium": (1, 3), "high": (2, 4)}[level]
        for code in rng.sample(SEED_CODES, rng.randint(*want)):
            if code not in latest:
                days = rng.randint(1, 80 if level != RiskLevel.LOW else 170)
                latest[code] = (on - timedelta(days=days), _weighted(rng, SOURCES), "")
        section = "criminal" if (child.sex == "M" and rng.random() < 0.6) else "sexual"
        if override:
            section = "criminal"
        if level == RiskLevel.MEDIUM and rng.random() < 0.5:
            code = rng.choice(RISK_CODES[section] + RISK_CODES["online"])
            latest[code] = (on - timedelta(days=rng.randint(3, 60)), _weighted(rng, SOURCES), "")
        if level == RiskLevel.MEDIUM and not override and rng.random() < 0.2:
            # Actual exploitation in the previous window only: past, so no override is needed.
            code = rng.choice(ACTUAL_CODES[section])
            days = rng.randint(100, 170)
            latest[code] = (on - timedelta(days=days), "records", "Before the current plan")
        if override:
            # The override's story: drugs found on the child once, nothing more since.
            latest["drug-running"] = (on - timedelta(days=12), "records", "Found by police")
        elif actual_now:
            for code in rng.sample(ACTUAL_CODES[section], rng.randint(1, 2)):
                latest[code] = (on - timedelta(days=rng.randint(1, 60)), "records", "")
        order = {
            code: n for n, code in enumerate(c for _, _, _, i in data.SECTIONS for c, _, _ in i)
        }
        return tuple(
            LinePlan(code, seen_on, _window(seen_on, on), source, note)
            for code, (seen_on, source, note) in sorted(latest.items(), key=lambda kv: order[kv[0]])
            if _window(seen_on, on)
        )

    def assessment(
        self,
        index: int,
        child: ChildPlan,
        agency: str,
        on: date,
        level: str,
        *,
        status: str = AssessmentStatus.COMPLETED,
        override: bool = False,
    ) -> AssessmentPlan:
        rng = self.rng
        vulnerabilities = [
            code for code, weight in VULNERABILITY_WEIGHTS.items() if rng.random() < weight / 100
        ]
        if rng.random() < LEARNING_DISABILITY_SHARE:
            vulnerabilities.insert(0, "learning-disability")
        actual_now = level == RiskLevel.HIGH or override
        lines = self.lines(child, on, level, actual_now=actual_now, override=override)
        young = _age(child.dob, on) < UNDER_AGE
        # The guard rule: a child under 13 or with a learning disability who shows indicators
        # is never rated low. The demo's assessors keep to it, as the service makes them.
        if level == RiskLevel.LOW and lines and (young or "learning-disability" in vulnerabilities):
            level = RiskLevel.MEDIUM
        sections = {_section_of(line.code) for line in lines}
        factors = []
        if "missing" in vulnerabilities:
            factors.append("10A")
        if "sexual" in sections or (lines and child.sex == "F" and "criminal" not in sections):
            factors.append("11A")
        if any(line.code == "gang-association" for line in lines):
            factors.append("13A")
        if "criminal" in sections:
            factors.append("24A")
        if "learning-disability" in vulnerabilities:
            factors.append("5A")
        factors = factors or ["21"]
        people = [(f"{child.forename}'s {rng.choice(('mother', 'father', 'carer'))}", "parent", "")]
        if "looked-after" in vulnerabilities:
            people = [("Foster carer (fictional)", "carer", "Placement since last year")]
        if level != RiskLevel.LOW and rng.random() < 0.6:
            nickname = rng.choice(NICKNAMES)
            people.append(
                (
                    f"'{nickname}' (real name not known)",
                    "person_of_concern",
                    f"About {rng.randint(18, 35)}; seen with {child.forename} in town",
                )
            )
        if rng.random() < 0.4:
            people.append(("Youth worker (fictional)", "professional", "Essex Youth Service"))
        name = child.forename
        completed = status == AssessmentStatus.COMPLETED
        return AssessmentPlan(
            child=index,
            agency=agency,
            status=status,
            assessed_on=on,
            level=level,
            rationale=(
                OVERRIDE_RATIONALE if override else rng.choice(RATIONALES[RiskLevel(level)])
            ).format(name=name),
            override_reason=OVERRIDE.format(name=name) if override else "",
            child_view=rng.choice(CHILD_VIEWS).format(name=name),
            people=tuple(people),
            vulnerabilities=tuple(vulnerabilities),
            factors=tuple(factors),
            indicators=lines,
            review_due=_interval(level, on) if completed else None,
        )

    def history(self, index: int, child: ChildPlan, agency: str) -> list[AssessmentPlan]:
        """A child's assessments, oldest first: each reviewed about when it fell due, the level
        moving a step up or down now and then; the latest's review sometimes overdue."""
        rng, today = self.rng, self.today
        first_concern = min(c.recorded_at.date() for c in child.concerns)
        count = _weighted(rng, HISTORY_LENGTHS)
        strength = len({i.code for c in child.concerns for i in c.indicators})
        high = min(0.06 + 0.05 * max(strength - 3, 0), 0.4)
        level = _weighted(rng, {RiskLevel.LOW: 0.62 - high / 2, RiskLevel.MEDIUM: 0.38 - high / 2,
                                RiskLevel.HIGH: high})  # fmt: skip
        levels = [level]
        for _ in range(count - 1):
            # Walking back in time: before a high there was usually a medium, and so on.
            step = _weighted(rng, {-1: 3, 0: 4, 1: 3})
            order = [RiskLevel.LOW, RiskLevel.MEDIUM, RiskLevel.HIGH]
            levels.insert(0, order[min(max(order.index(levels[0]) + step, 0), 2)])
        # The latest assessment: its review overdue for some, not yet due for the others.
        due_days = (_interval(levels[-1], today) - today).days
        if rng.random() < OVERDUE_SHARE:
            latest = today - timedelta(days=due_days + rng.randint(1, 45))
        else:
            latest = today - timedelta(days=rng.randint(2, max(due_days - 2, 3)))
        floor = max(first_concern, child.dob + timedelta(days=1))
        if latest < floor:
            # Concerns too recent for the history drawn: one assessment since the first concern.
            latest = floor + timedelta(days=rng.randint(0, max((today - floor).days, 0)))
            dates, levels = [latest], levels[-1:]
        else:
            dates = [latest]
            for earlier in reversed(levels[:-1]):
                gap = (_interval(earlier, today) - today).days
                dates.insert(0, dates[0] - timedelta(days=gap + rng.randint(-10, 20)))
        result = []
        for on, level_then in zip(dates, levels, strict=True):
            if on < floor or on > today:
                continue
            result.append(self.assessment(index, child, agency, on, level_then))
        return result


def _section_of(code: str) -> str:
    return next(section for section, _, _, items in data.SECTIONS for c, _, _ in items if c == code)


class AssessmentPlanner:
    """Plans the assessments a chunk of the core plan at a time, in order, from one random
    stream, so they do not depend on the chunk size (the one override and the few drafts go to
    the first children who fit)."""

    def __init__(self, scale: str, seed: int, today: date) -> None:
        self.planner = _Planner(scale, seed, today)
        self.override_done = False
        self.drafts = 0

    def plan(self, chunk: Plan) -> tuple[AssessmentPlan, ...]:
        planner = self.planner
        today = planner.today
        result: list[AssessmentPlan] = []
        for index, child in enumerate(chunk.children):
            if not child.concerns:
                continue
            agency = _assessing_agency(child)
            if agency is None or planner.rng.random() >= ASSESSED_SHARE:
                continue
            history = planner.history(index, child, agency)
            result.extend(history)
            if agency != DEMO_AGENCY:
                continue
            if not self.override_done and _age(child.dob, today) >= UNDER_AGE:
                # One override waits for a manager: a current indicator of actual exploitation,
                # rated medium with the assessor's written reasons.
                waiting = planner.assessment(
                    index,
                    child,
                    agency,
                    today - timedelta(days=2),
                    RiskLevel.MEDIUM,
                    status=AssessmentStatus.AWAITING_SIGN_OFF,
                    override=True,
                )
                result.append(waiting)
                self.override_done = True
            elif self.drafts < DRAFTS and history:
                # A review under way: a draft started from the last assessment's date onwards.
                result.append(
                    planner.assessment(
                        index,
                        child,
                        agency,
                        today,
                        history[-1].level,
                        status=AssessmentStatus.DRAFT,
                    )
                )
                self.drafts += 1
        return tuple(result)


def plan(the_plan: Plan) -> tuple[AssessmentPlan, ...]:
    """Every demo assessment, from the core plan alone (no database)."""
    return AssessmentPlanner(the_plan.scale, the_plan.seed, the_plan.today).plan(the_plan)


def _moment(day: date, hour: int) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, 30)))


def load(
    the_plan: Plan,
    *,
    children: Sequence[Child],
    users: Mapping[str, User],
    agencies: Mapping[str, Agency],
    author_for_agency: Mapping[str, str],
    planned: Sequence[AssessmentPlan] | None = None,
) -> dict[str, int]:
    """Write the demo assessments of the plan in bulk (children in the plan's order): `planned`,
    for a chunk of it (planned by an AssessmentPlanner that planned the chunks before), else all
    the plan's. Returns the number of rows of
    each kind."""
    from django.contrib.auth.models import Group, Permission

    from mace.assessments.models import (
        Assessment,
        AssessmentFactor,
        AssessmentIndicator,
        AssessmentPerson,
        AssessmentVulnerability,
        Instrument,
        InstrumentIndicator,
        InstrumentVulnerability,
    )
    from mace.people.choices import EntryKind
    from mace.people.models import ChronologyEntry

    # The system administrators revise the tool and the review intervals in the admin.
    admins = Group.objects.filter(name="System administrators").first()
    if admins is not None:
        admins.permissions.add(
            *Permission.objects.filter(
                content_type__app_label="assessments",
                content_type__model__in=[
                    "instrument",
                    "instrumentsection",
                    "instrumentindicator",
                    "instrumentvulnerability",
                    "reviewinterval",
                ],
            )
        )
    plans = plan(the_plan) if planned is None else planned
    instrument = Instrument.in_force()
    if instrument is None:
        return {}
    indicators = {
        i.code: i for i in InstrumentIndicator.objects.filter(section__instrument=instrument)
    }
    vulnerabilities = {
        v.code: v for v in InstrumentVulnerability.objects.filter(instrument=instrument)
    }
    rows: list[Assessment] = []
    for p in plans:
        author = users[author_for_agency[p.agency]]
        completed = p.status == AssessmentStatus.COMPLETED
        done_at = _moment(p.assessed_on, 15)
        rows.append(
            bulk.new(
                Assessment,
                child=children[p.child],
                instrument=instrument,
                agency=agencies[p.agency],
                assessor=author,
                created_by=author,
                status=p.status,
                assessed_on=p.assessed_on,
                child_view=p.child_view,
                level=p.level,
                rationale=p.rationale,
                override_reason=p.override_reason,
                review_due=p.review_due,
                submitted_at=done_at if p.status != AssessmentStatus.DRAFT else None,
                completed_at=done_at if completed else None,
                created_at=_moment(p.assessed_on, 10),
                updated_at=done_at,
            )
        )
    bulk.insert(Assessment, rows)
    # Written in bulk past the service: mark each child's latest completed one, as it would.
    if rows:
        latest_assessment_refresh(Assessment.objects.filter(pk__gte=min(r.pk for r in rows)))
    people: list[AssessmentPerson] = []
    lines: list[AssessmentIndicator] = []
    vulns: list[AssessmentVulnerability] = []
    factors: list[AssessmentFactor] = []
    entries: list[ChronologyEntry] = []
    for assessment, p in zip(rows, plans, strict=True):
        people.extend(
            bulk.new(
                AssessmentPerson,
                assessment=assessment,
                name=name,
                role=role,
                details=details,
                order=n,
            )
            for n, (name, role, details) in enumerate(p.people)
        )
        lines.extend(
            bulk.new(
                AssessmentIndicator,
                assessment=assessment,
                indicator=indicators[line.code],
                last_seen=line.last_seen,
                window=line.window,
                source=line.source,
                note=line.note,
            )
            for line in p.indicators
        )
        vulns.extend(
            bulk.new(
                AssessmentVulnerability, assessment=assessment, vulnerability=vulnerabilities[code]
            )
            for code in p.vulnerabilities
        )
        factors.extend(
            bulk.new(AssessmentFactor, assessment=assessment, code=code) for code in p.factors
        )
        if p.status == AssessmentStatus.COMPLETED:
            assert assessment.completed_at is not None
            label = RiskLevel(p.level).label
            entries.append(
                bulk.new(
                    ChronologyEntry,
                    child=assessment.child,
                    kind=EntryKind.ASSESSMENT,
                    occurred_at=assessment.completed_at,
                    recorded_at=assessment.completed_at,
                    title=f"Risk assessment completed by {p.agency}: {label}",
                    body=f"Level: {label}. Review by {gov_date(p.review_due)}.\n\n{p.rationale}",
                    author=assessment.assessor,
                    agency=assessment.agency,
                )
            )
    bulk.insert(AssessmentPerson, people)
    bulk.insert(AssessmentIndicator, lines)
    bulk.insert(AssessmentVulnerability, vulns)
    bulk.insert(AssessmentFactor, factors)
    bulk.insert(ChronologyEntry, entries)
    return {
        "assessments": len(rows),
        "assessment indicators": len(lines),
        "chronology entries": len(entries),
    }
