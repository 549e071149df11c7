"""The receiving service's response to a referral. The form parses what was typed; the rules
are the services', whose DomainError comes back onto these fields."""

from __future__ import annotations

from typing import Any

from django import forms

from mace.core.forms import GovForm, version_field
from mace.referrals.models import ReferralService


class Response:
    ACKNOWLEDGE = "acknowledge"
    ACCEPT = "accept"
    DECLINE = "decline"
    PASS_ON = "pass_on"


class RespondForm(GovForm):
    decision = forms.ChoiceField(
        label="What do you want to do?",
        widget=forms.RadioSelect,
        error_messages={"required": "Choose what to do with the referral"},
    )
    reason = forms.CharField(
        label="Reason",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="When you decline or pass the referral on: the referrer is told.",
    )
    to = forms.ModelChoiceField(
        queryset=ReferralService.objects.none(),
        label="Pass it on to",
        required=False,
        empty_label="Choose a service",
    )
    version = version_field()

    def __init__(self, *args: Any, referral: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [
            (Response.ACCEPT, "Accept: we will work with the child"),
            (Response.DECLINE, "Decline, with the reason"),
            (Response.PASS_ON, "Pass it on to another service"),
        ]
        if referral.status == "waiting":
            choices.insert(0, (Response.ACKNOWLEDGE, "Acknowledge: we have it and are looking"))
        decision = self.fields["decision"]
        assert isinstance(decision, forms.ChoiceField)
        decision.choices = choices
        to = self.fields["to"]
        assert isinstance(to, forms.ModelChoiceField)
        to.queryset = ReferralService.objects.filter(active=True).exclude(pk=referral.service_id)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("decision") == Response.PASS_ON and not data.get("to"):
            self.add_error("to", "Choose the service to pass the referral on to")
        return data
