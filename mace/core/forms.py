"""Form helpers shared by every page: GOV.UK-style ids, the error summary, the three-part date
input, and turning a service's DomainError into field errors."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any, Literal

from django import forms
from django.core import validators
from django.core.exceptions import ValidationError
from django.utils import timezone

from mace.core.bounds import LONG_TEXT, SHORT_TEXT, birth_date_problem, event_date_problem
from mace.core.errors import DomainError


class DateInput(forms.MultiWidget):
    """The GOV.UK date input: day, month and year boxes named NAME-day, NAME-month, NAME-year."""

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__([forms.TextInput, forms.TextInput, forms.TextInput], attrs)
        self.widgets_names = ["-day", "-month", "-year"]

    def decompress(self, value: Any) -> list[str]:
        if isinstance(value, dt.date):
            return [str(value.day), str(value.month), str(value.year)]
        return ["", "", ""]


class DateField(forms.MultiValueField):
    """A date typed into three boxes, with GOV.UK's error messages ("... must include a month",
    "... must be a real date"). `name` is how messages refer to it: "Date of birth".

    Every date keeps the documented bounds of mace.core.bounds: an event date (the default)
    lies between 1990 and 2100, a birth date (`bounds="birth"`) between 1900 and today."""

    widget = DateInput

    def __init__(
        self, *, name: str = "Date", bounds: Literal["event", "birth"] = "event", **kwargs: Any
    ) -> None:
        self.name = name
        self.bounds = bounds
        kwargs.setdefault("error_messages", {"required": f"Enter the {name.lower()}"})
        super().__init__(
            fields=(
                forms.CharField(required=False),
                forms.CharField(required=False),
                forms.CharField(required=False),
            ),
            require_all_fields=False,
            **kwargs,
        )

    def compress(self, data_list: list[str]) -> dt.date | None:
        parts = [(p or "").strip() for p in (data_list or ["", "", ""])]
        if not any(parts):
            return None
        missing = [n for n, p in zip(["day", "month", "year"], parts, strict=True) if not p]
        if missing:
            raise ValidationError(f"{self.name} must include a {' and a '.join(missing)}")
        try:
            day, month, year = (int(p) for p in parts)
            if year < 1000:
                raise ValidationError(f"{self.name} year must include 4 numbers")
            value = dt.date(year, month, day)
        except (ValueError, OverflowError):
            raise ValidationError(f"{self.name} must be a real date") from None
        if self.bounds == "birth":
            # A birth date after today is refused by the services ("must be today or in the
            # past"), alongside the form's other errors; here only what no service could use.
            problem = birth_date_problem(min(value, timezone.localdate()), name=self.name)
        else:
            problem = event_date_problem(value, name=self.name)
        if problem:
            raise ValidationError(problem)
        return value


class GovFormMixin:
    """Ids equal to field names (as GOV.UK does), no label suffix, and the error summary's links.
    Mix into any Django form."""

    fields: dict[str, forms.Field]
    errors: Any

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "%s")
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.bound_free_text()

    def full_clean(self) -> None:
        # Again here: many forms add their fields in __init__ after this mixin's has run.
        self.bound_free_text()
        super().full_clean()  # type: ignore[misc]

    def bound_free_text(self) -> None:
        """Give every free-text field the documented maximum length (mace.core.bounds): a
        field that names none gets SHORT_TEXT (a box) or LONG_TEXT (a text area), and none may
        exceed LONG_TEXT. NUL characters are refused by every CharField already (Django's
        ProhibitNullCharactersValidator), the date input's boxes included."""
        for field in self.fields.values():
            if not isinstance(field, forms.CharField):
                continue
            default = LONG_TEXT if isinstance(field.widget, forms.Textarea) else SHORT_TEXT
            limit = min(field.max_length or default, LONG_TEXT)
            if field.max_length == limit:
                continue
            field.max_length = limit
            field.validators = [
                v for v in field.validators if not isinstance(v, validators.MaxLengthValidator)
            ]
            field.validators.append(validators.MaxLengthValidator(limit))
            field.widget.attrs.update(field.widget_attrs(field.widget))
            if "max_length" not in field.error_messages:
                name = str(field.label or "").removesuffix(" (optional)")
                if not name or "?" in name or len(name) > 40:
                    name = "The text"
                field.error_messages["max_length"] = f"{name} must be {limit:,} characters or fewer"

    def anchor_for(self, name: str) -> str:
        """The id of the element an error summary link for this field should move focus to."""
        if name not in self.fields:
            name = next(iter(self.fields), "")
        widget = self.fields[name].widget if name else None
        if isinstance(widget, DateInput):
            return f"{name}-day"
        if isinstance(widget, forms.RadioSelect | forms.CheckboxSelectMultiple):
            return f"{name}_0"
        return name

    def error_summary(self) -> list[tuple[str, str]]:
        """(anchor, message) for every error, in the order the fields appear on the page."""
        items: list[tuple[str, str]] = []
        errors = self.errors
        for message in errors.get("__all__", []):
            items.append((self.anchor_for("__all__"), message))
        for name in self.fields:
            for message in errors.get(name, []):
                items.append((self.anchor_for(name), message))
        return items

    def apply_domain_error(
        self, error: DomainError, fields: Mapping[str, str] | None = None
    ) -> None:
        """Show a service's field errors on this form; `fields` maps service keys to form fields."""
        for key, messages in error.errors.items():
            name: str | None = (fields or {}).get(key, key)
            if name not in self.fields:
                name = None
            for message in messages:
                self.add_error(name, message)  # type: ignore[attr-defined]


class GovForm(GovFormMixin, forms.Form):
    pass


def version_field(required: bool = True) -> forms.IntegerField:
    """The version of the record the person started from: a save from an older one is refused
    (mace.core.concurrency), so nobody overwrites a change they have not seen. Not required
    where the form may create the record (it has no version yet)."""
    return forms.IntegerField(
        widget=forms.HiddenInput,
        min_value=1,
        required=required,
        error_messages={
            "required": "Reload the page and make your change again",
            "invalid": "Reload the page and make your change again",
        },
    )
