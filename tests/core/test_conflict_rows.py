"""The side-by-side of a conflict compares what reads the same as the same: a field whose text
has a format compares after the normaliser its app registered (reference registers postcodes)."""

from __future__ import annotations

from types import SimpleNamespace

from django import forms

from mace.core.conflicts import conflict_rows


class AddressForm(forms.Form):
    line1 = forms.CharField(label="Address line 1")
    postcode = forms.CharField(label="Postcode")


def _typed(**values: str) -> AddressForm:
    form = AddressForm(values)
    assert form.is_valid()
    return form


def test_a_postcode_typed_differently_but_the_same_once_normalised_is_no_difference() -> None:
    saved = SimpleNamespace(line1="1 Fable Row", postcode="CM11ZZ")
    rows = conflict_rows(_typed(line1="1 Fable Row", postcode="cm1 1zz"), saved, ["postcode"])
    assert rows == []


def test_a_different_postcode_is_shown_side_by_side() -> None:
    saved = SimpleNamespace(line1="1 Fable Row", postcode="CM11ZZ")
    rows = conflict_rows(_typed(line1="1 Fable Row", postcode="ZE9 9ZZ"), saved, ["postcode"])
    assert rows == [{"label": "Postcode", "yours": "ZE9 9ZZ", "saved": "CM11ZZ"}]


def test_other_text_is_compared_as_typed_apart_from_surrounding_spaces() -> None:
    saved = SimpleNamespace(line1="1 fable row", postcode="CM11ZZ")
    rows = conflict_rows(_typed(line1="1 Fable Row", postcode="CM11ZZ"), saved, ["line1"])
    assert [row["label"] for row in rows] == ["Address line 1"]
