"""Forms for missing episodes and return home interviews. They parse what was typed; the rules
are the services', whose DomainError comes back onto these fields. A moment (when the child
left, was found...) is a GOV.UK date input named like the service's field (`left_at`) and a
time box beside it (`left_at_time`), so the service's errors land on the date."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django import forms
from django.utils import timezone

from mace.core.forms import DateField, GovForm, version_field
from mace.missing.choices import EpisodeEnd, EpisodeType, RiskGrade, YesNoNA

TIME = re.compile(r"^(\d{1,2})(?:[:.](\d{2}))?\s*(am|pm)?$", re.IGNORECASE)

# The moments a form holds: field name -> how messages name it.
EPISODE_MOMENTS = {
    "left_at": "the child left",
    "last_seen_at": "the child was last seen",
    "reported_at": "it was reported",
    "ended_at": "the child was found or returned",
}


def parse_time(value: str) -> dt.time | None:
    """14:30, 2:30pm, 9am, 0930 -> a time; None if it is not one."""
    value = (value or "").strip()
    if re.fullmatch(r"\d{4}", value):
        value = f"{value[:2]}:{value[2:]}"
    match = TIME.match(value)
    if not match:
        return None
    hour, minute, half = int(match.group(1)), int(match.group(2) or 0), (match.group(3) or "")
    if half:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if half.lower() == "pm" else 0)
    if not (0 <= hour <= 23 and 0 <= minute <= 59):
        return None
    return dt.time(hour, minute)


def _time_field(label: str, *, required_hint: str = "") -> forms.CharField:
    return forms.CharField(
        label=label,
        required=False,
        max_length=10,
        help_text=required_hint or "Use the 24-hour clock, for example, 14:30",
    )


class MomentsMixin:
    """Combines each `<name>` date and `<name>_time` box into cleaned_data[name] (an aware
    datetime in UK time), with GOV.UK-style messages for a half-filled pair."""

    moments: dict[str, str] = {}
    fields: dict[str, forms.Field]
    cleaned_data: dict[str, Any]

    def add_moment(self, name: str, what: str, *, optional: bool = True, hint: str = "") -> None:
        suffix = " (optional)" if optional else ""
        self.fields[name] = DateField(
            label=f"Date {what}{suffix}",
            name=f"The date {what}",
            required=False,
            help_text=hint or "For example, 27 3 2026",
        )
        self.fields[f"{name}_time"] = _time_field(f"Time {what}{suffix}")

    def clean_moments(self) -> None:
        for name, what in self.moments.items():
            day = self.cleaned_data.get(name)
            raw = (self.cleaned_data.get(f"{name}_time") or "").strip()
            if day is None:
                if raw and name not in getattr(self, "errors", {}):
                    self.add_error(name, f"Enter the date {what}")  # type: ignore[attr-defined]
                self.cleaned_data[name] = None
                continue
            moment = parse_time(raw)
            if moment is None:
                message = (
                    f"Enter the time {what}" if not raw else f"Enter the time {what} like 14:30"
                )
                self.add_error(f"{name}_time", message)  # type: ignore[attr-defined]
                self.cleaned_data[name] = None
                continue
            self.cleaned_data[name] = timezone.make_aware(dt.datetime.combine(day, moment))

    @staticmethod
    def moment_initial(name: str, value: dt.datetime | None) -> dict[str, Any]:
        if value is None:
            return {name: None, f"{name}_time": ""}
        local = timezone.localtime(value)
        return {name: local.date(), f"{name}_time": f"{local:%H:%M}"}


def _yes_no() -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        choices=[("yes", "Yes"), ("no", "No")],
        coerce=lambda v: v == "yes",
        empty_value=None,
        required=False,
        widget=forms.RadioSelect,
    )


class EpisodeForm(MomentsMixin, GovForm):
    """Recording or correcting an episode."""

    moments = EPISODE_MOMENTS

    def __init__(self, *args: Any, record: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["type"] = forms.ChoiceField(
            label="Was the child missing or away?",
            choices=EpisodeType.choices,
            required=False,
            widget=forms.RadioSelect,
        )
        self.add_moment(
            "left_at", "the child left", hint="Give this, when they were last seen, or both"
        )
        self.add_moment("last_seen_at", "the child was last seen")
        self.fields["looked_after"] = _yes_no()
        self.fields["looked_after"].label = "Was the child looked after when this started?"
        self.fields["reported_by"] = forms.CharField(
            label="Who reported it? (optional)",
            required=False,
            max_length=200,
            help_text="A name or role, for example, foster carer",
        )
        self.add_moment("reported_at", "it was reported")
        self.fields["police_reference"] = forms.CharField(
            label="Police reference (optional)", required=False, max_length=40
        )
        if record:
            self.fields["risk_grade"] = forms.ChoiceField(
                label="Police risk grade (optional)",
                choices=[("", "Not graded yet"), *RiskGrade.choices],
                required=False,
            )
        self.add_moment(
            "ended_at",
            "the child was found or returned",
            hint="Leave blank if the child is still missing",
        )
        self.fields["end_reason"] = forms.ChoiceField(
            label="How did it end? (optional)",
            choices=EpisodeEnd.choices,
            required=False,
            widget=forms.RadioSelect,
        )
        self.fields["found_where"] = forms.CharField(
            label="Where was the child found? (optional)", required=False, max_length=300
        )
        self.fields["found_with"] = forms.CharField(
            label="Who was the child with? (optional)", required=False, max_length=300
        )
        if not record:
            self.fields["version"] = version_field()

    def clean(self) -> dict[str, Any]:
        super().clean()
        self.clean_moments()
        return self.cleaned_data

    # What the form gives the episode services (and what a conflict compares).
    SERVICE_FIELDS = (
        "type",
        "left_at",
        "last_seen_at",
        "reported_at",
        "reported_by",
        "police_reference",
        "ended_at",
        "end_reason",
        "found_where",
        "found_with",
        "looked_after",
    )

    def service_values(self) -> dict[str, Any]:
        data = self.cleaned_data
        values = {name: data.get(name) for name in self.SERVICE_FIELDS}
        values["looked_after"] = bool(data.get("looked_after"))
        for name in ("type", "reported_by", "police_reference", "end_reason"):
            values[name] = values[name] or ""
        for name in ("found_where", "found_with"):
            values[name] = values[name] or ""
        return values


class CloseForm(MomentsMixin, GovForm):
    moments = {"ended_at": "the child was found or returned"}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.add_moment("ended_at", "the child was found or returned", optional=False)
        self.fields["end_reason"] = forms.ChoiceField(
            label="How did it end?",
            choices=EpisodeEnd.choices,
            required=False,
            widget=forms.RadioSelect,
        )
        self.fields["found_where"] = forms.CharField(
            label="Where was the child found? (optional)", required=False, max_length=300
        )
        self.fields["found_with"] = forms.CharField(
            label="Who was the child with? (optional)", required=False, max_length=300
        )
        self.fields["version"] = version_field()

    def clean(self) -> dict[str, Any]:
        super().clean()
        self.clean_moments()
        return self.cleaned_data


class GradingForm(MomentsMixin, GovForm):
    moments = {"graded_at": "it was graded"}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["grade"] = forms.ChoiceField(
            label="Risk grade", choices=RiskGrade.choices, required=False, widget=forms.RadioSelect
        )
        self.add_moment("graded_at", "it was graded", hint="Leave blank for now")
        self.fields["reason"] = forms.CharField(
            label="Why?",
            required=False,
            widget=forms.Textarea,
            help_text="What changed: what is known now, or what the police decided",
        )

    def clean(self) -> dict[str, Any]:
        super().clean()
        self.clean_moments()
        return self.cleaned_data


def _lines(value: str) -> list[str]:
    return [line.strip() for line in (value or "").splitlines() if line.strip()]


class InterviewForm(MomentsMixin, GovForm):
    moments = {"held_at": "the interview was held"}
    LIST_FIELDS = ("push_factors", "pull_factors", "people_named", "places_named")

    def __init__(self, *args: Any, interviewers: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["offered"] = forms.ChoiceField(
            label="Was the child offered a return home interview?",
            choices=YesNoNA.choices,
            required=False,
            widget=forms.RadioSelect,
        )
        self.fields["accepted"] = forms.ChoiceField(
            label="Did the child accept it?",
            choices=YesNoNA.choices,
            required=False,
            widget=forms.RadioSelect,
            help_text="Leave blank if the child has not answered yet",
        )
        self.add_moment("held_at", "the interview was held", hint="Leave blank until it is held")
        self.fields["interviewer"] = forms.ModelChoiceField(
            queryset=None,
            label="Who held it? (optional until it is held)",
            required=False,
            empty_label="Choose who held it",
        )
        self.fields["interviewer"].queryset = interviewers  # type: ignore[attr-defined]
        self.fields["interviewer"].label_from_instance = (  # type: ignore[attr-defined]
            lambda u: f"{u.display_name}, {u.job_title or 'no job title'}"
        )
        self.fields["independent"] = _yes_no()
        self.fields["independent"].label = "Was the interviewer independent of the child's care?"
        self.fields["independent"].help_text = (
            "Statutory guidance asks for someone independent: not the child's carer or their "
            "social worker"
        )
        self.fields["child_account"] = forms.CharField(
            label="What did the child say?",
            required=False,
            widget=forms.Textarea,
            help_text="Where they went, who with, what happened. Use the child's words",
        )
        for name, label, hint in (
            ("push_factors", "Push factors", "What pushed the child away from home or care"),
            ("pull_factors", "Pull factors", "What drew the child away, or to whom"),
            ("people_named", "People the child named", "Names, nicknames or descriptions"),
            ("places_named", "Places the child named", "Addresses, venues or areas"),
        ):
            self.fields[name] = forms.CharField(
                label=f"{label} (optional)",
                required=False,
                widget=forms.Textarea,
                help_text=f"{hint}. One on each line",
            )
        self.fields["actions_agreed"] = forms.CharField(
            label="Actions agreed (optional)", required=False, widget=forms.Textarea
        )
        self.fields["version"] = version_field(required=False)

    def clean(self) -> dict[str, Any]:
        super().clean()
        self.clean_moments()
        return self.cleaned_data

    def service_values(self) -> dict[str, Any]:
        data = self.cleaned_data
        values = {
            "offered": data.get("offered") or "",
            "accepted": data.get("accepted") or "",
            "held_at": data.get("held_at"),
            "interviewer": data.get("interviewer"),
            "independent": data.get("independent"),
            "child_account": data.get("child_account") or "",
            "actions_agreed": data.get("actions_agreed") or "",
        }
        for name in self.LIST_FIELDS:
            values[name] = _lines(data.get(name) or "")
        return values


class ImportForm(GovForm):
    file = forms.FileField(
        label="Upload the police CSV file",
        required=False,
        help_text="A CSV file in the layout the guide describes, up to 20 MB",
        error_messages={"required": "Choose a CSV file to import"},
    )
    check_only = forms.BooleanField(
        label="Check the file without importing it",
        required=False,
        help_text="Every row is checked as for an import, and nothing is written",
    )


class ExportForm(GovForm):
    year = forms.TypedChoiceField(
        label="Collection year",
        coerce=int,
        empty_value=None,
        required=False,
        help_text="The year ending on 31 March",
    )
    reason = forms.CharField(
        label="Why are you exporting this data?",
        required=False,
        widget=forms.Textarea,
        max_length=1000,
        help_text=(
            "For example, the SSDA903 return to the Department for Education. "
            "It is kept in the export log"
        ),
    )

    def __init__(self, *args: Any, years: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [("", "Choose a year")] + [  # type: ignore[attr-defined]
            (str(y), label) for y, label in years
        ]
