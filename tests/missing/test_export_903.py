"""The SSDA903 Header and Missing tables: exactly the columns and formats of data-standards.md,
the looked-after episodes that fall in the collection year, blank ends for episodes still open
at 31 March, the export logged with its reason; the command, the download page, and the DfE
validator on exports of the seeded data sets (when an interpreter for it is configured)."""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import subprocess
import zipfile
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from django.utils import timezone

from mace.access.choices import AccessChannel
from mace.access.models import ExportEvent
from mace.core.errors import Refused
from mace.missing.models import MissingEpisode
from mace.missing.returns import collection_year, export_903, ssda903_missing
from mace.people.models import ChildIdentifier
from tests.factories import ChildFactory
from tests.pages import assert_error_summary

REPO = Path(__file__).resolve().parents[2]


def at(day: dt.date, hour: int = 12) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def episode(child, start, end=None, *, looked_after=True, type_="M", agency, user):
    """Episodes placed straight in the table: the collection year is in the past, and these
    tests are about what the export makes of them (the services' rules are tested elsewhere)."""
    return MissingEpisode.objects.create(
        child=child,
        type=type_,
        last_seen_at=start,
        started_at=start,
        ended_at=end,
        end_reason="found" if end else "",
        looked_after=looked_after,
        agency=agency,
        recorded_by=user,
    )


@pytest.fixture
def year_2026(manager, alice, csc, child):
    """Episodes around the collection year 1 April 2025 to 31 March 2026."""
    child.dob = dt.date(2011, 6, 19)
    child.ethnicity = ""
    child.upn_unknown = "UN2"
    child.save()
    make = {"agency": csc, "user": alice}
    episode(child, at(dt.date(2025, 3, 20)), at(dt.date(2025, 3, 22)), **make)  # before
    episode(child, at(dt.date(2025, 3, 30)), at(dt.date(2025, 4, 2)), **make)  # across 1 April
    episode(child, at(dt.date(2025, 7, 1), 22), at(dt.date(2025, 7, 2), 9), type_="A", **make)
    episode(child, at(dt.date(2025, 8, 1)), at(dt.date(2025, 8, 2)), looked_after=False, **make)
    episode(child, at(dt.date(2026, 3, 30)), at(dt.date(2026, 4, 3)), **make)  # across 31 March
    episode(child, at(dt.date(2026, 4, 10)), **make)  # after the year
    other = ChildFactory(forename="Ember", sex="M", ethnicity="WBRI", involved=[csc])
    ChildIdentifier.objects.create(child=other, type="upn", value="A999000000001")
    episode(other, at(dt.date(2026, 3, 1)), **make)  # still open
    return child, other


def test_the_tables_are_exactly_as_the_standard_says(manager, year_2026):
    child, other = year_2026
    result = ssda903_missing(user=manager, year=2026)
    header = result.csv_text("header").splitlines()
    assert header[0] == "CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB"
    assert header[1:] == [
        f"{child.reference},F,19/06/2011,NOBT,UN2,,",
        f"{other.reference},M,{other.dob:%d/%m/%Y},WBRI,A999000000001,,",
    ]
    missing = result.csv_text("missing").splitlines()
    assert missing[0] == "CHILD,DOB,MISSING,MIS_START,MIS_END"
    assert missing[1:] == [
        f"{child.reference},19/06/2011,M,30/03/2025,02/04/2025",
        f"{child.reference},19/06/2011,A,01/07/2025,02/07/2025",
        f"{child.reference},19/06/2011,M,30/03/2026,",  # back only after 31 March: blank
        f"{other.reference},{other.dob:%d/%m/%Y},M,01/03/2026,",  # still missing: blank
    ]
    assert result.child_ids == sorted([child.pk, other.pk])
    assert collection_year(2026) == (dt.date(2025, 4, 1), dt.date(2026, 3, 31))


def test_only_children_the_exporter_may_see_are_exported(manager, year_2026, police, bob):
    hidden = ChildFactory(involved=[police])
    episode(hidden, at(dt.date(2025, 9, 1)), agency=police, user=bob)
    assert hidden.pk not in ssda903_missing(user=manager, year=2026).child_ids


def test_an_export_is_logged_with_its_reason_and_needs_one(manager, year_2026):
    from mace.core.errors import DomainError

    with pytest.raises(DomainError) as error:
        export_903(user=manager, year=2026, reason=" ", channel=AccessChannel.PAGE)
    assert error.value.errors == {"reason": ["Enter why you are exporting this data"]}
    result = export_903(user=manager, year=2026, reason="DfE return", channel=AccessChannel.PAGE)
    event = ExportEvent.objects.get()
    assert (event.user, event.reason, event.format, event.row_count) == (
        manager,
        "DfE return",
        "csv",
        4,
    )
    assert event.child_ids == result.child_ids and event.parameters["year"] == 2026


def test_only_childrens_social_care_managers_export(alice, chair, bob, admin_user):
    for user in (alice, chair, bob, admin_user):
        with pytest.raises(Refused):
            export_903(user=user, year=2026, reason="x", channel=AccessChannel.PAGE)


def test_the_command_writes_the_two_files(manager, year_2026, tmp_path, capsys):
    call_command(
        "export_903_missing",
        "--year",
        "2026",
        "--out",
        str(tmp_path),
        "--by",
        "manager",
        "--reason",
        "DfE return",
    )
    assert "2 children in the Header, 4 episodes in Missing" in capsys.readouterr().out
    assert (tmp_path / "header.csv").read_text().startswith("CHILD,SEX,DOB,ETHNIC,UPN")
    assert len((tmp_path / "missing.csv").read_text().splitlines()) == 5
    with pytest.raises(CommandError, match="Choose a collection year"):
        call_command(
            "export_903_missing",
            "--year",
            "1999",
            "--out",
            str(tmp_path),
            "--by",
            "manager",
            "--reason",
            "x",
        )
    with pytest.raises(CommandError, match="managers in children's social care"):
        call_command(
            "export_903_missing",
            "--year",
            "2026",
            "--out",
            str(tmp_path),
            "--by",
            "alice",
            "--reason",
            "x",
        )


def test_the_download_page(client, manager, alice, year_2026):
    client.force_login(alice)
    assert client.get(reverse("missing:export_903")).status_code == 403
    client.force_login(manager)
    assert client.get(reverse("missing:export_903")).status_code == 200
    html = client.post(reverse("missing:export_903"), {"year": "2026", "reason": ""}).content
    assert_error_summary(html.decode(), "reason")
    assert not ExportEvent.objects.exists()
    response = client.post(reverse("missing:export_903"), {"year": "2026", "reason": "DfE"})
    assert response["Content-Type"] == "application/zip"
    assert 'filename="ssda903-missing-2026.zip"' in response["Content-Disposition"]
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    assert sorted(archive.namelist()) == ["header.csv", "missing.csv"]
    assert ExportEvent.objects.count() == 1


# ---------------------------------------------------------------------------------------------
# The DfE validator (csc-validator-be-903) on exports of the seeded data sets
# ---------------------------------------------------------------------------------------------

VALIDATOR = os.environ.get("MACE_903_VALIDATOR_PYTHON", "")
needs_validator = pytest.mark.skipif(
    not VALIDATOR or not Path(VALIDATOR).exists(),
    reason=(
        "Set MACE_903_VALIDATOR_PYTHON to a Python 3.9-3.11 interpreter with "
        "csc-validator-be-903 and pandas<2 installed (docs/missing.md) to run the DfE validator"
    ),
)


def validate(directory: Path, year: int) -> tuple[int, dict]:
    run = subprocess.run(
        [VALIDATOR, str(REPO / "scripts" / "validate_903.py"), str(directory), "--year", str(year)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert run.stdout, run.stderr
    return run.returncode, json.loads(run.stdout)


@needs_validator
@pytest.mark.parametrize("scale", ["tiny", "county"])
def test_the_dfe_validator_finds_no_missing_errors_in_the_seeded_data(
    db, scale, tmp_path, monkeypatch, settings
):
    from mace.demo.seed import seed

    monkeypatch.setenv("MACE_DEMO_PASSWORD", "fictional-demo-password")
    settings.VAR_DIR = tmp_path
    seed(scale=scale, seed=1)
    assert MissingEpisode.objects.filter(looked_after=True).exists()
    today = timezone.localdate()
    latest = today.year if today >= dt.date(today.year, 4, 1) else today.year - 1
    exported = 0
    for year in (latest, latest + 1):
        out = tmp_path / str(year)
        call_command(
            "export_903_missing",
            "--year",
            str(year),
            "--out",
            str(out),
            "--by",
            "demo.manager",
            "--reason",
            "Checking against the DfE validator",
        )
        exported += len((out / "missing.csv").read_text().splitlines()) - 1
        code, report = validate(out, year)
        missing = [e for e in report["errors"] if e["missing_rule"]]
        assert code == 0 and not missing, json.dumps(missing, indent=2)
        # Every missing rule that needs only these two tables ran.
        assert {"564", "567", "570", "571", "574", "586", "1006", "INT04", "INT13"} <= set(
            report["missing_rules_ran"]
        )
    assert exported > 0


@needs_validator
def test_the_validator_harness_catches_what_it_should(tmp_path):
    """A negative control: a hand-made Missing table with an end before its start, an overlap
    and a start before birth is flagged, so a clean result above means something."""
    (tmp_path / "header.csv").write_text(
        "CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB\nMACE-0000001,F,19/06/2011,WBRI,UN2,,\n"
    )
    (tmp_path / "missing.csv").write_text(
        "CHILD,DOB,MISSING,MIS_START,MIS_END\n"
        "MACE-0000001,19/06/2011,M,10/05/2025,08/05/2025\n"
        "MACE-0000001,19/06/2011,M,01/06/2025,10/06/2025\n"
        "MACE-0000001,19/06/2011,A,05/06/2025,06/06/2025\n"
        "MACE-0000001,19/06/2011,M,01/01/2010,02/01/2010\n"
    )
    code, report = validate(tmp_path, 2026)
    flagged = {e["code"] for e in report["errors"] if e["missing_rule"]}
    assert code == 1 and {"567", "574", "586"} <= flagged, flagged
