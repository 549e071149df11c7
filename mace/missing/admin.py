"""The repeat missing rule in the admin: system administrators change the threshold and the
period (with history: who, when, the old values). There is one rule; it is never deleted."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest
from simple_history.admin import SimpleHistoryAdmin

from mace.missing.models import RepeatMissingRule


@admin.register(RepeatMissingRule)
class RepeatMissingRuleAdmin(SimpleHistoryAdmin):
    list_display = ["__str__", "episodes", "days", "include_away", "updated_at"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return not RepeatMissingRule.objects.exists() and super().has_add_permission(request)

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
