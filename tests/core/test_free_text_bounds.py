"""Free text has documented maximum lengths (mace.core.bounds): every free-text field of every
form is bounded (SHORT_TEXT for a box, LONG_TEXT for a text area, or the field's own smaller
limit), and NUL characters are refused. Refused input shows the error summary and writes
nothing."""

from __future__ import annotations

import importlib
import inspect
from typing import Any

import pytest
from django import forms
from django.urls import reverse

from mace.core.bounds import LONG_TEXT, SHORT_TEXT
from mace.core.forms import GovForm, GovFormMixin
from mace.people.models import ChronologyEntry

APPS = [
    "access",
    "accounts",
    "assessments",
    "concerns",
    "disruption",
    "intelligence",
    "meetings",
    "missing",
    "people",
]


def _forms() -> list[type[Any]]:
    found = []
    for app in APPS:
        module = importlib.import_module(f"mace.{app}.forms")
        for _name, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, GovFormMixin) and cls.__module__ == module.__name__:
                found.append(cls)
    return found


@pytest.mark.django_db
def test_every_free_text_field_of_every_form_is_bounded():
    checked = 0
    for cls in _forms():
        try:
            form = cls(data={})
        except TypeError:
            continue  # needs its context (an instrument, members...): see the test below
        form.is_valid()
        for name, field in form.fields.items():
            if isinstance(field, forms.CharField):
                assert field.max_length is not None, f"{cls.__name__}.{name}"
                assert field.max_length <= LONG_TEXT, f"{cls.__name__}.{name}"
        checked += 1
    assert checked >= 30


class _Late(GovForm):
    """Like the assessment, concern and episode forms: fields added after the mixin's __init__."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["title"] = forms.CharField(label="Title", required=False)
        self.fields["story"] = forms.CharField(
            label="What happened?", required=False, widget=forms.Textarea
        )
        self.fields["huge"] = forms.CharField(
            label="Huge", required=False, max_length=10**6, widget=forms.Textarea
        )


def test_fields_added_after_the_mixin_are_bounded_too():
    form = _Late(
        data={"title": "t" * (SHORT_TEXT + 1), "story": "s" * (LONG_TEXT + 1), "huge": "h" * 30_000}
    )
    assert not form.is_valid()
    assert form.errors["title"] == [f"Title must be {SHORT_TEXT} characters or fewer"]
    assert form.errors["story"] == ["The text must be 20,000 characters or fewer"]
    assert form.errors["huge"] == ["Huge must be 20,000 characters or fewer"]
    fits = _Late(data={"title": "t" * SHORT_TEXT, "story": "s" * LONG_TEXT})
    assert fits.is_valid()


def test_a_nul_in_a_text_area_is_refused():
    form = _Late(data={"story": "A fictional\x00 note"})
    assert not form.is_valid()
    assert "story" in form.errors


def test_an_overlong_note_is_refused_on_the_page(client, alice, child):
    client.force_login(alice)
    before = ChronologyEntry.objects.count()
    response = client.post(
        reverse("people:note_add", args=[child.pk]),
        {"title": "A fictional note", "body": "x" * (LONG_TEXT + 1)},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "govuk-error-summary" in html
    assert "Note must be 20,000 characters or fewer" in html
    assert ChronologyEntry.objects.count() == before


def test_a_nul_in_a_note_is_refused_on_the_page(client, alice, child):
    client.force_login(alice)
    before = ChronologyEntry.objects.count()
    response = client.post(
        reverse("people:note_add", args=[child.pk]),
        {"title": "A fictional note", "body": "Nothing\x00 happened."},
    )
    assert response.status_code == 200
    assert "govuk-error-summary" in response.content.decode()
    assert ChronologyEntry.objects.count() == before
