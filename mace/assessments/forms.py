"""The assessment form and the manager's sign-off form. They parse what was typed; the rules are
the services', whose DomainError comes back onto these fields."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.http import QueryDict

from mace.assessments.choices import LEVEL_HINTS, PersonRole, RiskLevel, SignOffDecision
from mace.assessments.content import MAX_PEOPLE, Content, IndicatorRecorded, PersonInvolved
from mace.assessments.models import Assessment, Instrument
from mace.concerns.choices import IndicatorSource
from mace.core.forms import DateField, GovForm, version_field
from mace.reference.choices import CodeList
from mace.reference.models import Code

# The CIN factors for exploitation and missing come first on the form; the others are folded.
EXPLOITATION_FACTORS = ("10A", "11A", "12A", "13A", "24A")
# Blank rows offered for people involved, beyond those recorded (no script adds rows).
SPARE_PEOPLE = 3
PERSON_ROW = re.compile(r"^person-(\d+)-(name|role|details)$")

ACTIONS = {"save": "Save draft", "complete": "Complete assessment"}


def people_rows(saved: int, data: QueryDict | dict[str, Any] | None = None) -> int:
    """How many person rows to show: every row recorded or typed, and a few spare."""
    typed = 0
    for key in data or {}:
        match = PERSON_ROW.match(key)
        if match:
            typed = max(typed, int(match.group(1)) + 1)
    return min(max(saved + SPARE_PEOPLE, typed), MAX_PEOPLE)


class AssessmentForm(GovForm):
    """Every part of the assessment on one page, in the order the tool asks: the date, people
    involved, vulnerabilities, indicators, the child's view, CIN factors, then the level."""

    def __init__(
        self,
        *args: Any,
        instrument: Instrument,
        rows: int,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.instrument = instrument
        self.rows = rows
        self.sections = list(instrument.sections.all())
        self.items = [item for section in self.sections for item in section.indicators.all()]
        self.fields["version"] = version_field()
        self.fields["assessed_on"] = DateField(
            label="Date of the assessment",
            name="Date of the assessment",
            required=False,
            help_text=(
                "Indicators are current or previous counted back from this date. "
                "For example, 27 3 2026"
            ),
        )
        for n in range(rows):
            self.fields[f"person-{n}-name"] = forms.CharField(
                label="Name", required=False, max_length=200
            )
            self.fields[f"person-{n}-role"] = forms.ChoiceField(
                label="How are they involved?",
                choices=[("", "Choose"), *PersonRole.choices],
                required=False,
            )
            self.fields[f"person-{n}-details"] = forms.CharField(
                label="Details (optional)",
                required=False,
                max_length=500,
                help_text="For a person of concern: what is known, like an age, a nickname, a car",
            )
        self.fields["vulnerabilities"] = forms.MultipleChoiceField(
            label="Vulnerabilities",
            choices=[(v.code, v.label) for v in instrument.vulnerabilities.all()],
            required=False,
            widget=forms.CheckboxSelectMultiple,
            help_text="Select every vulnerability that applies to the child",
        )
        self.fields["vulnerability_notes"] = forms.CharField(
            label="Anything more about the child's vulnerabilities (optional)",
            required=False,
            widget=forms.Textarea,
        )
        self.fields["indicators"] = forms.MultipleChoiceField(
            label="Indicators of exploitation",
            choices=[(i.code, i.label) for i in self.items],
            required=False,
            widget=forms.CheckboxSelectMultiple,
        )
        for item in self.items:
            code = item.code
            self.fields[f"seen_{code}"] = DateField(
                label="When was it last seen?",
                name=f"The date “{item.label}” was last seen",
                required=False,
                help_text="If you do not know the day, give your best estimate",
            )
            self.fields[f"source_{code}"] = forms.ChoiceField(
                label="Where did it come from?",
                choices=[("", "Choose a source"), *IndicatorSource.choices],
                required=False,
            )
            self.fields[f"note_{code}"] = forms.CharField(
                label="Note (optional)", required=False, max_length=500
            )
        self.fields["child_view"] = forms.CharField(
            label="The child's view",
            required=False,
            widget=forms.Textarea,
            help_text=(
                "What the child says about their situation and the people in it, in their own "
                "words where you can. If their view could not be sought, say why"
            ),
        )
        factors = list(
            Code.objects.filter(list=CodeList.ASSESSMENT_FACTOR, active=True).order_by("order")
        )
        self.factor_codes = [f.code for f in factors]
        self.fields["factors"] = forms.MultipleChoiceField(
            label="CIN assessment factors",
            choices=[(f.code, f"{f.code}: {f.label}") for f in factors],
            required=False,
            widget=forms.CheckboxSelectMultiple,
            help_text="Select the factors that apply, or 21 if there are none",
        )
        self.fields["level"] = forms.ChoiceField(
            label="Level of risk",
            choices=RiskLevel.choices,
            required=False,
            widget=forms.RadioSelect,
        )
        self.fields["rationale"] = forms.CharField(
            label="Why did you choose this level?",
            required=False,
            widget=forms.Textarea,
            help_text="Your professional judgement: what in the assessment led you to this level",
        )
        self.fields["override_reason"] = forms.CharField(
            label="Override: why is a level other than high right?",
            required=False,
            widget=forms.Textarea,
            help_text=(
                "Only when a current indicator of actual exploitation is recorded and you choose "
                "medium or low. A manager of your agency will need to sign it off"
            ),
        )
        self.fields["review_requested_on"] = DateField(
            label="Review by an earlier date (optional)",
            name="The review date",
            required=False,
            help_text="Leave blank for the usual interval for the level you choose",
        )

    def anchor_for(self, name: str) -> str:
        """The error summary's links: a form-wide error goes to the first field; the factors
        go to the first one shown (the others may be folded away)."""
        if name == "__all__":
            return "assessed_on-day"
        if name == "factors":
            values = self.factor_codes
            first = next((v for v in EXPLOITATION_FACTORS if v in values), None)
            return f"factors_{values.index(first)}" if first else "factors_0"
        return super().anchor_for(name)

    # -- reading what was typed ---------------------------------------------------------------

    def content_changes(self) -> tuple[dict[str, Any], dict[str, str]]:
        """Everything on the form as the service's changes (the whole content), and how the
        service's error keys map back onto this form's fields."""
        data = self.cleaned_data
        fields: dict[str, str] = {"people": "person-0-name"}
        people: list[PersonInvolved] = []
        for n in range(self.rows):
            name, role, details = (
                data.get(f"person-{n}-{part}") or "" for part in ("name", "role", "details")
            )
            if not (name.strip() or role or details.strip()):
                continue
            index = len(people)
            people.append(PersonInvolved(name=name, role=role, details=details))
            for part in ("name", "role", "details"):
                fields[f"people.{index}.{part}"] = f"person-{n}-{part}"
        chosen = set(data.get("indicators") or [])
        indicators: list[IndicatorRecorded] = []
        for item in self.items:
            if item.code not in chosen:
                continue
            index = len(indicators)
            indicators.append(
                IndicatorRecorded(
                    indicator=item.code,
                    last_seen=data.get(f"seen_{item.code}"),
                    source=data.get(f"source_{item.code}") or "",
                    note=data.get(f"note_{item.code}") or "",
                )
            )
            fields[f"indicators.{index}.indicator"] = "indicators"
            fields[f"indicators.{index}.last_seen"] = f"seen_{item.code}"
            fields[f"indicators.{index}.source"] = f"source_{item.code}"
            fields[f"indicators.{index}.note"] = f"note_{item.code}"
        vulnerabilities = data.get("vulnerabilities") or []
        for n in range(len(vulnerabilities)):
            fields[f"vulnerabilities.{n}"] = "vulnerabilities"
        changes = {
            "assessed_on": data.get("assessed_on"),
            "people": people,
            "vulnerabilities": vulnerabilities,
            "vulnerability_notes": data.get("vulnerability_notes") or "",
            "indicators": indicators,
            "child_view": data.get("child_view") or "",
            "factors": data.get("factors") or [],
            "level": data.get("level") or "",
            "rationale": data.get("rationale") or "",
            "override_reason": data.get("override_reason") or "",
            "review_requested_on": data.get("review_requested_on"),
        }
        return changes, fields

    # -- what the template lays out ----------------------------------------------------------

    def people_rows(self) -> list[dict[str, Any]]:
        return [
            {
                "number": n + 1,
                "name": self[f"person-{n}-name"],
                "role": self[f"person-{n}-role"],
                "details": self[f"person-{n}-details"],
            }
            for n in range(self.rows)
        ]

    def indicator_sections(self) -> list[dict[str, Any]]:
        options = {option.data["value"]: option for option in self["indicators"]}
        return [
            {
                "section": section,
                "items": [
                    {
                        "indicator": item,
                        "option": options[item.code],
                        "seen": self[f"seen_{item.code}"],
                        "source": self[f"source_{item.code}"],
                        "note": self[f"note_{item.code}"],
                    }
                    for item in section.indicators.all()
                ],
            }
            for section in self.sections
        ]

    def factor_groups(self) -> dict[str, Any]:
        options = list(self["factors"])
        main = [o for o in options if o.data["value"] in EXPLOITATION_FACTORS]
        other = [o for o in options if o.data["value"] not in EXPLOITATION_FACTORS]
        return {
            "main": main,
            "other": other,
            "other_chosen": any(o.data["selected"] for o in other),
        }

    def level_options(self) -> list[dict[str, Any]]:
        return [
            {"option": option, "hint": LEVEL_HINTS[RiskLevel(option.data["value"])]}
            for option in self["level"]
        ]


def initial_from(assessment: Assessment, content: Content) -> dict[str, Any]:
    """The saved assessment as the form's initial values."""
    initial: dict[str, Any] = {
        "version": assessment.version,
        "assessed_on": content.assessed_on,
        "vulnerabilities": list(content.vulnerabilities),
        "vulnerability_notes": content.vulnerability_notes,
        "indicators": [i.indicator for i in content.indicators],
        "child_view": content.child_view,
        "factors": list(content.factors),
        "level": content.level,
        "rationale": content.rationale,
        "override_reason": content.override_reason,
        "review_requested_on": content.review_requested_on,
    }
    for n, person in enumerate(content.people):
        initial[f"person-{n}-name"] = person.name
        initial[f"person-{n}-role"] = person.role
        initial[f"person-{n}-details"] = person.details
    for line in content.indicators:
        initial[f"seen_{line.indicator}"] = line.last_seen
        initial[f"source_{line.indicator}"] = line.source
        initial[f"note_{line.indicator}"] = line.note
    return initial


class SignOffForm(GovForm):
    decision = forms.ChoiceField(
        label="Do you agree with the override?",
        choices=[
            (SignOffDecision.AGREED, "Yes, sign it off: the level stands"),
            (SignOffDecision.RETURNED, "No, return it to the assessor to reconsider"),
        ],
        required=False,
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label="Your reasons",
        required=False,
        widget=forms.Textarea,
        help_text="Recorded with your name on the assessment, and on the child's chronology",
    )
    version = version_field()


class StartForm(GovForm):
    def __init__(self, *args: Any, instrument: Instrument, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["from_concerns"] = forms.BooleanField(
            label=(
                "Start the indicators from the concerns recorded in the last "
                f"{instrument.previous_window_months} months"
            ),
            required=False,
            initial=True,
            help_text="Each one comes with when it was last seen and where it came from. "
            "You review them all, and can remove any",
        )
