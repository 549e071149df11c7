"""Notifications in the admin, read-only: where a system administrator sees which emails the
mail server never accepted (filter "Email: Not delivered (gave up)") and why. Messages carry
no case details (mace.core.notifications), so nothing here widens what an administrator sees."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from mace.core.models import Notification


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = [
        "created_at",
        "recipient",
        "kind",
        "email_status",
        "email_attempts",
        "next_attempt_at",
        "emailed_at",
        "last_error",
    ]
    list_filter = ["email_status", "kind"]
    list_select_related = ["recipient"]
    date_hierarchy = "created_at"
    fields = [
        "recipient",
        "kind",
        "message",
        "url",
        "created_at",
        "read_at",
        "email_status",
        "email_attempts",
        "last_error",
        "next_attempt_at",
        "claimed_at",
        "emailed_at",
    ]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Notification | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Notification | None = None) -> bool:
        return False
