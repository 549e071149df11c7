"""Pages for finding a child, creating a record and the child's page with the chronology.
Thin: every read of a child goes through child_read (checked and logged), every write through a
service in mace.people.services."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from mace.access import policy
from mace.access.choices import AccessAction, AccessChannel
from mace.access.services import child_read, children_listed
from mace.core.errors import DomainError
from mace.people import services
from mace.people.forms import (
    AddressForm,
    AmendForm,
    ChildCreateForm,
    IdentifierForm,
    PlaceAddressForm,
    SearchForm,
)
from mace.people.models import AgencyInvolvement, Child, ChildAddress, ChronologyEntry
from mace.people.selectors import child_search, chronology_for
from mace.reference.choices import CodeList
from mace.reference.models import Code


def _read(request: HttpRequest, child_id: int) -> Child:
    """The child, read through the access policy and logged: a view on GET, a change on POST."""
    action = AccessAction.CHANGE if request.method == "POST" else AccessAction.VIEW
    return child_read(
        user=request.user,  # type: ignore[arg-type]
        child_id=child_id,
        action=action,
        channel=AccessChannel.PAGE,
        path=request.path,
    )


def _require_case_content(request: HttpRequest) -> None:
    if not policy.sees_case_content(request.user):  # type: ignore[arg-type]
        raise PermissionDenied("Your role does not include children's case records")


def search(request: HttpRequest) -> HttpResponse:
    _require_case_content(request)
    form = SearchForm(request.GET or None)
    result = None
    query = ""
    if form.is_bound and form.is_valid():
        query = form.cleaned_data["q"].strip()
        if query:
            result = child_search(
                user=request.user,  # type: ignore[arg-type]
                query=query,
                channel=AccessChannel.PAGE,
                path=request.path,
            )
            children_listed(
                user=request.user,  # type: ignore[arg-type]
                children=result.children,
                channel=AccessChannel.PAGE,
                path=request.path,
            )
    return render(request, "people/search.html", {"form": form, "result": result, "query": query})


def create(request: HttpRequest) -> HttpResponse:
    if not policy.can_create_child(request.user):  # type: ignore[arg-type]
        raise PermissionDenied("Your role does not include creating children's records")
    form = ChildCreateForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            child = services.child_create(actor=request.user, **form.cleaned_data)  # type: ignore[arg-type]
        except DomainError as error:
            form.apply_domain_error(error)
        except PermissionError as refusal:
            raise PermissionDenied(str(refusal)) from refusal
        else:
            messages.success(request, f"Record created for {child.full_name}")
            return redirect("people:detail", child_id=child.pk)
    return render(request, "people/create.html", {"form": form})


def detail(request: HttpRequest, child_id: int) -> HttpResponse:
    """The child's page. A fixed number of queries, however long the chronology."""
    child = _read(request, child_id)
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
            "entries": list(chronology_for(child)),
            "can_record_concern": policy.can_record_concern(request.user),  # type: ignore[arg-type]
        },
    )


def identifier_add(request: HttpRequest, child_id: int) -> HttpResponse:
    child = _read(request, child_id)
    form = IdentifierForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.child_identifier_add(actor=request.user, child=child, **form.cleaned_data)  # type: ignore[arg-type]
        except DomainError as error:
            form.apply_domain_error(error)
        except PermissionError as refusal:
            raise PermissionDenied(str(refusal)) from refusal
        else:
            messages.success(request, "Identifier added")
            return redirect("people:detail", child_id=child.pk)
    return render(request, "people/identifier_add.html", {"child": child, "form": form})


def address_add(request: HttpRequest, child_id: int) -> HttpResponse:
    child = _read(request, child_id)
    form = AddressForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            address = services.child_address_add(
                actor=request.user,  # type: ignore[arg-type]
                child=child,
                **form.cleaned_data,
            )
        except DomainError as error:
            form.apply_domain_error(error)
        except PermissionError as refusal:
            raise PermissionDenied(str(refusal)) from refusal
        else:
            if address.area_id is None:
                messages.info(
                    request,
                    "Address added, but its postcode could not place it in a council area. "
                    "Place it by hand from the child's page",
                )
            else:
                messages.success(request, f"Address added in {address.area}")
            return redirect("people:detail", child_id=child.pk)
    return render(request, "people/address_add.html", {"child": child, "form": form})


def address_place(request: HttpRequest, child_id: int, address_id: int) -> HttpResponse:
    child = _read(request, child_id)
    address = get_object_or_404(ChildAddress, pk=address_id, child=child)
    form = PlaceAddressForm(
        request.POST if request.method == "POST" else None, initial={"area": address.area_id}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.child_address_place(
                actor=request.user,  # type: ignore[arg-type]
                address=address,
                area=form.cleaned_data["area"],
            )
        except PermissionError as refusal:
            raise PermissionDenied(str(refusal)) from refusal
        messages.success(request, f"Address placed in {form.cleaned_data['area']}")
        return redirect("people:detail", child_id=child.pk)
    return render(
        request,
        "people/address_place.html",
        {"child": child, "address": address, "form": form},
    )


def entry_amend(request: HttpRequest, child_id: int, entry_id: int) -> HttpResponse:
    child = _read(request, child_id)
    entry = get_object_or_404(
        ChronologyEntry.objects.select_related("agency", "author"), pk=entry_id, child=child
    )
    if entry.amends_id is not None:
        raise Http404("Amend the original entry, not an amendment")
    # The service refuses this too; saying so before the form is filled in saves wasted typing.
    if not policy.can_amend_entry(request.user, entry):  # type: ignore[arg-type]
        raise PermissionDenied(f"Only {entry.agency} can amend this entry. Ask them to correct it")
    form = AmendForm(
        request.POST if request.method == "POST" else None, initial={"body": entry.body}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.chronology_amend(actor=request.user, entry=entry, **form.cleaned_data)  # type: ignore[arg-type]
        except DomainError as error:
            form.apply_domain_error(error)
        except PermissionError as refusal:
            raise PermissionDenied(str(refusal)) from refusal
        else:
            messages.success(
                request, "Entry amended. The original is still shown above the correction"
            )
            return redirect("people:detail", child_id=child.pk)
    return render(
        request, "people/entry_amend.html", {"child": child, "entry": entry, "form": form}
    )
