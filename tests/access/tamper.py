"""Changing the audit behind the platform's back, as someone with the database's own powers
could: on PostgreSQL that means getting past the append-only triggers too (a superuser can;
session_replication_role = replica switches ordinary triggers off for the session)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connection


def as_dba(sql: str, *params: object) -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET session_replication_role = replica")
        try:
            cursor.execute(sql, params)
        finally:
            if connection.vendor == "postgresql":
                cursor.execute("SET session_replication_role = DEFAULT")


@contextmanager
def triggers_off() -> Iterator[None]:
    """Run the platform's own code past the append-only triggers (as a migration would)."""
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SET session_replication_role = replica")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SET session_replication_role = DEFAULT")
