"""Every change to a record that keeps its history (django-simple-history) is also written to the
hash-chained change log, with who made it, the child it touches and the old and new value of
every field that changed, so the audit page can answer "who changed this child's record" and
nobody can quietly rewrite the answer."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import models
from django.dispatch import receiver
from simple_history.signals import post_create_historical_record

from mace.access.choices import ChangeType
from mace.access.models import ChangeEvent
from mace.core.requestid import current_request_id


def _plain(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | float | str):
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
    return {
        name: [None, _plain(value)]
        for name in tracked
        if (value := getattr(history, name)) not in (None, "")
    }


@receiver(post_create_historical_record, dispatch_uid="mace_change_log")
def on_history(sender: Any, instance: models.Model, history_instance: Any, **kwargs: Any) -> None:
    ChangeEvent.objects.create(
        user_id=history_instance.history_user_id,
        child_id=_child_id(instance, history_instance.history_type),
        model=instance._meta.label,
        object_id=str(instance.pk),
        change_type=history_instance.history_type,
        changes=_changes(history_instance),
        request_id=current_request_id.get(),
    )
