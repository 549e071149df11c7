"""Working days in England: Monday to Friday, except England's bank holidays.

Response targets ("children's social care responds within one working day") count working days.
The bank holidays follow the Banking and Financial Dealings Act 1971 and the royal proclamations
that move or add days:

- New Year's Day, Christmas Day and Boxing Day, each moved to the next free weekday when it falls
  on a weekend (a "substitute day");
- Good Friday and Easter Monday;
- the early May bank holiday (the first Monday in May), the spring bank holiday (the last Monday
  in May) and the summer bank holiday (the last Monday in August);
- the one-off days proclaimed for royal occasions, and the years a regular day was moved for
  one (`PROCLAIMED`, `MOVED`). A new proclamation is one line here.
"""

from __future__ import annotations

import datetime as dt
from functools import cache

# Days added for a royal occasion.
PROCLAIMED: dict[dt.date, str] = {
    dt.date(2022, 6, 3): "Platinum Jubilee bank holiday",
    dt.date(2022, 9, 19): "Bank Holiday for the State Funeral of Queen Elizabeth II",
    dt.date(2023, 5, 8): "Bank holiday for the coronation of King Charles III",
}
# Regular days moved for one year: (year, the usual date) -> the date it fell on instead.
MOVED: dict[tuple[int, str], dt.date] = {
    (2020, "Early May bank holiday"): dt.date(2020, 5, 8),  # VE Day's 75th anniversary
    (2022, "Spring bank holiday"): dt.date(2022, 6, 2),  # the Platinum Jubilee
}


def easter_sunday(year: int) -> dt.date:
    """Easter Sunday in the Gregorian calendar (the anonymous Gregorian algorithm)."""
    a = year % 19
    b, c = divmod(year, 100)
    d, e = divmod(b, 4)
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    el = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * el) // 451
    month, day = divmod(h + el - 7 * m + 114, 31)
    return dt.date(year, month, day + 1)


def _first_monday(year: int, month: int) -> dt.date:
    first = dt.date(year, month, 1)
    return first + dt.timedelta(days=(7 - first.weekday()) % 7)


def _last_monday(year: int, month: int) -> dt.date:
    last = dt.date(year + month // 12, month % 12 + 1, 1) - dt.timedelta(days=1)
    return last - dt.timedelta(days=last.weekday())


@cache
def bank_holidays(year: int) -> dict[dt.date, str]:
    """England's bank holidays in `year`, by date."""
    easter = easter_sunday(year)
    regular = {
        "Good Friday": easter - dt.timedelta(days=2),
        "Easter Monday": easter + dt.timedelta(days=1),
        "Early May bank holiday": _first_monday(year, 5),
        "Spring bank holiday": _last_monday(year, 5),
        "Summer bank holiday": _last_monday(year, 8),
    }
    days = {MOVED.get((year, name), day): name for name, day in regular.items()}
    days |= {day: name for day, name in PROCLAIMED.items() if day.year == year}
    # Fixed dates: one on a weekday is kept; one on a weekend moves to the next weekday not
    # already a holiday, in date order (Christmas on a Sunday: Boxing Day stays on the Monday and
    # Christmas's substitute is the Tuesday; on a Saturday: Monday and Tuesday, in that order).
    fixed = [
        ("New Year's Day", dt.date(year, 1, 1)),
        ("Christmas Day", dt.date(year, 12, 25)),
        ("Boxing Day", dt.date(year, 12, 26)),
    ]
    days |= {day: name for name, day in fixed if day.weekday() < 5}
    for name, day in fixed:
        if day.weekday() >= 5:
            while day.weekday() >= 5 or day in days:
                day += dt.timedelta(days=1)
            days[day] = f"{name} (substitute day)"
    return dict(sorted(days.items()))


def is_working_day(day: dt.date) -> bool:
    return day.weekday() < 5 and day not in bank_holidays(day.year)


def add_working_days(start: dt.date, days: int) -> dt.date:
    """The working day `days` working days after `start` (which may itself be any day):
    one working day after a Friday is the Monday, or the Tuesday when Monday is a bank holiday."""
    if days < 0:
        raise ValueError("days must not be negative")
    day = start
    while days:
        day += dt.timedelta(days=1)
        if is_working_day(day):
            days -= 1
    return day
