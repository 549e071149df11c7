"""The advisory summary of what an assessment records, and the guard rules: pure functions of the
recorded lines, so the page (from what was typed), the API and the service (from what will be
saved) all see the same thing.

The summary never chooses a level: the level is the assessor's professional judgement. The
guard rules only refuse a level that contradicts what was recorded:

1. a child under 13 at the assessment date, or with a learning disability, who shows any
   indicator cannot be rated low (a younger or learning-disabled child cannot be expected to
   recognise or resist exploitation, so indicators in them are never "only vulnerable");
2. a current indicator of actual exploitation (seen within the instrument's current window)
   requires high, or a written override that a manager of the assessor's agency signs off.

`content_evaluate` applies them, with the content's own checks (dates, people, what the
instrument asks, the CIN factors, the review date), to a content (mace.assessments.content)
against the instrument it is on: the page's summary, the API and the services all go through
it; `content_check` raises DomainError with every rule a content breaks.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db.models import Prefetch, prefetch_related_objects
from django.utils import timezone

from mace.assessments.choices import IndicatorWindow, PersonRole, RiskLevel
from mace.assessments.content import MAX_PEOPLE, Content
from mace.assessments.models import (
    Instrument,
    InstrumentIndicator,
    InstrumentSection,
    InstrumentVulnerability,
    ReviewInterval,
)
from mace.concerns.choices import IndicatorSource
from mace.core.bounds import event_date_problem
from mace.core.errors import DomainError
from mace.core.templatetags.govuk import gov_date
from mace.reference.choices import CodeList
from mace.reference.models import Code

if TYPE_CHECKING:
    from mace.people.models import Child

# The age below which a child showing indicators cannot be rated low.
UNDER_AGE = 13
# CIN census factor 5A records the child's own learning disability. 5B and 5C record a parent's
# or another household member's, which is a vulnerability of the family, not the child's own,
# so they do not engage the rule (they are still seen in the summary through the factors).
LEARNING_DISABILITY_FACTORS = frozenset({"5A"})

YOUNG_OR_LD = "young_or_learning_disability"
ACTUAL_EXPLOITATION = "actual_exploitation"
# CIN census factor 21, "No factors identified": chosen alone or not at all.
NO_FACTORS = "21"


@dataclass(frozen=True)
class Seen:
    """One indicator line as the rules read it."""

    indicator: InstrumentIndicator
    last_seen: dt.date | None
    window: str  # "" while the date is not yet given
    source: str


@dataclass(frozen=True)
class SectionCount:
    title: str
    current: int
    previous: int
    undated: int

    @property
    def total(self) -> int:
        return self.current + self.previous + self.undated


@dataclass(frozen=True)
class GuardRule:
    key: str
    applies: bool
    title: str
    explanation: str


@dataclass
class AdvisorySummary:
    """How many indicators, how recent, from which sources, and which guard rules apply."""

    total: int = 0
    current: int = 0
    previous: int = 0
    undated: int = 0
    sections: list[SectionCount] = field(default_factory=list)
    sources: list[tuple[str, int]] = field(default_factory=list)
    actual_current: list[str] = field(default_factory=list)
    actual_previous: list[str] = field(default_factory=list)
    most_recent: dt.date | None = None
    age: int | None = None
    learning_disability: str = ""
    vulnerabilities: int = 0
    rules: list[GuardRule] = field(default_factory=list)

    @property
    def rules_that_apply(self) -> list[GuardRule]:
        return [rule for rule in self.rules if rule.applies]


def learning_disability_reason(
    vulnerabilities: Iterable[InstrumentVulnerability], factors: Iterable[str]
) -> str:
    """Why the child counts as having a learning disability, or "" if they do not."""
    flagged = [v.label for v in vulnerabilities if v.learning_disability]
    if flagged:
        return f"“{flagged[0]}” is recorded among the vulnerabilities"
    if LEARNING_DISABILITY_FACTORS & set(factors):
        return "CIN assessment factor 5A (learning disability) is recorded"
    return ""


def _count(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def summarise(
    *,
    seen: Sequence[Seen],
    vulnerabilities: Sequence[InstrumentVulnerability],
    factors: Sequence[str],
    age: int | None,
    assessed_on: dt.date | None,
    current_window_months: int,
) -> AdvisorySummary:
    summary = AdvisorySummary(
        total=len(seen),
        current=sum(s.window == IndicatorWindow.CURRENT for s in seen),
        previous=sum(s.window == IndicatorWindow.PREVIOUS for s in seen),
        undated=sum(not s.window for s in seen),
        age=age,
        learning_disability=learning_disability_reason(vulnerabilities, factors),
        vulnerabilities=len(vulnerabilities),
    )
    by_section: dict[int, list[Seen]] = {}
    for line in seen:
        by_section.setdefault(line.indicator.section_id, []).append(line)
    for lines in sorted(by_section.values(), key=lambda ls: ls[0].indicator.section.order):
        summary.sections.append(
            SectionCount(
                title=lines[0].indicator.section.title,
                current=sum(s.window == IndicatorWindow.CURRENT for s in lines),
                previous=sum(s.window == IndicatorWindow.PREVIOUS for s in lines),
                undated=sum(not s.window for s in lines),
            )
        )
    labels = dict(IndicatorSource.choices)
    sources = Counter(s.source for s in seen if s.source)
    summary.sources = [(labels.get(k, k), n) for k, n in sources.most_common()]
    summary.actual_current = [
        s.indicator.label
        for s in seen
        if s.indicator.actual_exploitation and s.window == IndicatorWindow.CURRENT
    ]
    summary.actual_previous = [
        s.indicator.label
        for s in seen
        if s.indicator.actual_exploitation and s.window == IndicatorWindow.PREVIOUS
    ]
    dates = [s.last_seen for s in seen if s.last_seen]
    summary.most_recent = max(dates) if dates else None

    young = age is not None and age < UNDER_AGE
    if young:
        who = f"The child was {age} on {gov_date(assessed_on)}"
    elif summary.learning_disability:
        who = summary.learning_disability[:1].upper() + summary.learning_disability[1:]
    else:
        who = (
            "The child is 13 or over and no learning disability is recorded"
            if age is not None
            else "The date of birth is not known, so age could not be checked; "
            "no learning disability is recorded"
        )
    summary.rules = [
        GuardRule(
            key=YOUNG_OR_LD,
            applies=(young or bool(summary.learning_disability)) and bool(seen),
            title="Under 13 or a learning disability, with indicators: the level cannot be low",
            explanation=f"{who}; {_count(len(seen), 'indicator is', 'indicators are')} recorded.",
        ),
        GuardRule(
            key=ACTUAL_EXPLOITATION,
            applies=bool(summary.actual_current),
            title=(
                "A current indicator of actual exploitation: the level is high, or a manager "
                "signs off a written override"
            ),
            explanation=(
                "Current (last "
                f"{current_window_months} months): " + "; ".join(summary.actual_current) + "."
                if summary.actual_current
                else f"No indicator of actual exploitation seen in the last "
                f"{current_window_months} months."
            ),
        ),
    ]
    return summary


def level_errors(
    *,
    summary: AdvisorySummary,
    level: str,
    override_reason: str,
    child_name: str,
    agency_name: str,
) -> dict[str, list[str]]:
    """The guard rules' refusals of a level (on `level`), and an override given where none is
    needed (on `override_reason`)."""
    errors: dict[str, list[str]] = {}
    rules = {rule.key: rule for rule in summary.rules}
    indicators = _count(summary.total, "indicator is", "indicators are")
    if rules[YOUNG_OR_LD].applies and level == RiskLevel.LOW:
        if summary.age is not None and summary.age < UNDER_AGE:
            message = (
                f"A child under 13 who shows indicators of exploitation cannot be rated low: "
                f"{child_name} was {summary.age} at the date of the assessment and {indicators} "
                "recorded. Choose medium or high"
            )
        else:
            message = (
                "A child with a learning disability who shows indicators of exploitation cannot "
                f"be rated low: {summary.learning_disability} and {indicators} recorded. "
                "Choose medium or high"
            )
        errors.setdefault("level", []).append(message)
    needs_override = rules[ACTUAL_EXPLOITATION].applies and level in (
        RiskLevel.MEDIUM,
        RiskLevel.LOW,
    )
    if needs_override and not override_reason.strip():
        errors.setdefault("level", []).append(
            "A current indicator of actual exploitation is recorded ("
            + "; ".join(summary.actual_current)
            + "): choose high, or write an override saying why a lower level is right. "
            f"A manager of {agency_name} must then sign the override off"
        )
    if override_reason.strip() and not needs_override:
        errors["override_reason"] = [
            "An override is only needed when a current indicator of actual exploitation is "
            "recorded and the level is not high: clear this box"
        ]
    return errors


def override_needed(summary: AdvisorySummary, level: str) -> bool:
    rules = {rule.key: rule for rule in summary.rules}
    return rules[ACTUAL_EXPLOITATION].applies and level in (RiskLevel.MEDIUM, RiskLevel.LOW)


# ---------------------------------------------------------------------------------------------
# Evaluating a content against its instrument: the content's own checks and the guard rules
# ---------------------------------------------------------------------------------------------


@dataclass
class Checked:
    """Content that passed the rules, with what it refers to in the instrument."""

    content: Content
    instrument: Instrument
    seen: list[Seen] = field(default_factory=list)
    vulnerabilities: list[InstrumentVulnerability] = field(default_factory=list)
    summary: AdvisorySummary | None = None


def _instrument_items(instrument: Instrument) -> list[InstrumentIndicator]:
    """The instrument's indicators with their sections (no query if they are loaded already)."""
    prefetch_related_objects(
        [instrument],
        Prefetch(
            "sections",
            queryset=InstrumentSection.objects.order_by("order").prefetch_related(
                Prefetch("indicators", queryset=InstrumentIndicator.objects.order_by("order"))
            ),
        ),
        "vulnerabilities",
    )
    return [item for section in instrument.sections.all() for item in section.indicators.all()]


def content_check(
    content: Content,
    *,
    instrument: Instrument,
    child: Child,
    complete: bool,
    agency_name: str,
) -> Checked:
    """The checked content, or DomainError with every rule it breaks as field errors."""
    checked, errors = content_evaluate(
        content,
        instrument=instrument,
        child=child,
        complete=complete,
        agency_name=agency_name,
    )
    if errors:
        raise DomainError(errors)
    return checked


def content_evaluate(
    content: Content,
    *,
    instrument: Instrument,
    child: Child,
    complete: bool,
    agency_name: str,
) -> tuple[Checked, dict[str, list[str]]]:
    """The content with what it refers to in the instrument and its advisory summary, and every
    rule it breaks. A draft may leave things out; completing needs everything, and the guard
    rules."""
    errors: dict[str, list[str]] = {}

    def add(key: str, message: str) -> None:
        errors.setdefault(key, []).append(message)

    today = timezone.localdate()
    assessed_on = content.assessed_on
    if assessed_on is None:
        add("assessed_on", "Enter the date of the assessment")
    elif problem := event_date_problem(assessed_on, name="The date of the assessment"):
        add("assessed_on", problem)
        assessed_on = None
    elif assessed_on > today:
        add("assessed_on", "The date of the assessment must be today or in the past")
    elif child.dob and assessed_on < child.dob:
        add("assessed_on", "The date of the assessment must be after the child's date of birth")
        assessed_on = None

    if len(content.people) > MAX_PEOPLE:
        add("people", f"Record at most {MAX_PEOPLE} people")
    for n, person in enumerate(content.people[:MAX_PEOPLE]):
        if not person.name:
            add(f"people.{n}.name", f"Enter the name of person {n + 1}")
        elif len(person.name) > 200:
            add(f"people.{n}.name", f"The name of person {n + 1} must be 200 characters or fewer")
        if person.role not in PersonRole.values:
            add(f"people.{n}.role", f"Choose how person {n + 1} is involved")
        if len(person.details) > 500:
            add(f"people.{n}.details", f"Details of person {n + 1} must be 500 characters or fewer")

    vulnerabilities = {v.code: v for v in instrument.vulnerabilities.all()}
    chosen_vulnerabilities: list[InstrumentVulnerability] = []
    for n, code in enumerate(content.vulnerabilities):
        vulnerability = vulnerabilities.get(code)
        if vulnerability is None:
            add(f"vulnerabilities.{n}", "Choose vulnerabilities from the list")
        elif vulnerability in chosen_vulnerabilities:
            add(f"vulnerabilities.{n}", f"“{vulnerability.label}” is chosen more than once")
        else:
            chosen_vulnerabilities.append(vulnerability)

    items = {i.code: i for i in _instrument_items(instrument)}
    seen: list[Seen] = []
    codes: set[str] = set()
    for n, line in enumerate(content.indicators):
        key = f"indicators.{n}"
        item = items.get(line.indicator)
        if item is None:
            add(f"{key}.indicator", "Choose an indicator from the list")
            continue
        if line.indicator in codes:
            add(f"{key}.indicator", f"“{item.label}” is chosen more than once")
            continue
        codes.add(line.indicator)
        window = ""
        if line.last_seen is None:
            if complete:
                add(f"{key}.last_seen", f"Enter when “{item.label}” was last seen")
        elif problem := event_date_problem(
            line.last_seen, name=f"The date “{item.label}” was last seen"
        ):
            add(f"{key}.last_seen", problem)
        elif line.last_seen > today:
            add(f"{key}.last_seen", f"The date “{item.label}” was last seen must be in the past")
        elif assessed_on and line.last_seen > assessed_on:
            add(
                f"{key}.last_seen",
                f"The date “{item.label}” was last seen must be on or before the assessment date",
            )
        elif child.dob and line.last_seen < child.dob:
            add(
                f"{key}.last_seen",
                f"The date “{item.label}” was last seen must be after the child's date of birth",
            )
        elif assessed_on:
            window = instrument.window_for(line.last_seen, assessed_on) or ""
            if not window:
                add(
                    f"{key}.last_seen",
                    f"“{item.label}” was last seen more than {instrument.previous_window_months} "
                    f"months before the assessment, further back than this tool looks. Leave it "
                    "out, and say what it means in your rationale",
                )
        if not line.source:
            if complete:
                add(f"{key}.source", f"Choose where “{item.label}” came from")
        elif line.source not in IndicatorSource.values:
            add(f"{key}.source", f"Choose where “{item.label}” came from")
        if len(line.note) > 500:
            add(f"{key}.note", f"The note on “{item.label}” must be 500 characters or fewer")
        seen.append(Seen(item, line.last_seen, window, line.source))

    known_factors = set(
        Code.objects.filter(list=CodeList.ASSESSMENT_FACTOR, active=True).values_list(
            "code", flat=True
        )
    )
    for code in content.factors:
        if code not in known_factors:
            add("factors", f"“{code}” is not a CIN assessment factor that can be chosen")
    if len(set(content.factors)) != len(content.factors):
        add("factors", "Each factor can be chosen once")
    if NO_FACTORS in content.factors and len(set(content.factors)) > 1:
        add("factors", "21 “No factors identified” cannot be chosen with other factors")

    if content.level and content.level not in RiskLevel.values:
        add("level", "Choose a level: high, medium or low")

    default_due = (
        ReviewInterval.for_level(content.level).after(assessed_on)
        if assessed_on and content.level in RiskLevel.values
        else None
    )
    if problem := event_date_problem(content.review_requested_on, name="The review date"):
        add("review_requested_on", problem)
    elif content.review_requested_on is not None and assessed_on is not None:
        if content.review_requested_on <= assessed_on:
            add("review_requested_on", "The review date must be after the date of the assessment")
        elif default_due and content.review_requested_on > default_due:
            add(
                "review_requested_on",
                f"The review date can be no later than {gov_date(default_due)}, the latest "
                f"review for a {RiskLevel(content.level).label.lower()} level",
            )

    summary = summarise(
        seen=seen,
        vulnerabilities=chosen_vulnerabilities,
        factors=content.factors,
        age=child.age_on(assessed_on) if assessed_on else None,
        assessed_on=assessed_on,
        current_window_months=instrument.current_window_months,
    )
    if complete:
        if not content.child_view:
            add("child_view", "Record the child's view, or why it could not be sought")
        if not content.factors:
            add("factors", "Choose the factors that apply, or 21 “No factors identified”")
        if not content.level:
            add("level", "Choose the level of risk")
        if not content.rationale:
            add("rationale", "Explain why you chose this level")
        if content.level in RiskLevel.values and not errors.get("assessed_on"):
            for key, messages in level_errors(
                summary=summary,
                level=content.level,
                override_reason=content.override_reason,
                child_name=child.full_name,
                agency_name=agency_name,
            ).items():
                for message in messages:
                    add(key, message)
    checked = Checked(
        content=content,
        instrument=instrument,
        seen=seen,
        vulnerabilities=chosen_vulnerabilities,
        summary=summary,
    )
    return checked, errors
