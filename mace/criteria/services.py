"""Working out which children meet the MACE criteria, and keeping mace.criteria.Eligibility true
to it. Called by the services that change what the criteria look at (completing an assessment,
recording or changing a missing episode) for the children they touch, and nightly by
`uv run mace refresh_mace_eligibility` for everyone, as time moves episodes out of their windows.
Idempotent: running it twice changes nothing the second time."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, NamedTuple

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from mace.assessments.choices import AssessmentStatus, IndicatorWindow, RiskLevel
from mace.assessments.models import Assessment, AssessmentIndicator
from mace.core.bulk import update_rows
from mace.criteria.choices import CriterionCode
from mace.criteria.models import Criterion, Eligibility
from mace.missing.choices import EpisodeType
from mace.missing.models import MissingEpisode, RepeatMissingRule
from mace.people.models import Child

# Children are worked out this many at a time: a fixed number of queries a batch. A full
# refresh reads each batch's rows by a range of child ids (its candidates are a third or more
# of the children), so a batch's queries carry two ids, not thousands.
BATCH = 5000
AT_RISK_LEVELS = frozenset({RiskLevel.MEDIUM, RiskLevel.HIGH})


@dataclass
class RefreshResult:
    considered: int = 0
    started: int = 0  # children who now meet the criteria and did not before
    stopped: int = 0  # children who no longer meet them
    changed: int = 0  # children who still meet them, for different reasons

    def __str__(self) -> str:
        return (
            f"{self.considered:,} children considered: {self.started:,} now meet the MACE "
            f"criteria, {self.stopped:,} no longer do, {self.changed:,} meet them for new reasons"
        )


@dataclass
class ChildFacts:
    """What the criteria look at for one child: their latest completed assessment (none: None)
    and how many of their episodes fall in each window."""

    pk: int
    quadrant_id: int | None = None
    latest_assessment_id: int | None = None
    latest_assessment_level: str | None = None
    latest_assessment_on: dt.date | None = None
    known_exploited: bool = False  # the latest assessment records a current indicator of it
    recent_missing_episodes: int = 0  # counted by the repeat missing rule
    window_episodes: int = 0  # any type, within the missing-at-risk criterion's days


class Episode(NamedTuple):
    """A missing episode as the criteria cite it."""

    pk: int
    type: str
    started_at: dt.datetime


def _assessment_evidence(child: ChildFacts) -> dict[str, Any]:
    level = RiskLevel(child.latest_assessment_level).label if child.latest_assessment_level else ""
    return {
        "kind": "assessment",
        "id": child.latest_assessment_id,
        "label": f"Risk assessment: {level}",
        "date": child.latest_assessment_on.isoformat() if child.latest_assessment_on else None,
    }


def _episode_evidence(episodes: list[Episode]) -> list[dict[str, Any]]:
    return [
        {
            "kind": "missing_episode",
            "id": e.pk,
            "label": f"{EpisodeType(e.type).label} episode",
            "date": e.started_at.isoformat(),
        }
        for e in episodes
    ]


def evaluate(
    child: ChildFacts,
    *,
    active: dict[str, Criterion],
    rule: RepeatMissingRule,
    episodes: list[Episode],
    now: dt.datetime,
) -> list[dict[str, Any]]:
    """The criteria this child meets, each with what it rests on. `episodes` are the
    child's episodes within the longest window, newest first."""
    reasons: list[dict[str, Any]] = []

    def add(code: str, detail: str, evidence: list[dict[str, Any]]) -> None:
        reasons.append(
            {
                "code": code,
                "label": CriterionCode(code).label,
                "detail": detail,
                "evidence": evidence,
            }
        )

    level = child.latest_assessment_level
    if CriterionCode.KNOWN_EXPLOITED in active and child.known_exploited:
        add(
            CriterionCode.KNOWN_EXPLOITED,
            "The latest risk assessment records a current indicator of actual exploitation",
            [_assessment_evidence(child)],
        )
    if CriterionCode.HIGH_RISK in active and level == RiskLevel.HIGH:
        add(
            CriterionCode.HIGH_RISK,
            "The latest risk assessment's level is high (known)",
            [_assessment_evidence(child)],
        )
    repeat_from = now - dt.timedelta(days=rule.days)
    if CriterionCode.REPEAT_MISSING in active and child.recent_missing_episodes >= rule.episodes:
        counted = [
            e
            for e in episodes
            if e.started_at > repeat_from and (rule.include_away or e.type == EpisodeType.MISSING)
        ]
        add(
            CriterionCode.REPEAT_MISSING,
            f"{child.recent_missing_episodes} missing episodes in the last {rule.days} days "
            f"(the rule is {rule.episodes})",
            _episode_evidence(counted),
        )
    at_risk = active.get(CriterionCode.MISSING_AT_RISK)
    if at_risk is not None and child.window_episodes and level in AT_RISK_LEVELS:
        window_from = now - dt.timedelta(days=at_risk.days)
        add(
            CriterionCode.MISSING_AT_RISK,
            f"Missing in the last {at_risk.days} days while assessed at "
            f"{RiskLevel(level).label.lower()} risk",
            [_assessment_evidence(child)]
            + _episode_evidence([e for e in episodes if e.started_at > window_from]),
        )
    return reasons


def _candidates(now: dt.datetime, days: int) -> list[int]:
    """Everyone who could meet the criteria, and everyone who did: a full refresh's children, in
    order. A union of three lists of ids, each read from one table without a join (the OR of
    three joins, made distinct, cost several times as much): children with a completed
    assessment, with an episode since the longest window began, on the list now."""
    assessed = Assessment.objects.filter(status=AssessmentStatus.COMPLETED).values_list(
        "child_id", flat=True
    )
    missing = MissingEpisode.objects.filter(
        started_at__gt=now - dt.timedelta(days=days)
    ).values_list("child_id", flat=True)
    listed = Eligibility.objects.values_list("child_id", flat=True)
    return sorted(assessed.order_by().union(missing.order_by(), listed.order_by()).order_by())


@transaction.atomic
def episodes_counted_since(now: dt.datetime) -> dt.datetime:
    """The earliest start of a missing episode the criteria look at (eligibility_refresh's
    window): writing an episode that started before it changes nobody's eligibility."""
    rule = RepeatMissingRule.current()
    at_risk = Criterion.objects.filter(code=CriterionCode.MISSING_AT_RISK, active=True).first()
    return now - dt.timedelta(days=max(rule.days, at_risk.days if at_risk else 0))


def eligibility_refresh(
    *, child_ids: Iterable[int] | None = None, now: dt.datetime | None = None
) -> RefreshResult:
    """Bring the children's Eligibility rows into line with the criteria now: every child who
    could meet them when no ids are given. A fixed number of queries per batch of children."""
    now = now or timezone.now()
    active = {c.code: c for c in Criterion.objects.filter(active=True)}
    rule = RepeatMissingRule.current()
    at_risk = active.get(CriterionCode.MISSING_AT_RISK)
    days = max(rule.days, at_risk.days if at_risk else 0)
    everyone = child_ids is None
    ids = _candidates(now, days) if everyone else sorted(set(child_ids or ()))
    # For everyone, read once: PostgreSQL finds a batch's share by reading the whole table.
    exploited_anywhere = _known_exploited(Q()) if everyone else set()
    result = RefreshResult(considered=len(ids))
    for start in range(0, len(ids), BATCH):
        batch = _Batch(ids[start : start + BATCH], by_range=everyone)
        exploited = (
            exploited_anywhere if everyone else _known_exploited(batch.of("assessment__child_id"))
        )
        _refresh_batch(batch, exploited, active, rule, days, now, result)
    return result


def _known_exploited(children: Q) -> set[int]:
    """The children (of those given) whose latest assessment records a current indicator of
    actual exploitation."""
    return set(
        AssessmentIndicator.objects.filter(
            children,
            assessment__is_latest=True,
            indicator__actual_exploitation=True,
            window=IndicatorWindow.CURRENT,
        )
        .order_by()
        .values_list("assessment__child_id", flat=True)
        .distinct()
    )


class _Batch:
    """Some children, and how their rows are read: by id, or (a run of a full refresh's
    candidates, which have every row the criteria read) by the range of ids from the first to
    the last, leaving out the rows of children in the range who are not the batch's."""

    def __init__(self, ids: list[int], *, by_range: bool) -> None:
        self.ids = set(ids)
        self.first, self.last = ids[0], ids[-1]
        self.by_range = by_range

    def of(self, field: str) -> Q:
        if self.by_range:
            return Q(**{f"{field}__gte": self.first, f"{field}__lte": self.last})
        return Q(**{f"{field}__in": sorted(self.ids)})


def _facts(
    batch: _Batch,
    exploited: set[int],
    *,
    rule: RepeatMissingRule,
    at_risk_days: int,
    days: int,
    now: dt.datetime,
) -> tuple[dict[int, ChildFacts], dict[int, list[Episode]]]:
    """The batch's children's facts, in the order of their ids, and their episodes within the
    longest window, newest first: three queries. The latest assessment is the one marked
    (`is_latest`); the episodes are read once and counted here for each window."""
    children = {
        pk: ChildFacts(pk, quadrant_id=quadrant_id)
        for pk, quadrant_id in Child.objects.filter(batch.of("pk"))
        .order_by("pk")
        .values_list("pk", "area__quadrant_id")
        if pk in batch.ids
    }
    latest = (
        Assessment.objects.filter(batch.of("child_id"), is_latest=True)
        .order_by()
        .values_list("child_id", "pk", "level", "assessed_on")
    )
    for child_id, pk, level, assessed_on in latest:
        if (child := children.get(child_id)) is not None:
            child.latest_assessment_id = pk
            child.latest_assessment_level = level
            child.latest_assessment_on = assessed_on
            child.known_exploited = child_id in exploited
    repeat_from = now - dt.timedelta(days=rule.days)
    window_from = now - dt.timedelta(days=at_risk_days)
    episodes: dict[int, list[Episode]] = defaultdict(list)
    rows = (
        MissingEpisode.objects.filter(
            batch.of("child_id"),
            started_at__gt=now - dt.timedelta(days=days),
            started_at__lte=now,
        )
        .order_by("-started_at", "-id")
        .values_list("child_id", "pk", "type", "started_at")
    )
    for child_id, pk, type_, started_at in rows:
        if (child := children.get(child_id)) is None:
            continue
        episodes[child_id].append(Episode(pk, type_, started_at))
        if started_at > repeat_from and (rule.include_away or type_ == EpisodeType.MISSING):
            child.recent_missing_episodes += 1
        if started_at > window_from:
            child.window_episodes += 1
    return children, episodes


def _refresh_batch(
    batch: _Batch,
    exploited: set[int],
    active: dict[str, Criterion],
    rule: RepeatMissingRule,
    days: int,
    now: dt.datetime,
    result: RefreshResult,
) -> None:
    at_risk = active.get(CriterionCode.MISSING_AT_RISK)
    children, episodes = _facts(
        batch, exploited, rule=rule, at_risk_days=at_risk.days if at_risk else 0, days=days, now=now
    )
    existing = {
        e.child_id: e
        for e in Eligibility.objects.filter(batch.of("child_id")).order_by()
        if e.child_id in children
    }
    new, changed, stopped = [], [], []
    for child in children.values():
        reasons = evaluate(child, active=active, rule=rule, episodes=episodes[child.pk], now=now)
        current = existing.get(child.pk)
        if not reasons:
            if current is not None:
                stopped.append(current.pk)
            continue
        codes = ",".join(r["code"] for r in reasons)
        facts = {
            "quadrant_id": child.quadrant_id,
            "reasons": reasons,
            "codes": codes,
            "last_level": child.latest_assessment_level or "",
            "last_assessed_on": child.latest_assessment_on,
            "recent_episodes": child.recent_missing_episodes,
        }
        if current is None:
            new.append(Eligibility(child_id=child.pk, eligible_since=now, changed_at=now, **facts))
            continue
        if current.codes != codes:
            current.changed_at = now
            result.changed += 1
        elif all(getattr(current, k) == v for k, v in facts.items()):
            continue
        for name, value in facts.items():
            setattr(current, name, value)
        changed.append(current)
    Eligibility.objects.bulk_create(new)
    # One UPDATE for a few hundred rows (bulk_update's CASE costs the database time with the
    # square of the rows it sets: an import can change thousands of children's facts at once).
    update_rows(Eligibility, changed, [*_FACTS, "changed_at"])
    Eligibility.objects.filter(pk__in=stopped).delete()
    result.started += len(new)
    result.stopped += len(stopped)


_FACTS = ["quadrant", "reasons", "codes", "last_level", "last_assessed_on", "recent_episodes"]
