"""Template helpers for missing episodes: the GOV.UK tag colour for an interview's status, and
how long an episode lasted, as a person would say it."""

from __future__ import annotations

import datetime as dt

from django import template

from mace.missing.choices import InterviewStatus

register = template.Library()

TAG_CLASSES = {
    InterviewStatus.NOT_DUE: "govuk-tag--blue",
    InterviewStatus.DUE: "govuk-tag--yellow",
    InterviewStatus.OVERDUE: "govuk-tag--red",
    InterviewStatus.HELD: "govuk-tag--green",
    InterviewStatus.HELD_LATE: "govuk-tag--orange",
    InterviewStatus.DECLINED: "govuk-tag--grey",
    InterviewStatus.NOT_OFFERED: "govuk-tag--orange",
    InterviewStatus.NOT_APPLICABLE: "govuk-tag--grey",
}


@register.filter
def interview_tag(status: str) -> str:
    return TAG_CLASSES.get(InterviewStatus(status), "govuk-tag--grey")


@register.filter
def interview_label(status: str) -> str:
    return str(InterviewStatus(status).label)


@register.filter
def duration(value: dt.timedelta | None) -> str:
    """2 days 3 hours; 45 minutes."""
    if value is None:
        return ""
    minutes = int(value.total_seconds() // 60)
    days, rest = divmod(minutes, 24 * 60)
    hours, minutes = divmod(rest, 60)
    parts = []
    if days:
        parts.append(f"{days} day{'s' if days != 1 else ''}")
    if hours:
        parts.append(f"{hours} hour{'s' if hours != 1 else ''}")
    if minutes and not days:
        parts.append(f"{minutes} minute{'s' if minutes != 1 else ''}")
    return " ".join(parts) or "under a minute"
