"""Reads of the audit: who has seen or changed a child's record, and everything a user has seen.
Bounded: each page of results is a fixed number of queries, whatever the size of the logs."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.utils import timezone

from mace.access.models import AccessEvent, BreakGlassGrant, ChangeEvent

if TYPE_CHECKING:
    from mace.accounts.models import User

PAGE_SIZE = 50


@dataclass(frozen=True)
class AuditFilters:
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    user: str = ""
    action: str = ""
    outcome: str = ""

    @classmethod
    def from_form(cls, data: dict[str, Any]) -> AuditFilters:
        return cls(
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
            user=(data.get("user") or "").strip(),
            action=data.get("action") or "",
            outcome=data.get("outcome") or "",
        )

    def _between(self, events: QuerySet[Any]) -> QuerySet[Any]:
        zone = timezone.get_current_timezone()
        if self.date_from:
            start = dt.datetime.combine(self.date_from, dt.time.min, tzinfo=zone)
            events = events.filter(at__gte=start)
        if self.date_to:
            end = dt.datetime.combine(self.date_to + dt.timedelta(days=1), dt.time.min, tzinfo=zone)
            events = events.filter(at__lt=end)
        if self.user:
            events = events.filter(user__username__iexact=self.user)
        return events

    def access(self, events: QuerySet[AccessEvent]) -> QuerySet[AccessEvent]:
        events = self._between(events)
        if self.action:
            events = events.filter(action=self.action)
        if self.outcome:
            events = events.filter(outcome=self.outcome)
        return events

    def changes(self, events: QuerySet[ChangeEvent]) -> QuerySet[ChangeEvent]:
        return self._between(events)


def _page(queryset: QuerySet[Any], number: Any) -> Page:
    return Paginator(queryset, PAGE_SIZE).get_page(number)


def child_access_events(child_id: int, filters: AuditFilters, page: Any) -> Page:
    events = AccessEvent.objects.filter(child_id=child_id).select_related("user__agency")
    return _page(filters.access(events).order_by("-at", "-id"), page)


def child_change_events(child_id: int, filters: AuditFilters, page: Any) -> Page:
    events = ChangeEvent.objects.filter(child_id=child_id).select_related("user__agency")
    return _page(filters.changes(events).order_by("-at", "-id"), page)


def user_access_events(subject: User, filters: AuditFilters, page: Any) -> Page:
    events = AccessEvent.objects.filter(user=subject).select_related("child")
    return _page(filters.access(events).order_by("-at", "-id"), page)


def break_glass_grants(queryset: QuerySet[BreakGlassGrant], status: str, page: Any) -> Page:
    grants = queryset.select_related("user", "agency", "child", "reviewed_by")
    if status:
        grants = grants.filter(review_status=status)
    return _page(grants.order_by("-granted_at", "-id"), page)
