"""The MACE meetings API over real HTTP (mace.meetings.api): each write's happy path, bad input
(422 with field errors, nothing written), the refusals (404 to whoever may not read the meeting
or action, as for one that does not exist; 403 to a reader who may not do it) and stale versions
(409 with the record as it is now). The route walks (tests/api, tests/access) add the anonymous
caller, tokens, CSRF and every role."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from mace.access.choices import AccessAction, AccessChannel
from mace.access.models import AccessEvent
from mace.accounts.choices import Role
from mace.meetings import services
from mace.meetings.models import (
    Action,
    ActionUpdate,
    AgendaItem,
    Discussion,
    Meeting,
    MinutesAmendment,
    Threat,
)
from mace.people.models import ChronologyEntry
from mace.reference.models import Quadrant
from tests.api import allowed_events, call, field_errors, refused_events, signed_in
from tests.factories import ChildFactory, UserFactory, agency
from tests.intelligence import intelligence_world
from tests.meetings import BASILDON_DC, DISCUSSED, meetings_world, south, today

M = "/api/v1/meetings"
NOT_FOUND = {"detail": "Not found"}


@pytest.fixture
def w(alice, child):  # type: ignore[no-untyped-def]
    """South's meetings in every state (tests/meetings/routes.build_world), run by a panel
    member of alice's agency (w.runner)."""
    return meetings_world(alice, child, intelligence_world(alice))


@pytest.fixture
def panel(w):  # type: ignore[no-untyped-def]
    return signed_in(w.runner)


def rows() -> dict[str, int]:
    """What the meetings writes can add to, to show a refused write wrote nothing."""
    return {
        model.__name__: model.objects.count()
        for model in (
            Meeting,
            AgendaItem,
            Discussion,
            Threat,
            Action,
            ActionUpdate,
            MinutesAmendment,
            ChronologyEntry,
            Meeting.history.model,
            AgendaItem.history.model,
            Discussion.history.model,
            Action.history.model,
        )
    }


def version(model: Any, pk: int) -> int:
    return int(model.objects.values_list("version", flat=True).get(pk=pk))


def coordinator_only() -> Any:
    """South's coordinator, who runs its meetings but is no chair (no sign-off)."""
    return UserFactory(
        username="coordinator",
        agency=agency("Essex Children and Families (social care)"),
        quadrant=south(),
        roles=[Role.MACE_COORDINATOR],
    )


def north_chair() -> Any:
    """A MACE chair of another quadrant, in another agency."""
    return UserFactory(
        username="north-chair",
        agency=agency("Essex Police"),
        quadrant=Quadrant.objects.get(code="north"),
        roles=[Role.MACE_CHAIR, Role.PRACTITIONER],
    )


# --- reading ----------------------------------------------------------------------------------


def test_the_panel_reads_the_meeting_with_its_agenda_discussion_and_actions(w, panel, child):
    response = panel.get(f"{M}/{w.meeting.pk}")
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["quadrant"], body["part"], body["status"]) == ("south", 1, "held")
    assert body["version"] == version(Meeting, w.meeting.pk)
    [item] = body["agenda"]
    assert item["child"] == {"id": child.pk, "name": child.full_name}
    assert item["discussion"]["decision"] == "stay"
    assert item["discussion"]["plan"] == DISCUSSED["plan"]
    [action] = body["actions"]
    assert action["description"] == "Arrange a joint visit (fictional)."
    assert action["child"] == {"id": child.pk, "name": child.full_name}
    assert w.runner.display_name in body["chairs"]
    assert [m["username"] for m in body["members"]] == [w.runner.username]
    # The child appeared in what the panel member read: that is logged as a listing.
    assert (
        AccessEvent.objects.filter(
            user=w.runner, child=child, action=AccessAction.LIST, channel=AccessChannel.API
        ).count()
        == 1
    )


def test_the_meetings_list_filters_by_part_and_status(w, panel):
    response = panel.get(f"{M}?quadrant=south&part=1&status=scheduled")
    assert response.status_code == 200
    ids = {m["id"] for m in response.json()["items"]}
    assert ids == {w.open.pk, w.empty.pk, w.spare.pk, w.to_cancel.pk}
    assert response.json()["count"] == 4
    assert field_errors(panel.get(f"{M}?status=adjourned")) == {
        "status": ["Choose one of scheduled, agenda_frozen, held, signed_off, cancelled"]
    }


def test_someone_whose_roles_never_bring_them_to_mace_gets_403_for_the_lists(w, board):
    client = signed_in(board)
    assert client.get(M).status_code == 403
    assert client.get(f"{M}/actions").status_code == 403


@pytest.mark.parametrize("who", ["bob", "north_chair"])
def test_an_outsider_gets_404_for_a_meeting_as_for_one_that_does_not_exist(w, who, request):
    outsider = north_chair() if who == "north_chair" else request.getfixturevalue("bob")
    client = signed_in(outsider)
    for meeting in (w.meeting, w.part2, w.signed):
        response = client.get(f"{M}/{meeting.pk}")
        assert response.status_code == 404
        assert response.json() == NOT_FOUND
    assert client.get(f"{M}/999999").json() == NOT_FOUND
    assert client.get(M).json()["count"] == 0
    # Nor can they write to it: 404 before anything is looked at, and nothing written.
    before = rows()
    response = call(client, "post", f"{M}/{w.open.pk}/agenda/freeze", {"version": w.open.version})
    assert response.status_code == 404
    assert rows() == before


def test_a_district_officer_works_on_their_action_without_seeing_the_child(w, district, child):
    about_the_child = services.action_create(
        actor=w.runner,
        meeting=w.meeting,
        description="Check the hotel's guest register for the child (fictional).",
        owner_agency=agency(BASILDON_DC),
        due_on=today() + dt.timedelta(days=5),
        item=w.item,
    )
    client = signed_in(district)
    listed = client.get(f"{M}/actions")
    assert listed.status_code == 200
    assert {a["id"] for a in listed.json()["items"]} == {w.district_action.pk, about_the_child.pk}
    read = client.get(f"{M}/actions/{about_the_child.pk}")
    assert read.status_code == 200
    assert read.json()["child"] is None and read.json()["about_a_child"] is True
    for response in (listed, read):
        assert child.full_name not in response.content.decode()
        assert child.surname not in response.content.decode()
    assert not AccessEvent.objects.filter(user=district, child=child).exists()
    # The action's own meeting (part 1, about children) and the other agency's action: 404.
    assert client.get(f"{M}/{w.meeting.pk}").status_code == 404
    assert client.get(f"{M}/actions/{w.action.pk}").status_code == 404
    # They update their own.
    updated = call(
        client,
        "post",
        f"{M}/actions/{w.district_action.pk}/updates",
        {
            "version": w.district_action.version,
            "status": "in_progress",
            "note": "Licensing visit booked (fictional).",
        },
    )
    assert updated.status_code == 201, updated.content
    assert updated.json()["status"] == "in_progress"
    assert updated.json()["updates"][0]["agency"] == BASILDON_DC


def test_the_actions_list_filters_open_overdue_and_all(w, panel):
    Action.objects.filter(pk=w.action.pk).update(due_on=today() - dt.timedelta(days=1))
    Action.objects.filter(pk=w.district_action.pk).update(status="done")
    assert {a["id"] for a in panel.get(f"{M}/actions").json()["items"]} == {w.action.pk}
    overdue = panel.get(f"{M}/actions?status=overdue").json()["items"]
    assert [(a["id"], a["overdue"]) for a in overdue] == [(w.action.pk, True)]
    everything = panel.get(f"{M}/actions?status=all").json()
    assert {a["id"] for a in everything["items"]} == {w.action.pk, w.district_action.pk}
    assert field_errors(panel.get(f"{M}/actions?status=late")) == {
        "status": ["Choose open, overdue or all"]
    }


# --- scheduling -------------------------------------------------------------------------------


def schedule_body(**overrides: Any) -> dict[str, Any]:
    return {
        "quadrant": "south",
        "part": 2,
        "starts_at": (timezone.now() + dt.timedelta(days=20)).isoformat(),
        "place": "Basildon Centre (fictional)",
        "invited_agency_ids": [agency(BASILDON_DC).pk],
        **overrides,
    }


def test_the_panel_schedules_a_meeting(w, panel):
    response = call(panel, "post", M, schedule_body())
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["part"], body["status"]) == (2, "scheduled")
    assert body["place"] == "Basildon Centre (fictional)"
    assert body["invited_agencies"] == [BASILDON_DC]
    assert body["coordinator"] == w.runner.display_name
    assert Meeting.objects.filter(pk=body["id"], quadrant__code="south").exists()


def test_scheduling_refuses_bad_input_and_writes_nothing(w, panel):
    before = rows()
    past = (timezone.now() - dt.timedelta(days=1)).isoformat()
    response = call(panel, "post", M, schedule_body(starts_at=past, part=3))
    assert field_errors(response) == {
        "part": ["Choose part 1 or part 2"],
        "starts_at": ["A meeting cannot be scheduled in the past"],
    }
    response = call(panel, "post", M, schedule_body(quadrant="atlantis"))
    assert field_errors(response) == {"quadrant": ["Choose a quadrant by its code, like south"]}
    response = call(panel, "post", M, schedule_body(invited_agency_ids=[999999]))
    assert "invited_agency_ids" in field_errors(response)
    assert rows() == before


def test_only_the_quadrants_panel_schedules_its_meetings(w, alice):
    before = rows()
    response = call(signed_in(alice), "post", M, schedule_body())
    assert response.status_code == 403
    assert rows() == before


# --- the part 1 agenda ------------------------------------------------------------------------


def test_drafting_answers_the_agenda(w, panel, child):
    response = call(panel, "post", f"{M}/{w.open.pk}/agenda/draft")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["added"] == 0
    assert [i["child"]["id"] for i in body["items"]] == [child.pk]


def test_a_part_2_agenda_is_not_drafted(w, panel):
    before = rows()
    response = call(panel, "post", f"{M}/{w.part2.pk}/agenda/draft")
    assert field_errors(response) == {
        "__all__": ["A part 2 meeting discusses threats, not individual children"]
    }
    assert rows() == before


def test_the_panel_puts_a_child_on_the_agenda(w, panel, child):
    response = call(
        panel,
        "post",
        f"{M}/{w.empty.pk}/agenda/items",
        {"child_id": child.pk, "detail": "Raised by her school (fictional)."},
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["child"] == {"id": child.pk, "name": child.full_name}
    assert body["reasons"] == ["added"] and body["detail"] == "Raised by her school (fictional)."
    assert AgendaItem.objects.filter(meeting=w.empty, child=child).exists()


def test_a_child_already_on_the_agenda_is_refused(w, panel, child):
    before = rows()
    response = call(panel, "post", f"{M}/{w.open.pk}/agenda/items", {"child_id": child.pk})
    assert field_errors(response) == {"child_id": [f"{child.full_name} is already on this agenda"]}
    assert rows() == before


def test_a_child_the_panel_may_not_see_answers_404_and_is_logged(w, panel):
    stranger = ChildFactory(forename="Oriel", surname="Nobodyson", involved=[agency(BASILDON_DC)])
    before = rows()
    response = call(panel, "post", f"{M}/{w.empty.pk}/agenda/items", {"child_id": stranger.pk})
    assert response.status_code == 404
    assert response.json() == NOT_FOUND
    assert refused_events(w.runner, stranger) == 1
    assert rows() == before


def test_the_panel_takes_a_child_off_the_agenda(w, panel):
    response = call(
        panel,
        "post",
        f"{M}/{w.spare.pk}/agenda/items/{w.spare_item.pk}/removal",
        {"reason": "Discussed at the strategy meeting (fictional)."},
    )
    assert response.status_code == 201, response.content
    assert response.json()["removed"] is True
    assert response.json()["removed_reason"] == "Discussed at the strategy meeting (fictional)."


def test_taking_a_child_off_needs_a_reason_and_the_items_meeting(w, panel):
    before = rows()
    path = f"{M}/{w.spare.pk}/agenda/items/{w.spare_item.pk}/removal"
    assert field_errors(call(panel, "post", path, {"reason": " "})) == {
        "reason": ["Say why the child comes off the agenda"]
    }
    # An item of another meeting is not found through this one.
    other = f"{M}/{w.open.pk}/agenda/items/{w.spare_item.pk}/removal"
    assert call(panel, "post", other, {"reason": "Fictional"}).status_code == 404
    assert rows() == before
    assert AgendaItem.objects.get(pk=w.spare_item.pk).removed_at is None


def test_the_panel_freezes_the_agenda(w, panel):
    response = call(panel, "post", f"{M}/{w.open.pk}/agenda/freeze", {"version": w.open.version})
    assert response.status_code == 201, response.content
    assert response.json()["status"] == "agenda_frozen"
    assert response.json()["agenda_frozen_at"] is not None
    assert response.json()["version"] == w.open.version + 1


def test_freezing_a_stale_copy_answers_409_with_the_meeting_as_it_is(w, panel):
    # Someone else saved the meeting after this copy was read.
    Meeting.objects.filter(pk=w.open.pk).update(version=w.open.version + 1)
    before = rows()
    response = call(panel, "post", f"{M}/{w.open.pk}/agenda/freeze", {"version": w.open.version})
    assert response.status_code == 409
    body = response.json()
    assert body["current"]["version"] == w.open.version + 1
    assert body["current"]["status"] == "scheduled"
    assert body["errors"][0]["field"] == "version"
    assert rows() == before


def test_an_empty_agenda_is_not_frozen(w, panel):
    before = rows()
    response = call(panel, "post", f"{M}/{w.empty.pk}/agenda/freeze", {"version": w.empty.version})
    assert field_errors(response) == {
        "__all__": ["Put at least one child on the agenda before freezing it"]
    }
    assert rows() == before


# --- at the meeting ---------------------------------------------------------------------------


def discussion_path(w: Any) -> str:
    return f"{M}/{w.meeting.pk}/agenda/items/{w.item.pk}/discussion"


def test_the_panel_corrects_a_discussion(w, panel):
    body = {**DISCUSSED, "plan": "Twice-weekly visits (fictional).", "version": 1}
    response = call(panel, "put", discussion_path(w), body)
    assert response.status_code == 200, response.content
    assert response.json()["plan"] == "Twice-weekly visits (fictional)."
    assert response.json()["version"] == 2
    assert Discussion.objects.get(pk=w.discussion.pk).plan == "Twice-weekly visits (fictional)."


def test_the_panel_records_a_first_discussion(w, panel, child):
    meeting = services.agenda_freeze(actor=w.runner, meeting=w.open, version=w.open.version)
    path = f"{M}/{meeting.pk}/agenda/items/{w.open_item.pk}/discussion"
    response = call(panel, "put", path, {**DISCUSSED, "decision": "step_down"})
    assert response.status_code == 200, response.content
    assert response.json()["decision_label"] == "Step down to the single-agency plan"
    assert Meeting.objects.get(pk=meeting.pk).status == "held"


def test_a_discussion_with_bad_values_is_refused(w, panel):
    before = rows()
    body = {**DISCUSSED, "agreed_level": "extreme", "plan": "", "decision": "maybe", "version": 1}
    assert set(field_errors(call(panel, "put", discussion_path(w), body))) == {
        "agreed_level",
        "plan",
        "decision",
    }
    # Changing one already recorded needs its version.
    assert field_errors(call(panel, "put", discussion_path(w), DISCUSSED)) == {
        "version": ["This discussion is already recorded: send its version"]
    }
    assert rows() == before


def test_a_stale_discussion_answers_409_with_it_as_it_is(w, panel):
    services.discussion_record(
        actor=w.runner, item=w.item, data={**DISCUSSED, "plan": "Changed first"}, version=1
    )
    before = rows()
    body = {**DISCUSSED, "plan": "Changed second (fictional)", "version": 1}
    response = call(panel, "put", discussion_path(w), body)
    assert response.status_code == 409
    assert response.json()["current"]["plan"] == "Changed first"
    assert response.json()["current"]["version"] == 2
    assert rows() == before


def test_the_panel_adds_a_threat_to_a_part_2_meeting(w, panel, alice):
    record = w.threat.record
    response = call(
        panel,
        "post",
        f"{M}/{w.part2.pk}/threats",
        {"title": "", "record_id": record.pk, "discussion": "Map who attends (fictional)."},
    )
    assert response.status_code == 201, response.content
    assert response.json()["record_id"] == record.pk
    assert response.json()["title"] == str(record)
    assert response.json()["position"] == 2


def test_a_threat_is_refused_on_part_1_or_with_an_unknown_record(w, panel):
    before = rows()
    part1 = call(panel, "post", f"{M}/{w.meeting.pk}/threats", {"title": "Parties"})
    assert field_errors(part1) == {"__all__": ["Threats are discussed at part 2 meetings"]}
    unknown = call(panel, "post", f"{M}/{w.part2.pk}/threats", {"record_id": 999999})
    assert field_errors(unknown) == {"record_id": ["No such record"]}
    untitled = call(panel, "post", f"{M}/{w.part2.pk}/threats", {"title": " "})
    assert field_errors(untitled) == {"title": ["Enter what the threat is, or choose its record"]}
    assert rows() == before


def action_body(w: Any, **overrides: Any) -> dict[str, Any]:
    return {
        "description": "Share the school's attendance record (fictional).",
        "owner_agency_id": agency("Essex Schools and Inclusion").pk,
        "due_on": str(today() + dt.timedelta(days=7)),
        "item_id": w.item.pk,
        **overrides,
    }


def test_the_panel_gives_an_agency_an_action_about_a_child(w, panel, child):
    response = call(panel, "post", f"{M}/{w.meeting.pk}/actions", action_body(w))
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["owner_agency"] == "Essex Schools and Inclusion"
    assert body["child"] == {"id": child.pk, "name": child.full_name}
    assert (body["status"], body["overdue"], body["meeting"]["id"]) == (
        "open",
        False,
        w.meeting.pk,
    )
    assert allowed_events(w.runner, child, AccessAction.LIST) == 1


def test_an_action_with_bad_values_is_refused(w, panel):
    before = rows()
    bad = action_body(
        w, description="", due_on=str(today() - dt.timedelta(days=1)), owner_agency_id=None
    )
    assert field_errors(call(panel, "post", f"{M}/{w.meeting.pk}/actions", bad)) == {
        "description": ["Enter what the agency is to do"],
        "owner_agency_id": ["Choose the agency that owns the action"],
        "due_on": ["The due date cannot be in the past"],
    }
    # A child on another meeting's agenda, or a person of another agency.
    other_item = action_body(w, item_id=w.signed_item.pk)
    assert field_errors(call(panel, "post", f"{M}/{w.meeting.pk}/actions", other_item)) == {
        "item_id": ["Choose a child on this meeting's agenda"]
    }
    stranger = action_body(w, owner_id=w.runner.pk)
    assert set(field_errors(call(panel, "post", f"{M}/{w.meeting.pk}/actions", stranger))) == {
        "owner_id"
    }
    assert rows() == before


# --- minutes ----------------------------------------------------------------------------------


def test_a_chair_signs_the_minutes_off(w, panel, child):
    entries = ChronologyEntry.objects.filter(child=child).count()
    response = call(
        panel, "post", f"{M}/{w.meeting.pk}/sign-off", {"version": version(Meeting, w.meeting.pk)}
    )
    assert response.status_code == 201, response.content
    assert response.json()["status"] == "signed_off"
    assert response.json()["signed_off_by"] == w.runner.display_name
    # The child's decision went to their chronology.
    assert ChronologyEntry.objects.filter(child=child).count() == entries + 1


def test_the_coordinator_who_is_no_chair_gets_403_for_sign_off_and_amendment(w):
    client = signed_in(coordinator_only())
    before = rows()
    sign_off = call(
        client, "post", f"{M}/{w.meeting.pk}/sign-off", {"version": version(Meeting, w.meeting.pk)}
    )
    assert sign_off.status_code == 403
    amend = call(
        client, "post", f"{M}/{w.signed.pk}/amendments", {"text": "Fictional", "reason": "Typo"}
    )
    assert amend.status_code == 403
    assert rows() == before
    # They read the meeting (403, not 404: it is no secret from them).
    assert client.get(f"{M}/{w.meeting.pk}").status_code == 200


def test_a_stale_sign_off_answers_409(w, panel):
    stale = version(Meeting, w.meeting.pk) - 1
    before = rows()
    response = call(panel, "post", f"{M}/{w.meeting.pk}/sign-off", {"version": stale})
    assert response.status_code == 409
    assert response.json()["current"]["status"] == "held"
    assert rows() == before


def test_signing_off_with_a_child_undecided_is_refused(w, panel):
    meeting = services.agenda_freeze(actor=w.runner, meeting=w.open, version=w.open.version)
    before = rows()
    response = call(panel, "post", f"{M}/{meeting.pk}/sign-off", {"version": meeting.version})
    assert list(field_errors(response)) == ["__all__"]
    assert rows() == before


def test_a_chair_amends_signed_off_minutes(w, panel):
    body = {"text": "The plan is twice-weekly (fictional).", "reason": "Said weekly in error"}
    response = call(panel, "post", f"{M}/{w.signed.pk}/amendments", body)
    assert response.status_code == 201, response.content
    assert response.json()["text"] == body["text"]
    assert response.json()["author"] == w.runner.display_name
    amendments = panel.get(f"{M}/{w.signed.pk}").json()["amendments"]
    assert [a["reason"] for a in amendments] == ["Said weekly in error"]


def test_an_amendment_needs_a_reason_and_signed_off_minutes(w, panel):
    before = rows()
    no_reason = call(panel, "post", f"{M}/{w.signed.pk}/amendments", {"text": "Fictional"})
    assert field_errors(no_reason) == {"reason": ["Say why the minutes change"]}
    unsigned = call(
        panel, "post", f"{M}/{w.meeting.pk}/amendments", {"text": "Fictional", "reason": "Typo"}
    )
    assert field_errors(unsigned) == {
        "__all__": ["The minutes are not signed off yet: change them directly"]
    }
    assert rows() == before


# --- action updates ---------------------------------------------------------------------------


def update_path(action: Any) -> str:
    return f"{M}/actions/{action.pk}/updates"


def test_an_update_with_bad_values_is_refused(w, panel):
    before = rows()
    body = {"version": w.action.version, "status": "finished", "note": ""}
    assert field_errors(call(panel, "post", update_path(w.action), body)) == {
        "status": ["Choose the action's status"],
        "note": ["Enter what has been done"],
    }
    assert rows() == before


def test_a_stale_update_answers_409_with_the_action_as_it_is(w, panel):
    services.action_update_add(
        actor=w.runner, action=w.action, version=1, status="in_progress", note="Started"
    )
    before = rows()
    body = {"version": 1, "status": "done", "note": "Visit made (fictional)."}
    response = call(panel, "post", update_path(w.action), body)
    assert response.status_code == 409
    current = response.json()["current"]
    assert (current["status"], current["version"]) == ("in_progress", 2)
    assert [u["note"] for u in current["updates"]] == ["Started"]
    assert rows() == before


def test_an_outsider_gets_404_for_an_action(w, bob):
    client = signed_in(bob)
    before = rows()
    assert client.get(f"{M}/actions/{w.action.pk}").json() == NOT_FOUND
    body = {"version": 1, "status": "done", "note": "Fictional"}
    assert call(client, "post", update_path(w.action), body).status_code == 404
    assert client.get(f"{M}/actions").json()["count"] == 0
    assert rows() == before


def test_a_member_who_may_not_see_the_child_reads_the_pack_without_their_name(w, bob, child):
    services.member_add(actor=w.runner, meeting=w.meeting, agency=None, user=bob)
    response = signed_in(bob).get(f"{M}/{w.meeting.pk}")
    assert response.status_code == 200, response.content
    [item] = response.json()["agenda"]
    assert item["child"] is None
    assert item["discussion"]["decision"] == "stay"
    assert response.json()["actions"][0]["child"] is None
    assert child.surname not in response.content.decode()
    assert not AccessEvent.objects.filter(user=bob, child=child).exists()


def every_write(w: Any, child: Any) -> list[tuple[str, str, dict[str, Any]]]:
    meeting = f"{M}/{w.meeting.pk}"
    return [
        ("post", f"{M}/{w.open.pk}/agenda/draft", {}),
        ("post", f"{M}/{w.empty.pk}/agenda/items", {"child_id": child.pk}),
        ("post", f"{M}/{w.spare.pk}/agenda/items/{w.spare_item.pk}/removal", {"reason": "Fict"}),
        ("post", f"{M}/{w.open.pk}/agenda/freeze", {"version": w.open.version}),
        ("put", f"{meeting}/agenda/items/{w.item.pk}/discussion", {**DISCUSSED, "version": 1}),
        ("post", f"{M}/{w.part2.pk}/threats", {"title": "Parties (fictional)"}),
        ("post", f"{meeting}/actions", action_body(w)),
        ("post", f"{meeting}/sign-off", {"version": version(Meeting, w.meeting.pk)}),
        ("post", f"{M}/{w.signed.pk}/amendments", {"text": "Fictional", "reason": "Typo"}),
        ("post", update_path(w.action), {"version": 1, "status": "done", "note": "Fictional"}),
    ]


def test_every_write_answers_404_to_another_quadrants_chair_and_writes_nothing(w, child):
    client = signed_in(north_chair())
    before = rows()
    for method, path, body in every_write(w, child):
        response = call(client, method, path, body)
        assert response.status_code == 404, (path, response.content)
        assert response.json() == NOT_FOUND
    assert rows() == before


def test_a_meeting_is_cancelled_with_a_reason_before_its_agenda_freezes(db, csc, child):
    from mace.meetings.choices import MeetingStatus
    from tests.api import API, signed_in
    from tests.meetings import a_meeting, frozen_with, panel_member

    runner = panel_member(csc, username="cancel-runner")
    meeting = a_meeting(runner)
    client = signed_in(runner)
    url = f"{API}/meetings/{meeting.pk}/cancellation"
    refused = client.post(url, {"version": meeting.version, "reason": ""}, "application/json")
    assert refused.status_code == 422
    assert refused.json()["errors"] == [
        {"field": "reason", "message": "Say why the meeting is cancelled"}
    ]
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.SCHEDULED
    done = client.post(
        url, {"version": meeting.version, "reason": "Snow (fictional)"}, "application/json"
    )
    assert done.status_code == 201 and done.json()["status"] == MeetingStatus.CANCELLED
    frozen, _ = frozen_with(runner, child, days=9)
    late = client.post(
        f"{API}/meetings/{frozen.pk}/cancellation",
        {"version": frozen.version, "reason": "Too late (fictional)"},
        "application/json",
    )
    assert late.status_code == 422
