"""The concern form: indicators grouped as the seed groups them, each with when it was seen and
where it came from; the narrative; where the concern goes and by when. The form parses; the rules
are concern_record's, and its errors come back onto these fields."""

from __future__ import annotations

from typing import Any

from django import forms

from mace.concerns.choices import IndicatorSource, Route
from mace.concerns.services import IndicatorSeen, RouteTo
from mace.core.forms import DateField, GovForm
from mace.people.forms import restriction_fields
from mace.reference.choices import IndicatorGroup
from mace.reference.models import Indicator


class ConcernForm(GovForm):
    def __init__(self, *args: Any, indicators: list[Indicator], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.indicators = indicators
        self.fields["indicators"] = forms.MultipleChoiceField(
            label="Indicators seen",
            choices=[(i.code, i.label) for i in indicators],
            required=False,
            widget=forms.CheckboxSelectMultiple,
        )
        for indicator in indicators:
            code = indicator.code
            self.fields[f"seen_{code}"] = DateField(
                label="When was it seen?",
                name=f"The date “{indicator.label}” was seen",
                required=False,
            )
            self.fields[f"source_{code}"] = forms.ChoiceField(
                label="Where did it come from?",
                choices=[("", "Choose a source"), *IndicatorSource.choices],
                required=False,
            )
            self.fields[f"note_{code}"] = forms.CharField(
                label="Note (optional)", required=False, max_length=500
            )
        self.fields["narrative"] = forms.CharField(
            label="What did you see or were you told?",
            help_text=(
                "Say what happened, when and where, who was involved, and what the child said. "
                "Use the child's words where you can"
            ),
            required=False,
            widget=forms.Textarea,
        )
        self.fields.update(restriction_fields())
        self.fields["routes"] = forms.MultipleChoiceField(
            label="Where are you sending this concern?",
            choices=Route.choices,
            required=False,
            widget=forms.CheckboxSelectMultiple,
        )
        for value, label in Route.choices:
            self.fields[f"target_{value}"] = DateField(
                label="Target date for a response",
                name=f"The target date for {label}",
                required=False,
            )

    def _selected_indicators(self) -> list[str]:
        chosen = set(self.cleaned_data.get("indicators") or [])
        return [i.code for i in self.indicators if i.code in chosen]

    def _selected_routes(self) -> list[str]:
        chosen = set(self.cleaned_data.get("routes") or [])
        return [value for value in Route.values if value in chosen]

    def service_input(self) -> tuple[list[IndicatorSeen], list[RouteTo], dict[str, str]]:
        """What concern_record takes, and how its error keys map back onto this form's fields."""
        data = self.cleaned_data
        fields: dict[str, str] = {}
        seen: list[IndicatorSeen] = []
        for n, code in enumerate(self._selected_indicators()):
            seen.append(
                IndicatorSeen(
                    indicator=code,
                    seen_on=data.get(f"seen_{code}"),
                    source=data.get(f"source_{code}") or "",
                    note=data.get(f"note_{code}") or "",
                )
            )
            fields[f"indicators.{n}.indicator"] = "indicators"
            fields[f"indicators.{n}.seen_on"] = f"seen_{code}"
            fields[f"indicators.{n}.source"] = f"source_{code}"
        routes: list[RouteTo] = []
        for n, value in enumerate(self._selected_routes()):
            routes.append(RouteTo(route=value, target_date=data.get(f"target_{value}")))
            fields[f"routes.{n}.route"] = "routes"
            fields[f"routes.{n}.target_date"] = f"target_{value}"
        return seen, routes, fields

    def indicator_groups(self) -> list[dict[str, Any]]:
        """The indicators in their four groups, each checkbox with its revealed fields."""
        options = {option.data["value"]: option for option in self["indicators"]}
        groups = []
        for group, label in IndicatorGroup.choices:
            items = [
                {
                    "indicator": indicator,
                    "option": options[indicator.code],
                    "seen": self[f"seen_{indicator.code}"],
                    "source": self[f"source_{indicator.code}"],
                    "note": self[f"note_{indicator.code}"],
                }
                for indicator in self.indicators
                if indicator.group == group
            ]
            if items:
                groups.append({"group": group, "label": label, "items": items})
        return groups

    def route_items(self) -> list[dict[str, Any]]:
        return [
            {"option": option, "target": self[f"target_{option.data['value']}"]}
            for option in self["routes"]
        ]
