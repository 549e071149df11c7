"""The access policy: the one place that decides who may see and do what.

Every page, API route, export and search asks this module. Rules for now:
- a child is visible to users whose agency is involved with the child (it recorded something
  about them or is allocated to them), when the user holds a role that works with case content;
- system administrators, district council / CSP officers, board members, analysts and workforce
  leads see no child case content;
- any user who works with case content may record a concern about a child they see other than
  through a break-glass grant (which involves their agency), and may be told that a record
  exists, and which agencies to contact, when they give an exact strong identifier (NHS number,
  UPN, local authority or police reference) together with the matching date of birth of a child
  they cannot see, so nobody creates a duplicate; never for a MACE reference or a name;
- break-glass: such a user may take emergency access to that child for a limited time on a
  stated reason; while the grant lasts they may read the record and nothing else: everything
  that writes about a child asks can_write_for_child, which a grant never satisfies, so a grant
  never involves their agency and leaves nothing behind when it ends;
- a restricted chronology entry or concern is read only by the author's agency and the MACE
  chairs of the child's quadrant; everyone else who sees the child sees that it exists;
- agency managers and the data protection role read the audit: the data protection role for
  every child and user, an agency manager for the children their agency works or has worked
  with and the users of their own agency; they also review break-glass uses.
- two people give power: a role that sees case content, the data protection role or superuser
  takes effect only when someone other than the person who asked for it (and other than the
  account's holder) approves it: an agency manager of the account's agency or a data protection
  officer. Taking a role away needs nobody's approval.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from mace.accounts.choices import Role

if TYPE_CHECKING:
    from mace.access.models import BreakGlassGrant
    from mace.accounts.models import RoleGrantRequest, User
    from mace.assessments.models import Assessment
    from mace.concerns.models import Concern
    from mace.meetings.models import Action, Meeting
    from mace.people.models import Child, ChronologyEntry

# Roles whose work is individual children's cases.
CASE_ROLES = frozenset(
    {
        Role.PRACTITIONER,
        Role.AGENCY_MANAGER,
        Role.MACE_CHAIR,
        Role.MACE_COORDINATOR,
        Role.SERVICE_WORKER,
    }
)
# Roles that never see a child's case content, whatever else they hold.
NO_CASE_CONTENT_ROLES = frozenset({Role.SYSTEM_ADMIN, Role.DISTRICT_OFFICER, Role.BOARD_MEMBER})


def sees_case_content(user: User | None) -> bool:
    """Whether the user's roles let them see children's case content at all."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    if user.agency_id is None:
        return False
    roles = user.role_set
    if roles & NO_CASE_CONTENT_ROLES:
        return False
    return bool(roles & CASE_ROLES)


def can_record_concern(user: User | None) -> bool:
    """Whether the user's roles let them record concerns at all; about one child, they also
    need can_write_for_child."""
    return sees_case_content(user)


def can_create_child(user: User | None) -> bool:
    return sees_case_content(user)


def can_request_break_glass(user: User | None) -> bool:
    """Anyone who works with case content may ask for emergency access to a child."""
    return sees_case_content(user)


def _involved(user: User) -> Exists:
    from mace.people.models import AgencyInvolvement

    assert user.agency_id is not None
    return Exists(
        AgencyInvolvement.objects.filter(
            child=OuterRef("pk"), agency_id=user.agency_id, ended_at__isnull=True
        )
    )


def active_break_glass_grants(user: User | None) -> QuerySet[BreakGlassGrant]:
    """The user's break-glass grants that still give access now."""
    from mace.access.models import BreakGlassGrant

    if user is None or not user.is_authenticated:
        return BreakGlassGrant.objects.none()
    return BreakGlassGrant.objects.filter(
        user=user, expires_at__gt=timezone.now(), ended_at__isnull=True
    )


def scope_children(user: User | None, queryset: QuerySet[Child]) -> QuerySet[Child]:
    """The children in `queryset` this user may see: those their agency is involved with, those
    they hold a live break-glass grant for, and, for a quadrant's MACE chairs and coordinator,
    the children on its MACE list."""
    if not sees_case_content(user):
        return queryset.none()
    assert user is not None and user.agency_id is not None
    granted = Exists(active_break_glass_grants(user).filter(child=OuterRef("pk")))
    visible = _involved(user) | granted
    panel = _on_mace_list(user)
    return queryset.filter(visible | panel if panel is not None else visible)


def can_view_child(user: User | None, child: Child) -> bool:
    from mace.people.models import Child as ChildModel

    return scope_children(user, ChildModel.objects.filter(pk=child.pk)).exists()


def break_glass_grant_for(
    user: User | None, child: Child, *, writes: bool | None = None
) -> BreakGlassGrant | None:
    """The live grant through which the user sees this child, when that is the only way they
    see them (the child's page says so, offers nothing that writes, and offers to give it up).
    `writes` is can_write_for_child's answer when the caller already has it."""
    if not sees_case_content(user):
        return None
    if can_write_for_child(user, child) if writes is None else writes:
        return None
    return active_break_glass_grants(user).filter(child=child).order_by("-expires_at").first()


def _sees_without_grant(user: User | None, child: Child, *, panel: bool) -> bool:
    """Case content and sight of the child through their agency's involvement (and, with
    `panel`, through the MACE list of the quadrant whose panel they sit on): never a grant."""
    if not sees_case_content(user):
        return False
    from mace.people.models import Child as ChildModel

    assert user is not None
    sight = _involved(user)
    on_list = _on_mace_list(user) if panel else None
    return (
        ChildModel.objects.filter(pk=child.pk)
        .filter(sight | on_list if on_list is not None else sight)
        .exists()
    )


# What a refused write says to someone who sees the child only through emergency access.
READ_ONLY_UNDER_GRANT = (
    "Emergency access only lets you read this record. Ask an agency that works with the child "
    "to record this"
)


def can_write_for_child(user: User | None, child: Child) -> bool:
    """The rule under every write about a child (a note, a concern, an identifier or address,
    an assessment, a missing episode, an intelligence or evidence link, an agenda item): case
    content and sight of the child other than through a break-glass grant, that is, their
    agency's involvement or their MACE panel's list. Emergency access is read-only for its whole
    duration: a write would involve the agency and so outlast the grant."""
    return _sees_without_grant(user, child, panel=True)


def sees_only_through_grant(user: User | None, child: Child) -> bool:
    """Whether the user sees this child only through a live break-glass grant (so may read, and
    nothing else; their agency is never involved through it)."""
    return can_view_child(user, child) and not can_write_for_child(user, child)


def can_change_child(user: User | None, child: Child) -> bool:
    """Changing a child's details, identifiers and addresses needs the agency's involvement
    (can_write_for_child, without the panel's list); break-glass only reads."""
    return _sees_without_grant(user, child, panel=False)


def can_read_restricted(user: User | None, *, agency_id: int, child: Child) -> bool:
    """A restricted entry or concern: its author's agency, and the MACE chairs of the child's
    quadrant (by the child's current area), who must also be able to see the child at all."""
    if not sees_case_content(user):
        return False
    assert user is not None
    if user.agency_id == agency_id:
        return True
    quadrant_id = child.area.quadrant_id if child.area_id and child.area else None
    return (
        Role.MACE_CHAIR in user.role_set
        and quadrant_id is not None
        and user.quadrant_id == quadrant_id
    )


def can_read_entry(user: User | None, entry: ChronologyEntry | Concern) -> bool:
    """Whether the user may read this entry's (or concern's) content, given they see the child.
    Callers that hold many entries pass ones whose child (with area) is already loaded."""
    if not entry.restricted:
        return True
    return can_read_restricted(user, agency_id=entry.agency_id, child=entry.child)


def can_view_audit(user: User | None) -> bool:
    """Agency managers and the data protection role read the audit."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    return bool(user.role_set & {Role.AGENCY_MANAGER, Role.DATA_PROTECTION})


def audit_children(user: User | None, queryset: QuerySet[Child]) -> QuerySet[Child]:
    """The children whose audit this user may read: every child for the data protection role;
    for an agency manager, those their agency works or has worked with."""
    if not can_view_audit(user):
        return queryset.none()
    assert user is not None
    if Role.DATA_PROTECTION in user.role_set:
        return queryset
    if user.agency_id is None:
        return queryset.none()
    from mace.people.models import AgencyInvolvement

    return queryset.filter(
        Exists(AgencyInvolvement.objects.filter(child=OuterRef("pk"), agency_id=user.agency_id))
    )


def can_audit_child(user: User | None, child: Child) -> bool:
    from mace.people.models import Child as ChildModel

    return audit_children(user, ChildModel.objects.filter(pk=child.pk)).exists()


def audit_users(user: User | None, queryset: QuerySet[User]) -> QuerySet[User]:
    """The users whose activity this user may read: everyone for the data protection role; an
    agency manager's own agency's users."""
    if not can_view_audit(user):
        return queryset.none()
    assert user is not None
    if Role.DATA_PROTECTION in user.role_set:
        return queryset
    if user.agency_id is None:
        return queryset.none()
    return queryset.filter(agency_id=user.agency_id)


def can_audit_user(user: User | None, subject: User) -> bool:
    from mace.accounts.models import User as UserModel

    return audit_users(user, UserModel.objects.filter(pk=subject.pk)).exists()


def break_glass_for_review(
    user: User | None, queryset: QuerySet[BreakGlassGrant]
) -> QuerySet[BreakGlassGrant]:
    """The break-glass grants this user may review: for an agency manager, grants on children
    their agency works with and grants taken by their own agency's staff; the data protection
    role sees them all."""
    if not can_view_audit(user):
        return queryset.none()
    assert user is not None
    if Role.DATA_PROTECTION in user.role_set:
        return queryset
    if user.agency_id is None:
        return queryset.none()
    from mace.people.models import AgencyInvolvement

    on_our_children = Exists(
        AgencyInvolvement.objects.filter(child=OuterRef("child_id"), agency_id=user.agency_id)
    )
    return queryset.filter(on_our_children | Q(agency_id=user.agency_id))


def can_review_break_glass(user: User | None, grant: BreakGlassGrant) -> bool:
    """Whether the user may mark this grant reviewed; nobody reviews their own use."""
    from mace.access.models import BreakGlassGrant as GrantModel

    if user is None or grant.user_id == user.pk:
        return False
    return break_glass_for_review(user, GrantModel.objects.filter(pk=grant.pk)).exists()


# Roles whose granting needs a second person's approval (mace.accounts.services): every role
# that sees case content, and the data protection role (it reads every child's audit and
# approves these requests itself). Superuser needs approval too.
ROLES_NEEDING_APPROVAL = CASE_ROLES | {Role.DATA_PROTECTION}


def role_needs_approval(role: str) -> bool:
    return role in ROLES_NEEDING_APPROVAL


def can_view_role_grants(user: User | None) -> bool:
    """Agency managers and data protection officers approve powerful roles."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    return bool(user.role_set & {Role.AGENCY_MANAGER, Role.DATA_PROTECTION})


def role_grants_for_approval(
    user: User | None, queryset: QuerySet[RoleGrantRequest]
) -> QuerySet[RoleGrantRequest]:
    """The role requests this user may see and decide: every one for a data protection
    officer; an agency manager's, those about accounts of their own agency. Never one about
    their own account or one they asked for themselves."""
    if not can_view_role_grants(user):
        return queryset.none()
    assert user is not None
    queryset = queryset.exclude(user_id=user.pk).exclude(requested_by_id=user.pk)
    if Role.DATA_PROTECTION in user.role_set:
        return queryset
    if user.agency_id is None:
        return queryset.none()
    return queryset.filter(user__agency_id=user.agency_id)


def role_grant_approvers(grant: RoleGrantRequest) -> QuerySet[User]:
    """Everyone who may decide this request, in one query (role_grants_for_approval turned
    round): the data protection officers, and the agency managers of the account's agency;
    never the account's holder nor whoever asked."""
    from mace.accounts.models import User as UserModel

    may = Q(role_assignments__role=Role.DATA_PROTECTION)
    if grant.user.agency_id is not None:
        may |= Q(role_assignments__role=Role.AGENCY_MANAGER, agency_id=grant.user.agency_id)
    return (
        UserModel.objects.filter(may, is_active=True)
        .exclude(pk__in=[grant.user_id, grant.requested_by_id or 0])
        .distinct()
    )


def can_approve_role_grant(user: User | None, grant: RoleGrantRequest) -> bool:
    """Whether the user may approve or refuse this request: a second person, never the one who
    asked nor the account's holder, with the standing to approve it."""
    from mace.accounts.models import RoleGrantRequest as RequestModel

    if user is None or grant.user_id == user.pk or grant.requested_by_id == user.pk:
        return False
    return role_grants_for_approval(user, RequestModel.objects.filter(pk=grant.pk)).exists()


def can_amend_entry(user: User | None, entry: ChronologyEntry) -> bool:
    """Only the agency that made a chronology entry may correct it (by amendment)."""
    return (
        user is not None
        and user.agency_id == entry.agency_id
        and can_write_for_child(user, entry.child)
    )


def visible_child_or_404(user: User | None, child_id: int) -> Child:
    """The child, if this user may see them; otherwise 404, as if there were no such child."""
    from mace.people.models import Child

    child = (
        scope_children(user, Child.objects.select_related("area__quadrant"))
        .filter(pk=child_id)
        .first()
    )
    if child is None:
        raise Http404("No child found")
    return child


# ---------------------------------------------------------------------------------------------
# missing (mace.missing): missing episodes, return home interviews, the police import and the
# SSDA903 export
# ---------------------------------------------------------------------------------------------


def can_view_missing(user: User | None, child: Child) -> bool:
    """Episodes, gradings and return interviews are part of the child's record: whoever may see
    the child reads them (a break-glass grant included)."""
    return can_view_child(user, child)


def can_record_missing(user: User | None, child: Child) -> bool:
    """Recording an episode, closing or correcting it, regrading it, or recording the return
    interview: as for any write about a child (can_write_for_child). It involves the actor's
    agency, so it is no way round need-to-know. A break-glass grant does not count: emergency
    access is read-only for its whole duration; someone who finds the child missing under a
    grant reports it to an agency that works with the child (or the police), who record it."""
    return can_write_for_child(user, child)


def _agency_type(user: User) -> str | None:
    return user.agency.type if user.agency_id is not None and user.agency else None


def can_import_missing(user: User | None) -> bool:
    """Bulk import of episodes from a police CSV: practitioners and managers of a police force.
    The file is the force's own missing persons extract, and each row still needs sight of the
    child it names."""
    from mace.reference.choices import AgencyType

    if not sees_case_content(user):
        return False
    assert user is not None
    return bool(user.role_set & {Role.PRACTITIONER, Role.AGENCY_MANAGER}) and (
        _agency_type(user) == AgencyType.POLICE
    )


def can_export_903(user: User | None) -> bool:
    """The SSDA903 return is the local authority's: managers in a children's social care agency
    export it, for the children their agency works with (scope_children)."""
    from mace.reference.choices import AgencyType

    if not sees_case_content(user):
        return False
    assert user is not None
    return Role.AGENCY_MANAGER in user.role_set and (
        _agency_type(user) == AgencyType.CHILDRENS_SOCIAL_CARE
    )


# ---------------------------------------------------------------------------------------------
# Intelligence (mace.intelligence): persons of concern, locations, vehicles, phones, online
# accounts, and the links between them and children.
#
# - Police and children's social care practitioners and managers, and every MACE chair and
#   coordinator, see and work on all of them, county-wide: exploitation crosses district and
#   quadrant lines, and MACE part 2 needs the whole picture.
# - Analysts read them (they do not change them) and, as they see no case content, never see
#   which child a link is about.
# - A district council / CSP officer sees and works on the locations, adult persons of concern
#   and vehicles placed in their own council's area (their agency's area), nothing else: no
#   phones or accounts, no peers (a peer is under 18, a child), and nothing about children
#   beyond how many a record is linked to.
# - A link's child is named only to someone who may see that child (can_view_child); anyone
#   else who reads the record sees that it is linked to a child they cannot see.
# - Everyone else sees none of it, and gets 404 for any one record, as for a child.
# ---------------------------------------------------------------------------------------------

REACH_NONE = "none"
REACH_READ = "read"
REACH_DISTRICT = "district"
REACH_FULL = "full"

# Agency types (mace.reference.choices.AgencyType) and record kinds
# (mace.intelligence.choices.RecordKind), by value.
INTELLIGENCE_AGENCY_TYPES = frozenset({"police", "csc"})
DISTRICT_AGENCY_TYPES = frozenset({"district_council", "csp"})
# What a district council or CSP can act on with its own powers (licensing, housing, ASB).
DISTRICT_RECORD_KINDS = frozenset({"person", "location", "vehicle"})


def intelligence_reach(user: User | None) -> str:
    """How far the user reaches into intelligence records: full, read, district or none."""
    if user is None or not user.is_authenticated or not user.is_active:
        return REACH_NONE
    if user.agency_id is None:
        return REACH_NONE
    roles = user.role_set
    if roles & {Role.SYSTEM_ADMIN, Role.BOARD_MEMBER}:
        return REACH_NONE
    agency = user.agency
    assert agency is not None
    if Role.DISTRICT_OFFICER in roles:
        # The most limited role wins, as for case content: a district officer who also holds
        # another role still sees only their district.
        if agency.type in DISTRICT_AGENCY_TYPES and agency.area_id is not None:
            return REACH_DISTRICT
        return REACH_NONE
    if roles & {Role.MACE_CHAIR, Role.MACE_COORDINATOR}:
        return REACH_FULL
    if roles & {Role.PRACTITIONER, Role.AGENCY_MANAGER} and agency.type in (
        INTELLIGENCE_AGENCY_TYPES
    ):
        return REACH_FULL
    if Role.ANALYST in roles:
        return REACH_READ
    return REACH_NONE


def sees_intelligence(user: User | None) -> bool:
    return intelligence_reach(user) != REACH_NONE


def can_list_intelligence(user: User | None, kind: str) -> bool:
    """Whether the user has a list of records of this kind at all."""
    reach = intelligence_reach(user)
    if reach == REACH_DISTRICT:
        return kind in DISTRICT_RECORD_KINDS
    return reach in (REACH_FULL, REACH_READ)


def can_create_intelligence(user: User | None, kind: str) -> bool:
    """Whether the user may record a new person, location, vehicle, phone or account. A
    district officer's new record must also be placed in their district (the service checks)."""
    reach = intelligence_reach(user)
    if reach == REACH_DISTRICT:
        return kind in DISTRICT_RECORD_KINDS
    return reach == REACH_FULL


def _district_area_id(user: User) -> int | None:
    assert user.agency is not None
    return user.agency.area_id


def scope_intelligence[QS: QuerySet](user: User | None, queryset: QS) -> QS:  # type: ignore[type-arg]
    """The records in `queryset` (of Record, or of one kind of record) this user may see."""
    from mace.intelligence.models import Record

    reach = intelligence_reach(user)
    if reach in (REACH_FULL, REACH_READ):
        return queryset
    if reach == REACH_NONE:
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
    from mace.intelligence.models import Record

    if isinstance(record, Record):
        return record.kind, record.area_id, record.about_a_minor
    return record.KIND, record.record_area_id, record.record_about_a_minor  # type: ignore[attr-defined]


def can_view_intelligence(user: User | None, record: object) -> bool:
    """Whether the user may see this record (a Record, or a person, location...)."""
    reach = intelligence_reach(user)
    if reach in (REACH_FULL, REACH_READ):
        return True
    if reach == REACH_NONE:
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
    if reach == REACH_FULL:
        return True
    return reach == REACH_DISTRICT and can_view_intelligence(user, record)


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
    if intelligence_reach(user) != REACH_FULL:
        return False
    return can_write_for_child(user, child) if writes is None else writes


def sees_links_to_children(user: User | None) -> bool:
    """Whether the user sees each of a record's links to children (named or not), rather than
    only how many there are."""
    return intelligence_reach(user) in (REACH_FULL, REACH_READ)


def children_named_in_links(user: User | None, child_ids: set[int] | list[int]) -> set[int]:
    """Of these children, the ones this user may see, so a link may name them (one query)."""
    from mace.people.models import Child as ChildModel

    ids = set(child_ids)
    if not ids or not sees_case_content(user):
        return set()
    visible = scope_children(user, ChildModel.objects.filter(pk__in=ids))
    return set(visible.values_list("pk", flat=True))


def sees_link_origins(user: User | None) -> bool:
    """A link's origin (a concern, a return interview) is part of a child's case: a district
    officer is not told that one exists."""
    return intelligence_reach(user) in (REACH_FULL, REACH_READ)


# ---------------------------------------------------------------------------------------------
# assessments: risk and vulnerabilities assessments (mace.assessments)
# ---------------------------------------------------------------------------------------------
# - anyone who works with case content and sees the child may assess them, and reads the
#   child's assessments (drafts included, marked as such) as they read the rest of the record;
# - a draft is changed and completed by the assessing agency's people who see the child, so a
#   colleague can finish an assessment when the assessor is away;
# - a level other than high despite a current indicator of actual exploitation stands only
#   when an agency manager of the assessor's agency, who is not the assessor, signs the
#   written override off;
# - overdue reviews are followed up by the assessor and the managers of their agency.


def can_assess(user: User | None, child: Child) -> bool:
    """Starting a risk and vulnerabilities assessment of the child (a write about the child:
    not under a break-glass grant)."""
    return can_write_for_child(user, child)


def can_edit_assessment(user: User | None, assessment: Assessment) -> bool:
    """Changing or completing a draft assessment: its agency's people who may assess the child."""
    from mace.assessments.choices import AssessmentStatus

    return (
        user is not None
        and assessment.status == AssessmentStatus.DRAFT
        and user.agency_id == assessment.agency_id
        and can_assess(user, assessment.child)
    )


def can_sign_off_assessment(user: User | None, assessment: Assessment) -> bool:
    """Signing off (or returning) an override: an agency manager of the assessor's agency who is
    not the assessor and sees the child. Nobody signs off their own judgement."""
    from mace.assessments.choices import AssessmentStatus

    if user is None or not user.is_authenticated:
        return False
    return (
        assessment.status == AssessmentStatus.AWAITING_SIGN_OFF
        and Role.AGENCY_MANAGER in user.role_set
        and user.agency_id is not None
        and user.agency_id == assessment.agency_id
        and user.pk != assessment.assessor_id
        and can_write_for_child(user, assessment.child)
    )


def assessments_followed_up(
    user: User | None, queryset: QuerySet[Assessment]
) -> QuerySet[Assessment]:
    """The assessments whose reviews and sign-offs this user follows up: their own, and, for an
    agency manager, every one made by their agency; only for children they may see."""
    if not sees_case_content(user):
        return queryset.none()
    assert user is not None
    from mace.people.models import Child as ChildModel

    mine = Q(assessor_id=user.pk)
    if Role.AGENCY_MANAGER in user.role_set:
        mine |= Q(agency_id=user.agency_id)
    return queryset.filter(mine, child__in=scope_children(user, ChildModel.objects.all()))


# ---------------------------------------------------------------------------------------------
# MACE meetings and their actions (mace.meetings).
#
# - A quadrant's MACE chairs and coordinator run its meetings: they schedule them, draft, edit
#   and freeze part 1 agendas, record attendance, discussions, threats and actions. Only a chair
#   signs the minutes off, and amends them afterwards.
# - A meeting's members (its quadrant's panel, its chairs and coordinator, and the people asked
#   to it) read its agenda pack and minutes. A part 1 pack names children, so only members who
#   see case content read it; a district council or CSP officer asked to part 2 reads that.
#   Everyone else gets 404, as for a child.
# - An action is read and updated by the people of its owner agency who work on cases or as a
#   district council / CSP officer (its named owner among them), and by the panel of its
#   meeting's quadrant. They see the action and the meeting it came from; the child it is about
#   is named only to someone who may see that child, so a district officer updates an action
#   without seeing the child's case.
# ---------------------------------------------------------------------------------------------

ACTION_OWNER_ROLES = CASE_ROLES | {Role.DISTRICT_OFFICER}


def _active_with_agency(user: User | None) -> bool:
    return (
        user is not None
        and user.is_authenticated
        and user.is_active
        and user.agency_id is not None
        and Role.SYSTEM_ADMIN not in user.role_set
    )


def works_on_mace(user: User | None) -> bool:
    """Whether the user's roles can bring them to a meeting or own an action at all (the
    meetings and actions pages); which meetings and actions is scope_meetings' and
    scope_actions' business."""
    return _active_with_agency(user) and bool(user.role_set & ACTION_OWNER_ROLES)  # type: ignore[union-attr]


def can_run_meetings(user: User | None, quadrant_id: int | None) -> bool:
    """Scheduling and running the meetings of this quadrant: its MACE chairs and coordinator."""
    return quadrant_id is not None and mace_panel_quadrant_id(user) == quadrant_id


def can_run_meeting(user: User | None, meeting: Meeting) -> bool:
    return can_run_meetings(user, meeting.quadrant_id)


def can_sign_off_minutes(user: User | None, meeting: Meeting) -> bool:
    """Signing the minutes off (and amending them after): a MACE chair of the quadrant."""
    return can_run_meeting(user, meeting) and user is not None and Role.MACE_CHAIR in user.role_set


def scope_meetings(user: User | None, queryset: QuerySet[Meeting]) -> QuerySet[Meeting]:
    """The meetings whose agenda pack and minutes this user may read."""
    if not _active_with_agency(user):
        return queryset.none()
    assert user is not None
    from mace.meetings.choices import MeetingPart
    from mace.meetings.models import Meeting as MeetingModel

    member = Q(members__user=user) | Q(chairs=user) | Q(coordinator=user)
    quadrant_id = mace_panel_quadrant_id(user)
    if quadrant_id is not None:
        member |= Q(quadrant_id=quadrant_id)
    if not sees_case_content(user):
        member &= Q(part=MeetingPart.PART_2)
    return queryset.filter(pk__in=MeetingModel.objects.filter(member).values("pk"))


def can_view_meeting(user: User | None, meeting: Meeting) -> bool:
    from mace.meetings.models import Meeting as MeetingModel

    return scope_meetings(user, MeetingModel.objects.filter(pk=meeting.pk)).exists()


def scope_actions(user: User | None, queryset: QuerySet[Action]) -> QuerySet[Action]:
    """The actions this user reads and updates: their agency's, their own, and, for a
    quadrant's panel, every action of its meetings."""
    if not _active_with_agency(user):
        return queryset.none()
    assert user is not None
    mine = Q()
    if user.role_set & ACTION_OWNER_ROLES:
        mine |= Q(owner_agency_id=user.agency_id) | Q(owner_id=user.pk)
    quadrant_id = mace_panel_quadrant_id(user)
    if quadrant_id is not None:
        mine |= Q(meeting__quadrant_id=quadrant_id)
    if not mine:
        return queryset.none()
    return queryset.filter(mine)


def can_view_action(user: User | None, action: Action) -> bool:
    from mace.meetings.models import Action as ActionModel

    return scope_actions(user, ActionModel.objects.filter(pk=action.pk)).exists()


def can_update_action(user: User | None, action: Action) -> bool:
    """Whoever reads an action works on it: its owner agency and the panel."""
    return can_view_action(user, action)


def action_names_child(user: User | None, action: Action) -> bool:
    """Whether this user is told which child the action is about."""
    return action.child is not None and can_view_child(user, action.child)


# ---------------------------------------------------------------------------------------------
# The MACE criteria (mace.criteria): which children the quadrant's panel must consider.
#
# - The MACE chairs and coordinator of a quadrant see its list of children who meet the MACE
#   criteria, and those children's records (scope_children), whichever agencies work with them:
#   the panel's multi-agency oversight of the most vulnerable children is what MACE is for.
# - Everyone who sees a child sees whether, and why, they meet the criteria.
# ---------------------------------------------------------------------------------------------

MACE_PANEL_ROLES = frozenset({Role.MACE_CHAIR, Role.MACE_COORDINATOR})


def mace_panel_quadrant_id(user: User | None) -> int | None:
    """The quadrant whose MACE panel this user chairs or coordinates, if any."""
    if not sees_case_content(user):
        return None
    assert user is not None
    if not user.role_set & MACE_PANEL_ROLES:
        return None
    return user.quadrant_id


def can_view_mace_list(user: User | None, quadrant_id: int) -> bool:
    return quadrant_id is not None and mace_panel_quadrant_id(user) == quadrant_id


def _on_mace_list(user: User) -> Exists | None:
    """Children on the list of the quadrant whose panel the user sits on (None if none)."""
    quadrant_id = mace_panel_quadrant_id(user)
    if quadrant_id is None:
        return None
    from mace.criteria.models import Eligibility

    return Exists(Eligibility.objects.filter(child=OuterRef("pk"), quadrant_id=quadrant_id))


# ---------------------------------------------------------------------------------------------
# Disruption (mace.disruption): disruption activity against persons of concern, locations and
# vehicles, and the evidence collected for prosecutions.
#
# - Whoever has full reach into intelligence (police and CSC practitioners and managers, MACE
#   chairs and coordinators) sees, records and changes all disruption; analysts read it.
# - A district council / CSP officer sees and works on the disruption whose subject they may
#   see (a location, adult person or vehicle in their district), whose lead agency is theirs,
#   or whose MACE action their agency owns (the disruption tasks assigned to them); they record
#   disruption on subjects in their district.
# - The child a disruption or an evidence item is about is named only to someone who may see
#   that child (can_view_child); anyone else reads "a child (not shown)". A district officer
#   never sees children's case content.
# - Evidence items are case material for a prosecution: only full reach sees and records them,
#   and an item about a child only by someone who may see that child.
# - Everyone else: 404 for one disruption, 403 for a list or a new one.
# ---------------------------------------------------------------------------------------------

if TYPE_CHECKING:
    from mace.disruption.models import Disruption


def can_list_disruption(user: User | None) -> bool:
    return intelligence_reach(user) != REACH_NONE


def scope_disruptions[QS: QuerySet](user: User | None, queryset: QS) -> QS:  # type: ignore[type-arg]
    """The disruptions in `queryset` this user may see."""
    reach = intelligence_reach(user)
    if reach in (REACH_FULL, REACH_READ):
        return queryset
    if reach == REACH_NONE:
        return queryset.none()
    assert user is not None
    in_district = Q(
        subject__kind__in=DISTRICT_RECORD_KINDS,
        subject__area_id=_district_area_id(user),
        subject__about_a_minor=False,
    )
    theirs = Q(lead_agency_id=user.agency_id) | Q(action__owner_agency_id=user.agency_id)
    return queryset.filter(in_district | theirs)


def can_view_disruption(user: User | None, disruption: Disruption) -> bool:
    reach = intelligence_reach(user)
    if reach in (REACH_FULL, REACH_READ):
        return True
    if reach == REACH_NONE:
        return False
    assert user is not None
    if disruption.lead_agency_id == user.agency_id:
        return True
    action = disruption.action
    if action is not None and action.owner_agency_id == user.agency_id:
        return True
    return can_view_intelligence(user, disruption.subject)


def can_record_disruption(user: User | None, subject: object = None) -> bool:
    """Recording disruption at all (no subject), or on this subject: full reach on any, a
    district officer on a subject in their district."""
    reach = intelligence_reach(user)
    if reach == REACH_FULL:
        return True
    if reach != REACH_DISTRICT:
        return False
    return subject is None or can_view_intelligence(user, subject)


def can_change_disruption(user: User | None, disruption: Disruption) -> bool:
    """Changing a disruption: full reach, or a district officer who may see it (analysts read)."""
    reach = intelligence_reach(user)
    if reach == REACH_FULL:
        return True
    return reach == REACH_DISTRICT and can_view_disruption(user, disruption)


def disruption_names_child(user: User | None, child: Child | None) -> bool:
    """Whether a disruption's or an evidence item's child may be named to this user."""
    return child is not None and can_view_child(user, child)


def sees_evidence(user: User | None) -> bool:
    return intelligence_reach(user) == REACH_FULL


def scope_evidence[QS: QuerySet](user: User | None, queryset: QS) -> QS:  # type: ignore[type-arg]
    """The evidence items in `queryset` this user may see: full reach only, and an item about a
    child only when the user may see the child."""
    if not sees_evidence(user):
        return queryset.none()
    from mace.people.models import Child as ChildModel

    visible = scope_children(user, ChildModel.objects.all())
    return queryset.filter(Q(child__isnull=True) | Q(child__in=visible))


def can_record_evidence(user: User | None, child: Child | None = None) -> bool:
    """Recording an evidence item: full reach, and, for an item about a child, the right to
    write about that child (can_write_for_child: not under a break-glass grant)."""
    if not sees_evidence(user):
        return False
    return child is None or can_write_for_child(user, child)
