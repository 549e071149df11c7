"""What an assessment says: the content a practitioner sets on it (the date, the people involved,
vulnerabilities, the indicators seen, the child's view, the CIN factors, the level and its
reasons), as plain values the pages, the API and the services share. `content_merge` lays a
change over a content and tidies it as the services do; whether a content may be saved is the
rules' question (mace.assessments.rules)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from mace.core.errors import DomainError

__all__ = [
    "CONTENT_FIELDS",
    "MAX_PEOPLE",
    "SCALARS",
    "TEXTS",
    "Content",
    "IndicatorRecorded",
    "PersonInvolved",
    "content_merge",
]

# Bounds no real assessment reaches, so nobody can use one as file storage.
MAX_PEOPLE = 30


@dataclass(frozen=True)
class PersonInvolved:
    name: str
    role: str
    details: str = ""


@dataclass(frozen=True)
class IndicatorRecorded:
    indicator: str  # InstrumentIndicator.code in the assessment's instrument
    last_seen: dt.date | None = None
    source: str = ""
    note: str = ""


@dataclass(frozen=True)
class Content:
    """Everything a practitioner sets on an assessment. A change names only what it changes;
    lists replace the whole list."""

    assessed_on: dt.date | None
    people: tuple[PersonInvolved, ...] = ()
    vulnerabilities: tuple[str, ...] = ()
    vulnerability_notes: str = ""
    indicators: tuple[IndicatorRecorded, ...] = ()
    child_view: str = ""
    factors: tuple[str, ...] = ()
    level: str = ""
    rationale: str = ""
    override_reason: str = ""
    review_requested_on: dt.date | None = None


CONTENT_FIELDS = tuple(Content.__dataclass_fields__)
SCALARS = (
    "assessed_on",
    "vulnerability_notes",
    "child_view",
    "level",
    "rationale",
    "override_reason",
    "review_requested_on",
)
TEXTS = ("vulnerability_notes", "child_view", "level", "rationale", "override_reason")


def _normalise(content: Content) -> Content:
    texts: dict[str, Any] = {name: (getattr(content, name) or "").strip() for name in TEXTS}
    people = tuple(
        PersonInvolved(
            name=(p.name or "").strip(),
            role=(p.role or "").strip(),
            details=(p.details or "").strip(),
        )
        for p in content.people
    )
    indicators = tuple(
        IndicatorRecorded(
            indicator=(i.indicator or "").strip(),
            last_seen=i.last_seen,
            source=(i.source or "").strip(),
            note=(i.note or "").strip(),
        )
        for i in content.indicators
    )
    return replace(
        content,
        people=people,
        indicators=indicators,
        vulnerabilities=tuple((v or "").strip() for v in content.vulnerabilities),
        factors=tuple((f or "").strip().upper() for f in content.factors),
        **texts,
    )


def content_merge(content: Content, changes: Mapping[str, Any]) -> Content:
    """`content` with `changes` over it, tidied as the services tidy it (DomainError for a
    field that cannot be changed)."""
    unknown = set(changes) - set(CONTENT_FIELDS)
    if unknown:
        raise DomainError({name: ["This cannot be changed"] for name in sorted(unknown)})
    values = dict(changes)
    for name in ("people", "vulnerabilities", "indicators", "factors"):
        if name in values:
            values[name] = tuple(values[name] or ())
    return _normalise(replace(content, **values))
