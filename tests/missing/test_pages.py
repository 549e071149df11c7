"""The missing pages through the whole middleware stack: the child's section and the repeat
flag, recording (and refusing) an episode, closing, regrading, correcting with a stale version,
the return interview with its draft, the dashboard panels, and bounded query counts."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from mace.core.drafts import draft_save
from mace.missing.models import MissingEpisode, ReturnInterview, RiskGrading
from mace.missing.services import episode_update
from mace.people.models import ChronologyEntry
from tests.missing import ago, missing_rows, record
from tests.pages import assert_error_summary, assert_sign_in_redirect, refused_events


def moment(name, value):
    """The date boxes and time box of a moment, as a browser posts them (in UK time)."""
    local = timezone.localtime(value)
    return {
        f"{name}-day": str(local.day),
        f"{name}-month": str(local.month),
        f"{name}-year": str(local.year),
        f"{name}_time": f"{local:%H:%M}",
    }


def test_the_childs_page_shows_the_section_and_the_repeat_flag(client, alice, child):
    for days in (40, 20, 10):
        record(
            alice,
            child,
            last_seen_at=ago(days=days),
            ended_at=ago(days=days - 1),
            end_reason="returned",
        )
    client.force_login(alice)
    html = client.get(reverse("people:detail", args=[child.pk])).content.decode()
    assert "Missing episodes" in html
    assert "Repeat missing: 3 episodes in the last 90 days" in html
    assert reverse("missing:child_episodes", args=[child.pk]) in html
    assert reverse("missing:episode_record", args=[child.pk]) in html


def test_the_childs_section_is_bounded_to_the_latest_five(client, alice, child):
    for n in range(8):
        days = 200 - n * 20
        record(
            alice,
            child,
            last_seen_at=ago(days=days),
            ended_at=ago(days=days - 1),
            end_reason="found",
        )
    client.force_login(alice)
    response = client.get(reverse("people:detail", args=[child.pk]))
    assert len(response.context["missing"].episodes) == 5
    assert "All 8 missing episodes" in response.content.decode()


EPISODE_PAGES_QUERIES = 17


@pytest.mark.parametrize("length", [3, 30])
def test_the_episode_list_runs_a_fixed_number_of_queries(
    client, alice, child, length, django_assert_max_num_queries
):
    start = ago(days=400)
    for n in range(length):
        first = start + dt.timedelta(days=n * 10)
        episode = record(
            alice,
            child,
            last_seen_at=first,
            ended_at=first + dt.timedelta(hours=5),
            end_reason="found",
            risk_grade="low",
        )
        if n % 2:
            ReturnInterview.objects.create(
                episode=episode, offered="Y", accepted="N", agency=alice.agency, recorded_by=alice
            )
    client.force_login(alice)
    # Each access event locks its log's head and moves it on (the hash chain): two queries more
    # than the event itself, and the episode page writes two events (the child, the episode).
    with django_assert_max_num_queries(EPISODE_PAGES_QUERIES):
        response = client.get(reverse("missing:child_episodes", args=[child.pk]))
    assert response.status_code == 200
    with django_assert_max_num_queries(EPISODE_PAGES_QUERIES):
        detail = client.get(
            reverse("missing:episode_detail", args=[child.pk, MissingEpisode.objects.first().pk])
        )
    assert detail.status_code == 200


def test_recording_an_episode(client, alice, child):
    client.force_login(alice)
    last_seen = ago(hours=5)  # once: the minute may turn while the test runs
    data = {
        "type": "M",
        **moment("left_at", ago(hours=6)),
        **moment("last_seen_at", last_seen),
        "looked_after": "yes",
        "reported_by": "Residential home staff",
        **moment("reported_at", ago(hours=4)),
        "police_reference": "pg/1",
        "risk_grade": "high",
    }
    response = client.post(reverse("missing:episode_record", args=[child.pk]), data)
    episode = MissingEpisode.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("missing:episode_detail", args=[child.pk, episode.pk])
    assert episode.started_at == last_seen and episode.looked_after
    assert RiskGrading.objects.get().grade == "high"
    page = client.get(response["Location"]).content.decode()
    assert "Still missing" in page and "Record found or returned" in page


def test_bad_input_re_renders_with_the_error_summary_keeps_what_was_typed_and_writes_nothing(
    client, alice, child
):
    client.force_login(alice)
    before = missing_rows()
    data = {
        "type": "M",
        **moment("last_seen_at", ago(hours=5)),
        **moment("ended_at", ago(hours=7)),
        "end_reason": "found",
        "found_where": "A fictional park",
        "left_at_time": "25:99",
        "left_at-day": "1",
        "left_at-month": "1",
        "left_at-year": "2026",
    }
    response = client.post(reverse("missing:episode_record", args=[child.pk]), data)
    assert response.status_code == 200
    html = response.content.decode()
    assert_error_summary(html, "left_at_time")
    assert "like 14:30" in html
    assert 'value="A fictional park"' in html
    assert missing_rows() == before
    data["left_at_time"] = "9:15pm"
    data.update({"left_at-day": "", "left_at-month": "", "left_at-year": "", "left_at_time": ""})
    html = client.post(reverse("missing:episode_record", args=[child.pk]), data).content.decode()
    assert_error_summary(html, "ended_at-day")
    assert "must be after the episode started" in html
    assert missing_rows() == before


def test_closing_regrading_and_the_interview_with_its_draft(client, alice, child):
    episode = record(alice, child, last_seen_at=ago(days=3), risk_grade="low")
    client.force_login(alice)
    base = [child.pk, episode.pk]
    response = client.post(
        reverse("missing:episode_close", args=base),
        {
            **moment("ended_at", ago(days=2)),
            "end_reason": "found",
            "found_where": "A hotel",
            "version": "1",
        },
    )
    assert response.status_code == 302
    response = client.post(
        reverse("missing:episode_regrade", args=base),
        {"grade": "medium", **moment("graded_at", ago(days=2, hours=3)), "reason": "New info"},
    )
    assert response.status_code == 302
    assert RiskGrading.objects.filter(episode=episode).count() == 2
    key = f"interview:episode:{episode.pk}"
    draft_save(user=alice, key=key, data={"child_account": ["Half-typed account (fictional)"]})
    html = client.get(reverse("missing:interview", args=base)).content.decode()
    assert "Draft restored" in html and "Half-typed account (fictional)" in html
    response = client.post(
        reverse("missing:interview", args=base),
        {
            "offered": "Y",
            "accepted": "Y",
            **moment("held_at", ago(days=1)),
            "interviewer": str(alice.pk),
            "independent": "yes",
            "child_account": "Said she went to a party (fictional).",
            "people_named": "'Dex'\n\n'Kiki'\n",
            "places_named": "A flat on Moonpenny Lane",
            "version": "",
        },
    )
    assert response.status_code == 302, response.content.decode()
    interview = ReturnInterview.objects.get()
    assert interview.people_named == ["'Dex'", "'Kiki'"] and interview.independent is True
    html = client.get(reverse("missing:episode_detail", args=base)).content.decode()
    assert "Held within 72 hours" in html and "A flat on Moonpenny Lane" in html
    assert (
        "Draft restored" not in client.get(reverse("missing:interview", args=base)).content.decode()
    )


def test_a_stale_correction_shows_both_versions_and_keeps_what_was_typed(client, alice, child):
    episode = record(alice, child, last_seen_at=ago(days=3))
    client.force_login(alice)
    form = client.get(reverse("missing:episode_edit", args=[child.pk, episode.pk]))
    assert form.status_code == 200
    episode_update(actor=alice, episode=episode, version=1, changes={"reported_by": "Carer A"})
    response = client.post(
        reverse("missing:episode_edit", args=[child.pk, episode.pk]),
        {
            "type": "M",
            **moment("last_seen_at", ago(days=3)),
            "reported_by": "Carer B",
            "looked_after": "no",
            "version": "1",
        },
    )
    html = response.content.decode()
    assert "Someone else changed this record while you were editing" in html
    assert "Carer A" in html and 'value="Carer B"' in html
    assert MissingEpisode.objects.get().reported_by == "Carer A"


def test_the_dashboard_shows_the_flag_and_overdue_interviews(client, alice, child):
    for days in (40, 20, 10):
        record(
            alice,
            child,
            last_seen_at=ago(days=days),
            ended_at=ago(days=days - 1),
            end_reason="returned",
        )
    client.force_login(alice)
    html = client.get(reverse("dashboard:home")).content.decode()
    assert "Children meeting the repeat missing rule" in html
    assert "Return home interviews overdue" in html
    assert "Zephyrine Testington" in html


def test_anonymous_and_the_outsider(client, outsiders, alice, child):
    episode = record(alice, child)
    paths = [
        reverse("missing:child_episodes", args=[child.pk]),
        reverse("missing:episode_record", args=[child.pk]),
        reverse("missing:episode_detail", args=[child.pk, episode.pk]),
        reverse("missing:interview", args=[child.pk, episode.pk]),
    ]
    for path in paths:
        assert_sign_in_redirect(client.get(path))
    before = missing_rows()
    for user in outsiders:
        client.force_login(user)
        for path in paths:
            assert client.get(path).status_code == 404
            assert client.post(path, {"type": "M"}).status_code == 404
        assert refused_events(user, child) == 2 * len(paths)
    assert missing_rows() == before
    assert not ChronologyEntry.objects.filter(author__in=outsiders).exists()
