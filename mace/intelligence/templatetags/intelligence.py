"""Template helpers for the intelligence pages."""

from __future__ import annotations

from django import forms, template
from django.forms import BoundField

from mace.core.forms import DateInput

register = template.Library()


@register.filter
def widget_kind(field: BoundField) -> str:
    """Which GOV.UK partial renders this field: input, textarea, radios, select, date or
    checkbox."""
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
