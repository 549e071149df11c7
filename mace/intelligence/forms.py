"""Forms for intelligence records and links. They parse what was typed; the rules are the
services', whose DomainError comes back onto these fields (their names are the services')."""

from __future__ import annotations

from typing import Any, cast

from django import forms

from mace.core.forms import DateField, GovForm, version_field
from mace.intelligence.choices import (
    CHILD,
    RELATIONSHIP_RULES,
    HandlingCode,
    IntelligenceAssessment,
    LocationKind,
    PersonCategory,
    PersonSex,
    PersonStatus,
    Platform,
    RecordKind,
    Relationship,
    SourceEvaluation,
    SourceKind,
)
from mace.intelligence.kinds import KINDS
from mace.reference.models import Agency, Area


class AreaField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Area) -> str:
        return f"{obj.name} ({obj.quadrant} quadrant)" if obj.quadrant_id else obj.name


def _areas() -> Any:
    return Area.objects.select_related("quadrant").order_by("name")


def _text(label: str, *, max_length: int, help_text: str = "") -> forms.CharField:
    # The service checks the length (max_length is documentation here), so the message is the
    # same on the page and in the API.
    del max_length
    return forms.CharField(label=label, required=False, help_text=help_text)


def _description() -> forms.CharField:
    return forms.CharField(
        label="Description (optional)",
        required=False,
        widget=forms.Textarea,
        help_text="What else is known. Say where it came from in a link, not here",
    )


class SearchForm(GovForm):
    q = forms.CharField(label="Search", required=False, max_length=100)


class PersonForm(GovForm):
    name = _text(
        "Name",
        max_length=200,
        help_text="Their name, or the name they are known by if that is all that is known",
    )
    aliases = _text(
        "Other names (optional)",
        max_length=500,
        help_text="Nicknames, street names and other spellings, separated by commas",
    )
    category = forms.ChoiceField(
        label="Are they an adult or a peer?",
        choices=PersonCategory.choices,
        required=False,
        widget=forms.RadioSelect,
        help_text="A peer is under 18",
    )
    dob = DateField(
        label="Date of birth (optional)",
        name="Date of birth",
        bounds="birth",
        required=False,
        help_text="For example, 27 3 1994. Leave blank if not known",
    )
    age_estimate = forms.IntegerField(
        label="Approximate age (optional)",
        required=False,
        help_text="If the date of birth is not known, how old they seem, in years",
        error_messages={"invalid": "Enter the approximate age as a whole number, like 25"},
    )
    sex = forms.ChoiceField(
        label="Sex", choices=PersonSex.choices, required=False, widget=forms.RadioSelect
    )
    status = forms.ChoiceField(
        label="Status", choices=PersonStatus.choices, required=False, widget=forms.RadioSelect
    )
    area = AreaField(
        queryset=_areas(),
        label="Council area where they are mostly active (optional)",
        required=False,
        empty_label="Not known",
    )
    description = _description()


class LocationForm(GovForm):
    kind = forms.ChoiceField(
        label="What kind of place is it?",
        choices=LocationKind.choices,
        required=False,
        widget=forms.RadioSelect,
    )
    name = _text(
        "Name (optional)",
        max_length=200,
        help_text="The business's or place's name, like a hotel, a takeaway or a park",
    )
    line1 = _text("Address line 1 (optional)", max_length=200)
    line2 = _text("Address line 2 (optional)", max_length=200)
    town = _text("Town or city (optional)", max_length=100)
    postcode = forms.CharField(label="Postcode (optional)", required=False, max_length=16)
    latitude = forms.CharField(
        label="Latitude (optional)",
        required=False,
        max_length=20,
        help_text="For a place with no postcode, like a spot in a park. For example, 51.5761",
    )
    longitude = forms.CharField(
        label="Longitude (optional)",
        required=False,
        max_length=20,
        help_text="For example, 0.4887",
    )
    area = AreaField(
        queryset=_areas(),
        label="Council area (optional)",
        required=False,
        empty_label="Place it by the postcode",
        help_text="Choose one only if the postcode does not place it, or places it wrongly",
    )
    description = _description()


class VehicleForm(GovForm):
    registration = forms.CharField(
        label="Registration", required=False, max_length=20, help_text="For example, ZZ19 FKE"
    )
    partial = forms.BooleanField(label="Only part of the registration is known", required=False)
    make = _text("Make (optional)", max_length=60, help_text="For example, Ford")
    model = _text("Model (optional)", max_length=60, help_text="For example, Focus")
    colour = _text("Colour (optional)", max_length=40)
    area = AreaField(
        queryset=_areas(),
        label="Council area where it is kept or mostly seen (optional)",
        required=False,
        empty_label="Not known",
    )
    description = _description()


class PhoneForm(GovForm):
    number = forms.CharField(
        label="Phone number",
        required=False,
        max_length=30,
        help_text="For example, 07700 900123, or an international number starting +",
    )
    description = _description()


class AccountForm(GovForm):
    platform = forms.ChoiceField(
        label="Platform", choices=[("", "Choose a platform"), *Platform.choices], required=False
    )
    platform_name = _text("Name of the platform (if not in the list)", max_length=60)
    handle = forms.CharField(
        label="Handle or username",
        required=False,
        max_length=150,
        help_text="As the platform shows it, for example @fictional_kipper",
    )
    display_name = _text("Display name (optional)", max_length=100)
    description = _description()


FORMS: dict[str, type[GovForm]] = {
    RecordKind.PERSON: PersonForm,
    RecordKind.LOCATION: LocationForm,
    RecordKind.VEHICLE: VehicleForm,
    RecordKind.PHONE: PhoneForm,
    RecordKind.ACCOUNT: AccountForm,
}


def edit_form(kind: str) -> type[GovForm]:
    """The kind's form with the version the record was loaded at."""
    return type(f"{FORMS[kind].__name__}Edit", (FORMS[kind],), {"version": version_field()})


# ---------------------------------------------------------------------------------------------
# Links
# ---------------------------------------------------------------------------------------------


class FindForm(GovForm):
    """The first step of adding a link: find what to link to."""

    kind = forms.ChoiceField(
        label="What are you linking to?", required=False, widget=forms.RadioSelect
    )
    q = forms.CharField(
        label="Search for it",
        required=False,
        max_length=100,
        help_text="A name, registration, phone number, handle, address or postcode",
    )

    def __init__(self, *args: Any, kinds: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["kind"]).choices = kinds

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("kind"):
            self.add_error("kind", "Choose what you are linking to")
        if not (data.get("q") or "").strip():
            self.add_error("q", "Enter what to search for")
        return data


def relationship_choices(one: tuple[str, str], other: tuple[str, str]) -> list[tuple[str, str]]:
    """Every way two ends (kind, name) can be linked, as sentences: "ZZ19 FKE was seen at ...".
    Values are "<relationship>:<forward|reverse>", forward meaning `one` is the subject."""
    (kind_one, name_one), (kind_other, name_other) = one, other
    choices = []
    for relationship, rule in RELATIONSHIP_RULES.items():
        verb = Relationship(relationship).label
        forward = kind_one in rule.subjects and kind_other in rule.targets
        if forward:
            choices.append((f"{relationship}:forward", f"{name_one} {verb} {name_other}"))
        if (
            kind_other in rule.subjects
            and kind_one in rule.targets
            and not (forward and rule.symmetric)
        ):
            choices.append((f"{relationship}:reverse", f"{name_other} {verb} {name_one}"))
    return choices


class LinkForm(GovForm):
    relationship = forms.ChoiceField(
        label="How are they linked?", required=False, widget=forms.RadioSelect
    )
    information_date = DateField(
        label="When was this seen or did it happen?",
        name="Date",
        required=False,
        help_text="For example, 27 3 2026",
    )
    source_kind = forms.ChoiceField(
        label="Where did the information come from?",
        choices=SourceKind.choices,
        required=False,
        widget=forms.RadioSelect,
    )
    source_agency = forms.ModelChoiceField(
        queryset=Agency.objects.order_by("name"),
        label="Which agency holds the source?",
        required=False,
        empty_label="Choose an agency",
    )
    source_detail = forms.CharField(
        label="More about the source (optional)",
        required=False,
        max_length=250,
        help_text="For example, the officer's collar number or the system. Never name a "
        "confidential source",
    )
    source_evaluation = forms.ChoiceField(
        label="How reliable is the source?",
        choices=[*SourceEvaluation.choices, ("", "Not graded yet")],
        required=False,
        widget=forms.RadioSelect,
        help_text="The 3x5x2 source evaluation",
    )
    intelligence_assessment = forms.ChoiceField(
        label="How far is the information believed?",
        choices=[*IntelligenceAssessment.choices, ("", "Not graded yet")],
        required=False,
        widget=forms.RadioSelect,
        help_text="The 3x5x2 intelligence assessment. Only A and B are shown as established",
    )
    handling_code = forms.ChoiceField(
        label="Handling code",
        choices=HandlingCode.choices,
        required=False,
        widget=forms.RadioSelect,
    )
    handling_conditions = forms.CharField(
        label="What are the conditions on sharing it?",
        required=False,
        max_length=350,
        help_text="Only for handling code C",
    )
    note = forms.CharField(
        label="What was seen or said (optional)",
        required=False,
        widget=forms.Textarea,
        help_text="In the source's words where you can",
    )
    origin = forms.ChoiceField(
        label="Did this come from a concern already recorded? (optional)", required=False
    )

    def __init__(
        self,
        *args: Any,
        relationships: list[tuple[str, str]],
        origins: list[tuple[str, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["relationship"]).choices = relationships
        if origins:
            cast(forms.ChoiceField, self.fields["origin"]).choices = [
                ("", "No, it did not come from a concern"),
                *origins,
            ]
        else:
            del self.fields["origin"]


def find_kinds(*, here_kind: str, record_kinds: list[str], children: bool) -> list[tuple[str, str]]:
    """What a link from `here_kind` may go to, as the find step's choices."""
    kinds = [(kind, KINDS[kind].title_singular) for kind in record_kinds]
    if children and here_kind != CHILD:
        kinds.append((CHILD, "A child"))
    return kinds
