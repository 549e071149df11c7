"""The assessments app's writes, by sub-domain: assessments (starting, changing, completing,
signing off an override; services/assessments.py) and the instrument (revising the tool, putting
a version in force; services/instruments.py). Callers import from here.

What an assessment says lives in mace.assessments.content, the guard rules and their evaluation
in mace.assessments.rules, and the reads in mace.assessments.selectors; the names older callers
took from this module are re-exported below so they keep working."""

from __future__ import annotations

from mace.assessments.content import (
    CONTENT_FIELDS,
    MAX_PEOPLE,
    SCALARS,
    TEXTS,
    Content,
    IndicatorRecorded,
    PersonInvolved,
    content_merge,
)
from mace.assessments.models import ReviewInterval
from mace.assessments.rules import NO_FACTORS, Checked
from mace.assessments.selectors import content_of, summary_of
from mace.assessments.services.assessments import (
    assessment_complete,
    assessment_sign_off,
    assessment_start,
    assessment_update,
    latest_assessment_refresh,
)
from mace.assessments.services.instruments import (
    instrument_errors,
    instrument_put_in_force,
    instrument_revise,
)

# The interval for a level (ReviewInterval.for_level), by the name callers knew.
review_interval = ReviewInterval.for_level

__all__ = [
    "CONTENT_FIELDS",
    "MAX_PEOPLE",
    "NO_FACTORS",
    "SCALARS",
    "TEXTS",
    "Checked",
    "Content",
    "IndicatorRecorded",
    "PersonInvolved",
    "assessment_complete",
    "assessment_sign_off",
    "assessment_start",
    "assessment_update",
    "latest_assessment_refresh",
    "content_merge",
    "content_of",
    "instrument_errors",
    "instrument_put_in_force",
    "instrument_revise",
    "review_interval",
    "summary_of",
]
