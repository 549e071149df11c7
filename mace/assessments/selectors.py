"""Reads of assessments that are more than a queryset: what a page or the API shows of one, its
content and advisory summary (as saved, or with what was typed over a draft), the indicators a
child's concerns suggest, a child's levels over time, the
latest completed assessment of many children at once, and the reviews and sign-offs people
follow up. Each runs a fixed number of queries. Services call these; they never call services."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db.models import F, OuterRef, Prefetch, QuerySet, Subquery, prefetch_related_objects
from django.utils import timezone

from mace.access import policy
from mace.assessments.choices import AssessmentStatus
from mace.assessments.content import Content, IndicatorRecorded, PersonInvolved, content_merge
from mace.assessments.models import (
    Assessment,
    AssessmentFactor,
    AssessmentIndicator,
    AssessmentPerson,
    AssessmentVulnerability,
    Instrument,
    InstrumentIndicator,
    InstrumentSection,
    add_months,
)
from mace.assessments.rules import AdvisorySummary, Seen, content_evaluate, summarise
from mace.core.errors import DomainError
from mace.core.templatetags.govuk import gov_date
from mace.reference.choices import CodeList
from mace.reference.models import Code

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping

    from mace.accounts.models import User
    from mace.people.models import Child

# Which completed assessment is a child's latest: the most recent assessment date, then the one
# completed last (two on one day), then the later record. Open ones (no completion time) sort
# above completed ones of the same day, on every database.
LATEST_FIRST = ("-assessed_on", F("completed_at").desc(nulls_first=True), "-id")
# Bounded lists: the child's page shows the recent levels and links to the whole history.
RECENT_LEVELS = 5
HISTORY_PAGE = 25
FOLLOW_UP_LIMIT = 10


def _lines() -> tuple[Prefetch, ...]:
    """An assessment's lines in the order the page and the API show them."""
    return (
        Prefetch("people", queryset=AssessmentPerson.objects.order_by("order", "id")),
        Prefetch(
            "vulnerabilities",
            queryset=AssessmentVulnerability.objects.select_related("vulnerability").order_by(
                "vulnerability__order"
            ),
        ),
        Prefetch(
            "indicators",
            queryset=AssessmentIndicator.objects.select_related("indicator__section").order_by(
                "indicator__section__order", "indicator__order"
            ),
        ),
        Prefetch("factors", queryset=AssessmentFactor.objects.order_by("id")),
    )


def assessments_shown() -> QuerySet[Assessment]:
    """Assessments with everything a page or the API shows of one, in a fixed number of
    queries however many lines they have."""
    return Assessment.objects.select_related(
        "child__area__quadrant",
        "instrument",
        "agency",
        "assessor",
        "created_by",
        "sign_off_by",
    ).prefetch_related(*_lines())


def assessment_summary(assessment: Assessment) -> AdvisorySummary:
    """The advisory summary of an assessment as saved, with the windows it recorded (a later
    instrument or a later day does not change a completed assessment's summary). Expects the
    lines prefetched (assessments_shown)."""
    seen = [
        Seen(line.indicator, line.last_seen, line.window, line.source)
        for line in assessment.indicators.all()
    ]
    return summarise(
        seen=seen,
        vulnerabilities=[line.vulnerability for line in assessment.vulnerabilities.all()],
        factors=[f.code for f in assessment.factors.all()],
        age=assessment.child.age_on(assessment.assessed_on),
        assessed_on=assessment.assessed_on,
        current_window_months=assessment.instrument.current_window_months,
    )


def with_lines(assessment: Assessment) -> Assessment:
    """Load the assessment's lines, unless they are loaded already (assessments_shown)."""
    prefetch_related_objects(
        [assessment],
        *_lines(),
    )
    return assessment


def content_of(assessment: Assessment) -> Content:
    """The assessment's content as it is saved (its lines in a fixed number of queries, none if
    they are loaded already)."""
    with_lines(assessment)
    return Content(
        assessed_on=assessment.assessed_on,
        people=tuple(PersonInvolved(p.name, p.role, p.details) for p in assessment.people.all()),
        vulnerabilities=tuple(v.vulnerability.code for v in assessment.vulnerabilities.all()),
        vulnerability_notes=assessment.vulnerability_notes,
        indicators=tuple(
            IndicatorRecorded(i.indicator.code, i.last_seen, i.source, i.note)
            for i in assessment.indicators.all()
        ),
        child_view=assessment.child_view,
        factors=tuple(f.code for f in assessment.factors.all()),
        level=assessment.level,
        rationale=assessment.rationale,
        override_reason=assessment.override_reason,
        review_requested_on=assessment.review_requested_on,
    )


def summary_of(*, assessment: Assessment, changes: Mapping[str, Any]) -> AdvisorySummary:
    """The advisory summary of a draft as a page shows it: what is saved, with what was typed
    over it (lines that do not make sense yet are left out of the counts)."""
    try:
        content = content_merge(content_of(assessment), changes)
    except DomainError:
        content = content_of(assessment)
    checked, _ = content_evaluate(
        content,
        instrument=assessment.instrument,
        child=assessment.child,
        complete=False,
        agency_name=assessment.agency.name,
    )
    assert checked.summary is not None
    return checked.summary


def indicators_from_concerns(
    *, actor: User, child: Child, instrument: Instrument, today: dt.date
) -> tuple[IndicatorRecorded, ...]:
    """The indicators the child's concerns record within the instrument's windows, each at its
    latest sighting: a starting point the assessor reviews. Restricted concerns the assessor
    may not read are left out, so starting an assessment reveals nothing they could not read."""
    from mace.concerns.models import ConcernIndicator

    codes = set(
        InstrumentIndicator.objects.filter(section__instrument=instrument).values_list(
            "code", flat=True
        )
    )
    since = add_months(today, -instrument.previous_window_months)
    rows = (
        ConcernIndicator.objects.filter(
            concern__child=child, seen_on__gte=since, seen_on__lte=today
        )
        .select_related("indicator", "concern__agency")
        .order_by("-seen_on", "-concern__recorded_at", "-id")
    )
    latest: dict[str, IndicatorRecorded] = {}
    for row in rows:
        code = row.indicator.code
        if code in latest or code not in codes:
            continue
        concern = row.concern
        if concern.restricted and not policy.can_read_restricted(
            actor, agency_id=concern.agency_id, child=child
        ):
            continue
        latest[code] = IndicatorRecorded(
            indicator=code,
            last_seen=row.seen_on,
            source=row.source,
            note=f"From a concern recorded by {concern.agency} on {gov_date(concern.recorded_at)}"[
                :500
            ],
        )
    order = list(
        InstrumentIndicator.objects.filter(section__instrument=instrument)
        .order_by("section__order", "order")
        .values_list("code", flat=True)
    )
    return tuple(latest[code] for code in order if code in latest)


def factor_labels(codes: Iterable[str]) -> list[tuple[str, str]]:
    """(code, label) for CIN assessment factors, in the code list's order (retired codes
    included: an old assessment keeps what it recorded)."""
    codes = list(codes)
    rows = Code.objects.filter(list=CodeList.ASSESSMENT_FACTOR, code__in=codes).order_by("order")
    return [(row.code, row.label) for row in rows]


def instrument_shown(instrument: Instrument) -> Instrument:
    """The instrument with its sections, indicators and vulnerabilities, in three queries."""
    return (
        Instrument.objects.prefetch_related(
            Prefetch(
                "sections",
                queryset=InstrumentSection.objects.order_by("order").prefetch_related(
                    Prefetch("indicators", queryset=InstrumentIndicator.objects.order_by("order"))
                ),
            ),
            "vulnerabilities",
        )
    ).get(pk=instrument.pk)


# ---------------------------------------------------------------------------------------------
# Latest levels, for one child or many
# ---------------------------------------------------------------------------------------------


def _latest_completed() -> QuerySet[Assessment]:
    return Assessment.objects.filter(
        child=OuterRef("pk"), status=AssessmentStatus.COMPLETED
    ).order_by(*LATEST_FIRST)


def with_latest_assessment(children: QuerySet[Child]) -> QuerySet[Child]:
    """Annotate each child with their latest completed assessment: `latest_assessment_id`,
    `latest_assessment_level`, `latest_assessment_on` (the assessment date) and
    `latest_assessment_review_due`; None where there is none. One query for the whole list,
    so the MACE criteria and the per-quadrant lists can filter and sort on it, e.g.
    `with_latest_assessment(children).filter(latest_assessment_level=RiskLevel.HIGH)`."""
    latest = _latest_completed()
    return children.annotate(
        latest_assessment_id=Subquery(latest.values("pk")[:1]),
        latest_assessment_level=Subquery(latest.values("level")[:1]),
        latest_assessment_on=Subquery(latest.values("assessed_on")[:1]),
        latest_assessment_review_due=Subquery(latest.values("review_due")[:1]),
    )


def latest_assessments(child_ids: Iterable[int]) -> dict[int, Assessment]:
    """The latest completed assessment of each of these children, by child id, in one query."""
    latest_of_child = Assessment.objects.filter(
        child_id=OuterRef("child_id"), status=AssessmentStatus.COMPLETED
    ).order_by(*LATEST_FIRST)
    rows = Assessment.objects.filter(
        child_id__in=list(child_ids), status=AssessmentStatus.COMPLETED
    ).filter(pk=Subquery(latest_of_child.values("pk")[:1]))
    return {row.child_id: row for row in rows.select_related("agency", "assessor")}


@dataclass
class ChildAssessments:
    """What the child's page shows: the current level, assessments in progress, recent levels."""

    current: Assessment | None
    in_progress: list[Assessment]
    recent: list[Assessment]
    completed_count: int

    @property
    def more(self) -> bool:
        return self.completed_count > len(self.recent)


def child_assessments(child: Child, *, limit: int = RECENT_LEVELS) -> ChildAssessments:
    """The child's assessments for their page: three queries, however many there are."""
    base = Assessment.objects.filter(child=child).select_related("agency", "assessor")
    completed = base.filter(status=AssessmentStatus.COMPLETED).order_by(*LATEST_FIRST)
    recent = list(completed[:limit])
    in_progress = list(
        base.exclude(status=AssessmentStatus.COMPLETED).order_by("-updated_at", "-id")[:limit]
    )
    count = len(recent) if len(recent) < limit else completed.count()
    return ChildAssessments(
        current=recent[0] if recent else None,
        in_progress=in_progress,
        recent=recent,
        completed_count=count,
    )


def level_history(child: Child) -> QuerySet[Assessment]:
    """Every assessment of the child, newest first (completed ones by their assessment date,
    the history of levels over time; drafts and those awaiting sign-off at the top)."""
    return (
        Assessment.objects.filter(child=child)
        .select_related("agency", "assessor", "instrument")
        .order_by(*LATEST_FIRST)
    )


# ---------------------------------------------------------------------------------------------
# Follow-up: overdue reviews, sign-offs, drafts
# ---------------------------------------------------------------------------------------------


@dataclass
class FollowUp:
    items: list[Assessment]
    count: int  # up to FOLLOW_UP_COUNT_BOUND + 1
    more: bool = False  # more than FOLLOW_UP_COUNT_BOUND

    @property
    def shown_count(self) -> str:
        """How many there are, as the page says it: "500+" past the bound."""
        return f"{FOLLOW_UP_COUNT_BOUND:,}+" if self.more else f"{self.count:,}"


# Follow-up lists are counted up to this many ("the first 10 of 500+"), not over a caseload.
FOLLOW_UP_COUNT_BOUND = 500


def _bounded(queryset: QuerySet[Assessment], limit: int) -> FollowUp:
    items = list(queryset.select_related("child", "agency", "assessor")[:limit])
    count = (
        len(items)
        if len(items) < limit
        else queryset.order_by()[: FOLLOW_UP_COUNT_BOUND + 1].count()
    )
    return FollowUp(items=items, count=count, more=count > FOLLOW_UP_COUNT_BOUND)


def overdue_reviews(
    user: User, *, today: dt.date | None = None, limit: int = FOLLOW_UP_LIMIT
) -> FollowUp:
    """Completed assessments whose review date has passed with no later completed assessment of
    the child: the assessor's own and, for an agency manager, their agency's. Oldest first."""
    today = today or timezone.localdate()
    # The child's latest completed assessment is marked (is_latest), and indexed by review date.
    overdue = Assessment.objects.filter(is_latest=True, review_due__lt=today)
    scoped = policy.assessments_followed_up(user, overdue)
    return _bounded(scoped.order_by("review_due", "id"), limit)


def awaiting_my_sign_off(user: User, *, limit: int = FOLLOW_UP_LIMIT) -> FollowUp:
    """Overrides waiting for a manager of the user's agency, other than their own. Only for
    agency managers (the policy decides each one; this is the list it would allow)."""
    from mace.accounts.choices import Role

    if not user.has_role(Role.AGENCY_MANAGER) or user.agency_id is None:
        return FollowUp(items=[], count=0)
    waiting = (
        Assessment.objects.filter(
            status=AssessmentStatus.AWAITING_SIGN_OFF, agency_id=user.agency_id
        )
        .exclude(assessor=user)
        .filter(child__in=policy.scope_children(user, _children()))
        .order_by("submitted_at", "id")
    )
    return _bounded(waiting, limit)


def my_open_assessments(user: User, *, limit: int = FOLLOW_UP_LIMIT) -> FollowUp:
    """The user's own drafts (including ones a manager returned) and overrides they sent for
    sign-off, for children they may still see."""
    mine = (
        Assessment.objects.filter(assessor=user)
        .exclude(status=AssessmentStatus.COMPLETED)
        .filter(child__in=policy.scope_children(user, _children()))
        .order_by("-updated_at", "-id")
    )
    return _bounded(mine, limit)


@dataclass
class AssessmentFollowUp:
    """The "My work" panel: overrides waiting for the user's sign-off, overdue reviews, and the
    user's own assessments in progress."""

    awaiting: FollowUp
    overdue: FollowUp
    mine: FollowUp

    def assessments(self) -> list[Assessment]:
        return [*self.awaiting.items, *self.overdue.items, *self.mine.items]


def assessment_follow_up(user: User, *, today: dt.date | None = None) -> AssessmentFollowUp:
    return AssessmentFollowUp(
        awaiting=awaiting_my_sign_off(user),
        overdue=overdue_reviews(user, today=today),
        mine=my_open_assessments(user),
    )


def _children() -> QuerySet[Child]:
    from mace.people.models import Child

    return Child.objects.all()
