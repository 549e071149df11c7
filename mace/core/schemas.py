"""Shared API schemas and the bounded types every input schema uses, defined once.

Input schemas use these types so that the API refuses, with a 422 and a field error, exactly what
pages and services refuse (mace.core.bounds): text over its documented length, dates outside
their bounds, numbers no column can hold. Output schemas use plain types, so that a row stored
before the bounds existed still reads (the bounds apply to what is accepted, never to what is
shown). NUL characters and lone surrogates are refused before any schema sees the input, by the
API's parser (mace.core.api.SafeParser)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from ninja import Field, Path, Schema
from pydantic import AfterValidator
from pydantic_core import PydanticCustomError

from mace.core import bounds

# The largest whole number any column holds (a 64-bit signed integer, PostgreSQL's bigint and
# SQLite's INTEGER): every id and number the API accepts stays within it.
MAX_INT = 2**63 - 1
# A page starts at most this far in: past it no list has anything, and a database refuses an
# OFFSET it cannot hold.
MAX_OFFSET = 2**31 - 1

# ---------------------------------------------------------------------------------------------
# Errors (documented in the OpenAPI document; mace.core.api writes them)
# ---------------------------------------------------------------------------------------------


class FieldErrorOut(Schema):
    field: str = Field(description="The input field, dotted for nested ones; __all__ for none")
    message: str


class ErrorsOut(Schema):
    errors: list[FieldErrorOut]


class DetailOut(Schema):
    detail: str


# Every route can refuse in these ways; listing them puts them in the OpenAPI document. 413 is a
# body over the size limit (DATA_UPLOAD_MAX_MEMORY_SIZE), 429 the rate limit
# (mace.core.middleware.ApiRateLimitMiddleware).
ERROR_RESPONSES: dict[int, Any] = {
    401: DetailOut,
    403: DetailOut,
    404: DetailOut,
    413: DetailOut,
    422: ErrorsOut,
    429: DetailOut,
}

# ---------------------------------------------------------------------------------------------
# Bounded input types
# ---------------------------------------------------------------------------------------------


def _refuse(problem: str | None) -> None:
    if problem:
        raise PydanticCustomError("out_of_bounds", problem)


def _birth_date(value: dt.date) -> dt.date:
    _refuse(bounds.birth_date_problem(value, name="Date of birth"))
    return value


def _event_date[D: (dt.date, dt.datetime)](value: D) -> D:
    name = "Date and time" if isinstance(value, dt.datetime) else "Date"
    _refuse(bounds.event_date_problem(value, name=name))
    return value


_BIRTH_BOUNDS = f"From {bounds.EARLIEST_BIRTH_DATE.isoformat()} to today"
_EVENT_BOUNDS = (
    f"From {bounds.EARLIEST_EVENT_DATE.isoformat()} to {bounds.LATEST_EVENT_DATE.isoformat()}"
)

#: A short text (a title, a name, a reference): at most SHORT_TEXT characters.
ShortText = Annotated[str, Field(max_length=bounds.SHORT_TEXT)]
#: A long text (a narrative, a note, minutes): at most LONG_TEXT characters.
LongText = Annotated[str, Field(max_length=bounds.LONG_TEXT)]
#: A date of birth: from 1 January 1900 to today.
BirthDate = Annotated[dt.date, AfterValidator(_birth_date), Field(description=_BIRTH_BOUNDS)]
#: An event's date (an indicator seen, an assessment, a due or review date): 1990 to 2100.
EventDate = Annotated[dt.date, AfterValidator(_event_date), Field(description=_EVENT_BOUNDS)]
#: An event's date and time (a note, a missing episode's start and end): 1990 to 2100.
EventDateTime = Annotated[
    dt.datetime, AfterValidator(_event_date), Field(description=_EVENT_BOUNDS)
]
#: A whole number a column can hold.
Int = Annotated[int, Field(ge=-MAX_INT, le=MAX_INT)]
#: A record's version (optimistic concurrency).
Version = Annotated[int, Field(ge=1, le=MAX_INT)]
#: An id in a path: a record that cannot exist answers 404, one no column can hold 422.
Id = Annotated[int, Path(ge=1, le=MAX_INT)]
#: An id in a body.
RefId = Annotated[int, Field(ge=1, le=MAX_INT)]
#: Where a page of a list starts.
Offset = Annotated[int, Field(ge=0, le=MAX_OFFSET)]


def limit(default: int, maximum: int) -> Any:
    """A page's length: `default` when not given, at most `maximum`."""
    return Field(default, ge=1, le=maximum, description=f"At most {maximum}")


__all__ = [
    "ERROR_RESPONSES",
    "MAX_INT",
    "MAX_OFFSET",
    "BirthDate",
    "DetailOut",
    "ErrorsOut",
    "EventDate",
    "EventDateTime",
    "FieldErrorOut",
    "Id",
    "Int",
    "LongText",
    "Offset",
    "RefId",
    "ShortText",
    "Version",
]
