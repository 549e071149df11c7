"""The assessment tool and review intervals in the admin, for system administrators. A version
of the tool is changed only while it is a draft: a version in force or superseded is what past
assessments used, so it is read-only. Revising the tool is "Copy as a new draft version", then
editing the draft, then "Put in force" (docs/assessments.md). Assessments themselves are case
content and are not in the admin."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from simple_history.admin import SimpleHistoryAdmin

from mace.accounts.requests import AuthedRequest
from mace.assessments.choices import InstrumentStatus
from mace.assessments.models import (
    Instrument,
    InstrumentIndicator,
    InstrumentSection,
    InstrumentVulnerability,
    ReviewInterval,
)
from mace.assessments.services import instrument_put_in_force, instrument_revise
from mace.core.errors import DomainError, Refused


def _editable(instrument: Instrument | None) -> bool:
    return instrument is None or instrument.status == InstrumentStatus.DRAFT


class _DraftOnlyInline(admin.TabularInline):
    extra = 0

    def _instrument(self, obj: Any) -> Instrument | None:
        return obj

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _editable(self._instrument(obj)) and super().has_change_permission(request, obj)

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _editable(self._instrument(obj)) and super().has_add_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _editable(self._instrument(obj)) and super().has_delete_permission(request, obj)


class SectionInline(_DraftOnlyInline):
    model = InstrumentSection
    fields = ["order", "code", "title", "hint"]
    show_change_link = True


class VulnerabilityInline(_DraftOnlyInline):
    model = InstrumentVulnerability
    fields = ["order", "code", "label", "learning_disability"]


class IndicatorInline(_DraftOnlyInline):
    model = InstrumentIndicator
    fields = ["order", "code", "label", "actual_exploitation"]

    def _instrument(self, obj: Any) -> Instrument | None:
        return obj.instrument if obj is not None else None


@admin.register(Instrument)
class InstrumentAdmin(SimpleHistoryAdmin):
    list_display = ["name", "version", "status", "in_force_from"]
    list_filter = ["status"]
    inlines = [SectionInline, VulnerabilityInline]
    actions = ["copy_as_new_version", "put_in_force"]
    readonly_fields = ["status", "in_force_from"]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _editable(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _editable(obj) and super().has_delete_permission(request, obj)

    @admin.action(description="Copy as a new draft version")
    def copy_as_new_version(self, request: AuthedRequest, queryset: QuerySet[Instrument]) -> None:
        for instrument in queryset:
            latest = Instrument.objects.filter(name=instrument.name).count() + 1
            try:
                copy = instrument_revise(
                    actor=request.user,
                    instrument=instrument,
                    version=str(latest),
                )
            except (DomainError, Refused) as error:
                self.message_user(request, str(error), messages.ERROR)
            else:
                self.message_user(
                    request,
                    f"Draft version {copy.version} made. Change it, then put it in force",
                    messages.SUCCESS,
                )

    @admin.action(description="Put in force (the version in force now is superseded)")
    def put_in_force(self, request: AuthedRequest, queryset: QuerySet[Instrument]) -> None:
        if queryset.count() != 1:
            self.message_user(request, "Choose one version to put in force", messages.ERROR)
            return
        try:
            instrument = instrument_put_in_force(
                actor=request.user,
                instrument=queryset.get(),
            )
        except DomainError as error:
            for message_list in error.errors.values():
                for message in message_list:
                    self.message_user(request, message, messages.ERROR)
        except Refused as refusal:
            self.message_user(request, str(refusal), messages.ERROR)
        else:
            self.message_user(
                request, f"Version {instrument.version} is in force from today", messages.SUCCESS
            )


@admin.register(InstrumentSection)
class InstrumentSectionAdmin(admin.ModelAdmin):
    list_display = ["title", "instrument", "order"]
    list_filter = ["instrument"]
    inlines = [IndicatorInline]

    def has_module_permission(self, request: HttpRequest) -> bool:
        # Sections are reached from their instrument.
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _editable(obj.instrument if obj else None) and super().has_change_permission(
            request, obj
        )

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _editable(obj.instrument if obj else None) and super().has_delete_permission(
            request, obj
        )


@admin.register(ReviewInterval)
class ReviewIntervalAdmin(SimpleHistoryAdmin):
    """How soon each level is reviewed (defaults: high 6 weeks, medium 3 months, low 6 months).
    A change applies to assessments completed afterwards."""

    list_display = ["level", "amount", "unit"]
    readonly_fields = ["level"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
