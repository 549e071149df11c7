"""Optimistic concurrency: a record that people edit carries a `version`; a save names the
version the person started from, and is refused if someone else saved in between. Nothing is
locked while a person is looking at a form, so an abandoned tab blocks nobody, and the rule is
the same on SQLite and PostgreSQL.

How a save is guarded: first a compare-and-set, `UPDATE ... SET version = version + 1 WHERE
pk = %s AND version = %s`. The database applies it atomically: on PostgreSQL a second writer
waits for the first one's row lock and then finds the version moved on; SQLite lets one writer
in at a time. Only when that matched a row are the changes written, with `instance.save()` in the
same transaction, so django-simple-history records the change (with who made it) and every
signal listening for saves or historical records fires as for any other save."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, TypeVar

from django.db import models, transaction
from django.db.models import F

M = TypeVar("M", bound=models.Model)


class ConflictError(Exception):
    """Someone else saved the record after the person loaded it. `current` is the record as it
    is now, so the person can compare it with what they typed and decide."""

    def __init__(self, current: models.Model, message: str = "") -> None:
        self.current = current
        super().__init__(message or "Someone else changed this record while you were editing")


def _queryset[M: models.Model](
    model_or_queryset: type[M] | models.QuerySet[M],
) -> models.QuerySet[M]:
    if isinstance(model_or_queryset, models.QuerySet):
        return model_or_queryset
    return model_or_queryset._default_manager.all()


def save_versioned[M: models.Model](
    model_or_queryset: type[M] | models.QuerySet[M],
    pk: Any,
    expected_version: int,
    *,
    history_user: Any = None,
    **changes: Any,
) -> M:
    """Apply `changes` to the record if it is still at `expected_version`, and return it saved at
    the next version. Raises ConflictError (with the record as it is now) if it is not, and the
    model's DoesNotExist if there is no such record in the queryset."""
    queryset = _queryset(model_or_queryset)
    with transaction.atomic():
        # The guard comes first in the transaction: on SQLite a read before it would pin an old
        # snapshot, and on PostgreSQL it takes the row lock that serialises competing saves.
        matched = queryset.filter(pk=pk, version=expected_version).update(version=F("version") + 1)
        if matched != 1:
            raise ConflictError(queryset.get(pk=pk))
        instance = queryset.get(pk=pk)
        for name, value in changes.items():
            setattr(instance, name, value)
        if history_user is not None:
            # simple-history takes the request's user; a command or task has none, so say who.
            instance._history_user = history_user  # type: ignore[attr-defined]
        instance.save(update_fields=[*changes, "version"])
        return instance


def update_versioned[M: models.Model](
    model_or_queryset: type[M] | models.QuerySet[M],
    pk: Any,
    expected_version: int,
    **changes: Any,
) -> int:
    """As save_versioned, answering the new version number (for callers that need no more)."""
    return int(save_versioned(model_or_queryset, pk, expected_version, **changes).version)  # type: ignore[attr-defined]


def differs(instance: models.Model, name: str, value: Any) -> bool:
    """Whether setting `name` to `value` would change the record (comparing foreign keys by id,
    so no related row is loaded to find out): a save that changes nothing writes no history."""
    field = instance._meta.get_field(name)
    if field.is_relation:
        attname = field.attname  # type: ignore[union-attr]
        return bool(getattr(instance, attname) != (value.pk if value is not None else None))
    return bool(getattr(instance, name) != value)


def require_version(instance: models.Model, expected_version: int) -> None:
    """Refuse a change made from an out-of-date copy even when it would change nothing (the person
    should see what changed before saying their version is right)."""
    current = type(instance)._default_manager.get(pk=instance.pk)
    if current.version != expected_version:  # type: ignore[attr-defined]
        raise ConflictError(current)


@dataclass(frozen=True)
class LastChange:
    """Who made the saved version, and when (from the record's history)."""

    by: str
    at: dt.datetime | None


def last_change(instance: models.Model) -> LastChange:
    history = getattr(instance, "history", None)
    record = history.select_related("history_user").first() if history is not None else None
    if record is None:
        return LastChange(by="someone else", at=None)
    user = record.history_user
    name = (getattr(user, "display_name", "") or str(user)) if user is not None else ""
    return LastChange(by=name or "someone else", at=record.history_date)
