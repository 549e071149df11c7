"""Two people complete the same draft at the same moment: exactly one completion goes through,
the others are told someone else changed it, and the child's chronology gets one entry.
Real threads need real row locks, so this runs on PostgreSQL (the two-session page test in
test_pages.py covers SQLite)."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from mace.accounts.choices import Role
from mace.assessments.choices import AssessmentStatus
from mace.assessments.models import Assessment, AssessmentIndicator
from mace.assessments.services import assessment_complete, assessment_start
from mace.core.concurrency import ConflictError
from mace.people.choices import EntryKind
from mace.people.models import ChronologyEntry
from tests.assessments import finishing, seen
from tests.factories import ChildFactory, UserFactory, agency


def test_threads_completing_one_draft_let_exactly_one_through(transactional_db):
    if connection.vendor != "postgresql":
        pytest.skip("real-threads race runs on PostgreSQL")
    from django.apps import apps

    from mace.assessments.data import load as load_instrument
    from mace.reference.data import load as load_reference

    # A transactional test before this one may have emptied the tables the migrations filled.
    load_reference(apps)
    load_instrument(apps)
    csc = agency("Essex Children and Families (social care)")
    people = [
        UserFactory(username=f"racer{n}", agency=csc, roles=[Role.PRACTITIONER]) for n in range(6)
    ]
    child = ChildFactory(forename="Rowan", surname="Racewell", involved=[csc])
    draft = assessment_start(actor=people[0], child=child)
    barrier = threading.Barrier(len(people))
    outcomes: list[str] = []
    lock = threading.Lock()

    def complete(user: object) -> None:
        try:
            mine = Assessment.objects.select_related("child", "agency", "instrument").get(
                pk=draft.pk
            )
            barrier.wait()
            assessment_complete(
                actor=user,  # type: ignore[arg-type]
                assessment=mine,
                version=1,
                changes=finishing(indicators=[seen("multiple-phones")]),
            )
            result = "completed"
        except ConflictError:
            result = "conflict"
        finally:
            connection.close()
        with lock:
            outcomes.append(result)

    workers = [threading.Thread(target=complete, args=(user,)) for user in people]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert sorted(outcomes) == ["completed"] + ["conflict"] * (len(people) - 1)
    done = Assessment.objects.get(pk=draft.pk)
    assert (done.status, done.version) == (AssessmentStatus.COMPLETED, 2)
    assert AssessmentIndicator.objects.filter(assessment=done).count() == 1
    assert ChronologyEntry.objects.filter(child=child, kind=EntryKind.ASSESSMENT).count() == 1
