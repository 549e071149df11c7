"""Users and their API tokens in the admin. A token's hash is never shown; a token can only be
revoked here, never created or edited (tokens are issued with `mace issue_token`).

Roles and superuser go through mace.accounts.services: a role that sees case content, the data
protection role or superuser ticked here becomes a request that a second person approves on
the "Roles waiting for approval" page (an agency manager of the account's agency or a data
protection officer); the account does not hold it until then. Taking one away is at once.

Second factors are not shown at all (their secrets are worth as much as a password): an
administrator can only reset them, or lift a lockout, with the audited actions on users."""

from __future__ import annotations

from typing import cast

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.db.models import QuerySet
from django.forms import BaseInlineFormSet, ModelForm
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice
from simple_history.admin import SimpleHistoryAdmin

from mace.accounts import services
from mace.accounts.choices import RoleGrantStatus
from mace.accounts.models import ApiToken, RoleAssignment, RoleGrantRequest, User

for _device in (TOTPDevice, StaticDevice):
    if admin.site.is_registered(_device):
        admin.site.unregister(_device)


class RoleAssignmentInline(admin.TabularInline):
    """The roles the account holds. Rows added here for a role that needs approval are not
    saved: they become a request (UserAdmin.save_related)."""

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
        ("Waiting for approval", {"fields": ("waiting_for_approval",)}),
    )
    readonly_fields = ["waiting_for_approval"]
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
    actions = ["unlock", "reset_two_factor"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[User]:
        return super().get_queryset(request).prefetch_related("role_assignments")

    def save_model(self, request: HttpRequest, obj: User, form: ModelForm, change: bool) -> None:
        """Superuser ticked on an account that is not one yet (the administrator's own
        included, and a revert from the history) is saved unticked and asked for instead. An
        account moved to another agency has its case roles asked for again."""
        before = User.objects.filter(pk=obj.pk).values("is_superuser", "agency_id").first()
        was_superuser = bool(change and before and before["is_superuser"])
        wants_superuser = obj.is_superuser and not was_superuser
        if wants_superuser:
            obj.is_superuser = False
        super().save_model(request, obj, form, change)
        if change and before is not None and before["agency_id"] != obj.agency_id:
            self._say_waiting(
                request,
                services.user_agency_moved(
                    user=obj, actor=cast(User, request.user), request=request
                ),
            )
        if wants_superuser:
            grant = services.role_grant_request(
                user=obj, roles=[], superuser=True, actor=cast(User, request.user), request=request
            )
            self._say_waiting(request, grant)

    def save_related(
        self, request: HttpRequest, form: ModelForm, formsets: list[BaseInlineFormSet], change: bool
    ) -> None:
        """The roles go through the service, never straight to the table: the powerful ones
        become a request for a second person to approve."""
        form.save_m2m()
        wanted: set[str] | None = None
        for formset in formsets:
            if formset.model is not RoleAssignment:
                self.save_formset(request, form, formset, change=change)
                continue
            # Sets what the admin's change message reads (new, changed and deleted rows)
            # without writing anything.
            formset.save(commit=False)
            wanted = {
                row.cleaned_data["role"]
                for row in formset.forms
                if row.cleaned_data
                and row.cleaned_data.get("role")
                and not row.cleaned_data.get("DELETE")
            }
        if wanted is None:
            return
        grant = services.user_roles_change(
            user=form.instance, roles=wanted, actor=cast(User, request.user), request=request
        )
        self._say_waiting(request, grant)

    def _say_waiting(self, request: HttpRequest, grant: RoleGrantRequest | None) -> None:
        if grant is not None:
            self.message_user(
                request,
                f"{grant.summary[:1].upper()}{grant.summary[1:]} for {grant.user.username} "
                "waits for approval by an agency manager of their agency or a data protection "
                "officer. It does not take effect until then.",
                messages.WARNING,
            )

    @admin.display(description="waiting for approval")
    def waiting_for_approval(self, obj: User) -> str:
        if not obj.pk:
            return "-"
        waiting = obj.role_grant_requests.filter(status=RoleGrantStatus.PENDING)
        return "; ".join(grant.summary for grant in waiting) or "Nothing"

    @admin.action(description="Unlock after failed sign-ins", permissions=["change"])
    def unlock(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        actor = cast(User, request.user)
        for user in queryset:
            services.account_unlock(user=user, actor=actor, request=request)
        self.message_user(request, f"Unlocked {queryset.count()} user(s).", messages.SUCCESS)

    @admin.action(description="Reset two-factor sign-in", permissions=["change"])
    def reset_two_factor(
        self, request: HttpRequest, queryset: QuerySet[User]
    ) -> HttpResponse | None:
        """Asks for the reason first (it goes in the audit), as Django's delete action asks
        for confirmation."""
        reason = request.POST.get("reason", "").strip()
        if request.POST.get("confirm") and reason:
            actor = cast(User, request.user)
            for user in queryset:
                services.two_factor_reset(user=user, actor=actor, reason=reason, request=request)
            self.message_user(
                request,
                f"Reset two-factor sign-in for {queryset.count()} user(s). They will set it up "
                "again when they next sign in.",
                messages.SUCCESS,
            )
            return None
        return TemplateResponse(
            request,
            "admin/accounts/user/reset_two_factor.html",
            {
                **self.admin_site.each_context(request),
                "title": "Reset two-factor sign-in",
                "users": queryset,
                "opts": self.model._meta,
                "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
                "missing_reason": bool(request.POST.get("confirm")) and not reason,
            },
        )

    @admin.display(description="roles")
    def roles(self, obj: User) -> str:
        return ", ".join(ra.get_role_display() for ra in obj.role_assignments.all())


class TokenStatusFilter(admin.SimpleListFilter):
    title = "status"
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return [("active", "Active"), ("expired", "Expired"), ("revoked", "Revoked")]

    def queryset(self, request, queryset):
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
        actor = cast(User, request.user)
        count = 0
        for token in queryset.filter(revoked_at__isnull=True).select_related("user"):
            count += services.api_token_revoke(
                user=token.user, token_id=token.pk, actor=actor, request=request
            )
        self.message_user(request, f"Revoked {count} token(s).", messages.SUCCESS)
