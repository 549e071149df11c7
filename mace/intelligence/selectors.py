"""Reads of intelligence records and links: one record (checked and logged), search, and a
record's or a child's links as the reader may see them. Every read here is a fixed number of
queries, however many links a record has."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, cast

from django.db.models import Q, QuerySet
from django.http import Http404
from django.urls import reverse

from mace.access import policy
from mace.access.choices import AccessOutcome
from mace.access.services import access_record
from mace.intelligence.choices import CHILD, Belief, RecordKind
from mace.intelligence.kinds import KINDS
from mace.intelligence.models import Link, Record
from mace.intelligence.normalise import (
    normalise_handle,
    normalise_phone,
    normalise_registration,
)
from mace.intelligence.origins import origin_description
from mace.reference.models import normalise_postcode

if TYPE_CHECKING:
    from mace.accounts.models import User
    from mace.people.models import Child

# A record's page shows its newest links; a person linked to hundreds of sightings does not
# make the page (or its query count) grow without bound.
LINKS_SHOWN = 100
# The child's page is mostly about the child: its section shows the newest of their links.
CHILD_LINKS_SHOWN = 50
# Search across every kind (the intelligence start page).
FIND_LIMIT = 50

_RELATED: dict[str, tuple[str, ...]] = {
    RecordKind.PERSON: ("record__agency", "area__quadrant"),
    RecordKind.LOCATION: ("record__agency", "area__quadrant"),
    RecordKind.VEHICLE: ("record__agency", "area__quadrant"),
    RecordKind.PHONE: ("record__agency",),
    RecordKind.ACCOUNT: ("record__agency",),
}


def records_of(kind: str) -> QuerySet[Any]:
    """Records of a kind with what their pages and the API show, in one query."""
    return KINDS[kind].model._default_manager.select_related(*_RELATED[kind])


def record_read(
    *, user: User | None, kind: str, pk: int, action: str, channel: str, path: str = ""
) -> Any:
    """The record, if this user may see it, with the read (or the refusal) logged; otherwise
    404, exactly as for a record that does not exist."""
    info = KINDS[kind]
    record = policy.scope_intelligence(user, records_of(kind)).filter(pk=pk).first()
    if record is None:
        exists = info.model._default_manager.filter(pk=pk).exists()
        access_record(
            user=user,
            child_id=None,
            action=action,
            outcome=AccessOutcome.REFUSED,
            channel=channel,
            path=path,
            detail="" if exists else f"No {info.singular} {pk}",
            obj=cast(Any, info.model)(pk=pk),
        )
        raise Http404(f"No {info.singular} found")
    access_record(
        user=user,
        child_id=None,
        action=action,
        outcome=AccessOutcome.ALLOWED,
        channel=channel,
        path=path,
        obj=record,
    )
    return record


def _terms(query: str) -> list[str]:
    return [term for term in (query or "").split() if term]


def record_search(*, user: User | None, kind: str, query: str = "") -> QuerySet[Any]:
    """The records of a kind this user may see that match `query` (all of them, without one),
    in the kind's own order. Registrations, numbers and handles match however they are typed."""
    records = policy.scope_intelligence(user, records_of(kind))
    query = (query or "").strip()
    if not query:
        return records
    if kind == RecordKind.PERSON:
        for term in _terms(query):
            records = records.filter(Q(name__icontains=term) | Q(aliases__icontains=term))
    elif kind == RecordKind.LOCATION:
        postcode = normalise_postcode(query)
        words = Q()
        for term in _terms(query):
            words &= (
                Q(name__icontains=term)
                | Q(line1__icontains=term)
                | Q(line2__icontains=term)
                | Q(town__icontains=term)
            )
        records = records.filter(words | Q(postcode__startswith=postcode))
    elif kind == RecordKind.VEHICLE:
        looks = Q()
        for term in _terms(query):
            looks &= Q(make__icontains=term) | Q(model__icontains=term) | Q(colour__icontains=term)
        registration = normalise_registration(query)
        records = records.filter(looks | Q(registration__contains=registration or "\0"))
    elif kind == RecordKind.PHONE:
        digits = normalise_phone(query).lstrip("+")
        records = records.filter(Q(number__contains=digits) | Q(description__icontains=query))
    elif kind == RecordKind.ACCOUNT:
        records = records.filter(
            Q(handle_key__contains=normalise_handle(query)) | Q(display_name__icontains=query)
        )
    return records


def records_find(*, user: User | None, query: str, limit: int = FIND_LIMIT) -> list[Record]:
    """Records of every kind this user may see that match `query` by name or by key."""
    query = (query or "").strip()
    if not query:
        return []
    by_label = Q()
    for term in _terms(query):
        by_label &= Q(label__icontains=term)
    by_key = Q()
    if registration := normalise_registration(query):
        by_key |= Q(vehicle__registration__contains=registration)
    if (digits := normalise_phone(query).lstrip("+")) and len(digits) >= 4:
        by_key |= Q(phone__number__contains=digits)
    if handle := normalise_handle(query):
        by_key |= Q(account__handle_key__contains=handle)
    records = Record.objects.visible_to(user).filter(by_label | by_key).select_related("area")
    return list(records.order_by("label", "pk")[:limit])


# ---------------------------------------------------------------------------------------------
# Links as a reader sees them
# ---------------------------------------------------------------------------------------------


@dataclass
class LinkEnd:
    """One end of a link as this reader may see it: its name and page, or only what it is."""

    text: str
    url: str = ""
    here: bool = False  # the page the link is shown on
    kind: str = ""
    id: int | None = None  # None when the reader may not know which it is

    @property
    def visible(self) -> bool:
        return self.id is not None


@dataclass
class ShownLink:
    link: Link
    subject: LinkEnd
    target: LinkEnd
    origin: str = ""

    @property
    def verb(self) -> str:
        return str(self.link.get_relationship_display())

    @property
    def established(self) -> bool:
        return self.link.belief == Belief.ESTABLISHED

    @property
    def opening(self) -> str:
        """The subject's words as the sentence opens with them (capitalised when nothing
        qualifies the sentence before them)."""
        text = self.subject.text
        return text[:1].upper() + text[1:] if self.established else text

    @property
    def tag_class(self) -> str:
        """The GOV.UK tag colour for how far the link is believed."""
        return {
            Belief.ESTABLISHED: "govuk-tag--green",
            Belief.REPORTED: "govuk-tag--blue",
            Belief.DOUBTED: "govuk-tag--red",
        }.get(Belief(self.link.belief), "govuk-tag--grey")

    @property
    def child_withheld(self) -> bool:
        return self.link.child_id is not None and not self.subject.visible

    @property
    def source(self) -> str:
        detail = f" ({self.link.source_detail})" if self.link.source_detail else ""
        return f"{self.link.get_source_kind_display()}{detail}, held by {self.link.source_agency}"


@dataclass
class LinkList:
    rows: list[ShownLink] = field(default_factory=list)
    total: int = 0
    children_not_shown: int = 0  # links to children this reader sees only as a count
    named_children: list[Child] = field(default_factory=list)  # to log as listed

    @property
    def truncated(self) -> bool:
        return self.total > len(self.rows)


def links_loaded() -> QuerySet[Link]:
    return Link.objects.select_related(
        "subject", "target", "child", "source_agency", "agency"
    ).order_by("-information_date", "-created_at", "-id")


def _record_end(user: User | None, record: Record, here: Record | None) -> LinkEnd:
    info = KINDS[record.kind]
    if here is not None and record.pk == here.pk:
        return LinkEnd(info.this, here=True, kind=record.kind, id=record.pk)
    if policy.can_view_intelligence(user, record):
        return LinkEnd(record.label, record.get_absolute_url(), kind=record.kind, id=record.pk)
    return LinkEnd(f"{info.article} you cannot see", kind=record.kind)


def _child_end(child: Child, named: set[int], here: Child | None) -> LinkEnd:
    if here is not None and child.pk == here.pk:
        return LinkEnd(child.full_name, here=True, kind=CHILD, id=child.pk)
    if child.pk in named:
        url = reverse("people:detail", args=[child.pk])
        return LinkEnd(child.full_name, url, kind=CHILD, id=child.pk)
    return LinkEnd("a child you cannot see", kind=CHILD)


def show_links(
    user: User | None,
    links: list[Link],
    *,
    here_record: Record | None = None,
    here_child: Child | None = None,
) -> tuple[list[ShownLink], list[Child]]:
    # The child whose page it is is seen already: only other children need asking about.
    ids = {ln.child_id for ln in links if ln.child_id} - {here_child.pk if here_child else None}
    named = policy.children_named_in_links(user, {i for i in ids if i is not None})
    origins = policy.sees_link_origins(user)
    rows, named_children = [], {}
    for link in links:
        if link.child is not None:
            subject = _child_end(link.child, named, here_child)
            if link.child.pk in named:
                named_children[link.child.pk] = link.child
        else:
            assert link.subject is not None
            subject = _record_end(user, link.subject, here_record)
        origin = (
            f"From {origin_description(link.origin_type_id)}"
            if origins and link.origin_type_id
            else ""
        )
        rows.append(
            ShownLink(
                link=link,
                subject=subject,
                target=_record_end(user, link.target, here_record),
                origin=origin,
            )
        )
    return rows, list(named_children.values())


def links_for_record(user: User | None, record: Record, *, limit: int = LINKS_SHOWN) -> LinkList:
    """The record's links, newest first, as this reader may see them: a district officer gets
    only the number of links to children; others see each, with the child named only if they
    may see that child."""
    where = Q(subject=record) | Q(target=record)
    result = LinkList()
    if not policy.sees_links_to_children(user):
        result.children_not_shown = Link.objects.filter(where, child__isnull=False).count()
        where &= Q(child__isnull=True)
    rows = list(links_loaded().filter(where)[: limit + 1])
    result.total = len(rows) if len(rows) <= limit else Link.objects.filter(where).count()
    result.rows, result.named_children = show_links(user, rows[:limit], here_record=record)
    return result


def links_for_child(user: User | None, child: Child, *, limit: int = CHILD_LINKS_SHOWN) -> LinkList:
    """A child's links, newest first, for a reader who may see the child and intelligence."""
    rows = list(links_loaded().filter(child=child)[: limit + 1])
    result = LinkList()
    result.total = len(rows) if len(rows) <= limit else Link.objects.filter(child=child).count()
    result.rows, _ = show_links(user, rows[:limit], here_child=child)
    return result


# ---------------------------------------------------------------------------------------------
# The ends of a new link
# ---------------------------------------------------------------------------------------------


def end_find(kind: str, pk: int) -> Record | Child | None:
    """A record of the kind, or a child (kind "child"), by id; None if there is none."""
    if kind == CHILD:
        from mace.people.models import Child as ChildModel

        return ChildModel.objects.select_related("area__quadrant").filter(pk=pk).first()
    if kind not in KINDS:
        return None
    return Record.objects.filter(pk=pk, kind=kind).first()


def may_link_ends(user: User | None, one: Record | Child, other: Record | Child) -> bool:
    """Whether the user may link these two ends, in whichever order the sentence puts them."""
    if not isinstance(one, Record) and not isinstance(other, Record):
        return False  # two children: that is the children's case records' business
    if isinstance(one, Record) and isinstance(other, Record):
        return policy.can_link(user, target=other, subject=one)
    record, child = (one, other) if isinstance(one, Record) else (other, one)
    assert isinstance(record, Record)
    return policy.can_link(user, target=record, child=child)  # type: ignore[arg-type]


def origin_concerns(user: User | None, child: Child, *, limit: int = 20) -> list[Any]:
    """The child's newest concerns this user may read, to say a link came from one."""
    from mace.concerns.models import Concern

    concerns = list(
        Concern.objects.filter(child=child)
        .select_related("agency")
        .order_by("-recorded_at")[:limit]
    )
    shown = []
    for concern in concerns:
        concern.child = child
        if policy.can_read_entry(user, concern):
            shown.append(concern)
    return shown


def record_counts(user: User | None) -> dict[str, int | None]:
    """How many records of each kind the user may see (None for a kind they have no list of)."""
    return {
        kind: (
            policy.scope_intelligence(user, info.model._default_manager.all()).count()
            if policy.can_list_intelligence(user, kind)
            else None
        )
        for kind, info in KINDS.items()
    }
