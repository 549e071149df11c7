"""The police CSV import: all or nothing per file, every rejected row reported with why, children
matched by an exact identifier and never created, idempotent by police reference, the import
on the chronology; the command and the page."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from mace.access.choices import AccessAction, AccessChannel
from mace.access.models import AccessEvent
from mace.accounts.choices import Role
from mace.core.errors import Refused
from mace.missing.imports import COLUMNS, import_missing_csv
from mace.missing.models import MissingEpisode, RiskGrading
from mace.people.models import Child, ChildIdentifier, ChronologyEntry
from tests.api import FICTIONAL_NHS_NUMBER
from tests.factories import ChildFactory, UserFactory
from tests.missing import missing_rows


@pytest.fixture
def officer(police):
    return UserFactory(username="officer", agency=police, roles=[Role.PRACTITIONER])


@pytest.fixture
def known(police):
    """A child the police work with, with an NHS number and a police reference."""
    child = ChildFactory(forename="Quillon", surname="Fableworth", involved=[police])
    ChildIdentifier.objects.create(child=child, type="nhs", value=FICTIONAL_NHS_NUMBER)
    ChildIdentifier.objects.create(child=child, type="police", value="PER/0042")
    return child


def csv_bytes(rows: list[dict[str, str]]) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(COLUMNS))
    writer.writeheader()
    for row in rows:
        writer.writerow({name: row.get(name, "") for name in COLUMNS})
    return out.getvalue().encode()


def row(**overrides: str) -> dict[str, str]:
    values = {
        "police_reference": "MIS/26/0001",
        "child_identifier_type": "nhs",
        "child_identifier": FICTIONAL_NHS_NUMBER,
        "type": "M",
        "left_at": "01/11/2026 18:00",
        "last_seen_at": "01/11/2026 19:30",
        "reported_at": "2026-11-01 22:00",
        "reported_by": "Mother",
        "risk_grade": "Medium",
        "looked_after": "N",
        "ended_at": "02/11/2026 09:15",
        "end_reason": "found",
        "found_where": "A fictional bus station",
        "found_with": "Alone",
    }
    values.update(overrides)
    return values


def run(actor, rows, **kwargs):
    return import_missing_csv(
        actor=actor,
        content=csv_bytes(rows),
        filename="extract.csv",
        channel=AccessChannel.COMMAND,
        **kwargs,
    )


def test_a_file_is_imported_and_re_importing_it_changes_nothing(officer, known):
    rows = [
        row(),
        row(
            police_reference="MIS/26/0002",
            child_identifier_type="police",
            child_identifier="per/0042",
            left_at="",
            last_seen_at="05/11/2026 20:00",
            ended_at="",
            end_reason="",
            found_where="",
            found_with="",
            risk_grade="high",
        ),
    ]
    report = run(officer, rows)
    assert report.ok and (report.created, report.updated, report.unchanged) == (2, 0, 0)
    first = MissingEpisode.objects.get(police_reference="MIS/26/0001")
    assert first.child == known and first.agency == officer.agency and first.end_reason == "found"
    assert RiskGrading.objects.get(episode=first).grade == "medium"
    entry = ChronologyEntry.objects.filter(child=known).order_by("occurred_at").first()
    assert "Imported from the police file extract.csv" in entry.body
    before = missing_rows()
    again = run(officer, rows)
    assert again.ok and (again.created, again.updated, again.unchanged) == (0, 0, 2)
    assert missing_rows() == before


def test_a_changed_row_updates_its_episode(officer, known):
    run(officer, [row(ended_at="", end_reason="", found_where="", found_with="")])
    report = run(officer, [row(risk_grade="high")])
    assert (report.created, report.updated) == (0, 1)
    episode = MissingEpisode.objects.get()
    assert episode.ended_at is not None and episode.version == 2
    assert list(episode.gradings.values_list("grade", flat=True)) == ["medium", "high"]


def test_one_bad_row_rejects_the_whole_file_and_every_bad_row_is_reported(officer, known, csc):
    hidden = ChildFactory(involved=[csc])
    ChildIdentifier.objects.create(child=hidden, type="police", value="HIDDEN/1")
    before = missing_rows()
    report = run(
        officer,
        [
            row(),  # good
            row(police_reference="R2", ended_at="01/11/2026 17:00"),  # ends before it starts
            row(police_reference="R3", child_identifier="9990000026"),  # nobody has it
            row(police_reference="R4", child_identifier_type="police", child_identifier="HIDDEN/1"),
            row(police_reference="R5", type="X", left_at="yesterday"),
            row(police_reference="MIS/26/0001"),  # the same reference twice in one file
            row(police_reference="R7", last_seen_at="01/11/2026 20:00", left_at=""),  # overlap
        ],
    )
    assert not report.ok and report.created == 0
    reasons = {r.line: " | ".join(r.reasons) for r in report.rejected}
    assert set(reasons) == {3, 4, 5, 6, 7, 8}
    assert "must be after the episode started" in reasons[3]
    assert "No child has the identifier" in reasons[4]
    assert "Children are never created from a file" in reasons[4]
    assert "your agency does not work with this child" in reasons[5]
    assert "Essex Children and Families (social care)" in reasons[5]
    assert "type: must be M" in reasons[6] and "'yesterday' is not a date" in reasons[6]
    assert "also on line 2" in reasons[7]
    assert "overlaps another episode" in reasons[8]
    assert missing_rows() == before
    assert Child.objects.count() == 2
    # The look at a child the importer may not see is logged, though nothing was written.
    assert AccessEvent.objects.filter(
        user=officer, child=hidden, action=AccessAction.EXISTS
    ).exists()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "The file is empty"),
        (b"police_reference,colour\nX,blue\n", "Unknown columns: colour"),
        (b"police_reference,type\n", "Missing columns: child_identifier_type"),
        ("police_reference\n\u00e9".encode("latin-1"), "not UTF-8"),
    ],
)
def test_a_file_that_is_not_the_layout_is_refused(officer, content, message):
    report = import_missing_csv(
        actor=officer, content=content, filename="bad.csv", channel=AccessChannel.COMMAND
    )
    assert any(message in m for m in report.file_errors), report.file_errors


def test_checking_a_file_writes_nothing(officer, known):
    report = run(officer, [row()], dry_run=True)
    assert report.ok and report.created == 1 and "would be created" in report.summary()
    assert not MissingEpisode.objects.exists()


def test_only_police_practitioners_and_managers_may_import(alice, district, board, known):
    for user in (alice, district, board):
        with pytest.raises(Refused):
            run(user, [row()])


def test_the_command_reports_and_fails_on_a_rejected_file(officer, known, tmp_path, capsys):
    good = tmp_path / "good.csv"
    good.write_bytes(csv_bytes([row()]))
    call_command("import_missing", str(good), "--by", "officer")
    assert "1 episodes were created" in capsys.readouterr().out
    bad = tmp_path / "bad.csv"
    bad.write_bytes(csv_bytes([row(police_reference="B1", type="Z")]))
    with pytest.raises(CommandError, match="nothing was imported"):
        call_command("import_missing", str(bad), "--by", "officer")
    assert "Line 2 (B1): type: must be M" in capsys.readouterr().err


def test_the_page_imports_and_shows_rejected_rows(client, officer, alice, known):
    client.force_login(alice)
    assert client.get(reverse("missing:import")).status_code == 403
    client.force_login(officer)
    page = client.get(reverse("missing:import"))
    assert page.status_code == 200 and "child_identifier_type" in page.content.decode()
    upload = SimpleUploadedFile("bad.csv", csv_bytes([row(type="Z")]), content_type="text/csv")
    html = client.post(reverse("missing:import"), {"file": upload}).content.decode()
    assert "Nothing was imported" in html and "type: must be M" in html
    assert not MissingEpisode.objects.exists()
    upload = SimpleUploadedFile("good.csv", csv_bytes([row()]), content_type="text/csv")
    html = client.post(reverse("missing:import"), {"file": upload}).content.decode()
    assert "Import complete" in html and MissingEpisode.objects.count() == 1
    html = client.post(reverse("missing:import"), {}).content.decode()
    assert "Choose a CSV file to import" in html
