"""What the assessments API accepts and answers. Input and output schemas are separate; values
are checked by the services, so a client gets the same messages as the page, on the same
fields. Outputs are built from records the route has loaded (lines prefetched, the advisory
summary and factor labels attached), so resolving a field never runs a query of its own."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from ninja import Field, Schema

from mace.assessments.choices import RiskLevel
from mace.core.schemas import EventDate, LongText, Offset, ShortText, Version
from mace.people.schemas import FieldErrorOut

# ---------------------------------------------------------------------------------------------
# Input
# ---------------------------------------------------------------------------------------------


class AssessmentPersonIn(Schema):
    name: ShortText = ""
    role: ShortText = Field(
        "",
        description=(
            "parent, carer, sibling, relative, friend, professional, person_of_concern or other"
        ),
    )
    details: LongText = Field(
        "", description="What is known: for a person of concern, an age, a car"
    )


class IndicatorIn(Schema):
    indicator: ShortText = Field(
        description="The indicator's code in the instrument, e.g. drug-running"
    )
    last_seen: EventDate | None = Field(
        None,
        description="When it was last seen; it makes the indicator current or previous against "
        "the instrument's windows, counted back from the assessment date",
    )
    source: ShortText = Field(
        "",
        description="observed, child, parent, professional, records, peer or anonymous",
    )
    note: LongText = ""


class AssessmentContentIn(Schema):
    """The parts of an assessment. Give only what you set or change; a list replaces the whole
    list. A draft may leave anything out; completing needs everything."""

    assessed_on: EventDate | None = Field(None, description="The date of the assessment")
    people: list[AssessmentPersonIn] | None = None
    vulnerabilities: list[ShortText] | None = Field(
        None, description="Codes of the instrument's vulnerabilities, e.g. learning-disability"
    )
    vulnerability_notes: LongText | None = None
    indicators: list[IndicatorIn] | None = None
    child_view: LongText | None = Field(None, description="The child's own view, in their words")
    factors: list[ShortText] | None = Field(
        None, description="CIN assessment factor codes, e.g. 11A; 21 (no factors) stands alone"
    )
    level: ShortText | None = Field(None, description="high, medium or low: your judgement")
    rationale: LongText | None = Field(None, description="Why you chose the level")
    override_reason: LongText | None = Field(
        None,
        description="Only when a current indicator of actual exploitation is recorded and the "
        "level is not high: why; a manager of your agency must sign it off",
    )
    review_requested_on: EventDate | None = Field(
        None, description="An earlier review date than the level's usual interval"
    )


class AssessmentIn(AssessmentContentIn):
    from_concerns: bool = Field(
        False,
        description="Start the indicators from the child's concerns within the instrument's "
        "windows (when no indicators are given)",
    )


class AssessmentPatchIn(AssessmentContentIn):
    version: Version = Field(
        ge=1, description="The version of the assessment you read; a stale one answers 409"
    )


# A page of a child's assessments is bounded, as every list is.
MAX_LIMIT = 100


class AssessmentListQuery(Schema):
    limit: int = Field(25, ge=1, le=MAX_LIMIT)
    offset: Offset = 0


class SignOffIn(Schema):
    version: Version = Field(ge=1, description="The version of the assessment you read")
    decision: LongText = Field("", description="agreed (the override stands) or returned")
    note: LongText = Field("", description="Your reasons")


# ---------------------------------------------------------------------------------------------
# Output: the instrument
# ---------------------------------------------------------------------------------------------


class InstrumentIndicatorOut(Schema):
    code: str
    label: str
    actual_exploitation: bool = Field(
        description="A sign the child is being exploited, not only at risk"
    )


class InstrumentSectionOut(Schema):
    code: str
    title: str
    hint: str
    indicators: list[InstrumentIndicatorOut]

    @staticmethod
    def resolve_indicators(obj: Any) -> list[Any]:
        return list(obj.indicators.all())


class InstrumentVulnerabilityOut(Schema):
    code: str
    label: str
    learning_disability: bool


class ReviewIntervalOut(Schema):
    level: str
    amount: int
    unit: str


class InstrumentSummaryOut(Schema):
    id: int
    name: str
    version: str
    status: str = Field(description="draft, in_force or superseded")
    in_force_from: date | None
    current_window_months: int = Field(description="Last seen within this many months: current")
    previous_window_months: int = Field(
        description="Last seen before that but within this many months: previous"
    )


class InstrumentOut(InstrumentSummaryOut):
    sections: list[InstrumentSectionOut]
    vulnerabilities: list[InstrumentVulnerabilityOut]
    review_intervals: list[ReviewIntervalOut] = Field(
        description="How soon each level is reviewed, as set now (not part of the version)"
    )

    @staticmethod
    def resolve_sections(obj: Any) -> list[Any]:
        return list(obj.sections.all())

    @staticmethod
    def resolve_vulnerabilities(obj: Any) -> list[Any]:
        return list(obj.vulnerabilities.all())

    @staticmethod
    def resolve_review_intervals(obj: Any) -> list[Any]:
        return list(getattr(obj, "review_intervals", []))


# ---------------------------------------------------------------------------------------------
# Output: assessments
# ---------------------------------------------------------------------------------------------


class AssessmentSummaryOut(Schema):
    """An assessment in a list: enough for the history of levels."""

    id: int
    child_id: int
    status: str = Field(description="draft, awaiting_sign_off or completed")
    assessed_on: date
    level: str = Field(description="high, medium or low; blank while a draft has none")
    level_label: str
    assessor: str
    agency: str
    review_due: date | None
    review_overdue: bool = Field(
        description="The review date has passed (only meaningful for the child's latest)"
    )
    completed_at: datetime | None
    version: int

    @staticmethod
    def resolve_level_label(obj: Any) -> str:
        return str(RiskLevel(obj.level).label) if obj.level else ""

    @staticmethod
    def resolve_assessor(obj: Any) -> str:
        return str(obj.assessor.display_name)

    @staticmethod
    def resolve_agency(obj: Any) -> str:
        return str(obj.agency.name)

    @staticmethod
    def resolve_review_overdue(obj: Any) -> bool:
        return bool(obj.review_overdue())


class AssessmentPersonOut(Schema):
    name: str
    role: str
    role_label: str
    details: str

    @staticmethod
    def resolve_role_label(obj: Any) -> str:
        return str(obj.get_role_display())


class CodeLabelOut(Schema):
    code: str
    label: str


class AssessmentIndicatorOut(Schema):
    code: str
    label: str
    section: str
    actual_exploitation: bool
    last_seen: date | None
    window: str = Field(description="current or previous; blank while a draft has no date")
    source: str
    note: str

    @staticmethod
    def resolve_code(obj: Any) -> str:
        return str(obj.indicator.code)

    @staticmethod
    def resolve_label(obj: Any) -> str:
        return str(obj.indicator.label)

    @staticmethod
    def resolve_section(obj: Any) -> str:
        return str(obj.indicator.section.code)

    @staticmethod
    def resolve_actual_exploitation(obj: Any) -> bool:
        return bool(obj.indicator.actual_exploitation)


class SectionCountOut(Schema):
    title: str
    current: int
    previous: int
    undated: int


class SourceCountOut(Schema):
    source: str
    count: int


class GuardRuleOut(Schema):
    key: str = Field(description="young_or_learning_disability or actual_exploitation")
    applies: bool
    title: str
    explanation: str


class AdvisorySummaryOut(Schema):
    """How many indicators, how recent, from which sources, and which guard rules apply. Advice:
    it never chooses the level."""

    total: int
    current: int
    previous: int
    undated: int
    sections: list[SectionCountOut]
    sources: list[SourceCountOut]
    actual_exploitation_current: list[str]
    actual_exploitation_previous: list[str]
    most_recent: date | None
    age_at_assessment: int | None
    learning_disability: str = Field(description="Why the child counts as having one, or blank")
    vulnerabilities: int
    guard_rules: list[GuardRuleOut]

    @staticmethod
    def resolve_sources(obj: Any) -> list[dict[str, Any]]:
        return [{"source": label, "count": n} for label, n in obj.sources]

    @staticmethod
    def resolve_actual_exploitation_current(obj: Any) -> list[str]:
        return list(obj.actual_current)

    @staticmethod
    def resolve_actual_exploitation_previous(obj: Any) -> list[str]:
        return list(obj.actual_previous)

    @staticmethod
    def resolve_age_at_assessment(obj: Any) -> int | None:
        age: int | None = obj.age
        return age

    @staticmethod
    def resolve_guard_rules(obj: Any) -> list[Any]:
        return list(obj.rules)


class SignOffOut(Schema):
    decision: str = Field(description="agreed or returned")
    by: str
    at: datetime | None
    note: str


class AssessmentOut(AssessmentSummaryOut):
    """The whole assessment, with its advisory summary and any manager's decision."""

    instrument: InstrumentSummaryOut
    created_by: str
    created_at: datetime
    updated_at: datetime
    people: list[AssessmentPersonOut]
    vulnerabilities: list[CodeLabelOut]
    vulnerability_notes: str
    indicators: list[AssessmentIndicatorOut]
    child_view: str
    factors: list[CodeLabelOut]
    rationale: str
    override_reason: str
    review_requested_on: date | None
    submitted_at: datetime | None
    sign_off: SignOffOut | None
    advisory_summary: AdvisorySummaryOut

    @staticmethod
    def resolve_created_by(obj: Any) -> str:
        return str(obj.created_by.display_name)

    @staticmethod
    def resolve_people(obj: Any) -> list[Any]:
        return list(obj.people.all())

    @staticmethod
    def resolve_vulnerabilities(obj: Any) -> list[dict[str, str]]:
        return [
            {"code": v.vulnerability.code, "label": v.vulnerability.label}
            for v in obj.vulnerabilities.all()
        ]

    @staticmethod
    def resolve_indicators(obj: Any) -> list[Any]:
        return list(obj.indicators.all())

    @staticmethod
    def resolve_factors(obj: Any) -> list[dict[str, str]]:
        labels = getattr(obj, "factor_labels", {})
        return [{"code": f.code, "label": labels.get(f.code, "")} for f in obj.factors.all()]

    @staticmethod
    def resolve_sign_off(obj: Any) -> dict[str, Any] | None:
        if not obj.sign_off_decision:
            return None
        return {
            "decision": obj.sign_off_decision,
            "by": obj.sign_off_by.display_name if obj.sign_off_by else "",
            "at": obj.sign_off_at,
            "note": obj.sign_off_note,
        }

    @staticmethod
    def resolve_advisory_summary(obj: Any) -> Any:
        return obj.advisory


class AssessmentConflictOut(Schema):
    """409: someone changed the assessment after you read it. Nothing was written; `current` is
    the assessment as it is now: compare, then send your change again."""

    detail: str
    errors: list[FieldErrorOut]
    current: AssessmentOut


class AssessmentListOut(Schema):
    count: int
    limit: int
    offset: int
    current: AssessmentSummaryOut | None = Field(
        description="The child's latest completed assessment: the current level"
    )
    items: list[AssessmentSummaryOut] = Field(description="Newest first")
