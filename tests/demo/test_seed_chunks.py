"""The demo data set loaded a chunk of children at a time (how the large and national scales
load): the same data whatever the chunk size, and an interrupted load goes on to the same end."""

from __future__ import annotations

from datetime import date
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command

from mace.assessments.models import Assessment, AssessmentIndicator
from mace.concerns.models import Concern, ConcernIndicator
from mace.core.models import DemoDataSet
from mace.criteria.models import Eligibility
from mace.demo.accounts import PASSWORD_ENV
from mace.demo.plan import SCALES, chunk_count, chunks, plan
from mace.intelligence.models import Link
from mace.meetings.models import AgendaItem, Meeting
from mace.missing.models import MissingEpisode, ReturnInterview, RiskGrading
from mace.people.models import (
    AgencyInvolvement,
    Child,
    ChildAddress,
    ChildIdentifier,
    ChronologyEntry,
)
from tests.demo.test_seed_demo import wipe_demo_data

TODAY = date(2025, 6, 30)
CHILD = ("child__surname", "child__forename", "child__dob")


@pytest.fixture(autouse=True)
def _demo_password_kept_in_tmp(settings, tmp_path, monkeypatch):  # type: ignore[no-untyped-def]
    settings.VAR_DIR = tmp_path
    monkeypatch.delenv(PASSWORD_ENV, raising=False)


def seed(*args: str) -> str:
    out = StringIO()
    call_command(
        "seed_demo", "--scale", "tiny", "--seed", "1", "--today", TODAY.isoformat(), *args,
        stdout=out,
    )  # fmt: skip
    return out.getvalue()


def snapshot() -> dict[str, list[Any]]:
    """The whole data set by what it says, not by database ids (which differ between loads)."""
    shapes: list[tuple[Any, tuple[str, ...]]] = [
        (Child, ("forename", "surname", "dob", "sex", "ethnicity", "area__code", "upn_unknown")),
        (ChildAddress, (*CHILD, "line1", "postcode", "start_date", "end_date")),
        (ChildIdentifier, (*CHILD, "type", "value", "agency__name")),
        (AgencyInvolvement, (*CHILD, "agency__name", "reason", "since")),
        (Concern, (*CHILD, "agency__name", "recorded_at", "narrative")),
        (ConcernIndicator, ("concern__narrative", "indicator__code", "seen_on", "source")),
        (ChronologyEntry, (*CHILD, "kind", "occurred_at", "title", "body", "agency__name")),
        (MissingEpisode, (*CHILD, "started_at", "ended_at", "type", "police_reference")),
        (RiskGrading, ("episode__started_at", "grade", "graded_at")),
        (ReturnInterview, ("episode__started_at", "offered", "accepted", "held_at")),
        (Assessment, (*CHILD, "assessed_on", "level", "status", "review_due")),
        (AssessmentIndicator, ("assessment__child__surname", "last_seen", "window")),
        (Link, (*CHILD, "relationship", "information_date", "note")),
        (Eligibility, (*CHILD, "codes")),
        (Meeting, ("quadrant__code", "part", "starts_at")),
        (AgendaItem, (*CHILD, "meeting__starts_at", "position")),
    ]
    return {
        model.__name__: sorted(map(repr, model._default_manager.values_list(*fields)))
        for model, fields in shapes
    }


def test_the_chunks_make_the_same_children_as_the_whole_plan():
    whole = plan("tiny", 1, TODAY)
    parts = list(chunks("tiny", 1, TODAY, size=25))
    assert [len(p.children) for p in parts] == [25, 25, 10] and chunk_count("tiny", 25) == 3
    assert [p.start for p in parts] == [0, 25, 50]
    assert tuple(c for p in parts for c in p.children) == whole.children


def test_every_scale_is_made_in_chunks_of_at_most_five_thousand():
    assert SCALES["large"] == 200_000 and SCALES["national"] == 1_000_000
    assert chunk_count("large") == 40 and chunk_count("county") == 1


@pytest.mark.django_db
def test_three_chunks_load_the_same_data_as_one():
    seed()
    whole = snapshot()
    assert len(whole["Child"]) == SCALES["tiny"]
    assert whole["MissingEpisode"] and whole["Assessment"] and whole["Link"]
    wipe_demo_data()

    out = seed("--chunk-size", "20")
    assert "Loaded the demo data set 'tiny'" in out
    assert snapshot() == whole
    loaded = DemoDataSet.objects.get()
    assert (loaded.chunk_size, loaded.chunks_done, loaded.complete) == (20, 3, True)


@pytest.mark.django_db
def test_an_interrupted_load_goes_on_from_its_last_chunk_to_the_same_end():
    seed("--chunk-size", "20")
    whole, counts = snapshot(), DemoDataSet.objects.get().counts
    wipe_demo_data()

    out = seed("--chunk-size", "20", "--chunks", "1")
    assert "Loaded 1 of 3 chunks" in out
    loaded = DemoDataSet.objects.get()
    assert (loaded.chunks_done, loaded.complete, loaded.children) == (1, False, 20)
    assert Child.objects.count() == 20 and not Meeting.objects.exists()

    # Run again (another chunk size is ignored: the load keeps the one it started with).
    assert "Loaded 2 of 3 chunks" in seed("--chunk-size", "7", "--chunks", "1")
    assert Child.objects.count() == 40
    assert "Loaded the demo data set 'tiny'" in seed()
    assert snapshot() == whole
    loaded = DemoDataSet.objects.get()
    assert (loaded.chunks_done, loaded.complete, loaded.counts) == (3, True, counts)
    assert "already loaded" in seed()


@pytest.mark.django_db
def test_a_partly_loaded_data_set_stops_another_from_starting():
    seed("--chunk-size", "20", "--chunks", "1")
    out = StringIO()
    call_command("seed_demo", "--scale", "tiny", "--seed", "2", stdout=out)
    assert "Another demo data set is partly loaded: 'tiny' (seed 1)" in out.getvalue()
    assert Child.objects.count() == 20
