"""Pages for finding a child, creating a record and the child's page with the chronology.
Thin: every read of a child goes through child_read (checked and logged), every write through a
service in mace.people.services."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from mace.access import policy
from mace.access.choices import AccessAction, AccessChannel
from mace.access.services import child_read, children_listed
from mace.accounts.requests import AuthedRequest
from mace.assessments.selectors import child_assessments
from mace.core.errors import require
from mace.core.submit import bind, submit
from mace.criteria.selectors import child_eligibility
from mace.intelligence.sections import child_section as intelligence_child_section
from mace.missing.selectors import child_missing_summary
from mace.people import services
from mace.people.forms import (
    AddressEditForm,
    AddressEndForm,
    AddressForm,
    AmendForm,
    ChildCreateForm,
    ChildEditForm,
    ChronologyFilterForm,
    IdentifierForm,
    NoteForm,
    PlaceAddressForm,
    SearchForm,
)
from mace.people.models import AgencyInvolvement, Child, ChildAddress, ChronologyEntry
from mace.people.selectors import child_search, chronology_agencies, chronology_page
from mace.reference.choices import CodeList
from mace.reference.models import Code


def _read(request: AuthedRequest, child_id: int) -> Child:
    """The child, read through the access policy and logged: a view on GET, a change on POST."""
    action = AccessAction.CHANGE if request.method == "POST" else AccessAction.VIEW
    return child_read(
        user=request.user,
        child_id=child_id,
        action=action,
        channel=AccessChannel.PAGE,
        path=request.path,
    )


def _require_change(request: AuthedRequest, child: Child) -> None:
    """The form is offered only to someone who may change the child's record (never under
    emergency access, which only reads); they know the child exists, so 403."""
    require(policy.can_change_child(request.user, child), "You cannot change this child's record")


def _require_case_content(request: AuthedRequest) -> None:
    require(
        policy.sees_case_content(request.user), "Your role does not include children's case records"
    )


def search(request: AuthedRequest) -> HttpResponse:
    _require_case_content(request)
    form = SearchForm(request.GET or None)
    result = None
    query = ""
    dob = None
    if form.is_bound and form.is_valid():
        query = form.cleaned_data["q"].strip()
        dob = form.cleaned_data["dob"]
        if query or dob is not None:
            result = child_search(
                user=request.user,
                query=query,
                dob=dob,
                channel=AccessChannel.PAGE,
                path=request.path,
            )
            children_listed(
                user=request.user,
                children=result.children,
                channel=AccessChannel.PAGE,
                path=request.path,
            )
    return render(
        request,
        "people/search.html",
        {"form": form, "result": result, "query": query, "dob": dob},
    )


def create(request: AuthedRequest) -> HttpResponse:
    require(
        policy.can_create_child(request.user),
        "Your role does not include creating children's records",
    )
    form = bind(request, ChildCreateForm)
    sent = submit(
        request, form, lambda: services.child_create(actor=request.user, **form.cleaned_data)
    )
    if sent.ok and sent.result is not None:
        messages.success(request, f"Record created for {sent.result.full_name}")
        return redirect("people:detail", child_id=sent.result.pk)
    return render(request, "people/create.html", sent.context)


def detail(request: AuthedRequest, child_id: int) -> HttpResponse:
    """The child's page. A fixed number of queries, however long the chronology, of which it
    shows a page at a time (newest first), of one kind or by one agency if asked."""
    child = _read(request, child_id)
    user = request.user
    writes = policy.can_write_for_child(user, child)
    today = timezone.localdate()
    addresses = list(child.addresses.select_related("area__quadrant"))
    current = next(
        (a for a in addresses if a.start_date <= today and a.is_current),
        None,
    )
    involvements = list(
        AgencyInvolvement.objects.filter(child=child, ended_at__isnull=True)
        .select_related("agency")
        .order_by("agency__name")
    )
    labels = {
        (list_name, code): label
        for list_name, code, label in Code.objects.filter(
            list__in=[CodeList.SEX, CodeList.ETHNICITY], code__in=[child.sex, child.ethnicity]
        ).values_list("list", "code", "label")
    }
    chronology_filter = ChronologyFilterForm(
        request.GET if ({"kind", "agency"} & request.GET.keys()) else None,
        agencies=chronology_agencies(child),
    )
    chosen = chronology_filter.cleaned_data if chronology_filter.is_valid() else {}
    entries = chronology_page(
        user,
        child,
        kind=chosen.get("kind") or "",
        agency_id=chosen.get("agency"),
        page=request.GET.get("page"),
    )
    return render(
        request,
        "people/detail.html",
        {
            "child": child,
            "sex": labels.get((CodeList.SEX, child.sex), "Not recorded"),
            "ethnicity": labels.get((CodeList.ETHNICITY, child.ethnicity), "Not recorded"),
            "age": child.age_on(today),
            "identifiers": list(child.identifiers.all()),
            "current_address": current,
            "involvements": involvements,
            "entries": entries,
            "chronology_filter": chronology_filter,
            # Everything that writes is offered only to someone who may write about the child:
            # emergency (break-glass) access only reads.
            "can_record_concern": writes,
            "can_change_child": writes and policy.can_change_child(user, child),
            "break_glass": policy.break_glass_grant_for(user, child, writes=writes),
            # --- missing --- (three queries: the rule, the counts, the latest episodes)
            "missing": child_missing_summary(child),
            # --- intelligence: the "People, places and vehicles" section ---
            "intelligence": intelligence_child_section(user, child, writes=writes),
            # --- assessments ---
            "assessments": child_assessments(child),
            # --- MACE criteria: whether, and why, the child meets them (one query) ---
            "mace_criteria": child_eligibility(child),
            # policy.can_assess is can_write_for_child, already asked.
            "can_assess": writes,
            "today": today,
        },
    )


def identifier_add(request: AuthedRequest, child_id: int) -> HttpResponse:
    child = _read(request, child_id)
    _require_change(request, child)
    form = bind(request, IdentifierForm)
    sent = submit(
        request,
        form,
        lambda: services.child_identifier_add(actor=request.user, child=child, **form.cleaned_data),
    )
    if sent.ok:
        messages.success(request, "Identifier added")
        return redirect("people:detail", child_id=child.pk)
    return render(request, "people/identifier_add.html", {"child": child, **sent.context})


def address_add(request: AuthedRequest, child_id: int) -> HttpResponse:
    child = _read(request, child_id)
    _require_change(request, child)
    form = bind(request, AddressForm)
    sent = submit(
        request,
        form,
        lambda: services.child_address_add(actor=request.user, child=child, **form.cleaned_data),
    )
    if sent.ok and (address := sent.result) is not None:
        if address.area_id is None:
            messages.info(
                request,
                "Address added, but its postcode could not place it in a council area. "
                "Place it by hand from the child's page",
            )
        else:
            messages.success(request, f"Address added in {address.area}")
        return redirect("people:detail", child_id=child.pk)
    return render(request, "people/address_add.html", {"child": child, **sent.context})


def child_edit(request: AuthedRequest, child_id: int) -> HttpResponse:
    """Change the child's details. A save made from an out-of-date page is refused with both
    versions shown; nothing is overwritten without the person seeing what they replace."""
    child = _read(request, child_id)
    require(policy.can_change_child(request.user, child), "You cannot change this child's details")
    initial = {name: getattr(child, name) for name in services.CHILD_FIELDS}
    form = bind(request, ChildEditForm, initial={**initial, "version": child.version})
    sent = submit(
        request,
        form,
        lambda: services.child_update(
            actor=request.user,
            child=child,
            version=form.cleaned_data["version"],
            changes={name: form.cleaned_data[name] for name in services.CHILD_FIELDS},
        ),
        compare=services.CHILD_FIELDS,
    )
    if sent.ok:
        messages.success(request, "Details saved")
        return redirect("people:detail", child_id=child.pk)
    return render(request, "people/child_edit.html", {"child": child, **sent.context})


def _address(request: AuthedRequest, child_id: int, address_id: int) -> tuple[Child, ChildAddress]:
    child = _read(request, child_id)
    address = get_object_or_404(
        ChildAddress.objects.select_related("area"), pk=address_id, child=child
    )
    require(
        policy.can_change_child(request.user, child), "You cannot change this child's addresses"
    )
    return child, address


def address_edit(request: AuthedRequest, child_id: int, address_id: int) -> HttpResponse:
    """Correct an address's lines, postcode or dates (versioned like the child's details)."""
    child, address = _address(request, child_id, address_id)
    initial: dict[str, Any] = {name: getattr(address, name) for name in services.ADDRESS_FIELDS}
    initial["postcode"] = address.postcode_display
    initial["area"] = address.area_id if address.placed_by_hand else None
    form = bind(request, AddressEditForm, initial={**initial, "version": address.version})
    sent = submit(
        request,
        form,
        lambda: services.child_address_update(
            actor=request.user,
            address=address,
            version=form.cleaned_data["version"],
            changes={name: form.cleaned_data[name] for name in services.ADDRESS_FIELDS},
            area=form.cleaned_data["area"],
            # The form's empty choice reads "Place it by the postcode".
            by_postcode=form.cleaned_data["area"] is None,
        ),
        compare=services.ADDRESS_FIELDS,
    )
    if sent.ok:
        messages.success(request, "Address saved")
        return redirect("people:detail", child_id=child.pk)
    return render(
        request, "people/address_edit.html", {"child": child, "address": address, **sent.context}
    )


def address_end(request: AuthedRequest, child_id: int, address_id: int) -> HttpResponse:
    """Record that the child no longer lives at an address."""
    child, address = _address(request, child_id, address_id)
    form = bind(
        request, AddressEndForm, initial={"end_date": address.end_date, "version": address.version}
    )
    sent = submit(
        request,
        form,
        lambda: services.child_address_end(
            actor=request.user,
            address=address,
            version=form.cleaned_data["version"],
            end_date=form.cleaned_data["end_date"],
        ),
        compare=["end_date"],
    )
    if sent.ok:
        messages.success(request, "Address ended")
        return redirect("people:detail", child_id=child.pk)
    return render(
        request, "people/address_end.html", {"child": child, "address": address, **sent.context}
    )


def address_place(request: AuthedRequest, child_id: int, address_id: int) -> HttpResponse:
    child, address = _address(request, child_id, address_id)
    form = bind(
        request, PlaceAddressForm, initial={"area": address.area_id, "version": address.version}
    )
    sent = submit(
        request,
        form,
        lambda: services.child_address_place(
            actor=request.user,
            address=address,
            area=form.cleaned_data["area"],
            version=form.cleaned_data["version"],
        ),
        compare=["area"],
    )
    if sent.ok:
        messages.success(request, f"Address placed in {form.cleaned_data['area']}")
        return redirect("people:detail", child_id=child.pk)
    return render(
        request, "people/address_place.html", {"child": child, "address": address, **sent.context}
    )


def entry_amend(request: AuthedRequest, child_id: int, entry_id: int) -> HttpResponse:
    child = _read(request, child_id)
    entry = get_object_or_404(
        ChronologyEntry.objects.select_related("agency", "author"), pk=entry_id, child=child
    )
    if entry.amends_id is not None:
        raise Http404("Amend the original entry, not an amendment")
    # The service refuses this too; saying so before the form is filled in saves wasted typing.
    require(
        policy.can_amend_entry(request.user, entry),
        f"Only {entry.agency} can amend this entry. Ask them to correct it",
    )
    form = bind(request, AmendForm, initial={"body": entry.body})
    sent = submit(
        request,
        form,
        lambda: services.chronology_amend(actor=request.user, entry=entry, **form.cleaned_data),
    )
    if sent.ok:
        messages.success(request, "Entry amended. The original is still shown above the correction")
        return redirect("people:detail", child_id=child.pk)
    return render(
        request, "people/entry_amend.html", {"child": child, "entry": entry, **sent.context}
    )


def note_add(request: AuthedRequest, child_id: int) -> HttpResponse:
    """Add a note to the child's chronology, restricted if it must be."""
    child = _read(request, child_id)
    require(
        policy.can_record_concern(request.user),
        "Your role does not include adding to children's records",
    )
    require(policy.can_write_for_child(request.user, child), policy.READ_ONLY_UNDER_GRANT)
    form = bind(request, NoteForm)

    def note_add() -> ChronologyEntry:
        data = form.cleaned_data
        occurred_on = data["occurred_on"]
        occurred_at = (
            None
            if occurred_on is None or occurred_on == timezone.localdate()
            # A past day without a time: midday, so no time zone moves it to another day.
            else timezone.make_aware(dt.datetime.combine(occurred_on, dt.time(12)))
        )
        return services.chronology_note_add(
            actor=request.user,
            child=child,
            title=data["title"],
            body=data["body"],
            occurred_at=occurred_at,
            restricted=data["restricted"],
            restriction_reason=data["restriction_reason"],
        )

    sent = submit(request, form, note_add, fields={"occurred_at": "occurred_on"})
    if sent.ok:
        messages.success(request, "Note added to the chronology")
        return redirect("people:detail", child_id=child.pk)
    return render(request, "people/note_add.html", {"child": child, **sent.context})
