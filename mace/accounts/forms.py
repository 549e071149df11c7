"""The sign-in forms, in GOV.UK's words."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm

from mace.core.forms import GovForm, GovFormMixin


class SignInForm(GovFormMixin, AuthenticationForm):
    error_messages = {
        "invalid_login": "Enter a correct username and password",
        "inactive": "This account is not active. Contact your administrator",
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["username"].label = "Username"
        self.fields["password"].label = "Password"
        self.fields["username"].error_messages["required"] = "Enter your username"
        self.fields["password"].error_messages["required"] = "Enter your password"
        self.fields["password"].widget = forms.PasswordInput()


class AuthenticatorCodeForm(GovForm):
    """The 6-digit code an authenticator app shows (checked by the service, not here, so a
    wrong code is recorded)."""

    code = forms.CharField(
        label="Enter the 6-digit code from your authenticator app",
        help_text="The code for MACE changes every 30 seconds",
        required=False,
        max_length=20,
    )


class RecoveryCodeForm(GovForm):
    code = forms.CharField(
        label="Enter a recovery code",
        help_text="One of the codes you saved when you set up two-factor sign-in",
        required=False,
        max_length=40,
    )


class RoleGrantDecisionForm(GovForm):
    decision = forms.ChoiceField(
        label="Do you approve this?",
        choices=[
            ("approve", "Yes, approve it: the account holds it from now"),
            ("refuse", "No, refuse it"),
        ],
        required=False,
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label="Reason (required when you refuse)",
        required=False,
        widget=forms.Textarea,
        max_length=2000,
        help_text="It goes in the audit with your decision",
    )

    def clean_decision(self) -> str:
        decision = self.cleaned_data.get("decision") or ""
        if decision not in ("approve", "refuse"):
            raise forms.ValidationError("Choose whether to approve or refuse the request")
        return decision
