"""The advisory summary of what an assessment records, and the guard rules. Pure functions of the
recorded lines, so the page (from what was typed), the API and the service (from what will be
saved) all see the same thing.

The summary never chooses a level: the level is the assessor's professional judgement. The
guard rules only refuse a level that contradicts what was recorded:

1. a child under 13 at the assessment date, or with a learning disability, who shows any
   indicator cannot be rated low (a younger or learning-disabled child cannot be expected to
   recognise or resist exploitation, so indicators in them are never "only vulnerable");
2. a current indicator of actual exploitation (seen within the instrument's current window)
   requires high, or a written override that a manager of the assessor's agency signs off.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from mace.assessments.choices import IndicatorWindow, RiskLevel
from mace.assessments.models import InstrumentIndicator, InstrumentVulnerability
from mace.concerns.choices import IndicatorSource
from mace.core.templatetags.govuk import gov_date

# The age below which a child showing indicators cannot be rated low.
UNDER_AGE = 13
# CIN census factor 5A records the child's own learning disability. 5B and 5C record a parent's
# or another household member's, which is a vulnerability of the family, not the child's own,
# so they do not engage the rule (they are still seen in the summary through the factors).
LEARNING_DISABILITY_FACTORS = frozenset({"5A"})

YOUNG_OR_LD = "young_or_learning_disability"
ACTUAL_EXPLOITATION = "actual_exploitation"


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
