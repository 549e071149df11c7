"""The assessments API through real HTTP: the instrument, a child's assessments, one assessment,
changing and completing a draft and signing off an override; bad input answers 422 with field
errors (the guard rules on `level`) and writes nothing, a stale version 409, and a child the
caller may not see 404 exactly like one that does not exist."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client

from mace.access.choices import AccessAction
from mace.assessments.choices import AssessmentStatus
from mace.assessments.models import Assessment, AssessmentIndicator, Instrument
from mace.assessments.services import assessment_complete
from mace.people.choices import EntryKind
from mace.people.models import ChronologyEntry
from tests.api import API, allowed_events, call, field_errors, refused_events, signed_in
from tests.assessments import born_aged, completed, draft, finishing, seen, today

BASE = f"{API}/assessments"


def body(**overrides: Any) -> dict[str, Any]:
    """A complete assessment as a client sends it (medium, fictional)."""
    content: dict[str, Any] = {
        "assessed_on": today().isoformat(),
        "people": [
            {"name": "Ottoline Fictionalmother", "role": "parent"},
            {"name": "'Big Wiz'", "role": "person_of_concern", "details": "About 25"},
        ],
        "vulnerabilities": ["missing"],
        "indicators": [
            {
                "indicator": "older-associates",
                "last_seen": (today() - dt.timedelta(days=3)).isoformat(),
                "source": "child",
            },
            {
                "indicator": "multiple-phones",
                "last_seen": (today() - dt.timedelta(days=100)).isoformat(),
                "source": "parent",
                "note": "Two fictional handsets",
            },
        ],
        "child_view": "She says they are her friends (fictional).",
        "factors": ["11A", "10A"],
        "level": "medium",
        "rationale": "Older associates now, phones before; no disclosure (fictional).",
    }
    content.update(overrides)
    return content


def counts() -> tuple[int, int, int]:
    return (
        Assessment.objects.count(),
        AssessmentIndicator.objects.count(),
        ChronologyEntry.objects.filter(kind=EntryKind.ASSESSMENT).count(),
    )


# ---------------------------------------------------------------------------------------------
# The instrument
# ---------------------------------------------------------------------------------------------


def test_the_instrument_in_force_with_its_sections_windows_and_review_intervals(alice):
    response = signed_in(alice).get(f"{BASE}/instruments/current")
    assert response.status_code == 200
    instrument = response.json()
    assert (instrument["version"], instrument["status"]) == ("1", "in_force")
    assert (instrument["current_window_months"], instrument["previous_window_months"]) == (3, 6)
    sections = {s["code"]: s for s in instrument["sections"]}
    assert list(sections) == [
        "behaviour", "health", "online_school", "possessions", "sexual", "criminal", "online",
    ]  # fmt: skip
    drugs = next(i for i in sections["criminal"]["indicators"] if i["code"] == "drug-running")
    assert drugs["actual_exploitation"] is True
    assert not any(i["actual_exploitation"] for i in sections["behaviour"]["indicators"])
    assert {"code": "learning-disability", "label": "Learning disability or difficulty",
            "learning_disability": True} in instrument["vulnerabilities"]  # fmt: skip
    assert instrument["review_intervals"] == [
        {"level": "high", "amount": 6, "unit": "weeks"},
        {"level": "medium", "amount": 3, "unit": "months"},
        {"level": "low", "amount": 6, "unit": "months"},
    ]


def test_every_version_stays_readable(alice):
    first = Instrument.objects.get()
    listed = signed_in(alice).get(f"{BASE}/instruments").json()
    assert [i["id"] for i in listed] == [first.pk]
    assert signed_in(alice).get(f"{BASE}/instruments/{first.pk}").json()["version"] == "1"
    assert signed_in(alice).get(f"{BASE}/instruments/999999").status_code == 404


def test_the_instrument_needs_sign_in(db):
    assert Client().get(f"{BASE}/instruments/current").status_code == 401


# ---------------------------------------------------------------------------------------------
# A child's assessments
# ---------------------------------------------------------------------------------------------


def test_starting_an_assessment_with_its_content(alice, child):
    response = call(signed_in(alice), "post", f"{BASE}/children/{child.pk}", body())
    assert response.status_code == 201, response.content
    created = response.json()
    assert created["status"] == "draft" and created["version"] == 1
    assert created["instrument"]["version"] == "1"
    assert [p["role_label"] for p in created["people"]] == ["Parent", "Person of concern"]
    windows = {i["code"]: i["window"] for i in created["indicators"]}
    assert windows == {"older-associates": "current", "multiple-phones": "previous"}
    summary = created["advisory_summary"]
    assert (summary["total"], summary["current"], summary["previous"]) == (2, 1, 1)
    assert {"source": "Told by the child", "count": 1} in summary["sources"]
    assert [r["applies"] for r in summary["guard_rules"]] == [False, False]
    assert created["factors"] == [
        {"code": "11A", "label": "Child sexual exploitation"},
        {"code": "10A", "label": "Going or being missing"},
    ]


def test_bad_input_answers_422_with_every_field_and_writes_nothing(alice, child):
    before = counts()
    response = call(
        signed_in(alice),
        "post",
        f"{BASE}/children/{child.pk}",
        body(
            assessed_on=(today() + dt.timedelta(days=1)).isoformat(),
            people=[{"name": "", "role": "boss"}],
            indicators=[{"indicator": "no-such-thing"}],
            factors=["21", "11A"],
            level="catastrophic",
        ),
    )
    errors = field_errors(response)
    assert set(errors) == {
        "assessed_on",
        "people.0.name",
        "people.0.role",
        "indicators.0.indicator",
        "factors",
        "level",
    }
    assert counts() == before


def test_a_wrongly_shaped_request_answers_422(alice, child):
    response = call(signed_in(alice), "post", f"{BASE}/children/{child.pk}", {"indicators": "lots"})
    assert "indicators" in field_errors(response)
    assert not Assessment.objects.exists()


@pytest.mark.parametrize("item", [None, {}])
def test_an_empty_person_is_a_field_error_not_a_500(alice, child, item):
    """Found by the fuzz of the OpenAPI document: `"people": [null]` answered 500."""
    before = counts()
    response = call(
        signed_in(alice), "post", f"{BASE}/children/{child.pk}", body(people=[item, item])
    )
    errors = field_errors(response)
    assert {"people.0.name", "people.0.role", "people.1.name"} <= set(errors)
    assert counts() == before


def test_the_list_is_newest_first_with_the_current_level(alice, child):
    old = completed(alice, child, level="low", assessed_on=today() - dt.timedelta(days=200))
    new = completed(alice, child, level="medium", assessed_on=today() - dt.timedelta(days=10))
    open_one = draft(alice, child)
    response = signed_in(alice).get(f"{BASE}/children/{child.pk}?limit=2")
    listed = response.json()
    assert listed["count"] == 3
    assert [a["id"] for a in listed["items"]] == [open_one.pk, new.pk]
    assert listed["current"]["id"] == new.pk and listed["current"]["level_label"] == (
        "Medium (suspected)"
    )
    assert old.pk not in [a["id"] for a in listed["items"]]
    assert allowed_events(alice, child, AccessAction.VIEW) == 1


def test_the_list_is_bounded(alice, child):
    response = signed_in(alice).get(f"{BASE}/children/{child.pk}?limit=1000")
    assert "limit" in field_errors(response)


# ---------------------------------------------------------------------------------------------
# One assessment
# ---------------------------------------------------------------------------------------------


def test_reading_one_is_logged(alice, child):
    assessment = draft(alice, child)
    response = signed_in(alice).get(f"{BASE}/{assessment.pk}")
    assert response.status_code == 200 and response.json()["id"] == assessment.pk
    assert allowed_events(alice, child, AccessAction.VIEW) == 1


def test_an_assessment_that_does_not_exist_is_404_and_the_probe_is_logged(alice):
    response = signed_in(alice).get(f"{BASE}/999999")
    assert response.status_code == 404 and response.json() == {"detail": "Not found"}
    assert refused_events(alice) == 1


def test_patching_a_draft_changes_only_what_is_sent(alice, child):
    assessment = draft(alice, child, level="low", child_view="Kept (fictional)")
    response = call(
        signed_in(alice),
        "patch",
        f"{BASE}/{assessment.pk}",
        {"version": 1, "level": "medium", "indicators": [{"indicator": "multiple-phones"}]},
    )
    assert response.status_code == 200, response.content
    changed = response.json()
    assert (changed["version"], changed["level"], changed["child_view"]) == (
        2,
        "medium",
        "Kept (fictional)",
    )
    assert changed["indicators"][0]["last_seen"] is None
    assert changed["advisory_summary"]["undated"] == 1


def test_a_stale_version_answers_409_with_the_assessment_as_it_is_now(alice, child):
    assessment = draft(alice, child)
    call(signed_in(alice), "patch", f"{BASE}/{assessment.pk}", {"version": 1, "level": "high"})
    response = call(
        signed_in(alice), "patch", f"{BASE}/{assessment.pk}", {"version": 1, "level": "low"}
    )
    assert response.status_code == 409
    answer = response.json()
    assert answer["errors"][0]["field"] == "version"
    assert answer["current"]["level"] == "high" and answer["current"]["version"] == 2
    assert Assessment.objects.get().level == "high"


def test_completing_answers_the_completed_assessment(alice, child):
    assessment = draft(alice, child)
    response = call(
        signed_in(alice),
        "post",
        f"{BASE}/{assessment.pk}/completion",
        {"version": 1, **body(level="high")},
    )
    assert response.status_code == 201, response.content
    done = response.json()
    assert done["status"] == "completed"
    assert done["review_due"] == (today() + dt.timedelta(weeks=6)).isoformat()
    assert ChronologyEntry.objects.filter(child=child, kind=EntryKind.ASSESSMENT).count() == 1


def test_the_guard_rule_refuses_low_for_a_twelve_year_old_on_level(alice, child):
    child.dob = born_aged(12)
    child.save()
    assessment = draft(alice, child)
    before = counts()
    response = call(
        signed_in(alice),
        "post",
        f"{BASE}/{assessment.pk}/completion",
        {"version": 1, **body(level="low")},
    )
    errors = field_errors(response)
    assert list(errors) == ["level"]
    assert errors["level"][0].startswith(
        "A child under 13 who shows indicators of exploitation cannot be rated low"
    )
    assert counts() == before
    assert Assessment.objects.get().version == 1


def test_an_override_is_completed_by_a_managers_sign_off(alice, manager, child):
    assessment = draft(alice, child)
    content = body(
        indicators=[
            {
                "indicator": "drug-running",
                "last_seen": (today() - dt.timedelta(days=2)).isoformat(),
                "source": "records",
            }
        ],
        override_reason="A witness, not a runner (fictional).",
    )
    sent = call(
        signed_in(alice), "post", f"{BASE}/{assessment.pk}/completion", {"version": 1, **content}
    )
    assert sent.status_code == 201 and sent.json()["status"] == "awaiting_sign_off"
    version = sent.json()["version"]
    # The assessor cannot sign off their own override.
    own = call(
        signed_in(alice),
        "post",
        f"{BASE}/{assessment.pk}/sign-off",
        {"version": version, "decision": "agreed", "note": "Mine"},
    )
    assert own.status_code == 403
    missing = call(
        signed_in(manager), "post", f"{BASE}/{assessment.pk}/sign-off", {"version": version}
    )
    assert set(field_errors(missing)) == {"decision", "note"}
    signed = call(
        signed_in(manager),
        "post",
        f"{BASE}/{assessment.pk}/sign-off",
        {"version": version, "decision": "agreed", "note": "Agreed (fictional)."},
    )
    assert signed.status_code == 201, signed.content
    answer = signed.json()
    assert answer["status"] == "completed"
    assert answer["sign_off"]["decision"] == "agreed" and answer["sign_off"]["note"]
    stale = call(
        signed_in(manager),
        "post",
        f"{BASE}/{assessment.pk}/sign-off",
        {"version": version, "decision": "returned", "note": "Late"},
    )
    # Now completed: nobody may sign it off any more.
    assert stale.status_code == 403


def test_a_completed_assessment_cannot_be_patched(alice, child):
    done = completed(alice, child)
    response = call(
        signed_in(alice), "patch", f"{BASE}/{done.pk}", {"version": done.version, "level": "high"}
    )
    assert response.status_code == 403
    assert Assessment.objects.get().level == "medium"


def test_another_agency_that_sees_the_child_cannot_change_the_draft(alice, bob, police, child):
    from mace.people.models import AgencyInvolvement

    AgencyInvolvement.objects.create(child=child, agency=police, reason="allocated")
    assessment = draft(alice, child)
    assert signed_in(bob).get(f"{BASE}/{assessment.pk}").status_code == 200
    response = call(
        signed_in(bob), "patch", f"{BASE}/{assessment.pk}", {"version": 1, "level": "low"}
    )
    assert response.status_code == 403


@pytest.mark.parametrize(
    ("method", "path", "payload"),
    [
        ("get", "/children/{child}", None),
        ("post", "/children/{child}", {}),
        ("get", "/{assessment}", None),
        ("patch", "/{assessment}", {"version": 1, "level": "low"}),
        ("post", "/{assessment}/completion", {"version": 1}),
        ("post", "/{assessment}/sign-off", {"version": 1, "decision": "agreed", "note": "x"}),
    ],
)
def test_outsiders_get_404_like_a_missing_record_and_nothing_is_written(
    alice, outsiders, child, method, path, payload
):
    assessment = draft(alice, child)
    url = BASE + path.format(child=child.pk, assessment=assessment.pk)
    before = counts()
    for outsider in outsiders:
        response = call(signed_in(outsider), method, url, payload)
        assert response.status_code == 404, (outsider.username, response.content)
        assert response.json() == {"detail": "Not found"}
        assert refused_events(outsider, child) == 1
    assert counts() == before
    assert Assessment.objects.get().version == 1


def test_the_reads_run_a_fixed_number_of_queries(alice, child, django_assert_max_num_queries):
    small = draft(alice, child, indicators=[seen("multiple-phones")])
    big = draft(
        alice,
        child,
        indicators=[seen(c) for c in ("multiple-phones", "older-associates", "unknown-keys",
                                      "drug-running", "groomed-online", "sexual-exchange")],
        vulnerabilities=["missing", "looked-after", "learning-disability"],
        factors=["11A", "10A", "24A"],
    )  # fmt: skip
    assessment_complete(actor=alice, assessment=big, version=1, changes=finishing(level="high"))
    client = signed_in(alice)
    for assessment in (small, big):
        # Nine of them are the session, the second factor and the rate limit's counter; two more
        # lock the access log's head and move it on (the hash chain).
        with django_assert_max_num_queries(22):
            assert client.get(f"{BASE}/{assessment.pk}").status_code == 200
    with django_assert_max_num_queries(22):
        assert client.get(f"{BASE}/children/{child.pk}").status_code == 200
    assert Assessment.objects.get(pk=big.pk).status == AssessmentStatus.COMPLETED
