"""Reads of missing episodes that are more than a queryset: a child's episodes with their
current grade and interview, the repeat missing rule for many children at once, the dashboard's
lists and the SSDA903 return. Each runs a fixed number of queries, however many rows."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Count, Exists, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from mace.access import policy
from mace.missing.choices import EpisodeType, InterviewStatus
from mace.missing.models import (
    RETURN_INTERVIEW_DUE,
    MissingEpisode,
    RepeatMissingRule,
    ReturnInterview,
    RiskGrading,
    interview_status,
)
from mace.people.models import Child

if TYPE_CHECKING:
    from mace.accounts.models import User


def episodes_shown() -> QuerySet[MissingEpisode]:
    """Episodes with what a list shows: the current grade (annotated, from the latest
    grading), the interview and the recording agency, in one query."""
    latest = RiskGrading.objects.filter(episode=OuterRef("pk")).order_by("-graded_at", "-id")
    return MissingEpisode.objects.select_related(
        "agency", "interview", "interview__interviewer"
    ).annotate(current_grade=Subquery(latest.values("grade")[:1]))


def current_grade_label(episode: MissingEpisode) -> str:
    from mace.missing.choices import RiskGrade

    grade = getattr(episode, "current_grade", None)
    return str(RiskGrade(grade).label) if grade else "Not graded"


def interview_of(episode: MissingEpisode) -> ReturnInterview | None:
    try:
        return episode.interview
    except ReturnInterview.DoesNotExist:
        return None


def status_of(episode: MissingEpisode, now: dt.datetime | None = None) -> InterviewStatus:
    return interview_status(episode, interview_of(episode), now)


# ---------------------------------------------------------------------------------------------
# The repeat missing rule
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RepeatMissing:
    """A child's standing against the repeat missing rule."""

    episodes: int  # episodes that started within the period
    threshold: int
    days: int
    met: bool


def _counted(rule: RepeatMissingRule, now: dt.datetime) -> Q:
    window = Q(started_at__gt=now - dt.timedelta(days=rule.days), started_at__lte=now)
    return window if rule.include_away else window & Q(type=EpisodeType.MISSING)


def with_recent_episodes(
    children: QuerySet[Child],
    *,
    rule: RepeatMissingRule | None = None,
    now: dt.datetime | None = None,
) -> QuerySet[Child]:
    """Annotate each child with `recent_missing_episodes`: how many episodes started within
    the rule's period ending now (one subquery, whatever the number of children)."""
    rule = rule or RepeatMissingRule.current()
    now = now or timezone.now()
    counted = (
        MissingEpisode.objects.filter(_counted(rule, now), child=OuterRef("pk"))
        .order_by()
        .values("child")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return children.annotate(
        recent_missing_episodes=Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))
    )


def children_meeting_repeat_missing(
    children: QuerySet[Child],
    *,
    rule: RepeatMissingRule | None = None,
    now: dt.datetime | None = None,
) -> QuerySet[Child]:
    """The children in `children` who meet the repeat missing rule now, annotated with their
    `recent_missing_episodes`. The MACE criteria ("most vulnerable because of missing
    episodes") build on this."""
    rule = rule or RepeatMissingRule.current()
    annotated = with_recent_episodes(children, rule=rule, now=now)
    return annotated.filter(**{"recent_missing_episodes__gte": rule.episodes})


def repeat_missing_status(
    children: QuerySet[Child] | Iterable[Child | int],
    *,
    rule: RepeatMissingRule | None = None,
    now: dt.datetime | None = None,
) -> dict[int, RepeatMissing]:
    """Each child's standing against the rule, by child id: two queries (the rule and one
    aggregate), however many children. Children with no recent episode are included."""
    rule = rule or RepeatMissingRule.current()
    now = now or timezone.now()
    if isinstance(children, QuerySet):
        ids_filter = Q(child__in=children.values("pk"))
        known: list[int] | None = None
    else:
        known = [c if isinstance(c, int) else c.pk for c in children]
        ids_filter = Q(child_id__in=known)
    counts = dict(
        MissingEpisode.objects.filter(ids_filter, _counted(rule, now))
        .order_by()
        .values("child_id")
        .annotate(n=Count("pk"))
        .values_list("child_id", "n")
    )
    ids = known if known is not None else list(counts)
    return {
        child_id: RepeatMissing(
            episodes=counts.get(child_id, 0),
            threshold=rule.episodes,
            days=rule.days,
            met=counts.get(child_id, 0) >= rule.episodes,
        )
        for child_id in ids
    }


# ---------------------------------------------------------------------------------------------
# The child's page
# ---------------------------------------------------------------------------------------------


@dataclass
class ChildMissingSummary:
    episodes: list[MissingEpisode]  # the latest few, newest first
    total: int
    open: int
    repeat: RepeatMissing

    @property
    def rows(self) -> list[dict[str, object]]:
        """What a table of episodes shows for each: the episode, its grade, its interview."""
        return episode_rows(self.episodes)


def episode_rows(episodes: Iterable[MissingEpisode]) -> list[dict[str, object]]:
    now = timezone.now()
    return [
        {"episode": e, "grade": current_grade_label(e), "status": status_of(e, now)}
        for e in episodes
    ]


def child_missing_summary(child: Child, *, limit: int = 5) -> ChildMissingSummary:
    """What the child's page shows about missing: the latest episodes, how many in all, and the
    repeat missing flag. Three queries, however long the child's history."""
    rule = RepeatMissingRule.current()
    now = timezone.now()
    counts = MissingEpisode.objects.filter(child=child).aggregate(
        total=Count("pk"),
        open=Count("pk", filter=Q(ended_at__isnull=True)),
        recent=Count("pk", filter=_counted(rule, now)),
    )
    episodes = list(episodes_shown().filter(child=child).order_by("-started_at", "-id")[:limit])
    recent = counts["recent"] or 0
    return ChildMissingSummary(
        episodes=episodes,
        total=counts["total"] or 0,
        open=counts["open"] or 0,
        repeat=RepeatMissing(
            episodes=recent, threshold=rule.episodes, days=rule.days, met=recent >= rule.episodes
        ),
    )


# ---------------------------------------------------------------------------------------------
# The dashboard
# ---------------------------------------------------------------------------------------------


def overdue_interviews(
    user: User, *, limit: int = 10, now: dt.datetime | None = None
) -> list[MissingEpisode]:
    """Return home interviews overdue (72 hours or more since the return, not held) on episodes
    the user's agency recorded or where the user is the interviewer, for children the user
    may see; the longest overdue first. Two reads, each from an index of the episodes whose
    interview is still owed (interview_owed): the agency's, and the user's own as interviewer."""
    now = now or timezone.now()
    overdue = MissingEpisode.objects.filter(
        interview_owed=True,
        ended_at__lte=now - RETURN_INTERVIEW_DUE,
        child__in=Child.objects.visible_to(user),
    ).order_by("ended_at", "id")
    reads = [overdue.filter(interview__interviewer=user)]
    if user.agency_id is not None:
        reads.insert(0, overdue.filter(agency_id=user.agency_id))
    found = {
        episode.pk: episode
        for read in reads
        for episode in read.select_related("child", "agency")[:limit]
    }
    return sorted(found.values(), key=lambda e: (e.ended_at, e.pk))[:limit]


def repeat_missing_children(
    user: User, *, limit: int = 10, now: dt.datetime | None = None
) -> list[Child]:
    """Children the user's agency works with who meet the repeat missing rule, most episodes
    first (annotated with recent_missing_episodes). Read from the episodes within the rule's
    period (an index on when they started) for the agency's caseload, never child by child."""
    rule = RepeatMissingRule.current()
    now = now or timezone.now()
    ours = policy.caseload(user).filter(child_id=OuterRef("child_id"))
    meeting = list(
        MissingEpisode.objects.filter(_counted(rule, now), Exists(ours))
        .order_by()
        .values("child_id")
        .annotate(n=Count("pk"))
        .filter(n__gte=rule.episodes)
        .values_list("child_id", flat=True)
    )
    # Those who meet it are a few in a hundred of the caseload: read them by id.
    return list(
        with_recent_episodes(Child.objects.filter(pk__in=meeting), rule=rule, now=now).order_by(
            *["-recent_missing_episodes", "surname", "forename", "pk"]
        )[:limit]
    )
