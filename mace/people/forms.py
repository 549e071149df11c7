"""Forms for finding a child and changing a child's record. They parse what was typed; the rules
live in mace.people.services, whose DomainError comes back onto the form's fields."""

from __future__ import annotations

from typing import Any, cast

from django import forms

from mace.core.forms import DateField, GovForm, version_field
from mace.people.choices import EntryKind, IdentifierType, RestrictionReason
from mace.reference.choices import CodeList
from mace.reference.codes import code_choices
from mace.reference.models import Area


class SearchForm(GovForm):
    q = forms.CharField(
        label="Name, date of birth or identifier",
        required=False,
        max_length=100,
        help_text=(
            "For example, a first and last name; a date of birth like 27/3/2011; "
            "an NHS number, UPN, police or local reference"
        ),
    )
    dob = DateField(
        label="Date of birth (optional)",
        name="Date of birth",
        required=False,
        help_text=(
            "For example, 27 3 2011. With an NHS number, UPN, local authority or police "
            "reference, it also tells you whether another agency has a record of the child"
        ),
    )


class ChildCreateForm(GovForm):
    forename = forms.CharField(label="First name", required=False, max_length=100)
    surname = forms.CharField(label="Last name", required=False, max_length=100)
    other_names = forms.CharField(
        label="Other names (optional)",
        required=False,
        max_length=200,
        help_text="Names the child is known by, or has been known by",
    )
    dob = DateField(
        label="Date of birth (optional)",
        name="Date of birth",
        bounds="birth",
        required=False,
        help_text="For example, 27 3 2011. Leave blank if not known",
    )
    sex = forms.ChoiceField(label="Sex", required=False, widget=forms.RadioSelect)
    gender = forms.ChoiceField(label="Gender (optional)", required=False)
    ethnicity = forms.ChoiceField(label="Ethnicity (optional)", required=False)
    upn_unknown = forms.ChoiceField(
        label="Reason a UPN is not known (optional)",
        required=False,
        help_text="Only if the child has no unique pupil number",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["sex"]).choices = code_choices(CodeList.SEX)
        cast(forms.ChoiceField, self.fields["gender"]).choices = [
            ("", "Not recorded")
        ] + code_choices(CodeList.GENDER)
        cast(forms.ChoiceField, self.fields["ethnicity"]).choices = [
            ("", "Not recorded")
        ] + code_choices(CodeList.ETHNICITY)
        cast(forms.ChoiceField, self.fields["upn_unknown"]).choices = [
            ("", "Not applicable")
        ] + code_choices(CodeList.UPN_UNKNOWN)


class ChildEditForm(ChildCreateForm):
    """The child's details, changed from the version they were loaded at."""

    version = version_field()


class IdentifierForm(GovForm):
    type = forms.ChoiceField(
        label="Type of identifier",
        choices=IdentifierType.choices,
        required=False,
        widget=forms.RadioSelect,
    )
    value = forms.CharField(
        label="Identifier",
        required=False,
        max_length=60,
        help_text="For example, an NHS number like 943 476 5919, or a UPN like A123456789012",
    )
    valid_from = DateField(label="Valid from (optional)", name="Valid from", required=False)
    valid_to = DateField(label="Valid to (optional)", name="Valid to", required=False)


class AreaChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Area) -> str:
        return f"{obj.name} ({obj.quadrant} quadrant)" if obj.quadrant_id else obj.name


def _areas() -> Any:
    return Area.objects.select_related("quadrant").order_by("name")


class AddressForm(GovForm):
    line1 = forms.CharField(label="Address line 1", required=False, max_length=200)
    line2 = forms.CharField(label="Address line 2 (optional)", required=False, max_length=200)
    town = forms.CharField(label="Town or city (optional)", required=False, max_length=100)
    postcode = forms.CharField(label="Postcode (optional)", required=False, max_length=16)
    uprn = forms.CharField(
        label="UPRN (optional)",
        required=False,
        max_length=20,
        help_text="The unique property reference number, up to 12 digits",
    )
    start_date = DateField(
        label="When did the child start living here?", name="Start date", required=False
    )
    end_date = DateField(
        label="When did the child stop living here? (optional)",
        name="End date",
        required=False,
        help_text="Leave blank if the child still lives here. For example, 27 3 2024",
    )
    area = AreaChoiceField(
        queryset=_areas(),
        label="Council area (optional)",
        required=False,
        empty_label="Place it by the postcode",
        help_text=(
            "Choose one only if the postcode does not place the address, or places it wrongly"
        ),
    )


class AddressEditForm(AddressForm):
    """An address's lines, postcode and dates, changed from the version they were loaded at."""

    version = version_field()


class AddressEndForm(GovForm):
    end_date = DateField(
        label="When did the child stop living here?",
        name="End date",
        required=False,
        help_text="For example, 27 3 2024",
    )
    version = version_field()


class PlaceAddressForm(GovForm):
    area = AreaChoiceField(
        queryset=_areas(),
        label="Council area",
        empty_label="Choose a council area",
        error_messages={"required": "Choose the council area the address is in"},
    )
    version = version_field()


class AmendForm(GovForm):
    body = forms.CharField(
        label="Corrected entry",
        required=False,
        widget=forms.Textarea,
        help_text="The original entry stays on the chronology, with this correction under it",
    )
    reason = forms.CharField(
        label="Why is the entry being corrected?",
        required=False,
        max_length=180,
    )


def restriction_fields() -> dict[str, forms.Field]:
    """The two fields that restrict an entry or concern: a checkbox, and why (revealed when
    ticked). The rules (a reason when restricted, none otherwise) are the service's."""
    return {
        "restricted": forms.BooleanField(
            label="Restrict who can read this",
            required=False,
            help_text=(
                "Only your agency and the MACE chairs of the child's quadrant will read it. "
                "Others who work with the child will see that a restricted entry exists, "
                "when, and whom to ask"
            ),
        ),
        "restriction_reason": forms.ChoiceField(
            label="Why is it restricted?",
            choices=RestrictionReason.choices,
            required=False,
            widget=forms.RadioSelect,
        ),
    }


class NoteForm(GovForm):
    title = forms.CharField(label="Title", required=False, max_length=200)
    body = forms.CharField(label="Note", required=False, widget=forms.Textarea)
    occurred_on = DateField(
        label="When did it happen? (optional)",
        name="Date it happened",
        required=False,
        help_text="For example, 27 3 2026. Leave blank for today",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields.update(restriction_fields())


class ChronologyFilterForm(GovForm):
    """Which entries of the chronology to show: every kind or one, by every agency or one of
    those that wrote on it. Read from the page's address; a value that is not offered is an
    error, and the whole chronology is shown."""

    kind = forms.ChoiceField(
        label="Kind of entry",
        required=False,
        error_messages={"invalid_choice": "Choose a kind of entry from the list"},
    )
    agency = forms.TypedChoiceField(
        label="Agency",
        required=False,
        coerce=int,
        empty_value=None,
        error_messages={"invalid_choice": "Choose an agency that has written on this chronology"},
    )

    def __init__(self, *args: Any, agencies: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        kinds = [(k.value, k.label) for k in EntryKind if k is not EntryKind.AMENDMENT]
        cast(forms.ChoiceField, self.fields["kind"]).choices = [("", "Every kind"), *kinds]
        cast(forms.ChoiceField, self.fields["agency"]).choices = [
            ("", "Every agency"),
            *((a.pk, a.name) for a in agencies),
        ]
