"""The police CSV import: all or nothing per file, every rejected row reported with why, children
matched by an exact identifier and never created, idempotent by police reference, the import
on the chronology; the command and the page."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from mace.access.choices import AccessAction, AccessChannel
from mace.access.models import AccessEvent, ChangeEvent
from mace.accounts.choices import Role
from mace.core.errors import Refused
from mace.criteria.models import Eligibility
from mace.missing.imports import COLUMNS, MAX_UPLOAD_BYTES, import_missing_csv
from mace.missing.models import MissingEpisode, RiskGrading
from mace.people.choices import EntryKind, InvolvementReason
from mace.people.models import AgencyInvolvement, Child, ChildIdentifier, ChronologyEntry
from tests.api import FICTIONAL_NHS_NUMBER
from tests.factories import ChildFactory, UserFactory
from tests.missing import ago, missing_rows, record


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


def test_the_page_refuses_a_file_over_its_upload_limit_and_writes_nothing(client, officer, known):
    """A file larger than the page takes (MAX_UPLOAD_BYTES) is refused with the error on the
    form, pointing at the command, before a row of it is read: here a good row followed by
    blank lines that the import would skip, so only its size stops it."""
    good = csv_bytes([row()])
    big = good + b"\r\n" * ((MAX_UPLOAD_BYTES - len(good)) // 2 + 1)
    assert len(big) > MAX_UPLOAD_BYTES
    client.force_login(officer)
    before = table_rows()
    upload = SimpleUploadedFile("big.csv", big, content_type="text/csv")
    response = client.post(reverse("missing:import"), {"file": upload})
    html = response.content.decode()
    assert response.status_code == 200
    assert "<title>Error: Import missing episodes" in html
    assert "govuk-error-summary" in html and "There is a problem" in html
    assert "The file must be smaller than 20 MB" in html
    assert "uv run mace import_missing" in html
    assert "govuk-file-upload--error" in html
    assert table_rows() == before
    # The same row in a file within the limit is imported.
    upload = SimpleUploadedFile("small.csv", good, content_type="text/csv")
    html = client.post(reverse("missing:import"), {"file": upload}).content.decode()
    assert "Import complete" in html and MissingEpisode.objects.count() == 1


# The import as a bulk operation: set-based reads and writes in batches, the same chronology,
# involvements and change log as the single-episode services, idempotent to the last row.


def table_rows() -> dict[str, int]:
    """How many rows every table the import writes (or might) holds."""
    models = (
        MissingEpisode,
        MissingEpisode.history.model,
        RiskGrading,
        ChronologyEntry,
        AgencyInvolvement,
        AgencyInvolvement.history.model,
        ChangeEvent,
        AccessEvent,
        Eligibility,
    )
    return {model.__name__: model._base_manager.count() for model in models}


def rows_for(child, n: int, *, start: int = 3, first: str = "B") -> list[dict]:
    """`n` closed episodes of 20 hours for `child`, named by MACE reference: the first
    starting `start` days ago, each of the others two days before the one above it."""
    rows = []
    for k in range(n):
        moment = timezone.localtime() - dt.timedelta(days=start + 2 * k)
        rows.append(
            row(
                police_reference=f"{first}/{child.pk}/{k}",
                child_identifier_type="mace",
                child_identifier=f"MACE-{child.pk:07d}",
                left_at="",
                last_seen_at=f"{moment:%d/%m/%Y %H:%M}",
                reported_at="",
                ended_at=f"{moment + dt.timedelta(hours=20):%d/%m/%Y %H:%M}",
            )
        )
    return rows


def children_with_rows(police, count: int, per_child: int, *, first: str = "B") -> list[dict]:
    """`count` children the police work with and `per_child` closed episodes each (rows_for),
    the rows in file order (child by child, interleaved)."""
    children = [ChildFactory(involved=[police]) for _ in range(count)]
    each = [rows_for(child, per_child, first=first) for child in children]
    return [line for lines in zip(*each, strict=True) for line in lines]


def test_running_the_same_file_twice_writes_no_row_to_any_table(officer, known, police):
    rows = [
        row(),
        row(
            police_reference="MIS/26/0002",
            last_seen_at="05/11/2026 20:00",
            left_at="",
            ended_at="",
            end_reason="",
            found_where="",
            found_with="",
            risk_grade="high",
        ),
        *children_with_rows(police, 3, 4),
    ]
    first = run(officer, rows, batch_size=5)
    assert first.ok and first.created == len(rows) and first.batches == 4  # a child a batch
    before = table_rows()
    again = run(officer, rows, batch_size=5)
    assert again.ok and (again.created, again.updated, again.unchanged) == (0, 0, len(rows))
    assert again.batches == 0 and not again.written
    assert table_rows() == before


@pytest.mark.parametrize("rows", [300, 3000])
def test_a_large_file_costs_a_fixed_number_of_queries_a_batch(
    rows, officer, police, django_assert_max_num_queries
):
    """The queries grow with the batches, never with the rows: a few to read the file's
    children and episodes, and the same few for each batch written."""
    per_child = 100
    lines = children_with_rows(police, rows // per_child, per_child)
    batch = 100
    batches = rows // batch
    with django_assert_max_num_queries(READ_QUERIES + QUERIES_A_BATCH * batches):
        report = run(officer, lines, batch_size=batch)
    assert report.ok and report.created == rows and report.batches == batches
    assert MissingEpisode.objects.count() == rows
    # Every episode is on the chronology, opened and closed.
    assert ChronologyEntry.objects.filter(kind=EntryKind.MISSING_EPISODE).count() == (
        2 * rows + rows // per_child  # and the repeat missing rule met, once a child
    )


# Reading the file's children, episodes, gradings and interviews (a query per 2,000 values of
# each), the rule, and the one eligibility refresh; then, for each batch: the children locked,
# their episodes compared, the counts for the repeat rule before and after, the episodes, their
# history and gradings inserted, the involvements read, the chronology inserted, the change log
# (its head locked, the rows inserted, the head moved) and the batch's savepoint.
READ_QUERIES = 20
QUERIES_A_BATCH = 14


def test_an_imported_row_reads_on_the_chronology_as_one_recorded_by_hand(police):
    """The same row, imported for one child and recorded through the services for another
    (as a practitioner would, then closed and regraded), leaves the same chronology entries,
    the same involvement and the same kinds of change in the change log. The importer sits on
    a MACE panel and sees these children through its list, so its agency's involvement is
    made (or reopened) by what it records."""
    from mace.missing.imports import IMPORTED_GRADE_REASON
    from mace.missing.services import (
        episode_record,
        episode_update,
        import_source,
        risk_grade_record,
    )
    from mace.reference.models import Quadrant

    south = Quadrant.objects.get(code="south")
    chair = UserFactory(
        username="chairofficer",
        agency=police,
        quadrant=south,
        roles=[Role.PRACTITIONER, Role.MACE_CHAIR],
    )
    pairs = []
    for ended_before in (False, True):
        pair = []
        for _ in ("imported", "by hand"):
            child = ChildFactory(involved=[])
            Eligibility.objects.create(
                child=child, quadrant=south, codes="repeat_missing", reasons=[]
            )
            if ended_before:
                AgencyInvolvement.objects.create(
                    child=child,
                    agency=police,
                    reason=InvolvementReason.ALLOCATED,
                    ended_at=timezone.now() - dt.timedelta(days=30),
                )
            pair.append(child)
        pairs.append(pair)

    def moment(text: str) -> dt.datetime:
        return timezone.make_aware(dt.datetime.strptime(text, "%d/%m/%Y %H:%M"))

    for number, (imported, by_hand) in enumerate(pairs):
        reference = f"SAME/{number}"
        open_row = row(
            police_reference=reference,
            child_identifier_type="mace",
            child_identifier=f"MACE-{imported.pk:07d}",
            reported_at="01/11/2026 22:00",
            ended_at="",
            end_reason="",
            found_where="",
            found_with="",
        )
        assert run(chair, [open_row]).ok
        closed_row = {
            **open_row,
            "ended_at": "02/11/2026 09:15",
            "end_reason": "found",
            "found_where": "A fictional bus station",
            "found_with": "Alone",
            "risk_grade": "high",
        }
        assert run(chair, [closed_row]).updated == 1

        episode = episode_record(
            actor=chair,
            child=by_hand,
            type="M",
            left_at=moment("01/11/2026 18:00"),
            last_seen_at=moment("01/11/2026 19:30"),
            reported_at=moment("01/11/2026 22:00"),
            reported_by="Mother",
            police_reference=reference + "H",
            risk_grade="medium",
            risk_reason=IMPORTED_GRADE_REASON,
            source=import_source("extract.csv"),
        )
        episode = episode_update(
            actor=chair,
            episode=episode,
            version=episode.version,
            changes={
                "ended_at": moment("02/11/2026 09:15"),
                "end_reason": "found",
                "found_where": "A fictional bus station",
                "found_with": "Alone",
            },
        )
        risk_grade_record(
            actor=chair,
            episode=episode,
            grade="high",
            graded_at=episode.ended_at,
            reason="Regraded in the police file extract.csv",
        )

        def chronology(child, reference=reference):
            return [
                (e.kind, e.title, e.body.replace(reference + "H", reference), e.occurred_at)
                for e in ChronologyEntry.objects.filter(child=child).order_by("occurred_at", "id")
            ]

        def involvement(child):
            return list(
                AgencyInvolvement.objects.filter(child=child).values_list(
                    "agency_id", "reason", "ended_at"
                )
            )

        def changes(child):
            return [
                (e.model, e.change_type, sorted(e.changes))
                for e in ChangeEvent.objects.filter(child=child).order_by("id")
            ]

        assert len(chronology(imported)) == 3  # recorded, found, regraded
        assert chronology(imported) == chronology(by_hand)
        assert involvement(imported) == involvement(by_hand)
        assert involvement(imported) == [(police.pk, InvolvementReason.RECORDED, None)]
        assert sorted(changes(imported)) == sorted(changes(by_hand))
        assert list(
            RiskGrading.objects.filter(episode__child=imported).values_list(
                "grade", "graded_at", "reason"
            )
        ) == list(
            RiskGrading.objects.filter(episode__child=by_hand).values_list(
                "grade", "graded_at", "reason"
            )
        )


def test_eligibility_is_refreshed_only_for_children_given_an_episode_in_the_criteria_window(
    officer, police
):
    """The MACE criteria look at episodes that started in the last 90 days (the longest window):
    the import refreshes the eligibility of the children it wrote such an episode for, and of
    nobody else; an import that writes nothing refreshes nobody (it does not read eligibility)."""
    from mace.reference.models import Quadrant

    south = Quadrant.objects.get(code="south")
    recent, older = ChildFactory(involved=[police]), ChildFactory(involved=[police])
    # Neither child meets the criteria: a refresh removes the stale row each has.
    for child in (recent, older):
        Eligibility.objects.create(child=child, quadrant=south, codes="repeat_missing", reasons=[])
    rows = [*rows_for(recent, 1, start=10), *rows_for(older, 1, start=200)]
    assert run(officer, rows).created == 2
    assert not Eligibility.objects.filter(child=recent).exists()
    assert Eligibility.objects.filter(child=older).exists()
    with CaptureQueriesContext(connection) as queries:
        again = run(officer, rows)
    assert again.ok and again.unchanged == 2 and not again.written
    assert not [q for q in queries.captured_queries if "criteria_eligibility" in q["sql"]]


def test_a_child_meeting_the_repeat_rule_is_noted_once_when_the_import_makes_it_so(officer, police):
    child = ChildFactory(involved=[police])
    rows = rows_for(child, 4, start=10, first="REP")
    rows[0].update(ended_at="", end_reason="", found_where="", found_with="")  # still missing
    report = run(officer, rows, batch_size=2)
    assert report.ok and report.created == 4
    notes = ChronologyEntry.objects.filter(child=child, title__startswith="Repeat missing")
    assert [n.title for n in notes] == [
        "Repeat missing: 4 episodes in the last 90 days (the rule is 3)"
    ]
    assert Eligibility.objects.filter(child=child).exists()


def test_a_change_by_someone_else_part_way_stops_the_import_and_a_re_run_finishes_it(
    officer, police
):
    """Once the file has passed, it is written a batch at a time. If one of the children's
    episodes changes between the check and its batch, the import stops there (the batches
    before it stay written) and says so; importing the same file again finishes it."""
    rows = children_with_rows(police, 2, 2)  # child 1, child 2, child 1, child 2
    second_child = Child.objects.get(pk=int(rows[1]["child_identifier"][5:]))
    # Written a child at a time: batches 1 and 2 are the first child's rows, 3 and 4 the second's.

    def someone_records_an_episode(batch: int) -> None:
        if batch == 1:
            record(
                officer,
                second_child,
                last_seen_at=ago(days=40),
                ended_at=ago(days=39),
                end_reason="found",
            )

    report = run(officer, rows, batch_size=1, after_batch=someone_records_an_episode)
    assert not report.ok and "changed by someone else" in report.interrupted
    assert (report.created, report.batches) == (2, 2)
    assert "Import the same file again to finish it" in report.summary()
    again = run(officer, rows, batch_size=1)
    assert again.ok and (again.created, again.unchanged) == (2, 2)
    assert MissingEpisode.objects.filter(police_reference__startswith="B/").count() == 4


def test_a_file_is_read_from_an_open_file_without_a_row_limit(officer, police, tmp_path):
    path = tmp_path / "extract.csv"
    path.write_bytes(csv_bytes(children_with_rows(police, 1, 3)))
    with path.open("rb") as file:
        report = import_missing_csv(
            actor=officer, file=file, filename="extract.csv", channel=AccessChannel.COMMAND
        )
    assert report.ok and report.created == 3


def test_a_concurrent_audited_write_is_not_held_up_by_the_import(transactional_db):
    """The import commits each batch on its own and writes the change log last in each, so
    between batches (held here by the hook) another connection writes to the access log and the
    change log at once, and while a batch is written it waits only for that batch. PostgreSQL
    only: real connections and row locks."""
    if connection.vendor != "postgresql":
        pytest.skip("real connections and row locks: PostgreSQL only")
    import threading

    from django.apps import apps

    from mace.access.services import access_record
    from mace.missing.models import RepeatMissingRule
    from mace.people.services import child_identifier_add
    from mace.reference.data import load
    from tests.factories import agency

    load(apps)
    if not RepeatMissingRule.objects.exists():
        RepeatMissingRule.objects.create()
    police = agency("Essex Police")
    csc = agency("Essex Children and Families (social care)")
    officer = UserFactory(username="officer", agency=police, roles=[Role.PRACTITIONER])
    practitioner = UserFactory(username="alice", agency=csc, roles=[Role.PRACTITIONER])
    theirs = ChildFactory(involved=[csc])
    rows = children_with_rows(police, 2, 1)
    paused, resume = threading.Event(), threading.Event()
    reports = []

    def hold(batch: int) -> None:
        if batch == 1:
            paused.set()
            assert resume.wait(timeout=120)

    def importer() -> None:
        try:
            reports.append(run(officer, rows, batch_size=1, after_batch=hold))
        finally:
            connection.close()

    worker = threading.Thread(target=importer)
    worker.start()
    try:
        assert paused.wait(timeout=120), "the import never finished its first batch"
        with connection.cursor() as cursor:
            # Blocked behind the import, this would fail rather than wait.
            cursor.execute("SET lock_timeout = '2s'")
        access_record(
            user=practitioner,
            child_id=theirs.pk,
            action=AccessAction.VIEW,
            outcome="allowed",
            channel=AccessChannel.PAGE,
        )
        child_identifier_add(actor=practitioner, child=theirs, type="police", value="HELD/1")
        assert MissingEpisode.objects.count() == 1  # the first batch is committed, not the second
    finally:
        resume.set()
        worker.join()
    assert reports and reports[0].ok and reports[0].created == 2
    # The change log took the identifier the practitioner added while the import was held.
    assert ChangeEvent.objects.filter(child=theirs, model="people.ChildIdentifier").exists()
    assert AccessEvent.objects.filter(user=practitioner, child=theirs).exists()
