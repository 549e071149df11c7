"""The forms of the meetings pages. They check the shape of what was typed; the services check
the rules (and their DomainError lands on the form)."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any, cast

from django import forms

from mace.assessments.choices import RiskLevel
from mace.core.forms import DateField, GovForm, version_field
from mace.meetings.choices import ActionStatus, Attendance, Decision, MeetingPart
from mace.reference.models import Agency

TIME = re.compile(r"^\s*(\d{1,2})[:.](\d{2})\s*$")


def _text(label: str, *, required: bool = True, hint: str = "", rows: int = 4) -> forms.CharField:
    return forms.CharField(
        label=label if required else f"{label} (optional)",
        required=required,
        help_text=hint,
        widget=forms.Textarea(attrs={"rows": rows}),
        error_messages={"required": f"Enter {label[0].lower()}{label[1:]}"},
    )


class ScheduleForm(GovForm):
    part = forms.TypedChoiceField(
        label="Which part",
        choices=MeetingPart.choices,
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose part 1 or part 2"},
    )
    day = DateField(name="Date of the meeting", label="Date of the meeting")
    time = forms.CharField(
        label="Start time",
        help_text="For example, 10:00 or 14:30",
        error_messages={"required": "Enter the start time"},
    )
    place = forms.CharField(
        label="Where (optional)",
        required=False,
        max_length=200,
        help_text="A room, or Online. Leave blank for the quadrant's usual place.",
    )

    def clean_time(self) -> dt.time:
        match = TIME.match(self.cleaned_data["time"])
        if match:
            hour, minute = int(match[1]), int(match[2])
            if hour < 24 and minute < 60:
                return dt.time(hour, minute)
        raise forms.ValidationError("Enter the start time as hours and minutes, like 10:00")


class AgendaFindForm(GovForm):
    q = forms.CharField(
        label="Name, date of birth or reference of the child",
        error_messages={"required": "Enter the child's name or a reference"},
    )


class AgendaAddForm(GovForm):
    child = forms.IntegerField(widget=forms.HiddenInput)
    detail = forms.CharField(required=False, widget=forms.HiddenInput)


class ReasonForm(GovForm):
    reason = _text("Reason", hint="This stays with the agenda's history.")


class VersionForm(GovForm):
    """A confirmation (freezing the agenda, signing the minutes off) from the version seen."""

    version = version_field()


class AttendanceForm(GovForm):
    """One question a member: were they present, did they send apologies?"""

    def __init__(self, *args: Any, members: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.members = members
        for member in members:
            self.fields[f"member_{member.pk}"] = forms.ChoiceField(
                label=f"{member.name}, {member.agency}",
                choices=Attendance.choices,
                widget=forms.RadioSelect,
                initial=member.attendance,
                error_messages={"required": f"Say whether {member.name} attended"},
            )

    def marks(self) -> dict[int, str]:
        return {m.pk: self.cleaned_data[f"member_{m.pk}"] for m in self.members}


class MemberForm(GovForm):
    name = forms.CharField(
        label="Name", max_length=200, error_messages={"required": "Enter the person's name"}
    )
    agency = forms.ModelChoiceField(
        label="Agency",
        queryset=Agency.objects.order_by("name"),
        error_messages={"required": "Choose the agency the person comes from"},
    )
    attendance = forms.ChoiceField(
        label="Attendance",
        choices=Attendance.choices,
        initial=Attendance.INVITED,
        widget=forms.RadioSelect,
    )


class DiscussionForm(GovForm):
    version = version_field(required=False)
    agreed_level = forms.ChoiceField(
        label="Risk level the panel agreed",
        choices=RiskLevel.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the risk level the panel agreed"},
    )
    plan = _text("Plan", hint="Who does what for the child, and by when.", rows=6)
    disruption_opportunities = _text("Disruption opportunities", required=False)
    evidence_to_collect = _text("Evidence to collect for a prosecution", required=False, rows=3)
    decision = forms.ChoiceField(
        label="Decision",
        choices=Decision.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the decision: stay on MACE, step down or close"},
    )
    review_by = DateField(
        name="Review date",
        label="Review date (optional)",
        required=False,
        help_text="If the child stays on MACE: review at the first meeting on or after this date. "
        "Leave blank to review at the next meeting.",
    )


class ThreatForm(GovForm):
    title = forms.CharField(
        label="Threat",
        max_length=200,
        required=False,
        help_text="A person, a place, a vehicle or an online space, and what is happening.",
    )
    record = forms.TypedChoiceField(
        label="Its record (optional)", required=False, coerce=int, empty_value=None
    )
    discussion = _text("What the panel concluded", required=False)

    def __init__(self, *args: Any, records: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["record"]).choices = [("", "None"), *records]


class ThreatDiscussionForm(GovForm):
    version = version_field()
    discussion = _text("What the panel concluded", rows=6)


class NotesForm(GovForm):
    version = version_field()
    notes = _text("General minutes", required=False, hint="Matters arising, other business.")
    stay_safe_themes = _text("Themes to pass to the Stay Safe groups", required=False)
    training_themes = _text("Themes for training", required=False)

    def __init__(self, *args: Any, part: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if part == MeetingPart.PART_1:
            del self.fields["stay_safe_themes"]
            del self.fields["training_themes"]


class ActionForm(GovForm):
    description = _text("What is to be done")
    owner_agency = forms.ModelChoiceField(
        label="Agency that owns the action",
        queryset=Agency.objects.order_by("name"),
        error_messages={"required": "Choose the agency that owns the action"},
    )
    due_on = DateField(name="Due date", label="Due date", help_text="For example, 27 3 2027")
    about = forms.TypedChoiceField(label="About", required=False, coerce=int, empty_value=None)

    def __init__(self, *args: Any, about: list[tuple[int, str]], about_label: str, **kwargs: Any):
        super().__init__(*args, **kwargs)
        if about:
            field = cast(forms.ChoiceField, self.fields["about"])
            field.choices = [("", "The meeting as a whole"), *about]
            self.fields["about"].label = about_label
        else:
            del self.fields["about"]


class ActionUpdateForm(GovForm):
    version = version_field()
    status = forms.ChoiceField(
        label="Status",
        choices=ActionStatus.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the action's status"},
    )
    note = _text("What has been done", rows=4)


class AmendmentForm(GovForm):
    text = _text("What the minutes should now say", rows=6)
    reason = _text("Why they change", rows=3)
