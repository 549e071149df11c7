"""Pages for persons of concern, locations, vehicles, phone numbers and online accounts: a list
and search of each kind, each record's page with its graded links, creating and changing records,
and adding a link from a record's page or a child's. Thin: the policy decides (through the
selectors and services), every record read is logged, every write is a service."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from mace.access import policy
from mace.access.choices import AccessAction, AccessChannel, IntelligenceReach
from mace.access.services import child_read, children_listed
from mace.accounts.models import User
from mace.accounts.requests import AuthedRequest
from mace.core.drafts import draft_discard, draft_get, draft_initial
from mace.core.errors import DomainError, Refused, require
from mace.core.submit import bind, submit
from mace.core.templatetags.govuk import gov_date
from mace.intelligence import selectors, services
from mace.intelligence.choices import CHILD, RecordKind
from mace.intelligence.drafts import link_draft_key
from mace.intelligence.forms import (
    FORMS,
    FindForm,
    LinkForm,
    SearchForm,
    edit_form,
    find_kinds,
    relationship_choices,
)
from mace.intelligence.kinds import KINDS
from mace.intelligence.models import (
    IntelligenceRecord,
    Location,
    OnlineAccount,
    PersonOfConcern,
    Phone,
    Record,
    Vehicle,
)
from mace.intelligence.origins import origin_resolve
from mace.intelligence.services import DuplicateRecord
from mace.people.models import Child
from mace.people.selectors import child_search

PAGE_SIZE = 25
# The find step of adding a link shows the first few matches; a person narrows the search.
FIND_SHOWN = 20


def _action(request: AuthedRequest) -> str:
    return AccessAction.CHANGE if request.method == "POST" else AccessAction.VIEW


def _read(request: AuthedRequest, kind: str, pk: int) -> Any:
    return selectors.record_read(
        user=request.user,
        kind=kind,
        pk=pk,
        action=_action(request),
        channel=AccessChannel.PAGE,
        path=request.path,
    )


def index(request: AuthedRequest) -> HttpResponse:
    """The start page: how many records of each kind the user may see, and a search across
    them all."""
    user = request.user
    require(policy.sees_intelligence(user), "Your role does not include intelligence records")
    form = SearchForm(request.GET or None)
    query = form.cleaned_data["q"].strip() if form.is_valid() else ""
    found = selectors.records_find(user=user, query=query) if query else None
    counts = selectors.record_counts(user)
    kinds = [
        {
            "info": info,
            "count": counts[kind],
            "url": reverse(f"intelligence:{kind}_list"),
        }
        for kind, info in KINDS.items()
        if counts[kind] is not None
    ]
    return render(
        request,
        "intelligence/index.html",
        {
            "form": form,
            "query": query,
            "found": found,
            "limit": selectors.FIND_LIMIT,
            "kinds": kinds,
            "district": policy.intelligence_reach(user) == IntelligenceReach.DISTRICT,
            "area": user.agency.area if user.agency else None,
        },
    )


def record_list(request: AuthedRequest, kind: str) -> HttpResponse:
    user = request.user
    info = KINDS[kind]
    require(policy.can_list_intelligence(user, kind), f"Your role does not include {info.plural}")
    form = SearchForm(request.GET or None)
    query = form.cleaned_data["q"].strip() if form.is_valid() else ""
    records = selectors.record_search(user=user, kind=kind, query=query)
    page = Paginator(records, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "intelligence/list.html",
        {
            "info": info,
            "form": form,
            "query": query,
            "page": page,
            "rows": [_list_row(kind, record) for record in page.object_list],
            "can_create": policy.can_create_intelligence(user, kind),
        },
    )


def _list_row(kind: str, record: Any) -> dict[str, Any]:
    """What a list shows of a record: its name (linked) and a few telling details."""
    details: list[str] = []
    if isinstance(record, PersonOfConcern):
        age = record.approximate_age()
        details = [
            record.get_category_display(),
            "" if age is None else f"aged {age}" if record.dob else f"about {age}",
            record.get_status_display(),
        ]
    elif isinstance(record, Location):
        details = [record.get_kind_display()]
    elif isinstance(record, Vehicle):
        details = ["Partial registration" if record.partial else ""]
    elif isinstance(record, Phone):
        details = [record.description[:80]]
    elif isinstance(record, OnlineAccount):
        details = [record.display_name]
    area = getattr(record, "area", None)
    return {
        "record": record,
        "details": ", ".join(d for d in details if d),
        "area": _area_words(area)
        if kind in (RecordKind.PERSON, RecordKind.LOCATION, RecordKind.VEHICLE)
        else None,
    }


def _area_words(area: Any) -> str:
    if area is None:
        return "Not placed"
    if area.quadrant_id:
        return f"{area.name} ({area.quadrant} quadrant)"
    return f"{area.name} (outside the quadrants)"


def summary_rows(record: IntelligenceRecord) -> list[tuple[str, str]]:
    """The record's details as (label, value) rows for its page."""
    rows: list[tuple[str, str]] = []
    if isinstance(record, PersonOfConcern):
        age = record.approximate_age()
        if record.dob:
            born = f"{gov_date(record.dob)} (age {age})"
        elif age is not None and record.age_estimated_on:
            born = f"Not known. About {age} (estimated on {gov_date(record.age_estimated_on)})"
        else:
            born = "Not known"
        rows = [
            ("Name", record.name),
            ("Other names", record.aliases or "None recorded"),
            ("Adult or peer", record.get_category_display()),
            ("Date of birth or age", born),
            ("Sex", record.get_sex_display()),
            ("Status", record.get_status_display()),
            ("Mostly active in", _area_words(record.area) if record.area else "Not known"),
        ]
    elif isinstance(record, Location):
        address = ", ".join(p for p in [record.line1, record.line2, record.town] if p)
        placed = _area_words(record.area)
        if record.area and record.placed_by_hand:
            placed += " (placed by hand)"
        rows = [
            ("Kind of place", record.get_kind_display()),
            ("Name", record.name or "None recorded"),
            ("Address", address or "None recorded"),
            ("Postcode", record.postcode_display or "None recorded"),
            (
                "Point",
                f"{record.latitude}, {record.longitude}" if record.has_point else "None recorded",
            ),
            ("Council area", placed),
        ]
    elif isinstance(record, Vehicle):
        rows = [
            ("Registration", record.registration_display),
            (
                "Make and model",
                " ".join(p for p in [record.make, record.model] if p) or "Not known",
            ),
            ("Colour", record.colour or "Not known"),
            ("Kept or mostly seen in", _area_words(record.area) if record.area else "Not known"),
        ]
    elif isinstance(record, Phone):
        rows = [("Number", record.number_display)]
    elif isinstance(record, OnlineAccount):
        rows = [
            ("Platform", record.platform_display),
            ("Handle", record.handle),
            ("Display name", record.display_name or "None recorded"),
        ]
    rows.append(("Description", record.description or "None recorded"))
    return rows


def record_detail(request: AuthedRequest, kind: str, pk: int) -> HttpResponse:
    """A record's page, with its links newest first. A fixed number of queries, however many
    links it has."""
    user = request.user
    record = _read(request, kind, pk)
    identity: Record = record.record
    links = selectors.links_for_record(user, identity)
    children_listed(
        user=user, children=links.named_children, channel=AccessChannel.PAGE, path=request.path
    )
    return render(
        request,
        "intelligence/detail.html",
        {
            "info": KINDS[kind],
            "record": record,
            "identity": identity,
            "rows": summary_rows(record),
            "links": links,
            "can_change": policy.can_change_intelligence(user, record),
            "here_text": KINDS[kind].this,
        },
    )


def _form_initial(kind: str, record: IntelligenceRecord) -> dict[str, Any]:
    initial = {name: getattr(record, name) for name in services.FIELDS[kind]}
    if isinstance(record, Location):
        initial["postcode"] = record.postcode_display
        initial["area"] = record.area_id if record.placed_by_hand else None
    if isinstance(record, Vehicle):
        initial["registration"] = record.registration_display.removesuffix(" (partial)")
    if isinstance(record, Phone):
        initial["number"] = record.number_display
    for name in ("area",):
        if name in initial and hasattr(initial[name], "pk"):
            initial[name] = initial[name].pk
    return initial


def _data(kind: str, cleaned: dict[str, Any]) -> dict[str, Any]:
    return {name: cleaned[name] for name in services.FIELDS[kind] if name in cleaned}


def record_create(request: AuthedRequest, kind: str) -> HttpResponse:
    user = request.user
    info = KINDS[kind]
    require(
        policy.can_create_intelligence(user, kind),
        f"Your role does not include recording {info.plural}",
    )
    form = bind(request, FORMS[kind])
    sent = submit(
        request,
        form,
        lambda: services.record_create(actor=user, kind=kind, data=_data(kind, form.cleaned_data)),
    )
    if (record := sent.result) is not None:
        messages.success(request, f"{info.title_singular} recorded: {record.label}")
        return redirect(record.get_absolute_url())
    # A record it would repeat is offered (or who to ask about it).
    duplicate = sent.error if isinstance(sent.error, DuplicateRecord) else None
    return render(
        request,
        "intelligence/form.html",
        {
            "info": info,
            "existing": _offer(user, duplicate.existing) if duplicate else None,
            "record": None,
            **sent.context,
        },
    )


def _offer(user: User, existing: Record) -> dict[str, str]:
    """The record a new one would repeat: a link to it if the user may see it; otherwise who
    to ask (it is recorded, but outside what they may see)."""
    if policy.can_view_intelligence(user, existing):
        return {"label": existing.label, "url": existing.get_absolute_url()}
    return {"label": "", "url": "", "ask": f"{existing.agency.name} recorded it"}


def record_edit(request: AuthedRequest, kind: str, pk: int) -> HttpResponse:
    """Change a record. A save made from an out-of-date page is refused with both versions
    shown; nothing is overwritten without the person seeing what they replace."""
    user = request.user
    info = KINDS[kind]
    record = _read(request, kind, pk)
    require(policy.can_change_intelligence(user, record), f"You cannot change this {info.singular}")
    form_class = edit_form(kind)
    form = bind(
        request, form_class, initial={**_form_initial(kind, record), "version": record.version}
    )
    sent = submit(
        request,
        form,
        lambda: services.record_update(
            actor=user,
            record=record,
            version=form.cleaned_data["version"],
            changes=_data(kind, form.cleaned_data),
        ),
        compare=lambda: list(_data(kind, form.cleaned_data)),
    )
    if sent.ok:
        messages.success(request, "Changes saved")
        return redirect(record.get_absolute_url())
    duplicate = sent.error if isinstance(sent.error, DuplicateRecord) else None
    return render(
        request,
        "intelligence/form.html",
        {
            "info": info,
            "existing": _offer(user, duplicate.existing) if duplicate else None,
            "record": record,
            **sent.context,
        },
    )


# ---------------------------------------------------------------------------------------------
# Adding a link
# ---------------------------------------------------------------------------------------------


def link_add(request: AuthedRequest, kind: str, pk: int) -> HttpResponse:
    """Add a link from a record's page."""
    user = request.user
    record = _read(request, kind, pk)
    require(
        policy.can_change_intelligence(user, record),
        f"You cannot add links to this {KINDS[kind].singular}",
    )
    return _link_add(request, here=record.record, back=record.get_absolute_url())


def child_link_add(request: AuthedRequest, child_id: int) -> HttpResponse:
    """Add a link from a child's page: a person, place, vehicle, phone or account."""
    user = request.user
    child = child_read(
        user=user,
        child_id=child_id,
        action=_action(request),
        channel=AccessChannel.PAGE,
        path=request.path,
    )
    if policy.intelligence_reach(user) != IntelligenceReach.FULL:
        raise Refused("Your role does not include intelligence records")
    require(policy.can_link_child(user, child), policy.READ_ONLY_UNDER_GRANT)
    return _link_add(request, here=child, back=reverse("people:detail", args=[child.pk]))


def _end_name(end: Record | Child) -> str:
    return end.full_name if isinstance(end, Child) else end.label


def _end_kind(end: Record | Child) -> str:
    return CHILD if isinstance(end, Child) else end.kind


def _chosen(request: AuthedRequest, here: Record | Child) -> Record | Child | None:
    """The end chosen in the find step (`?to=kind:id`), read through the policy and logged like
    any other read: 404 if it does not exist or the user may not see it."""
    token = request.GET.get("to", "")
    kind, _, raw = token.partition(":")
    if not token:
        return None
    if not raw.isdigit() or (kind != CHILD and kind not in KINDS):
        raise Http404("Nothing to link to")
    user = request.user
    if kind == CHILD:
        other: Record | Child = child_read(
            user=user,
            child_id=int(raw),
            action=AccessAction.VIEW,
            channel=AccessChannel.PAGE,
            path=request.path,
        )
    else:
        other = _read(request, kind, int(raw)).record
    if not selectors.may_link_ends(user, here, other) or (
        _end_kind(here) == _end_kind(other) and here.pk == other.pk
    ):
        raise Http404("Nothing to link to")
    return other


def _link_add(request: AuthedRequest, *, here: Record | Child, back: str) -> HttpResponse:
    user = request.user
    other = _chosen(request, here)
    if other is None:
        return _link_find(request, here=here, back=back)
    one, two = (_end_kind(here), _end_name(here)), (_end_kind(other), _end_name(other))
    child = here if isinstance(here, Child) else other if isinstance(other, Child) else None
    concerns = selectors.origin_concerns(user, child) if child is not None else []
    origins = [
        (
            f"concerns.concern:{c.pk}",
            f"Concern recorded on {gov_date(c.recorded_at)} by {c.agency}",
        )
        for c in concerns
    ]
    form = bind(
        request,
        LinkForm,
        relationships=relationship_choices(one, two),
        origins=origins,
        initial={"source_agency": user.agency_id},
    )
    draft_key = link_draft_key((one[0], here.pk), (two[0], other.pk))
    draft = None if form.is_bound else draft_get(user=user, key=draft_key)
    if draft is not None:
        form.initial = {**form.initial, **draft_initial(form, draft)}

    def add() -> None:
        data = form.cleaned_data
        relationship, _, direction = data["relationship"].partition(":")
        # With no choice made the service says so; the ends are put so a record is the target.
        reverse_ends = direction == "reverse" or (not direction and isinstance(other, Child))
        subject, target = (other, here) if reverse_ends else (here, other)
        if not isinstance(target, Record):
            raise DomainError({"relationship": ["Choose how they are linked"]})
        origin = None
        if data.get("origin"):
            label, _, origin_id = data["origin"].partition(":")
            origin = origin_resolve(user, label, int(origin_id))
        services.link_create(
            actor=user,
            subject=subject if isinstance(subject, Record) else None,
            child=subject if isinstance(subject, Child) else None,
            relationship=relationship,
            target=target,
            information_date=data["information_date"],
            source_kind=data["source_kind"],
            source_agency=data["source_agency"],
            source_detail=data["source_detail"],
            source_evaluation=data["source_evaluation"],
            intelligence_assessment=data["intelligence_assessment"],
            handling_code=data["handling_code"],
            handling_conditions=data["handling_conditions"],
            note=data["note"],
            origin=origin,
        )

    sent = submit(
        request,
        form,
        add,
        fields={"subject": "relationship", "target": "relationship", "child": "relationship"},
    )
    if sent.ok:
        draft_discard(user=user, key=draft_key)
        messages.success(request, f"Link added: {_end_name(other)}")
        return redirect(back)
    return render(
        request,
        "intelligence/link_add.html",
        {
            "here_name": _end_name(here),
            "other_name": _end_name(other),
            "other_kind": ("child" if isinstance(other, Child) else KINDS[other.kind].singular),
            "back": back,
            **sent.context,
            "draft_key": draft_key,
            "draft": draft,
            "find_again": request.path,
        },
    )


def _link_find(request: AuthedRequest, *, here: Record | Child, back: str) -> HttpResponse:
    """The first step: find the record (or child) to link to."""
    user = request.user
    here_kind = _end_kind(here)
    reach = policy.intelligence_reach(user)
    record_kinds = [k for k in KINDS if policy.can_list_intelligence(user, k)]
    choices = find_kinds(
        here_kind=here_kind,
        record_kinds=record_kinds,
        children=reach == IntelligenceReach.FULL and policy.sees_case_content(user),
    )
    form = FindForm(
        request.GET if "kind" in request.GET or "q" in request.GET else None, kinds=choices
    )
    results: list[dict[str, str]] | None = None
    truncated = False
    if form.is_bound and form.is_valid():
        kind, query = form.cleaned_data["kind"], form.cleaned_data["q"].strip()
        if kind == CHILD:
            found = child_search(
                user=user, query=query, channel=AccessChannel.PAGE, path=request.path
            )
            children_listed(
                user=user, children=found.children, channel=AccessChannel.PAGE, path=request.path
            )
            shown_children = found.children[:FIND_SHOWN]
            truncated = len(found.children) > FIND_SHOWN or found.truncated
            results = [
                {
                    "name": c.full_name,
                    "detail": f"{c.reference}, born {gov_date(c.dob)}" if c.dob else c.reference,
                    "to": f"{CHILD}:{c.pk}",
                }
                for c in shown_children
            ]
        else:
            matches = list(
                selectors.record_search(user=user, kind=kind, query=query)[: FIND_SHOWN + 1]
            )
            truncated = len(matches) > FIND_SHOWN
            results = [
                {"name": r.label, "detail": KINDS[kind].title_singular, "to": f"{kind}:{r.pk}"}
                for r in matches[:FIND_SHOWN]
                if not (kind == here_kind and r.pk == here.pk)
            ]
    return render(
        request,
        "intelligence/link_find.html",
        {
            "here_name": _end_name(here),
            "back": back,
            "form": form,
            "results": results,
            "truncated": truncated,
            "create_links": [
                {"info": KINDS[k], "url": reverse(f"intelligence:{k}_create")}
                for k in record_kinds
                if policy.can_create_intelligence(user, k)
            ],
        },
    )
