"""Pages for referrals: the receiving service's inbox with what its agency sent, and a referral's
page, where the receiving service responds. Thin: the policy decides (through the selectors and
services), every child named or shown is logged, every write is a service."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from mace.access import policy
from mace.access.choices import AccessAction, AccessChannel
from mace.access.services import children_listed
from mace.accounts.requests import AuthedRequest
from mace.core.errors import require
from mace.core.submit import bind, submit
from mace.reference.choices import CodeList
from mace.reference.codes import code_label
from mace.referrals import selectors, services
from mace.referrals.forms import RespondForm, Response
from mace.referrals.models import Referral

PAGE_SIZE = 25


def referral_list(request: AuthedRequest) -> HttpResponse:
    user = request.user
    require(policy.sees_case_content(user), "Your role does not include referrals")
    today = timezone.localdate()
    inbox = Paginator(selectors.received(user), PAGE_SIZE).get_page(request.GET.get("page"))
    sent = Paginator(selectors.sent(user), PAGE_SIZE).get_page(request.GET.get("sent_page"))
    rows = [*inbox.object_list, *sent.object_list]
    children_listed(
        user=user, children=[r.child for r in rows], channel=AccessChannel.PAGE, path=request.path
    )
    return render(
        request,
        "referrals/list.html",
        {
            "inbox": inbox,
            "sent": sent,
            "today": today,
            "soon": today + dt.timedelta(days=selectors.DUE_SOON_DAYS),
            "receives": policy.receives_referrals(user),
        },
    )


def _respond(request: AuthedRequest, referral: Referral, form: RespondForm) -> Referral:
    data = form.cleaned_data
    common = {"actor": request.user, "referral": referral, "version": data["version"]}
    match data["decision"]:
        case Response.ACKNOWLEDGE:
            return services.referral_acknowledge(**common)
        case Response.ACCEPT:
            return services.referral_accept(**common)
        case Response.DECLINE:
            return services.referral_decline(**common, reason=data["reason"])
        case _:
            return services.referral_pass_on(**common, to=data["to"], reason=data["reason"])


DONE = {
    Response.ACKNOWLEDGE: "Referral acknowledged",
    Response.ACCEPT: "Referral accepted: the child's record is now open to your agency",
    Response.DECLINE: "Referral declined: the referrer is told why",
    Response.PASS_ON: "Referral passed on",
}


def referral_detail(request: AuthedRequest, referral_id: int) -> HttpResponse:
    user = request.user
    posted = request.method == "POST"
    referral = selectors.referral_read(
        user,
        referral_id,
        action=AccessAction.CHANGE if posted else AccessAction.VIEW_REFERRAL,
        channel=AccessChannel.PAGE,
        path=request.path,
        acting=posted,
    )
    can_act = policy.can_act_on_referral(user, referral)
    form = None
    if can_act:
        form = bind(request, RespondForm, referral=referral, initial={"version": referral.version})
        sent = submit(
            request,
            form,
            lambda: _respond(request, referral, form),
            fields={"decline_reason": "reason"},
            compare=(),
        )
        if sent.ok:
            messages.success(request, DONE[form.cleaned_data["decision"]])
            return redirect("referrals:detail", referral_id=referral.pk)
    return render(
        request,
        "referrals/detail.html",
        {
            "referral": referral,
            "form": form,
            "today": timezone.localdate(),
            "sees_child": policy.can_view_child(user, referral.child),
            "sex": code_label(CodeList.SEX, referral.child.sex),
            "indicators": list(referral.concern.indicators.all()) if referral.concern else [],
        },
    )
