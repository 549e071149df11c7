"""Tests of MACE meetings, agendas, minutes and actions. Meetings are made through the services
(the code path users take), by the helpers below."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from typing import Any

from django.utils import timezone

from mace.accounts.choices import Role
from mace.meetings import services
from mace.meetings.choices import MeetingPart
from mace.reference.models import Quadrant
from tests.clock import today as today
from tests.factories import UserFactory, agency

BASILDON_DC = "Basildon District Council"
DISCUSSED = {
    "agreed_level": "high",
    "plan": "Weekly joint visits by social care and police (fictional).",
    "disruption_opportunities": "Hotel information notice for the Sleepy Kipper (fictional).",
    "evidence_to_collect": "CCTV from the hotel lobby (fictional).",
    "decision": "stay",
}


def south() -> Quadrant:
    return Quadrant.objects.get(code="south")


def panel_member(of_agency: Any, username: str = "south-panel", **fields: Any) -> Any:
    """A South MACE co-chair who also coordinates, in the given agency."""
    return UserFactory(
        username=username,
        agency=of_agency,
        quadrant=south(),
        roles=[Role.MACE_CHAIR, Role.MACE_COORDINATOR],
        **fields,
    )


def a_meeting(actor: Any, *, part: int = MeetingPart.PART_1, days: int = 7, **fields: Any) -> Any:
    starts_at = timezone.now() + dt.timedelta(days=days)
    return services.meeting_schedule(
        actor=actor, quadrant=south(), part=part, starts_at=starts_at, **fields
    )


def frozen_with(actor: Any, child: Any, **fields: Any) -> tuple[Any, Any]:
    """A part 1 meeting with the child on its frozen agenda: (meeting, item)."""
    meeting = a_meeting(actor, **fields)
    item = services.agenda_item_add(actor=actor, meeting=meeting, child=child, detail="Fictional")
    meeting = services.agenda_freeze(actor=actor, meeting=meeting, version=meeting.version)
    item.refresh_from_db()
    return meeting, item


def meetings_world(author: Any, child: Any, intel: Any) -> SimpleNamespace:
    """See tests/meetings/routes.build_world."""
    runner = panel_member(author.agency, username="world-panel")
    open_meeting = a_meeting(runner, days=40)
    open_item = services.agenda_item_add(actor=runner, meeting=open_meeting, child=child)
    # Two more part 1 meetings not yet frozen, so the API's agenda writes each succeed on a
    # fresh world and in any order: one with nobody on it yet, one to take the child off.
    empty = a_meeting(runner, days=50)
    to_cancel = a_meeting(runner, days=35)
    spare = a_meeting(runner, days=45)
    spare_item = services.agenda_item_add(actor=runner, meeting=spare, child=child)
    meeting, item = frozen_with(runner, child, days=10)
    discussion = services.discussion_record(actor=runner, item=item, data=DISCUSSED)
    action = services.action_create(
        actor=runner,
        meeting=meeting,
        description="Arrange a joint visit (fictional).",
        owner_agency=author.agency,
        due_on=today() + dt.timedelta(days=14),
        item=item,
    )
    signed, signed_item = frozen_with(runner, child, days=3)
    services.discussion_record(actor=runner, item=signed_item, data=DISCUSSED)
    signed.refresh_from_db()
    signed = services.minutes_sign_off(actor=runner, meeting=signed, version=signed.version)
    part2 = a_meeting(runner, part=MeetingPart.PART_2, days=12)
    threat = services.threat_add(
        actor=runner, meeting=part2, title="Hotel used for parties", record=intel.location.record
    )
    part2 = services.agenda_freeze(actor=runner, meeting=part2, version=part2.version)
    district_action = services.action_create(
        actor=runner,
        meeting=part2,
        description="Review the hotel's licence (fictional).",
        owner_agency=agency(BASILDON_DC),
        due_on=today() + dt.timedelta(days=21),
        threat=threat,
    )
    return SimpleNamespace(
        runner=runner,
        open=open_meeting,
        open_item=open_item,
        empty=empty,
        to_cancel=to_cancel,
        spare=spare,
        spare_item=spare_item,
        meeting=meeting,
        item=item,
        discussion=discussion,
        action=action,
        signed=signed,
        signed_item=signed_item,
        part2=part2,
        threat=threat,
        district_action=district_action,
    )
