"""Tests of risk and vulnerabilities assessments: the instrument, the services and their guard
rules, the selectors, the pages and the API. Shared helpers live here rather than in a conftest
so that each test file says what it uses."""

from __future__ import annotations

import datetime as dt
from typing import Any

from mace.assessments.models import Assessment
from mace.assessments.services import (
    IndicatorRecorded,
    PersonInvolved,
    assessment_complete,
    assessment_start,
)
from tests.clock import today as today


def born_aged(age: int, on: dt.date | None = None) -> dt.date:
    """A date of birth that makes a child `age` on `on` (today unless told; their birthday a
    month away)."""
    birthday = (on or today()) + dt.timedelta(days=30)
    try:
        return birthday.replace(year=birthday.year - age - 1)
    except ValueError:  # 29 February
        return (birthday - dt.timedelta(days=1)).replace(year=birthday.year - age - 1)


def seen(
    code: str, days_ago: int = 7, source: str = "observed", note: str = ""
) -> IndicatorRecorded:
    return IndicatorRecorded(code, today() - dt.timedelta(days=days_ago), source, note)


def finishing(**overrides: Any) -> dict[str, Any]:
    """What completing needs besides indicators: people, the child's view, factors, a level and
    a rationale (all fictional)."""
    content: dict[str, Any] = {
        "people": [
            PersonInvolved("Ottoline Fictionalmother", "parent"),
            PersonInvolved("'Big Wiz' (real name not known)", "person_of_concern", "About 25"),
        ],
        "child_view": "Says the older friends are kind to her and buy her food (fictional).",
        "factors": ["11A"],
        "level": "medium",
        "rationale": "Several current indicators and a person of concern; no disclosure yet.",
    }
    content.update(overrides)
    return content


def draft(actor: Any, child: Any, **changes: Any) -> Assessment:
    return assessment_start(actor=actor, child=child, changes=changes)


def completed(actor: Any, child: Any, **changes: Any) -> Assessment:
    """A completed assessment (the indicators default to one current sighting)."""
    on = changes.get("assessed_on") or today()
    changes.setdefault(
        "indicators", [IndicatorRecorded("multiple-phones", on - dt.timedelta(days=7), "observed")]
    )
    assessment = assessment_start(actor=actor, child=child, changes={})
    return assessment_complete(
        actor=actor, assessment=assessment, version=assessment.version, changes=finishing(**changes)
    )
