"""Pages for MACE meetings: the diary, a meeting's pack (agenda, attendance, discussions, threats,
actions, minutes), the coordinator's agenda work, the chair's sign-off and the minutes PDF, and
each agency's actions. Thin: the policy decides (through the selectors and services), children
shown in a pack are logged, every write is a service."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from mace.access import policy
from mace.access.choices import AccessChannel
from mace.access.services import children_listed
from mace.accounts.requests import AuthedRequest
from mace.core.errors import DomainError, Refused, require
from mace.core.forms import GovForm
from mace.core.submit import bind, submit
from mace.intelligence.models import Record
from mace.meetings import forms, selectors, services
from mace.meetings.choices import MeetingPart
from mace.meetings.models import Action, AgendaItem, Meeting, Threat
from mace.people.models import Child
from mace.people.selectors import child_search
from mace.reference.models import Quadrant

PAGE_SIZE = 25


def _meeting(request: AuthedRequest, meeting_id: int) -> Meeting:
    return selectors.meeting_or_404(request.user, meeting_id)


def _running(request: AuthedRequest, meeting_id: int) -> Meeting:
    """A meeting the user runs: 404 if they may not read it, 403 if they only read it."""
    meeting = _meeting(request, meeting_id)
    require(
        policy.can_run_meeting(request.user, meeting),
        "Only the quadrant's MACE chairs and coordinator do this",
    )
    return meeting


def _item(meeting: Meeting, item_id: int) -> AgendaItem:
    item = meeting.agenda_items.select_related("child").filter(pk=item_id).first()
    if item is None:
        raise Http404("No such agenda item")
    item.meeting = meeting
    return item


def _names(request: AuthedRequest, children: Iterable[Child]) -> None:
    """The page names these children (in its title, a choice or a message): log that they were
    shown, as for a pack. Logged before any write, so the answer to a POST is covered too."""
    children_listed(
        user=request.user, children=children, channel=AccessChannel.PAGE, path=request.path
    )


def _back(meeting: Meeting, anchor: str = "") -> HttpResponse:
    url = reverse("meetings:detail", args=[meeting.pk])
    return redirect(f"{url}#{anchor}" if anchor else url)


def _form_page(
    request: AuthedRequest,
    form: GovForm,
    *,
    meeting: Meeting | None,
    title: str,
    submit: str,
    intro: str = "",
    caption: str = "",
    back: str = "",
    extra: dict[str, Any] | None = None,
) -> HttpResponse:
    return render(
        request,
        "meetings/form.html",
        {
            "form": form,
            "meeting": meeting,
            "title": title,
            "submit": submit,
            "intro": intro,
            "caption": caption or (str(meeting) if meeting else ""),
            "back": back or (reverse("meetings:detail", args=[meeting.pk]) if meeting else ""),
            **(extra or {}),
        },
    )


# --- the diary ---------------------------------------------------------------------------------


def index(request: AuthedRequest) -> HttpResponse:
    """The meetings the user may read: the coming ones, then the past, newest first."""
    user = request.user
    meetings = selectors.meetings_for(user)
    quadrant_id = policy.mace_panel_quadrant_id(user)
    require(policy.works_on_mace(user), "Your role does not include MACE meetings or actions")
    now = timezone.now() - dt.timedelta(hours=12)
    page = Paginator(meetings.filter(starts_at__lt=now), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "meetings/index.html",
        {
            "upcoming": list(meetings.filter(starts_at__gte=now).order_by("starts_at")[:12]),
            "page": page,
            "can_schedule": quadrant_id is not None,
            "open_actions": selectors.actions_list(user).count(),
        },
    )


def schedule(request: AuthedRequest) -> HttpResponse:
    user = request.user
    quadrant_id = policy.mace_panel_quadrant_id(user)
    if quadrant_id is None:
        raise Refused("Only MACE chairs and coordinators schedule meetings")
    quadrant = Quadrant.objects.get(pk=quadrant_id)
    form = bind(request, forms.ScheduleForm)

    def write() -> Meeting:
        data = form.cleaned_data
        return services.meeting_schedule(
            actor=user,
            quadrant=quadrant,
            part=data["part"],
            starts_at=timezone.make_aware(dt.datetime.combine(data["day"], data["time"])),
            place=data["place"],
        )

    sent = submit(request, form, write, fields={"starts_at": "day"})
    if (meeting := sent.result) is not None:
        messages.success(request, f"{meeting} is in the diary")
        return _back(meeting)
    return _form_page(
        request,
        form,
        meeting=None,
        title="Schedule a meeting",
        caption=f"{quadrant} MACE",
        submit="Schedule the meeting",
        back=reverse("meetings:index"),
    )


# --- a meeting's pack --------------------------------------------------------------------------


def detail(request: AuthedRequest, meeting_id: int) -> HttpResponse:
    user = request.user
    meeting = _meeting(request, meeting_id)
    pack = selectors.meeting_pack(meeting)
    children_listed(
        user=user, children=pack.children(), channel=AccessChannel.PAGE, path=request.path
    )
    runs = policy.can_run_meeting(user, meeting)
    return render(
        request,
        "meetings/detail.html",
        {
            "meeting": meeting,
            "pack": pack,
            "items": pack.rows(),
            "runs": runs,
            "can_sign_off": policy.can_sign_off_minutes(user, meeting),
            "recording": runs and meeting.status in services.RECORDING,
        },
    )


@require_POST
def agenda_draft(request: AuthedRequest, meeting_id: int) -> HttpResponse:
    meeting = _running(request, meeting_id)
    # A button on the meeting's page, not a form: what the service says goes back there as a notice.
    try:
        drafted = services.agenda_draft(actor=request.user, meeting=meeting)
    except DomainError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            f"Agenda drafted from the MACE criteria: {drafted.added} children added, "
            f"{drafted.updated} brought up to date",
        )
    return _back(meeting, "agenda")


def agenda_add(request: AuthedRequest, meeting_id: int) -> HttpResponse:
    """Find a child (among those the coordinator may see) and put them on the agenda."""
    user = request.user
    meeting = _running(request, meeting_id)
    if request.method == "POST":
        add = forms.AgendaAddForm(request.POST)
        if add.is_valid():
            # The service refuses a child the coordinator may not see, as one that is not there.
            child = Child.objects.filter(pk=add.cleaned_data["child"]).first()
            sent = submit(
                request,
                add,
                lambda: services.agenda_item_add(actor=user, meeting=meeting, child=child),
            )
            if (item := sent.result) is not None:
                messages.success(request, f"{item.child.full_name} is on the agenda")
                return _back(meeting, "agenda")
            find = forms.AgendaFindForm(request.POST)  # carries the search, to show again
            find.is_valid()
            if sent.error is not None:
                find.apply_domain_error(sent.error, {"child": "q"})
            return render(
                request,
                "meetings/agenda_add.html",
                {"meeting": meeting, "form": find, "found": None},
            )
    find = forms.AgendaFindForm(request.GET or None)
    found = None
    if request.GET and find.is_valid():
        found = child_search(
            user=user, query=find.cleaned_data["q"], channel=AccessChannel.PAGE, path=request.path
        )
        _names(request, found.children)
    return render(
        request, "meetings/agenda_add.html", {"meeting": meeting, "form": find, "found": found}
    )


def agenda_remove(request: AuthedRequest, meeting_id: int, item_id: int) -> HttpResponse:
    meeting = _running(request, meeting_id)
    item = _item(meeting, item_id)
    _names(request, [item.child])
    form = bind(request, forms.ReasonForm)
    sent = submit(
        request,
        form,
        lambda: services.agenda_item_remove(
            actor=request.user, item=item, reason=form.cleaned_data["reason"]
        ),
    )
    if sent.ok:
        messages.success(request, f"{item.child.full_name} is off the agenda")
        return _back(meeting, "agenda")
    return _form_page(
        request,
        form,
        meeting=meeting,
        title=f"Take {item.child.full_name} off the agenda",
        submit="Take off the agenda",
    )


@require_POST
def agenda_move(request: AuthedRequest, meeting_id: int, item_id: int) -> HttpResponse:
    meeting = _running(request, meeting_id)
    item = _item(meeting, item_id)
    # A button on the agenda, not a form: what the service says goes back there as a notice.
    try:
        services.agenda_item_move(
            actor=request.user, item=item, up=request.POST.get("direction") == "up"
        )
    except DomainError as error:
        messages.error(request, " ".join(error.messages))
    return _back(meeting, f"item-{item.pk}")


def agenda_freeze(request: AuthedRequest, meeting_id: int) -> HttpResponse:
    meeting = _running(request, meeting_id)
    form = bind(request, forms.VersionForm, initial={"version": meeting.version})
    sent = submit(
        request,
        form,
        lambda: services.agenda_freeze(
            actor=request.user, meeting=meeting, version=form.cleaned_data["version"]
        ),
    )
    if (frozen := sent.result) is not None:
        messages.success(request, "The agenda is frozen and the pack sent to the members")
        return _back(frozen)
    return _form_page(
        request,
        form,
        meeting=meeting,
        title="Freeze the agenda",
        intro=(
            "Once frozen, the agenda cannot change: the pack goes to the meeting's members and "
            "overdue actions carry forward to it. The meeting then records its discussions."
        ),
        submit="Freeze the agenda",
    )


def cancel(request: AuthedRequest, meeting_id: int) -> HttpResponse:
    meeting = _running(request, meeting_id)
    form = bind(request, forms.ReasonForm)
    sent = submit(
        request,
        form,
        lambda: services.meeting_cancel(
            actor=request.user,
            meeting=meeting,
            version=meeting.version,
            reason=form.cleaned_data["reason"],
        ),
    )
    if (cancelled := sent.result) is not None:
        messages.success(request, "The meeting is cancelled")
        return _back(cancelled)
    return _form_page(
        request,
        form,
        meeting=meeting,
        title="Cancel the meeting",
        intro="Only a meeting whose agenda is not yet frozen can be cancelled.",
        submit="Cancel the meeting",
    )


# --- attendance --------------------------------------------------------------------------------


def attendance(request: AuthedRequest, meeting_id: int) -> HttpResponse:
    meeting = _running(request, meeting_id)
    members = list(meeting.members.select_related("agency"))
    form = bind(request, forms.AttendanceForm, members=members)
    sent = submit(
        request,
        form,
        lambda: services.attendance_record(actor=request.user, meeting=meeting, marks=form.marks()),
    )
    if sent.ok:
        messages.success(request, "Attendance recorded")
        return _back(meeting, "members")
    return _form_page(
        request,
        form,
        meeting=meeting,
        title="Attendance and apologies",
        submit="Save attendance",
        extra={"member_add": reverse("meetings:member_add", args=[meeting.pk])},
    )


def member_add(request: AuthedRequest, meeting_id: int) -> HttpResponse:
    meeting = _running(request, meeting_id)
    form = bind(request, forms.MemberForm)
    sent = submit(
        request,
        form,
        lambda: services.member_add(
            actor=request.user,
            meeting=meeting,
            agency=form.cleaned_data["agency"],
            name=form.cleaned_data["name"],
            attendance=form.cleaned_data["attendance"],
        ),
    )
    if (member := sent.result) is not None:
        messages.success(request, f"{member.name} of {member.agency} is on the list")
        return _back(meeting, "members")
    return _form_page(
        request,
        form,
        meeting=meeting,
        title="Ask someone to the meeting",
        intro="Their agency joins the meeting's invited agencies.",
        submit="Add to the meeting",
    )


# --- at the meeting ----------------------------------------------------------------------------


def discussion(request: AuthedRequest, meeting_id: int, item_id: int) -> HttpResponse:
    meeting = _running(request, meeting_id)
    item = _item(meeting, item_id)
    _names(request, [item.child])
    existing = getattr(item, "discussion", None) if hasattr(item, "discussion") else None
    initial: dict[str, Any] = {}
    if existing is not None:
        initial = {name: getattr(existing, name) for name in services.DISCUSSION_FIELDS}
        initial["review_by"] = existing.review_by
        initial["version"] = existing.version
    form = bind(request, forms.DiscussionForm, initial=initial)
    sent = submit(
        request,
        form,
        lambda: services.discussion_record(
            actor=request.user,
            item=item,
            data=form.cleaned_data,
            version=form.cleaned_data.get("version"),
        ),
    )
    if sent.ok:
        messages.success(request, f"The panel's decision for {item.child.full_name} is recorded")
        return _back(meeting, f"item-{item.pk}")
    return _form_page(
        request,
        form,
        meeting=meeting,
        title=f"Discussion: {item.child.full_name}",
        intro="The decision goes to the child's chronology when a chair signs the minutes off.",
        submit="Save the discussion",
    )


def threat_add(request: AuthedRequest, meeting_id: int) -> HttpResponse:
    user = request.user
    meeting = _running(request, meeting_id)
    form = bind(request, forms.ThreatForm, records=selectors.threat_records(user, meeting))

    def write() -> Threat:
        record_id = form.cleaned_data["record"]
        return services.threat_add(
            actor=user,
            meeting=meeting,
            title=form.cleaned_data["title"],
            record=Record.objects.filter(pk=record_id).first() if record_id else None,
            discussion=form.cleaned_data["discussion"],
        )

    sent = submit(request, form, write)
    if (threat := sent.result) is not None:
        messages.success(request, f"{threat.title} is on the meeting")
        return _back(meeting, "threats")
    return _form_page(request, form, meeting=meeting, title="Add a threat", submit="Add the threat")


def threat_edit(request: AuthedRequest, meeting_id: int, threat_id: int) -> HttpResponse:
    meeting = _running(request, meeting_id)
    threat = Threat.objects.filter(meeting=meeting, pk=threat_id).first()
    if threat is None:
        raise Http404("No such threat")
    form = bind(
        request,
        forms.ThreatDiscussionForm,
        initial={"version": threat.version, "discussion": threat.discussion},
    )
    sent = submit(
        request,
        form,
        lambda: services.threat_update(
            actor=request.user,
            threat=threat,
            version=form.cleaned_data["version"],
            discussion=form.cleaned_data["discussion"],
        ),
    )
    if sent.ok:
        messages.success(request, f"The panel's conclusion on {threat.title} is recorded")
        return _back(meeting, "threats")
    return _form_page(
        request, form, meeting=meeting, title=f"Threat: {threat.title}", submit="Save"
    )


def notes(request: AuthedRequest, meeting_id: int) -> HttpResponse:
    meeting = _running(request, meeting_id)
    form = bind(
        request,
        forms.NotesForm,
        part=meeting.part,
        initial={
            "version": meeting.version,
            "notes": meeting.notes,
            "stay_safe_themes": meeting.stay_safe_themes,
            "training_themes": meeting.training_themes,
        },
    )
    sent = submit(
        request,
        form,
        lambda: services.meeting_notes_update(
            actor=request.user,
            meeting=meeting,
            version=form.cleaned_data["version"],
            changes={k: v for k, v in form.cleaned_data.items() if k != "version"},
        ),
    )
    if sent.ok:
        messages.success(request, "The minutes are saved")
        return _back(meeting, "notes")
    title = (
        "General minutes and themes" if meeting.part == MeetingPart.PART_2 else "General minutes"
    )
    return _form_page(request, form, meeting=meeting, title=title, submit="Save")


def action_add(request: AuthedRequest, meeting_id: int) -> HttpResponse:
    user = request.user
    meeting = _running(request, meeting_id)
    if meeting.is_part_1:
        items = list(meeting.agenda_items.filter(removed_at__isnull=True).select_related("child"))
        _names(request, [i.child for i in items])
        about = [(i.pk, i.child.full_name) for i in items]
        label = "Child on the agenda"
    else:
        about = [(t.pk, t.title) for t in meeting.threats.all()]
        label = "Threat"
    chosen = request.GET.get("about")
    form = bind(
        request,
        forms.ActionForm,
        about=about,
        about_label=label,
        initial={"about": int(chosen)} if chosen and chosen.isdigit() else {},
    )

    def write() -> Action:
        about_id = form.cleaned_data.get("about")
        part_1 = meeting.is_part_1
        return services.action_create(
            actor=user,
            meeting=meeting,
            description=form.cleaned_data["description"],
            owner_agency=form.cleaned_data["owner_agency"],
            due_on=form.cleaned_data["due_on"],
            item=meeting.agenda_items.filter(pk=about_id).first() if part_1 and about_id else None,
            threat=meeting.threats.filter(pk=about_id).first() if not part_1 and about_id else None,
        )

    sent = submit(request, form, write, fields={"item": "about", "threat": "about"})
    if (action := sent.result) is not None:
        messages.success(request, f"Action given to {action.owner_agency}")
        return _back(meeting, "actions")
    return _form_page(
        request, form, meeting=meeting, title="Add an action", submit="Add the action"
    )


# --- the minutes -------------------------------------------------------------------------------


def sign_off(request: AuthedRequest, meeting_id: int) -> HttpResponse:
    user = request.user
    meeting = _meeting(request, meeting_id)
    require(
        policy.can_sign_off_minutes(user, meeting),
        "Only a MACE chair of the quadrant signs the minutes off",
    )
    form = bind(request, forms.VersionForm, initial={"version": meeting.version})
    sent = submit(
        request,
        form,
        lambda: services.minutes_sign_off(
            actor=user, meeting=meeting, version=form.cleaned_data["version"]
        ),
    )
    if (signed := sent.result) is not None:
        messages.success(
            request, "The minutes are signed off and each decision is on the child's chronology"
        )
        return _back(signed)
    return _form_page(
        request,
        form,
        meeting=meeting,
        title="Sign the minutes off",
        intro=(
            "Once signed off, the minutes change only by a recorded amendment, and each child's "
            "decision is written to their chronology."
        ),
        submit="Sign the minutes off",
    )


def amend(request: AuthedRequest, meeting_id: int) -> HttpResponse:
    user = request.user
    meeting = _meeting(request, meeting_id)
    require(
        policy.can_sign_off_minutes(user, meeting),
        "Only a MACE chair of the quadrant amends the minutes",
    )
    form = bind(request, forms.AmendmentForm)
    sent = submit(
        request,
        form,
        lambda: services.minutes_amend(
            actor=user,
            meeting=meeting,
            text=form.cleaned_data["text"],
            reason=form.cleaned_data["reason"],
        ),
    )
    if sent.ok:
        messages.success(request, "The amendment is recorded with the minutes")
        return _back(meeting, "amendments")
    return _form_page(
        request, form, meeting=meeting, title="Amend the minutes", submit="Record the amendment"
    )


def minutes_pdf(request: AuthedRequest, meeting_id: int) -> HttpResponse:
    from mace.meetings.minutes import minutes_pdf as render_pdf

    user = request.user
    meeting = _meeting(request, meeting_id)
    content, filename = render_pdf(user=user, meeting=meeting, request=request)
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


# --- actions -----------------------------------------------------------------------------------


def action_list(request: AuthedRequest) -> HttpResponse:
    user = request.user
    require(policy.works_on_mace(user), "Your role does not include MACE actions")
    show = request.GET.get("show", "open")
    if show not in ("open", "overdue", "all"):
        show = "open"
    page = Paginator(selectors.actions_list(user, show=show), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "meetings/actions.html",
        {"page": page, "show": show, "today": timezone.localdate()},
    )


def _disruption_url(action: Action) -> str:
    """Recording disruption from an action: the form knows the action, and the threat's record
    as its subject when there is one."""
    url = f"{reverse('disruption:create')}?action={action.pk}"
    if action.threat is not None and action.threat.record_id is not None:
        url += f"&subject={action.threat.record_id}"
    return url


def action_detail(request: AuthedRequest, action_id: int) -> HttpResponse:
    user = request.user
    action = selectors.action_or_404(user, action_id)
    names_child = policy.action_names_child(user, action)
    if names_child and action.child is not None:
        _names(request, [action.child])
    form = bind(
        request,
        forms.ActionUpdateForm,
        initial={"version": action.version, "status": action.status},
    )
    sent = submit(
        request,
        form,
        lambda: services.action_update_add(
            actor=user,
            action=action,
            version=form.cleaned_data["version"],
            status=form.cleaned_data["status"],
            note=form.cleaned_data["note"],
        ),
    )
    if sent.ok:
        messages.success(request, "Your update is recorded")
        return redirect("meetings:action_detail", action_id=action.pk)
    return render(
        request,
        "meetings/action_detail.html",
        {
            "action": action,
            "form": form,
            "updates": list(action.updates.select_related("author", "agency")),
            "names_child": names_child,
            "meeting_readable": policy.can_view_meeting(user, action.meeting),
            # --- disruption --- what the action led to, and recording more from it
            "disruptions": list(
                policy.scope_disruptions(user, action.disruptions.all()).order_by("-id")
            ),
            "can_record_disruption": policy.can_record_disruption(user),
            "disruption_url": _disruption_url(action),
            "today": timezone.localdate(),
        },
    )
