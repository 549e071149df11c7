"""The SSDA903 (children looked after) return's Header and Missing tables, exactly as
data-standards.md describes them: CSV, dates dd/mm/yyyy, Header
`CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB`, Missing `CHILD,DOB,MISSING,MIS_START,MIS_END`.

Which rows: the looked-after episodes (episodes recorded as starting while the child was looked
after) of the children the exporting user may see that overlap the collection year, 1 April to
31 March; and one Header row for each of those children. The year is named by the 31 March it
ends on, as the DfE and its validator name it: 2026 is 1 April 2025 to 31 March 2026.

How the DfE's missing rules shape the rows: an episode still open at 31 March (or that ended
after it) has a blank MIS_END, since an end after the year is an error (rule 571) and blank means
still missing at the year end; episodes starting after 31 March are not in the year (rule 570);
rows are ordered by child and start, so the validator's overlap check (574) sees them in time
order. The platform's own rules (no overlaps, no end before the start, no start on or before
the date of birth) keep the rest true."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from django.db.models import Prefetch, Q
from django.utils import timezone

from mace.access import policy
from mace.access.audit import export_record
from mace.core.errors import DomainError, Refused
from mace.core.spreadsheets import CsvDictWriter
from mace.missing.models import MissingEpisode
from mace.people.choices import IdentifierType
from mace.people.models import Child, ChildIdentifier

if TYPE_CHECKING:
    from mace.accounts.models import User

HEADER_COLUMNS = ("CHILD", "SEX", "DOB", "ETHNIC", "UPN", "MOTHER", "MC_DOB")
MISSING_COLUMNS = ("CHILD", "DOB", "MISSING", "MIS_START", "MIS_END")
HEADER_FILE = "header.csv"
MISSING_FILE = "missing.csv"
# The DfE's code for an ethnicity not yet obtained; ETHNIC may not be blank (rule 103).
ETHNICITY_NOT_OBTAINED = "NOBT"
FIRST_YEAR = 2015


def collection_year(year: int) -> tuple[dt.date, dt.date]:
    """The collection year ending on 31 March `year`: (1 April year-1, 31 March year)."""
    return dt.date(year - 1, 4, 1), dt.date(year, 3, 31)


def year_label(year: int) -> str:
    start, end = collection_year(year)
    return f"1 April {start.year} to 31 March {end.year}"


def latest_complete_year(today: dt.date | None = None) -> int:
    today = today or timezone.localdate()
    return today.year if today >= dt.date(today.year, 4, 1) else today.year - 1


def year_errors(year: int | None, today: dt.date | None = None) -> dict[str, list[str]]:
    today = today or timezone.localdate()
    # The year in progress may be exported too (the return is built through the year).
    last = today.year + 1 if today >= dt.date(today.year, 4, 1) else today.year
    if year is None:
        return {"year": ["Choose the collection year"]}
    if not FIRST_YEAR <= year <= last:
        return {"year": [f"Choose a collection year from {FIRST_YEAR} to {last}"]}
    return {}


def _day(value: dt.date | None) -> str:
    return f"{value:%d/%m/%Y}" if value else ""


@dataclass
class Ssda903Missing:
    year: int
    header: list[dict[str, str]] = field(default_factory=list)
    missing: list[dict[str, str]] = field(default_factory=list)
    child_ids: list[int] = field(default_factory=list)

    def csv_text(self, table: str) -> str:
        rows, columns = (
            (self.header, HEADER_COLUMNS) if table == "header" else (self.missing, MISSING_COLUMNS)
        )
        out = io.StringIO()
        writer = CsvDictWriter(out, fieldnames=columns, lineterminator="\r\n")
        writer.writeheader()
        writer.writerows(rows)
        return out.getvalue()

    def write(self, directory: Path) -> list[Path]:
        directory.mkdir(parents=True, exist_ok=True)
        paths = []
        for table, name in (("header", HEADER_FILE), ("missing", MISSING_FILE)):
            path = directory / name
            path.write_text(self.csv_text(table), encoding="utf-8", newline="")
            paths.append(path)
        return paths

    def zip_bytes(self) -> bytes:
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr(HEADER_FILE, self.csv_text("header"))
            archive.writestr(MISSING_FILE, self.csv_text("missing"))
        return buffer.getvalue()


def ssda903_missing(*, user: User, year: int) -> Ssda903Missing:
    """Build the two tables for the children the user may see (no export is recorded: use
    export_903 to let the data leave the platform). Three queries, however many rows."""
    start, end = collection_year(year)
    tz = timezone.get_current_timezone()
    year_starts = dt.datetime.combine(start, dt.time.min, tzinfo=tz)
    year_ended = dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
    episodes = (
        MissingEpisode.objects.filter(
            child__in=Child.objects.visible_to(user),
            looked_after=True,
            started_at__lt=year_ended,
        )
        .filter(Q(ended_at__isnull=True) | Q(ended_at__gte=year_starts))
        .order_by("child_id", "started_at", "id")
        .values_list("child_id", "type", "started_at", "ended_at")
    )
    rows = list(episodes)
    child_ids = sorted({row[0] for row in rows})
    children = {
        c.pk: c
        for c in Child.objects.filter(pk__in=child_ids).prefetch_related(
            Prefetch(
                "identifiers",
                queryset=ChildIdentifier.objects.filter(type=IdentifierType.UPN).order_by(
                    "-valid_from", "-id"
                ),
                to_attr="upns",
            )
        )
    }
    result = Ssda903Missing(year=year, child_ids=child_ids)
    for child_id in child_ids:
        child = children[child_id]
        upns = getattr(child, "upns", [])
        result.header.append(
            {
                "CHILD": child.reference,
                "SEX": child.sex or "U",
                "DOB": _day(child.dob),
                "ETHNIC": child.ethnicity or ETHNICITY_NOT_OBTAINED,
                "UPN": upns[0].value if upns else child.upn_unknown,
                "MOTHER": "",
                "MC_DOB": "",
            }
        )
    for child_id, type_, started_at, ended_at in rows:
        child = children[child_id]
        ended = timezone.localtime(ended_at).date() if ended_at else None
        result.missing.append(
            {
                "CHILD": child.reference,
                "DOB": _day(child.dob),
                "MISSING": type_,
                "MIS_START": _day(timezone.localtime(started_at).date()),
                # Still missing at 31 March, or back only after it: blank (rule 571).
                "MIS_END": _day(ended) if ended is not None and ended <= end else "",
            }
        )
    return result


def export_903(*, user: User, year: int | None, reason: str, channel: str) -> Ssda903Missing:
    """Let the SSDA903 Header and Missing tables leave the platform: the policy decides, the
    reason is required, and the export is recorded (what, why, how many rows, whose)."""
    if not policy.can_export_903(user):
        raise Refused("Only managers in children's social care export the SSDA903 return")
    errors = year_errors(year)
    if not reason.strip():
        errors["reason"] = ["Enter why you are exporting this data"]
    elif len(reason) > 1000:
        errors["reason"] = ["The reason must be 1,000 characters or fewer"]
    if errors:
        raise DomainError(errors)
    assert year is not None
    result = ssda903_missing(user=user, year=year)
    export_record(
        user=user,
        what=f"SSDA903 Header and Missing tables, {year_label(year)}",
        reason=reason.strip(),
        format="csv",
        row_count=len(result.missing),
        child_ids=result.child_ids,
        parameters={"year": year, "header_rows": len(result.header), "channel": channel},
    )
    return result
