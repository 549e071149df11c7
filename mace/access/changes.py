"""Every change to a record that keeps its history (django-simple-history) is also written to the
hash-chained change log, with who made it, the child it touches and the old and new value of
every field that changed, so the audit page can answer "who changed this child's record" and
nobody can quietly rewrite the answer."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from decimal import Decimal
from functools import cache
from typing import Any

from django.db import models
from django.dispatch import receiver
from simple_history.signals import post_create_historical_record

from mace.access.choices import ChangeType
from mace.access.models import ChangeEvent
from mace.core import bulk
from mace.core.requestid import current_request_id

_PLAIN_TYPES = frozenset({type(None), bool, int, float, str})


def _plain(value: Any) -> Any:
    if type(value) in _PLAIN_TYPES:  # the commonest, cheaply (a bulk import has millions)
        return value
    if isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, models.Model):
        return value.pk
    return str(value)


def _child_id(instance: models.Model, change_type: str) -> int | None:
    from mace.people.models import Child

    if isinstance(instance, Child):
        # A deleted child's row is gone: the event cannot point at it (the changes say who).
        return None if change_type == ChangeType.DELETED else instance.pk
    return getattr(instance, "child_id", None)


def _created(tracked: Iterable[str], record: Any) -> dict[str, list[Any]]:
    return {
        name: [None, _plain(value)]
        for name in tracked
        if (value := getattr(record, name)) not in (None, "")
    }


def _changes(history: Any) -> dict[str, list[Any]]:
    tracked = [f.attname for f in type(history).tracked_fields]
    if history.history_type == ChangeType.CHANGED:
        previous = history.prev_record
        if previous is not None:
            return {
                name: [_plain(getattr(previous, name)), _plain(getattr(history, name))]
                for name in tracked
                if getattr(previous, name) != getattr(history, name)
            }
    if history.history_type == ChangeType.DELETED:
        return {name: [_plain(getattr(history, name)), None] for name in tracked}
    return _created(tracked, history)


@cache
def _tracked(model: type[models.Model]) -> tuple[str, ...]:
    return tuple(f.attname for f in model.history.model.tracked_fields)  # type: ignore[attr-defined]


def bulk_change_events(
    *,
    user_id: int | None,
    created: Iterable[models.Model] = (),
    changed: Iterable[tuple[models.Model, Mapping[str, Any]]] = (),
) -> list[ChangeEvent]:
    """The change log's rows for records written in bulk, whose history was written without the
    signal that calls on_history (a bulk insert sends none): each of `created` with every value
    it was created with, and each of `changed` (a record and its field values by attname before
    the change) with the old and new value of every tracked field that differs, as on_history
    writes them one record at a time. Unsaved: the caller chains them (mace.access.chain.append)
    in the transaction that wrote the records."""
    events = [
        _change_event(user_id, record, ChangeType.CREATED, _created(_tracked(type(record)), record))
        for record in created
    ]
    for record, before in changed:
        changes = {
            name: [_plain(before[name]), _plain(value)]
            for name in _tracked(type(record))
            if before[name] != (value := getattr(record, name))
        }
        events.append(_change_event(user_id, record, ChangeType.CHANGED, changes))
    return events


def _change_event(
    user_id: int | None, record: models.Model, change_type: str, changes: dict[str, list[Any]]
) -> ChangeEvent:
    return bulk.new(
        ChangeEvent,
        user_id=user_id,
        child_id=_child_id(record, change_type),
        model=record._meta.label,
        object_id=str(record.pk),
        change_type=change_type,
        changes=changes,
        request_id=current_request_id.get(),
    )


@receiver(post_create_historical_record, dispatch_uid="mace_change_log")
def on_history(sender: Any, instance: models.Model, history_instance: Any, **kwargs: Any) -> None:
    _change_event(
        history_instance.history_user_id,
        instance,
        history_instance.history_type,
        _changes(history_instance),
    ).save()
