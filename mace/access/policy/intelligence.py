"""Intelligence (mace.intelligence): persons of concern, locations, vehicles, phones, online
accounts, and the links between them and children.

- Police and children's social care practitioners and managers, and every MACE chair and
  coordinator, see and work on all of them, county-wide: exploitation crosses district and
  quadrant lines, and MACE part 2 needs the whole picture.
- Analysts read them (they do not change them) and, as they see no case content, never see
  which child a link is about.
- A district council / CSP officer sees and works on the locations, adult persons of concern
  and vehicles placed in their own council's area (their agency's area), nothing else: no
  phones or accounts, no peers (a peer is under 18, a child), and nothing about children
  beyond how many a record is linked to.
- A link's child is named only to someone who may see that child (can_view_child); anyone
  else who reads the record sees that it is linked to a child they cannot see.
- Everyone else sees none of it, and gets 404 for any one record, as for a child.
"""

from __future__ import annotations

from django.db.models import QuerySet

from mace.access.choices import IntelligenceReach
from mace.access.policy.children import can_write_for_child, scope_children
from mace.access.policy.roles import sees_case_content
from mace.accounts.choices import Role
from mace.accounts.models import User
from mace.intelligence.choices import RecordKind
from mace.intelligence.models import Record
from mace.people.models import Child
from mace.reference.choices import AgencyType

__all__ = [
    "DISTRICT_AGENCY_TYPES",
    "DISTRICT_RECORD_KINDS",
    "INTELLIGENCE_AGENCY_TYPES",
    "can_change_intelligence",
    "can_create_intelligence",
    "can_link",
    "can_link_child",
    "can_list_intelligence",
    "can_view_intelligence",
    "children_named_in_links",
    "intelligence_reach",
    "scope_intelligence",
    "sees_intelligence",
    "sees_link_origins",
    "sees_links_to_children",
]

# The agencies whose practitioners and managers work on all intelligence.
INTELLIGENCE_AGENCY_TYPES = frozenset({AgencyType.POLICE, AgencyType.CHILDRENS_SOCIAL_CARE})
# The agencies whose district officers work on their own district's records.
DISTRICT_AGENCY_TYPES = frozenset({AgencyType.DISTRICT_COUNCIL, AgencyType.COMMUNITY_SAFETY})
# What a district council or CSP can act on with its own powers (licensing, housing, ASB).
DISTRICT_RECORD_KINDS = frozenset({RecordKind.PERSON, RecordKind.LOCATION, RecordKind.VEHICLE})


def intelligence_reach(user: User | None) -> IntelligenceReach:
    """How far the user reaches into intelligence records: full, read, district or none."""
    if user is None or not user.is_authenticated or not user.is_active:
        return IntelligenceReach.NONE
    if user.agency_id is None:
        return IntelligenceReach.NONE
    roles = user.role_set
    if roles & {Role.SYSTEM_ADMIN, Role.BOARD_MEMBER}:
        return IntelligenceReach.NONE
    agency = user.agency
    assert agency is not None
    if Role.DISTRICT_OFFICER in roles:
        # The most limited role wins, as for case content: a district officer who also holds
        # another role still sees only their district.
        if agency.type in DISTRICT_AGENCY_TYPES and agency.area_id is not None:
            return IntelligenceReach.DISTRICT
        return IntelligenceReach.NONE
    if roles & {Role.MACE_CHAIR, Role.MACE_COORDINATOR}:
        return IntelligenceReach.FULL
    if roles & {Role.PRACTITIONER, Role.AGENCY_MANAGER} and agency.type in (
        INTELLIGENCE_AGENCY_TYPES
    ):
        return IntelligenceReach.FULL
    if Role.ANALYST in roles:
        return IntelligenceReach.READ
    return IntelligenceReach.NONE


def sees_intelligence(user: User | None) -> bool:
    return intelligence_reach(user) != IntelligenceReach.NONE


def can_list_intelligence(user: User | None, kind: str) -> bool:
    """Whether the user has a list of records of this kind at all."""
    reach = intelligence_reach(user)
    if reach == IntelligenceReach.DISTRICT:
        return kind in DISTRICT_RECORD_KINDS
    return reach in (IntelligenceReach.FULL, IntelligenceReach.READ)


def can_create_intelligence(user: User | None, kind: str) -> bool:
    """Whether the user may record a new person, location, vehicle, phone or account. A
    district officer's new record must also be placed in their district (the service checks)."""
    reach = intelligence_reach(user)
    if reach == IntelligenceReach.DISTRICT:
        return kind in DISTRICT_RECORD_KINDS
    return reach == IntelligenceReach.FULL


def _district_area_id(user: User) -> int | None:
    assert user.agency is not None
    return user.agency.area_id


def scope_intelligence[QS: QuerySet](user: User | None, queryset: QS) -> QS:
    """The records in `queryset` (of Record, or of one kind of record) this user may see."""
    reach = intelligence_reach(user)
    if reach in (IntelligenceReach.FULL, IntelligenceReach.READ):
        return queryset
    if reach == IntelligenceReach.NONE:
        return queryset.none()
    assert user is not None
    area_id = _district_area_id(user)
    if queryset.model is Record:
        return queryset.filter(kind__in=DISTRICT_RECORD_KINDS, area_id=area_id, about_a_minor=False)
    if queryset.model.KIND not in DISTRICT_RECORD_KINDS:
        return queryset.none()
    return queryset.filter(record__area_id=area_id, record__about_a_minor=False)


def _record_facts(record: object) -> tuple[str, int | None, bool]:
    """(kind, area id, about a minor) of a Record or of a person, location... (no query)."""
    if isinstance(record, Record):
        return record.kind, record.area_id, record.about_a_minor
    return record.KIND, record.record_area_id, record.record_about_a_minor  # type: ignore[attr-defined]


def can_view_intelligence(user: User | None, record: object) -> bool:
    """Whether the user may see this record (a Record, or a person, location...)."""
    reach = intelligence_reach(user)
    if reach in (IntelligenceReach.FULL, IntelligenceReach.READ):
        return True
    if reach == IntelligenceReach.NONE:
        return False
    assert user is not None
    kind, area_id, minor = _record_facts(record)
    return (
        kind in DISTRICT_RECORD_KINDS
        and not minor
        and area_id is not None
        and area_id == _district_area_id(user)
    )


def can_change_intelligence(user: User | None, record: object) -> bool:
    """Whether the user may change this record (analysts only read)."""
    reach = intelligence_reach(user)
    if reach == IntelligenceReach.FULL:
        return True
    return reach == IntelligenceReach.DISTRICT and can_view_intelligence(user, record)


def can_link(
    user: User | None, *, target: object, subject: object = None, child: Child | None = None
) -> bool:
    """Whether the user may record a link between these ends: they work on both records, and a
    child end needs full reach and sight of the child."""
    if not can_change_intelligence(user, target):
        return False
    if subject is not None and not can_change_intelligence(user, subject):
        return False
    if child is not None:
        return can_link_child(user, child)
    return subject is not None


def can_link_child(user: User | None, child: Child, *, writes: bool | None = None) -> bool:
    """Linking a child to a person, place, vehicle, phone or account: full reach, and the right
    to write about the child (can_write_for_child: not under a break-glass grant). `writes` is
    can_write_for_child's answer when the caller already has it (the child's page)."""
    if intelligence_reach(user) != IntelligenceReach.FULL:
        return False
    return can_write_for_child(user, child) if writes is None else writes


def sees_links_to_children(user: User | None) -> bool:
    """Whether the user sees each of a record's links to children (named or not), rather than
    only how many there are."""
    return intelligence_reach(user) in (IntelligenceReach.FULL, IntelligenceReach.READ)


def children_named_in_links(user: User | None, child_ids: set[int] | list[int]) -> set[int]:
    """Of these children, the ones this user may see, so a link may name them (one query)."""
    ids = set(child_ids)
    if not ids or not sees_case_content(user):
        return set()
    visible = scope_children(user, Child.objects.filter(pk__in=ids))
    return set(visible.values_list("pk", flat=True))


def sees_link_origins(user: User | None) -> bool:
    """A link's origin (a concern, a return interview) is part of a child's case: a district
    officer is not told that one exists."""
    return intelligence_reach(user) in (IntelligenceReach.FULL, IntelligenceReach.READ)
