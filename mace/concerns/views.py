"""Recording a concern about a child."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from mace.access import policy
from mace.access.choices import AccessAction, AccessChannel
from mace.access.services import child_read
from mace.concerns.forms import ConcernForm
from mace.concerns.services import concern_record
from mace.core.drafts import draft_discard, draft_get, draft_initial
from mace.core.errors import DomainError, Refused
from mace.reference.models import Definition, Indicator


def record(request: HttpRequest, child_id: int) -> HttpResponse:
    child = child_read(
        user=request.user,  # type: ignore[arg-type]
        child_id=child_id,
        action=AccessAction.CHANGE if request.method == "POST" else AccessAction.VIEW,
        channel=AccessChannel.PAGE,
        path=request.path,
    )
    if not policy.can_record_concern(request.user):  # type: ignore[arg-type]
        raise Refused("Your role does not include recording concerns")
    if not policy.can_write_for_child(request.user, child):  # type: ignore[arg-type]
        raise Refused(policy.READ_ONLY_UNDER_GRANT)
    indicators = list(Indicator.objects.filter(active=True).order_by("group", "order", "pk"))
    form = ConcernForm(request.POST if request.method == "POST" else None, indicators=indicators)
    # What was typed before a timeout or a closed tab comes back as the form's initial data
    # (unvalidated: no errors until the user submits).
    draft_key = f"concern:child:{child.pk}"
    draft = None if form.is_bound else draft_get(user=request.user, key=draft_key)  # type: ignore[arg-type]
    if draft is not None:
        form.initial = draft_initial(form, draft)
    if request.method == "POST" and form.is_valid():
        seen, routes, fields = form.service_input()
        try:
            concern_record(
                actor=request.user,  # type: ignore[arg-type]
                child=child,
                narrative=form.cleaned_data["narrative"],
                indicators=seen,
                routes=routes,
                restricted=form.cleaned_data["restricted"],
                restriction_reason=form.cleaned_data["restriction_reason"],
            )
        except DomainError as error:
            form.apply_domain_error(error, fields)
        else:
            draft_discard(user=request.user, key=draft_key)  # type: ignore[arg-type]
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
