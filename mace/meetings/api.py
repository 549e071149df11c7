"""The MACE meetings API: the meetings a user may read (list, schedule, read), the part 1 agenda
(draft, add, take off, freeze), what the meeting recorded (discussions, threats, actions), the
minutes (sign-off, amendments), and the actions partner agencies work on.

Thin: the access policy decides (scope_meetings and scope_actions for what may be read, the
services for what may be done). A meeting or action the user may not read answers 404 exactly as
one that does not exist; one they read but may not change answers 403. A child is named only to
someone who may see them, and every answer that names children records that they were listed."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Query, Router, Status

from mace.access import policy
from mace.access.choices import AccessAction, AccessChannel
from mace.access.services import child_read, children_listed
from mace.accounts.models import User
from mace.accounts.requests import AuthedRequest
from mace.core.concurrency import ConflictError
from mace.core.errors import DomainError, Refused
from mace.core.schemas import Id
from mace.intelligence.models import Record
from mace.meetings import services
from mace.meetings.choices import ActionStatus, MeetingStatus
from mace.meetings.models import (
    Action,
    ActionUpdate,
    AgendaItem,
    Discussion,
    Meeting,
    MeetingMember,
    MinutesAmendment,
    Threat,
)
from mace.meetings.schemas import (
    ActionConflictOut,
    ActionIn,
    ActionListOut,
    ActionListQuery,
    ActionOut,
    ActionUpdateIn,
    AgendaItemIn,
    AgendaItemOut,
    AgendaOut,
    CancellationIn,
    DiscussionConflictOut,
    DiscussionIn,
    DiscussionOut,
    MeetingConflictOut,
    MeetingIn,
    MeetingListOut,
    MeetingListQuery,
    MeetingOut,
    MinutesAmendmentIn,
    MinutesAmendmentOut,
    RemovalIn,
    ThreatIn,
    ThreatOut,
    VersionIn,
)
from mace.people.models import Child
from mace.people.schemas import ERROR_RESPONSES
from mace.reference.models import Agency, Quadrant

router = Router(tags=["meetings"])

CONFLICT_DETAIL = "Someone else changed this record after you read it; nothing was written"
ACTION_FILTERS = ("open", "overdue", "all")


def _works_on_mace(user: User) -> None:
    """The lists, as the meetings and actions pages: 403 for someone whose roles never bring
    them to a meeting or give them an action."""
    if not policy.works_on_mace(user):
        raise Refused("Your role does not include MACE meetings or actions")


@contextmanager
def _fields(**names: str) -> Iterator[None]:
    """Name a service's field errors as the API's input names them (owner_agency ->
    owner_agency_id), so a client can put each message by the field it sent."""
    try:
        yield
    except DomainError as error:
        raise DomainError({names.get(k, k): v for k, v in error.errors.items()}) from None


def _conflict(current: dict[str, Any]) -> dict[str, Any]:
    return {
        "detail": CONFLICT_DETAIL,
        "errors": [
            {
                "field": "version",
                "message": f"The record is now at version {current['version']}: compare and resend",
            }
        ],
        "current": current,
    }


# --- loading -----------------------------------------------------------------------------------


def actions_loaded() -> QuerySet[Action]:
    """Actions with everything ActionOut shows, in a fixed number of queries."""
    return Action.objects.select_related(
        "meeting__quadrant", "child", "owner_agency", "owner"
    ).prefetch_related(
        Prefetch("updates", queryset=ActionUpdate.objects.select_related("author", "agency"))
    )


def meetings_loaded() -> QuerySet[Meeting]:
    """Meetings with everything MeetingOut shows, in a fixed number of queries."""
    return Meeting.objects.select_related(
        "quadrant", "coordinator", "signed_off_by"
    ).prefetch_related(
        "chairs",
        "invited_agencies",
        Prefetch("members", queryset=MeetingMember.objects.select_related("agency", "user")),
        Prefetch(
            "agenda_items",
            queryset=AgendaItem.objects.select_related("child", "discussion__recorded_by"),
        ),
        Prefetch("threats", queryset=Threat.objects.order_by("position", "id")),
        Prefetch("actions", queryset=actions_loaded()),
        Prefetch("carried_actions", queryset=actions_loaded()),
        Prefetch("amendments", queryset=MinutesAmendment.objects.select_related("author")),
    )


def _meeting(request: AuthedRequest, meeting_id: Id) -> Meeting:
    """A meeting the user may read; 404 for any other, as for one that does not exist."""
    return get_object_or_404(policy.scope_meetings(request.user, meetings_loaded()), pk=meeting_id)


def _action(request: AuthedRequest, action_id: Id) -> Action:
    """An action the user reads and works on; 404 for any other."""
    return get_object_or_404(policy.scope_actions(request.user, actions_loaded()), pk=action_id)


# --- answers -----------------------------------------------------------------------------------


class _Answer:
    """Builds one answer for one user: names a child only if they may see them, and remembers
    whom it named so the route records that they were listed."""

    def __init__(self, request: AuthedRequest) -> None:
        self.request = request
        self.user = request.user
        self.named: dict[int, Child] = {}
        self._sees: dict[int, bool] = {}

    def _child(self, child: Child, visible: bool) -> dict[str, Any] | None:
        if not visible:
            return None
        self.named[child.pk] = child
        return {"id": child.pk, "name": child.full_name}

    def child(self, child: Child | None) -> dict[str, Any] | None:
        if child is None:
            return None
        if child.pk not in self._sees:
            self._sees[child.pk] = policy.can_view_child(self.user, child)
        return self._child(child, self._sees[child.pk])

    def action_child(self, action: Action) -> dict[str, Any] | None:
        if action.child is None:
            return None
        if action.child.pk not in self._sees:
            self._sees[action.child.pk] = policy.action_names_child(self.user, action)
        return self._child(action.child, self._sees[action.child.pk])

    def listed(self) -> None:
        if self.named:
            children_listed(
                user=self.user,
                children=list(self.named.values()),
                channel=AccessChannel.API,
                path=self.request.path,
            )

    # --- the parts of an answer ---

    @staticmethod
    def summary(meeting: Meeting) -> dict[str, Any]:
        return {
            "id": meeting.pk,
            "quadrant": meeting.quadrant.code,
            "quadrant_name": meeting.quadrant.name,
            "part": meeting.part,
            "part_label": meeting.get_part_display(),
            "starts_at": meeting.starts_at,
            "place": meeting.place,
            "status": meeting.status,
            "status_label": meeting.get_status_display(),
            "version": meeting.version,
        }

    @staticmethod
    def discussion(discussion: Discussion) -> dict[str, Any]:
        return {
            "id": discussion.pk,
            "item_id": discussion.item_id,
            "agreed_level": discussion.agreed_level,
            "plan": discussion.plan,
            "disruption_opportunities": discussion.disruption_opportunities,
            "evidence_to_collect": discussion.evidence_to_collect,
            "decision": discussion.decision,
            "decision_label": discussion.get_decision_display(),
            "review_by": discussion.review_by,
            "recorded_by": discussion.recorded_by.display_name,
            "recorded_at": discussion.recorded_at,
            "version": discussion.version,
        }

    def item(self, item: AgendaItem) -> dict[str, Any]:
        # No discussion yet: the reverse one-to-one raises (an AttributeError), so None.
        discussion = getattr(item, "discussion", None)
        return {
            "id": item.pk,
            "position": item.position,
            "child": self.child(item.child),
            "reasons": list(item.reasons),
            "reason_labels": item.reason_labels,
            "detail": item.detail,
            "removed": item.removed_at is not None,
            "removed_at": item.removed_at,
            "removed_reason": item.removed_reason,
            "discussion": self.discussion(discussion) if discussion is not None else None,
        }

    @staticmethod
    def threat(threat: Threat) -> dict[str, Any]:
        return {
            "id": threat.pk,
            "title": threat.title,
            "record_id": threat.record_id,
            "discussion": threat.discussion,
            "position": threat.position,
            "version": threat.version,
        }

    def action(self, action: Action) -> dict[str, Any]:
        return {
            "id": action.pk,
            "meeting": self.summary(action.meeting),
            "child": self.action_child(action),
            "about_a_child": action.child_id is not None,
            "threat_id": action.threat_id,
            "description": action.description,
            "owner_agency_id": action.owner_agency_id,
            "owner_agency": action.owner_agency.name,
            "owner": action.owner.display_name if action.owner is not None else None,
            "due_on": action.due_on,
            "status": action.status,
            "status_label": action.get_status_display(),
            "overdue": action.is_overdue(),
            "updates": [
                {
                    "id": update.pk,
                    "author": update.author.display_name,
                    "agency": update.agency.name,
                    "made_at": update.made_at,
                    "status": update.status,
                    "status_label": update.get_status_display(),
                    "note": update.note,
                }
                for update in action.updates.all()
            ],
            "version": action.version,
        }

    def meeting(self, meeting: Meeting) -> dict[str, Any]:
        return {
            **self.summary(meeting),
            "chairs": [user.display_name for user in meeting.chairs.all()],
            "coordinator": meeting.coordinator.display_name if meeting.coordinator else None,
            "invited_agencies": sorted(agency.name for agency in meeting.invited_agencies.all()),
            "members": [
                {
                    "id": member.pk,
                    "name": member.name,
                    "agency": member.agency.name,
                    "username": member.user.username if member.user is not None else None,
                    "attendance": member.attendance,
                    "attendance_label": member.get_attendance_display(),
                }
                for member in meeting.members.all()
            ],
            "agenda": [self.item(item) for item in meeting.agenda_items.all()],
            "threats": [self.threat(threat) for threat in meeting.threats.all()],
            "actions": [self.action(action) for action in meeting.actions.all()],
            "carried_actions": [self.action(action) for action in meeting.carried_actions.all()],
            "notes": meeting.notes,
            "stay_safe_themes": meeting.stay_safe_themes,
            "training_themes": meeting.training_themes,
            "agenda_frozen_at": meeting.agenda_frozen_at,
            "signed_off_at": meeting.signed_off_at,
            "signed_off_by": meeting.signed_off_by.display_name if meeting.signed_off_by else None,
            "amendments": [
                {
                    "id": amendment.pk,
                    "author": amendment.author.display_name,
                    "made_at": amendment.made_at,
                    "text": amendment.text,
                    "reason": amendment.reason,
                }
                for amendment in meeting.amendments.all()
            ],
        }


def _meeting_answer(request: AuthedRequest, meeting_id: Id) -> dict[str, Any]:
    """The meeting as the user may read it, now; the children it names are recorded as listed."""
    answer = _Answer(request)
    body = answer.meeting(_meeting(request, meeting_id))
    answer.listed()
    return body


def _item_answer(request: AuthedRequest, item_id: Id) -> dict[str, Any]:
    answer = _Answer(request)
    item = AgendaItem.objects.select_related("child", "discussion__recorded_by").get(pk=item_id)
    body = answer.item(item)
    answer.listed()
    return body


def _action_answer(request: AuthedRequest, action_id: Id) -> dict[str, Any]:
    answer = _Answer(request)
    body = answer.action(actions_loaded().get(pk=action_id))
    answer.listed()
    return body


# --- actions (declared before /{meeting_id} so the paths never clash) ---------------------------


@router.get(
    "/actions",
    response={200: ActionListOut, **ERROR_RESPONSES},
    summary="Your MACE actions, soonest due first",
)
def actions_list(request: AuthedRequest, params: Query[ActionListQuery]) -> dict[str, Any]:
    """The actions you read and work on: your agency's and your own, and for a quadrant's
    panel every action of its meetings. `status` is open (not started or in progress; the
    default), overdue (open and past due) or all. A child is named only if you may see them;
    403 if your role never gives you MACE actions."""
    user = request.user
    _works_on_mace(user)
    if params.status not in ACTION_FILTERS:
        raise DomainError({"status": ["Choose open, overdue or all"]})
    actions = policy.scope_actions(user, actions_loaded())
    if params.status != "all":
        actions = actions.filter(status__in=[ActionStatus.OPEN, ActionStatus.IN_PROGRESS])
    if params.status == "overdue":
        actions = actions.filter(due_on__lt=timezone.localdate())
    actions = actions.order_by("due_on", "id")
    answer = _Answer(request)
    body = {
        "count": actions.count(),
        "limit": params.limit,
        "offset": params.offset,
        "items": [
            answer.action(action)
            for action in actions[params.offset : params.offset + params.limit]
        ],
    }
    answer.listed()
    return body


@router.get(
    "/actions/{action_id}",
    response={200: ActionOut, **ERROR_RESPONSES},
    summary="Read a MACE action",
)
def action_detail(request: AuthedRequest, action_id: Id) -> dict[str, Any]:
    """With the meeting that decided it and its updates. 404 for an action you do not work on,
    as for one that does not exist."""
    return _action_answer(request, _action(request, action_id).pk)


@router.post(
    "/actions/{action_id}/updates",
    response={201: ActionOut, 409: ActionConflictOut, **ERROR_RESPONSES},
    summary="Update a MACE action",
)
def action_update(request: AuthedRequest, action_id: Id, payload: ActionUpdateIn) -> Any:
    """A note of what has been done and the status it leaves the action in; the answer is the
    action with its updates. Send the `version` you read: a stale one answers 409 with the action
    as it is now."""
    action = _action(request, action_id)
    try:
        services.action_update_add(
            actor=request.user,
            action=action,
            version=payload.version,
            status=payload.status,
            note=payload.note,
        )
    except ConflictError:
        return Status(409, _conflict(_action_answer(request, action.pk)))
    return Status(201, _action_answer(request, action.pk))


# --- meetings ----------------------------------------------------------------------------------


@router.get(
    "",
    response={200: MeetingListOut, **ERROR_RESPONSES},
    summary="The MACE meetings you may read, latest first",
)
def meetings_list(request: AuthedRequest, params: Query[MeetingListQuery]) -> dict[str, Any]:
    """Those of your quadrant's panel, and those you were asked to (part 1 only if you see case
    content); 403 if your role never brings you to MACE. Filter by `quadrant` (its code),
    `part` and `status`."""
    user = request.user
    _works_on_mace(user)
    meetings = policy.scope_meetings(user, Meeting.objects.select_related("quadrant"))
    if params.quadrant:
        meetings = meetings.filter(quadrant__code=params.quadrant)
    if params.part is not None:
        meetings = meetings.filter(part=params.part)
    if params.status:
        if params.status not in MeetingStatus.values:
            raise DomainError({"status": [f"Choose one of {', '.join(MeetingStatus.values)}"]})
        meetings = meetings.filter(status=params.status)
    return {
        "count": meetings.count(),
        "limit": params.limit,
        "offset": params.offset,
        "items": [
            _Answer.summary(meeting)
            for meeting in meetings[params.offset : params.offset + params.limit]
        ],
    }


@router.post(
    "",
    response={201: MeetingOut, **ERROR_RESPONSES},
    summary="Schedule a MACE meeting",
)
def meeting_schedule(request: AuthedRequest, payload: MeetingIn) -> Any:
    """For the quadrant's MACE chairs and coordinator (403 for anyone else); its chairs and
    coordinator are its first members. A start in the past, or a second meeting of the same
    part on the same day, answers 422."""
    quadrant = Quadrant.objects.filter(code=payload.quadrant).first()
    if quadrant is None:
        raise DomainError({"quadrant": ["Choose a quadrant by its code, like south"]})
    agencies = list(Agency.objects.filter(pk__in=payload.invited_agency_ids))
    if len(agencies) != len(set(payload.invited_agency_ids)):
        raise DomainError({"invited_agency_ids": ["Give agencies by the ids the platform uses"]})
    meeting = services.meeting_schedule(
        actor=request.user,
        quadrant=quadrant,
        part=payload.part,
        starts_at=payload.starts_at,
        place=payload.place,
        invited_agencies=agencies,
    )
    return Status(201, _meeting_answer(request, meeting.pk))


@router.get(
    "/{meeting_id}",
    response={200: MeetingOut, **ERROR_RESPONSES},
    summary="Read a MACE meeting: its agenda pack and minutes",
)
def meeting_detail(request: AuthedRequest, meeting_id: Id) -> dict[str, Any]:
    """Members and attendance, the agenda (a child named only if you may see them), the
    discussions, threats, actions, actions carried forward, and amendments. 404 for a meeting you
    may not read, as for one that does not exist."""
    return _meeting_answer(request, meeting_id)


@router.post(
    "/{meeting_id}/agenda/draft",
    response={201: AgendaOut, **ERROR_RESPONSES},
    summary="Draft the part 1 agenda from the MACE criteria",
)
def agenda_draft(request: AuthedRequest, meeting_id: Id) -> Any:
    """Brings the agenda up to date with who meets the criteria: newly eligible, due for review,
    risk risen, actions overdue. Children the coordinator took off stay off. Answers the agenda."""
    meeting = _meeting(request, meeting_id)
    drafted = services.agenda_draft(actor=request.user, meeting=meeting)
    body = _meeting_answer(request, meeting.pk)
    return Status(
        201, {"added": drafted.added, "updated": drafted.updated, "items": body["agenda"]}
    )


@router.post(
    "/{meeting_id}/agenda/items",
    response={201: AgendaItemOut, **ERROR_RESPONSES},
    summary="Put a child on the part 1 agenda",
)
def agenda_item_add(request: AuthedRequest, meeting_id: Id, payload: AgendaItemIn) -> Any:
    """Before the agenda is frozen. A child you may not see answers 404, as one that does not
    exist; one already on the agenda answers 422."""
    meeting = _meeting(request, meeting_id)
    child = child_read(
        user=request.user,
        child_id=payload.child_id,
        action=AccessAction.CHANGE,
        channel=AccessChannel.API,
        path=request.path,
    )
    with _fields(child="child_id"):
        item = services.agenda_item_add(
            actor=request.user, meeting=meeting, child=child, detail=payload.detail
        )
    return Status(201, _item_answer(request, item.pk))


@router.post(
    "/{meeting_id}/agenda/items/{item_id}/removal",
    response={201: AgendaItemOut, **ERROR_RESPONSES},
    summary="Take a child off the part 1 agenda",
)
def agenda_item_remove(
    request: AuthedRequest, meeting_id: Id, item_id: int, payload: RemovalIn
) -> Any:
    """Before the agenda is frozen, with why. The item stays (with the reason), so redrafting
    does not put the child back."""
    meeting = _meeting(request, meeting_id)
    item = get_object_or_404(
        AgendaItem.objects.select_related("meeting"), pk=item_id, meeting=meeting
    )
    services.agenda_item_remove(actor=request.user, item=item, reason=payload.reason)
    return Status(201, _item_answer(request, item.pk))


@router.post(
    "/{meeting_id}/agenda/freeze",
    response={201: MeetingOut, 409: MeetingConflictOut, **ERROR_RESPONSES},
    summary="Freeze the agenda",
)
def agenda_freeze(request: AuthedRequest, meeting_id: Id, payload: VersionIn) -> Any:
    """The pack goes to the members, overdue actions are carried forward, and the meeting records
    its discussions from now on. Send the meeting's `version`: a stale one answers 409."""
    meeting = _meeting(request, meeting_id)
    try:
        services.agenda_freeze(actor=request.user, meeting=meeting, version=payload.version)
    except ConflictError:
        return Status(409, _conflict(_meeting_answer(request, meeting.pk)))
    return Status(201, _meeting_answer(request, meeting.pk))


@router.post(
    "/{meeting_id}/cancellation",
    response={201: MeetingOut, 409: MeetingConflictOut, **ERROR_RESPONSES},
    summary="Cancel a meeting whose agenda is not yet frozen",
)
def meeting_cancel(request: AuthedRequest, meeting_id: Id, payload: CancellationIn) -> Any:
    """Only before the agenda freezes, with a reason (kept in the meeting's minutes). Send the
    meeting's `version`: a stale one answers 409."""
    meeting = _meeting(request, meeting_id)
    try:
        services.meeting_cancel(
            actor=request.user, meeting=meeting, version=payload.version, reason=payload.reason
        )
    except ConflictError:
        return Status(409, _conflict(_meeting_answer(request, meeting.pk)))
    return Status(201, _meeting_answer(request, meeting.pk))


@router.put(
    "/{meeting_id}/agenda/items/{item_id}/discussion",
    response={200: DiscussionOut, 409: DiscussionConflictOut, **ERROR_RESPONSES},
    summary="Record or correct what the panel agreed about a child",
)
def discussion_put(
    request: AuthedRequest, meeting_id: Id, item_id: int, payload: DiscussionIn
) -> Any:
    """The whole discussion: the risk level agreed, the plan, disruption opportunities, evidence
    to collect and the decision. `version` null records it; the version you read corrects it
    (409 if someone changed it since). Once the agenda is frozen and until the minutes are
    signed off."""
    meeting = _meeting(request, meeting_id)
    item = get_object_or_404(
        AgendaItem.objects.select_related("meeting"), pk=item_id, meeting=meeting
    )
    try:
        discussion = services.discussion_record(
            actor=request.user,
            item=item,
            data=payload.model_dump(exclude={"version"}),
            version=payload.version,
        )
    except ConflictError as conflict:
        current = Discussion.objects.select_related("recorded_by").get(pk=conflict.current.pk)
        return Status(409, _conflict(_Answer.discussion(current)))
    loaded = Discussion.objects.select_related("recorded_by").get(pk=discussion.pk)
    return _Answer.discussion(loaded)


@router.post(
    "/{meeting_id}/threats",
    response={201: ThreatOut, **ERROR_RESPONSES},
    summary="Put a threat on a part 2 meeting",
)
def threat_add(request: AuthedRequest, meeting_id: Id, payload: ThreatIn) -> Any:
    """A person, location, vehicle or online space, with its intelligence record if it has one
    (one you may not see answers 422, as one that does not exist), and what the panel
    concluded."""
    meeting = _meeting(request, meeting_id)
    record = None
    if payload.record_id is not None:
        record = Record.objects.filter(pk=payload.record_id).first()
        if record is None:
            raise DomainError({"record_id": ["No such record"]})
    with _fields(record="record_id"):
        threat = services.threat_add(
            actor=request.user,
            meeting=meeting,
            title=payload.title,
            record=record,
            discussion=payload.discussion,
        )
    return Status(201, _Answer.threat(threat))


@router.post(
    "/{meeting_id}/actions",
    response={201: ActionOut, **ERROR_RESPONSES},
    summary="Give an agency an action",
)
def action_create(request: AuthedRequest, meeting_id: Id, payload: ActionIn) -> Any:
    """Once the agenda is frozen: what the agency (and, if known, a named person in it) is to do
    and by when. A part 1 action may be about a child on the agenda (`item_id`); a part 2 action
    may answer a threat (`threat_id`). The owners are told."""
    meeting = _meeting(request, meeting_id)
    errors: dict[str, list[str]] = {}
    owner_agency = (
        Agency.objects.filter(pk=payload.owner_agency_id).first()
        if payload.owner_agency_id is not None
        else None
    )
    owner = None
    if payload.owner_id is not None:
        owner = User.objects.filter(pk=payload.owner_id, is_active=True).first()
        if owner is None:
            errors["owner_id"] = ["No such person"]
    item = None
    if payload.item_id is not None:
        item = meeting.agenda_items.filter(pk=payload.item_id).select_related("child").first()
        if item is None:
            errors["item_id"] = ["Choose a child on this meeting's agenda"]
    threat = None
    if payload.threat_id is not None:
        threat = meeting.threats.filter(pk=payload.threat_id).first()
        if threat is None:
            errors["threat_id"] = ["Choose a threat discussed at this meeting"]
    if errors:
        raise DomainError(errors)
    with _fields(
        owner_agency="owner_agency_id", owner="owner_id", item="item_id", threat="threat_id"
    ):
        action = services.action_create(
            actor=request.user,
            meeting=meeting,
            description=payload.description,
            owner_agency=owner_agency,
            due_on=payload.due_on,
            owner=owner,
            item=item,
            threat=threat,
        )
    return Status(201, _action_answer(request, action.pk))


@router.post(
    "/{meeting_id}/sign-off",
    response={201: MeetingOut, 409: MeetingConflictOut, **ERROR_RESPONSES},
    summary="Sign the minutes off",
)
def minutes_sign_off(request: AuthedRequest, meeting_id: Id, payload: VersionIn) -> Any:
    """For a MACE chair of the quadrant (403 for its coordinator). Each child's decision goes to
    their chronology, and the minutes change only by amendment from now on. Send the meeting's
    `version`: a stale one answers 409."""
    meeting = _meeting(request, meeting_id)
    try:
        services.minutes_sign_off(actor=request.user, meeting=meeting, version=payload.version)
    except ConflictError:
        return Status(409, _conflict(_meeting_answer(request, meeting.pk)))
    return Status(201, _meeting_answer(request, meeting.pk))


@router.post(
    "/{meeting_id}/amendments",
    response={201: MinutesAmendmentOut, **ERROR_RESPONSES},
    summary="Amend signed-off minutes",
)
def minutes_amend(request: AuthedRequest, meeting_id: Id, payload: MinutesAmendmentIn) -> Any:
    """For a MACE chair of the quadrant: what the minutes now say, and why. Never an edit: the
    amendment is shown with the minutes."""
    meeting = _meeting(request, meeting_id)
    amendment = services.minutes_amend(
        actor=request.user, meeting=meeting, text=payload.text, reason=payload.reason
    )
    return Status(
        201,
        {
            "id": amendment.pk,
            "author": amendment.author.display_name,
            "made_at": amendment.made_at,
            "text": amendment.text,
            "reason": amendment.reason,
        },
    )
