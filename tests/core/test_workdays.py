"""England's bank holidays and working days, against the dates GOV.UK publishes."""

from __future__ import annotations

import datetime as dt

import pytest

from mace.core.workdays import add_working_days, bank_holidays, easter_sunday, is_working_day

D = dt.date


@pytest.mark.parametrize(
    ("year", "easter"),
    [
        (2000, D(2000, 4, 23)),
        (2019, D(2019, 4, 21)),
        (2024, D(2024, 3, 31)),
        (2038, D(2038, 4, 25)),
    ],
)
def test_easter_sunday(year: int, easter: dt.date) -> None:
    assert easter_sunday(year) == easter


def test_the_bank_holidays_of_2026_are_the_published_ones() -> None:
    assert list(bank_holidays(2026)) == [
        D(2026, 1, 1),
        D(2026, 4, 3),
        D(2026, 4, 6),
        D(2026, 5, 4),
        D(2026, 5, 25),
        D(2026, 8, 31),
        D(2026, 12, 25),
        D(2026, 12, 28),  # Boxing Day falls on a Saturday
    ]
    assert bank_holidays(2026)[D(2026, 12, 28)] == "Boxing Day (substitute day)"


def test_a_weekend_christmas_keeps_a_weekday_boxing_day_and_moves_christmas_after_it() -> None:
    # 2022: Christmas on a Sunday, Boxing Day on the Monday.
    assert {d: n for d, n in bank_holidays(2022).items() if d.month == 12} == {
        D(2022, 12, 26): "Boxing Day",
        D(2022, 12, 27): "Christmas Day (substitute day)",
    }
    # 2021: both on the weekend.
    assert [d for d in bank_holidays(2021) if d.month == 12] == [D(2021, 12, 27), D(2021, 12, 28)]
    assert D(2022, 1, 3) in bank_holidays(2022)  # New Year's Day on a Saturday


def test_proclaimed_and_moved_days() -> None:
    assert D(2022, 6, 2) in bank_holidays(2022) and D(2022, 6, 3) in bank_holidays(2022)
    assert D(2022, 5, 30) not in bank_holidays(2022)  # the spring bank holiday moved that year
    assert D(2022, 9, 19) in bank_holidays(2022)
    assert D(2023, 5, 8) in bank_holidays(2023)
    assert D(2020, 5, 8) in bank_holidays(2020) and D(2020, 5, 4) not in bank_holidays(2020)


def test_working_days_skip_weekends_and_bank_holidays() -> None:
    assert add_working_days(D(2026, 12, 4), 1) == D(2026, 12, 7)  # Friday to Monday
    assert add_working_days(D(2026, 4, 2), 1) == D(2026, 4, 7)  # over Easter
    assert add_working_days(D(2026, 12, 24), 1) == D(2026, 12, 29)  # over Christmas
    assert add_working_days(D(2026, 12, 5), 1) == D(2026, 12, 7)  # from a Saturday
    assert add_working_days(D(2026, 12, 7), 0) == D(2026, 12, 7)
    assert not is_working_day(D(2026, 12, 28)) and is_working_day(D(2026, 12, 29))
    with pytest.raises(ValueError):
        add_working_days(D(2026, 12, 7), -1)
