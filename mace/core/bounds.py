"""The bounds every date, time and piece of free text the platform accepts must keep, in one place
so that pages (forms), the API (schemas) and services refuse the same things with the same words.

Why bounds at all: a date typed as year 1 or year 9999 is accepted by Python and by the database,
and then breaks every view that does arithmetic on it (an age, "days ago", a window of 72 hours).
A bound is not a business rule (those stay with each form or service: "not in the future", "after
the start"); it is the range outside which a value cannot be a real fact about a child today.

- Birth dates: from 1 January 1900 to today. Children and young people are under 26, but adults
  (persons of concern, parents) have birth dates too, and an old date is a typo to correct, not a
  crash to avoid; the upper bound is today (an expected date of birth has its own field).
- Event dates and times (a chronology entry, a concern's indicator, an assessment, a missing
  episode, an action's due date): from 1 January 1990 to 31 December 2100. Case records go back a
  generation at most; due and review dates lie ahead, but not by a century.
- Free text: a short text (a title, a name, a reference) at most SHORT_TEXT characters; a long
  text (a narrative, a note, minutes) at most LONG_TEXT characters. No NUL characters anywhere
  (PostgreSQL cannot store them).

Rows already stored outside these bounds (written before the bounds existed) must still render:
the bounds apply to what is accepted, never to what is shown.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from django.utils import timezone

EARLIEST_BIRTH_DATE = dt.date(1900, 1, 1)
EARLIEST_EVENT_DATE = dt.date(1990, 1, 1)
LATEST_EVENT_DATE = dt.date(2100, 12, 31)

SHORT_TEXT = 200
LONG_TEXT = 20_000


def _fmt(value: dt.date) -> str:
    return f"{value.day} {value:%B %Y}"


def birth_date_problem(value: dt.date | None, *, name: str = "Date of birth") -> str | None:
    """Why this birth date cannot be accepted, or None when it may be."""
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        value = value.date()
    if value < EARLIEST_BIRTH_DATE:
        return f"{name} must be on or after {_fmt(EARLIEST_BIRTH_DATE)}"
    if value > timezone.localdate():
        return f"{name} must be today or in the past"
    return None


def event_date_problem(value: dt.date | dt.datetime | None, *, name: str = "Date") -> str | None:
    """Why this event date (or date and time) cannot be accepted, or None when it may be."""
    if value is None:
        return None
    day = value.date() if isinstance(value, dt.datetime) else value
    if day < EARLIEST_EVENT_DATE:
        return f"{name} must be on or after {_fmt(EARLIEST_EVENT_DATE)}"
    if day > LATEST_EVENT_DATE:
        return f"{name} must be on or before {_fmt(LATEST_EVENT_DATE)}"
    return None


def text_problem(value: str | None, *, name: str = "Text", limit: int = LONG_TEXT) -> str | None:
    """Why this free text cannot be accepted (too long, or a NUL character), or None."""
    if not value:
        return None
    if "\x00" in value:
        return f"{name} must not contain a NUL character"
    if len(value) > limit:
        return f"{name} must be {limit:,} characters or fewer"
    return None


def localtime(value: dt.datetime) -> dt.datetime:
    """The moment in UK time, for showing. A stored moment at the very ends of the calendar (year
    1, year 9999) cannot be moved into another time zone without overflowing: it is shown as
    stored (UTC) instead, so that the page still renders."""
    try:
        return timezone.localtime(value)
    except (OverflowError, ValueError):
        return value


def local_date(value: dt.date | dt.datetime) -> dt.date:
    """The day a date or moment falls on in UK time (see localtime)."""
    if isinstance(value, dt.datetime):
        return localtime(value).date()
    return value


def shifted[T: (dt.date, dt.datetime)](value: T, delta: dt.timedelta) -> T:
    """value + delta, held at the end of the calendar instead of overflowing: a due date worked
    out from a stored moment in year 9999 is simply "never", not a crash."""
    try:
        return value + delta
    except OverflowError:
        end = dt.datetime.max if delta > dt.timedelta(0) else dt.datetime.min
        if isinstance(value, dt.datetime):
            return end.replace(tzinfo=value.tzinfo)
        return end.date()


type Dated = dt.date | dt.datetime | None


def date_errors(
    *,
    events: Mapping[str, tuple[Dated, str]] | None = None,
    births: Mapping[str, tuple[dt.date | None, str]] | None = None,
) -> dict[str, list[str]]:
    """Field errors for the dates a service was given, in DomainError's shape: each key maps a
    field to (value, how messages name it), e.g. {"occurred_at": (when, "The date of the note")}.
    Services check these before any arithmetic on the dates."""
    errors: dict[str, list[str]] = {}
    for field, (value, name) in (events or {}).items():
        if problem := event_date_problem(value, name=name):
            errors[field] = [problem]
    for field, (born, name) in (births or {}).items():
        if problem := birth_date_problem(born, name=name):
            errors[field] = [problem]
    return errors


def text_errors(
    *,
    short: Mapping[str, tuple[str | None, str]] | None = None,
    long: Mapping[str, tuple[str | None, str]] | None = None,
) -> dict[str, list[str]]:
    """Field errors for free text (too long, or a NUL character), in DomainError's shape."""
    errors: dict[str, list[str]] = {}
    for limit, fields in ((SHORT_TEXT, short), (LONG_TEXT, long)):
        for field, (value, name) in (fields or {}).items():
            if problem := text_problem(value, name=name, limit=limit):
                errors[field] = [problem]
    return errors
