"""Forms for disruption and evidence. They parse what was typed; the rules are the services',
whose DomainError comes back onto these fields (their names are the services')."""

from __future__ import annotations

from typing import Any

from django import forms

from mace.core.forms import DateField, GovForm, version_field
from mace.disruption.choices import DisruptionStatus, DisruptionType, EvidenceKind
from mace.reference.models import Agency


def _agencies() -> Any:
    return Agency.objects.order_by("name")


def _number(label: str, help_text: str, *, required: bool = False) -> forms.IntegerField:
    return forms.IntegerField(
        label=label,
        required=required,
        min_value=1,
        help_text=help_text,
        error_messages={
            "required": f"Enter the {label.lower().removesuffix(' (optional)')}",
            "invalid": "Enter a number, like 42",
            "min_value": "Enter a number, like 42",
        },
    )


def _date(label: str, name: str, help_text: str = "") -> DateField:
    return DateField(label=label, name=name, required=False, help_text=help_text)


class FilterForm(GovForm):
    type = forms.ChoiceField(
        label="Type", choices=[("", "All types"), *DisruptionType.choices], required=False
    )
    status = forms.ChoiceField(
        label="Status", choices=[("", "All statuses"), *DisruptionStatus.choices], required=False
    )
    lead_agency = forms.ModelChoiceField(
        queryset=_agencies(), label="Lead agency", required=False, empty_label="All agencies"
    )


class DisruptionForm(GovForm):
    """A new disruption (with its subject) or a change to one (with the version read). The child
    field is offered only to someone who may name the child."""

    subject = _number(
        "Record number of the person, location or vehicle",
        "The number on the record's page (premises are locations)",
        required=True,
    )
    type = forms.ChoiceField(
        label="Type of disruption",
        choices=[("", "Choose a type"), *DisruptionType.choices],
        required=False,
    )
    status = forms.ChoiceField(label="Status", choices=DisruptionStatus.choices, required=False)
    lead_agency = forms.ModelChoiceField(
        queryset=_agencies(), label="Lead agency", required=False, empty_label="Choose an agency"
    )
    legal_basis = forms.CharField(
        label="Legal basis (optional)",
        required=False,
        help_text="For example, Child Abduction Act 1984 s.2 / Children Act 1989 s.49",
    )
    applied_on = _date("Date applied for (optional)", "Date applied for")
    granted_on = _date("Date granted (optional)", "Date granted")
    served_on = _date("Date served (optional)", "Date served")
    expires_on = _date(
        "Expiry date (optional)",
        "Expiry date",
        "The lead agency is reminded 14 days before. For example, 27 3 2027",
    )
    review_on = _date(
        "Review date (optional)",
        "Review date",
        "The lead agency is reminded 7 days before. For example, 27 3 2027",
    )
    outcome = forms.CharField(label="Outcome (optional)", required=False, widget=forms.Textarea)
    child = _number(
        "Child's record number (optional)",
        "The child it protects, for a CAWN or an NRM referral: the number on the child's page",
    )
    action = _number("MACE action number (optional)", "The MACE action this disruption came from")
    notes = forms.CharField(label="Notes (optional)", required=False, widget=forms.Textarea)

    def __init__(self, *args: Any, editing: bool = False, child_field: bool = True, **kwargs: Any):
        super().__init__(*args, **kwargs)
        if editing:
            del self.fields["subject"]
            self.fields["version"] = version_field()
        if not child_field:
            del self.fields["child"]


class EvidenceForm(GovForm):
    description = forms.CharField(
        label="What is the evidence?", required=False, widget=forms.Textarea
    )
    kind = forms.ChoiceField(
        label="Kind of evidence",
        choices=EvidenceKind.choices,
        required=False,
        widget=forms.RadioSelect,
    )
    collected_on = DateField(
        label="Date collected", name="Date collected", required=False,
        help_text="For example, 27 3 2026",
    )  # fmt: skip
    collected_by = forms.ModelChoiceField(
        queryset=_agencies(), label="Collected by", required=False, empty_label="Choose an agency"
    )
    child = _number(
        "Child's record number (optional)", "The child it is about: the number on their page"
    )
    person = _number(
        "Person of concern's record number (optional)",
        "The person it is about: the number on their record's page",
    )
    storage_reference = forms.CharField(
        label="Where it is kept (optional)",
        required=False,
        help_text="An exhibit number or evidence store reference",
    )
