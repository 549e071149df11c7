"""The "Disruption" section of an intelligence record's page: the disruption on that subject the
reader may see, and a way to record more."""

from __future__ import annotations

from typing import Any

from django import template

from mace.access import policy
from mace.disruption import selectors

register = template.Library()

SHOWN = 20


@register.inclusion_tag("disruption/_section.html", takes_context=True)
def disruption_section(context: dict[str, Any], subject: Any) -> dict[str, Any]:
    request = context.get("request")
    user = getattr(request, "user", None)
    if subject is None or subject.kind not in ("person", "location", "vehicle"):
        return {"shown": False}
    if not policy.can_list_disruption(user):
        return {"shown": False}
    rows = list(selectors.disruption_search(user=user, subject=subject)[:SHOWN])
    return {
        "shown": True,
        "rows": rows,
        "subject": subject,
        "can_record": policy.can_record_disruption(user, subject),
    }
