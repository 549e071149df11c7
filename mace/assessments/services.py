"""Assessing a child's risk of exploitation: starting an assessment, changing the draft,
completing it, and a manager's decision on an override. Each service asks the access policy,
validates, and writes; completing puts the assessment on the child's chronology and involves
the assessor's agency.

The level is the assessor's professional judgement. The services refuse only what the guard
rules refuse (mace.assessments.rules), always with the reason on the `level` field."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import Prefetch, prefetch_related_objects
from django.utils import timezone

from mace.access import policy
from mace.assessments.choices import (
    AssessmentStatus,
    InstrumentStatus,
    PersonRole,
    RiskLevel,
    SignOffDecision,
)
from mace.assessments.models import (
    Assessment,
    AssessmentFactor,
    AssessmentIndicator,
    AssessmentPerson,
    AssessmentVulnerability,
    Instrument,
    InstrumentIndicator,
    InstrumentSection,
    InstrumentVulnerability,
    ReviewInterval,
    add_months,
)
from mace.assessments.rules import AdvisorySummary, Seen, level_errors, override_needed, summarise
from mace.concerns.choices import IndicatorSource
from mace.core.bounds import event_date_problem
from mace.core.concurrency import require_version, save_versioned
from mace.core.errors import DomainError, require
from mace.core.templatetags.govuk import gov_date
from mace.people.choices import EntryKind, InvolvementReason
from mace.people.services import chronology_add, involvement_ensure
from mace.reference.choices import CodeList
from mace.reference.models import Code

if TYPE_CHECKING:
    from mace.accounts.models import User
    from mace.people.models import Child

# Bounds no real assessment reaches, so nobody can use one as file storage.
MAX_PEOPLE = 30
NO_FACTORS = "21"


@dataclass(frozen=True)
class PersonInvolved:
    name: str
    role: str
    details: str = ""


@dataclass(frozen=True)
class IndicatorRecorded:
    indicator: str  # InstrumentIndicator.code in the assessment's instrument
    last_seen: dt.date | None = None
    source: str = ""
    note: str = ""


@dataclass(frozen=True)
class Content:
    """Everything a practitioner sets on an assessment. A change names only what it changes;
    lists replace the whole list."""

    assessed_on: dt.date | None
    people: tuple[PersonInvolved, ...] = ()
    vulnerabilities: tuple[str, ...] = ()
    vulnerability_notes: str = ""
    indicators: tuple[IndicatorRecorded, ...] = ()
    child_view: str = ""
    factors: tuple[str, ...] = ()
    level: str = ""
    rationale: str = ""
    override_reason: str = ""
    review_requested_on: dt.date | None = None


CONTENT_FIELDS = tuple(Content.__dataclass_fields__)
SCALARS = (
    "assessed_on",
    "vulnerability_notes",
    "child_view",
    "level",
    "rationale",
    "override_reason",
    "review_requested_on",
)
TEXTS = ("vulnerability_notes", "child_view", "level", "rationale", "override_reason")


@dataclass
class Checked:
    """Content that passed the rules, with what it refers to in the instrument."""

    content: Content
    instrument: Instrument
    seen: list[Seen] = field(default_factory=list)
    vulnerabilities: list[InstrumentVulnerability] = field(default_factory=list)
    summary: AdvisorySummary | None = None


def _normalise(content: Content) -> Content:
    texts: dict[str, Any] = {name: (getattr(content, name) or "").strip() for name in TEXTS}
    people = tuple(
        PersonInvolved(
            name=(p.name or "").strip(),
            role=(p.role or "").strip(),
            details=(p.details or "").strip(),
        )
        for p in content.people
    )
    indicators = tuple(
        IndicatorRecorded(
            indicator=(i.indicator or "").strip(),
            last_seen=i.last_seen,
            source=(i.source or "").strip(),
            note=(i.note or "").strip(),
        )
        for i in content.indicators
    )
    return replace(
        content,
        people=people,
        indicators=indicators,
        vulnerabilities=tuple((v or "").strip() for v in content.vulnerabilities),
        factors=tuple((f or "").strip().upper() for f in content.factors),
        **texts,
    )


def _merge(content: Content, changes: Mapping[str, Any]) -> Content:
    unknown = set(changes) - set(CONTENT_FIELDS)
    if unknown:
        raise DomainError({name: ["This cannot be changed"] for name in sorted(unknown)})
    values = dict(changes)
    for name in ("people", "vulnerabilities", "indicators", "factors"):
        if name in values:
            values[name] = tuple(values[name] or ())
    return _normalise(replace(content, **values))


def content_merge(content: Content, changes: Mapping[str, Any]) -> Content:
    """`content` with `changes` over it, tidied as the services tidy it (DomainError for a
    field that cannot be changed)."""
    return _merge(content, changes)


def _with_lines(assessment: Assessment) -> Assessment:
    """Load the assessment's lines, unless they are loaded already (assessments_shown)."""
    prefetch_related_objects(
        [assessment],
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
    return assessment


def content_of(assessment: Assessment) -> Content:
    """The assessment's content as it is saved (its lines in a fixed number of queries, none if
    they are loaded already)."""
    _with_lines(assessment)
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


def _saved_lines(assessment: Assessment) -> dict[str, list[tuple[Any, ...]]]:
    """The saved lines as comparable rows (from the loaded lines)."""
    _with_lines(assessment)
    return {
        "people": [(p.name, p.role, p.details) for p in assessment.people.all()],
        "vulnerabilities": [(v.vulnerability_id,) for v in assessment.vulnerabilities.all()],
        "indicators": [
            (i.indicator_id, i.last_seen, i.window, i.source, i.note)
            for i in assessment.indicators.all()
        ],
        "factors": [(f.code,) for f in assessment.factors.all()],
    }


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


def review_interval(level: str) -> ReviewInterval:
    """The interval for a level as administrators set it (the defaults if a row is missing)."""
    from mace.assessments.data import REVIEW_INTERVALS

    interval = ReviewInterval.objects.filter(level=level).first()
    if interval is not None:
        return interval
    _, amount, unit = next(row for row in REVIEW_INTERVALS if row[0] == level)
    return ReviewInterval(level=level, amount=amount, unit=unit)


def _check(
    content: Content,
    *,
    instrument: Instrument,
    child: Child,
    complete: bool,
    agency_name: str,
) -> Checked:
    """The checked content, or DomainError with every rule it breaks as field errors."""
    checked, errors = _evaluate(
        content,
        instrument=instrument,
        child=child,
        complete=complete,
        agency_name=agency_name,
    )
    if errors:
        raise DomainError(errors)
    return checked


def _evaluate(
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
        review_interval(content.level).after(assessed_on)
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


def _indicators_from_concerns(
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
            indicators=_indicators_from_concerns(
                actor=actor, child=child, instrument=instrument, today=timezone.localdate()
            ),
        )
    content = _merge(content, changes or {})
    checked = _check(
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
    content = _merge(content_of(assessment), changes)
    checked = _check(
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
    due = review_interval(content.level).after(content.assessed_on)
    if content.review_requested_on and content.review_requested_on < due:
        due = content.review_requested_on
    return {"status": AssessmentStatus.COMPLETED, "completed_at": now, "review_due": due}


def _record_completion(assessment: Assessment, *, actor: User) -> None:
    """The chronology entry, written as the assessor, and the assessor's agency involved; and
    whether the child meets the MACE criteria, which rests on their latest assessment."""
    from mace.criteria.services import eligibility_refresh

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


def summary_of(*, assessment: Assessment, changes: Mapping[str, Any]) -> AdvisorySummary:
    """The advisory summary of a draft as a page shows it: what is saved, with what was typed
    over it (lines that do not make sense yet are left out of the counts)."""
    try:
        content = _merge(content_of(assessment), changes)
    except DomainError:
        content = content_of(assessment)
    checked, _ = _evaluate(
        content,
        instrument=assessment.instrument,
        child=assessment.child,
        complete=False,
        agency_name=assessment.agency.name,
    )
    assert checked.summary is not None
    return checked.summary


# ---------------------------------------------------------------------------------------------
# Revising the instrument (system administrators, through the admin)
# ---------------------------------------------------------------------------------------------


def _require_instrument_admin(actor: User) -> None:
    require(
        actor.has_perm("assessments.change_instrument"),
        "Only a system administrator can revise the assessment tool",
    )


@transaction.atomic
def instrument_revise(*, actor: User, instrument: Instrument, version: str) -> Instrument:
    """A new draft version of the instrument, a copy of `instrument` to revise. Nothing changes
    for assessments until the new version is put in force, and never for past ones."""
    _require_instrument_admin(actor)
    version = (version or "").strip()
    if not version:
        raise DomainError({"version": ["Enter the new version's number, like 2"]})
    if Instrument.objects.filter(name=instrument.name, version=version).exists():
        raise DomainError({"version": [f"Version {version} of this tool already exists"]})
    copy = Instrument.objects.create(
        name=instrument.name,
        version=version,
        status=InstrumentStatus.DRAFT,
        current_window_months=instrument.current_window_months,
        previous_window_months=instrument.previous_window_months,
        source=instrument.source,
        notes="",
    )
    for section in instrument.sections.prefetch_related("indicators"):
        new_section = InstrumentSection.objects.create(
            instrument=copy,
            code=section.code,
            title=section.title,
            hint=section.hint,
            order=section.order,
        )
        InstrumentIndicator.objects.bulk_create(
            InstrumentIndicator(
                section=new_section,
                code=item.code,
                label=item.label,
                order=item.order,
                actual_exploitation=item.actual_exploitation,
            )
            for item in section.indicators.all()
        )
    InstrumentVulnerability.objects.bulk_create(
        InstrumentVulnerability(
            instrument=copy,
            code=v.code,
            label=v.label,
            order=v.order,
            learning_disability=v.learning_disability,
        )
        for v in instrument.vulnerabilities.all()
    )
    return copy


def instrument_errors(instrument: Instrument) -> list[str]:
    """What stops a version being put in force: it must ask something, its windows must make
    sense, an indicator code must mean one thing in it, and a learning disability must be one
    of its vulnerabilities (the guard rule needs it)."""
    errors = []
    if not (0 < instrument.current_window_months < instrument.previous_window_months):
        errors.append("The current window must be shorter than the previous window")
    codes = list(
        InstrumentIndicator.objects.filter(section__instrument=instrument).values_list(
            "code", flat=True
        )
    )
    if not codes:
        errors.append("The tool has no indicators")
    duplicated = sorted({c for c in codes if codes.count(c) > 1})
    if duplicated:
        errors.append(f"Indicator codes used more than once: {', '.join(duplicated)}")
    if not instrument.vulnerabilities.filter(learning_disability=True).exists():
        errors.append("No vulnerability is marked as a learning disability")
    return errors


@transaction.atomic
def instrument_put_in_force(*, actor: User, instrument: Instrument) -> Instrument:
    """Put a draft version in force from today; the version in force until now is superseded.
    Assessments already started keep the version they started on."""
    _require_instrument_admin(actor)
    if instrument.status != InstrumentStatus.DRAFT:
        raise DomainError("Only a draft version can be put in force")
    errors = instrument_errors(instrument)
    if errors:
        raise DomainError({"__all__": errors})
    for old in Instrument.objects.filter(status=InstrumentStatus.IN_FORCE):
        old.status = InstrumentStatus.SUPERSEDED
        old._history_user = actor  # type: ignore[attr-defined]
        old.save(update_fields=["status"])
    instrument.status = InstrumentStatus.IN_FORCE
    instrument.in_force_from = timezone.localdate()
    instrument._history_user = actor  # type: ignore[attr-defined]
    instrument.save(update_fields=["status", "in_force_from"])
    return instrument
