"""Users and their API tokens in the admin. A token's hash is never shown; a token can only be
revoked here, never created or edited (tokens are issued with `mace issue_token`)."""

from __future__ import annotations

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from simple_history.admin import SimpleHistoryAdmin

from mace.accounts.models import ApiToken, RoleAssignment, User


class RoleAssignmentInline(admin.TabularInline):
    model = RoleAssignment
    extra = 1
    verbose_name = "role"
    verbose_name_plural = "roles"


@admin.register(User)
class UserAdmin(SimpleHistoryAdmin, DjangoUserAdmin):
    inlines = [RoleAssignmentInline]
    fieldsets = (
        *(DjangoUserAdmin.fieldsets or ()),
        ("Agency and quadrant", {"fields": ("agency", "quadrant", "job_title")}),
    )
    add_fieldsets = (
        *DjangoUserAdmin.add_fieldsets,
        ("Agency and quadrant", {"fields": ("agency", "quadrant", "job_title")}),
    )
    list_display = [
        "username",
        "first_name",
        "last_name",
        "agency",
        "quadrant",
        "roles",
        "is_active",
        "is_staff",
    ]
    list_filter = [
        "is_active",
        "is_staff",
        "role_assignments__role",
        "agency__type",
        "agency",
        "quadrant",
    ]
    list_select_related = ["agency", "quadrant"]
    search_fields = ["username", "first_name", "last_name", "email", "job_title", "agency__name"]
    autocomplete_fields = ["agency"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[User]:
        return super().get_queryset(request).prefetch_related("role_assignments")

    @admin.display(description="roles")
    def roles(self, obj: User) -> str:
        return ", ".join(ra.get_role_display() for ra in obj.role_assignments.all())


class TokenStatusFilter(admin.SimpleListFilter):
    title = "status"
    parameter_name = "status"

    def lookups(self, request, model_admin):  # type: ignore[no-untyped-def]
        return [("active", "Active"), ("expired", "Expired"), ("revoked", "Revoked")]

    def queryset(self, request, queryset):  # type: ignore[no-untyped-def]
        now = timezone.now()
        if self.value() == "active":
            return queryset.filter(revoked_at__isnull=True, expires_at__gt=now)
        if self.value() == "expired":
            return queryset.filter(revoked_at__isnull=True, expires_at__lte=now)
        if self.value() == "revoked":
            return queryset.filter(revoked_at__isnull=False)
        return queryset


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    # key_hash is left out everywhere: even a hash is not for display.
    fields = ("user", "name", "hint", "created_at", "expires_at", "last_used_at", "revoked_at")
    readonly_fields = fields
    list_display = [
        "hint_shown",
        "name",
        "user",
        "created_at",
        "expires_at",
        "last_used_at",
        "status",
    ]
    list_filter = [TokenStatusFilter]
    list_select_related = ["user"]
    search_fields = ["user__username", "name", "hint"]
    actions = ["revoke"]

    @admin.display(description="hint", ordering="hint")
    def hint_shown(self, obj: ApiToken) -> str:
        return f"{obj.hint}…"

    @admin.display(description="status")
    def status(self, obj: ApiToken) -> str:
        if obj.revoked_at is not None:
            return "Revoked"
        return "Active" if obj.is_active else "Expired"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: ApiToken | None = None) -> bool:
        # The list needs 'change' for the revoke action; a token itself is never edited.
        return obj is None and super().has_change_permission(request)

    def has_delete_permission(self, request: HttpRequest, obj: ApiToken | None = None) -> bool:
        return False  # revoked tokens stay, for the record

    @admin.action(description="Revoke the selected tokens", permissions=["change"])
    def revoke(self, request: HttpRequest, queryset: QuerySet[ApiToken]) -> None:
        count = queryset.filter(revoked_at__isnull=True).update(revoked_at=timezone.now())
        self.message_user(request, f"Revoked {count} token(s).", messages.SUCCESS)
