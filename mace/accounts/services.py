"""What happens to accounts: roles given and taken away (the powerful ones only on a second
person's approval), personal API tokens issued and revoked, second factors set up, checked and
reset, lockouts lifted. The commands, the admin and the account pages call these;
each writes its security event to the audit.

Only a hash of a token is stored and the token itself is returned once."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta
from typing import TYPE_CHECKING

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from mace.access import policy
from mace.access.audit import security_event_record
from mace.access.choices import SecurityAction
from mace.accounts import two_factor
from mace.accounts.choices import Role, RoleGrantStatus
from mace.accounts.models import ApiToken, RoleAssignment, RoleGrantRequest, User
from mace.core.errors import DomainError, Refused

if TYPE_CHECKING:
    from django.http import HttpRequest

# A year at most: a token is a password that never asks for a second factor, so it must lapse.
MAX_TOKEN_DAYS = 366


def api_token_issue(
    *,
    user: User,
    name: str = "Personal token",
    days: int = ApiToken.DEFAULT_LIFETIME.days,
    actor: User | None = None,
) -> tuple[str, ApiToken]:
    """A new token for an active user: (the token, shown once; its stored record). `actor` is
    the administrator who issued it, when known (a command run on the server names nobody)."""
    errors: dict[str, list[str]] = {}
    if not user.is_active:
        errors.setdefault("user", []).append(f"{user.username} is not active; activate them first")
    if not 1 <= days <= MAX_TOKEN_DAYS:
        errors.setdefault("days", []).append(
            f"A token lasts 1 to {MAX_TOKEN_DAYS} days, not {days}"
        )
    name = name.strip()
    if not name or len(name) > 100:
        errors.setdefault("name", []).append("Say what the token is for in 1 to 100 characters")
    if errors:
        raise DomainError(errors)
    raw, key_hash = ApiToken.new_secret()
    token = ApiToken.objects.create(
        user=user,
        name=name,
        key_hash=key_hash,
        hint=raw[:12],
        expires_at=timezone.now() + timedelta(days=days),
    )
    security_event_record(
        action=SecurityAction.TOKEN_ISSUED,
        user=user,
        actor=actor,
        detail=f"{token.name} ({token.hint}…), expires {timezone.localdate(token.expires_at)}",
    )
    return raw, token


@transaction.atomic
def api_token_revoke(
    *,
    user: User,
    hint: str | None = None,
    every: bool = False,
    token_id: int | None = None,
    actor: User | None = None,
    request: HttpRequest | None = None,
) -> int:
    """Revoke one of the user's unrevoked tokens, named by its id or the start of its hint, or
    every one. Revoked tokens are kept for the record. Returns how many were revoked; each is
    recorded in the audit with `actor` (the user themselves, an administrator, or nobody for a
    command)."""
    tokens = ApiToken.objects.select_for_update().filter(user=user, revoked_at__isnull=True)
    if token_id is not None:
        tokens = tokens.filter(pk=token_id)
        if not tokens.exists():
            raise DomainError("This token has already been revoked or is not yours", "token")
    elif not every:
        hint = (hint or "").strip().rstrip("…").rstrip(".")
        if not hint:
            raise DomainError("Give the token's first characters, or revoke them all", "hint")
        matching = [t for t in tokens if t.hint.startswith(hint) or hint.startswith(t.hint)]
        if not matching:
            raise DomainError(f"{user.username} has no unrevoked token starting {hint!r}", "hint")
        if len(matching) > 1:
            raise DomainError(
                f"{len(matching)} tokens start {hint!r}; give more characters of the hint", "hint"
            )
        tokens = tokens.filter(pk=matching[0].pk)
    revoked = list(tokens)
    tokens.update(revoked_at=timezone.now())
    for token in revoked:
        security_event_record(
            action=SecurityAction.TOKEN_REVOKED,
            user=user,
            actor=actor,
            request=request,
            detail=f"{token.name} ({token.hint}…)",
        )
    return len(revoked)


# Roles. Every path a person uses to give roles (the admin, any page or command) comes here, so
# a role that sees case content, the data protection role or superuser is only ever asked for:
# it takes effect when a second person approves it (mace.access.policy.can_approve_role_grant).
# Demo and test data set roles on the models directly; they are not a person's path.


@transaction.atomic
def user_roles_change(
    *,
    user: User,
    roles: Iterable[str],
    superuser: bool | None = None,
    actor: User | None,
    request: HttpRequest | None = None,
) -> RoleGrantRequest | None:
    """Make the account's roles (and, when given, its superuser flag) what `actor` asked for.
    Roles taken away go at once; roles that need no approval are given at once; the rest, and
    superuser, become one request for a second person to approve, returned (None when nothing
    needs approval). The account does not hold what was asked for until then."""
    wanted = {str(role) for role in roles}
    unknown = wanted - set(Role.values)
    if unknown:
        raise DomainError(f"There is no role {sorted(unknown)[0]!r}", "roles")
    held = set(user.role_assignments.values_list("role", flat=True))
    RoleAssignment.objects.filter(user=user, role__in=held - wanted).delete()
    to_add = wanted - held
    for role in sorted(role for role in to_add if not policy.role_needs_approval(role)):
        RoleAssignment.objects.create(user=user, role=role)
    if superuser is False and user.is_superuser:
        User.objects.filter(pk=user.pk).update(is_superuser=False)
        user.is_superuser = False
    user.__dict__.pop("role_set", None)
    asked = {role for role in to_add if policy.role_needs_approval(role)}
    return role_grant_request(
        user=user, roles=asked, superuser=bool(superuser), actor=actor, request=request
    )


@transaction.atomic
def user_agency_moved(
    *, user: User, actor: User | None, request: HttpRequest | None = None
) -> RoleGrantRequest | None:
    """The account has just been moved to another agency: what its powerful roles see follows
    the agency, so they lapse and are asked for again, for the new agency's managers (or a data
    protection officer) to approve. Without this, moving an approved account would widen it to
    any agency's children with nobody's approval."""
    user.__dict__.pop("role_set", None)
    moved = [role for role in user.role_set if policy.role_needs_approval(role)]
    if not moved:
        return None
    RoleAssignment.objects.filter(user=user, role__in=moved).delete()
    user.__dict__.pop("role_set", None)
    return role_grant_request(user=user, roles=moved, actor=actor, request=request)


def role_grant_request(
    *,
    user: User,
    roles: Iterable[str],
    superuser: bool = False,
    actor: User | None,
    request: HttpRequest | None = None,
) -> RoleGrantRequest | None:
    """Ask for powerful roles (or superuser) for an account, for a second person to approve.
    What the account already holds, or a request already waiting asks for, is not asked again.
    Recorded in the security audit; the people who may approve it are told."""
    from mace.core.notifications import notify

    waiting = RoleGrantRequest.objects.filter(user=user, status=RoleGrantStatus.PENDING)
    already = {role for grant in waiting for role in grant.roles}
    held = set(user.role_assignments.values_list("role", flat=True))
    asked = sorted(
        (set(roles) - held - already) & set(policy.ROLES_NEEDING_APPROVAL),
        key=list(Role.values).index,
    )
    superuser = superuser and not user.is_superuser and not waiting.filter(superuser=True).exists()
    if not asked and not superuser:
        return None
    grant = RoleGrantRequest.objects.create(
        user=user, roles=asked, superuser=superuser, requested_by=actor
    )
    security_event_record(
        action=SecurityAction.ROLE_REQUESTED,
        user=user,
        actor=actor,
        request=request,
        detail=f"Asked for {grant.summary}; waiting for approval",
    )
    notify(
        recipients=policy.role_grant_approvers(grant),
        kind="role_grant",
        message=f"{user.display_name} has been put forward for {grant.summary}: it needs your "
        "approval before it takes effect",
        url=reverse("accounts:role_grant", kwargs={"pk": grant.pk}),
    )
    return grant


@transaction.atomic
def role_grant_decide(
    *,
    grant: RoleGrantRequest,
    actor: User,
    approve: bool,
    reason: str = "",
    request: HttpRequest | None = None,
) -> RoleGrantRequest:
    """Approve (the roles and superuser take effect now) or refuse a waiting request. Only a
    second person with the standing to approve it may; a refusal says why."""
    if not policy.can_approve_role_grant(actor, grant):
        raise Refused("You cannot decide this request: someone else must approve it")
    grant = RoleGrantRequest.objects.select_for_update().get(pk=grant.pk)
    if not grant.is_pending:
        raise DomainError("This request has already been decided", "decision")
    reason = reason.strip()
    if not approve and not reason:
        raise DomainError("Say why you are refusing this request", "reason")
    if len(reason) > 2000:
        raise DomainError("Keep the reason to 2,000 characters or fewer", "reason")
    user = User.objects.select_for_update().get(pk=grant.user_id)
    if approve:
        for role in grant.roles:
            RoleAssignment.objects.get_or_create(user=user, role=role)
        if grant.superuser and not user.is_superuser:
            user.is_superuser = True
            user.save(update_fields=["is_superuser"])
    grant.status = RoleGrantStatus.APPROVED if approve else RoleGrantStatus.REFUSED
    grant.decided_by = actor
    grant.decided_at = timezone.now()
    grant.reason = reason
    grant.save(update_fields=["status", "decided_by", "decided_at", "reason"])
    verb = "Approved" if approve else "Refused"
    security_event_record(
        action=SecurityAction.ROLE_APPROVED if approve else SecurityAction.ROLE_REFUSED,
        user=user,
        actor=actor,
        request=request,
        detail=f"{verb} {grant.summary}" + (f": {reason}" if reason else ""),
    )
    return grant


# Second factors.


def two_factor_enrol(*, request: HttpRequest, device: TOTPDevice, code: str) -> list[str]:
    """Confirm the authenticator the user is setting up with a code from it, mark this session
    as having passed the second factor, and issue their recovery codes (returned once)."""
    user = request.user
    assert isinstance(user, User)
    if device.user_id != user.pk or device.confirmed:
        raise DomainError("Start setting up your authenticator app again", "code")
    code = two_factor.normalise_totp_code(code)
    if not code:
        raise DomainError("Enter the 6-digit code from your authenticator app", "code")
    if not code.isdigit() or len(code) != 6:
        raise DomainError("The code must be 6 digits", "code")
    # Outside the transaction below: a wrong code's throttling and audit must stay written.
    if not device.verify_token(code):
        security_event_record(
            action=SecurityAction.TWO_FACTOR_FAILED,
            user=user,
            request=request,
            detail="Wrong code while setting up the authenticator app",
        )
        raise DomainError(
            "The code is not right. Check the time on your phone is correct, then enter "
            "the newest code",
            "code",
        )
    with transaction.atomic():
        # One authenticator per person: setting up a new one replaces any other.
        TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        security_event_record(action=SecurityAction.TWO_FACTOR_ENROLLED, user=user, request=request)
        codes = _recovery_codes_replace(user)
        security_event_record(
            action=SecurityAction.RECOVERY_CODES_ISSUED,
            user=user,
            request=request,
            detail=f"{len(codes)} codes, on setting up two-factor sign-in",
        )
    _mark_verified(request, device)
    return codes


def two_factor_verify(*, request: HttpRequest, code: str) -> None:
    """Check a code from the user's authenticator app and, if right, let this session go on."""
    user = request.user
    assert isinstance(user, User)
    code = two_factor.normalise_totp_code(code)
    if not code:
        raise DomainError("Enter the 6-digit code from your authenticator app", "code")
    if not code.isdigit() or len(code) != 6:
        raise DomainError("The code must be 6 digits", "code")
    device = two_factor.authenticator(user)
    if device is None:
        raise DomainError("Set up your authenticator app first", "code")
    allowed, _ = device.verify_is_allowed()
    if not allowed:
        raise DomainError(
            "You have entered too many wrong codes. Wait a minute, then try again", "code"
        )
    if not device.verify_token(code):
        security_event_record(action=SecurityAction.TWO_FACTOR_FAILED, user=user, request=request)
        raise DomainError(
            "The code is not right. Enter the newest code from your authenticator app", "code"
        )
    _mark_verified(request, device)
    security_event_record(
        action=SecurityAction.SIGNED_IN,
        user=user,
        request=request,
        detail="Second factor accepted: authenticator app",
    )


def recovery_code_use(*, request: HttpRequest, code: str) -> int:
    """Sign in with one of the user's recovery codes, which is then used up. Returns how many
    codes they have left."""
    user = request.user
    assert isinstance(user, User)
    code = two_factor.normalise_recovery_code(code)
    if not code:
        raise DomainError("Enter one of your recovery codes", "code")
    device = two_factor.recovery_device(user)
    if device is None or not device.verify_is_allowed()[0] or not device.verify_token(code):
        security_event_record(
            action=SecurityAction.TWO_FACTOR_FAILED,
            user=user,
            request=request,
            detail="Wrong recovery code",
        )
        raise DomainError(
            "The recovery code is not right, or has been used. Each code works once", "code"
        )
    left = device.token_set.count()
    _mark_verified(request, device)
    security_event_record(
        action=SecurityAction.RECOVERY_CODE_USED,
        user=user,
        request=request,
        detail=f"{left} recovery codes left",
    )
    return left


@transaction.atomic
def recovery_codes_issue(*, request: HttpRequest) -> list[str]:
    """New recovery codes for the signed-in user; the old ones stop working. Returned once."""
    user = request.user
    assert isinstance(user, User)
    if two_factor.authenticator(user) is None:
        raise DomainError("Set up your authenticator app first", "codes")
    codes = _recovery_codes_replace(user)
    security_event_record(
        action=SecurityAction.RECOVERY_CODES_ISSUED,
        user=user,
        request=request,
        detail=f"{len(codes)} codes; the old codes no longer work",
    )
    return codes


@transaction.atomic
def two_factor_reset(
    *, user: User, actor: User | None, reason: str, request: HttpRequest | None = None
) -> int:
    """An administrator removes a user's authenticator and recovery codes (a lost phone), so
    they set up a new one when they next sign in. Returns how many devices were removed."""
    reason = reason.strip()
    if not reason:
        raise DomainError("Say why the second factor is being reset", "reason")
    count = 0
    for model in (TOTPDevice, StaticDevice):
        removed, _ = model.objects.filter(user=user).delete()
        count += removed
    security_event_record(
        action=SecurityAction.TWO_FACTOR_RESET,
        user=user,
        actor=actor,
        request=request,
        detail=reason,
    )
    return count


def account_unlock(
    *, user: User, actor: User | None, request: HttpRequest | None = None, reason: str = ""
) -> int:
    """Lift a lockout (django-axes) on the user's username, from every address. Returns how
    many locked or counting attempts were cleared."""
    from axes.utils import reset

    count = reset(username=user.get_username())
    security_event_record(
        action=SecurityAction.UNLOCKED,
        user=user,
        actor=actor,
        request=request,
        detail=reason or f"{count} failed-attempt records cleared",
    )
    return count


def _recovery_codes_replace(user: User) -> list[str]:
    device, _ = StaticDevice.objects.get_or_create(
        user=user, defaults={"name": two_factor.RECOVERY_NAME, "confirmed": True}
    )
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(two_factor.RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def _mark_verified(request: HttpRequest, device: TOTPDevice | StaticDevice) -> None:
    """This session has passed the second factor with `device`. A new session key, as at
    any change of privilege, so a key seen before this moment is worth nothing."""
    request.session.cycle_key()
    otp_login(request, device)
