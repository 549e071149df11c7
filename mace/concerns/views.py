"""Recording a concern about a child."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render

from mace.access import policy
from mace.access.choices import AccessAction, AccessChannel
from mace.access.services import child_read
from mace.accounts.requests import AuthedRequest
from mace.concerns.forms import ConcernForm
from mace.concerns.models import Concern
from mace.concerns.services import concern_record
from mace.core.drafts import draft_discard, draft_get, draft_initial
from mace.core.errors import Refused
from mace.core.submit import bind, submit
from mace.reference.models import Definition, Indicator


def record(request: AuthedRequest, child_id: int) -> HttpResponse:
    child = child_read(
        user=request.user,
        child_id=child_id,
        action=AccessAction.CHANGE if request.method == "POST" else AccessAction.VIEW,
        channel=AccessChannel.PAGE,
        path=request.path,
    )
    if not policy.can_record_concern(request.user):
        raise Refused("Your role does not include recording concerns")
    if not policy.can_write_for_child(request.user, child):
        raise Refused(policy.READ_ONLY_UNDER_GRANT)
    indicators = list(Indicator.objects.filter(active=True).order_by("group", "order", "pk"))
    form = bind(request, ConcernForm, indicators=indicators)
    # What was typed before a timeout or a closed tab comes back as the form's initial data
    # (unvalidated: no errors until the user submits).
    draft_key = f"concern:child:{child.pk}"
    draft = None if form.is_bound else draft_get(user=request.user, key=draft_key)
    if draft is not None:
        form.initial = draft_initial(form, draft)
    # How the service's error keys map back onto the form's fields depends on what was ticked:
    # filled in when the form is valid, before the service is called.
    fields: dict[str, str] = {}

    def record() -> Concern:
        seen, routes, mapped = form.service_input()
        fields.update(mapped)
        return concern_record(
            actor=request.user,
            child=child,
            narrative=form.cleaned_data["narrative"],
            indicators=seen,
            routes=routes,
            restricted=form.cleaned_data["restricted"],
            restriction_reason=form.cleaned_data["restriction_reason"],
        )

    sent = submit(request, form, record, fields=fields)
    if sent.ok:
        draft_discard(user=request.user, key=draft_key)
        messages.success(request, f"Concern recorded for {child.full_name}")
        return redirect("people:detail", child_id=child.pk)
    return render(
        request,
        "concerns/record.html",
        {
            "child": child,
            "form": form,
            "definition": Definition.in_force(),
            "indicator_groups": form.indicator_groups(),
            "route_items": form.route_items(),
            "draft_key": draft_key,
            "draft": draft,
        },
    )
