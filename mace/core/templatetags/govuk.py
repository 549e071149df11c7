"""Small template helpers for GOV.UK Frontend markup."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms, template
from django.forms import BoundField

from mace.core.bounds import local_date, localtime
from mace.core.forms import DateInput

register = template.Library()


@register.filter
def date_parts(field: BoundField) -> dict[str, str]:
    """The day, month and year a date input shows: what was typed, or the initial date."""
    value: Any = field.value()
    if isinstance(value, dt.date):
        parts = [str(value.day), str(value.month), str(value.year)]
    elif isinstance(value, list | tuple) and len(value) == 3:
        parts = [str(p or "") for p in value]
    else:
        parts = ["", "", ""]
    return dict(zip(["day", "month", "year"], parts, strict=True))


@register.filter
def gov_date(value: dt.date | dt.datetime | None) -> str:
    """A date as GOV.UK writes it: 4 June 2025."""
    if value is None:
        return ""
    value = local_date(value)
    return f"{value.day} {value:%B %Y}"


@register.filter
def gov_datetime(value: dt.datetime | None) -> str:
    """A moment as GOV.UK writes it: 4 June 2025 at 2:15pm."""
    if value is None:
        return ""
    value = localtime(value)
    hour = value.hour % 12 or 12
    return f"{value.day} {value:%B %Y} at {hour}:{value:%M}{'am' if value.hour < 12 else 'pm'}"


@register.simple_tag(takes_context=True)
def page_query(context: dict[str, Any], param: str, number: int) -> str:
    """The current page's query string with one page number changed (filters kept)."""
    query = context["request"].GET.copy()
    query[param] = str(number)
    return "?" + query.urlencode()


@register.filter
def widget_kind(field: BoundField) -> str:
    """Which GOV.UK partial renders this field: input, textarea, radios, select, date or
    checkbox (includes/form_field.html)."""
    widget = field.field.widget
    if isinstance(widget, DateInput):
        return "date"
    if isinstance(widget, forms.RadioSelect):
        return "radios"
    if isinstance(widget, forms.CheckboxInput):
        return "checkbox"
    if isinstance(widget, forms.Select):
        return "select"
    if isinstance(widget, forms.Textarea):
        return "textarea"
    return "input"
