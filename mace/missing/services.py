"""What practitioners do about a child who goes missing: record the episode, grade and regrade
its risk, close or correct it, and record the return home interview. Each service asks the
access policy, validates (DomainError with field errors), writes, keeps the chronology in step
and involves the actor's agency."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from mace.access import policy
from mace.core.bounds import date_errors, event_date_problem
from mace.core.concurrency import ConflictError, differs, require_version, save_versioned
from mace.core.errors import DomainError, require
from mace.core.templatetags.govuk import gov_date, gov_datetime
from mace.missing.choices import EpisodeEnd, EpisodeType, RiskGrade, YesNoNA
from mace.missing.models import (
    MissingEpisode,
    RepeatMissingRule,
    ReturnInterview,
    RiskGrading,
    derived_start,
    interview_done,
)
from mace.people.choices import EntryKind, InvolvementReason
from mace.people.models import Child
from mace.people.services import chronology_add, involvement_ensure

if TYPE_CHECKING:
    from mace.accounts.models import User
    from mace.reference.models import Agency

# Text limits: a list item is a factor, a name or a place, not an essay; a list is bounded so
# that it stays something a reader can take in.
MAX_ITEM = 200
MAX_ITEMS = 50
MAX_POLICE_REFERENCE = 40


def normalise_police_reference(value: str) -> str:
    return " ".join((value or "").split()).upper()


# What a practitioner may set on an episode (the service works out started_at).
EPISODE_FIELDS: dict[str, str] = {
    "type": "type",
    "left_at": "when the child left",
    "last_seen_at": "when last seen",
    "ended_at": "when found or returned",
    "end_reason": "how it ended",
    "found_where": "where found",
    "found_with": "with whom found",
    "reported_by": "who reported it",
    "reported_by_agency": "reporting agency",
    "reported_at": "when reported",
    "police_reference": "police reference",
    "looked_after": "whether looked after",
}


def _clean_episode(values: dict[str, Any]) -> dict[str, Any]:
    for name in ("found_where", "found_with", "reported_by", "end_reason", "type"):
        values[name] = (values.get(name) or "").strip()
    values["police_reference"] = normalise_police_reference(values.get("police_reference") or "")
    values["looked_after"] = bool(values.get("looked_after"))
    return values


def episode_rule_errors(values: Mapping[str, Any], *, dob: dt.date | None) -> dict[str, list[str]]:
    """The rules an episode meets on its own, whether recorded, corrected, closed or imported:
    everything but the rules that compare it with other records (a police reference already
    used, an overlapping episode). `values` are cleaned (_clean_episode); `dob` is the child's.
    When a moment is out of bounds only that is said: it cannot be compared safely."""
    errors = _moment_errors(values)
    if errors.keys() - {"type"}:
        return errors
    now = timezone.now()
    left_at, last_seen_at = values.get("left_at"), values.get("last_seen_at")
    start = derived_start(left_at, last_seen_at)
    for name, moment, what in (
        ("left_at", left_at, "when the child left"),
        ("last_seen_at", last_seen_at, "when the child was last seen"),
    ):
        if moment is not None and moment > now:
            errors[name] = [f"The time {what} must be in the past"]
    if start is None:
        errors["left_at"] = ["Enter when the child left, when they were last seen, or both"]
    elif dob is not None and timezone.localtime(start).date() <= dob:
        # The SSDA903 rule (586) refuses a start on the date of birth as well as before it.
        errors.setdefault("left_at", []).append(
            f"The episode must start after the child's date of birth ({gov_date(dob)})"
        )
    ended_at, end_reason = values.get("ended_at"), values.get("end_reason") or ""
    if ended_at is not None:
        if ended_at > now:
            errors["ended_at"] = ["The time the child was found or returned must be in the past"]
        elif start is not None and ended_at < start:
            errors["ended_at"] = [
                "The time the child was found or returned must be after the episode started "
                f"({gov_datetime(start)})"
            ]
        if end_reason not in EpisodeEnd.values:
            errors["end_reason"] = ["Say whether the child was found or returned"]
    else:
        if end_reason:
            errors["end_reason"] = [
                "Enter when the child was found or returned, or leave how it ended blank"
            ]
        if values.get("found_where") or values.get("found_with"):
            errors.setdefault("ended_at", []).append(
                "Enter when the child was found or returned before where and with whom"
            )
    reported_at = values.get("reported_at")
    if reported_at is not None and reported_at > now:
        errors["reported_at"] = ["The time it was reported must be in the past"]
    for name, limit in (("found_where", 300), ("found_with", 300), ("reported_by", 200)):
        if len(values.get(name) or "") > limit:
            errors[name] = [f"This must be {limit} characters or fewer"]
    reference = values.get("police_reference") or ""
    if len(reference) > MAX_POLICE_REFERENCE:
        errors["police_reference"] = [
            f"A police reference must be {MAX_POLICE_REFERENCE} characters or fewer"
        ]
    return errors


def _moment_errors(values: Mapping[str, Any]) -> dict[str, list[str]]:
    errors = date_errors(
        events={
            name: (values.get(name), f"The time {what}")
            for name, what in (
                ("left_at", "the child left"),
                ("last_seen_at", "the child was last seen"),
                ("ended_at", "the child was found or returned"),
                ("reported_at", "it was reported"),
            )
        }
    )
    if values["type"] not in EpisodeType.values:
        errors["type"] = ["Choose whether the child was missing or away without authorisation"]
    return errors


def overlaps_checked(values: Mapping[str, Any], errors: Mapping[str, list[str]]) -> bool:
    """Whether the episode is sound enough to be compared with the child's others."""
    start = derived_start(values.get("left_at"), values.get("last_seen_at"))
    return (
        start is not None
        and not (_moment_errors(values).keys() - {"type"})
        and "ended_at" not in errors
        and not errors.get("left_at")
    )


def overlap_message(started_at: dt.datetime, ended_at: dt.datetime | None) -> str:
    """What an episode that overlaps another of the child's is told (the other one's times)."""
    until = f"until {gov_datetime(ended_at)}" if ended_at else "and is still open"
    return (
        "This overlaps another episode for this child, which started "
        f"{gov_datetime(started_at)} {until}. Correct that one first"
    )


def _episode_errors(
    *, child: Child, agency: Agency, values: Mapping[str, Any], exclude_pk: int | None = None
) -> dict[str, list[str]]:
    """Every rule an episode meets: its own (episode_rule_errors), a police reference the agency
    has not used for another episode, and no overlap with the child's other episodes."""
    errors = episode_rule_errors(values, dob=child.dob)
    if _moment_errors(values).keys() - {"type"}:
        # A moment out of bounds (year 1) cannot be compared or moved into UK time safely.
        return errors
    reference = values.get("police_reference") or ""
    if reference and "police_reference" not in errors:
        clash = MissingEpisode.objects.filter(agency=agency, police_reference=reference)
        if exclude_pk is not None:
            clash = clash.exclude(pk=exclude_pk)
        if clash.exists():
            errors["police_reference"] = [
                f"{agency} has already recorded an episode with police reference {reference}"
            ]
    if overlaps_checked(values, errors):
        start = derived_start(values.get("left_at"), values.get("last_seen_at"))
        assert start is not None
        overlapping = _overlapping(child, start, values.get("ended_at"), exclude_pk)
        if overlapping is not None:
            errors["__all__"] = [overlap_message(overlapping.started_at, overlapping.ended_at)]
    return errors


def _overlapping(
    child: Child, start: dt.datetime, end: dt.datetime | None, exclude_pk: int | None
) -> MissingEpisode | None:
    """Another episode of the child that shares any moment with [start, end); an open episode
    runs on for ever. Episodes may touch: one can start the moment the last one ended."""
    others = MissingEpisode.objects.filter(child=child).filter(
        Q(ended_at__isnull=True) | Q(ended_at__gt=start)
    )
    if end is not None:
        others = others.filter(started_at__lt=end)
    if exclude_pk is not None:
        others = others.exclude(pk=exclude_pk)
    return others.order_by("started_at").first()


def _lock_child(child: Child) -> None:
    # Two episodes recorded for one child at once could each pass the overlap check; taking the
    # child's row lock first serialises them on PostgreSQL (SQLite lets one writer in anyway).
    Child.objects.select_for_update().filter(pk=child.pk).values_list("pk", flat=True).first()


def _type_label(type_: str) -> str:
    return (
        "missing" if type_ == EpisodeType.MISSING else "away from placement without authorisation"
    )


@transaction.atomic
def episode_record(
    *,
    actor: User,
    child: Child,
    type: str,
    left_at: dt.datetime | None = None,
    last_seen_at: dt.datetime | None = None,
    reported_at: dt.datetime | None = None,
    reported_by: str = "",
    reported_by_agency: Agency | None = None,
    police_reference: str = "",
    looked_after: bool = False,
    ended_at: dt.datetime | None = None,
    end_reason: str = "",
    found_where: str = "",
    found_with: str = "",
    risk_grade: str = "",
    risk_reason: str = "",
    source: str = "",
) -> MissingEpisode:
    """Record an episode: it starts at the later of leaving and being last seen, and may be
    recorded already ended. A first risk grade may be given. The episode goes on the child's
    chronology, involves the actor's agency and, if it makes the child meet the repeat missing
    rule, says so on the chronology too. `source` says where it came from (an import)."""
    require(
        policy.can_record_missing(actor, child), "You cannot record missing episodes for this child"
    )
    assert actor.agency is not None
    _lock_child(child)
    values = _clean_episode(
        {
            "type": type,
            "left_at": left_at,
            "last_seen_at": last_seen_at,
            "ended_at": ended_at,
            "end_reason": end_reason,
            "found_where": found_where,
            "found_with": found_with,
            "reported_by": reported_by,
            "reported_by_agency": reported_by_agency,
            "reported_at": reported_at,
            "police_reference": police_reference,
            "looked_after": looked_after,
        }
    )
    errors = _episode_errors(child=child, agency=actor.agency, values=values)
    if risk_grade and risk_grade not in RiskGrade.values:
        errors["risk_grade"] = ["Choose a risk grade from the list"]
    if errors:
        raise DomainError(errors)
    before = _recent_count(child, timezone.now())
    episode = MissingEpisode(child=child, agency=actor.agency, recorded_by=actor, **values)
    episode._history_user = actor  # type: ignore[attr-defined]
    episode.save()
    involvement_ensure(
        actor=actor, child=child, agency=actor.agency, reason=InvolvementReason.RECORDED
    )
    _chronicle(actor, child, recorded_entry(episode, actor.agency, source=source))
    if risk_grade:
        _grading_add(
            actor=actor,
            episode=episode,
            grade=risk_grade,
            graded_at=first_grading_time(episode),
            reason=risk_reason.strip() or "First grading",
            chronicle=False,
        )
    if episode.ended_at is not None:
        _chronicle(actor, child, ended_entry(episode))
    rule = RepeatMissingRule.current()
    after = _recent_count(child, timezone.now(), rule)
    if before < rule.episodes <= after:
        _chronicle(actor, child, repeat_rule_entry(after, rule))
    _criteria_refresh(child)
    return episode


def _criteria_refresh(child: Child) -> None:
    """Whether the child meets the MACE criteria depends on their episodes (the repeat rule, and
    an episode while assessed at medium or high risk)."""
    from mace.criteria.services import eligibility_refresh

    eligibility_refresh(child_ids=[child.pk])


def first_grading_time(episode: MissingEpisode) -> dt.datetime:
    """A first grade is given when the episode is reported (never before it starts)."""
    reported = episode.reported_at
    return (
        reported if reported is not None and reported >= episode.started_at else episode.started_at
    )


# What goes on the child's chronology. The single-episode services and the police import
# (mace.missing.imports) write the same entries from these, so a child's chronology reads the
# same however an episode arrived.


@dataclass(frozen=True)
class EntryText:
    """A chronology entry's words and when it happened (None: when it is written)."""

    title: str
    body: str = ""
    occurred_at: dt.datetime | None = None
    kind: str = EntryKind.MISSING_EPISODE


def _chronicle(actor: User, child: Child, entry: EntryText) -> None:
    chronology_add(
        actor=actor,
        child=child,
        kind=entry.kind,
        title=entry.title,
        body=entry.body,
        occurred_at=entry.occurred_at,
    )


def import_source(filename: str) -> str:
    """The note on an imported episode's entry that says which file it came from."""
    return f"Imported from the police file {filename[:120]}."


def recorded_entry(episode: MissingEpisode, agency: Agency, *, source: str = "") -> EntryText:
    """An episode was recorded (or imported: `source` says from where)."""
    what = "Missing" if episode.type == EpisodeType.MISSING else "Away without authorisation"
    title = f"{what} from {gov_datetime(episode.started_at)}, recorded by {agency}"
    return EntryText(
        title=title[:200],
        body=_episode_summary(episode, source=source),
        occurred_at=episode.started_at,
    )


def _episode_summary(episode: MissingEpisode, *, source: str = "") -> str:
    lines = [f"Type: {episode.get_type_display()}."]
    if episode.left_at:
        lines.append(f"Left: {gov_datetime(episode.left_at)}.")
    if episode.last_seen_at:
        lines.append(f"Last seen: {gov_datetime(episode.last_seen_at)}.")
    if episode.reported_by or episode.reported_at:
        who = episode.reported_by or "Reported"
        when = f" at {gov_datetime(episode.reported_at)}" if episode.reported_at else ""
        lines.append(f"Reported by {who}{when}." if episode.reported_by else f"Reported{when}.")
    if episode.police_reference:
        lines.append(f"Police reference: {episode.police_reference}.")
    lines.append("Looked after." if episode.looked_after else "Not looked after.")
    if source:
        lines.append(source)
    return " ".join(lines)


def ended_entry(episode: MissingEpisode) -> EntryText:
    """The child was found or returned: where, with whom, and when the interview is due."""
    assert episode.ended_at is not None
    how = "Found" if episode.end_reason == EpisodeEnd.FOUND else "Returned"
    body = " ".join(
        part
        for part in (
            f"Where: {episode.found_where}." if episode.found_where else "",
            f"With: {episode.found_with}." if episode.found_with else "",
            "A return home interview is due by "
            f"{gov_datetime(episode.interview_due_at)} (within 72 hours).",
        )
        if part
    )
    return EntryText(
        title=f"{how}: missing episode from {gov_datetime(episode.started_at)} ended"[:200],
        body=body,
        occurred_at=episode.ended_at,
    )


def corrected_entry(
    episode: MissingEpisode, agency: Agency, fields: Iterable[str], *, closing: bool
) -> EntryText | None:
    """An episode was corrected: which details changed (those of closing it are said by
    ended_entry when it was closed). None when closing it is all that changed."""
    rest = [EPISODE_FIELDS[n] for n in fields if not (closing and n in _CLOSING_FIELDS)]
    if not rest:
        return None
    return EntryText(
        title=(
            f"Missing episode from {gov_datetime(episode.started_at)} corrected by "
            f"{agency}: " + ", ".join(rest)
        )[:200]
    )


def graded_entry(
    episode: MissingEpisode,
    agency: Agency,
    *,
    grade: str,
    graded_at: dt.datetime,
    reason: str,
    regrading: bool,
) -> EntryText:
    """The episode's risk was graded (its first grade given later) or regraded."""
    verb = "regraded" if regrading else "graded"
    return EntryText(
        title=(
            f"Risk {verb} {RiskGrade(grade).label.lower()} by {agency} "
            f"(missing episode from {gov_datetime(episode.started_at)})"
        )[:200],
        body=reason,
        occurred_at=graded_at,
    )


def repeat_rule_entry(after: int, rule: RepeatMissingRule) -> EntryText:
    """The child has just come to meet the repeat missing rule, with `after` episodes in the
    period: the moment a strategy discussion and MACE consideration become due."""
    return EntryText(
        title=(
            f"Repeat missing: {after} episodes in the last {rule.days} days "
            f"(the rule is {rule.episodes})"
        ),
        body=(
            "The child meets the repeat missing rule. Hold a strategy discussion and "
            "consider the child for MACE."
        ),
    )


def _recent_count(child: Child, now: dt.datetime, rule: RepeatMissingRule | None = None) -> int:
    rule = rule or RepeatMissingRule.current()
    episodes = MissingEpisode.objects.filter(
        child=child, started_at__gt=now - dt.timedelta(days=rule.days), started_at__lte=now
    )
    if not rule.include_away:
        episodes = episodes.filter(type=EpisodeType.MISSING)
    return episodes.count()


@transaction.atomic
def episode_update(
    *, actor: User, episode: MissingEpisode, version: int, changes: Mapping[str, Any]
) -> MissingEpisode:
    """Close or correct an episode, if nobody else changed it since the practitioner loaded it
    at `version` (ConflictError otherwise; nothing is written). `changes` holds only the fields
    being changed. Closing it (setting when the child was found or returned) starts the 72 hours
    for the return home interview."""
    child = episode.child
    require(
        policy.can_record_missing(actor, child), "You cannot change this child's missing episodes"
    )
    assert actor.agency is not None
    unknown = set(changes) - set(EPISODE_FIELDS)
    if unknown:
        raise DomainError({name: ["This cannot be changed"] for name in sorted(unknown)})
    _lock_child(child)
    merged: dict[str, Any] = {name: getattr(episode, name) for name in EPISODE_FIELDS}
    merged.update(changes)
    merged = _clean_episode(merged)
    errors = _episode_errors(
        child=child, agency=episode.agency, values=merged, exclude_pk=episode.pk
    )
    interview = ReturnInterview.objects.filter(episode=episode).first()
    if (
        interview is not None
        and "ended_at" not in errors
        and (problem := interview_end_problem(merged["ended_at"], interview.held_at))
    ):
        errors["ended_at"] = [problem]
    if errors:
        raise DomainError(errors)
    fields = {name: value for name, value in merged.items() if differs(episode, name, value)}
    if not fields:
        require_version(episode, version)
        return episode
    closing = episode.ended_at is None and fields.get("ended_at") is not None
    saved = save_versioned(
        MissingEpisode.objects.filter(child=child),
        episode.pk,
        version,
        history_user=actor,
        **fields,
    )
    involvement_ensure(
        actor=actor, child=child, agency=actor.agency, reason=InvolvementReason.RECORDED
    )
    if closing:
        _chronicle(actor, child, ended_entry(saved))
    if corrected := corrected_entry(saved, actor.agency, fields, closing=closing):
        _chronicle(actor, child, corrected)
    if {"left_at", "last_seen_at", "type"} & set(changes):
        _criteria_refresh(saved.child)
    return saved


_CLOSING_FIELDS = {"ended_at", "end_reason", "found_where", "found_with"}


def interview_end_problem(ended_at: dt.datetime | None, held_at: dt.datetime | None) -> str | None:
    """What is wrong with the end of an episode that has a return interview (held at `held_at`,
    or not yet held): it cannot be reopened, nor end after the interview was held."""
    if ended_at is None:
        return "A return interview is recorded for this episode, so it cannot be reopened"
    if held_at is not None and ended_at > held_at:
        return f"The return interview was held at {gov_datetime(held_at)}, before this time"
    return None


def episode_close(
    *,
    actor: User,
    episode: MissingEpisode,
    version: int,
    ended_at: dt.datetime | None,
    end_reason: str,
    found_where: str = "",
    found_with: str = "",
) -> MissingEpisode:
    """The child was found or returned."""
    if ended_at is None:
        raise DomainError({"ended_at": ["Enter when the child was found or returned"]})
    return episode_update(
        actor=actor,
        episode=episode,
        version=version,
        changes={
            "ended_at": ended_at,
            "end_reason": end_reason,
            "found_where": found_where,
            "found_with": found_with,
        },
    )


@transaction.atomic
def risk_grade_record(
    *,
    actor: User,
    episode: MissingEpisode,
    grade: str,
    graded_at: dt.datetime | None = None,
    reason: str = "",
) -> RiskGrading:
    """Grade or regrade the episode's risk. Gradings are never changed: each regrading is a new
    row with when, by whom and why, and the latest is the current grade."""
    require(
        policy.can_record_missing(actor, episode.child),
        "You cannot grade this child's missing episodes",
    )
    graded_at = graded_at or timezone.now()
    errors: dict[str, list[str]] = {}
    if grade not in RiskGrade.values:
        errors["grade"] = ["Choose a risk grade from the list"]
    if problem := event_date_problem(graded_at, name="The time of the grading"):
        errors["graded_at"] = [problem]
    elif graded_at > timezone.now():
        errors["graded_at"] = ["The time of the grading must be in the past"]
    elif graded_at < episode.started_at:
        errors["graded_at"] = [
            f"The grading must be after the episode started ({gov_datetime(episode.started_at)})"
        ]
    elif episode.ended_at is not None and graded_at > episode.ended_at:
        errors["graded_at"] = [
            "The grading must be before the child was found or returned "
            f"({gov_datetime(episode.ended_at)})"
        ]
    regrading = RiskGrading.objects.filter(episode=episode).exists()
    if regrading and not reason.strip():
        errors["reason"] = ["Enter why the risk was regraded"]
    if len(reason) > 2000:
        errors["reason"] = ["The reason must be 2,000 characters or fewer"]
    if errors:
        raise DomainError(errors)
    return _grading_add(
        actor=actor,
        episode=episode,
        grade=grade,
        graded_at=graded_at,
        reason=reason.strip() or "First grading",
        chronicle=True,
        regrading=regrading,
    )


def _grading_add(
    *,
    actor: User,
    episode: MissingEpisode,
    grade: str,
    graded_at: dt.datetime,
    reason: str,
    chronicle: bool,
    regrading: bool = False,
) -> RiskGrading:
    assert actor.agency is not None
    grading = RiskGrading.objects.create(
        episode=episode,
        grade=grade,
        graded_at=graded_at,
        graded_by=actor,
        agency=actor.agency,
        reason=reason,
    )
    if chronicle:
        involvement_ensure(
            actor=actor,
            child=episode.child,
            agency=actor.agency,
            reason=InvolvementReason.RECORDED,
        )
        entry = graded_entry(
            episode,
            actor.agency,
            grade=grade,
            graded_at=graded_at,
            reason=reason,
            regrading=regrading,
        )
        _chronicle(actor, episode.child, entry)
    return grading


# What the return home interview holds, as the service takes it.
INTERVIEW_FIELDS: dict[str, str] = {
    "offered": "offered",
    "accepted": "accepted",
    "held_at": "when held",
    "interviewer": "interviewer",
    "independent": "whether independent",
    "child_account": "what the child said",
    "push_factors": "push factors",
    "pull_factors": "pull factors",
    "people_named": "people named",
    "places_named": "places named",
    "actions_agreed": "actions agreed",
}
LIST_FIELDS = ("push_factors", "pull_factors", "people_named", "places_named")


def _clean_list(items: Iterable[str] | None) -> list[str]:
    return [" ".join(str(item).split()) for item in (items or []) if str(item).strip()]


def _interview_errors(episode: MissingEpisode, values: Mapping[str, Any]) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if episode.ended_at is None:
        errors["__all__"] = [
            "Record when the child was found or returned first: the interview follows the return"
        ]
    offered, accepted = values["offered"], values["accepted"]
    if offered not in YesNoNA.values:
        errors["offered"] = ["Say whether the child was offered a return home interview"]
    elif offered == YesNoNA.YES:
        if accepted not in ("", YesNoNA.YES, YesNoNA.NO):
            errors["accepted"] = ["Say whether the child accepted the interview"]
    elif accepted not in ("", YesNoNA.NOT_APPLICABLE):
        errors["accepted"] = ["The child cannot accept an interview that was not offered"]
    held_at = values["held_at"]
    if held_at is not None:
        if accepted != YesNoNA.YES:
            errors.setdefault("accepted", []).append(
                "An interview can only be held if the child accepted it"
            )
        if problem := event_date_problem(held_at, name="The time the interview was held"):
            errors["held_at"] = [problem]
        elif held_at > timezone.now():
            errors["held_at"] = ["The time the interview was held must be in the past"]
        elif episode.ended_at is not None and held_at < episode.ended_at:
            errors["held_at"] = [
                "The interview must be after the child was found or returned "
                f"({gov_datetime(episode.ended_at)})"
            ]
        if values["interviewer"] is None:
            errors["interviewer"] = ["Choose who held the interview"]
        if values["independent"] is None:
            errors["independent"] = [
                "Say whether the interviewer was independent of the child's care"
            ]
        if not values["child_account"]:
            errors["child_account"] = [
                "Enter what the child said, or that they chose not to talk about it"
            ]
    interviewer = values["interviewer"]
    if interviewer is not None and not (
        interviewer.is_active and policy.sees_case_content(interviewer)
    ):
        errors["interviewer"] = ["Choose someone who works with children's records"]
    for name in LIST_FIELDS:
        items = values[name]
        if len(items) > MAX_ITEMS:
            errors[name] = [f"List at most {MAX_ITEMS}"]
        elif any(len(item) > MAX_ITEM for item in items):
            errors[name] = [f"Each one must be {MAX_ITEM} characters or fewer"]
    return errors


@transaction.atomic
def interview_save(
    *,
    actor: User,
    episode: MissingEpisode,
    version: int | None,
    offered: str,
    accepted: str = "",
    held_at: dt.datetime | None = None,
    interviewer: User | None = None,
    independent: bool | None = None,
    child_account: str = "",
    push_factors: Iterable[str] = (),
    pull_factors: Iterable[str] = (),
    people_named: Iterable[str] = (),
    places_named: Iterable[str] = (),
    actions_agreed: str = "",
) -> ReturnInterview:
    """Record the return home interview, or change it. The first save takes `version=None`;
    later ones the version the practitioner loaded (ConflictError if someone saved since, or if
    an interview was recorded while they typed a new one). When an interview is first recorded
    as held it goes on the chronology; other changes are noted there too."""
    child = episode.child
    require(
        policy.can_record_missing(actor, child),
        "You cannot record return interviews for this child",
    )
    assert actor.agency is not None
    values: dict[str, Any] = {
        "offered": (offered or "").strip().upper(),
        "accepted": (accepted or "").strip().upper(),
        "held_at": held_at,
        "interviewer": interviewer,
        "independent": independent,
        "child_account": (child_account or "").strip(),
        "push_factors": _clean_list(push_factors),
        "pull_factors": _clean_list(pull_factors),
        "people_named": _clean_list(people_named),
        "places_named": _clean_list(places_named),
        "actions_agreed": (actions_agreed or "").strip(),
    }
    if values["offered"] in (YesNoNA.NO, YesNoNA.NOT_APPLICABLE) and not values["accepted"]:
        values["accepted"] = YesNoNA.NOT_APPLICABLE
    existing = ReturnInterview.objects.filter(episode=episode).first()
    if existing is not None and version is None:
        # Someone recorded the interview while this person was typing theirs.
        raise ConflictError(existing)
    if existing is None and version is not None:
        raise DomainError({"version": ["There is no interview to change: send no version"]})
    errors = _interview_errors(episode, values)
    if errors:
        raise DomainError(errors)
    was_held = existing is not None and existing.held_at is not None
    if existing is None:
        interview = ReturnInterview(
            episode=episode, agency=actor.agency, recorded_by=actor, **values
        )
        interview._history_user = actor  # type: ignore[attr-defined]
        interview.save()
        changed = list(INTERVIEW_FIELDS)
    else:
        assert version is not None
        fields = {name: value for name, value in values.items() if differs(existing, name, value)}
        if not fields:
            require_version(existing, version)
            return existing
        interview = save_versioned(
            ReturnInterview.objects.filter(episode=episode),
            existing.pk,
            version,
            history_user=actor,
            **fields,
        )
        changed = list(fields)
    interviews_owed_refresh(MissingEpisode.objects.filter(pk=episode.pk))
    involvement_ensure(
        actor=actor, child=child, agency=actor.agency, reason=InvolvementReason.RECORDED
    )
    _chronicle_interview(
        actor,
        interview,
        newly_held=not was_held and interview.held_at is not None,
        changed=changed,
        created=existing is None,
    )
    return interview


def _chronicle_interview(
    actor: User, interview: ReturnInterview, *, newly_held: bool, changed: list[str], created: bool
) -> None:
    episode = interview.episode
    since = f"missing episode from {gov_datetime(episode.started_at)}"
    if newly_held:
        assert interview.held_at is not None and interview.interviewer is not None
        due = episode.interview_due_at
        on_time = "within 72 hours" if due and interview.held_at <= due else "after 72 hours"
        independent = "independent" if interview.independent else "not independent"
        title = (
            f"Return home interview held {on_time} by {interview.interviewer.display_name} "
            f"({independent}), after the {since}"
        )
        body = f"Actions agreed: {interview.actions_agreed}" if interview.actions_agreed else ""
        occurred_at = interview.held_at
    elif created:
        title = (
            f"Return home interview recorded by {actor.agency}: offered "
            f"{interview.get_offered_display().lower()}"
            + (
                f", accepted {interview.get_accepted_display().lower()}"
                if interview.accepted
                else ""
            )
            + f" ({since})"
        )
        body = ""
        occurred_at = timezone.now()
    else:
        title = (
            f"Return home interview changed by {actor.agency}: "
            + ", ".join(INTERVIEW_FIELDS[name] for name in changed)
            + f" ({since})"
        )
        body = ""
        occurred_at = timezone.now()
    chronology_add(
        actor=actor,
        child=episode.child,
        kind=EntryKind.RETURN_INTERVIEW,
        title=title[:200],
        body=body,
        occurred_at=occurred_at,
    )


def interviews_owed_refresh(episodes: QuerySet[MissingEpisode]) -> int:
    """Keep each episode's `interview_owed` in step with its interview (one UPDATE, however
    many episodes): owed until an interview is held, declined, or recorded as not applicable or
    not offered. Called whenever an interview is written, and by anything that writes
    interviews in bulk (the demo data, the migration that added the field)."""
    done = ReturnInterview.objects.filter(episode=OuterRef("pk")).filter(interview_done())
    return episodes.update(interview_owed=~Exists(done))
