"""Signing in (password, then the second factor), signing out, setting up two-factor sign-in,
and the user's own account page with their API tokens. Sign out is a POST (a link could be
followed by a prefetcher)."""

from __future__ import annotations

from typing import Any, cast

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme
from django.views import View
from django.views.decorators.http import require_POST

from mace.access import policy
from mace.access.audit import security_event_record
from mace.access.choices import SecurityAction
from mace.accounts import services, two_factor
from mace.accounts.choices import RoleGrantStatus
from mace.accounts.forms import (
    AuthenticatorCodeForm,
    RecoveryCodeForm,
    RoleGrantDecisionForm,
    SignInForm,
)
from mace.accounts.middleware import (
    idle_timeout_seconds,
    note_activity,
    two_factor_not_required,
)
from mace.accounts.models import ApiToken, RoleGrantRequest, User
from mace.accounts.requests import AuthedRequest
from mace.core import ratelimit
from mace.core.errors import DomainError, require
from mace.core.submit import bind, submit

# Recovery codes wait here between being made and being shown, once.
NEW_RECOVERY_CODES = "mace_new_recovery_codes"


def _rate_limited(request: HttpRequest) -> HttpResponse | None:
    """Sign-in POSTs (password or code) from one address are limited per minute; a script
    trying passwords across many usernames meets this before any lockout."""
    if request.method != "POST":
        return None
    address = request.META.get("REMOTE_ADDR") or "unknown"
    verdict = ratelimit.hit("sign-in", address, settings.MACE_RATE_LIMIT_SIGN_IN)
    if verdict.allowed:
        return None
    if verdict.first_refusal:
        security_event_record(
            action=SecurityAction.RATE_LIMITED,
            username=str(request.POST.get("username", ""))[:150],
            request=request,
            detail=f"Sign-in: over {verdict.limit} attempts a minute from this address",
        )
    response = render(
        request,
        "accounts/too_many_requests.html",
        {"retry_after": verdict.retry_after},
        status=429,
    )
    response["Retry-After"] = str(verdict.retry_after)
    return response


def _next_url(request: HttpRequest) -> str:
    """Where to go once signed in: the page asked for, if it is on this site."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse(settings.LOGIN_REDIRECT_URL)


def _with_next(url_name: str, request: HttpRequest) -> str:
    from urllib.parse import urlencode

    target = request.POST.get("next") or request.GET.get("next") or ""
    url = reverse(url_name)
    return f"{url}?{urlencode({'next': target})}" if target else url


@method_decorator(login_not_required, name="dispatch")
class SignInView(auth_views.LoginView):
    form_class = SignInForm
    template_name = "accounts/sign_in.html"
    redirect_authenticated_user = True

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        return _rate_limited(request) or super().dispatch(request, *args, **kwargs)

    def get_success_url(self) -> str:
        """After the password, the second factor: a code, or setting up the app the first
        time. The page first asked for is carried through."""
        user = cast(User, self.request.user)
        if two_factor.two_factor_needed(user):
            if two_factor.authenticator(user) is None:
                return _with_next("accounts:two_factor_setup", self.request)
            return _with_next("accounts:two_factor", self.request)
        return super().get_success_url()


@method_decorator(two_factor_not_required, name="dispatch")
class SignOutView(auth_views.LogoutView):
    """Signs out and goes to the sign-in page (settings.LOGOUT_REDIRECT_URL)."""


def locked_out(
    request: HttpRequest, original_response: HttpResponse | None, credentials: Any
) -> HttpResponse:
    """What django-axes answers for a locked-out username and address."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return render(
        request,
        "accounts/locked_out.html",
        {"minutes": minutes, "attempts": settings.AXES_FAILURE_LIMIT},
        status=429,
    )


@method_decorator(two_factor_not_required, name="dispatch")
class TwoFactorView(View):
    """The second step of signing in: the code from the user's authenticator app."""

    template_name = "accounts/two_factor.html"
    form_class: type[AuthenticatorCodeForm] | type[RecoveryCodeForm] = AuthenticatorCodeForm
    request: AuthedRequest  # signed in with the password, the second factor still to come

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if two_factor.session_verified(request):
            return redirect(_next_url(request))
        if two_factor.authenticator(self.request.user) is None:
            return redirect(_with_next("accounts:two_factor_setup", request))
        return _rate_limited(request) or super().dispatch(request, *args, **kwargs)

    def get(self, request: AuthedRequest) -> HttpResponse:
        return self.render(self.form_class())

    def post(self, request: AuthedRequest) -> HttpResponse:
        form = self.form_class(request.POST)
        sent = submit(request, form, lambda: self.check(request, form.cleaned_data["code"]))
        if sent.ok:
            return redirect(_next_url(request))
        return self.render(form)

    def check(self, request: AuthedRequest, code: str) -> None:
        services.two_factor_verify(request=request, code=code)

    def render(self, form: Any) -> HttpResponse:
        next_url = self.request.POST.get("next") or self.request.GET.get("next") or ""
        return render(self.request, self.template_name, {"form": form, "next": next_url})


class RecoveryCodeView(TwoFactorView):
    """Signing in with a recovery code instead, when the phone is lost or not to hand."""

    template_name = "accounts/recovery_code.html"
    form_class = RecoveryCodeForm

    def check(self, request: AuthedRequest, code: str) -> None:
        left = services.recovery_code_use(request=request, code=code)
        if left <= 3:
            messages.warning(
                request,
                f"You have {left} recovery codes left. Get new ones from your account page.",
            )


@method_decorator(two_factor_not_required, name="dispatch")
class TwoFactorSetupView(View):
    """Setting up an authenticator app, the first time a user who needs one signs in (or after
    an administrator reset it). Not a way to replace a working authenticator: that needs the
    code from it first."""

    template_name = "accounts/two_factor_setup.html"
    request: AuthedRequest  # signed in with the password, the second factor still to come

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        user = self.request.user
        if two_factor.authenticator(user) is not None:
            if two_factor.session_verified(request):
                return redirect("accounts:account")
            return redirect(_with_next("accounts:two_factor", request))
        return _rate_limited(request) or super().dispatch(request, *args, **kwargs)

    def get(self, request: AuthedRequest) -> HttpResponse:
        return self.render(AuthenticatorCodeForm())

    def post(self, request: AuthedRequest) -> HttpResponse:
        form = AuthenticatorCodeForm(request.POST)
        sent = submit(
            request,
            form,
            lambda: services.two_factor_enrol(
                request=request,
                device=two_factor.enrolment_device(request.user),
                code=form.cleaned_data["code"],
            ),
        )
        if sent.ok:
            request.session[NEW_RECOVERY_CODES] = sent.result
            return redirect(_with_next("accounts:recovery_codes", request))
        return self.render(form)

    def render(self, form: AuthenticatorCodeForm) -> HttpResponse:
        device = two_factor.enrolment_device(self.request.user)
        next_url = self.request.POST.get("next") or self.request.GET.get("next") or ""
        return render(
            self.request,
            self.template_name,
            {
                "form": form,
                "next": next_url,
                "qr_code": two_factor.qr_code_svg(device),
                "secret": two_factor.secret_text(device),
            },
        )


def recovery_codes(request: AuthedRequest) -> HttpResponse:
    """The new recovery codes, shown once: they are taken out of the session as they are shown."""
    codes = request.session.pop(NEW_RECOVERY_CODES, None)
    return render(
        request,
        "accounts/recovery_codes.html",
        {"codes": codes, "next": _next_url(request)},
    )


@require_POST
def recovery_codes_new(request: AuthedRequest) -> HttpResponse:
    # A button on the account page, not a form: what the service says goes back there as a notice.
    try:
        codes = services.recovery_codes_issue(request=request)
    except DomainError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("accounts:account")
    request.session[NEW_RECOVERY_CODES] = codes
    return redirect(f"{reverse('accounts:recovery_codes')}?next={reverse('accounts:account')}")


def account(request: AuthedRequest) -> HttpResponse:
    """The signed-in user's own account: who they are to the platform, their second factor
    and their API tokens."""
    user = request.user
    authenticator = two_factor.authenticator(user)
    recovery = two_factor.recovery_device(user)
    context = {
        "account_user": user,
        "roles": sorted(ra.get_role_display() for ra in user.role_assignments.all()),
        "authenticator": authenticator,
        "recovery_left": recovery.token_set.count() if recovery is not None else 0,
        "two_factor_required": two_factor.two_factor_required(user),
        "tokens": list(ApiToken.objects.filter(user=user).order_by("-created_at", "-id")[:100]),
    }
    return render(request, "accounts/account.html", context)


def token_revoke(request: AuthedRequest, pk: int) -> HttpResponse:
    """Confirm, then revoke one of the user's own tokens. Another user's token is not found."""
    user = request.user
    token = get_object_or_404(ApiToken, pk=pk, user=user)
    if request.method == "POST":
        # A confirm button, not a form: a token already revoked is what they asked for, so a notice.
        try:
            services.api_token_revoke(user=user, token_id=token.pk, actor=user, request=request)
        except DomainError:
            messages.info(request, f"The token {token.name} was already revoked.")
        else:
            messages.success(request, f"The token {token.name} has been revoked.")
        return redirect("accounts:account")
    return render(request, "accounts/token_revoke.html", {"token": token})


def role_grants(request: AuthedRequest) -> HttpResponse:
    """Powerful roles waiting for this manager's or data protection officer's approval, and the
    latest decided ones they could have decided."""
    user = request.user
    require(
        policy.can_view_role_grants(user),
        "Only agency managers and data protection officers approve roles",
    )
    grants = policy.role_grants_for_approval(user, RoleGrantRequest.objects.all()).select_related(
        "user__agency", "requested_by", "decided_by"
    )
    return render(
        request,
        "accounts/role_grants.html",
        {
            "pending": list(grants.filter(status=RoleGrantStatus.PENDING)[:200]),
            "decided": list(grants.exclude(status=RoleGrantStatus.PENDING)[:50]),
        },
    )


def role_grant(request: AuthedRequest, pk: int) -> HttpResponse:
    """One request for powerful roles: approve or refuse it. 404 for a request this user may not
    decide (their own, one about their own account, another agency's)."""
    user = request.user
    grant = get_object_or_404(
        policy.role_grants_for_approval(user, RoleGrantRequest.objects.all()).select_related(
            "user__agency", "requested_by", "decided_by"
        ),
        pk=pk,
    )
    form = bind(request, RoleGrantDecisionForm)
    if grant.is_pending:  # a decided request shows its decision and takes none
        sent = submit(
            request,
            form,
            lambda: services.role_grant_decide(
                grant=grant,
                actor=user,
                approve=form.cleaned_data["decision"] == "approve",
                reason=form.cleaned_data["reason"],
                request=request,
            ),
        )
        if (decided := sent.result) is not None:
            approved = decided.status == RoleGrantStatus.APPROVED
            messages.success(
                request,
                f"{'Approved' if approved else 'Refused'}: {grant.summary} for "
                f"{grant.user.display_name}",
            )
            return redirect("accounts:role_grants")
    return render(request, "accounts/role_grant.html", {"grant": grant, "form": form})


@require_POST
def keep_alive(request: AuthedRequest) -> HttpResponse:
    """The idle warning's "Stay signed in": any request resets the idle clock; this one does
    nothing else, and says how long the session now has."""
    note_activity(request)
    response = HttpResponse(status=204)
    response["X-Idle-Timeout"] = str(idle_timeout_seconds())
    return response
