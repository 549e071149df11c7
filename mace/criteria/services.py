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
from typing import Any

from django.db import transaction
from django.db.models import Count, Exists, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from mace.assessments.choices import IndicatorWindow, RiskLevel
from mace.assessments.models import AssessmentIndicator
from mace.assessments.selectors import with_latest_assessment
from mace.criteria.choices import CriterionCode
from mace.criteria.models import Criterion, Eligibility
from mace.missing.models import MissingEpisode, RepeatMissingRule
from mace.missing.selectors import with_recent_episodes
from mace.people.models import Child

# Children are worked out this many at a time: a fixed number of queries a batch.
BATCH = 2000
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


def _annotated(children: QuerySet[Child], *, rule: RepeatMissingRule, days: int, now: dt.datetime):  # type: ignore[no-untyped-def]
    window = MissingEpisode.objects.filter(
        child=OuterRef("pk"), started_at__gt=now - dt.timedelta(days=days), started_at__lte=now
    )
    counted = window.order_by().values("child").annotate(n=Count("pk")).values("n")
    known = AssessmentIndicator.objects.filter(
        assessment_id=OuterRef("latest_assessment_id"),
        indicator__actual_exploitation=True,
        window=IndicatorWindow.CURRENT,
    )
    annotated = with_recent_episodes(
        with_latest_assessment(children.select_related("area")), rule=rule, now=now
    )
    return annotated.annotate(
        window_episodes=Coalesce(Subquery(counted, output_field=IntegerField()), Value(0)),
        known_exploited=Exists(known),
    )


def _assessment_evidence(child: Any) -> dict[str, Any]:
    level = RiskLevel(child.latest_assessment_level).label if child.latest_assessment_level else ""
    return {
        "kind": "assessment",
        "id": child.latest_assessment_id,
        "label": f"Risk assessment: {level}",
        "date": child.latest_assessment_on.isoformat() if child.latest_assessment_on else None,
    }


def _episode_evidence(episodes: list[MissingEpisode]) -> list[dict[str, Any]]:
    return [
        {
            "kind": "missing_episode",
            "id": e.pk,
            "label": f"{e.get_type_display()} episode",
            "date": e.started_at.isoformat(),
        }
        for e in episodes
    ]


def evaluate(
    child: Any,
    *,
    active: dict[str, Criterion],
    rule: RepeatMissingRule,
    episodes: list[MissingEpisode],
    now: dt.datetime,
) -> list[dict[str, Any]]:
    """The criteria this (annotated) child meets, each with what it rests on. `episodes` are the
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
            if e.started_at > repeat_from and (rule.include_away or e.type == "M")
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


def _candidates(now: dt.datetime, days: int) -> QuerySet[Child]:
    """Everyone who could meet the criteria, and everyone who did: a full refresh's children."""
    from mace.assessments.choices import AssessmentStatus

    return Child.objects.filter(
        Q(assessments__status=AssessmentStatus.COMPLETED)
        | Q(missing_episodes__started_at__gt=now - dt.timedelta(days=days))
        | Q(mace_eligibility__isnull=False)
    ).distinct()


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
    if child_ids is None:
        ids = list(_candidates(now, days).order_by("pk").values_list("pk", flat=True))
    else:
        ids = sorted(set(child_ids))
    result = RefreshResult(considered=len(ids))
    for start in range(0, len(ids), BATCH):
        _refresh_batch(ids[start : start + BATCH], active, rule, days, now, result)
    return result


def _refresh_batch(
    ids: list[int],
    active: dict[str, Criterion],
    rule: RepeatMissingRule,
    days: int,
    now: dt.datetime,
    result: RefreshResult,
) -> None:
    at_risk = active.get(CriterionCode.MISSING_AT_RISK)
    children = list(
        _annotated(
            Child.objects.filter(pk__in=ids),
            rule=rule,
            days=at_risk.days if at_risk else 0,
            now=now,
        )
    )
    episodes: dict[int, list[MissingEpisode]] = defaultdict(list)
    for episode in MissingEpisode.objects.filter(
        child_id__in=ids, started_at__gt=now - dt.timedelta(days=days), started_at__lte=now
    ).order_by("-started_at"):
        episodes[episode.child_id].append(episode)
    existing = {e.child_id: e for e in Eligibility.objects.filter(child_id__in=ids)}
    new, changed, stopped = [], [], []
    for child in children:
        reasons = evaluate(child, active=active, rule=rule, episodes=episodes[child.pk], now=now)
        current = existing.get(child.pk)
        if not reasons:
            if current is not None:
                stopped.append(current.pk)
            continue
        codes = ",".join(r["code"] for r in reasons)
        facts = {
            "quadrant_id": child.area.quadrant_id if child.area_id else None,
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
    # A few hundred rows a statement: bulk_update's CASE costs the database time with the square
    # of the rows it sets (an import can change thousands of children's facts at once).
    Eligibility.objects.bulk_update(changed, [*_FACTS, "changed_at"], batch_size=200)
    Eligibility.objects.filter(pk__in=stopped).delete()
    result.started += len(new)
    result.stopped += len(stopped)


_FACTS = ["quadrant", "reasons", "codes", "last_level", "last_assessed_on", "recent_episodes"]
