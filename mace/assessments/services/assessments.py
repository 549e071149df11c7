"""Assessing a child's risk of exploitation: starting an assessment, changing the draft,
completing it, and a manager's decision on an override. Each service asks the access policy,
validates, and writes; completing puts the assessment on the child's chronology and involves
the assessor's agency.

The level is the assessor's professional judgement. The services refuse only what the guard
rules refuse (mace.assessments.rules), always with the reason on the `level` field."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import Case, OuterRef, Q, QuerySet, Subquery, Value, When
from django.utils import timezone

from mace.access import policy
from mace.assessments.choices import AssessmentStatus, RiskLevel, SignOffDecision
from mace.assessments.content import SCALARS, Content, content_merge
from mace.assessments.models import (
    Assessment,
    AssessmentFactor,
    AssessmentIndicator,
    AssessmentPerson,
    AssessmentVulnerability,
    Instrument,
    ReviewInterval,
)
from mace.assessments.rules import Checked, content_check, override_needed
from mace.assessments.selectors import (
    LATEST_FIRST,
    content_of,
    indicators_from_concerns,
    with_lines,
)
from mace.core.concurrency import require_version, save_versioned
from mace.core.errors import DomainError, require
from mace.core.templatetags.govuk import gov_date
from mace.people.choices import EntryKind, InvolvementReason
from mace.people.services import chronology_add, involvement_ensure

if TYPE_CHECKING:
    from mace.accounts.models import User
    from mace.people.models import Child

__all__ = [
    "assessment_complete",
    "assessment_sign_off",
    "assessment_start",
    "assessment_update",
]


def _saved_lines(assessment: Assessment) -> dict[str, list[tuple[Any, ...]]]:
    """The saved lines as comparable rows (from the loaded lines)."""
    with_lines(assessment)
    return {
        "people": [(p.name, p.role, p.details) for p in assessment.people.all()],
        "vulnerabilities": [(v.vulnerability_id,) for v in assessment.vulnerabilities.all()],
        "indicators": [
            (i.indicator_id, i.last_seen, i.window, i.source, i.note)
            for i in assessment.indicators.all()
        ],
        "factors": [(f.code,) for f in assessment.factors.all()],
    }


def _scalars(content: Content) -> dict[str, Any]:
    return {name: getattr(content, name) for name in SCALARS}


def _lines_of(checked: Checked) -> dict[str, list[tuple[Any, ...]]]:
    """The lines as comparable rows, so unchanged lines are not rewritten."""
    content = checked.content
    return {
        "people": [(p.name, p.role, p.details) for p in content.people],
        "vulnerabilities": [(v.pk,) for v in checked.vulnerabilities],
        "indicators": [
            (s.indicator.pk, s.last_seen, s.window, s.source, line.note)
            for s, line in zip(checked.seen, content.indicators, strict=True)
        ],
        "factors": [(code,) for code in content.factors],
    }


def _write_lines(
    assessment: Assessment,
    lines: dict[str, list[tuple[Any, ...]]],
    saved: dict[str, list[tuple[Any, ...]]] | None = None,
) -> None:
    """Replace each kind of line that changed. A draft's lines are working notes: the record of
    what was assessed is the completed assessment, which is never changed."""

    def changed(kind: str) -> bool:
        return saved is None or sorted(map(repr, lines[kind])) != sorted(map(repr, saved[kind]))

    if changed("people"):
        assessment.people.all().delete()
        AssessmentPerson.objects.bulk_create(
            AssessmentPerson(assessment=assessment, name=name, role=role, details=details, order=n)
            for n, (name, role, details) in enumerate(lines["people"])
        )
    if changed("vulnerabilities"):
        assessment.vulnerabilities.all().delete()
        AssessmentVulnerability.objects.bulk_create(
            AssessmentVulnerability(assessment=assessment, vulnerability_id=pk)
            for (pk,) in lines["vulnerabilities"]
        )
    if changed("indicators"):
        assessment.indicators.all().delete()
        AssessmentIndicator.objects.bulk_create(
            AssessmentIndicator(
                assessment=assessment,
                indicator_id=pk,
                last_seen=last_seen,
                window=window,
                source=source,
                note=note,
            )
            for pk, last_seen, window, source, note in lines["indicators"]
        )
    if changed("factors"):
        assessment.factors.all().delete()
        AssessmentFactor.objects.bulk_create(
            AssessmentFactor(assessment=assessment, code=code) for (code,) in lines["factors"]
        )


@transaction.atomic
def assessment_start(
    *,
    actor: User,
    child: Child,
    changes: Mapping[str, Any] | None = None,
    from_concerns: bool = False,
) -> Assessment:
    """Start a draft assessment of the child on the instrument version in force, with whatever
    content is given so far. `from_concerns` starts the indicators from the child's concerns
    of the last months (the assessor reviews them). The assessor's agency becomes involved."""
    require(policy.can_assess(actor, child), "You cannot assess this child")
    instrument = Instrument.in_force()
    if instrument is None:
        raise DomainError(
            "No version of the assessment tool is in force. Ask a system administrator"
        )
    assert actor.agency is not None
    content = Content(assessed_on=timezone.localdate())
    if from_concerns and not (changes or {}).get("indicators"):
        content = replace(
            content,
            indicators=indicators_from_concerns(
                actor=actor, child=child, instrument=instrument, today=timezone.localdate()
            ),
        )
    content = content_merge(content, changes or {})
    checked = content_check(
        content,
        instrument=instrument,
        child=child,
        complete=False,
        agency_name=actor.agency.name,
    )
    now = timezone.now()
    assessment = Assessment.objects.create(
        child=child,
        instrument=instrument,
        agency=actor.agency,
        assessor=actor,
        created_by=actor,
        created_at=now,
        updated_at=now,
        **_scalars(checked.content),
    )
    _write_lines(assessment, _lines_of(checked))
    involvement_ensure(
        actor=actor, child=child, agency=actor.agency, reason=InvolvementReason.RECORDED
    )
    return assessment


@transaction.atomic
def assessment_update(
    *, actor: User, assessment: Assessment, version: int, changes: Mapping[str, Any]
) -> Assessment:
    """Change a draft, if nobody changed it since the practitioner loaded it at `version`
    (ConflictError otherwise, and nothing is written). `changes` holds only what changes."""
    require(
        policy.can_edit_assessment(actor, assessment),
        "Only a draft can be changed, by the agency making the assessment",
    )
    return _save(actor=actor, assessment=assessment, version=version, changes=changes)


def _save(
    *,
    actor: User,
    assessment: Assessment,
    version: int,
    changes: Mapping[str, Any],
    complete: bool = False,
) -> Assessment:
    content = content_merge(content_of(assessment), changes)
    checked = content_check(
        content,
        instrument=assessment.instrument,
        child=assessment.child,
        complete=complete,
        agency_name=assessment.agency.name,
    )
    saved_lines = _saved_lines(assessment)
    lines = _lines_of(checked)
    fields = {
        name: value
        for name, value in _scalars(checked.content).items()
        if getattr(assessment, name) != value
    }
    if complete:
        fields |= _completion(actor=actor, assessment=assessment, checked=checked)
    if not fields and lines == saved_lines:
        require_version(assessment, version)
        return assessment
    fields["updated_at"] = timezone.now()
    saved = save_versioned(
        Assessment.objects.filter(child=assessment.child),
        assessment.pk,
        version,
        history_user=actor,
        **fields,
    )
    _write_lines(saved, lines, saved_lines)
    if saved.status == AssessmentStatus.COMPLETED:
        _record_completion(saved, actor=actor)
    return saved


def _completion(*, actor: User, assessment: Assessment, checked: Checked) -> dict[str, Any]:
    """What completing changes: the assessor is whoever completes (the judgement is theirs);
    an override waits for a manager's sign-off, otherwise the assessment is completed now."""
    assert checked.summary is not None
    now = timezone.now()
    fields: dict[str, Any] = {
        "assessor": actor,
        "submitted_at": now,
        # A returned assessment sent again starts a new sign-off; the old one is in the history.
        "sign_off_by": None,
        "sign_off_at": None,
        "sign_off_decision": "",
        "sign_off_note": "",
    }
    if override_needed(checked.summary, checked.content.level):
        fields["status"] = AssessmentStatus.AWAITING_SIGN_OFF
    else:
        fields |= _finished(checked.content, now)
    return fields


def _finished(content: Content, now: dt.datetime) -> dict[str, Any]:
    assert content.assessed_on is not None
    due = ReviewInterval.for_level(content.level).after(content.assessed_on)
    if content.review_requested_on and content.review_requested_on < due:
        due = content.review_requested_on
    return {"status": AssessmentStatus.COMPLETED, "completed_at": now, "review_due": due}


def _record_completion(assessment: Assessment, *, actor: User) -> None:
    """The chronology entry, written as the assessor, and the assessor's agency involved; and
    whether the child meets the MACE criteria, which rests on their latest assessment."""
    from mace.criteria.services import eligibility_refresh

    latest_assessment_refresh(Assessment.objects.filter(child_id=assessment.child_id))
    eligibility_refresh(child_ids=[assessment.child_id])
    child, agency = assessment.child, assessment.agency
    level = RiskLevel(assessment.level).label
    parts = [f"Level: {level}. Review by {gov_date(assessment.review_due)}.", assessment.rationale]
    if assessment.override_reason:
        parts.append(
            f"Override (a current indicator of actual exploitation is recorded): "
            f"{assessment.override_reason}"
        )
    if assessment.sign_off_by_id:
        assert assessment.sign_off_by is not None
        parts.append(
            f"Override signed off by {assessment.sign_off_by.display_name} on "
            f"{gov_date(assessment.sign_off_at)}: {assessment.sign_off_note}"
        )
    today = timezone.localdate()
    occurred = (
        None
        if assessment.assessed_on == today
        # A past day without a time: midday, so no time zone moves it to another day.
        else timezone.make_aware(dt.datetime.combine(assessment.assessed_on, dt.time(12)))
    )
    involvement_ensure(actor=actor, child=child, agency=agency, reason=InvolvementReason.RECORDED)
    chronology_add(
        actor=assessment.assessor,
        child=child,
        kind=EntryKind.ASSESSMENT,
        title=f"Risk assessment completed by {agency}: {level}",
        body="\n\n".join(parts),
        occurred_at=occurred,
    )


@transaction.atomic
def assessment_complete(
    *,
    actor: User,
    assessment: Assessment,
    version: int,
    changes: Mapping[str, Any] | None = None,
) -> Assessment:
    """Complete a draft, with any last changes: everything must be recorded, and the level
    must pass the guard rules. An override of the rule for a current indicator of actual
    exploitation sends it to a manager of the agency for sign-off instead."""
    require(
        policy.can_edit_assessment(actor, assessment),
        "Only a draft can be completed, by the agency making the assessment",
    )
    return _save(
        actor=actor, assessment=assessment, version=version, changes=changes or {}, complete=True
    )


@transaction.atomic
def assessment_sign_off(
    *, actor: User, assessment: Assessment, version: int, decision: str, note: str
) -> Assessment:
    """A manager of the assessor's agency (not the assessor) decides on an override: agreed,
    and the assessment is completed; or returned, and it is a draft again for the assessor
    to change. The decision and its reason are recorded, and shown on the assessment."""
    require(
        policy.can_sign_off_assessment(actor, assessment),
        "Only a manager of the assessing agency who is not the assessor can sign this off",
    )
    errors: dict[str, list[str]] = {}
    if decision not in SignOffDecision.values:
        errors["decision"] = ["Choose whether you agree with the override or return it"]
    if not (note or "").strip():
        errors["note"] = [
            "Say why you agree with the override"
            if decision == SignOffDecision.AGREED
            else "Say what the assessor should reconsider"
            if decision == SignOffDecision.RETURNED
            else "Give the reason for your decision"
        ]
    if errors:
        raise DomainError(errors)
    now = timezone.now()
    fields: dict[str, Any] = {
        "sign_off_by": actor,
        "sign_off_at": now,
        "sign_off_decision": decision,
        "sign_off_note": note.strip(),
        "updated_at": now,
    }
    if decision == SignOffDecision.AGREED:
        fields |= _finished(content_of(assessment), now)
    else:
        fields["status"] = AssessmentStatus.DRAFT
    saved = save_versioned(
        Assessment.objects.filter(child=assessment.child),
        assessment.pk,
        version,
        history_user=actor,
        **fields,
    )
    if saved.status == AssessmentStatus.COMPLETED:
        _record_completion(saved, actor=actor)
    return saved


def latest_assessment_refresh(assessments: QuerySet[Assessment]) -> int:
    """Mark, among these assessments, each child's latest completed one (`is_latest`) and no
    other, in one UPDATE. Pass every assessment of the children concerned: called when one is
    completed, and by anything that writes assessments in bulk (the demo data)."""
    latest = (
        Assessment.objects.filter(child_id=OuterRef("child_id"), status=AssessmentStatus.COMPLETED)
        .order_by(*LATEST_FIRST)
        .values("pk")[:1]
    )
    return assessments.update(
        is_latest=Case(
            When(Q(status=AssessmentStatus.COMPLETED, pk=Subquery(latest)), then=Value(True)),
            default=Value(False),
        )
    )
