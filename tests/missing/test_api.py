"""The missing episodes API over real HTTP: the allowed user, the outsider (404, logged, nothing
written), bad input (422 with field errors, nothing written) and stale versions (409)."""

from __future__ import annotations

import datetime as dt

import pytest

from mace.access.models import AccessEvent
from mace.missing.models import MissingEpisode, ReturnInterview
from tests.api import API, call, field_errors, refused_events, signed_in
from tests.factories import ChildFactory
from tests.missing import ago, missing_rows, record


def url(child, episode=None, tail=""):
    base = f"{API}/missing/children/{child.pk}/episodes"
    return base + (f"/{episode.pk}" if episode else "") + tail


def test_a_practitioner_records_an_episode_and_reads_it_back(alice, child):
    client = signed_in(alice)
    last_seen = ago(hours=8)  # once: a minute boundary between two readings moves it
    response = call(
        client,
        "post",
        url(child),
        {
            "type": "M",
            "left_at": ago(hours=9).isoformat(),
            "last_seen_at": last_seen.isoformat(),
            "reported_by": "Foster carer",
            "reported_by_agency": "Essex Children and Families (social care)",
            "police_reference": "api/1",
            "looked_after": True,
            "risk_grade": "medium",
            "risk_reason": "First report",
        },
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert dt.datetime.fromisoformat(body["started_at"]) == last_seen
    assert body["police_reference"] == "API/1" and body["is_open"] is True
    assert body["current_grade"] == "medium" and len(body["gradings"]) == 1
    assert body["interview_status"] == "not_due" and body["interview"] is None
    listed = call(client, "get", url(child)).json()
    assert listed["count"] == 1 and listed["items"][0]["id"] == body["id"]
    assert listed["repeat_missing"] == {"episodes": 1, "threshold": 3, "days": 90, "met": False}
    one = call(client, "get", url(child, MissingEpisode.objects.get())).json()
    assert one["reported_by_agency"] == "Essex Children and Families (social care)"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"type": "M", "last_seen_at": "future"}, "last_seen_at"),
        ({"type": "M"}, "left_at"),
        ({"type": "Q", "last_seen_at": "past"}, "type"),
        (
            {"type": "M", "last_seen_at": "past", "ended_at": "before", "end_reason": "found"},
            "ended_at",
        ),
        ({"type": "M", "last_seen_at": "not a time"}, "last_seen_at"),
        (
            {"type": "M", "last_seen_at": "past", "reported_by_agency": "No such agency"},
            "reported_by_agency",
        ),
    ],
)
def test_bad_input_answers_422_with_field_errors_and_writes_nothing(alice, child, body, field):
    moments = {
        "future": (dt.datetime.now(dt.UTC) + dt.timedelta(hours=1)).isoformat(),
        "past": ago(days=1).isoformat(),
        "before": ago(days=2).isoformat(),
    }
    body = {k: moments.get(v, v) if isinstance(v, str) else v for k, v in body.items()}
    before = missing_rows()
    errors = field_errors(call(signed_in(alice), "post", url(child), body))
    assert field in errors, errors
    assert missing_rows() == before


def test_an_overlapping_episode_answers_422(alice, child):
    record(alice, child, last_seen_at=ago(days=3))
    errors = field_errors(
        call(
            signed_in(alice),
            "post",
            url(child),
            {"type": "M", "last_seen_at": ago(days=1).isoformat()},
        )
    )
    assert "overlaps another episode" in errors["__all__"][0]


def test_a_start_before_birth_answers_422(alice, child):
    body = {"type": "M", "last_seen_at": f"{child.dob - dt.timedelta(days=1)}T12:00:00Z"}
    errors = field_errors(call(signed_in(alice), "post", url(child), body))
    assert "after the child's date of birth" in errors["left_at"][0]


def test_closing_an_episode_with_patch_and_a_stale_version_answers_409(alice, child):
    episode = record(alice, child, last_seen_at=ago(days=2))
    client = signed_in(alice)
    closed = call(
        client,
        "patch",
        url(child, episode),
        {
            "version": 1,
            "ended_at": ago(days=1).isoformat(),
            "end_reason": "found",
            "found_where": "A fictional café",
        },
    )
    assert closed.status_code == 200, closed.content
    assert closed.json()["interview_status"] == "due" and closed.json()["version"] == 2
    stale = call(client, "patch", url(child, episode), {"version": 1, "found_with": "Alone"})
    assert stale.status_code == 409
    assert stale.json()["current"]["version"] == 2
    assert MissingEpisode.objects.get().found_with == ""


def test_a_regrading_and_its_422(alice, child):
    episode = record(alice, child, risk_grade="low")
    client = signed_in(alice)
    assert "reason" in field_errors(
        call(client, "post", url(child, episode, "/gradings"), {"grade": "high"})
    )
    response = call(
        client,
        "post",
        url(child, episode, "/gradings"),
        {"grade": "high", "reason": "Seen with older adults"},
    )
    assert response.status_code == 201 and response.json()["grade_label"] == "High"
    assert call(client, "get", url(child, episode)).json()["current_grade"] == "high"


def test_the_interview_is_put_then_read_and_a_stale_put_answers_409(alice, child):
    episode = record(
        alice, child, last_seen_at=ago(days=5), ended_at=ago(days=4), end_reason="found"
    )
    client = signed_in(alice)
    assert call(client, "get", url(child, episode, "/interview")).status_code == 404
    body = {
        "version": None,
        "offered": "Y",
        "accepted": "Y",
        "held_at": ago(days=3).isoformat(),
        "interviewer": "alice",
        "independent": False,
        "child_account": "Stayed at a fictional friend's flat.",
        "people_named": ["'Dex'"],
        "places_named": ["A flat on Moonpenny Lane"],
    }
    created = call(client, "put", url(child, episode, "/interview"), body)
    assert created.status_code == 200, created.content
    assert created.json()["people_named"] == ["'Dex'"] and created.json()["version"] == 1
    read = call(client, "get", url(child, episode, "/interview")).json()
    assert read["interviewer"] == "alice" and read["independent"] is False
    again = call(client, "put", url(child, episode, "/interview"), body)  # version null again
    assert again.status_code == 409 and again.json()["current"]["version"] == 1
    changed = call(
        client,
        "put",
        url(child, episode, "/interview"),
        {**body, "version": 1, "independent": True},
    )
    assert changed.status_code == 200 and changed.json()["version"] == 2
    assert call(client, "get", url(child, episode)).json()["interview_status"] == "held"


def test_bad_interview_input_answers_422(alice, child):
    episode = record(
        alice, child, last_seen_at=ago(days=5), ended_at=ago(days=4), end_reason="found"
    )
    errors = field_errors(
        call(
            signed_in(alice),
            "put",
            url(child, episode, "/interview"),
            {
                "offered": "Y",
                "accepted": "Y",
                "held_at": ago(days=3).isoformat(),
                "interviewer": "nobody-fictional",
            },
        )
    )
    assert errors == {"interviewer": ["No user has this username"]}
    assert not ReturnInterview.objects.exists()


def test_an_episode_id_cannot_reach_another_childs_episode(alice, child, csc):
    other = ChildFactory(involved=[csc])
    theirs = record(alice, other)
    client = signed_in(alice)
    assert call(client, "get", url(child, theirs)).status_code == 404
    assert (
        call(client, "patch", url(child, theirs), {"version": 1, "found_with": "x"}).status_code
        == 404
    )


def test_every_outsider_gets_404_and_it_is_logged(outsiders, alice, child):
    episode = record(alice, child)
    before = missing_rows()
    for user in outsiders:
        client = signed_in(user)
        for method, path, body in [
            ("get", url(child), None),
            ("post", url(child), {"type": "M", "last_seen_at": ago(hours=1).isoformat()}),
            ("get", url(child, episode), None),
            ("post", url(child, episode, "/gradings"), {"grade": "high", "reason": "x"}),
        ]:
            response = call(client, method, path, body)
            assert response.status_code == 404, (user.username, path)
            assert response.json() == {"detail": "Not found"}
        assert refused_events(user, child) == 4
    assert missing_rows() == before


def test_reading_an_episode_logs_which_episode(alice, child):
    episode = record(alice, child)
    call(signed_in(alice), "get", url(child, episode))
    event = AccessEvent.objects.filter(user=alice, object_type="missing.missingepisode").get()
    assert event.object_id == str(episode.pk)
