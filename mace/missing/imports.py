"""Bulk import of missing episodes from a police CSV (the column layout is in docs/missing.md).

The rules:
- Checked whole before anything is written: the file is read once, row by row (never whole into
  memory), and every row is checked against the same rules as an episode recorded by hand. If
  any row is rejected, nothing in the file is written, and the report lists every rejected row
  with every reason.
- Children are matched by one exact identifier (the MACE reference, an NHS number or a police
  reference); a child is never created from the file. A row for an identifier nobody has, or
  for a child the importer's agency does not work with, is rejected with the reason.
- Idempotent by police reference per reporting agency (the importer's agency): a row whose
  episode is already recorded and unchanged changes nothing; one whose details changed (the
  child has since been found, say) updates the episode under the same rules as a person's
  correction, and the chronology says what changed. Re-importing the same file changes nothing.
- Written in batches once the whole file has passed, each batch in a short transaction of its
  own (set-based: bulk inserts, COPY on PostgreSQL, one UPDATE a table for changes, one write to
  the change log per batch), so that the audit logs' heads are never held for more than a
  moment. A failure part way (a crash, or
  someone changing one of the children's episodes while the file was being written) leaves the
  earlier batches written; importing the same file again finishes it, because the rows already
  written are unchanged and skipped.
- Each episode is on the child's chronology with the same entries as one recorded by hand
  (mace.missing.services writes the words for both), noting the file it came from; the
  importer's agency becomes involved with the child; the change log says who changed what; and
  the MACE eligibility of the children given an episode within the criteria's window is
  refreshed once at the end (nobody's when nothing was written)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import cache
from typing import IO, TYPE_CHECKING, Any

from django.db import IntegrityError, models, transaction
from django.utils import timezone

from mace.access import chain, policy
from mace.access.changes import bulk_change_events
from mace.access.choices import AccessAction, AccessOutcome
from mace.access.models import AccessEvent
from mace.core import bulk
from mace.core.bounds import event_date_problem
from mace.core.errors import Refused
from mace.core.requestid import current_request_id
from mace.missing import services
from mace.missing.choices import EpisodeEnd, EpisodeType, RiskGrade
from mace.missing.models import (
    MissingEpisode,
    RepeatMissingRule,
    ReturnInterview,
    RiskGrading,
    derived_start,
)
from mace.people.choices import IdentifierType, InvolvementReason
from mace.people.identifiers import nhs_number_error, normalise_nhs_number
from mace.people.models import AgencyInvolvement, Child, ChildIdentifier, ChronologyEntry
from mace.people.services import normalise_identifier

if TYPE_CHECKING:
    from mace.accounts.models import User
    from mace.reference.models import Agency

# What the web page takes in one upload (the request must finish within the web server's
# timeout). The command reads a file of any size from disk.
MAX_UPLOAD_BYTES = 20 * 1024 * 1024
# Rows written per transaction. Each batch costs a fixed number of queries.
BATCH_ROWS = 2000
MAX_BATCH_ROWS = 5000
# Values per `IN (...)` lookup: within SQLite's and PostgreSQL's limits on parameters.
LOOKUP_CHUNK = 2000

COLUMNS: dict[str, str] = {
    "police_reference": "The police reference for the episode (required; unique per force)",
    "child_identifier_type": "mace, nhs or police",
    "child_identifier": "The identifier: MACE-0000123, an NHS number, or a police reference",
    "type": "M (missing, whereabouts unknown) or A (away without authorisation)",
    "left_at": "When the child left",
    "last_seen_at": "When the child was last seen",
    "reported_at": "When the child was reported missing",
    "reported_by": "Who reported it (name or role)",
    "risk_grade": "very_low, low, medium or high",
    "looked_after": "Y or N (blank means N)",
    "ended_at": "When found or returned (blank while missing)",
    "end_reason": "found or returned (required with ended_at)",
    "found_where": "Where the child was found",
    "found_with": "With whom the child was found",
}
REQUIRED_COLUMNS = ("police_reference", "child_identifier_type", "child_identifier", "type")
DATETIME_FORMATS = (
    "%d/%m/%Y %H:%M",
    "%d/%m/%Y %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%dT%H:%M",
    "%Y-%m-%dT%H:%M:%S",
)
MACE_REFERENCE = re.compile(r"^MACE-?(\d{1,9})$")
# The commonest spellings of DATETIME_FORMATS, read without strptime (the rest fall back to it).
_UK_MOMENT = re.compile(r"([0-9]{2})/([0-9]{2})/([0-9]{4}) ([0-9]{2}):([0-9]{2})(?::([0-9]{2}))?")
_ISO_MOMENT = re.compile(
    r"([0-9]{4})-([0-9]{2})-([0-9]{2})[ T]([0-9]{2}):([0-9]{2})(?::([0-9]{2}))?"
)
MOMENTS = ("left_at", "last_seen_at", "reported_at", "ended_at")
# The columns an imported row sets on its episode (the police reference finds it).
ROW_FIELDS = (
    "type",
    "left_at",
    "last_seen_at",
    "ended_at",
    "end_reason",
    "found_where",
    "found_with",
    "reported_by",
    "reported_at",
    "looked_after",
)
# What the check reads of each episode the file names: every column, so that a batch changing
# it has its history and change log without reading it again.
_EPISODE_COLUMNS = tuple(f.attname for f in MissingEpisode._meta.concrete_fields)
IMPORTED_GRADE_REASON = "Graded by the police (imported)"
NOT_UTF8 = "The file is not UTF-8 text: save it as CSV UTF-8 and try again"


@dataclass
class Rejection:
    line: int  # the line in the file (the header is line 1)
    police_reference: str
    reasons: list[str]


@dataclass
class ImportReport:
    filename: str
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: list[Rejection] = field(default_factory=list)
    file_errors: list[str] = field(default_factory=list)
    dry_run: bool = False
    batches: int = 0  # batches written
    # Why the write stopped part way (the batches before it are written), if it did.
    interrupted: str = ""

    @property
    def ok(self) -> bool:
        return not self.rejected and not self.file_errors and not self.interrupted

    @property
    def written(self) -> bool:
        return not self.dry_run and bool(self.created or self.updated)

    def summary(self) -> str:
        if self.file_errors:
            return f"{self.filename}: the file was refused. Nothing was imported."
        if self.rejected:
            return (
                f"{self.filename}: {len(self.rejected)} of {self.rows} rows were rejected, so "
                "nothing was imported. Correct them and import the whole file again."
            )
        if self.interrupted:
            return (
                f"{self.filename}: the import stopped part way: {self.interrupted}. "
                f"{self.created} episodes were created and {self.updated} updated before it "
                "stopped. Import the same file again to finish it: the rows already imported "
                "are skipped."
            )
        verb = "would be" if self.dry_run else "were"
        return (
            f"{self.filename}: {self.rows} rows. {self.created} episodes {verb} created, "
            f"{self.updated} {verb} updated and {self.unchanged} were already up to date."
        )


@dataclass(slots=True)
class _Row:
    """What the import keeps of one row: the values it writes, not the row's text."""

    line: int
    reference: str
    id_type: str
    id_value: str
    type: str
    left_at: dt.datetime | None
    last_seen_at: dt.datetime | None
    reported_at: dt.datetime | None
    ended_at: dt.datetime | None
    end_reason: str
    reported_by: str
    found_where: str
    found_with: str
    looked_after: bool
    grade: str
    child_id: int = 0
    # For a row whose episode is already recorded and is written: the episode, its values (by
    # attname) when the file was checked, what changes, and whether the grade is new (a
    # regrading, or a first grading when it had none).
    episode_id: int = 0
    before: dict[str, Any] | None = None
    changes: dict[str, Any] | None = None
    regrade: bool = False
    regrading: bool = False

    def values(self) -> dict[str, Any]:
        return {
            "type": self.type,
            "left_at": self.left_at,
            "last_seen_at": self.last_seen_at,
            "ended_at": self.ended_at,
            "end_reason": self.end_reason,
            "found_where": self.found_where,
            "found_with": self.found_with,
            "reported_by": self.reported_by,
            "reported_at": self.reported_at,
            "looked_after": self.looked_after,
            "police_reference": self.reference,
        }


class _Interrupted(Exception):
    """Raised inside a batch's transaction when it cannot be written as checked."""


@dataclass
class _Plan:
    """The checked file: the rows to write and what the check saw of the children's episodes,
    so that each batch can tell whether someone changed them in the meantime."""

    actor: User
    agency: Agency
    filename: str
    rows: list[_Row]  # the rows that create or change an episode, in file order
    # child id: {episode id: (version, started_at, type)}, kept true as batches are written
    episodes: dict[int, dict[int, tuple[int, dt.datetime, str]]]

    def recent(self, child_id: int, now: dt.datetime, rule: RepeatMissingRule) -> int:
        """services.recent_count, from what the import knows of the child's episodes."""
        since = now - dt.timedelta(days=rule.days)
        return sum(
            1
            for _, started_at, type_ in self.episodes.get(child_id, {}).values()
            if since < started_at <= now and (rule.include_away or type_ == EpisodeType.MISSING)
        )


def _parse_moment(value: str) -> dt.datetime | None:
    value = value.strip()
    if not value:
        return None
    if match := _UK_MOMENT.fullmatch(value):
        day, month, year, hour, minute, second = match.groups()
    elif match := _ISO_MOMENT.fullmatch(value):
        year, month, day, hour, minute, second = match.groups()
    else:
        match = None
    if match is not None:
        try:
            naive = dt.datetime(
                int(year), int(month), int(day), int(hour), int(minute), int(second or 0)
            )
        except ValueError:
            pass
        else:
            return timezone.make_aware(naive)
    for fmt in DATETIME_FORMATS:
        try:
            naive = dt.datetime.strptime(value, fmt)
        except ValueError:
            continue
        return timezone.make_aware(naive.replace(second=0) if fmt.endswith("%M") else naive)
    raise ValueError(value)


def _grade(value: str) -> str:
    return "_".join(value.strip().lower().replace("-", " ").split())


def _chunks[T](values: Iterable[T], size: int = LOOKUP_CHUNK) -> Iterator[list[T]]:
    items = list(values)
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _open(file: IO[bytes], report: ImportReport) -> Iterator[dict[str, str]] | None:
    """The file's rows as dicts of stripped values, read as they are needed; None (with the
    file's errors on the report) when the header is not the layout."""
    text = io.TextIOWrapper(file, encoding="utf-8-sig", newline="")
    reader = csv.DictReader(text)
    try:
        fieldnames = reader.fieldnames
    except UnicodeDecodeError:
        report.file_errors.append(NOT_UTF8)
        return None
    except csv.Error as error:
        report.file_errors.append(f"The file is not valid CSV: {error}")
        return None
    headers = [(h or "").strip().lower() for h in (fieldnames or [])]
    if not headers:
        report.file_errors.append("The file is empty")
        return None
    unknown = [h for h in headers if h not in COLUMNS]
    missing = [c for c in REQUIRED_COLUMNS if c not in headers]
    if unknown:
        report.file_errors.append(f"Unknown columns: {', '.join(unknown)}")
    if missing:
        report.file_errors.append(f"Missing columns: {', '.join(missing)}")
    if len(set(headers)) != len(headers):
        report.file_errors.append("A column appears more than once")
    if report.file_errors:
        # A header in another encoding can look like the wrong columns: say what is wrong.
        try:
            while text.read(64 * 1024):
                pass
        except UnicodeDecodeError:
            report.file_errors[:] = [NOT_UTF8]
        return None
    reader.fieldnames = headers
    return ({k: (v or "").strip() for k, v in row.items() if k is not None} for row in reader)


def _read(
    file: IO[bytes], report: ImportReport, reasons: dict[int, list[str]]
) -> list[_Row] | None:
    """Read and check every row on its own (formats, known values, a reference once a file)."""
    raw_rows = _open(file, report)
    if raw_rows is None:
        return None
    rows: list[_Row] = []
    seen: dict[str, int] = {}
    try:
        for line, raw in enumerate(raw_rows, start=2):
            problems: list[str] = []
            row = _parse_row(line, raw, problems)
            if row.reference in seen:
                problems.append(
                    f"police_reference: {row.reference} is also on line {seen[row.reference]}"
                )
            elif row.reference:
                seen[row.reference] = line
            if problems:
                reasons[line] = problems
            rows.append(row)
    except UnicodeDecodeError:
        report.file_errors.append(NOT_UTF8)
    except csv.Error as error:
        report.file_errors.append(f"The file is not valid CSV: {error}")
    if not rows and not report.file_errors:
        report.file_errors.append("The file has a header but no rows")
    return None if report.file_errors else rows


def _parse_row(line: int, raw: dict[str, str], reasons: list[str]) -> _Row:
    moments: dict[str, dt.datetime | None] = {}
    for name in MOMENTS:
        try:
            moments[name] = _parse_moment(raw.get(name, ""))
        except ValueError:
            moments[name] = None
            reasons.append(f"{name}: '{raw[name]}' is not a date and time like 27/03/2026 14:30")
            continue
        if problem := event_date_problem(moments[name], name="The date and time"):
            moments[name] = None
            reasons.append(f"{name}: {problem}")
    type_ = raw.get("type", "").upper()
    if type_ not in EpisodeType.values:
        reasons.append("type: must be M (missing) or A (away without authorisation)")
    end_reason = raw.get("end_reason", "").lower()
    if end_reason and end_reason not in EpisodeEnd.values:
        reasons.append("end_reason: must be found or returned")
    looked_after = raw.get("looked_after", "").upper()
    if looked_after not in ("", "Y", "N"):
        reasons.append("looked_after: must be Y or N")
    reasons.extend(
        f"{name}: must not contain a NUL character"
        for name, value in raw.items()
        if "\x00" in value
    )
    grade = _grade(raw.get("risk_grade", ""))
    if grade and grade not in RiskGrade.values:
        reasons.append("risk_grade: must be very_low, low, medium or high")
    reference = services.normalise_police_reference(raw.get("police_reference", ""))
    if not reference:
        reasons.append("police_reference: required (it is how a re-import finds the episode)")
    id_type = raw.get("child_identifier_type", "").lower()
    if id_type not in ("mace", "nhs", "police"):
        reasons.append("child_identifier_type: must be mace, nhs or police")
    id_value = raw.get("child_identifier", "")
    if not id_value:
        reasons.append("child_identifier: required")
    elif id_type == "nhs" and (message := nhs_number_error(id_value)):
        reasons.append(f"child_identifier: {message}")
    elif id_type == "mace" and not MACE_REFERENCE.match(id_value.upper()):
        reasons.append("child_identifier: a MACE reference looks like MACE-0000123")
    return _Row(
        line=line,
        reference=reference,
        id_type=id_type,
        id_value=id_value,
        type=type_,
        left_at=moments["left_at"],
        last_seen_at=moments["last_seen_at"],
        reported_at=moments["reported_at"],
        ended_at=moments["ended_at"],
        end_reason=end_reason,
        reported_by=raw.get("reported_by", ""),
        found_where=raw.get("found_where", ""),
        found_with=raw.get("found_with", ""),
        looked_after=looked_after == "Y",
        grade=grade,
    )


def _identifier_key(row: _Row) -> tuple[str, str] | None:
    if row.id_type == "nhs":
        return IdentifierType.NHS_NUMBER, normalise_nhs_number(row.id_value)
    if row.id_type == "police":
        return IdentifierType.POLICE, normalise_identifier(IdentifierType.POLICE, row.id_value)
    return None


def _match_children(
    rows: list[_Row], user: User, reasons: dict[int, list[str]]
) -> tuple[list[int], dict[int, dt.date | None]]:
    """Find each row's child by its exact identifier, a fixed number of queries for each
    thousand or so identifiers; reject rows for unknown children and for children the
    importer's agency does not work with. Returns the ids of children refused, and the date of
    birth of each child matched."""
    candidates: dict[int, set[int]] = {}
    wanted: dict[str, set[str]] = defaultdict(set)
    for row in rows:
        if row.id_type == "mace":
            if m := MACE_REFERENCE.match(row.id_value.upper()):
                candidates[row.line] = {int(m.group(1))}
        elif (key := _identifier_key(row)) is not None:
            wanted[key[0]].add(key[1])
    found: dict[tuple[str, str], set[int]] = defaultdict(set)
    for type_, values in wanted.items():
        for some in _chunks(values):
            for child_id, value in ChildIdentifier.objects.filter(
                type=type_, value__in=some
            ).values_list("child_id", "value"):
                found[(type_, value)].add(child_id)
    for row in rows:
        if (key := _identifier_key(row)) is not None:
            candidates[row.line] = found.get(key, set())
    all_ids = set().union(*candidates.values()) if candidates else set()
    dobs: dict[int, dt.date | None] = {}
    visible: set[int] = set()
    for chunk in _chunks(all_ids):
        dobs.update(Child.objects.filter(pk__in=chunk).values_list("pk", "dob"))
        visible.update(
            Child.objects.visible_to(user).filter(pk__in=chunk).values_list("pk", flat=True)
        )
    # Sight through a break-glass grant only reads: the import writes, so it needs more.
    granted = visible & set(
        policy.active_break_glass_grants(user).values_list("child_id", flat=True)
    )
    read_only = {
        pk for pk in granted if not policy.can_record_missing(user, Child.objects.get(pk=pk))
    }
    hidden_ids = {pk for pk in dobs if pk not in visible}
    agencies: dict[int, list[str]] = defaultdict(list)
    for chunk in _chunks(hidden_ids):
        for child_id, name in (
            AgencyInvolvement.objects.filter(child_id__in=chunk, ended_at__isnull=True)
            .order_by("agency__name")
            .values_list("child_id", "agency__name")
        ):
            agencies[child_id].append(name)
    refused: set[int] = set()
    for row in rows:
        if row.line not in candidates:
            continue
        ids = {pk for pk in candidates[row.line] if pk in dobs}
        label = f"{row.id_type} {row.id_value}"
        problems = reasons.setdefault(row.line, [])
        if not ids:
            problems.append(
                f"No child has the identifier {label}: create the child's record (or add the "
                "identifier to it) first. Children are never created from a file"
            )
        elif len(ids) > 1:
            problems.append(f"More than one child has the identifier {label}")
        else:
            (child_id,) = ids
            if child_id in read_only:
                problems.append("You cannot record missing episodes for this child")
            elif child_id in visible:
                row.child_id = child_id
            else:
                who = ", ".join(agencies.get(child_id, [])) or "the agencies working with them"
                problems.append(
                    f"A record with the identifier {label} exists, but your agency does not "
                    f"work with this child. Contact {who}, then import again"
                )
                refused.add(child_id)
        if not problems:
            del reasons[row.line]
        row.id_value = ""  # no longer needed
    return sorted(refused), {pk: dobs[pk] for pk in visible}


def _errors_as_reasons(errors: dict[str, list[str]]) -> list[str]:
    return [
        ("" if name == "__all__" else f"{name}: ") + message
        for name, messages in errors.items()
        for message in messages
    ]


def _overlapping(
    intervals: dict[Any, tuple[dt.datetime, dt.datetime | None]],
    start: dt.datetime,
    end: dt.datetime | None,
    exclude: Any,
) -> tuple[dt.datetime, dt.datetime | None] | None:
    """The earliest-starting of the child's other episodes that shares a moment with
    [start, end), as services._overlapping finds it in the database."""
    first = None
    for key, (other_start, other_end) in intervals.items():
        if key == exclude or (other_end is not None and other_end <= start):
            continue
        if end is not None and other_start >= end:
            continue
        if first is None or other_start < first[0]:
            first = (other_start, other_end)
    return first


def _check(
    rows: list[_Row],
    actor: User,
    dobs: dict[int, dt.date | None],
    reasons: dict[int, list[str]],
    report: ImportReport,
    filename: str,
) -> _Plan:
    """Check each matched row against the rules an episode meets (services.episode_rule_errors)
    and against the child's other episodes, as if the rows were recorded one after another in
    the file's order: a row may not overlap an episode already recorded or one on an earlier
    row. Works out which rows create, change or leave alone an episode."""
    agency = actor.agency
    assert agency is not None
    matched = [row for row in rows if row.line not in reasons]
    recorded: dict[str, dict[str, Any]] = {}
    for references in _chunks({row.reference for row in matched}):
        for values in MissingEpisode.objects.filter(
            agency=agency, police_reference__in=references
        ).values(*_EPISODE_COLUMNS):
            recorded[values["police_reference"]] = values
    latest_grades: dict[int, str] = {}
    recorded_ids = [episode["id"] for episode in recorded.values()]
    for ids in _chunks(recorded_ids):
        for episode_id, grade in (
            RiskGrading.objects.filter(episode_id__in=ids)
            .order_by("episode_id", "graded_at", "id")
            .values_list("episode_id", "grade")
        ):
            latest_grades[episode_id] = grade  # the last one, in time order, is the current grade
    children = {row.child_id for row in matched}
    intervals: dict[int, dict[Any, tuple[dt.datetime, dt.datetime | None]]] = defaultdict(dict)
    known: dict[int, dict[int, tuple[int, dt.datetime, str]]] = defaultdict(dict)
    for ids in _chunks(children):
        for pk, child_id, started_at, ended_at, version, type_ in MissingEpisode.objects.filter(
            child_id__in=ids
        ).values_list("pk", "child_id", "started_at", "ended_at", "version", "type"):
            intervals[child_id][pk] = (started_at, ended_at)
            known[child_id][pk] = (version, started_at, type_)
    interviews: dict[int, dt.datetime | None] = {}
    for ids in _chunks(recorded_ids):
        interviews.update(
            ReturnInterview.objects.filter(episode_id__in=ids).values_list("episode_id", "held_at")
        )
    to_write: list[_Row] = []
    for row in matched:
        existing = recorded.get(row.reference)
        if existing is None:
            values = row.values()
            errors = services.episode_rule_errors(values, dob=dobs[row.child_id])
            key: Any = ("row", row.line)
        else:
            if existing["child_id"] != row.child_id:
                reasons[row.line] = [
                    f"police_reference: {row.reference} is already recorded for another child"
                ]
                continue
            row.episode_id = existing["id"]
            row.changes = {
                name: getattr(row, name)
                for name in ROW_FIELDS
                if existing[name] != getattr(row, name)
            }
            row.regrading = row.episode_id in latest_grades
            row.regrade = bool(row.grade) and latest_grades.get(row.episode_id) != row.grade
            if not row.changes and not row.regrade:
                report.unchanged += 1
                continue
            row.before = existing  # what the batch writes from: it reads the episode no more
            if not row.changes:
                report.updated += 1
                to_write.append(row)
                continue
            values = {**existing, **row.changes}
            errors = services.episode_rule_errors(values, dob=dobs[row.child_id])
            key = row.episode_id
            if row.episode_id in interviews and "ended_at" not in errors:
                held_at = interviews[row.episode_id]
                if problem := services.interview_end_problem(values["ended_at"], held_at):
                    errors["ended_at"] = [problem]
        if services.overlaps_checked(values, errors):
            start = derived_start(values["left_at"], values["last_seen_at"])
            assert start is not None
            other = _overlapping(intervals[row.child_id], start, values["ended_at"], key)
            if other is not None:
                errors["__all__"] = [services.overlap_message(*other)]
        if errors:
            reasons[row.line] = _errors_as_reasons(errors)
            continue
        start = derived_start(values["left_at"], values["last_seen_at"])
        assert start is not None
        intervals[row.child_id][key] = (start, values["ended_at"])
        if existing is None:
            report.created += 1
        else:
            report.updated += 1
        to_write.append(row)
    return _Plan(
        actor=actor,
        agency=agency,
        filename=filename,
        rows=to_write,
        episodes=known,
    )


def import_missing_csv(
    *,
    actor: User,
    filename: str,
    channel: str,
    content: bytes | None = None,
    file: IO[bytes] | None = None,
    path: str = "",
    dry_run: bool = False,
    batch_size: int = BATCH_ROWS,
    after_batch: Callable[[int], None] | None = None,
) -> ImportReport:
    """Import a police CSV of missing episodes: every row checked first, nothing written unless
    all pass, then written in batches. See the module docstring. The file is `content` or
    `file` (an open binary file, read as a stream: an upload, or a file on disk). `path` is
    where the import was asked for (the page's path, or the file's), for the access log.
    `after_batch` is called with the batch's number after each batch is committed."""
    if not policy.can_import_missing(actor):
        raise Refused("Only police practitioners and managers import missing episodes")
    assert actor.agency is not None
    report = ImportReport(filename=filename, dry_run=dry_run)
    if file is None:
        file = io.BytesIO(content or b"")
    reasons: dict[int, list[str]] = {}
    rows = _read(file, report, reasons)
    if rows is None:
        return report
    report.rows = len(rows)
    refused, dobs = _match_children(rows, actor, reasons)
    plan = _check(rows, actor, dobs, reasons, report, filename)
    if refused:
        # Refusals are worth knowing about even though nothing was written.
        AccessEvent.objects.bulk_create(
            AccessEvent(
                user=actor,
                child_id=child_id,
                action=AccessAction.EXISTS,
                outcome=AccessOutcome.REFUSED,
                channel=channel,
                path=path[:300],
                request_id=current_request_id.get(),
                detail=(
                    f"Missing episodes import {filename[:100]}: identifier of a child not seen"
                )[:300],
            )
            for child_id in refused
        )
    if reasons:
        report.created = report.updated = report.unchanged = 0
        report.rejected = [
            Rejection(line=row.line, police_reference=row.reference, reasons=reasons[row.line])
            for row in rows
            if row.line in reasons
        ]
        return report
    if dry_run:
        return report
    _write(plan, report, batch_size=batch_size, after_batch=after_batch)
    return report


# ---------------------------------------------------------------------------------------------
# Writing the checked rows, a batch at a time.
# ---------------------------------------------------------------------------------------------


def _write(
    plan: _Plan,
    report: ImportReport,
    *,
    batch_size: int,
    after_batch: Callable[[int], None] | None,
) -> None:
    from mace.criteria.services import eligibility_refresh, episodes_counted_since

    report.created = report.updated = 0  # from here, what has been written
    rule = RepeatMissingRule.current()
    # An episode that started before this counts towards nobody's MACE eligibility: writing it
    # changes nothing there.
    since = episodes_counted_since(timezone.now())
    affected: set[int] = set()
    for number, batch in enumerate(_batches(plan.rows, batch_size), start=1):
        try:
            with transaction.atomic():
                created, updated, touched = _write_batch(plan, batch, rule, since)
        except _Interrupted as interruption:
            report.interrupted = str(interruption)
            break
        except IntegrityError:
            report.interrupted = (
                "an episode with one of the batch's police references was recorded by someone "
                "else while the file was imported"
            )
            break
        report.created += created
        report.updated += updated
        report.batches = number
        affected |= touched
        if after_batch is not None:
            after_batch(number)
    # Once, for the children whose episodes in the criteria's window were written (an import
    # that writes nothing refreshes nobody). A re-run of a file whose first run crashed before
    # this point finds its rows written and refreshes nobody: the nightly refresh catches up.
    if affected:
        eligibility_refresh(child_ids=affected)


@cache
def _tracked(model: type[models.Model]) -> list[str]:
    return [f.attname for f in model.history.model.tracked_fields]  # type: ignore[attr-defined]


def _history(
    model: type[models.Model], objs: list[Any], user: User, now: dt.datetime, *, update: bool
) -> None:
    """The records' history rows, as django-simple-history's bulk_history_create makes them
    (the record's tracked values, who, when and "+" or "~"), inserted in bulk."""
    history = model.history.model  # type: ignore[attr-defined]
    tracked = _tracked(model)
    kind = "~" if update else "+"
    bulk.insert(
        history,
        [
            bulk.new(
                history,
                history_date=now,
                history_user_id=user.pk,
                history_type=kind,
                history_change_reason="",
                **{name: getattr(obj, name) for name in tracked},
            )
            for obj in objs
        ],
    )


def _batches(rows: list[_Row], size: int) -> Iterator[list[_Row]]:
    """The rows in batches of at most `size`, each child's rows together in the order of the
    file (a child with more rows than a batch fills batches of its own), children in the order
    they first appear. A child's episodes are then compared once with what the check saw, and
    whether the rows make it meet the repeat missing rule is seen in one batch."""
    size = max(1, min(size, MAX_BATCH_ROWS))
    by_child: dict[int, list[_Row]] = {}
    for row in rows:
        by_child.setdefault(row.child_id, []).append(row)
    batch: list[_Row] = []
    for child_rows in by_child.values():
        for start in range(0, len(child_rows), size):
            part = child_rows[start : start + size]
            if batch and len(batch) + len(part) > size:
                yield batch
                batch = []
            batch.extend(part)
    if batch:
        yield batch


def _write_batch(
    plan: _Plan, batch: list[_Row], rule: RepeatMissingRule, since: dt.datetime
) -> tuple[int, int, set[int]]:
    """Write one batch in the caller's transaction, in a fixed number of queries: the episodes
    created and changed, their gradings, the importer's involvement with the children, the
    chronology, the history and, last of all (so its head is held only while the batch
    commits), the change log. New rows go in with COPY on PostgreSQL (mace.core.bulk), changes
    in one UPDATE a table. Returns the episodes created and updated, and the children with an
    episode written that started after `since`."""
    actor, agency = plan.actor, plan.agency
    now = timezone.now()
    child_ids = sorted({row.child_id for row in batch})
    # The single-episode services lock the child too: nobody records an episode for one of
    # these children while the batch is written.
    list(
        Child.objects.select_for_update()
        .filter(pk__in=child_ids)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    current: dict[int, dict[int, int]] = defaultdict(dict)
    for pk, child_id, version in MissingEpisode.objects.filter(child_id__in=child_ids).values_list(
        "pk", "child_id", "version"
    ):
        current[child_id][pk] = version
    changed = [
        child_id
        for child_id in child_ids
        if current[child_id]
        != {pk: known[0] for pk, known in plan.episodes.get(child_id, {}).items()}
    ]
    if changed:
        raise _Interrupted(
            f"the missing episodes of {len(changed)} of the file's children were changed by "
            "someone else while it was imported"
        )
    new_rows = [row for row in batch if not row.episode_id]
    new_children = {row.child_id for row in new_rows}
    before = {child_id: plan.recent(child_id, now, rule) for child_id in new_children}
    touched: set[int] = set()

    # Episodes created, with their first grades.
    created = [
        bulk.new(
            MissingEpisode,
            child_id=row.child_id,
            agency_id=agency.pk,
            recorded_by_id=actor.pk,
            recorded_at=now,
            started_at=_start(row.left_at, row.last_seen_at),
            **row.values(),
        )
        for row in new_rows
    ]
    bulk.insert(MissingEpisode, created)
    _history(MissingEpisode, created, actor, now, update=False)
    touched.update(e.child_id for e in created if e.started_at > since)
    gradings = [
        bulk.new(
            RiskGrading,
            episode_id=episode.pk,
            grade=row.grade,
            graded_at=services.first_grading_time(episode),
            graded_by_id=actor.pk,
            agency_id=agency.pk,
            reason=IMPORTED_GRADE_REASON,
            recorded_at=now,
        )
        for row, episode in zip(new_rows, created, strict=True)
        if row.grade
    ]

    # Episodes changed, and regraded: each as the check read it (the versions compared above
    # say nobody has changed it since).
    changing = [row for row in batch if row.episode_id]
    updated: list[MissingEpisode] = []
    previous: list[tuple[MissingEpisode, dict[str, Any]]] = []
    fields: set[str] = set()
    entries: list[ChronologyEntry] = []
    regraded: list[tuple[MissingEpisode, _Row, dt.datetime]] = []
    for row in changing:
        assert row.before is not None
        episode = bulk.new(MissingEpisode, **row.before)
        episode._state.adding = False
        if row.changes:
            previous.append((episode, row.before))
            closing = episode.ended_at is None and row.changes.get("ended_at") is not None
            for name, value in row.changes.items():
                setattr(episode, name, value)
            episode.started_at = _start(episode.left_at, episode.last_seen_at)
            episode.version += 1
            fields.update(row.changes)
            updated.append(episode)
            if row.before["started_at"] > since or episode.started_at > since:
                touched.add(episode.child_id)
            if closing:
                entries.append(_entry(plan, episode.child_id, services.ended_entry(episode), now))
            if corrected := services.corrected_entry(
                episode, agency, list(row.changes), closing=closing
            ):
                entries.append(_entry(plan, episode.child_id, corrected, now))
        if row.regrade:
            graded_at = min(now, episode.ended_at or now)
            regraded.append((episode, row, graded_at))
            gradings.append(
                bulk.new(
                    RiskGrading,
                    episode_id=episode.pk,
                    grade=row.grade,
                    graded_at=graded_at,
                    graded_by_id=actor.pk,
                    agency_id=agency.pk,
                    reason=f"Regraded in the police file {plan.filename[:120]}",
                    recorded_at=now,
                )
            )
    if updated:
        bulk.update_rows(MissingEpisode, updated, [*sorted(fields), "started_at", "version"])
        _history(MissingEpisode, updated, actor, now, update=True)
    bulk.insert(RiskGrading, gradings)

    # The importer's agency is involved with each child (reopened if it had ended).
    involvements = {
        i.child_id: i
        for i in AgencyInvolvement.objects.filter(agency=agency, child_id__in=child_ids)
    }
    involved = [
        bulk.new(
            AgencyInvolvement, child_id=pk, agency_id=agency.pk, reason=InvolvementReason.RECORDED
        )
        for pk in child_ids
        if pk not in involvements
    ]
    bulk.insert(AgencyInvolvement, involved)
    _history(AgencyInvolvement, involved, actor, now, update=False)
    reopened = [i for i in involvements.values() if i.ended_at is not None]
    reopened_before = [
        (i, {f.attname: getattr(i, f.attname) for f in AgencyInvolvement._meta.concrete_fields})
        for i in reopened
    ]
    for involvement in reopened:
        involvement.ended_at = None
        involvement.reason = InvolvementReason.RECORDED
    if reopened:
        bulk.update_rows(AgencyInvolvement, reopened, ["ended_at", "reason"])
        _history(AgencyInvolvement, reopened, actor, now, update=True)

    # The chronology: each new episode (and its end), then changes and regradings, then the
    # children who have just come to meet the repeat missing rule.
    source = services.import_source(plan.filename)
    for episode in created:
        entries.append(
            _entry(
                plan,
                episode.child_id,
                services.recorded_entry(episode, agency, source=source),
                now,
            )
        )
        if episode.ended_at is not None:
            entries.append(_entry(plan, episode.child_id, services.ended_entry(episode), now))
    for episode, row, graded_at in regraded:
        entries.append(
            _entry(
                plan,
                episode.child_id,
                services.graded_entry(
                    episode,
                    agency,
                    grade=row.grade,
                    graded_at=graded_at,
                    reason=f"Regraded in the police file {plan.filename[:120]}",
                    regrading=row.regrading,
                ),
                now,
            )
        )
    # What the import knows of the children's episodes is now what the database holds.
    for episode in [*created, *updated]:
        plan.episodes.setdefault(episode.child_id, {})[episode.pk] = (
            episode.version,
            episode.started_at,
            episode.type,
        )
    for child_id in sorted(new_children):
        count = plan.recent(child_id, now, rule)
        if before[child_id] < rule.episodes <= count:
            entries.append(_entry(plan, child_id, services.repeat_rule_entry(count, rule), now))
    bulk.insert(ChronologyEntry, entries)

    chain.append(
        [
            *bulk_change_events(user_id=actor.pk, created=created, changed=previous),
            *bulk_change_events(user_id=actor.pk, created=involved, changed=reopened_before),
        ]
    )
    return len(created), len(changing), touched


def _start(left_at: dt.datetime | None, last_seen_at: dt.datetime | None) -> dt.datetime:
    start = derived_start(left_at, last_seen_at)
    assert start is not None  # the check refused a row with neither
    return start


def _entry(
    plan: _Plan, child_id: int, text: services.EntryText, now: dt.datetime
) -> ChronologyEntry:
    return bulk.new(
        ChronologyEntry,
        child_id=child_id,
        kind=text.kind,
        title=text.title,
        body=text.body,
        occurred_at=text.occurred_at or now,
        recorded_at=now,
        author_id=plan.actor.pk,
        agency_id=plan.agency.pk,
    )
