"""Reference data in the admin: system administrators keep geography, agencies, code lists,
indicators and definitions up to date. Every change keeps its history (who, when, old value)."""

from __future__ import annotations

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from mace.reference.models import (
    Agency,
    Area,
    Code,
    Definition,
    Indicator,
    PostcodeDistrict,
    Quadrant,
)


@admin.register(Quadrant)
class QuadrantAdmin(SimpleHistoryAdmin):
    list_display = ["name", "code"]
    search_fields = ["name", "code"]


@admin.register(Area)
class AreaAdmin(SimpleHistoryAdmin):
    list_display = ["name", "code", "kind", "quadrant"]
    list_filter = ["kind", "quadrant"]
    list_select_related = ["quadrant"]
    search_fields = ["name", "code"]


@admin.register(PostcodeDistrict)
class PostcodeDistrictAdmin(SimpleHistoryAdmin):
    list_display = ["outward_code", "area", "quadrant"]
    list_filter = ["area__quadrant", "area"]
    list_select_related = ["area__quadrant"]
    search_fields = ["outward_code", "area__name"]
    autocomplete_fields = ["area"]

    @admin.display(ordering="area__quadrant__name")
    def quadrant(self, obj: PostcodeDistrict) -> str:
        return str(obj.area.quadrant) if obj.area.quadrant else "— (unitary council)"


@admin.register(Agency)
class AgencyAdmin(SimpleHistoryAdmin):
    list_display = ["name", "type", "area", "contact"]
    list_filter = ["type"]
    list_select_related = ["area"]
    search_fields = ["name", "contact"]
    autocomplete_fields = ["area"]


@admin.register(Code)
class CodeAdmin(SimpleHistoryAdmin):
    list_display = ["code", "label", "list", "order", "active"]
    list_filter = ["list", "active"]
    search_fields = ["code", "label"]


@admin.register(Indicator)
class IndicatorAdmin(SimpleHistoryAdmin):
    list_display = ["label", "code", "group", "order", "active"]
    list_filter = ["group", "active"]
    search_fields = ["label", "code"]


@admin.register(Definition)
class DefinitionAdmin(SimpleHistoryAdmin):
    list_display = ["title", "version", "status", "source"]
    list_filter = ["status"]
    search_fields = ["title", "version", "text"]
