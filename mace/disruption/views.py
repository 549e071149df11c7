"""Pages for disruption: the list (filtered by type, status and lead agency), a disruption's page
with its history and evidence, recording and changing one, and adding an evidence item. Thin: the
policy decides (through the selectors and services), every read is logged, every write is a
service."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render

from mace.access import policy
from mace.access.choices import AccessAction, AccessChannel
from mace.access.services import children_listed
from mace.accounts.models import User
from mace.accounts.requests import AuthedRequest
from mace.core.errors import DomainError, require
from mace.core.submit import bind, submit
from mace.disruption import selectors, services
from mace.disruption.forms import DisruptionForm, EvidenceForm, FilterForm
from mace.disruption.models import Disruption
from mace.intelligence.models import Record
from mace.meetings.models import Action
from mace.people.models import Child

PAGE_SIZE = 25


def _read(request: AuthedRequest, disruption_id: int) -> Disruption:
    return selectors.disruption_read(
        user=request.user,
        pk=disruption_id,
        action=AccessAction.CHANGE if request.method == "POST" else AccessAction.VIEW,
        channel=AccessChannel.PAGE,
        path=request.path,
    )


def _log_named(request: AuthedRequest, rows: list[Any], named: set[int]) -> None:
    children = {row.child.pk: row.child for row in rows if row.child_id in named}
    if children:
        children_listed(
            user=request.user,
            children=children.values(),
            channel=AccessChannel.PAGE,
            path=request.path,
        )


def disruption_list(request: AuthedRequest) -> HttpResponse:
    user = request.user
    require(policy.can_list_disruption(user), "Your role does not include disruption")
    form = FilterForm(request.GET or None)
    filters: dict[str, Any] = {}
    if form.is_valid():
        data = form.cleaned_data
        filters = {
            "type": data["type"],
            "status": data["status"],
            "lead_agency_id": data["lead_agency"].pk if data["lead_agency"] else None,
        }
    disruptions = selectors.disruption_search(user=user, **filters)
    page = Paginator(disruptions, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = list(page.object_list)
    named = selectors.named_children(user, rows)
    _log_named(request, rows, named)
    return render(
        request,
        "disruption/list.html",
        {
            "form": form,
            "page": page,
            "rows": [{"d": d, "child": selectors.child_words(d, named)} for d in rows],
            "filtered": any(filters.values()),
            "can_record": policy.can_record_disruption(user),
        },
    )


def _field_label(name: str) -> str:
    field = Disruption._meta.get_field(name)
    return str(getattr(field, "verbose_name", name)).capitalize()


def _history(disruption: Disruption) -> list[dict[str, Any]]:
    """Each saved version, newest first: who, when, and which details changed."""
    records = list(disruption.history.select_related("history_user").order_by("-history_id"))
    rows = []
    for record in records:
        previous = record.prev_record
        changed: list[str] = []
        if previous is not None:
            delta = record.diff_against(previous)
            changed = [
                _field_label(change.field)
                for change in delta.changes
                if change.field not in ("version",)
            ]
        user = record.history_user
        rows.append(
            {
                "when": record.history_date,
                "who": user.display_name if user is not None else "The platform",
                "what": "Recorded"
                if record.history_type == "+"
                else ("Changed: " + ", ".join(changed) if changed else "Saved again"),
            }
        )
    return rows


def disruption_detail(request: AuthedRequest, disruption_id: int) -> HttpResponse:
    user = request.user
    disruption = _read(request, disruption_id)
    evidence = list(selectors.evidence_for(user, disruption))
    named = selectors.named_children(user, [disruption, *evidence])
    _log_named(request, [disruption, *evidence], named)
    action = disruption.action
    action_shown = None
    if action is not None:
        # Its words and its page only for those who work on it (its owner agency, the panel).
        works_on = policy.can_view_action(user, action)
        action_shown = {
            "action": action,
            "url": selectors.action_url(action) if works_on else None,
            "description": action.description if works_on else "",
        }
    return render(
        request,
        "disruption/detail.html",
        {
            "d": disruption,
            "child": selectors.child_words(disruption, named),
            "subject_url": disruption.subject.get_absolute_url()
            if policy.can_view_intelligence(user, disruption.subject)
            else None,
            "action_shown": action_shown,
            "evidence": [{"item": e, "child": selectors.child_words(e, named)} for e in evidence],
            "sees_evidence": policy.sees_evidence(user),
            "can_add_evidence": policy.can_record_evidence(user),
            "can_change": policy.can_change_disruption(user, disruption),
            "history": _history(disruption),
        },
    )


def _resolve(user: User, data: dict[str, Any]) -> dict[str, Any]:
    """The numbers typed, as the records they name (DomainError for one that is not there or
    not the user's to see)."""
    values = dict(data)
    errors: dict[str, list[str]] = {}
    if "subject" in values:
        subject = Record.objects.filter(pk=values["subject"]).first()
        if subject is None or not policy.can_view_intelligence(user, subject):
            errors["subject"] = ["Enter the number of a person, location or vehicle"]
        values["subject"] = subject
    if values.get("child") is not None:
        child = Child.objects.filter(pk=values["child"]).first()
        if child is None or not policy.can_view_child(user, child):
            errors["child"] = ["Enter the number of a child you work with"]
        values["child"] = child
    if values.get("action") is not None:
        action = Action.objects.filter(pk=values["action"]).first()
        if action is None:
            errors["action"] = ["Enter the number of a MACE action you work on"]
        values["action"] = action
    if values.get("person") is not None:
        person = Record.objects.filter(pk=values["person"]).first()
        if person is None or not policy.can_view_intelligence(user, person):
            errors["person"] = ["Enter the number of a person of concern"]
        values["person"] = person
    if errors:
        raise DomainError(errors)
    return values


def _prefill(request: AuthedRequest, user: User) -> tuple[dict[str, Any], Record | None]:
    """?subject=<record id>&action=<action id>: the form starts from them."""
    initial: dict[str, Any] = {"lead_agency": user.agency_id, "status": "planned"}
    subject = None
    raw = request.GET.get("subject", "")
    if raw.isdigit():
        found = Record.objects.filter(pk=int(raw)).first()
        if found is not None and policy.can_view_intelligence(user, found):
            subject = found
            initial["subject"] = found.pk
    raw = request.GET.get("action", "")
    if raw.isdigit():
        initial["action"] = int(raw)
        action = Action.objects.filter(pk=int(raw)).select_related("child").first()
        if (
            action is not None
            and action.child is not None
            and policy.can_view_child(user, action.child)
        ):
            initial["child"] = action.child_id
    return initial, subject


def disruption_create(request: AuthedRequest) -> HttpResponse:
    user = request.user
    require(policy.can_record_disruption(user), "Your role does not include recording disruption")
    child_field = policy.sees_evidence(user) and policy.sees_case_content(user)
    initial, subject = _prefill(request, user)
    form = bind(request, DisruptionForm, initial=initial, child_field=child_field)
    sent = submit(
        request,
        form,
        lambda: services.disruption_record(actor=user, **_resolve(user, form.cleaned_data)),
    )
    if sent.ok and sent.result is not None:
        messages.success(request, f"Disruption recorded: {sent.result}")
        return redirect(sent.result.get_absolute_url())
    return render(request, "disruption/form.html", {"d": None, "subject": subject, **sent.context})


def _edit_initial(disruption: Disruption) -> dict[str, Any]:
    initial = {name: getattr(disruption, name) for name in services.CHANGEABLE}
    initial["lead_agency"] = disruption.lead_agency_id
    initial["child"] = disruption.child_id
    initial["action"] = disruption.action_id
    initial["version"] = disruption.version
    return initial


def disruption_edit(request: AuthedRequest, disruption_id: int) -> HttpResponse:
    """Change a disruption. A save made from an out-of-date page is refused with both versions
    shown; nothing is overwritten without the person seeing what they replace."""
    user = request.user
    disruption = _read(request, disruption_id)
    require(policy.can_change_disruption(user, disruption), "You cannot change this disruption")
    # Whoever may not name the disruption's child (a district officer) changes the rest.
    child_field = (
        policy.sees_evidence(user)
        and policy.sees_case_content(user)
        and (disruption.child is None or policy.can_view_child(user, disruption.child))
    )
    kwargs = {"editing": True, "child_field": child_field}
    form = bind(request, DisruptionForm, initial=_edit_initial(disruption), **kwargs)

    def update() -> Disruption:
        data = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        return services.disruption_update(
            actor=user,
            disruption=disruption,
            version=form.cleaned_data["version"],
            changes=_resolve(user, data),
        )

    sent = submit(
        request,
        form,
        update,
        compare=[n for n in services.CHANGEABLE if n in form.fields and n != "child"],
    )
    if sent.ok:
        messages.success(request, "Changes saved")
        return redirect(disruption.get_absolute_url())
    return render(
        request,
        "disruption/form.html",
        {"d": disruption, "subject": disruption.subject, **sent.context},
    )


def evidence_add(request: AuthedRequest, disruption_id: int) -> HttpResponse:
    """Add an evidence item collected for a prosecution, from a disruption's page."""
    user = request.user
    disruption = _read(request, disruption_id)
    require(
        policy.can_record_evidence(user), "Your role does not include evidence for prosecutions"
    )
    initial: dict[str, Any] = {"collected_by": user.agency_id}
    if disruption.subject.kind == "person":
        initial["person"] = disruption.subject_id
    if disruption.child is not None and policy.can_view_child(user, disruption.child):
        initial["child"] = disruption.child_id
    form = bind(request, EvidenceForm, initial=initial)
    sent = submit(
        request,
        form,
        lambda: services.evidence_record(
            actor=user, disruption=disruption, **_resolve(user, form.cleaned_data)
        ),
    )
    if sent.ok:
        messages.success(request, "Evidence item added")
        return redirect(disruption.get_absolute_url())
    return render(request, "disruption/evidence_form.html", {"d": disruption, **sent.context})
