"""Forms for emergency access, its review, and the audit's filters. They parse what was typed; the
rules live in mace.access.services, whose DomainError comes back onto the form's fields."""

from __future__ import annotations

from typing import Any

from django import forms

from mace.access.choices import AccessAction, AccessOutcome, BreakGlassReason, BreakGlassReview
from mace.core.forms import DateField, GovForm, version_field


class BreakGlassRequestForm(GovForm):
    identifier = forms.CharField(
        label="The child's identifier",
        required=False,
        max_length=60,
        help_text=(
            "Their NHS number, UPN, local authority reference or police reference (not a MACE "
            "reference)"
        ),
    )
    dob = DateField(
        label="The child's date of birth",
        name="Date of birth",
        required=False,
        help_text="For example, 27 3 2011. It must match the record",
    )
    reason_category = forms.ChoiceField(
        label="Why do you need emergency access?",
        choices=BreakGlassReason.choices,
        required=False,
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label="Explain what has happened and why it cannot wait",
        required=False,
        widget=forms.Textarea,
        max_length=2000,
        help_text=(
            "For example, the police reference of the missing person report. An agency manager "
            "will review this"
        ),
    )


class BreakGlassReviewForm(GovForm):
    version = version_field()
    outcome = forms.ChoiceField(
        label="Was this use of emergency access appropriate?",
        choices=[
            (BreakGlassReview.APPROPRIATE, "Yes, it was appropriate"),
            (BreakGlassReview.REFERRED, "No, or not sure: refer it on for investigation"),
        ],
        required=False,
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label="Note (required when you refer it on)",
        required=False,
        widget=forms.Textarea,
        max_length=2000,
        help_text="Whom you referred it to and why, or anything the next reviewer should know",
    )


class BreakGlassListForm(GovForm):
    status = forms.ChoiceField(
        label="Show",
        choices=[("", "All uses"), *BreakGlassReview.choices],
        required=False,
    )


class AuditFilterForm(GovForm):
    """Filters for an audit page; every one optional."""

    date_from = DateField(label="From (optional)", name="The from date", required=False)
    date_to = DateField(label="To (optional)", name="The to date", required=False)
    user = forms.CharField(label="Username (optional)", required=False, max_length=150)
    action = forms.ChoiceField(
        label="What they did (optional)",
        choices=[("", "Anything"), *AccessAction.choices],
        required=False,
    )
    outcome = forms.ChoiceField(
        label="Outcome (optional)",
        choices=[("", "Allowed or refused"), *AccessOutcome.choices],
        required=False,
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        assert data is not None  # Form.clean answers the cleaned data
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", "The to date must be the same as or after the from date")
        return data


class AuditFindForm(GovForm):
    child = forms.CharField(
        label="A child's MACE reference or identifier",
        required=False,
        max_length=60,
        help_text="Like MACE-0001234, or an NHS number, UPN or police reference",
    )
    user = forms.CharField(label="Or a username", required=False, max_length=150)
