"""Bulk import of missing episodes from a police CSV (the column layout is in docs/missing.md).

The rules:
- All or nothing per file: if any row is rejected, nothing in the file is written, and the
  report lists every rejected row with every reason.
- Children are matched by one exact identifier (the MACE reference, an NHS number or a police
  reference); a child is never created from the file. A row for an identifier nobody has, or
  for a child the importer's agency does not work with, is rejected with the reason.
- Idempotent by police reference per reporting agency (the importer's agency): a row whose
  episode is already recorded and unchanged changes nothing; one whose details changed (the
  child has since been found, say) updates the episode through the same services as a person
  would, so the same rules apply and the chronology says what changed. Re-importing the same
  file changes nothing.
- Every write goes through mace.missing.services, so each episode is on the child's chronology
  with a note that it came from this file."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone

from mace.access import policy
from mace.access.choices import AccessAction, AccessOutcome
from mace.access.services import access_record
from mace.core.bounds import event_date_problem
from mace.core.concurrency import differs
from mace.core.errors import DomainError, Refused
from mace.missing import services
from mace.missing.choices import EpisodeEnd, EpisodeType, RiskGrade
from mace.missing.models import MissingEpisode, RiskGrading
from mace.people.choices import IdentifierType
from mace.people.identifiers import nhs_number_error, normalise_nhs_number
from mace.people.models import AgencyInvolvement, Child, ChildIdentifier
from mace.people.services import normalise_identifier

if TYPE_CHECKING:
    from mace.accounts.models import User

# A police force's daily or weekly extract is hundreds of rows; a year's is a few thousand.
MAX_ROWS = 10_000
MAX_BYTES = 5 * 1024 * 1024

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

    @property
    def ok(self) -> bool:
        return not self.rejected and not self.file_errors

    @property
    def written(self) -> bool:
        return self.ok and not self.dry_run and bool(self.created or self.updated)

    def summary(self) -> str:
        if self.file_errors:
            return f"{self.filename}: the file was refused. Nothing was imported."
        if self.rejected:
            return (
                f"{self.filename}: {len(self.rejected)} of {self.rows} rows were rejected, so "
                "nothing was imported. Correct them and import the whole file again."
            )
        verb = "would be" if self.dry_run else "were"
        return (
            f"{self.filename}: {self.rows} rows. {self.created} episodes {verb} created, "
            f"{self.updated} {verb} updated and {self.unchanged} were already up to date."
        )


@dataclass
class _Row:
    line: int
    values: dict[str, Any]
    reference: str
    id_type: str
    id_value: str
    grade: str
    child: Child | None = None


class _Rollback(Exception):
    """Raised inside the import's transaction to undo every row."""


def _parse_moment(value: str) -> dt.datetime | None:
    value = value.strip()
    if not value:
        return None
    for fmt in DATETIME_FORMATS:
        try:
            naive = dt.datetime.strptime(value, fmt)
        except ValueError:
            continue
        return timezone.make_aware(naive.replace(second=0) if fmt.endswith("%M") else naive)
    raise ValueError(value)


def _grade(value: str) -> str:
    return "_".join(value.strip().lower().replace("-", " ").split())


def _read(content: bytes, report: ImportReport) -> list[dict[str, str]] | None:
    if len(content) > MAX_BYTES:
        report.file_errors.append(f"The file is larger than {MAX_BYTES // (1024 * 1024)} MB")
        return None
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        report.file_errors.append("The file is not UTF-8 text: save it as CSV UTF-8 and try again")
        return None
    reader = csv.DictReader(io.StringIO(text, newline=""))
    headers = [(h or "").strip().lower() for h in (reader.fieldnames or [])]
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
        return None
    reader.fieldnames = headers
    try:
        rows = [{k: (v or "").strip() for k, v in row.items() if k is not None} for row in reader]
    except csv.Error as error:
        report.file_errors.append(f"The file is not valid CSV: {error}")
        return None
    if not rows:
        report.file_errors.append("The file has a header but no rows")
    elif len(rows) > MAX_ROWS:
        report.file_errors.append(f"The file has more than {MAX_ROWS:,} rows: split it")
    return None if report.file_errors else rows


def _parse_row(line: int, raw: dict[str, str], reasons: list[str]) -> _Row:
    values: dict[str, Any] = {}
    for name in ("left_at", "last_seen_at", "reported_at", "ended_at"):
        try:
            values[name] = _parse_moment(raw.get(name, ""))
        except ValueError:
            values[name] = None
            reasons.append(f"{name}: '{raw[name]}' is not a date and time like 27/03/2026 14:30")
            continue
        if problem := event_date_problem(values[name], name="The date and time"):
            values[name] = None
            reasons.append(f"{name}: {problem}")
    type_ = raw.get("type", "").upper()
    if type_ not in EpisodeType.values:
        reasons.append("type: must be M (missing) or A (away without authorisation)")
    values["type"] = type_
    end_reason = raw.get("end_reason", "").lower()
    if end_reason and end_reason not in EpisodeEnd.values:
        reasons.append("end_reason: must be found or returned")
    values["end_reason"] = end_reason
    looked_after = raw.get("looked_after", "").upper()
    if looked_after not in ("", "Y", "N"):
        reasons.append("looked_after: must be Y or N")
    values["looked_after"] = looked_after == "Y"
    for name in ("reported_by", "found_where", "found_with"):
        values[name] = raw.get(name, "")
    grade = _grade(raw.get("risk_grade", ""))
    if grade and grade not in RiskGrade.values:
        reasons.append("risk_grade: must be very_low, low, medium or high")
    reference = services.normalise_police_reference(raw.get("police_reference", ""))
    if not reference:
        reasons.append("police_reference: required (it is how a re-import finds the episode)")
    values["police_reference"] = reference
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
    return _Row(line, values, reference, id_type, id_value, grade)


def _match_children(rows: list[_Row], user: User, reasons: dict[int, list[str]]) -> list[int]:
    """Find each row's child by its exact identifier; reject rows for unknown children and for
    children the importer's agency does not work with. Returns the ids of children refused."""
    by_mace = {
        r.line: int(m.group(1))
        for r in rows
        if r.id_type == "mace" and (m := MACE_REFERENCE.match(r.id_value.upper()))
    }
    wanted = {
        IdentifierType.NHS_NUMBER: {
            normalise_nhs_number(r.id_value) for r in rows if r.id_type == "nhs"
        },
        IdentifierType.POLICE: {
            normalise_identifier(IdentifierType.POLICE, r.id_value)
            for r in rows
            if r.id_type == "police"
        },
    }
    found: dict[tuple[str, str], set[int]] = {}
    for type_, values in wanted.items():
        for child_id, value in ChildIdentifier.objects.filter(
            type=type_, value__in=values
        ).values_list("child_id", "value"):
            found.setdefault((type_, value), set()).add(child_id)
    candidates: dict[int, set[int]] = {}
    for row in rows:
        if row.line in by_mace:
            candidates[row.line] = {by_mace[row.line]}
        elif row.id_type == "nhs":
            candidates[row.line] = found.get(
                (IdentifierType.NHS_NUMBER, normalise_nhs_number(row.id_value)), set()
            )
        elif row.id_type == "police":
            candidates[row.line] = found.get(
                (IdentifierType.POLICE, normalise_identifier(IdentifierType.POLICE, row.id_value)),
                set(),
            )
    all_ids = set().union(*candidates.values()) if candidates else set()
    existing = {c.pk: c for c in Child.objects.filter(pk__in=all_ids)}
    visible = set(
        Child.objects.visible_to(user).filter(pk__in=all_ids).values_list("pk", flat=True)
    )
    hidden_ids = {pk for pk in existing if pk not in visible}
    agencies: dict[int, list[str]] = {}
    for child_id, name in (
        AgencyInvolvement.objects.filter(child_id__in=hidden_ids, ended_at__isnull=True)
        .order_by("agency__name")
        .values_list("child_id", "agency__name")
    ):
        agencies.setdefault(child_id, []).append(name)
    refused: list[int] = []
    for row in rows:
        if row.line not in candidates:
            continue
        ids = {pk for pk in candidates[row.line] if pk in existing}
        label = f"{row.id_type} {row.id_value}"
        if not ids:
            reasons[row.line].append(
                f"No child has the identifier {label}: create the child's record (or add the "
                "identifier to it) first. Children are never created from a file"
            )
        elif len(ids) > 1:
            reasons[row.line].append(f"More than one child has the identifier {label}")
        else:
            (child_id,) = ids
            if child_id in visible:
                row.child = existing[child_id]
            else:
                who = ", ".join(agencies.get(child_id, [])) or "the agencies working with them"
                reasons[row.line].append(
                    f"A record with the identifier {label} exists, but your agency does not "
                    f"work with this child. Contact {who}, then import again"
                )
                refused.append(child_id)
    return refused


def import_missing_csv(
    *,
    actor: User,
    content: bytes,
    filename: str,
    channel: str,
    path: str = "",
    dry_run: bool = False,
) -> ImportReport:
    """Import a police CSV of missing episodes, all or nothing. See the module docstring."""
    if not policy.can_import_missing(actor):
        raise Refused("Only police practitioners and managers import missing episodes")
    assert actor.agency is not None
    report = ImportReport(filename=filename, dry_run=dry_run)
    raw_rows = _read(content, report)
    if raw_rows is None:
        return report
    report.rows = len(raw_rows)
    reasons: dict[int, list[str]] = {}
    rows: list[_Row] = []
    for n, raw in enumerate(raw_rows, start=2):
        reasons[n] = []
        rows.append(_parse_row(n, raw, reasons[n]))
    seen: dict[str, int] = {}
    for row in rows:
        if row.reference in seen:
            reasons[row.line].append(
                f"police_reference: {row.reference} is also on line {seen[row.reference]}"
            )
        elif row.reference:
            seen[row.reference] = row.line
    refused = _match_children(rows, actor, reasons)
    try:
        with transaction.atomic():
            _apply(actor, rows, reasons, report, filename)
            if any(reasons.values()) or dry_run:
                raise _Rollback
    except _Rollback:
        pass
    if any(reasons.values()):
        report.created = report.updated = report.unchanged = 0
    report.rejected = [
        Rejection(line=row.line, police_reference=row.reference, reasons=reasons[row.line])
        for row in rows
        if reasons[row.line]
    ]
    # Refusals are worth knowing about even though nothing was written.
    for child_id in refused:
        access_record(
            user=actor,
            child_id=child_id,
            action=AccessAction.EXISTS,
            outcome=AccessOutcome.REFUSED,
            channel=channel,
            path=path,
            detail=f"Missing episodes import {filename[:100]}: identifier of a child not seen",
        )
    return report


def _apply(
    actor: User,
    rows: list[_Row],
    reasons: dict[int, list[str]],
    report: ImportReport,
    filename: str,
) -> None:
    assert actor.agency is not None
    references = [row.reference for row in rows if row.reference]
    existing = {
        e.police_reference: e
        for e in MissingEpisode.objects.filter(
            agency=actor.agency, police_reference__in=references
        ).select_related("child")
    }
    latest_grades: dict[int, str] = {}
    for episode_id, grade in (
        RiskGrading.objects.filter(episode__in=existing.values())
        .order_by("episode_id", "graded_at", "id")
        .values_list("episode_id", "grade")
    ):
        latest_grades[episode_id] = grade  # the last one, in time order, is the current grade
    source = f"Imported from the police file {filename[:120]}."
    for row in rows:
        if reasons[row.line] or row.child is None:
            continue
        episode = existing.get(row.reference)
        try:
            if episode is None:
                services.episode_record(
                    actor=actor,
                    child=row.child,
                    risk_grade=row.grade,
                    risk_reason="Graded by the police (imported)",
                    source=source,
                    **row.values,
                )
                report.created += 1
                continue
            if episode.child_id != row.child.pk:
                reasons[row.line].append(
                    f"police_reference: {row.reference} is already recorded for another child"
                )
                continue
            changes = {
                name: value
                for name, value in row.values.items()
                if name != "police_reference" and differs(episode, name, value)
            }
            regrade = bool(row.grade) and latest_grades.get(episode.pk) != row.grade
            if not changes and not regrade:
                report.unchanged += 1
                continue
            if changes:
                episode = services.episode_update(
                    actor=actor, episode=episode, version=episode.version, changes=changes
                )
            if regrade:
                services.risk_grade_record(
                    actor=actor,
                    episode=episode,
                    grade=row.grade,
                    graded_at=min(timezone.now(), episode.ended_at or timezone.now()),
                    reason=f"Regraded in the police file {filename[:120]}",
                )
            report.updated += 1
        except DomainError as error:
            for name, messages in error.errors.items():
                prefix = "" if name == "__all__" else f"{name}: "
                reasons[row.line].extend(prefix + message for message in messages)
        except Refused as refusal:
            reasons[row.line].append(str(refusal))
