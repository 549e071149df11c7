"""Tests of persons of concern, locations, vehicles, phones, online accounts and their links.
Records are made through the services (the code path users take), by the helpers below."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from mace.intelligence import services
from mace.intelligence.models import Link, Record
from tests.clock import today as today

# Basildon's postcode districts place a location in Basildon, in the South quadrant. The inward
# codes are invented (9Z..), as the demo's are.
BASILDON_POSTCODE = "SS14 9ZA"
COLCHESTER_POSTCODE = "CO1 9ZB"


def person(actor: Any, **fields: Any) -> Any:
    data = {"name": "Mordecai Blackwhistle", "category": "adult", "age_estimate": 30} | fields
    return services.record_create(actor=actor, kind="person", data=data)


def location(actor: Any, **fields: Any) -> Any:
    data = {
        "kind": "hotel",
        "name": "The Sleepy Kipper Hotel",
        "line1": "1 Moonpenny Lane",
        "postcode": BASILDON_POSTCODE,
    } | fields
    return services.record_create(actor=actor, kind="location", data=data)


def vehicle(actor: Any, **fields: Any) -> Any:
    data = {"registration": "ZZ19 FKE", "make": "Ford", "model": "Focus", "colour": "Silver"}
    return services.record_create(actor=actor, kind="vehicle", data=data | fields)


def phone(actor: Any, **fields: Any) -> Any:
    data = {"number": "07700 900123"} | fields
    return services.record_create(actor=actor, kind="phone", data=data)


def account(actor: Any, **fields: Any) -> Any:
    data = {"platform": "snapchat", "handle": "@fictional_kipper"} | fields
    return services.record_create(actor=actor, kind="account", data=data)


def link(
    actor: Any,
    target: Any,
    *,
    subject: Any = None,
    child: Any = None,
    relationship: str = "seen_with",
    days_ago: int = 3,
    **fields: Any,
) -> Link:
    """A link graded B2/P (established) unless `fields` say otherwise."""
    values: dict[str, Any] = {
        "information_date": today() - dt.timedelta(days=days_ago),
        "source_kind": "officer",
        "source_evaluation": "2",
        "intelligence_assessment": "B",
        "handling_code": "P",
    } | fields
    return services.link_create(
        actor=actor,
        subject=_identity(subject),
        child=child,
        relationship=relationship,
        target=_identity(target),
        **values,
    )


def _identity(record: Any) -> Record | None:
    if record is None or isinstance(record, Record):
        return record
    return record.record  # type: ignore[no-any-return]


def intelligence_world(actor: Any) -> Any:
    """One record of each kind, in Basildon where a kind has a place (so Basildon's district
    officer works on them), for the route walks' worlds."""
    from types import SimpleNamespace

    from mace.reference.models import Area

    basildon = Area.objects.get(code="basildon")
    records = {
        "person": person(actor, area=basildon),
        "location": location(actor),
        "vehicle": vehicle(actor, area=basildon),
        "phone": phone(actor),
        "account": account(actor),
    }
    return SimpleNamespace(records=records, **records)


def words(html: str) -> str:
    """A page's text as a reader (or a screen reader) gets it: tags gone, spaces collapsed."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", html))
