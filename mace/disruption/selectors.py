"""Reads of disruption and evidence: one disruption (checked and logged), the list with its
filters, a subject's disruption, and which children the reader may see named."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet
from django.http import Http404
from django.urls import NoReverseMatch, reverse

from mace.access import policy
from mace.access.choices import AccessOutcome
from mace.access.services import access_record
from mace.disruption.models import Disruption, EvidenceItem

if TYPE_CHECKING:
    from mace.accounts.models import User
    from mace.intelligence.models import Record
    from mace.meetings.models import Action

CHILD_NOT_SHOWN = "a child (not shown)"


def disruptions_loaded() -> QuerySet[Disruption]:
    """Disruptions with what their pages and the API show, in one query."""
    return Disruption.objects.select_related(
        "subject", "child", "lead_agency", "action__owner_agency", "created_by"
    )


def disruption_read(
    *, user: User | None, pk: int, action: str, channel: str, path: str = ""
) -> Disruption:
    """The disruption, if this user may see it, with the read (or the refusal) logged; otherwise
    404, exactly as for one that does not exist."""
    disruption = policy.scope_disruptions(user, disruptions_loaded()).filter(pk=pk).first()
    if disruption is None:
        exists = Disruption.objects.filter(pk=pk).exists()
        access_record(
            user=user,
            child_id=None,
            action=action,
            outcome=AccessOutcome.REFUSED,
            channel=channel,
            path=path,
            detail="" if exists else f"No disruption {pk}",
            obj=Disruption(pk=pk),
        )
        raise Http404("No disruption found")
    access_record(
        user=user,
        child_id=None,
        action=action,
        outcome=AccessOutcome.ALLOWED,
        channel=channel,
        path=path,
        obj=disruption,
    )
    return disruption


def disruption_search(
    *,
    user: User | None,
    type: str = "",
    status: str = "",
    lead_agency_id: int | None = None,
    subject: Record | None = None,
) -> QuerySet[Disruption]:
    """The disruptions this user may see, newest first, narrowed by the filters given."""
    disruptions = policy.scope_disruptions(user, disruptions_loaded())
    if type:
        disruptions = disruptions.filter(type=type)
    if status:
        disruptions = disruptions.filter(status=status)
    if lead_agency_id:
        disruptions = disruptions.filter(lead_agency_id=lead_agency_id)
    if subject is not None:
        disruptions = disruptions.filter(subject=subject)
    return disruptions


def named_children(user: User | None, rows: list[Any]) -> set[int]:
    """Of the children these disruptions or evidence items are about, the ones the user may see
    named (one query)."""
    ids = {row.child_id for row in rows if row.child_id is not None}
    return policy.children_named_in_links(user, ids)


def child_words(row: Any, named: set[int]) -> str:
    """The child a row is about, as this reader may be told: their name, or that there is one."""
    if row.child_id is None:
        return ""
    return str(row.child.full_name) if row.child_id in named else CHILD_NOT_SHOWN


def evidence_for(user: User | None, disruption: Disruption) -> QuerySet[EvidenceItem]:
    """The disruption's evidence items this user may see (none, for anyone without full reach)."""
    items = EvidenceItem.objects.filter(disruption=disruption).select_related(
        "collected_by", "child", "person", "created_by"
    )
    return policy.scope_evidence(user, items)


def action_url(action: Action | None) -> str | None:
    """The MACE action's page, once the meetings app has one."""
    if action is None:
        return None
    try:
        return reverse("meetings:action_detail", kwargs={"action_id": action.pk})
    except NoReverseMatch:
        return None
