"""Dates outside the documented bounds (mace.core.bounds) are refused with a field error by every
way in: the shared date input on pages, the services (so commands and the API too) and the
police CSV import, which reports the row. Nothing is written."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from mace.core.bounds import LONG_TEXT
from mace.core.errors import DomainError
from mace.core.forms import DateField
from mace.missing.services import episode_record
from mace.people.models import Child, ChronologyEntry
from mace.people.services import child_create, chronology_note_add
from tests.missing.test_import import csv_bytes, known, officer, row  # noqa: F401

YEAR_1 = dt.datetime(1, 1, 1, 12, 0, tzinfo=dt.UTC)


def _post_note(client, child, **data):
    return client.post(
        reverse("people:note_add", args=[child.pk]),
        {"title": "A fictional note", "body": "Nothing happened.", **data},
    )


@pytest.mark.parametrize(
    ("day", "month", "year", "message"),
    [
        ("1", "1", "1001", "Date it happened must be on or after 1 January 1990"),
        ("31", "12", "9999", "Date it happened must be on or before 31 December 2100"),
    ],
)
def test_a_note_dated_out_of_bounds_is_refused_on_the_page(
    client, alice, child, day, month, year, message
):
    client.force_login(alice)
    before = ChronologyEntry.objects.count()
    response = _post_note(
        client,
        child,
        **{"occurred_on-day": day, "occurred_on-month": month, "occurred_on-year": year},
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert "govuk-error-summary" in response.content.decode()
    assert ChronologyEntry.objects.count() == before


def test_the_note_service_refuses_year_1_with_a_field_error(alice, child):
    before = ChronologyEntry.objects.count()
    with pytest.raises(DomainError) as refused:
        chronology_note_add(
            actor=alice, child=child, title="A note", body="Fictional.", occurred_at=YEAR_1
        )
    assert refused.value.errors["occurred_at"] == [
        "The date of the note must be on or after 1 January 1990"
    ]
    assert ChronologyEntry.objects.count() == before


def test_a_birth_date_before_1900_is_refused_by_the_form_and_the_service(client, alice):
    field = DateField(name="Date of birth", bounds="birth")
    with pytest.raises(Exception, match="Date of birth must be on or after 1 January 1900"):
        field.clean(["1", "1", "1899"])
    with pytest.raises(DomainError) as refused:
        child_create(actor=alice, forename="Ada", surname="Fictional", dob=dt.date(1, 1, 1))
    assert "1 January 1900" in refused.value.errors["dob"][0]
    assert not Child.objects.filter(surname="Fictional").exists()


def test_a_birth_date_in_the_future_is_refused_on_the_page_with_the_other_errors(client, alice):
    client.force_login(alice)
    response = client.post(
        reverse("people:create"),
        {
            "forename": "",
            "surname": "Fictional",
            "dob-day": "1",
            "dob-month": "1",
            "dob-year": "9999",
        },
    )
    html = response.content.decode()
    assert "Date of birth must be today or in the past" in html
    assert "Enter the child&#x27;s first name" in html
    assert not Child.objects.filter(surname="Fictional").exists()


def test_an_event_date_inside_the_bounds_is_accepted():
    assert DateField(name="Date").clean(["27", "3", "2026"]) == dt.date(2026, 3, 27)


def test_a_nul_in_a_date_box_is_refused():
    with pytest.raises(Exception, match="Null characters are not allowed"):
        DateField(name="Date").clean(["2\x00", "3", "2026"])


def test_an_episode_starting_in_year_1_is_refused_not_a_crash(alice, child):
    with pytest.raises(DomainError) as refused:
        episode_record(actor=alice, child=child, type="M", last_seen_at=YEAR_1)
    assert refused.value.errors["last_seen_at"] == [
        "The time the child was last seen must be on or after 1 January 1990"
    ]
    assert not child.missing_episodes.exists()


def test_an_episode_far_in_the_future_is_refused(alice, child):
    later = dt.datetime(2101, 1, 1, tzinfo=dt.UTC)
    with pytest.raises(DomainError) as refused:
        episode_record(
            actor=alice,
            child=child,
            type="M",
            last_seen_at=timezone.now() - dt.timedelta(days=1),
            ended_at=later,
            end_reason="found",
        )
    assert "on or before 31 December 2100" in refused.value.errors["ended_at"][0]


def test_the_episode_page_refuses_year_1(client, alice, child):
    client.force_login(alice)
    response = client.post(
        reverse("missing:episode_record", args=[child.pk]),
        {
            "type": "M",
            "last_seen_at-day": "1",
            "last_seen_at-month": "1",
            "last_seen_at-year": "1001",
            "last_seen_at_time": "14:30",
        },
    )
    assert response.status_code == 200
    assert "must be on or after 1 January 1990" in response.content.decode()
    assert not child.missing_episodes.exists()


def test_the_police_import_reports_a_row_dated_year_1(officer, known):  # noqa: F811
    from mace.access.choices import AccessChannel
    from mace.missing.imports import import_missing_csv

    report = import_missing_csv(
        actor=officer,
        content=csv_bytes([row(), row(police_reference="R2", left_at="01/01/0001 10:00")]),
        filename="extract.csv",
        channel=AccessChannel.COMMAND,
    )
    assert not report.ok and report.created == 0
    reasons = {r.line: " | ".join(r.reasons) for r in report.rejected}
    assert set(reasons) == {3}
    assert "left_at: The date and time must be on or after 1 January 1990" in reasons[3]


def test_an_overlong_note_is_refused_by_the_service(alice, child):
    with pytest.raises(DomainError) as refused:
        chronology_note_add(actor=alice, child=child, title="A note", body="x" * (LONG_TEXT + 1))
    assert refused.value.errors["body"] == ["The note must be 20,000 characters or fewer"]


def test_a_person_of_concern_born_before_1900_is_refused_on_the_form():
    from mace.intelligence.forms import PersonForm  # noqa: F401  (the form uses birth bounds)

    assert PersonForm.base_fields["dob"].bounds == "birth"  # type: ignore[attr-defined]
