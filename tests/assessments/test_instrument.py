"""The instrument as versioned data: version 1 as the migration loads it (the seed's four groups
line up with the concern indicators), the windows, revising it as a new version in the admin,
and the review intervals administrators set."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import Permission
from django.db import IntegrityError, transaction
from django.urls import reverse

from mace.accounts.choices import Role
from mace.assessments.choices import InstrumentStatus
from mace.assessments.models import (
    Instrument,
    InstrumentIndicator,
    InstrumentVulnerability,
    ReviewInterval,
    add_months,
)
from mace.assessments.services import (
    instrument_errors,
    instrument_put_in_force,
    instrument_revise,
)
from mace.core.errors import DomainError, Refused
from mace.reference.data import INDICATORS
from tests.factories import UserFactory


@pytest.fixture
def tool_admin(db):  # type: ignore[no-untyped-def]
    user = UserFactory(username="tooladmin", is_staff=True, roles=[Role.SYSTEM_ADMIN])
    user.user_permissions.add(*Permission.objects.filter(content_type__app_label="assessments"))
    return type(user).objects.get(pk=user.pk)


def test_version_one_is_in_force_with_seven_sections_and_the_windows(db):
    instrument = Instrument.in_force()
    assert instrument is not None
    assert (instrument.version, instrument.current_window_months) == ("1", 3)
    assert instrument.previous_window_months == 6
    assert list(instrument.sections.values_list("code", flat=True)) == [
        "behaviour", "health", "online_school", "possessions", "sexual", "criminal", "online",
    ]  # fmt: skip


def test_the_seed_groups_reuse_the_concern_indicators_codes_and_labels(db):
    instrument = Instrument.in_force()
    for group, items in INDICATORS.items():
        section = instrument.sections.get(code=group)
        assert list(section.indicators.values_list("code", "label")) == items


def test_only_the_exploitation_sections_hold_indicators_of_actual_exploitation(db):
    actual = InstrumentIndicator.objects.filter(actual_exploitation=True)
    assert set(actual.values_list("section__code", flat=True)) == {"sexual", "criminal", "online"}
    for section in ("sexual", "criminal", "online"):
        assert InstrumentIndicator.objects.filter(
            section__code=section, actual_exploitation=False
        ).exists()


def test_a_learning_disability_is_one_of_the_vulnerabilities(db):
    assert InstrumentVulnerability.objects.get(learning_disability=True).code == (
        "learning-disability"
    )


def test_the_review_intervals_default_to_six_weeks_three_months_and_six_months(db):
    assert {str(i) for i in ReviewInterval.objects.all()} == {
        "High (known): 6 weeks",
        "Medium (suspected): 3 months",
        "Low (vulnerable): 6 months",
    }


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (dt.date(2025, 8, 31), 6, dt.date(2026, 2, 28)),
        (dt.date(2027, 8, 31), 6, dt.date(2028, 2, 29)),
        (dt.date(2025, 3, 31), -1, dt.date(2025, 2, 28)),
        (dt.date(2025, 12, 15), 1, dt.date(2026, 1, 15)),
        (dt.date(2025, 1, 15), -3, dt.date(2024, 10, 15)),
    ],
)
def test_months_are_added_as_people_count_them(day, months, expected):
    assert add_months(day, months) == expected


def test_the_windows_are_current_then_previous_then_outside(db):
    instrument = Instrument.in_force()
    on = dt.date(2026, 6, 30)
    assert instrument.window_for(dt.date(2026, 3, 30), on) == "current"
    assert instrument.window_for(dt.date(2026, 3, 29), on) == "previous"
    assert instrument.window_for(dt.date(2025, 12, 30), on) == "previous"
    assert instrument.window_for(dt.date(2025, 12, 29), on) is None


# ---------------------------------------------------------------------------------------------
# Revising the tool
# ---------------------------------------------------------------------------------------------


def test_revising_copies_the_version_as_a_draft(tool_admin):
    first = Instrument.in_force()
    draft = instrument_revise(actor=tool_admin, instrument=first, version="2")
    assert draft.status == InstrumentStatus.DRAFT
    assert InstrumentIndicator.objects.filter(section__instrument=draft).count() == (
        InstrumentIndicator.objects.filter(section__instrument=first).count()
    )
    assert draft.vulnerabilities.count() == first.vulnerabilities.count()
    with pytest.raises(DomainError):
        instrument_revise(actor=tool_admin, instrument=first, version="2")


def test_putting_a_version_in_force_supersedes_the_old_one(tool_admin):
    first = Instrument.in_force()
    draft = instrument_revise(actor=tool_admin, instrument=first, version="2")
    instrument_put_in_force(actor=tool_admin, instrument=draft)
    first.refresh_from_db()
    assert first.status == InstrumentStatus.SUPERSEDED
    assert Instrument.in_force() == draft
    assert draft.history.first().history_user == tool_admin


def test_two_versions_can_never_be_in_force_at_once(db):
    first = Instrument.in_force()
    with pytest.raises(IntegrityError), transaction.atomic():
        Instrument.objects.create(name=first.name, version="9", status=InstrumentStatus.IN_FORCE)


def test_a_version_that_would_break_the_guard_rules_cannot_be_put_in_force(tool_admin):
    draft = instrument_revise(actor=tool_admin, instrument=Instrument.in_force(), version="2")
    draft.vulnerabilities.filter(learning_disability=True).delete()
    section = draft.sections.get(code="criminal")
    section.indicators.create(code="multiple-phones", label="Duplicate", order=99)
    errors = instrument_errors(draft)
    assert "No vulnerability is marked as a learning disability" in errors
    assert "Indicator codes used more than once: multiple-phones" in errors
    with pytest.raises(DomainError):
        instrument_put_in_force(actor=tool_admin, instrument=draft)
    assert Instrument.in_force().version == "1"


def test_only_administrators_revise_the_tool(alice):
    with pytest.raises(Refused):
        instrument_revise(actor=alice, instrument=Instrument.in_force(), version="2")


def test_in_the_admin_a_version_in_force_is_read_only_and_a_draft_is_editable(client, tool_admin):
    first = Instrument.in_force()
    client.force_login(tool_admin)
    page = client.get(reverse("admin:assessments_instrument_change", args=[first.pk]))
    assert page.status_code == 200 and not page.context["has_change_permission"]
    response = client.post(
        reverse("admin:assessments_instrument_changelist"),
        {"action": "copy_as_new_version", "_selected_action": [first.pk]},
    )
    assert response.status_code == 302
    draft = Instrument.objects.get(status=InstrumentStatus.DRAFT)
    page = client.get(reverse("admin:assessments_instrument_change", args=[draft.pk]))
    assert page.context["has_change_permission"]
    client.post(
        reverse("admin:assessments_instrument_changelist"),
        {"action": "put_in_force", "_selected_action": [draft.pk]},
    )
    assert Instrument.in_force() == draft


def test_administrators_change_a_review_interval_and_the_change_is_kept(client, tool_admin):
    interval = ReviewInterval.objects.get(level="high")
    client.force_login(tool_admin)
    response = client.post(
        reverse("admin:assessments_reviewinterval_change", args=[interval.pk]),
        {"amount": "4", "unit": "weeks"},
    )
    assert response.status_code == 302
    interval.refresh_from_db()
    assert (interval.amount, interval.unit) == (4, "weeks")
    assert interval.history.first().history_user == tool_admin
