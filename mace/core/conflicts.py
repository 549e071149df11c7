"""The page side of optimistic concurrency (mace.core.concurrency): when a save is refused because
someone else changed the record first, the form comes back as the person submitted it, now
carrying the saved version's number, with the error and a side-by-side of every field where their
version and the saved one differ. mace.core.submit does this for every page; the panel is the
template includes/conflict.html. Nothing they typed is lost; saving again is a deliberate choice
to replace the saved version."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from typing import Any

from django import forms
from django.http import HttpRequest, QueryDict

from mace.core.templatetags.govuk import gov_date, gov_datetime

CONFLICT_MESSAGE = "Someone else changed this record while you were editing"

# Field name -> how its text reads the same, registered by the app that knows the format
# (mace.reference registers "postcode": a postcode typed differently but equal once normalised is
# no difference).
_NORMALISERS: dict[str, Callable[[str], str]] = {}


def conflict_normaliser_register(name: str, normalise: Callable[[str], str]) -> None:
    """Compare every form field called `name` after `normalise` (its text already stripped)."""
    _NORMALISERS[name] = normalise


def shown(field: forms.Field | None, value: Any) -> str:
    """A value as the person would recognise it on the form: a choice's label, a GOV.UK date."""
    if value in (None, "", [], ()):
        return "Not recorded"
    if isinstance(value, dt.datetime):
        return gov_datetime(value)
    if isinstance(value, dt.date):
        return gov_date(value)
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, list | tuple):
        return "; ".join(str(v) for v in value)
    if isinstance(field, forms.ChoiceField) and not isinstance(field, forms.ModelChoiceField):
        return str(dict(field.choices).get(value, value))  # type: ignore[arg-type]
    return str(getattr(value, "display_name", value))


def _comparable(name: str, value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, str):
        value = value.strip()
        normalise = _NORMALISERS.get(name)
        return normalise(value) if normalise else value
    return value


def with_version(request: HttpRequest, version: int) -> QueryDict:
    """What the person submitted, now saying they start from `version`."""
    data = request.POST.copy()
    data["version"] = str(version)
    return data


def conflict_rows(form: Any, current: Any, compare: Iterable[str]) -> list[dict[str, str]]:
    """The side-by-side: each field in `compare` where what the person typed (the form, already
    cleaned) and the saved record differ, both as the person would recognise them."""
    typed = getattr(form, "cleaned_data", {})
    rows = []
    for name in compare:
        field = form.fields.get(name)
        yours, saved = typed.get(name), getattr(current, name, None)
        if _comparable(name, yours) != _comparable(name, saved):
            label = str(field.label if field else name).removesuffix(" (optional)")
            rows.append(
                {"label": label, "yours": shown(field, yours), "saved": shown(field, saved)}
            )
    return rows
